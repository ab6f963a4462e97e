"""The statutory social care history of the synthetic local authority, checked at scale 0.05."""

import io
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F

from onestory.access.models import Allocation
from onestory.core.calendar import bank_holidays_between
from onestory.core.rules import add_months, is_working_day
from onestory.frontdoor.models import Referral
from onestory.people.models import Person, Postcode
from onestory.socialcare import models as sc
from onestory.socialcare import rules
from onestory.synthetic.casework import (
    CHILD_IN_NEED_PURPOSES,
    PURPOSE_CHILD_IN_CARE,
    PURPOSE_CHILD_PROTECTION,
)
from onestory.synthetic.drafts import REFERENCE_DATE
from onestory.synthetic.models import PlantedDuplicate, SyntheticRun
from onestory.synthetic.socialcare import TABLES, postcodes_elsewhere

SCALE = 0.05
SEED = 11
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def town(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("synth", scale=SCALE, seed=SEED, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


in_town = pytest.mark.usefixtures("town")


def _current(purpose):
    return Allocation.objects.filter(purpose=purpose, ends_at__isnull=True)


@in_town
def test_children_in_need_at_the_reference_date_are_the_caseworks():
    counts = SyntheticRun.objects.get().counts
    open_referrals = Referral.objects.filter(closed_on__isnull=True).values("person").distinct()
    assert open_referrals.count() == counts["children_in_need"]
    with_social_worker = _current_set(CHILD_IN_NEED_PURPOSES)
    assert {r["person"] for r in open_referrals} == with_social_worker


def _current_set(purposes) -> set:
    return set(
        Allocation.objects.filter(purpose__in=purposes, ends_at__isnull=True).values_list(
            "person_id", flat=True
        )
    )


@in_town
def test_children_in_care_now_are_about_378_at_scale_1():
    in_care = sc.CarePeriod.objects.filter(ends_on__isnull=True)
    assert in_care.count() == _current(PURPOSE_CHILD_IN_CARE).count()
    assert abs(in_care.count() - 378 * SCALE) <= 2
    assert set(in_care.values_list("person_id", flat=True)) == _current_set(
        (PURPOSE_CHILD_IN_CARE,)
    )


@in_town
def test_protection_plans_follow_an_initial_conference_in_the_strategy_proportions():
    plans = sc.ChildProtectionPlan.objects.all()
    assert plans.filter(ends_on__isnull=True).count() == _current(PURPOSE_CHILD_PROTECTION).count()
    for plan in plans:
        initial = sc.ChildProtectionConference.objects.get(plan=plan, kind="initial")
        assert initial.held_on <= plan.starts_on
        assert initial.enquiry.strategy_discussion.held_on <= initial.held_on
    categories = Counter(plans.values_list("initial_category", flat=True))
    assert categories["NEG"] + categories["EMO"] >= 0.6 * plans.count()
    on_time = sum(
        c.held_on <= c.due_on for c in sc.ChildProtectionConference.objects.filter(kind="initial")
    )
    assert on_time >= 0.6 * plans.count()


@in_town
def test_every_assessment_is_due_when_its_referral_is_and_most_are_on_time():
    assessments = sc.Assessment.objects.select_related("referral")
    assert assessments.count() > 0
    late = 0
    for a in assessments:
        assert a.due_on == a.referral.assessment_due_on
        assert a.started_on >= a.referral.referral_date
        if a.completed_on:
            assert a.completed_on >= a.started_on
            late += a.completed_on > a.due_on
        if a.status == "authorised":
            assert a.authorised_on >= a.completed_on
            assert a.authorised_by_id
    assert not Referral.objects.filter(no_further_action=True, assessments__isnull=False).exists()
    assert late <= 0.3 * assessments.count()


@in_town
def test_placements_in_a_period_never_overlap_and_are_in_date_order():
    by_period = defaultdict(list)
    for p in sc.Placement.objects.order_by("starts_on"):
        by_period[p.period_id].append(p)
    for placements in by_period.values():
        for earlier, later in zip(placements, placements[1:], strict=False):
            assert earlier.ends_on is not None
            assert earlier.ends_on <= later.starts_on
        assert placements[-1].ends_on == placements[-1].period.ends_on


@in_town
def test_distances_are_the_straight_line_between_the_postcodes():
    grid = {
        p: (e, n) for p, e, n in Postcode.objects.values_list("postcode", "easting", "northing")
    }
    for near in postcodes_elsewhere().values():
        grid.update({p: (e, n) for p, e, n, _ in near})
    placements = sc.Placement.objects.exclude(distance_miles=None)
    assert placements.exists()
    outside = 0
    for p in placements:
        if p.placement_postcode not in grid:
            continue
        expected = rules.placement_distance_miles(grid[p.home_postcode], grid[p.placement_postcode])
        assert float(p.distance_miles) == pytest.approx(expected)
        assert p.inside_area == (p.placement_area_code == "E06000032")
        outside += not p.inside_area
    assert 0.2 < outside / placements.count() < 0.6


@in_town
def test_most_children_had_one_or_two_social_workers_in_the_last_year():
    window_start = REFERENCE_DATE - timedelta(days=365)
    spans = defaultdict(list)
    for person, worker, starts, ends in Allocation.objects.filter(
        purpose__in=rules.SOCIAL_WORKER_PURPOSES
    ).values_list("person_id", "worker_id", "starts_at", "ends_at"):
        spans[person].append((worker, starts.date(), ends.date() if ends else None))
    children = _current_set(CHILD_IN_NEED_PURPOSES)
    workers = Counter(
        min(
            3,
            rules.social_workers_in(spans[c], window_start=window_start, window_end=REFERENCE_DATE),
        )
        for c in children
    )
    assert workers[1] + workers[2] >= 0.6 * len(children)
    assert workers[3] >= 1
    # Every ended allocation of an earlier worker has its handover (the others ended with
    # their case).
    allocations = Allocation.objects.filter(purpose__in=rules.SOCIAL_WORKER_PURPOSES)
    starts = {(a.person_id, a.starts_at.date()) for a in allocations}
    handed_over = [
        a for a in allocations.exclude(ends_at=None) if (a.person_id, a.ends_at.date()) in starts
    ]
    assert sc.Handover.objects.count() == len(handed_over)


@in_town
def test_every_closed_statutory_referral_had_a_social_worker_until_it_closed():
    closed = Referral.objects.filter(no_further_action=False, closed_on__isnull=False)
    assert closed.exists()
    spans = defaultdict(list)
    for person, starts, ends in Allocation.objects.filter(
        purpose__in=rules.SOCIAL_WORKER_PURPOSES
    ).values_list("person_id", "starts_at", "ends_at"):
        spans[person].append((starts.date(), ends.date() if ends else None))
    for referral in closed:
        assert any(
            starts <= referral.referral_date and ends is not None and ends >= referral.closed_on
            for starts, ends in spans[referral.person_id]
        ), referral.pk


@in_town
def test_assessments_are_authorised_before_their_referral_closes():
    for a in sc.Assessment.objects.select_related("referral").exclude(referral__closed_on=None):
        referral = a.referral
        assert a.status == "authorised"
        assert a.started_on <= a.authorised_on <= referral.closed_on
        if referral.closure_reason in ("RC8", "RC9"):
            # Authorising "no further action" or "early help" closed it that day.
            assert a.authorised_on == referral.closed_on
            assert (
                a.outcome
                == {"RC8": "no_further_action", "RC9": "early_help"}[referral.closure_reason]
            )
        else:
            assert "21" not in a.factors  # no factors found, yet the case went on
    for a in sc.Assessment.objects.filter(referral__closed_on=None).exclude(factors=[]):
        assert "21" not in a.factors


@in_town
def test_initial_conferences_are_held_on_working_days():
    holidays = set(bank_holidays_between(date(2014, 1, 1), REFERENCE_DATE))
    initial = sc.ChildProtectionConference.objects.filter(kind="initial")
    assert initial.exists()
    for conference in initial:
        assert is_working_day(conference.held_on, holidays), conference.held_on


@in_town
def test_children_placed_for_adoption_with_their_foster_carers_stay_with_them():
    placements = defaultdict(list)
    for p in sc.Placement.objects.order_by("starts_on"):
        placements[p.period_id].append(p)
    moves = 0
    for rows in placements.values():
        for before, after in zip(rows, rows[1:], strict=False):
            if after.place == "A5":
                assert before.place.startswith("U")
                assert (after.carer, after.placement_postcode) == (
                    before.carer,
                    before.placement_postcode,
                )
            elif before.place.startswith("U") and after.place.startswith("U"):
                assert after.carer != before.carer  # a move is to another foster family
                moves += 1
    assert moves > 0


@in_town
def test_care_ends_in_adoption_only_from_a_placement_for_adoption_and_never_after_18():
    for period in sc.CarePeriod.objects.exclude(ends_on=None):
        last = sc.Placement.objects.filter(period=period).order_by("-starts_on").first()
        if period.end_reason in ("E11", "E12"):
            assert last.place in ("A5", "A6")
            assert (period.ends_on - last.starts_on).days >= 70
            assert sc.LegalStatus.objects.filter(period=period, status="E1").exists()
        if period.end_reason in ("E45", "E46"):
            assert last.place.startswith("U")
        born = period.person.date_of_birth
        assert period.ends_on <= add_months(born, 18 * 12)
    assert not sc.Placement.objects.filter(place="K3").exclude(inside_area=True).exists()


@in_town
def test_no_child_is_referred_or_a_case_after_they_died():
    assert not Referral.objects.filter(
        person__date_of_death__isnull=False, referral_date__gt=F("person__date_of_death")
    ).exists()
    assert not Allocation.objects.filter(
        purpose__in=CHILD_IN_NEED_PURPOSES, ends_at=None, person__date_of_death__isnull=False
    ).exists()


@in_town
def test_children_and_young_adults_who_went_to_school_here_have_a_upn():
    people = Person.objects.filter(
        date_of_birth__lte=add_months(REFERENCE_DATE, -5 * 12),
        date_of_birth__gt=add_months(REFERENCE_DATE, -25 * 12),
        unaccompanied_asylum_seeking=False,
    ).exclude(pk__in=PlantedDuplicate.objects.values("duplicate_id"))
    assert people.exists()
    assert people.filter(upn="").count() <= 0.02 * people.count()


@in_town
def test_care_leavers_have_a_personal_adviser_and_a_pathway_plan():
    leavers = sc.CareLeaver.objects.all()
    assert leavers.filter(category="former_relevant").count() >= 5
    for leaver in leavers:
        assert leaver.personal_adviser_id
        assert sc.PathwayPlan.objects.filter(person=leaver.person_id).exists()


@in_town
def test_nothing_happens_on_or_after_the_reference_date():
    assert not sc.Visit.objects.filter(visited_on__gte=REFERENCE_DATE).exists()
    assert not sc.CareReview.objects.filter(held_on__gte=REFERENCE_DATE).exists()
    assert not sc.Placement.objects.filter(starts_on__gte=REFERENCE_DATE).exists()
    assert not sc.Assessment.objects.filter(started_on__gte=REFERENCE_DATE).exists()


@in_town
def test_every_statutory_table_has_rows():
    for model in TABLES:
        assert model.objects.exists(), model.__name__


def _snapshot() -> list:
    rows = []
    for model in (sc.Assessment, sc.Placement, sc.ChildProtectionPlan, sc.Handover, sc.Visit):
        rows += sorted(
            (model.__name__, str(pk), str(person), str(day))
            for pk, person, day in model.objects.values_list(
                "pk", "person_id", model._meta.ordering[0].lstrip("-")
            )
        )
    return rows


def test_the_same_seed_gives_the_same_rows():
    call_command("synth", scale=0.01, seed=3, replace=True, stdout=io.StringIO())
    first = _snapshot()
    call_command("synth", scale=0.01, seed=3, replace=True, stdout=io.StringIO())
    assert _snapshot() == first
    assert len(first) > 100


@in_town
def test_a_childs_missing_episodes_never_overlap():
    episodes = defaultdict(list)
    for e in sc.MissingEpisode.objects.order_by("started_at"):
        episodes[e.person_id].append(e)
    assert episodes
    for rows in episodes.values():
        for before, after in zip(rows, rows[1:], strict=False):
            assert before.ended_at < after.started_at


@in_town
def test_everyone_in_care_today_is_under_18_and_was_when_care_began():
    for period in sc.CarePeriod.objects.filter(ends_on=None).select_related("person"):
        born = period.person.date_of_birth
        assert period.starts_on < add_months(born, 18 * 12)
        assert add_months(born, 18 * 12) > REFERENCE_DATE
