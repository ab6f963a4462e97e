"""The day the council's records are complete from: a year that begins before it is marked, not
drawn, and counted no differently; analysts set it (managers read it), a stale save is refused
with the typed day kept, and the synthetic authority says where its own history begins."""

import html
import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from onestory.access.models import AuditEvent
from onestory.insight import actions_data
from onestory.insight.measures import compute
from onestory.insight.models import PopulationEstimate, RecordsCoverage
from onestory.insight.presentation import result_shown, trend_point
from onestory.insight.rules import Period
from onestory.socialcare.tests.factories import referred_child
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db

NOW = timezone.now()
URL = reverse("insight:data")


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def children_referred_in_2019():
    """Children referred on 1 March and 1 June 2019: the record begins before April 2019."""
    worker = worker_with_role(Role.SOCIAL_WORKER)
    for day in (date(2019, 3, 1), date(2019, 6, 1)):
        referred_child(worker, now=NOW, referral_date=day)


def _referrals(year_ending: int):
    (result,) = compute(Period.year_ending(date(year_ending, 3, 31)), ["referrals"])
    return result


def test_a_year_before_the_records_are_complete_is_marked_and_left_off_the_trend(
    children_referred_in_2019,
):
    before = _referrals(2020)
    assert (before.value, before.partial_from) == (1, None)

    RecordsCoverage.objects.create(complete_from=date(2021, 4, 1))

    marked = _referrals(2020)
    assert marked.value == 1, "the figure is counted as before, only marked"
    assert marked.partial_from == date(2021, 4, 1)
    assert result_shown(marked) == "1 (records complete only from 1 April 2021)"
    assert trend_point(marked) is None
    whole = _referrals(2022)
    assert (whole.value, whole.partial_from) == (0, None)


def test_an_analyst_says_from_when_the_records_are_complete(client, sign_in):
    analyst = sign_in(Role.ANALYST)
    page = client.get(URL)
    assert "No day has been set" in _text(page)

    response = client.post(
        URL,
        {"complete_from": "01/04/2021", "note": "Brought across from our old system", "version": 0},
        follow=True,
    )

    text = _text(response)
    assert "records are complete from 1 April 2021" in text
    assert "Brought across from our old system" in text
    coverage = RecordsCoverage.objects.get()
    assert (coverage.complete_from, coverage.set_by) == (date(2021, 4, 1), analyst)
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE)
    assert event.detail["complete_from"] == [None, "2021-04-01"]


def test_a_team_manager_reads_the_day_but_cannot_change_it(client, sign_in):
    RecordsCoverage.objects.create(complete_from=date(2021, 4, 1))
    sign_in(Role.TEAM_MANAGER)

    page = client.get(URL)
    assert "Performance analysts set this day" in _text(page)
    assert 'name="complete_from"' not in page.content.decode()

    refused = client.post(URL, {"complete_from": "01/04/2019", "version": 1})
    assert actions_data.NOT_AN_ANALYST in _text(refused)
    assert RecordsCoverage.objects.get().complete_from == date(2021, 4, 1)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", actions_data.NO_DAY),
        ("31/02/2021", "Enter the day as a real date, like 01/04/2021."),
        ("01/04/1999", actions_data.TOO_EARLY),
        ("01/04/2999", actions_data.IN_FUTURE),
    ],
)
def test_a_wrong_day_is_refused_with_what_to_type(client, sign_in, typed, message):
    sign_in(Role.ANALYST)
    response = client.post(URL, {"complete_from": typed, "note": "kept", "version": 0})
    text = _text(response)
    assert message in text
    assert re.search(r">\s*kept</textarea>", response.content.decode())
    assert not RecordsCoverage.objects.exists()


def test_a_stale_save_is_refused_and_keeps_what_was_typed(client, sign_in):
    RecordsCoverage.objects.create(complete_from=date(2021, 4, 1), version=2)
    sign_in(Role.ANALYST)

    response = client.post(URL, {"complete_from": "01/04/2018", "note": "mine", "version": 1})

    assert "Someone else changed this setting" in _text(response)
    assert 'value="01/04/2018"' in response.content.decode()
    assert RecordsCoverage.objects.get().complete_from == date(2021, 4, 1)
    saved = client.post(URL, {"complete_from": "01/04/2018", "note": "mine", "version": 2})
    assert saved.status_code == 302
    assert RecordsCoverage.objects.get().complete_from == date(2018, 4, 1)


def test_the_page_says_where_each_source_begins(client, sign_in, children_referred_in_2019):
    RecordsCoverage.objects.create(complete_from=date(2021, 4, 1))
    sign_in(Role.ANALYST)

    text = _text(client.get(URL))

    assert "Referrals to children's social care 1 March 2019 1 April 2021" in text
    assert "Periods of care No records No records" in text


def test_the_page_lists_each_year_s_estimates_with_their_single_years_of_age(client, sign_in):
    source = "ONS mid-year estimates (test)"
    PopulationEstimate.objects.create(year=2023, children=5000, source=source)
    for age in range(18):
        PopulationEstimate.objects.create(year=2023, age=age, children=250, source=source)
    PopulationEstimate.objects.create(year=2022, children=4900, source=source)
    sign_in(Role.ANALYST)

    text = _text(client.get(URL))

    # One area (the authority) each year; 2023 also by age, 2022 not.
    assert f"2023 1 18 {source}" in text
    assert f"2022 1 None {source}" in text
