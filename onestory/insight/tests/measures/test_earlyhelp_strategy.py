"""The strategy's measures built from social care records: children on plans where a parent's
mental health, domestic abuse or substance misuse was found, and disabled children in need and
on short breaks."""

from datetime import date, datetime
from itertools import count

import pytest

from onestory.core.clock import LONDON
from onestory.frontdoor.models import Contact, Referral
from onestory.insight.measures import BY_ID, compute
from onestory.insight.measures.base import Context
from onestory.insight.measures.earlyhelp_strategy import has_disability
from onestory.insight.rules import Period
from onestory.people.tests.factories import PersonFactory
from onestory.socialcare.models import Assessment, CarePeriod, ChildProtectionPlan, LegalStatus
from onestory.workforce.tests.factories import WorkerFactory

YEAR = Period.year_ending(date(2023, 3, 31))
_references = count(1)


def result(measure_id):
    return compute(YEAR, [measure_id])[0]


def listed(measure_id, part=None):
    return set(BY_ID[measure_id].children(Context(YEAR), part))


@pytest.fixture
def worker():
    return WorkerFactory()


def referral(worker, person=None, *, on=date(2022, 1, 4), closed_on=None):
    received = datetime.combine(on, datetime.min.time(), LONDON)
    contact = Contact.objects.create(
        reference=f"C-S{next(_references)}",
        received_at=received,
        channel=Contact.Channel.ONLINE,
        recorded_by=worker,
        referrer_name="A teacher",
        referrer_contact="01632 960000",
        referral_source="2A",
        what_happened="A worry about the family.",
        consent="given",
        due_at=received,
    )
    return Referral.objects.create(
        contact=contact,
        person=person or PersonFactory(),
        referral_date=on,
        source="2A",
        primary_need="N1",
        assessment_due_on=date(2022, 3, 8),
        closed_on=closed_on,
    )


def on_plan(worker, *, factors, authorised_on=date(2022, 2, 1), ends_on=None):
    """A child on a plan since 1 March 2022 whose assessment found `factors`."""
    episode = referral(worker)
    Assessment.objects.create(
        referral=episode,
        person=episode.person,
        worker=worker,
        started_on=episode.referral_date,
        due_on=episode.assessment_due_on,
        status=Assessment.Status.AUTHORISED,
        factors=factors,
        completed_on=authorised_on,
        authorised_on=authorised_on,
    )
    ChildProtectionPlan.objects.create(
        referral=episode,
        person=episode.person,
        starts_on=date(2022, 3, 1),
        initial_category="NEG",
        latest_category="NEG",
        ends_on=ends_on,
    )
    return episode.person


@pytest.mark.django_db
def test_plans_count_children_whose_assessment_found_a_parents_mental_health_abuse_or_misuse(
    worker,
):
    mental_health = on_plan(worker, factors=["4B", "16A"])
    abuse_and_drugs = on_plan(worker, factors=["3A", "2C"])
    on_plan(worker, factors=["4A", "1A", "16A"])  # the child's own, not a parent's
    on_plan(worker, factors=["3B"], ends_on=date(2023, 3, 31))  # ended on the last day
    on_plan(worker, factors=["1B"], authorised_on=date(2023, 4, 3))  # after the year

    found = result("cp_plans_toxic_trio")

    assert (found.value, found.numerator, found.denominator) == (2, 2, 4)
    parts = {p.key: (p.numerator, p.value) for p in found.parts}
    assert parts == {
        "mental_health": (1, 0.25),
        "domestic_abuse": (1, 0.25),
        "substance_misuse": (1, 0.25),
    }
    assert listed("cp_plans_toxic_trio") == {mental_health.pk, abuse_and_drugs.pk}
    assert listed("cp_plans_toxic_trio", "substance_misuse") == {abuse_and_drugs.pk}


@pytest.mark.django_db
def test_disabled_children_in_need_are_a_share_of_children_in_need(worker):
    disabled = PersonFactory(disabilities=["MOB", "COMM"])
    referral(worker, disabled)
    referral(worker, PersonFactory(disabilities=["NONE"]))
    referral(worker, PersonFactory(disabilities=[]))
    referral(worker, PersonFactory(disabilities=["LD"]), closed_on=date(2023, 3, 31))

    found = result("disabled_children_in_need")

    assert (found.numerator, found.denominator) == (1, 3)
    assert found.value == pytest.approx(1 / 3)
    assert listed("disabled_children_in_need") == {disabled.pk}


def looked_after(person, *statuses, starts_on=date(2022, 6, 1), ends_on=None):
    period = CarePeriod.objects.create(person=person, starts_on=starts_on, ends_on=ends_on)
    for status in statuses:
        LegalStatus.objects.create(
            period=period, status=status, starts_on=starts_on, ends_on=ends_on
        )


@pytest.mark.django_db
def test_short_breaks_count_disabled_children_and_whether_they_also_came_into_care():
    breaks_only = PersonFactory(disabilities=["AUT"])
    looked_after(breaks_only, "V3")
    came_in = PersonFactory(disabilities=["MOB"])
    looked_after(came_in, "V4")
    looked_after(came_in, "C2", starts_on=date(2023, 1, 5))
    looked_after(PersonFactory(disabilities=[]), "V3")  # no disability recorded
    looked_after(PersonFactory(disabilities=["HEAR"]), "V3", ends_on=date(2022, 3, 1))
    looked_after(PersonFactory(disabilities=["VIS"]), "C2")

    found = result("disabled_children_short_breaks")

    assert found.value == 2
    parts = {p.key: (p.numerator, p.value) for p in found.parts}
    assert parts == {"short_breaks_only": (1, 0.5), "also_in_care": (1, 0.5)}
    assert found.note == "1 more child had short breaks with no disability recorded."
    assert listed("disabled_children_short_breaks", "short_breaks_only") == {breaks_only.pk}


def test_a_disability_is_any_census_code_but_no_disability():
    assert has_disability(["MOB"])
    assert has_disability(["NONE", "LD"])
    assert not has_disability(["NONE"])
    assert not has_disability([])
    assert not has_disability(None)
