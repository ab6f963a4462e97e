"""The synthetic town's contact details and safety markers (synthetic.safety): fictional numbers
and addresses for adults only, alleged harm where assessments found domestic abuse, refuges and
foster homes withheld."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from onestory.people.models import Address, Person, Relationship
from onestory.socialcare.models import Assessment
from onestory.synthetic.drafts import REFERENCE_DATE
from onestory.synthetic.safety import DOMESTIC_ABUSE_FACTORS

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def town(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("synth", scale=0.05, seed=11, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def test_only_adults_have_contact_details_and_none_can_reach_a_real_person():
    reachable = Person.objects.exclude(mobile="", email="")
    assert reachable.count() > 0.5 * Person.objects.filter(date_of_birth__year__lt=1990).count()
    for born, mobile, email in reachable.values_list("date_of_birth", "mobile", "email"):
        assert (REFERENCE_DATE - born).days >= 18 * 365
        assert not mobile or mobile.startswith("07700 900")
        assert not email or email.endswith("@example.org")


def test_alleged_harm_is_recorded_between_the_parents_of_children_assessed_with_domestic_abuse():
    children = {
        person
        for person, factors in Assessment.objects.values_list("person_id", "factors")
        if DOMESTIC_ABUSE_FACTORS.intersection(factors)
    }
    harmed = Relationship.objects.filter(alleged_harm=True)
    assert harmed.exists()
    parents = set(
        Relationship.objects.filter(kind="parent", to_person__in=children).values_list(
            "from_person_id", flat=True
        )
    )
    for relationship in harmed:
        assert relationship.kind == "partner"
        assert {relationship.from_person_id, relationship.to_person_id} <= parents


def test_refuges_and_foster_homes_are_withheld_current_addresses():
    fostered = Relationship.objects.filter(kind="foster_carer")
    assert fostered.exists()
    carers = set(fostered.values_list("from_person_id", flat=True))
    assert carers <= set(
        Address.objects.filter(withheld="foster_carer", valid_to__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    victims = set(
        Relationship.objects.filter(alleged_harm=True).values_list("to_person", flat=True)
    )
    for person_id in Address.objects.filter(withheld="refuge").values_list("person_id", flat=True):
        mother_or_child = (
            person_id in victims
            or Relationship.objects.filter(
                kind="parent", from_person_id__in=victims, to_person_id=person_id
            ).exists()
        )
        assert mother_or_child
    assert not Address.objects.filter(withheld="refuge", valid_to__isnull=False).exists()
