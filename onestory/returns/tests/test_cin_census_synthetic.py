"""The children in need census on the tiny synthetic town (scale 0.01): every child with an
episode open in the year is in the return exactly once."""

import io
import xml.etree.ElementTree as ET
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q

from onestory.frontdoor.models import Referral
from onestory.returns.identifiers import child_id

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def tiny_town(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("synth", scale=0.01, seed=7, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("tiny_town")
@pytest.mark.parametrize("year", [2026, 2027])
def test_every_child_with_an_episode_open_in_the_year_is_reported_once(tmp_path, year):
    start, end = f"{year - 1}-04-01", f"{year}-03-31"
    open_in_year = Referral.objects.filter(referral_date__lte=end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start)
    )
    expected = Counter(child_id(p) for p in open_in_year.values_list("person_id", flat=True))
    assert expected, "the tiny town has children in need in the year"
    out = tmp_path / "cin.xml"

    call_command("export_return", "cin", year=year, out=str(out), stdout=io.StringIO())

    root = ET.parse(out).getroot()  # noqa: S314 (the file we just wrote)
    reported = Counter(c.findtext("ChildIdentifiers/LAchildID") for c in root.iter("Child"))
    assert set(reported) == set(expected)
    assert set(reported.values()) == {1}
    for child in root.iter("Child"):
        episodes = len(child.findall("CINdetails"))
        assert episodes == expected[child.findtext("ChildIdentifiers/LAchildID")]
