"""The board report's Family hubs section: the children and families reached with their
definitions, a chart by site and one by ward (never one mixing them), and no child named."""

from datetime import date

import pytest

from onestory.familyhubs.tests.factories import SiteFactory, registered_family
from onestory.insight import board_report
from onestory.insight.rules import Period
from onestory.people.models import Ward
from onestory.people.tests.factories import AddressFactory

from .test_reach_measures import came, child_of, session

pytestmark = pytest.mark.django_db

YEAR = Period(date(2023, 4, 1), date(2024, 3, 31))


@pytest.fixture
def reached():
    ward = Ward.objects.create(code="LEA", name="Leagrave", valid_from=date(2003, 5, 1))
    hub = SiteFactory(name="Northwell Family Hub")
    family = registered_family(children=2, family_name="Quenby")
    AddressFactory(person=child_of_first(family), ward=ward)
    came(session(date(2023, 6, 1), site=hub), family)
    other = registered_family()
    came(session(date(2023, 7, 1), site=hub), other, child_of(other))
    return family


def child_of_first(family):
    return family.people.filter(role="child")[0].person


def _section(content, key="family_hubs"):
    return next(s for s in content.sections if s.key == key)


def test_the_report_has_a_family_hubs_section_with_children_and_families_reached(reached):
    content = board_report.build(title="Board", period=YEAR, commentary={}, with_charts=False)

    section = _section(content)
    figures = {f.id: f.value for f in section.figures}
    assert section.title == "Family hubs"
    assert figures["family_hub_children_reached"] == "3"
    assert figures["family_hub_families_reached"] == "2"
    summary = {f.id for f in _section(content, "summary").figures}
    assert "family_hub_children_reached" in summary
    assert "Children reached by the family hubs" in dict(content.definitions)


def test_the_reach_is_drawn_by_site_and_by_ward_apart(reached):
    content = board_report.build(title="Board", period=YEAR, commentary={}, with_charts=True)

    captions = [c.table.caption for c in _section(content).charts]
    assert "Children reached by the family hubs, by site: the numbers in the chart" in captions
    assert "Children reached by the family hubs, by ward: the numbers in the chart" in captions
    by_ward = next(c.table for c in _section(content).charts if "hubs, by ward" in c.table.caption)
    assert [row[0] for row in by_ward.rows] == ["Leagrave", "No ward recorded"]
    assert "Children reached by the family hubs, by part: the numbers in the chart" not in captions
    # A breakdown of another kind is drawn as before.
    assert (
        "Children reached by the family hubs for the first time, by part: the numbers in the chart"
        in captions
    )


def test_the_family_hubs_section_names_no_child(reached):
    content = board_report.build(title="Board", period=YEAR, commentary={}, with_charts=True)

    written = repr(_section(content))
    assert "Quenby" not in written
    assert reached.reference not in written
