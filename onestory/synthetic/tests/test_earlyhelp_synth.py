"""Early help in the synthetic local authority, checked on the tiny town with the demo sign-ins."""

import io
from collections import defaultdict
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Q

from onestory.access.models import Allocation, Consent
from onestory.access.selectors import visible_to
from onestory.core.clock import LONDON
from onestory.earlyhelp import rules
from onestory.earlyhelp.actions.common import REFERENCE_ALPHABET
from onestory.earlyhelp.models import (
    Assessment,
    Episode,
    EpisodeMember,
    LeadProfessional,
    Review,
    Score,
)
from onestory.frontdoor.models import ContactPerson, Decision
from onestory.frontdoor.rules import Outcome
from onestory.people.models import ChronologyEntry, HouseholdMember
from onestory.synthetic.casework import PURPOSE_EARLY_HELP
from onestory.synthetic.earlyhelp import (
    PROGRAMME_START,
    STEPPED_UP_SHARE,
    TROUBLED_FAMILIES_AT_SCALE_1,
)
from onestory.workforce.models import Worker

from .conftest import TINY, after_reference_date

pytestmark = pytest.mark.django_db
in_town = pytest.mark.usefixtures("demo_town")


def _episodes_of_the_generator():
    """The generated episodes (the demo sign-ins' own are opened by the demo, not the seed)."""
    return Episode.objects.exclude(lead_professional__username__in=["earlyhelp", "school"])


def _episode_rows() -> list[tuple]:
    return list(
        Episode.objects.order_by("reference").values_list(
            "id",
            "reference",
            "status",
            "opened_at",
            "closed_at",
            "closure_reason",
            "contact_id",
            "step_up_contact_id",
            "lead_professional_id",
        )
    )


# First, before the shared town is made: generating twice from one seed.
def test_the_same_seed_gives_the_same_episodes_and_replace_deletes_them():
    call_command("synth", scale=0.005, seed=11, stdout=io.StringIO())
    first = _episode_rows()
    members = sorted(EpisodeMember.objects.values_list("episode_id", "person_id"))
    assert first
    call_command("synth", scale=0.005, seed=11, replace=True, stdout=io.StringIO())
    assert _episode_rows() == first
    assert sorted(EpisodeMember.objects.values_list("episode_id", "person_id")) == members
    call_command("synth", scale=0.005, seed=12, replace=True, stdout=io.StringIO())
    assert {row[0] for row in _episode_rows()}.isdisjoint(row[0] for row in first)


@in_town
def test_every_early_help_family_of_the_casework_has_an_open_episode_led_by_its_worker():
    allocations = Allocation.objects.filter(purpose=PURPOSE_EARLY_HELP, ends_at__isnull=True)
    assert allocations.exists()
    for allocation in allocations.select_related("worker"):
        episode = Episode.objects.get(status=Episode.Status.OPEN, members__person=allocation.person)
        assert episode.lead_professional == allocation.worker
        assert episode.team_id == allocation.worker.team_id
        assert episode.review_every_weeks == 6 and episode.next_review_on is not None
        lead = LeadProfessional.objects.get(episode=episode, ended_at__isnull=True)
        assert lead.worker == allocation.worker


@in_town
def test_front_door_decisions_of_early_help_are_answered_by_an_episode_a_few_days_later():
    decisions = Decision.objects.filter(outcome=Outcome.EARLY_HELP).select_related("contact")
    answered = 0
    for decision in decisions:
        episode = Episode.objects.filter(contact=decision.contact).first()
        if episode is None:
            continue
        answered += 1
        waited = episode.opened_at - decision.final_at
        # A casework family's contact came a few weeks before its lead professional started.
        assert timedelta(0) < waited <= timedelta(days=46)
        named = set(
            decision.contact.people.filter(role=ContactPerson.Role.CHILD).values_list(
                "person_id", flat=True
            )
        )
        assert named & set(episode.members.values_list("person_id", flat=True))
    assert answered >= 0.85 * decisions.count()
    sources = set(Episode.objects.values_list("source", flat=True))
    assert {Episode.Source.FRONT_DOOR, Episode.Source.AGENCY} <= sources


