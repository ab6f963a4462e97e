"""Factories for family hubs' records: a hub, an activity, a session, a registered family and a
directory service."""

import datetime
from datetime import timedelta

import factory
from django.utils import timezone

from onestory.familyhubs.models import (
    Activity,
    RegisteredPerson,
    Registration,
    Service,
    Session,
    Site,
)
from onestory.people.tests.factories import HouseholdFactory, HouseholdMemberFactory, PersonFactory


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Riverside Family Hub {n}")
    kind = Site.Kind.HUB
    line_1 = factory.Sequence(lambda n: f"{n} Hub Road")
    town = "Luton"
    postcode = "LU1 1AA"
    opening_times = [{"day": d, "opens": "09:00", "closes": "17:00"} for d in range(5)]


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    name = factory.Sequence(lambda n: f"Stay and play {n}")
    kind = Activity.Kind.STAY_AND_PLAY
    youngest_months = 0
    oldest_months = 59


class SessionFactory(factory.django.DjangoModelFactory):
    """A session of two hours starting tomorrow at 10:00 UTC with 12 places."""

    class Meta:
        model = Session

    activity = factory.SubFactory(ActivityFactory)
    site = factory.SubFactory(SiteFactory)
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + timedelta(days=1)).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=2))
    capacity = 12


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registered family: a household with one carer and one child (see registered_family)."""

    class Meta:
        model = Registration

    reference = factory.Sequence(lambda n: f"FH{n:06d}")
    household = factory.SubFactory(HouseholdFactory)
    site = factory.SubFactory(SiteFactory)
    registered_at = factory.LazyFunction(timezone.now)
    contact_by = Registration.ContactBy.TEXT
    phone = "07700 900123"
    consent_to_register = True


def registered_family(*, children: int = 1, site=None, **child_fields) -> Registration:
    """A registration with one carer and `children` children under five, all household members."""
    registration = RegistrationFactory(**({"site": site} if site else {}))
    carer = PersonFactory(date_of_birth=datetime.date(1992, 5, 1))
    HouseholdMemberFactory(household=registration.household, person=carer)
    RegisteredPerson.objects.create(
        registration=registration, person=carer, role=RegisteredPerson.Role.CARER
    )
    for _ in range(children):
        child = PersonFactory(
            **{"date_of_birth": datetime.date(2023, 2, 1), "family_name": carer.family_name}
            | child_fields
        )
        HouseholdMemberFactory(household=registration.household, person=child)
        RegisteredPerson.objects.create(
            registration=registration, person=child, role=RegisteredPerson.Role.CHILD
        )
    return registration


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Parenting support service {n}")
    organisation = "Luton Parenting Partnership"
    description = "Courses and one-to-one support for parents."
    categories = ["Parenting"]
    last_checked_on = factory.LazyFunction(lambda: timezone.localdate())
