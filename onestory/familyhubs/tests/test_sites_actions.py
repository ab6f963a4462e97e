"""Writing sites, activities and sessions: who may, what is refused and how, a weekly series that
skips bank holidays, a form sent twice, a save on top of someone else's, and what cancelling a
session does to its bookings."""

from datetime import date, time

import pytest

from onestory.access.models import AuditEvent
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.familyhubs.actions import bookings, sessions, sites
from onestory.familyhubs.models import Booking, Session, Site
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import ActivityFactory, SiteFactory, registered_family
from .factories_sites import london, session_on, ward_with_postcode

pytestmark = pytest.mark.django_db

NOW = london(date(2025, 5, 2), 9)  # a Friday


@pytest.fixture
def hub_worker():
    return worker_with_role(Role.FAMILY_HUB)


@pytest.fixture
def manager():
    return worker_with_role(Role.TEAM_MANAGER)


def _site_values(**changes):
    return {
        "name": "Northwell Family Hub",
        "kind": Site.Kind.HUB,
        "hub": None,
        "line_1": "1 Hub Road",
        "line_2": "",
        "town": "Luton",
        "postcode": "lu49aa",
        "phone": "",
        "opening_times": {0: ("9:00", "17:00"), 1: ("09:00", "17:00")},
    } | changes


# Sites ---------------------------------------------------------------------------------------


def test_a_new_site_finds_its_ward_from_the_postcode(hub_worker):
    ward = ward_with_postcode("LU4 9AA")
    site = sites.site_create(values=_site_values(), acting_user=hub_worker, now=NOW)
    assert site.postcode == "LU4 9AA"
    assert site.ward == ward
    assert site.opening_times[0] == {"day": 0, "opens": "09:00", "closes": "17:00"}
    assert AuditEvent.objects.filter(action="create", object_id=str(site.pk)).exists()


def test_a_site_whose_postcode_is_outside_the_area_has_no_ward(hub_worker):
    site = sites.site_create(
        values=_site_values(postcode="SW1A 1AA"), acting_user=hub_worker, now=NOW
    )
    assert site.ward is None


def test_a_satellite_must_belong_to_a_hub(hub_worker):
    with pytest.raises(DetailsRefused) as refused:
        sites.site_create(
            values=_site_values(kind=Site.Kind.SATELLITE), acting_user=hub_worker, now=NOW
        )
    assert refused.value.problems["hub"] == sites.SATELLITE_NEEDS_HUB
    satellite_of_satellite = SiteFactory(kind=Site.Kind.SATELLITE)
    with pytest.raises(DetailsRefused) as refused:
        sites.site_create(
            values=_site_values(kind=Site.Kind.SATELLITE, hub=satellite_of_satellite),
            acting_user=hub_worker,
            now=NOW,
        )
    assert refused.value.problems["hub"] == sites.HUB_MUST_BE_A_HUB


def test_bad_site_details_are_all_reported_at_once(hub_worker):
    with pytest.raises(DetailsRefused) as refused:
        sites.site_create(
            values=_site_values(postcode="nowhere", opening_times={2: ("17:00", "09:00")}),
            acting_user=hub_worker,
            now=NOW,
        )
    assert set(refused.value.problems) == {"postcode", "day_2"}


def test_only_hub_staff_and_managers_change_sites():
    with pytest.raises(DomainError, match="Only family hub practitioners"):
        sites.site_create(
            values=_site_values(), acting_user=worker_with_role(Role.EARLY_HELP), now=NOW
        )


def test_a_site_saved_by_someone_else_since_is_refused(hub_worker):
    site = SiteFactory()
    sites.site_update(
        site=site,
        values=_site_values(),
        active=True,
        version=site.version,
        acting_user=hub_worker,
        now=NOW,
    )
    with pytest.raises(StaleEdit):
        sites.site_update(
            site=site,
            values=_site_values(name="Changed"),
            active=True,
            version=site.version,
            acting_user=hub_worker,
            now=NOW,
        )
    site.refresh_from_db()
    assert site.name == "Northwell Family Hub"


def test_only_a_manager_takes_a_site_out_of_use(hub_worker, manager):
    site = SiteFactory()
    with pytest.raises(DetailsRefused) as refused:
        sites.site_update(
            site=site,
            values=_site_values(),
            active=False,
            version=site.version,
            acting_user=hub_worker,
            now=NOW,
        )
    assert "Only a team manager" in refused.value.problems["active"]
    site = sites.site_update(
        site=site,
        values=_site_values(),
        active=False,
        version=site.version,
        acting_user=manager,
        now=NOW,
    )
    assert site.active is False


def test_a_site_with_sessions_to_come_stays_in_use(manager):
    site = SiteFactory()
    session_on(date(2025, 5, 6), site=site)
    with pytest.raises(DetailsRefused) as refused:
        sites.site_update(
            site=site,
            values=_site_values(),
            active=False,
            version=site.version,
            acting_user=manager,
            now=NOW,
        )
    assert "1 session still to come" in refused.value.problems["active"]


# Activities ----------------------------------------------------------------------------------


def test_an_activity_is_added_with_its_ages_in_months_and_its_partner(hub_worker):
    from onestory.workforce.tests.factories import AgencyFactory

    agency = AgencyFactory(name="Bedfordshire health visiting", kind="health_visiting")
    activity = sites.activity_create(
        values={
            "name": " Baby massage ",
            "kind": "infant_feeding",
            "audience": "universal",
            "description": "",
            "youngest_months": 0,
            "oldest_months": 11,
            "delivered_by": agency,
        },
        acting_user=hub_worker,
        now=NOW,
    )
    assert (activity.name, activity.oldest_months, activity.delivered_by) == (
        "Baby massage",
        11,
        agency,
    )