@in_town
def test_episodes_have_unique_references_in_the_product_s_format():
    references = list(Episode.objects.values_list("reference", flat=True))
    assert len(references) == len(set(references))
    for reference in references:
        assert reference.startswith("EH-") and len(reference) == 11
        assert set(reference[3:]) <= set(REFERENCE_ALPHABET)


@in_town
def test_every_closed_episode_has_a_reason_and_leaves_no_access_or_consent_behind():
    closed = Episode.objects.filter(status=Episode.Status.CLOSED)
    assert closed.count() > Episode.objects.filter(status=Episode.Status.OPEN).count()
    now = after_reference_date()
    for episode in closed.prefetch_related("members"):
        assert episode.closure_reason in {c.value for c in rules.Closure}
        assert episode.closed_at > episode.opened_at and episode.closure_summary
        assert episode.next_review_on is None
        people = [m.person_id for m in episode.members.all()]
        active = Allocation.objects.filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now),
            person_id__in=people,
            purpose__endswith=episode.reference,
        )
        assert not active.exists()
        consents = Consent.objects.filter(pk__in=[m.consent_id for m in episode.members.all()])
        assert not consents.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=now)).exists()
        assert not LeadProfessional.objects.filter(episode=episode, ended_at__isnull=True).exists()


@in_town
def test_about_one_closure_in_eight_steps_up_with_the_family_s_contact_linked():
    closed = _episodes_of_the_generator().filter(status=Episode.Status.CLOSED)
    stepped = closed.filter(closure_reason=rules.Closure.STEPPED_UP).select_related(
        "step_up_contact"
    )
    share = stepped.count() / closed.count()
    assert abs(share - STEPPED_UP_SHARE) < 0.05
    household = dict(HouseholdMember.objects.values_list("person_id", "household_id"))
    for episode in stepped:
        contact = episode.step_up_contact
        assert contact is not None
        assert episode.opened_at < contact.received_at <= episode.closed_at
        assert episode.closed_at - contact.received_at < timedelta(days=5)
        named = contact.people.exclude(person=None).values_list("person_id", flat=True)
        assert episode.household_id in {household.get(p) for p in named}
    assert stepped.filter(step_up_contact__channel="step_up").exists()
    others = set(closed.values_list("closure_reason", flat=True))
    assert {rules.Closure.NEEDS_MET, rules.Closure.DECLINED} <= others
    assert closed.filter(closure_reason=rules.Closure.NEEDS_MET).count() > stepped.count()


@in_town
def test_completed_assessments_have_needs_with_evidence_and_start_scores():
    complete = Assessment.objects.filter(status=Assessment.Status.COMPLETE).select_related(
        "episode"
    )
    assert complete.count() > Assessment.objects.filter(status=Assessment.Status.DRAFT).count()
    for assessment in complete.prefetch_related("factors"):
        episode = assessment.episode
        answered = {f.code: (f.presence, f.severity, f.evidence) for f in assessment.factors.all()}
        problems = rules.completion_problems(
            has_consent=episode.has_consent,
            has_lead_professional=episode.lead_professional_id is not None,
            family_agreed=assessment.family_agreed,
            agreed_by=assessment.agreed_by,
            answered=answered,
        )
        assert problems == {}
        needs = {code for code in answered if not rules.FACTORS[code].is_strength}
        starts = dict(
            Score.objects.filter(episode=episode, review=None).values_list(
                "need", "practitioner_score"
            )
        )
        assert set(starts) == needs
        assert all(score in rules.SCORE_RANGE for score in starts.values())
    assert Episode.objects.filter(assessments__isnull=True).count() == 0


