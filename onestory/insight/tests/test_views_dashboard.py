"""The performance dashboards: who may see them, the period form, figures shown as words when
there is no value, the children behind a figure (only those the worker may open, the others
counted), downloads of every table, and a fixed number of queries whatever the data's size."""

import csv
import html
import io
import re
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from onestory.access.models import AuditEvent
from onestory.core.clock import today_in_london
from onestory.insight import selectors, views_dashboard
from onestory.insight.management.commands import dashboard_figures as dashboard_figures_command
from onestory.insight.measures import compute
from onestory.insight.measures.sources import complete_from
from onestory.insight.models import RecordsCoverage
from onestory.insight.rules import Period
from onestory.socialcare.tests.factories import referred_child
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db

NOW = timezone.now()
END = date(2023, 3, 31)
YEAR_2023 = {"end": "2023-03-31"}
PERIOD_PAGES = ("dashboard", "wards", "disproportionality", "workforce", "strategy")
PAGES = (*PERIOD_PAGES, "data")


def _url(name, query=None, **kwargs):
    url = reverse(f"insight:{name}", kwargs=kwargs or None)
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def _headline(response, measure_id):
    for group in response.context["groups"]:
        for h in group.headlines:
            if h.result.id == measure_id:
                return h
    raise AssertionError(f"{measure_id} is not on the page")


@pytest.fixture
def manager_and_child():
    """A team manager, a social worker in their team and a child in need that worker holds
    (referred on 1 June 2022, still open)."""
    manager = worker_with_role(Role.TEAM_MANAGER)
    worker = worker_with_role(Role.SOCIAL_WORKER, team=manager.team)
    child, _ = referred_child(
        worker, now=NOW, referral_date=date(2022, 6, 1), given_name="Tamsin", family_name="Okoro"
    )
    return manager, child


def _child_elsewhere(given_name="Idris"):
    """A child in need held by another team's social worker."""
    other = worker_with_role(Role.SOCIAL_WORKER)
    child, _ = referred_child(
        other, now=NOW, referral_date=date(2022, 7, 1), given_name=given_name, family_name="Vale"
    )
    return child


# --- Who may see the pages -----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ANALYST, Role.TEAM_MANAGER])
def test_analysts_and_team_managers_see_every_performance_page(client, sign_in, role):
    sign_in(role)
    for name in PAGES:
        assert client.get(_url(name, YEAR_2023)).status_code == 200, name
    assert client.get(_url("measure", YEAR_2023, id="children_in_need")).status_code == 200
    children = _url("measure-children", YEAR_2023, id="children_in_need")
    assert client.get(children).status_code == 200


@pytest.mark.parametrize(
    "role",
    [
        Role.SOCIAL_WORKER,
        Role.FRONT_DOOR,
        Role.PARTNER,
        Role.EARLY_HELP,
        Role.ADMIN,
        Role.DATA_PROTECTION_OFFICER,
    ],
)
def test_other_roles_are_answered_as_if_the_pages_did_not_exist(client, sign_in, role):
    sign_in(role)
    for name in PAGES:
        assert client.get(_url(name)).status_code == 404, name
    assert client.get(_url("measure", id="children_in_need")).status_code == 404
    assert client.get(_url("measure-children", id="children_in_need")).status_code == 404


