"""The register pages as a family hub practitioner uses them: registering at the door with
matching, finding a family, the family's page, and the session register."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from onestory.access.models import AuditEvent
from onestory.access.tests.factories import AllocationFactory
from onestory.familyhubs.models import Attendance, Booking, Registration
from onestory.people.models import Person
from onestory.workforce.rules import Role

from .factories import SiteFactory, registered_family
from .factories_register import known_child, session_today

pytestmark = pytest.mark.django_db


def _form(site, **overrides):
    data = {
        "adults": "1",
        "children": "1",
        "action": "register",
        "form_token": "tok-1",
        "carer-0-role": "carer",
        "carer-0-given_name": "Sana",
        "carer-0-family_name": "Khan",
        "carer-0-date_of_birth": "02/08/1994",
        "child-0-role": "child",
        "child-0-given_name": "Amira",
        "child-0-family_name": "Khan",
        "child-0-date_of_birth": "14/03/2022",
        "site": str(site.pk),
        "line_1": "12 Marsh Road",
        "postcode": "lu2 7ab",
        "phone": "07700 900456",
        "contact_by": "text",
        "consent_to_register": "on",
    }
    return data | overrides


def test_other_roles_cannot_reach_the_register_pages(client, sign_in):
    sign_in(Role.EARLY_HELP)
    assert client.get(reverse("familyhubs:family-register")).status_code == 404
    assert client.get(reverse("familyhubs:family-find")).status_code == 404


def test_registering_at_the_door_offers_the_known_child_then_links_them(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    child = known_child(postcode="LU2 7AB")
    site = SiteFactory()
    url = reverse("familyhubs:family-register")

    offered = client.post(url, _form(site))
    assert offered.status_code == 200
    body = offered.content.decode()
    assert "We may already know Amira Khan" in body
    assert "the same name, the same date of birth" in body and "<strong>matches</strong>" in body
    assert "12 Marsh Road" not in body.split("We may already know")[1].split("</fieldset>")[0]
    assert not Registration.objects.exists()

    done = client.post(url, _form(site, **{"matching_shown": "1", "child-0-match": str(child.pk)}))
    registration = Registration.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "familyhubs:family", kwargs={"pk": registration.pk}
    )
    assert registration.people.filter(person=child).exists()
    assert Person.objects.filter(given_name="Amira", family_name="Khan").count() == 1


def test_saying_not_them_makes_a_new_record(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    child = known_child()
    site = SiteFactory()
    client.post(
        reverse("familyhubs:family-register"),
        _form(site, **{"matching_shown": "1", "child-0-match": "new"}),
    )
    registered = Registration.objects.get().people.get(role="child").person
    assert registered != child


def test_the_match_must_be_answered_once_offered(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    known_child()
    response = client.post(
        reverse("familyhubs:family-register"), _form(SiteFactory(), matching_shown="1")
    )
    assert "Choose whether Amira Khan is the person already known, or not." in (
        response.content.decode()
    )
    assert not Registration.objects.exists()


def test_without_consent_the_page_says_why_and_keeps_what_was_typed(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    data = _form(SiteFactory())
    del data["consent_to_register"]
    response = client.post(reverse("familyhubs:family-register"), data)
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Without their agreement they cannot be registered" in body
    assert 'value="Amira"' in body and 'value="12 Marsh Road"' in body
    assert not Registration.objects.exists()


def test_add_another_child_keeps_what_was_typed_without_errors(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    response = client.post(
        reverse("familyhubs:family-register"),
        {"adults": "1", "children": "1", "action": "add-child", "child-0-given_name": "Amira"},
    )
    body = response.content.decode()
    assert "There is a problem" not in body
    assert 'name="child-1-given_name"' in body and 'value="Amira"' in body


def test_a_walk_in_registered_from_the_register_returns_to_it_ticked(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    session = session_today()
    url = reverse("familyhubs:family-register") + f"?session={session.pk}"
    response = client.post(url, _form(session.site))
    registration = Registration.objects.get()
    register_url = reverse("familyhubs:register", kwargs={"pk": session.pk})
    assert response["Location"] == f"{register_url}?family={registration.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f"Family {registration.reference} is registered" in page
    child = registration.people.get(role="child").person
    assert re.search(rf'value="{child.pk}" checked', page)


def test_the_family_page_shows_the_family_and_audits_a_view_of_each_member(client, sign_in):
    worker = sign_in(Role.FAMILY_HUB)
    registration = registered_family()
    child = registration.people.get(role="child").person
    carer = registration.people.get(role="carer").person
    AllocationFactory(person=carer, worker=worker)

    page = client.get(reverse("familyhubs:family", kwargs={"pk": registration.pk}))

    body = page.content.decode()
    assert escape(child.full_name) in body and "07700 900123" in body
    # The record opens only for those the worker may open (the carer, allocated to them).
    assert reverse("people:person", kwargs={"person_id": carer.pk}) in body
    assert reverse("people:person", kwargs={"person_id": child.pk}) not in body
    viewed = set(
        AuditEvent.objects.filter(action="view", detail__page="family hub family").values_list(
            "person_id", flat=True
        )
    )
    assert viewed == {child.pk, carer.pk}


def test_a_stale_edit_of_contact_details_is_refused_keeping_what_was_typed(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    registration = registered_family()
    Registration.objects.filter(pk=registration.pk).update(version=2)
    response = client.post(
        reverse("familyhubs:family-edit", kwargs={"pk": registration.pk}),
        {"phone": "07700 900999", "contact_by": "phone", "version": "1"},
    )
    body = response.content.decode()
    assert "Someone else changed this" in body and 'value="07700 900999"' in body


def test_finding_a_family_by_reference_or_name(client, sign_in):
    sign_in(Role.TEAM_MANAGER)
    registration = registered_family()
    child = registration.people.get(role="child").person
    url = reverse("familyhubs:family-find")
    by_reference = client.post(url, {"reference": registration.reference.lower()})
    assert registration.reference in by_reference.content.decode()
    by_name = client.post(url, {"given_name": child.given_name, "family_name": child.family_name})
    assert escape(child.full_name) in by_name.content.decode()
    nothing = client.post(url, {})
    assert "Enter the family reference, or a name" in nothing.content.decode()


def test_the_register_lists_the_booked_first_and_saving_twice_marks_once(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    session = session_today()
    booked_family = registered_family()
    booked = booked_family.people.get(role="child").person
    Booking.objects.create(
        session=session, person=booked, registration=booked_family, booked_at=timezone.now()
    )
    url = reverse("familyhubs:register", kwargs={"pk": session.pk})

    page = client.get(url).content.decode()
    assert escape(booked.full_name) in page and "booked" in page

    form = {"action": "save", "shown": [str(booked.pk)], "present": [str(booked.pk)]}
    assert client.post(url, form).status_code == 302
    assert client.post(url, form).status_code == 302
    assert Attendance.objects.filter(session=session, person=booked).count() == 1


def test_searching_the_register_keeps_ticks_and_finds_by_name(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    session = session_today()
    booked_family = registered_family()
    booked = booked_family.people.get(role="child").person
    Booking.objects.create(
        session=session, person=booked, registration=booked_family, booked_at=timezone.now()
    )
    other = registered_family(given_name="Bartholomew").people.get(role="child").person
    url = reverse("familyhubs:register", kwargs={"pk": session.pk})

    page = client.post(
        url,
        {
            "action": "search",
            "search": "bartho",
            "shown": [str(booked.pk)],
            "present": [str(booked.pk)],
        },
    ).content.decode()

    assert re.search(rf'value="{booked.pk}" checked', page)
    assert escape(other.full_name) in page
    assert "bartho" not in url
    assert not Attendance.objects.exists()


def test_unticking_on_the_register_takes_the_mark_off(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    session = session_today()
    child = registered_family().people.get(role="child").person
    url = reverse("familyhubs:register", kwargs={"pk": session.pk})
    client.post(url, {"action": "save", "shown": [str(child.pk)], "present": [str(child.pk)]})
    client.post(url, {"action": "save", "shown": [str(child.pk)], "was_marked": [str(child.pk)]})
    assert not Attendance.objects.exists()


def test_a_register_not_yet_open_says_so(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    session = session_today()
    session.starts_at += timezone.timedelta(days=2)
    session.ends_at += timezone.timedelta(days=2)
    session.save()
    child = registered_family().people.get(role="child").person
    url = reverse("familyhubs:register", kwargs={"pk": session.pk})
    response = client.post(
        url, {"action": "save", "shown": [str(child.pk)], "present": [str(child.pk)]}
    )
    assert "This session has not happened yet" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_new_baby_is_added_to_the_family_from_its_page(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    registration = registered_family()
    url = reverse("familyhubs:family-member-add", kwargs={"pk": registration.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "form_token": "tok-baby",
            "person-0-role": "child",
            "person-0-given_name": "Noor",
            "person-0-family_name": "Khan",
            "person-0-date_of_birth": timezone.localdate().strftime("%d/%m/%Y"),
        },
    )
    assert response.status_code == 302
    assert registration.people.filter(person__given_name="Noor").exists()


def test_a_child_needs_a_date_of_birth_or_an_expected_one(client, sign_in):
    sign_in(Role.FAMILY_HUB)
    response = client.post(
        reverse("familyhubs:family-register"),
        _form(SiteFactory(), **{"child-0-date_of_birth": ""}),
    )
    assert "Enter their date of birth, or the expected date of birth" in (response.content.decode())