@in_town
def test_needs_met_closures_end_with_good_scores_and_reviews_come_every_six_weeks():
    final = Score.objects.filter(
        episode__closure_reason=rules.Closure.NEEDS_MET,
        review__isnull=False,
        review__next_review_on__isnull=True,
    )
    assert final.exists()
    good = final.filter(practitioner_score__gte=rules.SF_GOOD_SCORE).count()
    assert good >= 0.75 * final.count()
    held = defaultdict(list)
    for episode_id, day in Review.objects.values_list("episode_id", "held_on"):
        held[episode_id].append(day)
    gaps = []
    for days in held.values():
        days.sort()
        gaps += [(b - a).days for a, b in zip(days, days[1:], strict=False)]
    assert gaps and sum(30 <= g <= 60 for g in gaps) >= 0.85 * len(gaps)


@in_town
def test_families_with_needs_under_three_headlines_are_luton_s_525_scaled():
    """Supporting Families counts a family whose whole-family assessment finds needs under at
    least three headlines; the programme ran three years."""
    needs = defaultdict(set)
    household = {}
    for assessment, household_id, code in Assessment.objects.filter(
        episode__opened_at__date__gte=PROGRAMME_START, factors__presence=rules.Presence.YES
    ).values_list("id", "episode__household_id", "factors__code"):
        needs[assessment].add(code)
        household[assessment] = household_id
    families = {household[a] for a, codes in needs.items() if len(rules.headlines_of(codes)) >= 3}
    wanted = TROUBLED_FAMILIES_AT_SCALE_1 * TINY
    assert abs(len(families) - wanted) <= max(2, 0.2 * wanted)
    assert len(families) < 0.5 * len(set(household.values()))


@in_town
def test_the_chronology_has_the_episode_on_every_member_in_working_hours():
    lines = defaultdict(list)
    for source_id, person_id, occurred_at in ChronologyEntry.objects.filter(
        category="early help", source_type="earlyhelp.episode"
    ).values_list("source_id", "person_id", "occurred_at"):
        lines[source_id].append((person_id, occurred_at))
    # The demo sign-ins' handovers are at the moment `demo_users` runs.
    for episode in _episodes_of_the_generator().prefetch_related("members"):
        members = {m.person_id for m in episode.members.all()}
        found = lines[str(episode.pk)]
        assert found and {person for person, _ in found} <= members
        for _, occurred_at in found:
            assert 8 <= occurred_at.astimezone(LONDON).hour <= 17


@in_town
def test_the_early_help_demo_worker_leads_the_episodes_of_the_families_they_hold():
    worker = Worker.objects.get(username="earlyhelp")
    led = Episode.objects.filter(status=Episode.Status.OPEN, lead_professional=worker)
    assert led.count() >= 2
    children = set(
        Allocation.objects.filter(
            worker=worker, purpose=PURPOSE_EARLY_HELP, ends_at__isnull=True
        ).values_list("person_id", flat=True)
    )
    in_episodes = set(led.values_list("members__person_id", flat=True))
    assert children <= in_episodes
    visible = set(visible_to(worker, now=after_reference_date()).values_list("id", flat=True))
    assert in_episodes <= visible


@in_town
def test_the_school_s_safeguarding_lead_leads_early_help_for_pupils_the_school_has_consent_for():
    worker = Worker.objects.get(username="school")
    led = Episode.objects.filter(status=Episode.Status.OPEN, lead_professional=worker)
    assert 1 <= led.count() <= 2
    now = after_reference_date()
    visible = set(visible_to(worker, now=now).values_list("id", flat=True))
    for episode in led:
        assert worker.agency_id in set(episode.agencies.values_list("pk", flat=True))
        assert episode.has_consent and episode.assessments.get().status == "complete"
        for member in episode.members.select_related("consent"):
            assert member.person_id in visible
            assert member.consent.agencies.filter(pk=worker.agency_id).exists()


@in_town
def test_running_demo_users_again_makes_no_second_episode_or_handover():
    before = (
        Episode.objects.count(),
        LeadProfessional.objects.count(),
        Consent.objects.count(),
        ChronologyEntry.objects.count(),
    )
    call_command("demo_users", stdout=io.StringIO())
    after = (
        Episode.objects.count(),
        LeadProfessional.objects.count(),
        Consent.objects.count(),
        ChronologyEntry.objects.count(),
    )
    assert after == before
