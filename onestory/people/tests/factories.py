import datetime

import factory

from onestory.people.models import (
    Address,
    ChronologyEntry,
    Household,
    HouseholdMember,
    Person,
    PersonName,
    Relationship,
)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    # Children on any day the suite runs before 2028 (the oldest turn 18 then); tests that
    # need an adult or a given age say so.
    date_of_birth = factory.Faker(
        "date_between", start_date=datetime.date(2010, 1, 1), end_date=datetime.date(2024, 1, 1)
    )
    sex = factory.Iterator(["F", "M"])
    ethnicity = "WBRI"

    @factory.post_generation
    def legal_name(self, create, extracted, **kwargs):
        if create:
            PersonName.objects.create(
                person=self, kind="legal", given_name=self.given_name, family_name=self.family_name
            )


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    person = factory.SubFactory(PersonFactory)
    line_1 = factory.Faker("street_address", locale="en_GB")
    town = "Luton"
    postcode = "LU1 1AA"
    valid_from = datetime.date(2020, 1, 1)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    name = factory.Sequence(lambda n: f"Household {n}")


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    household = factory.SubFactory(HouseholdFactory)
    person = factory.SubFactory(PersonFactory)


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    from_person = factory.SubFactory(PersonFactory, date_of_birth=datetime.date(1985, 5, 5))
    to_person = factory.SubFactory(PersonFactory)
    kind = "parent"
    has_parental_responsibility = True


class ChronologyEntryFactory(factory.django.DjangoModelFactory):
    """An event in a person's chronology: a day apart from the one made before it."""

    class Meta:
        model = ChronologyEntry

    person = factory.SubFactory(PersonFactory)
    occurred_at = factory.Sequence(
        lambda n: (
            datetime.datetime(2024, 1, 1, 10, tzinfo=datetime.UTC) + datetime.timedelta(days=n)
        )
    )
    category = "record"
    summary = factory.Sequence(lambda n: f"Home visit {n + 1}")
