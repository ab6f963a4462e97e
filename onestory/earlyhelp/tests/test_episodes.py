"""Early help episodes: opened from the front door or by an agency, the consent they rest on,
the lead professional, closure and step up — and who sees them."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from onestory.access.models import Allocation, AuditEvent
from onestory.access.selectors import visible_to
from onestory.access.tests.factories import ConsentFactory
from onestory.core.errors import DetailsRefused, DomainError
from onestory.core.idempotency import new_form_token
from onestory.earlyhelp import actions
from onestory.earlyhelp.models import Assessment, AssessmentFactor, Episode, PlanAction, Score
from onestory.earlyhelp.selectors import episodes_visible_to, step_up_draft, waiting_to_open
from onestory.frontdoor import actions as frontdoor
from onestory.frontdoor.models import Contact
from onestory.frontdoor.tests.factories import submit
from onestory.people.models import ChronologyEntry
from onestory.people.tests.factories import HouseholdMemberFactory, PersonFactory
from onestory.workforce.models import Team
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import TeamFactory, worker_with_role

from .factories import family, open_episode

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
TODAY = MONDAY.date()


def _decided_early_help(team, *, lead=None):
    """A contact the front door linked to a family and decided as early help for `team`."""
    screener = worker_with_role(Role.FRONT_DOOR)
    _, kids, grown = family(children=1, adults=1)
    referrer = worker_with_role(Role.PARTNER, agency_name="The referring school")
    contact = submit(referrer, now=MONDAY)
    for named, person in zip(contact.people.order_by("position"), [*kids, *grown], strict=True):
        frontdoor.contact_person_link(
            contact_person_id=named.pk, person_id=person.pk, acting_user=screener, now=MONDAY
        )
    contact.refresh_from_db()
    frontdoor.contact_decide(
        contact_id=contact.pk,
        version=contact.version,
        outcome="early_help",
        level=2,
        rationale="Parents asked for help with routines; no sign of significant harm.",
        referrer_message="The family will be offered early help.",
        early_help_team=team,
        lead_professional=lead,
        acting_user=screener,
        now=MONDAY + timedelta(hours=1),
    )
    return contact, kids, grown


def test_a_front_door_decision_waits_for_the_team_and_opens_with_everything_carried():
    team = TeamFactory(kind=Team.Kind.EARLY_HELP)
    practitioner = worker_with_role(Role.EARLY_HELP, team=team)
    contact, kids, grown = _decided_early_help(team)
    assert [d.contact_id for d in waiting_to_open(practitioner, now=MONDAY)] == [contact.pk]

    later = MONDAY + timedelta(days=1)
    episode = actions.open_from_front_door(
        contact_id=contact.pk, acting_user=practitioner, now=later
    )
    assert episode.source == Episode.Source.FRONT_DOOR
    assert episode.contact == contact
    assert episode.team == team and episode.lead_professional is None
    assert {m.person_id: m.role for m in episode.members.all()} == {
        kids[0].pk: "child",
        grown[0].pk: "adult",
    }
    # The front door's allocations give way to the episode's own, so closing it ends them.
    active = Allocation.objects.filter(person=kids[0], ends_at__isnull=True)
    assert [a.purpose for a in active] == [f"Early help episode {episode.reference}"]
    assert waiting_to_open(practitioner, now=later) == []
    assert ChronologyEntry.objects.filter(
        person=kids[0], category="early help", summary__contains=episode.reference
    ).exists()
    # Two colleagues pressing "Open episode" together get one episode.
    again = actions.open_from_front_door(contact_id=contact.pk, acting_user=practitioner, now=later)
    assert again.pk == episode.pk and Episode.objects.count() == 1


def test_a_partner_named_lead_professional_by_the_front_door_opens_the_episode():
    school = worker_with_role(Role.PARTNER)
    contact, kids, _ = _decided_early_help(None, lead=school)
    assert [d.contact_id for d in waiting_to_open(school, now=MONDAY)] == [contact.pk]
    episode = actions.open_from_front_door(contact_id=contact.pk, acting_user=school, now=MONDAY)
    assert episode.lead_professional == school and episode.team == school.team
    assert school.agency in episode.agencies.all()


def test_a_step_down_arrives_as_an_episode_stepped_down():
    team = TeamFactory(kind=Team.Kind.EARLY_HELP)
    practitioner = worker_with_role(Role.EARLY_HELP, team=team)
    social_worker = worker_with_role(Role.SOCIAL_WORKER)
    _, kids, grown = family(children=1, adults=1)
    for person in (*kids, *grown):
        Allocation.objects.create(person=person, worker=social_worker, starts_at=MONDAY)
    contact = frontdoor.step_down(
        child_ids=[kids[0].pk],
        adult_ids=[grown[0].pk],
        early_help_team=team,
        level=2,
        handover_summary="Plan ended well; the family wants help with routines and school.",
        rationale="Risks reduced after the plan; early help can support the family now.",
        acting_user=social_worker,
        now=MONDAY,
    )
    episode = actions.open_from_front_door(
        contact_id=contact.pk, acting_user=practitioner, now=MONDAY
    )
    assert episode.source == Episode.Source.STEP_DOWN
    assert episode.contact.handover_summary.startswith("Plan ended well")


def test_an_agency_opens_early_help_on_consent_and_then_sees_the_family():
    school = worker_with_role(Role.PARTNER)
    _, kids, grown = family(children=2, adults=1)
    ConsentFactory(person=kids[0], agencies=[school.agency])
    assert set(visible_to(school, now=MONDAY)) == {kids[0]}

    episode = actions.open_by_agency(
        child=kids[0],
        others=[kids[1], grown[0]],
        consent_given_by="Mother, Grace",
        consent_given_on=TODAY,
        acting_user=school,
        now=MONDAY,
    )
    assert episode.lead_professional == school
    assert list(episode.agencies.all()) == [school.agency]
    assert set(visible_to(school, now=MONDAY)) == {*kids, *grown}
    assert AuditEvent.objects.filter(action="create", object_id=str(episode.pk)).exists()


def test_opening_needs_the_familys_consent_and_refuses_a_second_open_episode():
    school = worker_with_role(Role.PARTNER)
    _, kids, _ = family(children=1, adults=0)
    ConsentFactory(person=kids[0], agencies=[school.agency])
    with pytest.raises(DetailsRefused) as refused:
        actions.open_by_agency(
            child=kids[0],
            others=[],
            consent_given_by=" ",
            consent_given_on=TODAY + timedelta(days=1),
            acting_user=school,
            now=MONDAY,
        )
    assert set(refused.value.problems) == {"consent_given_by", "consent_given_on"}
    assert "today or in the past" in refused.value.problems["consent_given_on"]
    actions.open_by_agency(
        child=kids[0],
        others=[],
        consent_given_by="Father",
        consent_given_on=TODAY,
        acting_user=school,
        now=MONDAY,
    )
    with pytest.raises(DomainError, match="already has an open early help episode"):
        actions.open_by_agency(
            child=kids[0],
            others=[],
            consent_given_by="Father",
            consent_given_on=TODAY,
            acting_user=school,
            now=MONDAY,
        )


def test_a_partner_sees_only_the_families_their_agency_works_with():
    school = worker_with_role(Role.PARTNER)
    other_school = worker_with_role(Role.PARTNER, agency_name="Another primary school")
    episode = open_episode(school, now=MONDAY)
    child = episode.members.get(role="child").person
    # Consent for the child given to the other school for something else does not open the
    # episode: their agency is not part of it.
    ConsentFactory(person=child, agencies=[other_school.agency])
    assert list(episodes_visible_to(school, now=MONDAY)) == [episode]
    assert list(episodes_visible_to(other_school, now=MONDAY)) == []
    assert list(episodes_visible_to(worker_with_role(Role.ANALYST), now=MONDAY)) == []


def test_the_episode_page_is_404_to_those_who_may_not_see_it(client):
    school = worker_with_role(Role.PARTNER)
    episode = open_episode(school, now=MONDAY)
    client.force_login(worker_with_role(Role.PARTNER, agency_name="Another primary school"))
    assert client.get(f"/early-help/{episode.pk}/").status_code == 404
    assert AuditEvent.objects.filter(action="denied", detail__requested_id=str(episode.pk)).exists()
    client.force_login(school)
    page = client.get(f"/early-help/{episode.pk}/")
    assert page.status_code == 200
    assert episode.reference in page.content.decode()


def test_the_lead_professional_changes_with_a_handover_note():
    school = worker_with_role(Role.PARTNER)
    episode = open_episode(school, now=MONDAY)
    health_visitor = worker_with_role(Role.PARTNER, agency_name="Health visiting north")
    with pytest.raises(DetailsRefused) as refused:
        actions.change_lead_professional(
            episode_id=episode.pk,
            version=episode.version,
            worker=health_visitor,
            handover_note="",
            acting_user=school,
            now=MONDAY,
        )
    assert "handover note" in refused.value.problems["handover_note"]
    actions.change_lead_professional(
        episode_id=episode.pk,
        version=episode.version,
        worker=health_visitor,
        handover_note="Mum trusts the health visitor; the next TAF is on the 4th.",
        acting_user=school,
        now=MONDAY + timedelta(days=7),
    )
    episode.refresh_from_db()
    assert episode.lead_professional == health_visitor
    # The new lead's agency joins the family's consent, so they see the family.
    assert health_visitor.agency in episode.agencies.all()
    child = episode.members.get(role="child").person
    assert visible_to(health_visitor, now=MONDAY).filter(pk=child.pk).exists()
    assert list(episode.leads.values_list("worker", "ended_at")) == [
        (health_visitor.pk, None),
        (school.pk, MONDAY + timedelta(days=7)),
    ]


def test_a_stale_change_is_refused():
    school = worker_with_role(Role.PARTNER)
    episode = open_episode(school, now=MONDAY)
    actions.close_episode(
        episode_id=episode.pk,
        version=episode.version,
        reason="needs_met",
        summary="Attendance is back to 96% and routines are settled.",
        acting_user=school,
        now=MONDAY,
    )
    with pytest.raises(DomainError, match="Someone else changed"):
        actions.record_consent(
            episode_id=episode.pk,
            version=episode.version,
            consent_given_by="Mother",
            consent_given_on=TODAY,
            agencies=[],
            acting_user=school,
            now=MONDAY,
        )


def test_closing_ends_the_consent_and_the_allocations():
    school = worker_with_role(Role.PARTNER)
    episode = open_episode(school, now=MONDAY, adults=1)
    adult = episode.members.get(role="adult").person
    assert visible_to(school, now=MONDAY).filter(pk=adult.pk).exists()
    with pytest.raises(DetailsRefused) as refused:
        actions.close_episode(
            episode_id=episode.pk,
            version=episode.version,
            reason="stepped_up",
            summary="",
            acting_user=school,
            now=MONDAY,
        )
    assert set(refused.value.problems) == {"reason", "summary"}
    later = MONDAY + timedelta(hours=1)
    actions.close_episode(
        episode_id=episode.pk,
        version=episode.version,
        reason="needs_met",
        summary="Attendance is back to 96% and routines are settled.",
        acting_user=school,
        now=later,
    )
    episode.refresh_from_db()
    assert episode.status == "closed" and episode.closure_reason == "needs_met"
    assert not visible_to(school, now=later).filter(pk=adult.pk).exists()
    assert not Allocation.objects.filter(
        person=adult, purpose__contains=episode.reference, ends_at__isnull=True
    ).exists()
    with pytest.raises(DomainError, match="closed"):
        actions.change_lead_professional(
            episode_id=episode.pk,
            version=episode.version,
            worker=school,
            handover_note="",
            acting_user=school,
            now=later,
        )


def test_step_up_carries_the_family_and_what_early_help_knows_to_the_front_door():
    school = worker_with_role(Role.PARTNER)
    episode = open_episode(school, now=MONDAY, children=1, adults=1)
    assessment = Assessment.objects.create(
        episode=episode,
        status="complete",
        started_at=MONDAY,
        started_by=school,
        last_saved_at=MONDAY,
        last_saved_by=school,
        completed_at=MONDAY,
        completed_by=school,
        family_agreed=True,
        agreed_by="Mother",
    )
    AssessmentFactor.objects.create(
        assessment=assessment,
        code="domestic_abuse",
        presence="yes",
        severity="high",
        evidence="Police call-outs in October.",
    )
    Score.objects.create(
        episode=episode,
        need="domestic_abuse",
        practitioner_score=3,
        family_score=4,
        scored_on=TODAY,
        recorded_by=school,
    )
    draft = step_up_draft(episode, now=MONDAY)
    assert "Domestic abuse (high)" in draft and "Domestic abuse: 3 → 3" in draft
    ids = dict(episode.members.values_list("role", "person_id"))
    token = new_form_token()
    values = {
        "episode_id": episode.pk,
        "version": episode.version,
        "child_ids": [ids["child"]],
        "adult_ids": [ids["adult"]],
        "what_has_changed": "Police called twice this week; Mum fears for the children.",
        "handover_summary": draft,
        "consent": "given",
        "form_token": token,
        "acting_user": school,
        "now": MONDAY + timedelta(days=20),
    }
    contact = actions.step_up(**values)
    assert actions.step_up(**values).pk == contact.pk  # sent twice: one contact
    assert Contact.objects.filter(channel="step_up").count() == 1
    assert contact.handover_summary == draft
    assert contact.consent == "given"
    assert {p.person_id for p in contact.people.all()} == {ids["child"], ids["adult"]}
    assert all(p.link == "carried" for p in contact.people.all())
    episode.refresh_from_db()
    assert episode.status == "closed" and episode.closure_reason == "stepped_up"
    assert episode.step_up_contact == contact


def test_step_up_refuses_people_outside_the_family():
    school = worker_with_role(Role.PARTNER)
    episode = open_episode(school, now=MONDAY)
    stranger = PersonFactory(date_of_birth=date(2015, 1, 1))
    HouseholdMemberFactory(person=stranger)
    ConsentFactory(person=stranger, agencies=[school.agency])
    with pytest.raises(DomainError, match="only members of this family"):
        actions.step_up(
            episode_id=episode.pk,
            version=episode.version,
            child_ids=[stranger.pk],
            adult_ids=[],
            what_has_changed="Worried.",
            handover_summary="",
            consent="given",
            acting_user=school,
            now=MONDAY,
        )


def test_my_families_lists_the_episodes_i_lead_with_their_overdue_actions(client):
    school = worker_with_role(Role.PARTNER)
    episode = open_episode(school, now=MONDAY)
    PlanAction.objects.create(
        episode=episode,
        action="Book a GP appointment",
        success_looks_like="Seen by the GP",
        owner_agency=school.agency,
        due_on=date(2026, 11, 1),
        created_by=school,
    )
    PlanAction.objects.create(
        episode=episode,
        action="Attend parenting course",
        success_looks_like="Six sessions",
        owner_agency=school.agency,
        due_on=date(2026, 11, 2),
        status="done",
        created_by=school,
    )
    client.force_login(school)
    page = client.get("/early-help/").content.decode()
    assert episode.reference in page and "1 overdue" in page
    client.force_login(worker_with_role(Role.PARTNER, agency_name="Another primary school"))
    assert episode.reference not in client.get("/early-help/").content.decode()
