"""The family hub practitioner's pages: who may open them, the start page and the timetable,
adding and changing sites, arranging sessions (a series skips bank holidays), a save on top of
someone else's keeping what was typed, cancelling a session, and booking a family (a name typed
never goes in a URL; a full session offers the next ones with room)."""

from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse

from onestory.access.models import AccessGrant, AuditEvent, RecordRestriction
from onestory.core.calendar import bank_holidays_between
from onestory.core.clock import now, today_in_london
from onestory.familyhubs.models import Activity, Booking, Session, Site
from onestory.workforce.rules import Role

from .factories import ActivityFactory, SiteFactory, registered_family
from .factories_sites import session_on, ward_with_postcode

pytestmark = pytest.mark.django_db

ALLOWED = [Role.FAMILY_HUB, Role.TEAM_MANAGER]
# Administrators are sent to their second factor first (the URL walk covers them past it).
REFUSED = [r for r in Role if r not in ALLOWED and r != Role.ADMIN]


def _day(days_ahead: int):
    return today_in_london() + timedelta(days=days_ahead)


def _pages(session, site, activity, booking):
    return [
        reverse("familyhubs:home"),
        reverse("familyhubs:sites"),
        reverse("familyhubs:site", args=[site.pk]),
        reverse("familyhubs:site-create"),
        reverse("familyhubs:site-edit", args=[site.pk]),
        reverse("familyhubs:activities"),
        reverse("familyhubs:activity-create"),
        reverse("familyhubs:activity-edit", args=[activity.pk]),
        reverse("familyhubs:sessions"),
        reverse("familyhubs:session", args=[session.pk]),
        reverse("familyhubs:session-create"),
        reverse("familyhubs:session-edit", args=[session.pk]),
        reverse("familyhubs:session-cancel", args=[session.pk]),
        reverse("familyhubs:booking-create", args=[session.pk]),
    ]


@pytest.fixture
def world():
    session = session_on(_day(2))
    family = registered_family()
    booking = Booking.objects.create(
        session=session,
        person=family.people.first().person,
        registration=family,
        booked_at=now(),
    )
    return session, session.site, session.activity, booking


@pytest.mark.parametrize("role", ALLOWED)
def test_family_hub_practitioners_and_managers_open_every_page(client, sign_in, role, world):
    sign_in(role)
    for url in _pages(*world):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_are_answered_as_if_the_pages_did_not_exist(client, sign_in, role, world):
    sign_in(role)
    session, site, activity, booking = world
    for url in _pages(*world):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url
    cancel = reverse("familyhubs:booking-cancel", args=[booking.pk])
    assert client.post(cancel).status_code == 404
    booking.refresh_from_db()
    assert booking.cancelled_at is None


