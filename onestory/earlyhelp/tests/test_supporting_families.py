"""The Supporting Families claim report: worked out from the assessments, scores, closures and
later contacts practitioners record; the claim file; recording a claim once; who may see it."""

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onestory.access.models import AuditEvent
from onestory.core.errors import DetailsRefused, DomainError
from onestory.core.idempotency import new_form_token
from onestory.earlyhelp import actions, supporting_families
from onestory.earlyhelp.actions.claims import claim_record
from onestory.earlyhelp.models import (
    Assessment,
    AssessmentFactor,
    Episode,
    EpisodeMember,
    PlanAction,
    Review,
    Score,
    SupportingFamiliesClaim,
)
from onestory.earlyhelp.rules import ClaimStatus, Headline
from onestory.frontdoor import actions as frontdoor
from onestory.frontdoor.tests.factories import submit
from onestory.people.models import ChronologyEntry, Person, Ward
from onestory.people.tests.factories import AddressFactory
from onestory.workforce.models import Team
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import TeamFactory, worker_with_role

from .factories import open_episode

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
OPENED = datetime(2025, 1, 6, 10, 0, tzinfo=LONDON)
CLOSED = datetime(2025, 4, 30, 15, 0, tzinfo=LONDON)
SUSTAINED = date(2025, 10, 30)  # 6 months after closure
# Needs under three headlines (health, domestic abuse, housing), each scored at the start and
# at the latest review.
IMPROVED = {"parent_mental_health": (3, 8), "domestic_abuse": (2, 7), "housing": (4, 9)}
SUMMARY = "Every need met and the family is managing well with school and health visiting."


@pytest.fixture
def practitioner():
    return worker_with_role(Role.EARLY_HELP)


def _family(worker, *, needs=IMPROVED, close=True, reason="needs_met", plan=True, **names):
    """An episode opened through the action, assessed, planned, reviewed and (by default) closed
    through the action: the rows a practitioner's work leaves behind."""
    episode = open_episode(worker, now=OPENED, **names)
    assessment = Assessment.objects.create(
        episode=episode,
        status=Assessment.Status.COMPLETE,
        started_at=OPENED,
        started_by=worker,
        last_saved_at=OPENED + timedelta(days=7),
        last_saved_by=worker,
        family_agreed=True,
        agreed_by="Mother",
        completed_at=OPENED + timedelta(days=7),
        completed_by=worker,
    )
    for code in needs:
        AssessmentFactor.objects.create(
            assessment=assessment, code=code, presence="yes", severity="moderate", evidence="Seen"
        )
    # A strength present and a need ruled out are not needs.
    AssessmentFactor.objects.create(assessment=assessment, code="self_esteem", presence="yes")
    AssessmentFactor.objects.create(assessment=assessment, code="gangs", presence="no")
    review = Review.objects.create(
        episode=episode,
        held_on=date(2025, 3, 20),
        what_has_changed="Much calmer at home.",
        recorded_by=worker,
    )
    for code, (start, latest) in needs.items():
        _score(episode, worker, code, start)
        if latest is not None:
            _score(episode, worker, code, latest, review=review)
        if plan:
            PlanAction.objects.create(
                episode=episode,
                need=code,
                action="Weekly visits",
                success_looks_like="Things improve",
                due_on=date(2025, 3, 1),
                created_by=worker,
            )
    if close:
        episode.refresh_from_db()
        actions.close_episode(
            episode_id=episode.pk,
            version=episode.version,
            reason=reason,
            summary=SUMMARY,
            acting_user=worker,
            now=CLOSED,
        )
    episode.refresh_from_db()
    return episode


def _score(episode, worker, need, score, review=None):
    return Score.objects.create(
        episode=episode,
        review=review,
        need=need,
        practitioner_score=score,
        scored_on=review.held_on if review else date(2025, 1, 13),
        recorded_by=worker,
    )


