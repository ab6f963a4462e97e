"""The front door's history that `onestory synth` writes, checked on the tiny town (scale 0.01)."""

import io
import re
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count

from onestory.access.models import Allocation
from onestory.core.calendar import bank_holidays_between
from onestory.core.clock import LONDON
from onestory.core.rules import ASSESSMENT_WORKING_DAYS, add_working_days, is_working_day
from onestory.frontdoor import rules
from onestory.frontdoor.models import (
    Contact,
    ContactPerson,
    Decision,
    Referral,
    StrategyDiscussion,
)
from onestory.people.models import Address, ChronologyEntry, Person
from onestory.synthetic.casework import CHILD_IN_NEED_PURPOSES
from onestory.synthetic.contacts import (
    CONTACT_CHILDREN_PER_YEAR_AT_SCALE_1,
    HISTORY_START,
    REFERRAL_NFA_SHARE,
    REFERRALS_PER_YEAR_AT_SCALE_1,
)
from onestory.synthetic.drafts import REFERENCE_DATE
from onestory.synthetic.models import SyntheticRun

from .conftest import TINY

pytestmark = pytest.mark.django_db

OPEN = [rules.Status.RECEIVED, rules.Status.SCREENING]
FULL_YEARS = range(2021, 2026)  # financial years 2021-22 to 2025-26, all inside the history


