"""Test data for letters: a child on a child protection plan whose record holds every kind of
restricted source, each carrying a distinct marker string, and the people letters go to."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from onestory.frontdoor.models import Contact, InformationRequest
from onestory.people.models import Person
from onestory.people.tests.factories import AddressFactory, PersonFactory, RelationshipFactory
from onestory.socialcare.tests.factories import referred_child
from onestory.socialcare.tests.factories_protection import assessment, cp_plan
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

# One marker per restricted source: each must reach only those the rules allow.
REFUGE = "Refugemarker House"
FOSTER = "Fostermarker Cottage"
ADOPTERS_NAME = "Adoptermarker"
ADOPTERS_ADDRESS = "Adoptersmarker Lodge"
REFERRER_NAME = "Referrermarker"
REFERRER_AGENCY = "Referreragencymarker Academy"
POLICE = "Policemarker"
# An ordinary (not withheld) address of a parent the other parent is alleged to have harmed.
HARMED_PARENTS_HOME = "Harmedmarker Road"


@dataclass
class Family:
    worker: object
    child: Person
    mother: Person
    father: Person
    grandmother: Person
    contact: Contact
    conference: object
    plan: object
    assessment: object


def marked_family(*, now, worker=None, mother_in_refuge: bool = True) -> Family:
    """A child on a plan, living with foster carers; the mother (in a refuge, unless told
    otherwise) alleged to have been harmed by the father; a grandmother caring too; adopters
    named for the future; a referrer and a police reply on the contact."""
    worker = worker or worker_with_role(Role.SOCIAL_WORKER, first_name="Sam", last_name="Okoro")
    child, referral = referred_child(
        worker, now=now, given_name="Amara", family_name="Okafor", date_of_birth=date(2016, 5, 4)
    )
    AddressFactory(person=child, line_1="1 Plain Street")
    mother = PersonFactory(given_name="Grace", family_name="Okafor")
    if mother_in_refuge:
        AddressFactory(person=mother, line_1=REFUGE, withheld="refuge")
    else:
        AddressFactory(person=mother, line_1=HARMED_PARENTS_HOME)
    father = PersonFactory(given_name="Daniel", family_name="Okafor")
    AddressFactory(person=father, line_1="9 Father Lane")
    grandmother = PersonFactory(given_name="Ruth", family_name="Okafor")
    AddressFactory(person=grandmother, line_1="3 Granny Close")
    carer = PersonFactory(given_name="Fay", family_name="Carer")
    AddressFactory(person=carer, line_1=FOSTER, withheld="foster_carer")
    adopter = PersonFactory(given_name="Alex", family_name=ADOPTERS_NAME)
    AddressFactory(person=adopter, line_1=ADOPTERS_ADDRESS, withheld="adopters")
    for parent in (mother, father):
        RelationshipFactory(from_person=parent, to_person=child, kind="parent")
    RelationshipFactory(from_person=grandmother, to_person=child, kind="carer")
    RelationshipFactory(from_person=carer, to_person=child, kind="foster_carer")
    RelationshipFactory(from_person=adopter, to_person=child, kind="adoptive_parent")
    RelationshipFactory(from_person=father, to_person=mother, kind="partner", alleged_harm=True)

    contact = referral.contact
    Contact.objects.filter(pk=contact.pk).update(
        referrer_name=f"Pat {REFERRER_NAME}", referrer_agency_name=REFERRER_AGENCY
    )
    contact.refresh_from_db()
    contact.people.filter(role="child").update(person=child)
    InformationRequest.objects.create(
        contact=contact,
        agency_kind=InformationRequest.AgencyKind.POLICE,
        asked_of="Bedfordshire Police",
        question="Any domestic abuse call-outs?",
        requested_at=now,
        requested_by=worker,
        due_at=now + timedelta(days=1),
        reply=f"{POLICE}: two call-outs to the family home.",
        replied_at=now,
    )
    plan = cp_plan(child, referral, worker, starts_on=timezone.localdate(now))
    conference = plan.conferences.get()
    conference.chair = "Jo Chair"
    conference.save(update_fields=["chair"])
    report = assessment(
        child, referral, worker, analysis="Home conditions have improved.",
        family_views="The family want help with routines.",
    )  # fmt: skip
    return Family(worker, child, mother, father, grandmother, contact, conference, plan, report)