def _row(episode, today=date(2025, 11, 1)):
    rows = supporting_families.family_rows(
        today=today, episodes=Episode.objects.filter(pk=episode.pk)
    )
    return rows[0]


def _child(episode) -> Person:
    member = episode.members.filter(role=EpisodeMember.Role.CHILD).order_by("created_at").first()
    return member.person


@pytest.fixture
def front_door():
    """A screener, a school that asks the front door for help, and an early help team."""
    return (
        worker_with_role(Role.FRONT_DOOR),
        worker_with_role(Role.PARTNER),
        TeamFactory(kind=Team.Kind.EARLY_HELP),
    )


def _contact_about(child, front_door, *, decided, at):
    """A front-door contact about `child`, received at `at`, linked and decided."""
    screener, referrer, team = front_door
    contact = submit(
        referrer,
        now=at,
        people=[{"role": "child", "given_name": child.given_name, "family_name": "Okafor"}],
    )
    frontdoor.contact_person_link(
        contact_person_id=contact.people.get().pk,
        person_id=child.pk,
        acting_user=screener,
        now=at + timedelta(minutes=30),
    )
    contact.refresh_from_db()
    frontdoor.contact_decide(
        contact_id=contact.pk,
        version=contact.version,
        outcome=decided,
        level={"early_help": 2, "nfa": 1}.get(decided, 4),
        rationale="Parents asked for help again with routines.",
        referrer_message="Thank you.",
        signposting="The school nurse." if decided == "nfa" else "",
        early_help_team=team if decided == "early_help" else None,
        primary_need="N1" if decided == "referral" else "",
        social_work_team=TeamFactory(kind=Team.Kind.SOCIAL_WORK) if decided == "referral" else None,
        acting_user=screener,
        now=at + timedelta(hours=1),
    )
    return contact


# --- The report, from what is recorded --------------------------------------------------------


def test_a_family_whose_every_need_improved_is_sustaining_then_claimable(practitioner):
    episode = _family(practitioner)

    sustaining = _row(episode, today=SUSTAINED - timedelta(days=1))
    assert sustaining.status == ClaimStatus.SUSTAINING
    assert sustaining.closed_on == CLOSED.date()
    assert sustaining.closure_label == "Needs met"
    assert sustaining.sustained_from == SUSTAINED

    claimable = _row(episode, today=SUSTAINED)
    assert claimable.status == ClaimStatus.CLAIMABLE
    assert claimable.reference == episode.reference
    assert claimable.team == episode.team.name
    assert claimable.opened_on == OPENED.date()
    assert [(e.headline, e.needs, e.start, e.latest, e.progress) for e in claimable.evidence] == [
        (Headline.HEALTH, ("parent_mental_health",), 3, 8, True),
        (Headline.DOMESTIC_ABUSE, ("domestic_abuse",), 2, 7, True),
        (Headline.HOUSING, ("housing",), 4, 9, True),
    ]


def test_needs_come_from_the_latest_completed_assessment_only(practitioner):
    episode = _family(practitioner, close=False)
    worker = practitioner
    # A draft started later names another need: not counted until it is completed.
    draft = Assessment.objects.create(
        episode=episode,
        started_at=OPENED + timedelta(days=30),
        started_by=worker,
        last_saved_at=OPENED + timedelta(days=30),
        last_saved_by=worker,
    )
    AssessmentFactor.objects.create(assessment=draft, code="income_debt", presence="yes")
    assert {c for c, *_ in _row(episode).scores} == set(IMPROVED)
    # A reassessment completed later replaces the needs.
    later = Assessment.objects.create(
        episode=episode,
        status=Assessment.Status.COMPLETE,
        started_at=OPENED + timedelta(days=40),
        started_by=worker,
        last_saved_at=OPENED + timedelta(days=41),
        last_saved_by=worker,
        completed_at=OPENED + timedelta(days=41),
        completed_by=worker,
    )
    for code in ("housing", "income_debt"):
        AssessmentFactor.objects.create(assessment=later, code=code, presence="yes")
    row = _row(episode)
    assert {c for c, *_ in row.scores} == {"housing", "income_debt"}
    assert row.status == ClaimStatus.NOT_ELIGIBLE
    assert "2 headline(s)" in row.reasons[0]


