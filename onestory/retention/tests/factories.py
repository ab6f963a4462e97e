"""Records past their disposal date, for the retention tests."""

from datetime import UTC, datetime

from onestory.earlyhelp.models import Episode
from onestory.earlyhelp.tests.factories import open_episode
from onestory.frontdoor.models import Contact
from onestory.frontdoor.tests.factories import submit
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

LONG_AGO = datetime(2015, 3, 2, 10, 0, tzinfo=UTC)  # closed more than six years ago


def old_closed_episode(*, closed_at=LONG_AGO) -> Episode:
    """An early help episode opened and closed long ago (closure plus 6 years has passed)."""
    worker = worker_with_role(Role.EARLY_HELP)
    episode = open_episode(worker, now=closed_at.replace(year=closed_at.year - 1))
    Episode.objects.filter(pk=episode.pk).update(status="closed", closed_at=closed_at)
    episode.refresh_from_db()
    return episode


def old_contact_that_went_no_further(*, closed_at=LONG_AGO) -> Contact:
    """A contact closed long ago with nothing after it, its child matched to a record."""
    contact = submit(worker_with_role(Role.PARTNER), now=closed_at.replace(year=closed_at.year - 1))
    child = PersonFactory()
    contact.people.filter(role="child").update(person=child)
    Contact.objects.filter(pk=contact.pk).update(status="closed", closed_at=closed_at)
    contact.refresh_from_db()
    return contact
