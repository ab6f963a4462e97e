"""The SSDA903 export of a tiny synthetic town: episodes hang together for every child."""

import io
from datetime import datetime
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.db import transaction

from onestory.returns import ssda903

pytestmark = pytest.mark.django_db
YEAR = 2026


@pytest.fixture(scope="module")
def tiny_town(django_db_setup, django_db_blocker):
    """`onestory synth --scale 0.01 --seed 7`, rolled back after this module."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("synth", scale=0.01, seed=7, stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("tiny_town")
def test_a_synthetic_towns_episodes_never_overlap_and_every_child_is_in_the_header():
    result = ssda903.build(YEAR)

    episodes = result.tables["Episodes"]
    assert episodes, "the tiny town has children in care in 2025/26"
    header = {row["CHILD"] for row in result.tables["Header"]}
    assert {row["CHILD"] for row in episodes} <= header

    def day(text):
        return datetime.strptime(text, "%d/%m/%Y").date()

    by_child = {}
    for row in episodes:
        by_child.setdefault(row["CHILD"], []).append(row)
    for rows in by_child.values():
        for before, after in pairwise(rows):
            assert before["DEC"], "only a child's last episode may be open"
            assert day(before["DECOM"]) <= day(before["DEC"]) <= day(after["DECOM"])
            if before["REC"] == "X1":
                assert before["DEC"] == after["DECOM"]
    for row in result.tables["SWEpisodes"]:
        assert row["CHILD"] in header
