"""Case audit pages: who may use each, what each shows whom, and the forms' refusals."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from onestory.access.models import AuditEvent
from onestory.core.clock import today_in_london
from onestory.insight import actions_audits as actions
from onestory.insight.models import CaseAudit
from onestory.returns.identifiers import child_id
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories_audits import case_audit, social_work_team, template

pytestmark = pytest.mark.django_db

LIST = reverse("insight:case-audits")
SAMPLE = reverse("insight:case-audit-sample")
RESULTS = reverse("insight:case-audit-results")


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def world(now):
    east = social_work_team("Social Work East", now=now, children=2)
    west = social_work_team("Social Work West", now=now, children=1)
    return {"east": east, "west": west, "template": template()}


@pytest.fixture
def waiting(world, now):
    """East's two cases, drawn by East's manager, audited by West's manager."""
    east, west = world["east"], world["west"]
    drawn = actions.case_audit_sample(
        method="per_team",
        size=2,
        team_ids=[east.team.pk],
        auditor_ids=[west.manager.pk],
        due_on=today_in_london(now) + timedelta(days=28),
        template_id=world["template"].pk,
        acting_user=east.manager,
        now=now,
    )
    return drawn.audits[0]


def _url(audit) -> str:
    return reverse("insight:case-audit", args=[audit.pk])


@pytest.mark.parametrize(
    "role",
    [Role.ANALYST, Role.SOCIAL_WORKER, Role.EARLY_HELP, Role.PARTNER, Role.DATA_PROTECTION_OFFICER],
)
def test_only_team_managers_reach_the_sample_and_audit_pages(client, role, waiting):
    client.force_login(worker_with_role(role))
    for url in (SAMPLE, _url(waiting)):
        assert client.get(url).status_code == 404
    assert client.post(SAMPLE).status_code == 404
    assert client.post(_url(waiting)).status_code == 404


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.EARLY_HELP, Role.PARTNER, Role.DATA_PROTECTION_OFFICER]
)
def test_only_managers_and_analysts_reach_the_audit_list(client, role):
    client.force_login(worker_with_role(role))
    assert client.get(LIST).status_code == 404


def test_an_analyst_asking_for_the_audit_list_is_sent_to_the_results_naming_nobody(client, waiting):
    client.force_login(worker_with_role(Role.ANALYST))
    response = client.get(LIST)
    assert response.status_code == 302
    assert response["Location"] == RESULTS


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.EARLY_HELP, Role.DATA_PROTECTION_OFFICER]
)
def test_only_analysts_and_managers_read_the_results(client, role):
    client.force_login(worker_with_role(role))
    assert client.get(RESULTS).status_code == 404


def test_the_auditor_sees_the_childs_name_and_a_link_to_the_record(client, waiting, world):
    client.force_login(world["west"].manager)

    page = client.get(LIST).content.decode()
    assert escape(waiting.person.full_name) in page

    response = client.get(_url(waiting))
    body = response.content.decode()
    assert escape(waiting.person.full_name) in body
    assert reverse("people:person", args=[waiting.person_id]) in body
    assert "Is the child&#x27;s voice heard?" in body
    assert AuditEvent.objects.filter(
        actor=world["west"].manager, person_id=waiting.person_id, action="list"
    ).exists()


def test_a_manager_who_cannot_open_the_record_sees_the_childs_code_not_their_name(
    client, waiting, world, now
):
    actions.case_audit_complete(
        audit_id=waiting.pk,
        version=waiting.version,
        grades={"voice": "good", "plan": "good", "oversight": "good"},
        overall_grade="good",
        themes=["voice_of_child"],
        strengths="Warm, direct work with Mum.",
        improvements="Record the child's own words.",
        acting_user=world["west"].manager,
        now=now,
    )
    other = worker_with_role(Role.TEAM_MANAGER)
    client.force_login(other)

    body = client.get(_url(waiting)).content.decode()

    assert escape(waiting.person.full_name) not in body
    assert child_id(waiting.person_id) in body
    assert "Voice of the child" in body
    assert "Warm, direct work" not in body
    assert reverse("people:person", args=[waiting.person_id]) not in body
    assert AuditEvent.objects.filter(
        actor=other, person_id=waiting.person_id, action="view", detail__name_shown=False
    ).exists()


def test_the_manager_who_drew_the_sample_sees_every_batch(client, waiting, world):
    client.force_login(world["east"].manager)

    response = client.get(LIST)

    (batch,) = response.context["batches"]
    assert len(batch.rows) == 2
    assert batch.waiting == 2
    # The children are East's own, so East's manager may open their records and sees names.
    assert all(row.person is not None for row in batch.rows)


def test_a_manager_draws_a_sample_from_the_form(client, world):
    east, west = world["east"], world["west"]
    client.force_login(east.manager)
    form = client.get(SAMPLE)
    assert form.status_code == 200
    token = form.context["form"].initial["form_token"]
    due = today_in_london() + timedelta(days=20)
    data = {
        "method": "per_team",
        "size": "1",
        "kind": "",
        "auditors": [str(west.manager.pk)],
        "teams": [str(east.team.pk)],
        "due_on": due.strftime("%d/%m/%Y"),
        "template": str(world["template"].pk),
        "form_token": token,
    }

    response = client.post(SAMPLE, data, follow=True)
    client.post(SAMPLE, data)  # pressed twice

    assert "1 case drawn for audit" in response.content.decode()
    (audit,) = CaseAudit.objects.all()
    assert audit.auditor == west.manager
    assert audit.due_on == due