def _financial_year(day: date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _holidays():
    return bank_holidays_between(date(2020, 1, 1), date.today() + timedelta(days=400))


# ----- calibration ---------------------------------------------------------------------------


@pytest.mark.usefixtures("tiny_town")
def test_referrals_a_year_are_luton_s_3164_scaled():
    wanted = REFERRALS_PER_YEAR_AT_SCALE_1 * TINY
    per_year = Counter(
        _financial_year(d) for d in Referral.objects.values_list("referral_date", flat=True)
    )
    for year in FULL_YEARS:
        assert abs(per_year[year] - wanted) <= 0.15 * wanted + 2, (year, per_year[year])


@pytest.mark.usefixtures("tiny_town")
def test_about_368_in_1000_referrals_end_with_no_further_action_closed_that_day_rc7():
    referrals = Referral.objects.all()
    share = referrals.filter(no_further_action=True).count() / referrals.count()
    assert abs(share - REFERRAL_NFA_SHARE) < 0.04
    for referral in referrals.filter(no_further_action=True):
        # No assessment, so not "closed after assessment" (RC8, RC9); closed at once, never
        # carried into the next census year (validator queries 8825Q and 8569Q).
        assert referral.closure_reason == "RC7"
        assert referral.closed_on == referral.referral_date


@pytest.mark.usefixtures("tiny_town")
def test_referrals_close_after_their_assessment_rc8_or_rc9_or_after_services_rc7():
    closed = Referral.objects.filter(no_further_action=False, closed_on__isnull=False)
    assert closed.exists()
    for referral in closed:
        days = (referral.closed_on - referral.referral_date).days
        if referral.closure_reason == "RC7":
            assert days >= 90
        else:
            assert referral.closure_reason in ("RC8", "RC9")
            assert days < 90


@pytest.mark.usefixtures("tiny_town")
def test_closures_are_spread_over_the_last_weeks_not_piled_on_the_last_day():
    last_day = Referral.objects.filter(closed_on=REFERENCE_DATE - timedelta(days=1)).count()
    last_month = Referral.objects.filter(
        closed_on__gte=REFERENCE_DATE - timedelta(days=30), closed_on__lt=REFERENCE_DATE
    ).count()
    assert last_day <= max(3, last_month / 5)


@pytest.mark.usefixtures("tiny_town")
def test_nothing_in_the_front_door_history_is_decided_on_or_after_the_reference_date():
    live = Contact.objects.filter(received_at__date__gte=REFERENCE_DATE)
    assert not Referral.objects.filter(referral_date__gte=REFERENCE_DATE).exists()
    assert (
        not Decision.objects.exclude(contact__in=live)
        .filter(decided_at__date__gte=REFERENCE_DATE)
        .exists()
    )


@pytest.mark.usefixtures("tiny_town")
def test_contacts_are_about_7900_children_a_year_scaled_and_referrals_40_in_100_of_them():
    children = ContactPerson.objects.filter(role=ContactPerson.Role.CHILD)
    per_year = Counter(
        _financial_year(at.astimezone(LONDON).date())
        for at in children.values_list("contact__received_at", flat=True)
    )
    wanted = CONTACT_CHILDREN_PER_YEAR_AT_SCALE_1 * TINY
    for year in FULL_YEARS:
        assert abs(per_year[year] - wanted) <= 0.15 * wanted, (year, per_year[year])
    decided = children.filter(contact__status=rules.Status.DECIDED)
    statutory = decided.filter(contact__decisions__outcome__in=rules.STATUTORY_OUTCOMES)
    assert 0.35 < statutory.count() / decided.count() < 0.45


@pytest.mark.usefixtures("tiny_town")
def test_sources_look_like_england_s_with_the_police_the_largest():
    sources = Counter(Contact.objects.values_list("referral_source", flat=True))
    total = sum(sources.values())
    assert set(sources) <= set(rules.REFERRAL_SOURCES)
    assert sources.most_common(1)[0][0] == "6"
    assert 0.2 < sources["6"] / total < 0.4
    assert 0.1 < sources["2A"] / total < 0.3


# ----- referrals -----------------------------------------------------------------------------


@pytest.mark.usefixtures("tiny_town")
def test_every_re_referral_flag_and_previous_referral_follow_that_child_s_referrals():
    by_child = defaultdict(list)
    for referral in Referral.objects.order_by("referral_date"):
        by_child[referral.person_id].append(referral)
    repeats = 0
    for referrals in by_child.values():
        days = [r.referral_date for r in referrals]
        assert len(days) == len(set(days)), "a child referred twice on one day"
        for i, referral in enumerate(referrals):
            earlier = days[:i]
            assert referral.is_re_referral == rules.is_re_referral(referral.referral_date, earlier)
            assert referral.previous_referral_id == (referrals[i - 1].pk if i else None)
            repeats += referral.is_re_referral
    # Some children come back: about England's rate (roughly one referral in five).
    assert 0.12 < repeats / Referral.objects.count() < 0.32


@pytest.mark.usefixtures("tiny_town")
def test_referrals_carry_what_the_census_needs():
    holidays = _holidays()
    for referral in Referral.objects.select_related("contact"):
        assert referral.primary_need in rules.PRIMARY_NEEDS and referral.primary_need != "N0"
        assert referral.source == referral.contact.referral_source
        assert referral.social_work_team_id is not None
        assert referral.assessment_due_on == add_working_days(
            referral.referral_date, ASSESSMENT_WORKING_DAYS, holidays
        )
        assert referral.closed_on is None or referral.closed_on >= referral.referral_date
        if referral.closed_on is not None:
            assert referral.closure_reason
    needs = Counter(Referral.objects.values_list("primary_need", flat=True))
    assert needs.most_common(1)[0][0] == "N1"


@pytest.mark.usefixtures("tiny_town")
def test_every_child_allocated_a_social_worker_has_an_open_referral_from_before_it_started():
    allocations = Allocation.objects.filter(
        purpose__in=CHILD_IN_NEED_PURPOSES, ends_at__isnull=True
    )
    assert allocations.exists()
    for allocation in allocations:
        started = allocation.starts_at.astimezone(LONDON).date()
        assert Referral.objects.filter(
            person_id=allocation.person_id, referral_date__lte=started, closed_on=None
        ).exists(), allocation.purpose
    # ...and they are the only children with a referral still open.
    open_children = set(Referral.objects.filter(closed_on=None).values_list("person", flat=True))
    assert open_children == set(allocations.values_list("person", flat=True))


# ----- contacts and decisions ------------------------------------------------------------------


@pytest.mark.usefixtures("tiny_town")
def test_the_history_is_at_least_five_years_long():
    history = Contact.objects.exclude(status__in=OPEN)
    first = history.order_by("received_at").first().received_at.astimezone(LONDON).date()
    last = history.order_by("received_at").last().received_at.astimezone(LONDON).date()
    assert first <= HISTORY_START + timedelta(days=31)
    assert last >= REFERENCE_DATE - timedelta(days=31)
    assert (last - first).days >= 5 * 365


@pytest.mark.usefixtures("tiny_town")
def test_every_decided_contact_has_one_decision_that_fits_the_rules():
    decided = Contact.objects.filter(status=rules.Status.DECIDED).annotate(n=Count("decisions"))
    assert decided.exists() and not decided.exclude(n=1).exists()
    assert not Decision.objects.exclude(contact__status=rules.Status.DECIDED).exists()
    outcomes = Counter()
    for decision in Decision.objects.select_related("level", "contact"):
        outcome = decision.outcome_enum
        outcomes[outcome] += 1
        assert decision.level.level in rules.LEVELS_FOR_OUTCOME[outcome]
        assert not rules.decision_problems(
            outcome=outcome,
            level=decision.level.level,
            rationale=decision.rationale,
            primary_need=decision.primary_need,
            signposting=decision.signposting,
            early_help_team=decision.early_help_team_id is not None,
            lead_professional=decision.lead_professional_id is not None,
            social_work_team=decision.social_work_team_id is not None,
        )
        assert decision.contact.received_at < decision.decided_at <= decision.final_at
        assert decision.decided_by_id == decision.contact.assigned_to_id
        if outcome == rules.Outcome.NO_FURTHER_ACTION:
            assert decision.sign_off == Decision.SignOff.AGREED
            assert decision.signed_off_by_id not in (None, decision.decided_by_id)
            assert decision.final_at == decision.signed_off_at
        else:
            assert decision.sign_off == Decision.SignOff.NOT_NEEDED
    assert set(outcomes) == set(rules.Outcome)


@pytest.mark.usefixtures("tiny_town")
def test_most_decisions_are_made_within_a_working_day_but_not_all():
    on_time = [d.decided_at <= d.contact.due_at for d in Decision.objects.select_related("contact")]
    assert 0.8 < sum(on_time) / len(on_time) < 0.97


@pytest.mark.usefixtures("tiny_town")
def test_contacts_are_due_by_the_front_door_s_clock_and_mostly_come_in_working_hours():
    holidays = _holidays()
    in_hours = 0
    contacts = list(Contact.objects.all())
    for contact in contacts:
        assert contact.due_at == rules.decision_due_at(
            contact.received_at, immediate_danger=contact.immediate_danger, holidays=holidays
        )
        local = contact.received_at.astimezone(LONDON)
        in_hours += is_working_day(local.date(), holidays) and 8 <= local.hour < 18
    assert 0.8 < in_hours / len(contacts) < 1


@pytest.mark.usefixtures("tiny_town")
def test_a_few_contacts_are_closed_as_duplicates_without_a_decision():
    closed = Contact.objects.filter(status=rules.Status.CLOSED)
    assert 0 < closed.count() < 0.06 * Contact.objects.count()
    for contact in closed:
        assert contact.closed_reason and contact.closed_at > contact.received_at
        assert not contact.decisions.exists()


@pytest.mark.usefixtures("tiny_town")
def test_strategy_discussions_are_held_the_same_day_with_police_and_health():
    discussions = StrategyDiscussion.objects.select_related("contact")
    assert discussions.exists()
    for discussion in discussions:
        decision = discussion.contact.decisions.get()
        assert decision.outcome == rules.Outcome.STRATEGY_DISCUSSION
        assert discussion.due_at == rules.strategy_discussion_due_at(decision.decided_at)
        assert decision.decided_at < discussion.held_at < discussion.due_at
        assert {"social_care", "police", "health"} <= set(discussion.agencies_present)
        assert set(discussion.agencies_present) <= set(rules.STRATEGY_AGENCIES)
        assert discussion.outcome in rules.STRATEGY_OUTCOMES
    assert (
        not Decision.objects.filter(outcome=rules.Outcome.STRATEGY_DISCUSSION)
        .filter(contact__strategy_discussion=None)
        .exists()
    )
    danger = Contact.objects.filter(immediate_danger=True, status=rules.Status.DECIDED)
    assert danger.filter(decisions__outcome=rules.Outcome.STRATEGY_DISCUSSION).count() > (
        danger.count() / 2
    )


@pytest.mark.usefixtures("tiny_town")
def test_references_are_unique_in_the_product_s_format():
    references = list(Contact.objects.values_list("reference", flat=True))
    assert len(set(references)) == len(references)
    assert all(re.fullmatch(r"FD-[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}", r) for r in references)


@pytest.mark.usefixtures("tiny_town")
def test_referrers_contact_details_are_obviously_not_real():
    for details in Contact.objects.values_list("referrer_contact", flat=True):
        assert (
            re.fullmatch(r"01632 960\d{3}", details)
            or details.endswith("@example.org")
            or details in ("Not recorded", "Withheld: the caller did not leave a number")
        ), details


# ----- the people named ------------------------------------------------------------------------


@pytest.mark.usefixtures("tiny_town")
def test_the_people_named_are_the_generated_people_as_their_records_have_them():
    people = {p.pk: p for p in Person.objects.all()}
    postcodes = defaultdict(set)
    for person, postcode in Address.objects.values_list("person", "postcode"):
        postcodes[person].add(postcode)
    per_contact = defaultdict(list)
    for named in ContactPerson.objects.select_related("contact").order_by("position"):
        per_contact[named.contact_id].append(named)
        if named.person_id is None:
            assert named.contact.status in OPEN and named.link == ""
            continue
        person = people[named.person_id]
        assert named.link == ContactPerson.Link.EXISTING
        assert named.family_name == person.family_name
        received = named.contact.received_at.astimezone(LONDON).date()
        if person.date_of_birth is None or person.date_of_birth > received:
            # A pre-birth referral: the baby had no name or date of birth yet.
            assert (named.given_name, named.date_of_birth) == ("", None)
        else:
            assert (named.given_name, named.date_of_birth) == (
                person.given_name,
                person.date_of_birth,
            )
        assert named.postcode in postcodes[person.pk]
        assert named.contact.received_at <= named.linked_at
        assert named.linked_by_id is not None
    for named in per_contact.values():
        assert [n.position for n in named] == list(range(len(named)))
        children = [n for n in named if n.role == ContactPerson.Role.CHILD]
        assert 1 <= len(children) <= 3


@pytest.mark.usefixtures("tiny_town")
def test_each_linked_person_s_chronology_has_the_request_and_the_decision():
    entries = defaultdict(list)
    for entry in ChronologyEntry.objects.filter(source_type="frontdoor.contact"):
        entries[(entry.source_id, entry.person_id)].append(entry)
        assert entry.category == "front door"
    decided = ContactPerson.objects.filter(
        contact__status=rules.Status.DECIDED, person__isnull=False
    ).select_related("contact")
    assert decided.exists()
    for named in decided:
        contact = named.contact
        decision = contact.decisions.get()
        summaries = {e.summary: e.occurred_at for e in entries[(str(contact.pk), named.person_id)]}
        received = [s for s in summaries if s.startswith("Request for support received from ")]
        assert len(received) == 1 and summaries[received[0]] == contact.received_at
        label = rules.Outcome(decision.outcome).label
        assert summaries[f"Front door decision: {label}"] == decision.final_at


# ----- the live queue --------------------------------------------------------------------------


@pytest.mark.usefixtures("tiny_town")
def test_a_live_queue_of_open_contacts_received_just_before_now_and_due_after_receipt():
    waiting = Contact.objects.filter(status__in=OPEN)
    run = SyntheticRun.objects.get()
    assert waiting.count() == run.counts["open_contacts"] >= 3
    assert waiting.filter(immediate_danger=True).exists()
    assert ContactPerson.objects.filter(contact__in=waiting, person=None).exists()
    for contact in waiting:
        assert contact.due_at > contact.received_at
        assert run.generated_at - timedelta(days=5) < contact.received_at <= run.generated_at
        assert not contact.decisions.exists()
        assert (contact.status == rules.Status.SCREENING) == (contact.assigned_to_id is not None)


# ----- running the generator again ----------------------------------------------------------------


def _synth(**options) -> SyntheticRun:
    # Always --replace: the tiny town of the other tests may be there (it comes back afterwards).
    call_command("synth", stdout=io.StringIO(), replace=True, **options)
    return SyntheticRun.objects.latest("id")


def _history() -> list[tuple]:
    return list(
        Referral.objects.order_by("contact__reference", "person_id").values_list(
            "contact__reference", "person_id", "referral_date", "no_further_action"
        )
    )


def _contacts() -> list[tuple]:
    # The live queue is placed by the time of the run; the history never is.
    history = Contact.objects.exclude(status__in=OPEN).order_by("reference")
    return list(history.values_list("reference", "received_at", "status"))


def test_the_same_seed_gives_the_same_front_door_history():
    _synth(scale=0.005, seed=11)
    contacts, history = _contacts(), _history()
    references = set(Contact.objects.values_list("reference", flat=True))
    assert contacts and history
    _synth(scale=0.005, seed=11)
    assert _contacts() == contacts
    assert _history() == history
    assert set(Contact.objects.values_list("reference", flat=True)) == references


def test_replace_deletes_the_front_door_rows_and_makes_them_again():
    _synth(scale=0.005, seed=11)
    first = set(Contact.objects.values_list("reference", flat=True))
    run = _synth(scale=0.005, seed=12)
    assert first.isdisjoint(Contact.objects.values_list("reference", flat=True))
    assert Contact.objects.count() == run.counts["contacts"]
    assert Referral.objects.count() == run.counts["referrals"]
    assert Decision.objects.count() == run.counts["decisions"]
    assert StrategyDiscussion.objects.count() == run.counts["strategy_discussions"]
    assert ContactPerson.objects.count() == run.counts["contact_people"]
    assert Referral.objects.filter(is_re_referral=True).count() == run.counts["re_referrals"]
