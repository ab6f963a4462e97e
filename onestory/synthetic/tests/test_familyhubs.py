"""The synthetic town's family hubs: reach calibrated to the seed, registers that add up, and a
directory with referrals followed through."""

from collections import Counter
from datetime import date, datetime, time

import pytest
from django.db.models import Count, F, Q

from onestory.core.rules import LONDON
from onestory.familyhubs.models import (
    Activity,
    Attendance,
    Booking,
    RegisteredPerson,
    Service,
    ServiceReferral,
    Session,
    Site,
)
from onestory.familyhubs.rules import is_stale
from onestory.people.models import ChronologyEntry, HouseholdMember
from onestory.people.rules import age_in_years
from onestory.synthetic import familyhubs
from onestory.synthetic.drafts import REFERENCE_DATE
from onestory.workforce.models import Team, Worker
from onestory.workforce.rules import Role

from .conftest import TINY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tiny_town")]

YEAR_START = datetime.combine(date(2025, 4, 1), time(0), tzinfo=LONDON)
YEAR_END = datetime.combine(date(2026, 4, 1), time(0), tzinfo=LONDON)


def _last_year():
    return Attendance.objects.filter(
        session__starts_at__gte=YEAR_START, session__starts_at__lt=YEAR_END
    )


def test_children_and_families_reached_in_the_last_full_year_match_the_seed():
    children, families = set(), set()
    for person_id, born, starts_at, registration_id in _last_year().values_list(
        "person_id", "person__date_of_birth", "session__starts_at", "registration_id"
    ):
        families.add(registration_id)
        if born and age_in_years(born, starts_at.astimezone(LONDON).date()) < 18:
            children.add(person_id)
    assert len(families) == pytest.approx(7_500 * TINY, rel=0.1)
    assert len(children) == pytest.approx(16_100 * TINY, rel=0.1)


def test_families_come_more_than_once_and_parents_come_with_their_children():
    sessions_per_family = Counter(
        dict(
            _last_year()
            .values("registration_id")
            .annotate(n=Count("session_id", distinct=True))
            .values_list("registration_id", "n")
        )
    )
    repeat = sum(1 for n in sessions_per_family.values() if n >= 2)
    assert repeat >= 0.4 * len(sessions_per_family)
    carers = _last_year().filter(person__hub_registrations__role=RegisteredPerson.Role.CARER)
    assert carers.exists()


def test_everyone_who_attended_was_registered_with_the_family_at_the_time():
    registered = set(RegisteredPerson.objects.values_list("registration_id", "person_id"))
    rows = Attendance.objects.values_list(
        "registration_id",
        "person_id",
        "session__starts_at",
        "registration__registered_at",
        "registration__ended_at",
        "registration__household_id",
    )
    households = dict(
        HouseholdMember.objects.filter(valid_to__isnull=True).values_list(
            "person_id", "household_id"
        )
    )
    assert rows
    for registration, person, starts, registered_at, ended_at, household in rows:
        assert (registration, person) in registered
        assert registered_at <= starts
        assert ended_at is None or ended_at > starts
        assert households.get(person) == household


def test_nobody_attends_a_cancelled_session_or_after_the_reference_date():
    assert Session.objects.filter(cancelled_at__isnull=False).exists()
    assert not Attendance.objects.filter(session__cancelled_at__isnull=False).exists()
    last = datetime.combine(REFERENCE_DATE, time(0), tzinfo=LONDON)
    assert not Attendance.objects.filter(session__starts_at__gte=last).exists()


def test_bookings_and_attendance_never_exceed_a_session_s_places():
    live = Q(bookings__cancelled_at__isnull=True)
    over = (
        Session.objects.annotate(
            booked=Count("bookings", filter=live, distinct=True),
            came=Count("attendances", distinct=True),
        )
        .filter(Q(booked__gt=F("capacity")) | Q(came__gt=F("capacity")))
        .count()
    )
    assert over == 0
    assert Booking.objects.filter(cancelled_at__isnull=True).exists()
    assert Attendance.objects.filter(walk_in=True).exists()