def test_someone_not_signed_in_is_sent_to_sign_in(client):
    for url in (_url("dashboard"), _url("measure-children", id="children_in_need")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")


def test_the_menu_links_to_the_performance_pages(client, sign_in):
    sign_in(Role.ANALYST)
    response = client.get(_url("dashboard"))
    assert {"label": "Performance", "url": _url("dashboard"), "active": True} in response.context[
        "nav_items"
    ]


def test_an_unknown_measure_is_not_found(client, sign_in):
    sign_in(Role.TEAM_MANAGER)
    assert client.get(_url("measure", id="no_such_measure")).status_code == 404
    assert client.get(_url("measure-children", id="no_such_measure")).status_code == 404


# --- The period ----------------------------------------------------------------------------------


def test_with_no_period_asked_for_the_year_ending_today_is_shown(client, sign_in):
    sign_in(Role.ANALYST)
    response = client.get(_url("dashboard"))
    period = response.context["period"]
    assert period.end == today_in_london(NOW)
    assert period == Period.year_ending(period.end)


def test_a_last_day_alone_gives_the_year_ending_that_day(client, sign_in):
    sign_in(Role.ANALYST)
    response = client.get(_url("dashboard", YEAR_2023))
    assert (response.context["period"].start, response.context["period"].end) == (
        date(2022, 4, 1),
        END,
    )
    assert "1 April 2022 to 31 March 2023" in _text(response)


def test_any_days_from_one_to_another_can_be_chosen_in_day_month_year(client, sign_in):
    sign_in(Role.ANALYST)
    response = client.get(_url("dashboard", {"start": "01/01/2023", "end": "31/03/2023"}))
    period = response.context["period"]
    assert (period.start, period.end) == (date(2023, 1, 1), END)
    # The form shows the days chosen as people write them.
    assert 'value="01/01/2023"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"end": "31/13/2023"}, "Enter the last day as a real date, like 31/03/2023."),
        ({"start": "yesterday", "end": "31/03/2023"}, "Enter the first day as a real date"),
        ({"start": "01/04/2023", "end": "31/03/2023"}, "The first day must be on or before"),
        ({"start": "01/04/2022"}, "Enter the last day of the period."),
        ({"end": "31/03/2999"}, "The last day must be today or earlier."),
        ({"end": "31/03/1999"}, "The last day must be in 2000 or later."),
    ],
)
def test_wrong_dates_are_explained_in_an_error_summary_keeping_what_was_typed(
    client, sign_in, query, message
):
    sign_in(Role.TEAM_MANAGER)
    response = client.get(_url("dashboard", query))
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert message in _text(response)
    for typed in query.values():
        assert f'value="{typed}"' in body
    # No figures for a period that is not one.
    assert "groups" not in response.context
    assert "Correct the period above to see the figures." in _text(response)


@pytest.mark.parametrize("name", ["measure", "measure-children", *PERIOD_PAGES])
def test_every_page_explains_wrong_dates_instead_of_showing_figures(client, sign_in, name):
    sign_in(Role.TEAM_MANAGER)
    kwargs = {"id": "children_in_need"} if name.startswith("measure") else {}
    response = client.get(_url(name, {"end": "not a day"}, **kwargs))
    assert response.status_code == 200
    assert "Enter the last day as a real date" in _text(response)
    assert response.context["period"] is None


def test_links_between_pages_keep_the_period(client, sign_in):
    sign_in(Role.ANALYST)
    response = client.get(_url("dashboard", YEAR_2023))
    assert f'href="{_url("wards")}?start=2022-04-01&amp;end=2023-03-31"' in (
        response.content.decode()
    )


# --- Figures -------------------------------------------------------------------------------------


def test_the_dashboard_shows_each_measure_with_its_figure_and_links(
    client, sign_in, manager_and_child
):
    manager, child = manager_and_child
    _child_elsewhere()
    # Records begin years before: a child referred in 2018 whose episode closed that year.
    _, old = referred_child(
        worker_with_role(Role.SOCIAL_WORKER), now=NOW, referral_date=date(2018, 5, 1)
    )
    old.closed_on = date(2018, 9, 1)
    old.save()
    client.force_login(manager)
    response = client.get(_url("dashboard", YEAR_2023))
    in_need = _headline(response, "children_in_need")
    assert in_need.shown == "2"
    body = response.content.decode()
    assert f'href="{_url("measure", id="children_in_need")}?start=2022-04-01' in body
    assert f'href="{_url("measure-children", id="children_in_need")}?start=2022-04-01' in body
    # The five-year trends are drawn, with their numbers beside them.
    assert [t.id for t in response.context["trends"]] == [
        "children_in_need",
        "referrals",
        "cp_plans",
        "children_in_care",
    ]
    # Children in need and referrals are drawn; an empty chart is not.
    assert body.count('<svg role="img"') == 2
    assert "Children in need, 5 years" in body
    assert "Children in care: no year has a figure to draw." in _text(response)


def test_a_period_before_any_record_shows_no_data_never_zero(client, sign_in, manager_and_child):
    manager, _ = manager_and_child
    client.force_login(manager)
    response = client.get(_url("dashboard", {"end": "2005-03-31"}))
    in_need = _headline(response, "children_in_need")
    assert in_need.result.value is None
    assert in_need.shown == "no data"
    assert not in_need.links_children
    assert "No data" in _text(response)
    trend = response.context["trends"][0]
    assert [row.shown for row in trend.rows] == ["no data"] * 5


