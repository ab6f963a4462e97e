import datetime

import factory
from django.utils import timezone

from onestory.access.models import AccessGrant, Allocation, Consent, RecordRestriction
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.tests.factories import WorkerFactory

LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    person = factory.SubFactory(PersonFactory)
    worker = factory.SubFactory(WorkerFactory)
    starts_at = LONG_AGO


class AccessGrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessGrant

    person = factory.SubFactory(PersonFactory)
    worker = factory.SubFactory(WorkerFactory)
    kind = AccessGrant.Kind.GRANT
    reason = "Covering for a colleague on leave"
    starts_at = LONG_AGO
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent
        skip_postgeneration_save = True

    person = factory.SubFactory(PersonFactory)
    status = Consent.Status.GIVEN
    given_by = "Mother"
    purposes = ["early help"]
    valid_from = LONG_AGO
    recorded_by = factory.SubFactory(WorkerFactory)

    @factory.post_generation
    def agencies(self, create, extracted, **kwargs):
        if create and extracted:
            self.agencies.set(extracted)


class RecordRestrictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecordRestriction

    person = factory.SubFactory(PersonFactory)
    reason = "Family member of a member of staff"
    restricted_by = factory.SubFactory(WorkerFactory)