def test_someone_not_signed_in_is_sent_to_sign_in(client):
    response = client.get(reverse("familyhubs:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("access:sign-in"))


def test_an_unknown_session_is_not_found(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    response = client.get(reverse("familyhubs:session", args=[Site().pk]))
    assert response.status_code == 404


# The start page and the timetable ------------------------------------------------------------


def test_the_start_page_shows_today_and_the_week_ahead_with_places_left(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    hub = SiteFactory(name="Northwell Family Hub")
    today = session_on(
        _day(0),
        hour=23,
        minutes=30,
        site=hub,
        capacity=8,
        activity=ActivityFactory(name="Evening parents group"),
    )
    Booking.objects.create(
        session=today,
        person=(f := registered_family()).people.first().person,
        registration=f,
        booked_at=now(),
    )
    session_on(_day(3), site=hub, activity=ActivityFactory(name="Baby massage"))
    session_on(_day(10), site=hub, activity=ActivityFactory(name="Too far ahead"))
    elsewhere = session_on(_day(1), activity=ActivityFactory(name="Somewhere else"))
    page = client.get(reverse("familyhubs:home")).content.decode()
    assert "Evening parents group" in page and "7 of 8" in page
    assert "Baby massage" in page and "Somewhere else" in page
    assert "Too far ahead" not in page
    try:
        register = reverse("familyhubs:register", args=[today.pk])
    except NoReverseMatch:
        register = None  # the register page is another part's; the link appears once it exists
    if register:
        assert register in page
    filtered = client.get(reverse("familyhubs:home"), {"site": hub.pk}).content.decode()
    assert "Baby massage" in filtered and elsewhere.activity.name not in filtered


def test_the_timetable_shows_a_week_and_filters_by_activity(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    stay = ActivityFactory(name="Stay and play")
    first = session_on(_day(14), activity=stay)
    session_on(_day(14), hour=13, activity=ActivityFactory(name="Oral health"))
    session_on(_day(15), activity=stay, cancelled_at=now())
    week = first.starts_at.date().isoformat()
    page = client.get(reverse("familyhubs:sessions"), {"week": week}).content.decode()
    assert "Stay and play" in page and "Oral health" in page and "Cancelled" in page
    only = client.get(
        reverse("familyhubs:sessions"), {"week": week, "activity": stay.pk}
    ).content.decode()
    assert "Stay and play<span" in only and "Oral health<span" not in only
    # Rubbish in the filters shows this week, unfiltered.
    assert client.get(reverse("familyhubs:sessions"), {"week": "x", "site": "y"}).status_code == 200


# Sites ---------------------------------------------------------------------------------------


def _site_post(**changes):
    data = {
        "name": "Marsh Farm Family Hub",
        "kind": "hub",
        "line_1": "2 Purley Centre",
        "postcode": "LU3 3SR",
        "opens_0": "9:00",
        "closes_0": "17:00",
        "opens_4": "09:00",
        "closes_4": "12:30",
        "form_token": "site-form",
    }
    return data | changes


def test_adding_a_site_shows_its_ward_and_opening_week(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    ward_with_postcode("LU3 3SR", name="Northwell")
    response = client.post(reverse("familyhubs:site-create"), _site_post(), follow=True)
    page = response.content.decode()
    assert "Marsh Farm Family Hub added." in page
    assert "Northwell" in page
    assert "09:00 to 17:00" in page and "09:00 to 12:30" in page and "Closed" in page
    # The same form sent again makes no second site.
    client.post(reverse("familyhubs:site-create"), _site_post())
    assert Site.objects.count() == 1


def test_a_site_form_with_mistakes_keeps_what_was_typed_and_says_how_to_fix_it(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    response = client.post(
        reverse("familyhubs:site-create"),
        _site_post(postcode="nonsense", closes_0="", kind="satellite"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a real postcode, like LU1 2AB." in page
    assert "Enter the time the site closes on Monday" in page
    assert "Choose the family hub this satellite site" in page
    assert 'value="Marsh Farm Family Hub"' in page and 'value="nonsense"' in page


def test_a_site_saved_by_someone_else_keeps_your_changes_and_a_second_save_wins(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    site = SiteFactory(name="Old name")
    url = reverse("familyhubs:site-edit", args=[site.pk])
    Site.objects.filter(pk=site.pk).update(version=site.version + 1)
    data = _site_post(name="My new name", version=site.version)
    response = client.post(url, data)
    page = response.content.decode()
    assert "Someone else changed this site" in page
    assert 'value="My new name"' in page
    assert f'name="version" value="{site.version + 1}"' in page
    client.post(url, data | {"version": site.version + 1})
    site.refresh_from_db()
    assert site.name == "My new name"


def test_practitioners_are_not_offered_taking_a_site_out_of_use(client, sign_in):
    site = SiteFactory()
    sign_in(Role.FAMILY_HUB)
    assert (
        'name="active"'
        not in client.get(reverse("familyhubs:site-edit", args=[site.pk])).content.decode()
    )
    sign_in(Role.TEAM_MANAGER)
    assert (
        'name="active"'
        in client.get(reverse("familyhubs:site-edit", args=[site.pk])).content.decode()
    )


# Sessions ------------------------------------------------------------------------------------


def _next_lone_bank_holiday():
    """The next bank holiday at least a week away with none a week either side of it (not
    Christmas Day, a week before New Year's Day)."""
    start = _day(8)
    holidays = bank_holidays_between(start, start + timedelta(days=400))
    week = timedelta(weeks=1)
    return min(
        d for d in holidays if d >= start and d - week not in holidays and d + week not in holidays
    )


def test_a_weekly_series_is_arranged_without_its_bank_holiday(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    holiday = _next_lone_bank_holiday()
    activity, site = ActivityFactory(), SiteFactory()
    data = {
        "activity": activity.pk,
        "site": site.pk,
        "day": (holiday - timedelta(weeks=1)).strftime("%d/%m/%Y"),
        "starts": "10:00",
        "ends": "11:30",
        "weeks": "3",
        "skip_bank_holidays": "on",
        "capacity": "12",
        "form_token": "series",
    }
    response = client.post(reverse("familyhubs:session-create"), data, follow=True)
    page = response.content.decode()
    assert "2 weekly sessions arranged" in page
    assert f"No session on the bank holiday: {holiday:%-d %B %Y}" in page
    assert Session.objects.count() == 2
    client.post(reverse("familyhubs:session-create"), data)
    assert Session.objects.count() == 2


def test_a_session_form_with_mistakes_says_how_to_fix_each(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    response = client.post(
        reverse("familyhubs:session-create"),
        {"day": "31/02/2030", "starts": "25:00", "ends": "", "weeks": "99", "capacity": "0"},
    )
    page = response.content.decode()
    for message in (
        "Choose the activity the session is of.",
        "Choose the site where the session is held.",
        "Enter the session&#x27;s date as a real date",
        "Enter the time the session starts on the 24-hour clock",
        "Enter the time the session ends, like 11:30.",
        "Enter how many weeks the series runs, from 1",
        "Enter how many places the session has, from 1 to 200.",
    ):
        assert message in page, message
    assert 'value="31/02/2030"' in page


def test_a_session_changed_by_someone_else_keeps_your_changes(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    session = session_on(_day(5), capacity=12)
    url = reverse("familyhubs:session-edit", args=[session.pk])
    Session.objects.filter(pk=session.pk).update(version=session.version + 1)
    data = {
        "site": session.site.pk,
        "day": _day(5).strftime("%d/%m/%Y"),
        "starts": "14:00",
        "ends": "15:00",
        "capacity": "20",
        "version": session.version,
    }
    page = client.post(url, data).content.decode()
    assert "Someone else changed this session" in page
    assert 'value="14:00"' in page and 'value="20"' in page
    session.refresh_from_db()
    assert session.capacity == 12


def test_a_cancelled_session_shows_its_bookings_cancelled_with_the_familys_contact(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    session = session_on(_day(3))
    family = registered_family()
    client.post(
        reverse("familyhubs:booking-create", args=[session.pk]),
        {"registration": family.pk, "people": [str(m.person.pk) for m in family.people.all()]},
    )
    ask = client.get(reverse("familyhubs:session-cancel", args=[session.pk])).content.decode()
    assert "2 places are taken. Every booking is cancelled with the session." in ask
    response = client.post(
        reverse("familyhubs:session-cancel", args=[session.pk]),
        {"version": session.version},
        follow=True,
    )
    page = response.content.decode()
    assert "Its 2 bookings were cancelled with it" in page
    assert page.count("Cancelled with the session") == 2
    assert family.phone in page


# Booking ------------------------------------------------------------------------------------


def test_a_family_is_found_by_reference_or_name_without_the_name_in_the_url(client, sign_in):
    worker = sign_in(Role.FAMILY_HUB)
    session = session_on(_day(3))
    family = registered_family(family_name="Okonkwo-Lindqvist")
    url = reverse("familyhubs:booking-create", args=[session.pk])
    by_name = client.post(url, {"q": "okonkwo-lind"}).content.decode()
    assert f"Family {family.reference}" in by_name
    by_reference = client.post(url, {"q": family.reference.lower()}).content.decode()
    assert f"Family {family.reference}" in by_reference
    search = AuditEvent.objects.filter(actor=worker, action="search").first()
    assert search and "okonkwo" not in str(search.detail).lower()
    # Every person shown is in the audit trail.
    shown = set(
        AuditEvent.objects.filter(actor=worker, action="list").values_list("person_id", flat=True)
    )
    assert {m.person_id for m in family.people.all()} <= shown
    nothing = client.post(url, {"q": "Zzyzx"}).content.decode()
    assert "No registered family matches" in nothing


def test_booking_a_family_from_the_session_page(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    session = session_on(_day(3), capacity=5)
    family = registered_family(children=1)
    people = [str(m.person.pk) for m in family.people.all()]
    url = reverse("familyhubs:booking-create", args=[session.pk])
    data = {"registration": family.pk, "people": people, "form_token": "one-booking"}
    page = client.post(url, data, follow=True).content.decode()
    assert "Booked 2 places" in page and "3 left of 5" in page
    client.post(url, data)
    assert Booking.objects.filter(session=session).count() == 2
    booking = Booking.objects.filter(session=session).first()
    client.post(reverse("familyhubs:booking-cancel", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.cancelled_at is not None


def test_a_full_session_offers_the_next_sessions_with_room_as_links(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    activity = ActivityFactory(name="Stay and play")
    full = session_on(_day(3), capacity=1, activity=activity)
    next_one = session_on(_day(10), capacity=5, activity=activity)
    family = registered_family(children=1)
    response = client.post(
        reverse("familyhubs:booking-create", args=[full.pk]),
        {"registration": family.pk, "people": [str(m.person.pk) for m in family.people.all()]},
    )
    page = response.content.decode()
    assert "This session has 1 place left and you chose 2 people: nobody has been booked." in page
    link = reverse("familyhubs:booking-create", args=[next_one.pk])
    assert f"{link}?registration={family.pk}" in page
    assert not Booking.objects.exists()
    # Following the link opens the same family ready to book.
    offered = client.get(link, {"registration": family.pk}).content.decode()
    assert f"Family {family.reference}" in offered


def test_a_restricted_record_is_found_by_reference_only_and_its_name_withheld(client, sign_in):
    worker = sign_in(Role.FAMILY_HUB)
    session = session_on(_day(3))
    family = registered_family(children=1, given_name="Wilhelmina")
    child = family.people.get(role="child").person
    RecordRestriction.objects.create(person=child, reason="Safety", restricted_by=worker)
    url = reverse("familyhubs:booking-create", args=[session.pk])
    assert "No registered family matches" in client.post(url, {"q": "Wilhelmina"}).content.decode()
    page = client.post(url, {"q": family.reference}).content.decode()
    assert "Wilhelmina" not in page and "Name withheld (restricted record)" in page
    AccessGrant.objects.create(
        person=child,
        worker=worker,
        kind=AccessGrant.Kind.RESTRICTED,
        starts_at=now(),
        granted_by=worker,
        reason="Named",
    )
    assert "Wilhelmina" in client.post(url, {"q": family.reference}).content.decode()


def test_the_session_page_records_each_person_it_shows(client, sign_in):
    worker = sign_in(Role.FAMILY_HUB)
    session = session_on(_day(3))
    family = registered_family(children=1)
    client.post(
        reverse("familyhubs:booking-create", args=[session.pk]),
        {"registration": family.pk, "people": [str(m.person.pk) for m in family.people.all()]},
    )
    # The audit trail is append-only: count only what the page's own visit adds.
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    client.get(reverse("familyhubs:session", args=[session.pk]))
    shown = AuditEvent.objects.filter(actor=worker, action="list", pk__gt=before).values_list(
        "person_id", flat=True
    )
    assert set(shown) == {m.person_id for m in family.people.all()}


def test_an_activity_is_added_with_its_ages_and_listed(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    data = {
        "name": "Little talkers",
        "kind": "speech_language",
        "audience": "targeted",
        "youngest_months": "24",
        "oldest_months": "47",
        "form_token": "activity",
    }
    page = client.post(reverse("familyhubs:activity-create"), data, follow=True).content.decode()
    assert "Little talkers added." in page and "2 to 3 years" in page
    assert "By referral or invitation" in page
    wrong = client.post(
        reverse("familyhubs:activity-create"), data | {"oldest_months": "x", "form_token": ""}
    ).content.decode()
    assert "Enter the oldest age as a whole number of months, like 59." in wrong


def test_a_cancelled_session_cannot_be_changed(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    session = session_on(_day(3), cancelled_at=now())
    response = client.get(reverse("familyhubs:session-edit", args=[session.pk]), follow=True)
    assert "This session has been cancelled: it cannot be changed." in response.content.decode()


def test_an_activity_changed_by_someone_else_keeps_your_changes_and_a_second_save_wins(
    client, sign_in
):
    sign_in(Role.FAMILY_HUB)
    activity = ActivityFactory(name="Stay and play")
    url = reverse("familyhubs:activity-edit", args=[activity.pk])
    form = client.get(url).content.decode()
    assert 'value="Stay and play"' in form
    Activity.objects.filter(pk=activity.pk).update(version=activity.version + 1)
    data = {
        "name": "Stay and play (under 2s)",
        "kind": activity.kind,
        "audience": "universal",
        "youngest_months": "0",
        "oldest_months": "23",
        "version": activity.version,
    }
    page = client.post(url, data).content.decode()
    assert "Someone else changed this activity" in page
    assert 'value="Stay and play (under 2s)"' in page
    assert f'name="version" value="{activity.version + 1}"' in page
    saved = client.post(url, data | {"version": activity.version + 1}, follow=True)
    assert "Stay and play (under 2s) saved." in saved.content.decode()
    activity.refresh_from_db()
    assert (activity.name, activity.oldest_months) == ("Stay and play (under 2s)", 23)