def test_a_share_out_of_nothing_says_the_denominator_is_zero(client, sign_in, manager_and_child):
    manager, _ = manager_and_child
    client.force_login(manager)
    # Referrals are recorded from June 2022; none were made in these three months.
    response = client.get(_url("dashboard", {"start": "2024-01-01", "end": "2024-03-31"}))
    share = _headline(response, "referrals_nfa_share")
    assert share.shown == "the denominator is zero"
    assert "The denominator is zero" in _text(response)


def test_shares_are_shown_as_per_cent_and_rates_to_one_decimal_place(
    client, sign_in, manager_and_child
):
    from onestory.insight.models import PopulationEstimate

    manager, _ = manager_and_child
    PopulationEstimate.objects.create(year=2022, children=3000, source="Test estimate")
    client.force_login(manager)
    response = client.get(_url("dashboard", YEAR_2023))
    assert _headline(response, "cin_rate_per_10000").shown == "3.3"
    assert _headline(response, "referrals_nfa_share").shown.endswith("%")


def test_the_measure_page_shows_definition_value_parts_trend_and_breakdown_links(
    client, sign_in, manager_and_child
):
    manager, _ = manager_and_child
    client.force_login(manager)
    response = client.get(_url("measure", YEAR_2023, id="children_in_need"))
    text = _text(response)
    assert "Children with a children in need episode" in text
    assert "Five years" in text
    assert response.context["page"].headline.shown == "1"
    assert len(response.context["trend"].rows) == 5
    body = response.content.decode()
    assert f"{_url('wards')}?start=2022-04-01&amp;end=2023-03-31&amp;measure=children_in_need" in (
        body
    )
    assert f"{_url('disproportionality')}?start=2022-04-01" in body


# --- The children behind a figure ----------------------------------------------------------------


def test_a_manager_sees_their_teams_children_and_how_many_others_are_not_listed(
    client, manager_and_child
):
    manager, child = manager_and_child
    elsewhere = _child_elsewhere()
    client.force_login(manager)
    response = client.get(_url("measure-children", YEAR_2023, id="children_in_need"))
    text = _text(response)
    assert "The figure counts 2 children." in text
    assert "1 of them is not listed because you may not open their record." in text
    assert "Tamsin Okoro" in text
    assert "Idris" not in text
    assert f'href="{reverse("people:person", args=[child.pk])}"' in response.content.decode()
    # Each child listed is recorded; the child not listed is not.
    listed = AuditEvent.objects.filter(actor=manager, action=AuditEvent.Action.LIST)
    assert [e.person_id for e in listed] == [child.pk]
    assert "children_in_need" in listed.get().detail["page"]
    assert not AuditEvent.objects.filter(person_id=elsewhere.pk).exists()


def test_an_analyst_is_told_kindly_that_no_child_is_listed(client, sign_in, manager_and_child):
    analyst = sign_in(Role.ANALYST)
    response = client.get(_url("measure-children", YEAR_2023, id="children_in_need"))
    text = _text(response)
    assert "The figure counts 1 child." in text
    assert "Performance analysts work with figures, not with children's records" in text
    assert "Tamsin" not in text
    assert response.context["children"] == []
    assert not AuditEvent.objects.filter(actor=analyst, person_id__isnull=False).exists()


def test_the_children_of_one_part_are_listed_and_an_unknown_part_is_not_found(
    client, manager_and_child
):
    manager, child = manager_and_child
    client.force_login(manager)
    measure = "social_worker_changes_3_plus"
    (result,) = compute(Period.year_ending(END), [measure])
    part = next(p for p in result.parts if p.numerator)
    response = client.get(_url("measure-children", {**YEAR_2023, "part": part.key}, id=measure))
    assert response.status_code == 200
    assert part.label in _text(response)
    assert "Tamsin Okoro" in _text(response)
    missing = client.get(
        _url("measure-children", {**YEAR_2023, "part": "no-such-part"}, id=measure)
    )
    assert missing.status_code == 404


def test_many_children_are_listed_a_page_at_a_time(client, manager_and_child, monkeypatch):
    manager, _ = manager_and_child
    worker = worker_with_role(Role.SOCIAL_WORKER, team=manager.team)
    for _ in range(2):
        referred_child(worker, now=NOW, referral_date=date(2022, 8, 1))
    monkeypatch.setattr(views_dashboard, "CHILDREN_PER_PAGE", 2)
    client.force_login(manager)
    first = client.get(_url("measure-children", YEAR_2023, id="children_in_need"))
    second = client.get(_url("measure-children", {**YEAR_2023, "page": 2}, id="children_in_need"))
    assert len(first.context["children"]) == 2
    assert len(second.context["children"]) == 1
    assert "Page 1 of 2" in _text(first)
    assert AuditEvent.objects.filter(actor=manager, action="list").count() == 3


