"""Drawing a sample of cases for audit, and an auditor grading one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from onestory.access.models import AccessGrant, AuditEvent, Notification
from onestory.access.selectors import visible_to
from onestory.access.tests.factories import RecordRestrictionFactory
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.earlyhelp.tests.factories import open_episode
from onestory.insight import actions_audits as actions
from onestory.insight import rules_audits
from onestory.insight import selectors_audits as selectors
from onestory.insight.models import CaseAudit
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories_audits import add_child, social_work_team, template

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def world(now):
    """Two social work teams, East with three open cases and West with one."""
    return {
        "east": social_work_team("Social Work East", now=now, children=3),
        "west": social_work_team("Social Work West", now=now, children=1),
        "template": template(),
    }


def _sample(world, now, *, by=None, auditors=None, **overrides):
    east, west = world["east"], world["west"]
    kwargs = {
        "method": rules_audits.PER_TEAM,
        "size": 2,
        "kind": "",
        "team_ids": [east.team.pk, west.team.pk],
        "auditor_ids": [a.pk for a in (auditors or [east.manager, west.manager])],
        "due_on": today_in_london(now) + timedelta(days=28),
        "template_id": world["template"].pk,
        "acting_user": by or east.manager,
        "now": now,
    }
    return actions.case_audit_sample(**(kwargs | overrides))


def test_a_sample_draws_the_number_asked_from_each_team(world, now):
    drawn = _sample(world, now)

    by_team = sorted(a.team.name for a in drawn.audits)
    assert by_team == ["Social Work East", "Social Work East", "Social Work West"]
    assert {a.batch for a in drawn.audits} == {drawn.batch}
    assert all(a.status == CaseAudit.Status.REQUESTED for a in drawn.audits)
    assert all(
        a.person_id in {c.pk for c in world["east"].children + world["west"].children}
        for a in drawn.audits
    )


def test_a_sample_across_teams_draws_that_many_cases_in_all(world, now):
    drawn = _sample(world, now, method=rules_audits.ACROSS_TEAMS, size=3)
    assert len(drawn.audits) == 3


def test_a_sample_can_be_limited_to_one_kind_of_case(world, now):
    protected = add_child(world["west"], now=now, protection=True)

    drawn = _sample(world, now, kind="child_protection")

    assert [a.person_id for a in drawn.audits] == [protected.pk]


def test_early_help_cases_are_drawn_from_the_episodes_team(world, now):
    practitioner = worker_with_role(Role.EARLY_HELP)
    episode = open_episode(practitioner, now=now)

    drawn = _sample(world, now, kind="early_help", team_ids=[])

    (only,) = drawn.audits
    assert only.team_id == episode.team_id
    assert only.person_id == episode.members.get(role="child").person_id


def test_no_auditor_audits_their_own_teams_case(world, now):
    east, west = world["east"], world["west"]

    drawn = _sample(world, now)

    for audit in drawn.audits:
        if audit.team_id == east.team.pk:
            assert audit.auditor == west.manager
        else:
            assert audit.auditor == east.manager


def test_a_sample_is_refused_when_only_the_cases_own_manager_could_audit_it(world, now):
    east = world["east"]

    with pytest.raises(DomainError) as refused:
        _sample(world, now, team_ids=[east.team.pk], auditors=[east.manager])

    assert refused.value.field == "auditors"
    assert "Social Work East" in refused.value.message
    assert not CaseAudit.objects.exists()
    assert not AccessGrant.objects.exists()


def test_the_auditor_may_open_the_childs_record_until_14_days_after_the_due_date(world, now):
    east, west = world["east"], world["west"]
    due_on = today_in_london(now) + timedelta(days=28)
    before = visible_to(west.manager, now=now).filter(pk__in=[c.pk for c in east.children])
    assert not before.exists()

    drawn = _sample(world, now, due_on=due_on, team_ids=[east.team.pk])

    audit = drawn.audits[0]
    grant = AccessGrant.objects.get(person_id=audit.person_id, worker=west.manager)
    assert grant.kind == AccessGrant.Kind.GRANT
    assert grant.reason == "Case audit"
    assert grant.granted_by == east.manager
    last_day = due_on + timedelta(days=14)
    assert today_in_london(grant.expires_at - timedelta(seconds=1)) == last_day
    assert visible_to(west.manager, now=now).filter(pk=audit.person_id).exists()
    assert (
        visible_to(west.manager, now=grant.expires_at - timedelta(minutes=1))
        .filter(pk=audit.person_id)
        .exists()
    )
    assert not visible_to(west.manager, now=grant.expires_at).filter(pk=audit.person_id).exists()
    granted = AuditEvent.objects.get(action="grant", person_id=audit.person_id)
    assert granted.actor == east.manager
    assert granted.detail["case_audit"] == str(audit.pk)
    assert AuditEvent.objects.filter(action="create", person_id=audit.person_id).exists()
    (told,) = Notification.objects.filter(recipient=west.manager)
    assert "asked you to audit 2 cases" in told.message
    assert told.person is None


def test_sending_the_sample_form_twice_draws_one_sample(world, now):
    first = _sample(world, now, form_token="token-1")
    again = _sample(world, now, form_token="token-1")

    assert again.repeat
    assert again.batch == first.batch
    assert CaseAudit.objects.count() == len(first.audits) == len(again.audits)
    assert AccessGrant.objects.count() == len(first.audits)


def test_the_seed_recorded_with_the_batch_draws_the_same_sample_again(world, now):
    cases = selectors.open_cases(now=now)

    drawn = _sample(world, now)

    (event,) = AuditEvent.objects.filter(
        action="create", person_id__isnull=True, detail__page="case audit sample"
    )
    assert event.detail["batch"] == str(drawn.batch)
    assert event.detail["open_cases_digest"] == actions.cases_digest(cases)
    again = rules_audits.draw(
        cases,
        method=event.detail["method"],
        size=event.detail["size"],
        seed=int(event.detail["seed"]),
    )
    assert {c.person_id for c in again} == {str(a.person_id) for a in drawn.audits}


def test_restricted_records_and_children_already_waiting_are_not_drawn(world, now):
    east = world["east"]
    restricted, waiting, free = east.children
    RecordRestrictionFactory(person=restricted)
    _sample(world, now, team_ids=[east.team.pk], size=1, auditors=[world["west"].manager])
    already = CaseAudit.objects.get()
    assert already.person_id != restricted.pk

    second = _sample(world, now, team_ids=[east.team.pk], size=5, auditors=[world["west"].manager])

    assert {a.person_id for a in second.audits} == ({waiting.pk, free.pk} - {already.person_id})


def test_only_a_team_manager_can_draw_a_sample(world, now):
    with pytest.raises(DomainError, match="Only a team manager"):
        _sample(world, now, by=worker_with_role(Role.ANALYST))


def test_a_due_date_not_after_today_is_refused(world, now):
    with pytest.raises(DetailsRefused) as refused:
        _sample(world, now, due_on=today_in_london(now), size=0)
    assert refused.value.problems == {
        "size": "Enter a number of cases from 1 to 10 for each team.",
        "due_on": "The audits must be due after today. Enter a later date.",
    }


def test_a_sample_with_no_open_cases_of_that_kind_says_so(world, now):
    with pytest.raises(DomainError, match="no open cases to audit of the kind child in care"):
        _sample(world, now, kind="child_in_care")


# --- Grading ----------------------------------------------------------------------------------


@pytest.fixture
def waiting(world, now):
    """One East case waiting for West's manager to audit it."""
    drawn = _sample(world, now, team_ids=[world["east"].team.pk], size=1)
    return drawn.audits[0]


