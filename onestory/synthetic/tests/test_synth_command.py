"""`onestory synth`: the same seed gives the same town; it never silently overwrites data."""

import io

import pytest
from django.core.management import CommandError, call_command

from onestory.people.models import ChronologyEntry, Person
from onestory.synthetic.models import SyntheticRun

pytestmark = pytest.mark.django_db


def _synth(**options) -> str:
    out = io.StringIO()
    call_command("synth", stdout=out, **options)
    return out.getvalue()


def _first_people(n: int = 50) -> list[tuple]:
    return list(
        Person.objects.order_by("id").values_list(
            "id", "given_name", "family_name", "date_of_birth", "nhs_number", "upn"
        )[:n]
    )


def test_same_seed_gives_the_same_people_ids_and_counts():
    _synth(scale=0.005, seed=11)
    first, counts = _first_people(), SyntheticRun.objects.latest("id").counts
    _synth(scale=0.005, seed=11, replace=True)
    assert _first_people() == first
    assert SyntheticRun.objects.latest("id").counts == counts


def _chronology() -> list[tuple]:
    return list(
        ChronologyEntry.objects.order_by("id").values_list(
            "id", "person_id", "occurred_at", "category", "summary", "source_type", "source_id"
        )
    )


def test_same_seed_gives_the_same_chronology_and_replace_deletes_the_old_one():
    _synth(scale=0.005, seed=11)
    first = _chronology()
    assert first
    _synth(scale=0.005, seed=11, replace=True)
    assert _chronology() == first
    _synth(scale=0.005, seed=12, replace=True)
    again = _chronology()
    assert len(again) == SyntheticRun.objects.latest("id").counts["chronology_entries"]
    assert {row[0] for row in again}.isdisjoint(row[0] for row in first)


def test_a_different_seed_gives_different_people():
    _synth(scale=0.005, seed=11)
    first = _first_people()
    _synth(scale=0.005, seed=12, replace=True)
    assert set(first).isdisjoint(_first_people())


def test_counts_grow_with_the_scale():
    _synth(scale=0.005, seed=3)
    small = SyntheticRun.objects.latest("id").counts
    _synth(scale=0.02, seed=3, replace=True)
    large = SyntheticRun.objects.latest("id").counts
    assert 3.5 < large["children"] / small["children"] < 4.5
    assert 3 < large["people"] / small["people"] < 5
    assert large["allocations"] > 3 * small["allocations"]


def test_refuses_to_run_on_a_database_with_people_unless_told_to_replace():
    _synth(scale=0.005, seed=3)
    people = Person.objects.count()
    with pytest.raises(CommandError, match="--replace"):
        _synth(scale=0.005, seed=4)
    assert Person.objects.count() == people


def test_if_empty_leaves_existing_data_alone_and_says_so():
    _synth(scale=0.005, seed=3)
    first = _first_people()
    output = _synth(scale=0.005, seed=4, if_empty=True)
    assert "nothing generated" in output
    assert _first_people() == first and SyntheticRun.objects.count() == 1


def test_prints_the_counts_and_the_time():
    output = _synth(scale=0.005, seed=3)
    assert "children" in output and "planted duplicates" in output
    assert "Generated" in output and " s." in output


def test_rejects_a_scale_that_is_not_positive():
    with pytest.raises(CommandError, match="scale"):
        _synth(scale=0, seed=1)


def test_replace_also_clears_history_and_messages_about_the_old_people():
    from onestory.access.models import Notification
    from onestory.workforce.models import Worker

    _synth(scale=0.005, seed=3)
    person = Person.objects.order_by("id").first()
    person.given_name = "Edited"
    person.save()  # leaves a history row that points at the person
    Notification.objects.create(
        recipient=Worker.objects.first(), message="A record was opened", person=person
    )
    _synth(scale=0.005, seed=3, replace=True)
    assert not Notification.objects.filter(person__isnull=False).exists()
    assert not Person.history.filter(given_name="Edited").exists()
    assert Person.objects.count() == SyntheticRun.objects.latest("id").counts["people"]


def test_load_reference_loads_wards_and_postcodes_and_can_run_again():
    from onestory.people.models import Postcode, Ward

    out = io.StringIO()
    call_command("load_reference", stdout=out)
    call_command("load_reference", stdout=out)
    assert Ward.objects.count() == 19 and Postcode.objects.count() > 5000
    assert "0 added" in out.getvalue().splitlines()[-1]
