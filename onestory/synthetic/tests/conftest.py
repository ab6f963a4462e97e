"""A tiny synthetic town, generated once per test module and rolled back afterwards."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from onestory.synthetic.drafts import REFERENCE_DATE

TINY = 0.01
SEED = 7


def after_reference_date() -> datetime:
    """Now, but never before the generator's reference date (its allocations start before it)."""
    reference = datetime.combine(
        REFERENCE_DATE + timedelta(days=1), datetime.min.time(), tzinfo=UTC
    )
    return max(timezone.now(), reference)


@pytest.fixture(scope="module")
def tiny_town(django_db_setup, django_db_blocker):
    """`onestory synth --scale 0.01 --seed 7`, shared by the tests of one module."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("synth", scale=TINY, seed=SEED, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo_town(django_db_setup, django_db_blocker):
    """The tiny town with the demo sign-ins made (`onestory demo_users`)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("synth", scale=TINY, seed=SEED, stdout=io.StringIO())
        out = io.StringIO()
        call_command("demo_users", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