def _grade(audit, now, **overrides):
    kwargs = {
        "audit_id": audit.pk,
        "version": audit.version,
        "grades": {"voice": "good", "plan": "requires_improvement", "oversight": "good"},
        "overall_grade": "good",
        "themes": ["voice_of_child", "plan_quality"],
        "strengths": "The child's wishes shape the plan.",
        "improvements": "Supervision notes to record decisions.",
        "acting_user": audit.auditor,
        "now": now,
    }
    return actions.case_audit_complete(**(kwargs | overrides))


def test_the_auditor_completes_an_audit(waiting, now):
    done = _grade(waiting, now)

    done.refresh_from_db()
    assert done.status == CaseAudit.Status.COMPLETED
    assert done.completed_at == now
    assert done.overall_grade == "good"
    assert done.grades["plan"] == "requires_improvement"
    assert done.themes == ["voice_of_child", "plan_quality"]
    assert done.version == waiting.version + 1
    event = AuditEvent.objects.get(action="update", person_id=waiting.person_id)
    assert event.detail["completed"] is True
    assert "Supervision" not in str(event.detail)


def test_completing_with_missing_grades_names_each_missing_question(waiting, now):
    with pytest.raises(DetailsRefused) as refused:
        _grade(waiting, now, grades={"plan": "good"}, overall_grade="", strengths="")

    assert refused.value.problems == {
        "grade_voice": "Choose a grade for question 1: Is the child's voice heard?",
        "grade_oversight": "Choose a grade for question 3: Is there management oversight?",
        "overall_grade": "Choose an overall grade for the case.",
        "strengths": "Enter what the work with this child does well.",
    }
    waiting.refresh_from_db()
    assert waiting.status == CaseAudit.Status.REQUESTED
    assert waiting.grades == {}


def test_saving_keeps_a_half_graded_audit_to_finish_later(waiting, now):
    saved = actions.case_audit_save(
        audit_id=waiting.pk,
        version=waiting.version,
        grades={"voice": "outstanding"},
        overall_grade="",
        themes=[],
        strengths="",
        improvements="",
        acting_user=waiting.auditor,
        now=now,
    )
    assert saved.status == CaseAudit.Status.REQUESTED
    assert saved.grades == {"voice": "outstanding"}
    assert saved.completed_at is None


def test_a_form_opened_before_someone_else_saved_is_refused(waiting, now):
    actions.case_audit_save(
        audit_id=waiting.pk,
        version=waiting.version,
        grades={"voice": "good"},
        overall_grade="",
        themes=[],
        strengths="",
        improvements="",
        acting_user=waiting.auditor,
        now=now,
    )

    with pytest.raises(StaleEdit):
        _grade(waiting, now)  # still the version the form was opened at
    waiting.refresh_from_db()
    assert waiting.status == CaseAudit.Status.REQUESTED


def test_only_the_assigned_auditor_can_grade(waiting, world, now):
    with pytest.raises(DomainError, match="cannot be found"):
        _grade(waiting, now, acting_user=world["east"].manager)


def test_a_completed_audit_cannot_be_changed(waiting, now):
    done = _grade(waiting, now)
    with pytest.raises(DomainError, match="completed"):
        _grade(done, now)