# --- Downloads -----------------------------------------------------------------------------------


def test_a_trend_downloads_as_csv_and_the_download_is_recorded(client, manager_and_child):
    manager, _ = manager_and_child
    client.force_login(manager)
    query = {**YEAR_2023, "table": "trend-children_in_need", "format": "csv", "purpose": "board"}
    response = client.get(_url("dashboard", query))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        "trend-children-in-need-2022-04-01-to-2023-03-31.csv" in (response["Content-Disposition"])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Year start", "Year end", "Number"]
    assert rows[-1][:3] == ["2022-04-01", "2023-03-31", "1"]
    event = AuditEvent.objects.get(actor=manager, action=AuditEvent.Action.EXPORT)
    assert event.person_id is None
    assert event.detail["table"] == "trend-children_in_need"
    assert event.detail["purpose"] == "board"


def test_a_download_asks_why_first_and_records_nothing_until_told(client, manager_and_child):
    manager, _ = manager_and_child
    client.force_login(manager)
    query = {**YEAR_2023, "table": "trend-children_in_need", "format": "csv"}
    asked = client.get(_url("dashboard", query))
    assert asked.status_code == 200
    assert asked["Content-Type"].startswith("text/html")
    page = asked.content.decode()
    assert "Why are you downloading" in page
    assert 'name="table" value="trend-children_in_need"' in page
    refused = client.get(_url("dashboard", {**query, "purpose": "because"}))
    assert "Choose why you are downloading it" in refused.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_a_measure_table_asks_why_before_the_measure_is_worked_out(
    client, manager_and_child, django_assert_max_num_queries
):
    manager, _ = manager_and_child
    client.force_login(manager)
    query = {**YEAR_2023, "table": "trend-children_in_need", "format": "csv"}
    with django_assert_max_num_queries(6):  # session and sign-in only: no measure is counted
        asked = client.get(_url("measure", query, id="children_in_need"))
    assert "Why are you downloading a table of “Children in need”?" in asked.content.decode()
    download = client.get(_url("measure", {**query, "purpose": "board"}, id="children_in_need"))
    assert download["Content-Type"].startswith("text/csv")


def test_the_headline_measures_download_as_a_workbook(client, sign_in, manager_and_child):
    sign_in(Role.ANALYST)
    query = {**YEAR_2023, "table": "measures", "format": "xlsx", "purpose": "planning"}
    response = client.get(_url("dashboard", query))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 1
    sheet = book.active
    assert sheet.sheet_state == "visible"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Group", "Measure id", "Measure", "Value")
    in_need = next(r for r in rows if r[1] == "children_in_need")
    assert in_need[3] == 1


@pytest.mark.parametrize("name", ["wards", "disproportionality", "workforce", "strategy"])
def test_every_breakdown_table_downloads(client, sign_in, manager_and_child, name):
    sign_in(Role.ANALYST)
    response = client.get(_url(name, YEAR_2023))
    keys = re.findall(r"table=([a-z0-9_-]+)&amp;format=csv", response.content.decode())
    assert keys
    for key in keys:
        query = {**YEAR_2023, "table": key, "format": "xlsx", "purpose": "practice"}
        download = client.get(_url(name, query))
        assert download.status_code == 200, key
        assert load_workbook(io.BytesIO(download.content)).active.max_row >= 1


@pytest.mark.parametrize(
    ("name", "measure"), [("wards", "referrals"), ("disproportionality", "children_in_care")]
)
def test_a_table_of_a_chosen_measure_downloads_from_its_link(
    client, sign_in, manager_and_child, name, measure
):
    sign_in(Role.ANALYST)
    page = client.get(_url(name, {**YEAR_2023, "measure": measure})).content.decode()
    links = re.findall(r'href="\?([^"]*table=[^"]*format=csv)"', page)
    assert links
    for link in links:
        query = html.unescape(link)
        download = client.get(f"{_url(name)}?{query}&purpose=planning")
        assert download.status_code == 200, query
        assert download["Content-Type"].startswith("text/csv"), query


def test_a_download_of_a_table_that_does_not_exist_or_in_another_format_is_not_found(
    client, sign_in
):
    sign_in(Role.ANALYST)
    assert client.get(_url("dashboard", {"table": "nothing", "format": "csv"})).status_code == 404
    assert client.get(_url("dashboard", {"table": "measures", "format": "pdf"})).status_code == 404