def test_the_sample_form_says_what_is_wrong_and_keeps_the_input(client, world):
    east = world["east"]
    client.force_login(east.manager)

    response = client.post(
        SAMPLE,
        {
            "method": "per_team",
            "size": "1",
            "teams": [str(east.team.pk)],
            "auditors": [str(east.manager.pk)],
            "due_on": (today_in_london() + timedelta(days=10)).strftime("%d/%m/%Y"),
            "template": str(world["template"].pk),
            "form_token": "t-1",
        },
    )

    body = response.content.decode()
    assert "None of the auditors you chose can audit the cases of Social Work East" in body
    assert "There is a problem" in body
    assert not CaseAudit.objects.exists()


def test_completing_with_missing_grades_shows_a_message_for_each_and_keeps_the_input(
    client, waiting, world
):
    client.force_login(world["west"].manager)

    response = client.post(
        _url(waiting),
        {
            "version": waiting.version,
            "grade_plan": "good",
            "strengths": "A clear plan everyone understands.",
            "complete": "1",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose a grade for question 1: Is the child&#x27;s voice heard?" in body
    assert "Choose a grade for question 3: Is there management oversight?" in body
    assert "Choose an overall grade for the case." in body
    assert "A clear plan everyone understands." in body
    assert 'value="good" checked' in body
    waiting.refresh_from_db()
    assert waiting.status == CaseAudit.Status.REQUESTED


def test_the_auditor_completes_the_audit_from_the_page(client, waiting, world):
    client.force_login(world["west"].manager)

    response = client.post(
        _url(waiting),
        {
            "version": waiting.version,
            "grade_voice": "good",
            "grade_plan": "outstanding",
            "grade_oversight": "requires_improvement",
            "overall_grade": "good",
            "themes": ["management_oversight"],
            "strengths": "The plan is clear.",
            "improvements": "Supervision every month.",
            "complete": "1",
        },
        follow=True,
    )

    assert "Audit completed" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == CaseAudit.Status.COMPLETED


def test_a_stale_audit_form_is_refused_with_the_input_kept(client, waiting, world):
    client.force_login(world["west"].manager)
    stale = waiting.version
    client.post(_url(waiting), {"version": stale, "grade_voice": "good", "save": "1"})

    response = client.post(
        _url(waiting), {"version": stale, "grade_voice": "inadequate", "save": "1"}
    )

    body = response.content.decode()
    assert "Someone else changed this case audit" in body
    assert 'value="inadequate" checked' in body


def test_a_manager_who_is_not_the_auditor_cannot_grade(client, waiting, world):
    client.force_login(world["east"].manager)
    response = client.post(_url(waiting), {"version": waiting.version, "complete": "1"})
    assert response.status_code == 404


def test_the_results_show_each_teams_grades_with_a_chart_and_download(client, world, now):
    team = world["east"]
    auditor = world["west"].manager
    case_audit(
        person=team.children[0],
        team=team.team,
        auditor=auditor,
        due_on=today_in_london(now),
        completed_at=now,
        overall_grade="good",
        themes=["timeliness"],
    )
    analyst = worker_with_role(Role.ANALYST)
    client.force_login(analyst)

    page = client.get(RESULTS)

    body = page.content.decode()
    assert page.status_code == 200
    assert "Social Work East" in body
    assert "<svg" in body
    assert "100%" in body
    assert escape(team.children[0].full_name) not in body
    download = client.get(
        RESULTS,
        {**_period(now), "table": "case-audits-by-team", "format": "csv", "purpose": "practice"},
    )
    text = download.content.decode("utf-8-sig")
    assert download["Content-Type"].startswith("text/csv")
    assert text.splitlines()[0].startswith("Team,Audits completed,Outstanding,Good,")
    assert "Social Work East,1,0,1,0,0,1.0,Timeliness,0" in text
    assert "All teams,1,0,1,0,0,1.0,Timeliness,0" in text
    event = AuditEvent.objects.get(actor=analyst, action="export")
    assert event.detail["purpose"] == "practice"


def _period(now) -> dict:
    end = today_in_london(now)
    return {"start": date(end.year - 1, 1, 1).isoformat(), "end": end.isoformat()}


def test_a_download_of_an_unknown_table_or_format_is_not_found(client, sign_in):
    sign_in(Role.ANALYST)
    assert client.get(RESULTS, {"table": "other", "format": "csv"}).status_code == 404
    assert client.get(RESULTS, {"table": "case-audits-by-team", "format": "pdf"}).status_code == 404


def test_results_for_a_period_with_no_audits_say_no_data(client, sign_in):
    sign_in(Role.TEAM_MANAGER)
    body = client.get(RESULTS).content.decode()
    assert "No data" in body