def test_the_latest_score_is_the_latest_review_that_scored_the_need(practitioner):
    episode = _family(practitioner, close=False)
    later = Review.objects.create(
        episode=episode,
        held_on=date(2025, 4, 20),
        what_has_changed="Mixed.",
        recorded_by=practitioner,
    )
    _score(episode, practitioner, "housing", 5, review=later)  # the others not scored again
    scores = {code: (start, latest) for code, start, latest in _row(episode).scores}
    assert scores == {"parent_mental_health": (3, 8), "domestic_abuse": (2, 7), "housing": (4, 5)}


def test_a_need_never_reviewed_keeps_its_start_score_and_holds_the_result_back(practitioner):
    episode = _family(practitioner, needs={**IMPROVED, "housing": (4, None)})
    row = _row(episode)
    assert ("housing", 4, 4) in row.scores
    assert row.status == ClaimStatus.NOT_ACHIEVED
    assert row.reasons == ("No significant progress on: Secure housing.",)


def test_families_that_do_not_meet_the_criteria_say_why(practitioner):
    two = _family(practitioner, needs={"parent_mental_health": (3, 8), "housing": (4, 9)})
    no_plan = _family(practitioner, plan=False)
    assert _row(two).status == ClaimStatus.NOT_ELIGIBLE
    assert _row(no_plan).reasons == ("No action plan.",)


def test_an_open_family_is_support_under_way(practitioner):
    row = _row(_family(practitioner, close=False))
    assert row.status == ClaimStatus.WORKING
    assert row.closed_on is None


def test_a_contact_decided_as_early_help_within_six_months_means_no_result(
    practitioner, front_door
):
    episode = _family(practitioner)
    child = _child(episode)
    _contact_about(child, front_door, decided="nfa", at=CLOSED + timedelta(days=20))
    assert _row(episode).status == ClaimStatus.CLAIMABLE  # signposted: no help needed
    _contact_about(child, front_door, decided="early_help", at=CLOSED + timedelta(days=40))
    row = _row(episode)
    assert row.status == ClaimStatus.NOT_ACHIEVED
    assert row.came_back_on == (CLOSED + timedelta(days=40)).date()
    assert row.reasons == (
        "The family needed help again on 9 June 2025, within 6 months of closure.",
    )


def test_a_contact_before_closure_or_after_six_months_does_not_count(practitioner, front_door):
    episode = _family(practitioner)
    child = _child(episode)
    _contact_about(child, front_door, decided="early_help", at=CLOSED - timedelta(days=10))
    _contact_about(child, front_door, decided="early_help", at=CLOSED + timedelta(days=200))
    row = _row(episode, today=date(2025, 12, 1))
    assert row.status == ClaimStatus.CLAIMABLE
    assert row.came_back_on == (CLOSED + timedelta(days=200)).date()


def test_help_again_is_found_however_many_families_are_looked_up_at_once(
    practitioner, front_door, monkeypatch
):
    monkeypatch.setattr(supporting_families, "CHUNK", 1)
    back = _family(practitioner)
    stayed = _family(practitioner)
    _contact_about(_child(back), front_door, decided="referral", at=CLOSED + timedelta(days=40))
    rows = {r.episode_id: r for r in supporting_families.family_rows(today=date(2025, 11, 1))}
    assert rows[back.pk].status == ClaimStatus.NOT_ACHIEVED
    assert rows[stayed.pk].status == ClaimStatus.CLAIMABLE