# --- The other pages -----------------------------------------------------------------------------


def test_the_ward_page_highlights_target_wards(client, sign_in, manager_and_child):
    from onestory.people.models import Ward
    from onestory.people.tests.factories import AddressFactory

    _, child = manager_and_child
    ward = Ward.objects.create(
        code="TST-LEA", name="Leagrave", valid_from=date(2003, 5, 1), is_target=True
    )
    AddressFactory(person=child, ward=ward, valid_from=date(2020, 1, 1))
    sign_in(Role.ANALYST)
    response = client.get(_url("wards", YEAR_2023))
    text = _text(response)
    assert "Leagrave Target ward 1" in text
    assert "Target ward" in response.context["ward_page"].chart


def test_a_ward_breakdown_of_a_measure_that_lists_no_children_shows_children_in_need(
    client, sign_in
):
    sign_in(Role.ANALYST)
    for asked in ("no_such_measure", "caseload_per_social_worker"):
        response = client.get(_url("wards", {**YEAR_2023, "measure": asked}))
        assert response.status_code == 200
        assert response.context["measure_id"] == "children_in_need"
        assert "govuk-error-message" not in response.content.decode()


def test_one_measure_by_ethnic_group_or_the_three_together(client, sign_in):
    sign_in(Role.ANALYST)
    together = client.get(_url("disproportionality", YEAR_2023))
    assert [g.found.measure_id for g in together.context["groups"]] == [
        "children_in_need",
        "cp_plans",
        "children_in_care",
    ]
    one = client.get(_url("disproportionality", {**YEAR_2023, "measure": "referrals"}))
    assert [g.found.measure_id for g in one.context["groups"]] == ["referrals"]


def test_the_strategy_page_says_why_a_measure_cannot_be_measured(client, sign_in):
    from onestory.insight.strategy import SECTION_12

    sign_in(Role.ANALYST)
    response = client.get(_url("strategy", YEAR_2023))
    text = _text(response)
    not_measurable = next(m for m in SECTION_12 if not m.measurable)
    assert "Not measurable" in text
    assert not_measurable.why_not[:60] in text


def test_the_workforce_page_shows_caseloads_by_team(client, manager_and_child):
    manager, _ = manager_and_child
    client.force_login(manager)
    response = client.get(_url("workforce", YEAR_2023))
    assert manager.team.name in _text(response)


# --- Queries -------------------------------------------------------------------------------------


def _queries(client, url, *, afresh=True) -> int:
    """Queries to show the page; with `afresh`, working the figures out (none kept)."""
    if afresh:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_dashboard_takes_the_same_number_of_queries_however_many_children(
    client, manager_and_child, django_assert_max_num_queries
):
    manager, _ = manager_and_child
    client.force_login(manager)
    url = _url("dashboard", YEAR_2023)
    client.get(url)  # charts drawn once
    few = _queries(client, url)
    worker = worker_with_role(Role.SOCIAL_WORKER, team=manager.team)
    for month in range(4, 10):
        referred_child(worker, now=NOW, referral_date=date(2022, month, 3))
        _child_elsewhere(given_name=f"Child{month}")
    assert _queries(client, url) == few, few
    with django_assert_max_num_queries(100):
        cache.clear()
        client.get(url)


# --- Figures worked out once for many readers ---------------------------------------------------


def test_the_figures_are_worked_out_once_and_kept_for_every_reader_for_five_minutes(
    client, manager_and_child, django_assert_max_num_queries
):
    manager, _ = manager_and_child
    analyst = worker_with_role(Role.ANALYST)
    url = _url("dashboard", YEAR_2023)
    client.force_login(manager)
    first = client.get(url)
    assert "Figures worked out at" in _text(first) and "within 5 minutes" in _text(first)
    client.force_login(analyst)
    with django_assert_max_num_queries(10):  # session, sign-in, the records' start: no measure
        again = client.get(url)
    assert _headline(again, "children_in_need").shown == _headline(first, "children_in_need").shown
    assert again.context["may_open_records"] is False  # what is the reader's own is not kept
    # Another period is worked out for itself.
    other = client.get(_url("dashboard", {"end": "2005-03-31"}))
    assert _headline(other, "children_in_need").shown == "no data"


def _children_in_need(figures) -> str:
    return next(
        h.shown for g in figures.groups for h in g.headlines if h.result.id == "children_in_need"
    )


