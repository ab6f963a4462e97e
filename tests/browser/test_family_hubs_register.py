"""Family hubs in Chromium: a family walks in to a stay and play session; the family hub
practitioner registers them at the door from the register, is told the child may already be
known (shown only what the family said and whether the postcode matches), confirms it is the
same child so no duplicate is made, marks the child as here and saves the register twice (one
attendance). The child's early help worker then opens the child's record and sees the session in
the chronology."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from onestory.access.tests.factories import AllocationFactory
from onestory.familyhubs.models import Attendance, Registration
from onestory.familyhubs.tests.factories import ActivityFactory, SessionFactory, SiteFactory
from onestory.people.models import Person
from onestory.people.tests.factories import AddressFactory, PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import sign_in, sign_out, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_family_registered_at_the_door_is_matched_and_their_attendance_reaches_the_record(
    page, site
):
    early_help = worker_with_role(Role.EARLY_HELP, username="ehworker", first_name="Grace")
    hub = worker_with_role(Role.FAMILY_HUB, username="hubworker", first_name="Priya")
    child = PersonFactory(
        given_name="Amira", family_name="Khan", date_of_birth=date(2022, 3, 14), sex="F"
    )
    AddressFactory(person=child, line_1="12 Marsh Road", postcode="LU2 7AB")
    AllocationFactory(
        person=child, worker=early_help, starts_at=timezone.now() - timedelta(days=60)
    )
    starts = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=30)
    session = SessionFactory(
        activity=ActivityFactory(name="Stay and play"),
        site=SiteFactory(name="Marsh Farm Family Hub"),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    people_before = Person.objects.count()

    # The practitioner opens the session's register on the tablet: nobody is booked.
    sign_in(page, site, hub.username)
    page.goto(f"{site}/family-hubs/sessions/{session.pk}/register/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register: Stay and play")
    visit(page, "family hubs register empty")

    # A mother and daughter walk in: registered at the door on one page.
    page.get_by_role("link", name="Walk-in: register a new family").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Register a family")
    visit(page, "family hubs register a family")
    carer = page.get_by_role("group", name="Parent or carer", exact=True)
    carer.get_by_label("First name").fill("Sana")
    carer.get_by_label("Last name").fill("Khan")
    carer.get_by_label("Date of birth", exact=True).fill("02/08/1994")
    daughter = page.get_by_role("group", name="Child", exact=True)
    daughter.get_by_label("First name").fill("Amira")
    daughter.get_by_label("Last name").fill("Khan")
    daughter.get_by_label("Date of birth", exact=True).fill("14/03/2022")
    page.get_by_label("Address line 1").fill("12 Marsh Road")
    page.get_by_label("Postcode").fill("LU2 7AB")
    page.get_by_label("Phone number").fill("07700 900456")
    page.get_by_label("Text message").check()
    page.get_by_label("The family agree to the family hubs keeping their details").check()
    page.get_by_role("button", name="Register the family").click()

    # Amira may be known: only what the family said is shown, and that the postcode matches.
    main = page.locator("main")
    expect(main).to_contain_text("We may already know Amira Khan")
    expect(main).to_contain_text("the same name, the same date of birth (14 March 2022)")
    expect(main).to_contain_text("The postcode they gave matches the record.")
    expect(main).not_to_contain_text("Grace")  # nothing of who works with her
    visit(page, "family hubs possible match")
    page.get_by_label("Yes, the same person (record 1)").check()
    page.get_by_role("button", name="Register the family").click()

    # Back on the register, the family is ticked; saving marks them here.
    expect(page.get_by_role("heading", level=1)).to_have_text("Register: Stay and play")
    registration = Registration.objects.get()
    expect(main).to_contain_text(f"Family {registration.reference} is registered")
    expect(page.get_by_label("Amira Khan")).to_be_checked()
    visit(page, "family hubs register with walk-in")
    page.get_by_label("Sana Khan").uncheck()  # mum is here too, but only Amira is marked now
    page.get_by_role("button", name="Save the register").click()
    expect(main).to_contain_text("The register is saved: 1 marked as here.")
    expect(page.get_by_label("Amira Khan")).to_be_checked()
    # Saved again (a second tap, or another tablet): still one attendance.
    page.get_by_role("button", name="Save the register").click()
    expect(main).to_contain_text("The register is saved: 1 marked as here.")
    visit(page, "family hubs register saved")
    assert Attendance.objects.filter(session=session, person=child).count() == 1
    assert Attendance.objects.count() == 1
    assert Person.objects.count() == people_before + 1  # Sana only: Amira was not copied
    assert "Amira" not in page.url and "Khan" not in page.url

    # The family's hub page shows the session attended.
    page.goto(f"{site}/family-hubs/families/{registration.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(registration.reference)
    expect(main).to_contain_text("Stay and play at Marsh Farm Family Hub")
    visit(page, "family hubs family page")
    sign_out(page)

    # Amira's early help worker sees the session in her chronology.
    sign_in(page, site, early_help.username)
    page.goto(f"{site}/people/{child.pk}/")
    expect(main).to_contain_text("Attended Stay and play at Marsh Farm Family Hub")
    visit(page, "child record with family hub attendance")
    page.get_by_role("link", name="See the full chronology").click()
    expect(main).to_contain_text("Attended Stay and play at Marsh Farm Family Hub")
    # The chronology can be narrowed to family hub entries.
    expect(page.get_by_label(re.compile("Kind of entry"))).to_contain_text("Family hub")
    visit(page, "child chronology with family hub attendance")