def test_a_new_episode_for_a_member_within_six_months_means_no_result(practitioner):
    episode = _family(practitioner)
    child = _child(episode)
    actions.open_by_agency(
        child=child,
        others=[],
        consent_given_by="Mother",
        consent_given_on=date(2025, 7, 1),
        acting_user=practitioner,
        now=datetime(2025, 7, 1, 9, 0, tzinfo=LONDON),
    )
    row = _row(episode)
    assert row.status == ClaimStatus.NOT_ACHIEVED
    assert row.came_back_on == date(2025, 7, 1)


def test_the_family_ward_is_the_first_child_current_address(practitioner):
    ward = Ward.objects.create(code="E05000001", name="Dallow", valid_from=date(2020, 1, 1))
    old = Ward.objects.create(code="E05000002", name="Biscot", valid_from=date(2020, 1, 1))
    episode = _family(practitioner)
    child = _child(episode)
    AddressFactory(person=child, ward=old, valid_from=date(2019, 1, 1), valid_to=date(2022, 1, 1))
    AddressFactory(person=child, ward=ward, valid_from=date(2022, 1, 1))
    assert _row(episode).ward == "Dallow"


def test_the_report_takes_the_same_few_queries_for_more_families(practitioner):
    _family(practitioner)
    with CaptureQueriesContext(connection) as few:
        supporting_families.family_rows(today=date(2025, 11, 1))
    for _ in range(3):
        _family(practitioner)
    _family(practitioner, close=False)
    with CaptureQueriesContext(connection) as more:
        rows = supporting_families.family_rows(today=date(2025, 11, 1))
    assert len(rows) == 5
    assert len(more.captured_queries) == len(few.captured_queries) <= 10


def test_the_summary_counts_families_per_status_and_eligible_families_per_headline(
    practitioner,
):
    _family(practitioner)
    _family(practitioner, close=False)
    _family(practitioner, needs={"housing": (4, 9)})
    summary = supporting_families.summarise(
        supporting_families.family_rows(today=date(2025, 11, 1))
    )
    assert summary.families == 3
    assert summary.count(ClaimStatus.CLAIMABLE) == 1
    assert summary.count(ClaimStatus.WORKING) == 1
    assert summary.count(ClaimStatus.NOT_ELIGIBLE) == 1
    by_headline = {h: n for h, _, n in summary.by_headline}
    assert by_headline[Headline.HOUSING] == 2  # the family not eligible is not counted
    assert by_headline[Headline.CRIME] == 0


# --- The claim file ----------------------------------------------------------------------------