def test_an_activity_whose_ages_are_the_wrong_way_round_is_refused(hub_worker):
    with pytest.raises(DetailsRefused) as refused:
        sites.activity_create(
            values={
                "name": "Toddlers",
                "kind": "stay_and_play",
                "audience": "universal",
                "youngest_months": 36,
                "oldest_months": 12,
            },
            acting_user=hub_worker,
            now=NOW,
        )
    assert "oldest_months" in refused.value.problems


# Sessions ------------------------------------------------------------------------------------


def _series(user, **changes):
    values = {
        "activity": ActivityFactory(),
        "site": SiteFactory(),
        "day": date(2025, 5, 19),  # a Monday; 26 May 2025 is the spring bank holiday
        "starts": time(10, 0),
        "ends": time(11, 30),
        "capacity": 12,
        "weeks": 4,
    } | changes
    return sessions.session_create(acting_user=user, now=NOW, **values)


def test_a_weekly_series_skips_bank_holidays(hub_worker):
    made = _series(hub_worker)
    starts = [s.starts_at for s in made.sessions]
    assert starts == [
        london(date(2025, 5, 19), 10),
        london(date(2025, 6, 2), 10),
        london(date(2025, 6, 9), 10),
    ]
    assert made.skipped == [date(2025, 5, 26)]
    # Stored in UTC: 10:00 in a British summer is 09:00 UTC.
    assert made.sessions[0].starts_at.astimezone(london(date(2025, 1, 1), 0).tzinfo).hour == 10
    assert Session.objects.get(pk=made.sessions[0].pk).starts_at.utcoffset().total_seconds() == 0


def test_a_series_may_keep_bank_holidays(hub_worker):
    made = _series(hub_worker, skip_bank_holidays=False)
    assert len(made.sessions) == 4 and made.skipped == []


def test_a_series_sent_twice_is_arranged_once(hub_worker):
    first = _series(hub_worker, form_token="series-token")
    again = _series(hub_worker, form_token="series-token")
    assert again.repeated and again.sessions[0] == first.sessions[0]
    assert Session.objects.count() == 3


def test_a_session_that_ends_before_it_starts_is_refused(hub_worker):
    with pytest.raises(DetailsRefused) as refused:
        _series(hub_worker, ends=time(9, 0), capacity=0)
    assert refused.value.problems == {
        "ends": sessions.ENDS_BEFORE_START,
        "capacity": sessions.BAD_CAPACITY,
    }


def test_a_session_in_the_past_is_refused(hub_worker):
    with pytest.raises(DetailsRefused) as refused:
        _series(hub_worker, day=date(2025, 4, 28))
    assert refused.value.problems == {"day": sessions.IN_THE_PAST}


def test_sessions_of_an_activity_out_of_use_are_refused(hub_worker):
    with pytest.raises(DetailsRefused) as refused:
        _series(hub_worker, activity=ActivityFactory(active=False))
    assert refused.value.problems["activity"] == sessions.INACTIVE_ACTIVITY


def test_a_session_changed_by_someone_else_since_is_refused(hub_worker):
    session = session_on(date(2025, 5, 6))
    fields = {
        "site": session.site,
        "day": date(2025, 5, 6),
        "starts": time(13, 0),
        "ends": time(14, 0),
        "capacity": 10,
        "acting_user": hub_worker,
        "now": NOW,
    }
    moved = sessions.session_update(session=session, version=session.version, **fields)
    assert moved.starts_at == london(date(2025, 5, 6), 13)
    with pytest.raises(StaleEdit):
        sessions.session_update(session=session, version=session.version, **fields)


def test_a_sessions_places_cannot_go_below_those_taken(hub_worker):
    session = session_on(date(2025, 5, 6), capacity=4)
    family = registered_family(children=2)
    bookings.booking_create(
        session=session,
        registration=family,
        people=[p.person for p in family.people.all()],
        acting_user=hub_worker,
        now=NOW,
    )
    with pytest.raises(DetailsRefused) as refused:
        sessions.session_update(
            session=session,
            site=session.site,
            day=date(2025, 5, 6),
            starts=time(10, 0),
            ends=time(11, 30),
            capacity=2,
            version=session.version,
            acting_user=hub_worker,
            now=NOW,
        )
    assert refused.value.problems["capacity"].startswith("3 places are already taken")


def test_cancelling_a_session_cancels_its_bookings_with_it(hub_worker):
    session = session_on(date(2025, 5, 6))
    family = registered_family()
    bookings.booking_create(
        session=session,
        registration=family,
        people=[p.person for p in family.people.all()],
        acting_user=hub_worker,
        now=NOW,
    )
    cancelled, count = sessions.session_cancel(
        session=session, version=session.version, acting_user=hub_worker, now=NOW
    )
    assert count == 2 and cancelled.cancelled_at == NOW
    assert set(Booking.objects.values_list("cancelled_at", flat=True)) == {NOW}
    with pytest.raises(DomainError, match="already been cancelled"):
        sessions.session_cancel(
            session=session, version=cancelled.version, acting_user=hub_worker, now=NOW
        )


def test_a_session_already_held_cannot_be_cancelled(hub_worker):
    session = session_on(date(2025, 5, 1))
    with pytest.raises(DomainError, match="already taken place"):
        sessions.session_cancel(
            session=session, version=session.version, acting_user=hub_worker, now=NOW
        )