def test_figures_past_their_time_are_worked_out_by_one_reader_while_others_see_the_last(
    manager_and_child, django_assert_max_num_queries
):
    period = Period.year_ending(END)
    first = selectors.dashboard_figures(period, now=NOW)
    assert _children_in_need(first) == "1"
    _child_elsewhere()
    later = NOW + timedelta(seconds=selectors.FIGURES_SECONDS + 60)
    key = f"insight:dashboard:{period.start}:{period.end}:{complete_from()}"

    cache.add(f"{key}:computing", True, 60)  # another reader is working them out
    with django_assert_max_num_queries(1):  # the records' start only: no measure
        meanwhile = selectors.dashboard_figures(period, now=later)
    assert _children_in_need(meanwhile) == "1" and meanwhile.computed_at == NOW

    cache.delete(f"{key}:computing")  # that reader has gone
    again = selectors.dashboard_figures(period, now=later)
    assert _children_in_need(again) == "2" and again.computed_at == later
    assert cache.get(f"{key}:computing") is None


def test_past_their_time_a_shared_cache_s_figures_are_worked_out_by_a_process_of_their_own(
    manager_and_child, settings, tmp_path, monkeypatch, django_assert_max_num_queries
):
    """On a server (a cache every process shares) no reader's page waits for the figures, and
    none of the server's processes spends seconds on them: one `onestory dashboard_figures`
    is started, at a lower priority, and the last figures are shown meanwhile."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    started = []
    monkeypatch.setattr(selectors.subprocess, "Popen", lambda args, **kw: started.append(args))
    period = Period.year_ending(END)
    first = selectors.dashboard_figures(period, now=NOW)  # none kept: this reader waits
    assert _children_in_need(first) == "1" and started == []
    _child_elsewhere()
    later = NOW + timedelta(seconds=selectors.FIGURES_SECONDS + 60)

    with django_assert_max_num_queries(2):  # the records' start, for each reader: no measure
        readers = [selectors.dashboard_figures(period, now=later) for _ in range(2)]
    assert [(_children_in_need(f), f.computed_at) for f in readers] == [("1", NOW)] * 2
    assert len(started) == 1
    command = started[0][started[0].index("dashboard_figures") :]
    assert command == [
        "dashboard_figures",
        "--from",
        period.start.isoformat(),
        "--to",
        period.end.isoformat(),
        "--nice",
        str(selectors.BACKGROUND_NICENESS),
    ]

    # What that process does (here without lowering the test's own priority).
    monkeypatch.setattr(dashboard_figures_command, "now", lambda: later)
    call_command(*command[:-2], stdout=io.StringIO())
    with django_assert_max_num_queries(1):
        fresh = selectors.dashboard_figures(period, now=later)
    assert _children_in_need(fresh) == "2" and fresh.computed_at == later
    assert started == [started[0]]  # nothing more started


def test_kept_figures_are_never_shown_to_a_role_that_may_not_see_the_hub(
    client, manager_and_child
):
    manager, _ = manager_and_child
    url = _url("dashboard", YEAR_2023)
    client.force_login(manager)
    assert client.get(url).status_code == 200
    client.force_login(worker_with_role(Role.SOCIAL_WORKER))
    answer = client.get(url)
    assert answer.status_code == 404 and "Figures worked out" not in _text(answer)


def test_a_change_to_the_day_records_are_complete_from_is_shown_at_once(
    client, manager_and_child
):
    manager, _ = manager_and_child
    url = _url("dashboard", YEAR_2023)
    client.force_login(manager)
    # The first record (a referral on 1 June 2022) bounds the figure until the council says more.
    assert _headline(client.get(url), "children_in_need").result.partial_from == date(2022, 6, 1)
    RecordsCoverage.objects.create(complete_from=date(2022, 10, 1))
    after = _headline(client.get(url), "children_in_need").result
    assert after.partial_from == date(2022, 10, 1)


def test_with_nothing_kept_new_records_count_at_once(client, manager_and_child, settings):
    settings.ONESTORY_FIGURES_CACHE_SECONDS = 0
    manager, _ = manager_and_child
    url = _url("dashboard", YEAR_2023)
    client.force_login(manager)
    before = client.get(url)
    assert _headline(before, "children_in_need").shown == "1"
    assert "Figures worked out at" not in _text(before)
    _child_elsewhere()
    assert _headline(client.get(url), "children_in_need").shown == "2"