def test_the_claim_file_lists_exactly_the_families_ready_to_claim_with_their_evidence(
    client, sign_in, practitioner
):
    ready = _family(practitioner, given_name="Zebedee")
    working = _family(practitioner, close=False)
    missed = _family(practitioner, needs={**IMPROVED, "housing": (4, 5)})
    analyst = sign_in(Role.ANALYST)
    response = client.get(reverse("earlyhelp:supporting-families-csv"), {"purpose": "board"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    table = list(csv.DictReader(io.StringIO(body)))
    assert [row["Episode reference"] for row in table] == [ready.reference]
    assert working.reference not in body and missed.reference not in body
    row = table[0]
    assert row["Closed"] == "2025-04-30"
    assert row["Sustained from"] == "2025-10-30"
    assert row["Improved mental and physical health: needs"] == "A parent's mental health"
    assert row["Improved mental and physical health: start score"] == "3"
    assert row["Improved mental and physical health: latest score"] == "8"
    assert row["Safe from domestic abuse: significant progress"] == "Yes"
    assert row["Families diverted from crime: needs"] == ""
    assert "Zebedee" not in body
    event = AuditEvent.objects.get(actor=analyst, action="export")
    assert event.detail["families"] == 1
    assert event.detail["purpose"] == "board"


def test_the_command_prints_the_summary_and_writes_the_claim(tmp_path, practitioner):
    ready = _family(practitioner)
    _family(practitioner, close=False)
    out = io.StringIO()
    path = tmp_path / "claim.csv"
    call_command("supporting_families", "--csv", str(path), "--status", "claimable", stdout=out)
    printed = out.getvalue()
    assert "Ready to claim: 1" in printed
    assert "Support under way: 1" in printed
    assert "Secure housing: 2" in printed
    assert ready.reference in printed
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [r["Episode reference"] for r in rows] == [ready.reference]
    assert AuditEvent.objects.filter(action="export", actor=None).exists()


# --- Recording the claim -----------------------------------------------------------------------


def test_recording_a_claim_twice_claims_each_family_once(practitioner):
    manager = worker_with_role(Role.TEAM_MANAGER)
    first = _family(practitioner)
    second = _family(practitioner)
    now = datetime(2025, 11, 3, 12, 0, tzinfo=LONDON)
    token = new_form_token()
    ids = [str(first.pk), str(second.pk)]
    recorded = claim_record(
        episode_ids=ids,
        claimed_on=date(2025, 11, 3),
        form_token=token,
        acting_user=manager,
        now=now,
    )
    assert sorted(recorded.references) == sorted([first.reference, second.reference])
    claim = SupportingFamiliesClaim.objects.get(episode=first)
    assert claim.claimed_by == manager
    assert claim.headlines == ["health", "domestic_abuse", "housing"]
    # The same form sent again gives what the first sending recorded.
    again = claim_record(
        episode_ids=ids,
        claimed_on=date(2025, 11, 3),
        form_token=token,
        acting_user=manager,
        now=now,
    )
    assert again.again and len(again.claims) == 2
    # A new form for a family already claimed is refused.
    with pytest.raises(DetailsRefused) as refused:
        claim_record(
            episode_ids=[str(first.pk)],
            claimed_on=date(2025, 11, 3),
            form_token=new_form_token(),
            acting_user=manager,
            now=now,
        )
    assert "already claimed" in " ".join(refused.value.problems.values())
    assert SupportingFamiliesClaim.objects.count() == 2
    assert _row(first).status == ClaimStatus.CLAIMED
    assert AuditEvent.objects.filter(action="create", object_id=str(claim.pk)).exists()
    assert ChronologyEntry.objects.filter(
        person=_child(first), summary__startswith="Supporting Families result claimed"
    ).exists()


def test_a_family_not_ready_is_refused_with_its_reason_and_nothing_is_recorded(practitioner):
    manager = worker_with_role(Role.TEAM_MANAGER)
    ready = _family(practitioner)
    working = _family(practitioner, close=False)
    missed = _family(practitioner, needs={**IMPROVED, "housing": (4, 5)})
    with pytest.raises(DetailsRefused) as refused:
        claim_record(
            episode_ids=[str(ready.pk), str(working.pk), str(missed.pk)],
            claimed_on=date(2025, 11, 3),
            form_token=new_form_token(),
            acting_user=manager,
            now=datetime(2025, 11, 3, 12, 0, tzinfo=LONDON),
        )
    messages = list(refused.value.problems.values())
    assert len(messages) == 2
    assert any(m.startswith(working.reference) and "under way" in m for m in messages)
    assert any(
        m.startswith(missed.reference) and "No significant progress on: Secure housing" in m
        for m in messages
    )
    assert not SupportingFamiliesClaim.objects.exists()


def test_a_claim_dated_before_the_result_was_sustained_is_refused(practitioner):
    manager = worker_with_role(Role.TEAM_MANAGER)
    episode = _family(practitioner)
    with pytest.raises(DetailsRefused) as refused:
        claim_record(
            episode_ids=[str(episode.pk)],
            claimed_on=date(2025, 10, 1),
            form_token=new_form_token(),
            acting_user=manager,
            now=datetime(2025, 11, 3, 12, 0, tzinfo=LONDON),
        )
    assert "from 30 October 2025" in next(iter(refused.value.problems.values()))


def test_only_a_manager_records_a_claim(practitioner):
    episode = _family(practitioner)
    for role in (Role.ANALYST, Role.EARLY_HELP):
        with pytest.raises(DomainError):
            claim_record(
                episode_ids=[str(episode.pk)],
                claimed_on=date(2025, 11, 3),
                acting_user=worker_with_role(role),
                now=datetime(2025, 11, 3, 12, 0, tzinfo=LONDON),
            )
    assert not SupportingFamiliesClaim.objects.exists()


# --- The pages ----------------------------------------------------------------------------------


def test_an_analyst_sees_the_summary_and_families_by_reference_never_by_name(
    client, sign_in, practitioner
):
    ready = _family(practitioner, given_name="Zebedee", family_name="Quillfeather")
    working = _family(practitioner, close=False)
    analyst = sign_in(Role.ANALYST)
    page = client.get(reverse("earlyhelp:supporting-families"))
    assert page.status_code == 200
    html = page.content.decode()
    assert ready.reference in html and working.reference in html
    assert "Zebedee" not in html and "Quillfeather" not in html
    assert "Record the claim as submitted" not in html  # analysts do not record claims
    event = AuditEvent.objects.get(actor=analyst, action="list")
    assert event.detail["families"] == 2

    filtered = client.get(reverse("earlyhelp:supporting-families"), {"status": "claimable"})
    assert ready.reference in filtered.content.decode()
    assert working.reference not in filtered.content.decode()

    family = client.get(reverse("earlyhelp:supporting-families-family", args=[ready.pk]))
    assert family.status_code == 200
    html = family.content.decode()
    assert "Ready to claim" in html and "Safe from domestic abuse" in html
    assert "Zebedee" not in html and "Quillfeather" not in html
    assert AuditEvent.objects.filter(actor=analyst, action="view", object_id=str(ready.pk)).exists()


def test_a_manager_records_the_claim_from_the_report(client, sign_in, practitioner):
    ready = _family(practitioner)
    working = _family(practitioner, close=False)
    sign_in(Role.TEAM_MANAGER)
    page = client.get(reverse("earlyhelp:supporting-families"))
    form = page.context["form"]
    assert [label for _, label in form.fields["episodes"].choices] == [ready.reference]
    data = {
        "form_token": form.initial["form_token"],
        "episodes": [str(ready.pk), str(working.pk)],
        "claimed_on": "3/11/2025",
    }
    refused = client.post(reverse("earlyhelp:supporting-families-claim"), data)
    assert refused.status_code == 200
    assert f"{working.reference}: The family meets" in refused.content.decode()
    assert not SupportingFamiliesClaim.objects.exists()

    data["episodes"] = [str(ready.pk)]
    done = client.post(reverse("earlyhelp:supporting-families-claim"), data)
    assert done.status_code == 302
    again = client.post(reverse("earlyhelp:supporting-families-claim"), data)
    assert again.status_code == 302
    assert SupportingFamiliesClaim.objects.get().episode == ready


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.PARTNER, Role.EARLY_HELP])
def test_case_workers_get_404_from_the_report(client, sign_in, practitioner, role):
    episode = _family(practitioner)
    sign_in(role)
    for url in (
        reverse("earlyhelp:supporting-families"),
        reverse("earlyhelp:supporting-families-family", args=[episode.pk]),
        reverse("earlyhelp:supporting-families-csv"),
    ):
        assert client.get(url).status_code == 404
    claim = reverse("earlyhelp:supporting-families-claim")
    assert client.post(claim, {"episodes": [str(episode.pk)]}).status_code == 404


def test_an_analyst_cannot_record_a_claim_and_a_missing_family_is_404(client, sign_in):
    sign_in(Role.ANALYST)
    assert client.post(reverse("earlyhelp:supporting-families-claim")).status_code == 404
    missing = reverse(
        "earlyhelp:supporting-families-family", args=["5b0f0c4e-2a4b-4d44-9c8e-0f3b6f1c2d3e"]
    )
    assert client.get(missing).status_code == 404
    assert AuditEvent.objects.filter(action="denied").exists()