def test_each_attendance_is_a_line_in_the_person_s_chronology():
    attendance = Attendance.objects.select_related("session__activity", "session__site").first()
    entries = ChronologyEntry.objects.filter(source_type="familyhubs.attendance")
    assert entries.count() == Attendance.objects.count()
    entry = entries.get(source_id=str(attendance.pk))
    assert entry.person_id == attendance.person_id
    assert entry.category == "family hub"
    assert entry.summary == (
        f"Attended {attendance.session.activity.name} at {attendance.session.site.name}"
    )


def test_two_hubs_with_satellites_in_the_town_s_wards_and_partners_delivering_activities():
    hubs = Site.objects.filter(kind=Site.Kind.HUB)
    assert hubs.count() == 2
    others = Site.objects.exclude(kind=Site.Kind.HUB)
    assert others.count() == 6 and not others.filter(hub__isnull=True).exists()
    assert not Site.objects.filter(ward__isnull=True).exists()
    assert Site.objects.filter(ward__is_target=True).count() >= 4
    assert all(site.opening_times for site in Site.objects.all())
    assert Activity.objects.count() >= 15
    assert Activity.objects.filter(delivered_by__isnull=False).count() >= 5


def test_sessions_are_run_by_family_hub_practitioners_of_the_hub_teams():
    workers = Worker.objects.filter(role=Role.FAMILY_HUB, username__startswith="syn-")
    assert workers.exists()
    assert set(workers.values_list("team__kind", flat=True)) == {Team.Kind.FAMILY_HUB}
    unstaffed = Session.objects.filter(staff__isnull=True).count()
    assert unstaffed == 0
    assert Session.objects.filter(staff__role=Role.FAMILY_HUB).exists()


def test_about_one_directory_entry_in_ten_is_stale_and_each_has_an_owner():
    services = list(Service.objects.all())
    assert len(services) >= 60
    stale = [s for s in services if is_stale(s.last_checked_on, REFERENCE_DATE)]
    assert 0.05 <= len(stale) / len(services) <= 0.15
    assert all(s.owner and s.owner.role == Role.FAMILY_HUB for s in services)
    assert Service.objects.filter(source=Service.Source.OPEN_REFERRAL).exists()


def test_referrals_to_services_come_from_early_help_and_the_front_door_and_are_followed_through():
    referrals = ServiceReferral.objects.all()
    assert referrals.filter(episode__isnull=False).exists()
    assert referrals.filter(contact__isnull=False).exists()
    statuses = set(referrals.values_list("status", flat=True))
    assert {"declined", "closed"} <= statuses
    closed = referrals.filter(status="closed")
    assert not closed.filter(attended__isnull=True).exists()
    assert closed.filter(attended=True).exists()
    assert not referrals.filter(status="declined", declined_reason="").exists()
    assert not referrals.annotate(n=Count("people")).filter(n=0).exists()
    referred = ChronologyEntry.objects.filter(
        source_type="familyhubs.servicereferral", summary__startswith="Referred to "
    )
    assert referred.count() == ServiceReferral.people.through.objects.count()
    for referral in referrals.filter(episode__isnull=False)[:20]:
        members = set(referral.episode.members.values_list("person_id", flat=True))
        assert set(referral.people.values_list("id", flat=True)) <= members
        assert referral.made_at >= referral.episode.opened_at


def test_the_generator_s_counts_report_the_reach():
    from onestory.synthetic.models import SyntheticRun

    counts = SyntheticRun.objects.latest("generated_at").counts
    assert counts["family_hub_families_reached_2025"] == round(7_500 * TINY)
    assert counts["family_hub_children_reached_2025"] >= 0.95 * round(16_100 * TINY)
    assert counts["family_hub_attendances"] == Attendance.objects.count()


def test_school_holidays_are_those_of_the_town_s_schools_roughly():
    holidays = familyhubs.bank_holidays_between(date(2025, 1, 1), date(2025, 12, 31))
    assert familyhubs._school_holiday(date(2025, 8, 11), holidays)
    assert familyhubs._school_holiday(date(2025, 10, 27), holidays)
    assert not familyhubs._school_holiday(date(2025, 11, 10), holidays)


def test_every_site_runs_at_least_one_activity_each_week_even_in_a_tiny_town():
    assert not Site.objects.filter(active=True, sessions__isnull=True).exists()
