"""The return readiness page: who may see it, what it shows of the validators' last check (grouped
by rule, errors first, "no errors" only when every rule ran), what onestory's own checks find,
and "Check now" running once per form."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from onestory.access.models import AuditEvent
from onestory.core.clock import today_in_london
from onestory.core.errors import DomainError
from onestory.core.models import IdempotencyKey
from onestory.returns import readiness, selectors, validation
from onestory.returns.identifiers import child_id
from onestory.returns.models import ValidationRun
from onestory.socialcare.models import ChildProtectionConference
from onestory.socialcare.tests.factories import referred_child
from onestory.socialcare.tests.factories_care import child_in_care
from onestory.socialcare.tests.factories_protection import enquiry, strategy_discussion
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db

NOW = timezone.now()
TODAY = today_in_london(NOW)
YEAR = selectors.current_year(TODAY)
START, END = selectors.collection_period(YEAR)


def _url(source="cin", **query):
    url = reverse("returns:readiness", kwargs={"source": source})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _issue(rule, kind="error", child="AB12CD34EF", person_id=None, message=None, **extra):
    return {
        "child": child,
        "person_id": str(person_id) if person_id else None,
        "rule": rule,
        "kind": kind,
        "message": message or f"The validator's words for rule {rule}",
        "table": extra.get("table", "CINdetails"),
        "fields": extra.get("fields", ["CINreferralDate"]),
        "row": extra.get("row", 3),
    }


def _run(source="cin", year=YEAR, issues=(), **fields):
    return ValidationRun.objects.create(
        source=source,
        year=year,
        ran_at=fields.pop("ran_at", NOW),
        validator=fields.pop("validator", "csc-validator-be-cin 0.1.13"),
        rules_run=fields.pop("rules_run", 109),
        issues=list(issues),
        **fields,
    )


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


# --- Who may see it -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ANALYST, Role.TEAM_MANAGER])
def test_analysts_and_team_managers_see_each_returns_readiness(client, sign_in, role):
    sign_in(role)
    for source, title in (("cin", "Children in need census"), ("903", "SSDA903")):
        response = client.get(_url(source))
        assert response.status_code == 200
        assert title in _text(response)
    assert client.get(reverse("returns:index")).status_code == 200


@pytest.mark.parametrize(
    "role",
    [
        Role.PARTNER,
        Role.SOCIAL_WORKER,
        Role.FRONT_DOOR,
        Role.EARLY_HELP,
        Role.DATA_PROTECTION_OFFICER,
    ],
)
def test_other_roles_are_answered_as_if_the_page_did_not_exist(client, sign_in, role):
    sign_in(role)
    assert client.get(reverse("returns:index")).status_code == 404
    assert client.get(_url("cin")).status_code == 404
    assert client.post(reverse("returns:check", kwargs={"source": "cin"})).status_code == 404


def test_an_unknown_return_is_not_found(client, sign_in):
    sign_in(Role.ANALYST)
    assert client.get(_url("annex")).status_code == 404


def test_the_analysts_menu_links_to_the_returns(client, sign_in):
    sign_in(Role.ANALYST)
    response = client.get(_url("cin"))
    assert {
        "label": "Returns",
        "url": reverse("returns:index"),
        "active": False,
    } in response.context["nav_items"]


# --- The validators' last check -----------------------------------------------------------------


def test_the_last_run_is_grouped_by_rule_with_counts_schema_and_errors_before_queries(
    client, sign_in
):
    analyst = sign_in(Role.ANALYST)
    _run(
        issues=[
            _issue("8873Q", kind="query"),
            _issue("8875", child="C1"),
            _issue("8875", child="C2"),
            _issue("4180", child="C3"),
        ],
        schema_errors=[{"line": 12, "message": "Element 'Sex': not a valid value"}],
        ran_by=analyst,
    )
    response = client.get(_url())
    groups = response.context["run_groups"]
    assert [(g.rule, g.kind, g.count) for g in groups] == [
        ("schema", "schema", 1),
        ("4180", "error", 1),
        ("8875", "error", 2),
        ("8873Q", "query", 1),
    ]
    text = _text(response)
    assert "4 errors and 1 query" in text
    assert "Rule 8875: 2 issues" in text
    assert text.index("Rule 4180") < text.index("Rule 8875") < text.index("Rule 8873Q")
    assert "line 12" in text
    assert analyst.get_full_name() in text


def test_no_errors_is_said_only_when_every_rule_ran(client, sign_in):
    sign_in(Role.ANALYST)
    run = _run(issues=[_issue("8873Q", kind="query")])
    text = _text(client.get(_url()))
    assert "No errors" in text and "did not run" not in text

    # As the runners report them (returns.validation.run_903 / run_cin).
    run.crashed_rules = [{"rule": "231", "exception": "KeyError", "message": "'URN'"}]
    run.skipped_rules = [{"rule": "233", "missing_tables": ["OC2"]}]
    run.save()
    response = client.get(_url())
    text = _text(response)
    assert "No errors" not in text
    assert response.context["no_errors"] is False
    assert "2 rules did not run, so this check cannot say the return has no errors" in text
    assert "Rule 231 crashed: KeyError: 'URN'" in text
    assert "1 rule did not run because its table is not in the return" in text
    assert "Rule 233: it needs OC2, not in this return" in text


def test_a_return_never_checked_says_so(client, sign_in):
    sign_in(Role.ANALYST)
    text = _text(client.get(_url()))
    assert "The validators have not checked the return" in text
    assert "No errors" not in text


def test_analysts_see_childrens_codes_and_no_links_managers_link_children_they_may_open(
    client, sign_in
):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    manager = worker_with_role(Role.TEAM_MANAGER, team=worker.team)
    ours, _ = referred_child(worker, now=NOW, family_name="Quillon")
    elsewhere, _ = referred_child(
        worker_with_role(Role.SOCIAL_WORKER), now=NOW, family_name="Marrowby"
    )
    _run(
        issues=[
            _issue("8875", child=child_id(ours.pk), person_id=ours.pk, table="Section47"),
            _issue("8875", child=child_id(elsewhere.pk), person_id=elsewhere.pk),
        ]
    )
    protection = reverse("socialcare:protection", kwargs={"person_id": ours.pk})

    sign_in(Role.ANALYST)
    response = client.get(_url())
    body = response.content.decode()
    assert child_id(ours.pk) in body and child_id(elsewhere.pk) in body
    assert protection not in body and "Record to fix" not in body
    assert "Quillon" not in body and "Marrowby" not in body
    assert "give the code to the child's team manager" in _text(response)

    client.force_login(manager)
    body = client.get(_url()).content.decode()
    assert protection in body
    assert reverse("socialcare:child", kwargs={"person_id": elsewhere.pk}) not in body
    assert "Not a record you can open" in body
    assert "Quillon" not in body and "Marrowby" not in body


def test_every_child_listed_is_recorded_in_the_audit_trail(client, sign_in):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    child, _ = referred_child(worker, now=NOW)
    analyst = sign_in(Role.ANALYST)
    _run(issues=[_issue("8875", child=child_id(child.pk), person_id=child.pk)])
    client.get(_url())
    event = AuditEvent.objects.get(actor=analyst, person_id=child.pk)
    assert event.action == AuditEvent.Action.LIST
    assert event.detail["page"] == f"return readiness: cin {YEAR}"


def test_other_years_with_a_run_can_be_chosen(client, sign_in):
    sign_in(Role.ANALYST)
    _run(year=2020, issues=[_issue("8875")])
    response = client.get(_url())
    assert f"{YEAR - 1} to {YEAR}" in _text(response)
    assert "2019 to 2020" in _text(response)
    assert response.context["run"] is None
    chosen = client.get(_url(year=2020))
    assert chosen.context["year"] == 2020
    assert chosen.context["run"].year == 2020
    # A year with nothing in it falls back to the current year.
    assert client.get(_url(year=1999)).context["year"] == YEAR


def test_a_rules_page_lists_every_issue_a_page_at_a_time(client, sign_in):
    sign_in(Role.ANALYST)
    _run(issues=[_issue("8875", child=f"C{n:04d}") for n in range(130)])
    readiness_page = _text(client.get(_url()))
    assert "See all 130 issues of rule 8875" in readiness_page
    rule = reverse("returns:rule", kwargs={"source": "cin", "rule": "8875"})
    first = client.get(rule + f"?year={YEAR}&list=run")
    assert len(first.context["page"].object_list) == 100
    assert "page 1 of 2" in _text(first)
    second = client.get(rule + f"?year={YEAR}&list=run&page=2")
    assert [i.child for i in second.context["page"].object_list][-1] == "C0129"
    assert client.get(rule.replace("8875", "9999") + f"?year={YEAR}").status_code == 404


# --- Check now ------------------------------------------------------------------------------------


@pytest.fixture
def validate_export(monkeypatch):
    """validate_export replaced by one that records its calls and saves a run with an issue."""
    calls = []

    def fake(source, year, *, acting_user, now):
        calls.append((source, year, acting_user, now))
        return _run(
            source=source,
            year=year,
            ran_at=now,
            ran_by=acting_user,
            issues=[_issue("8875"), _issue("8873Q", kind="query")],
            crashed_rules=["231"],
        )

    monkeypatch.setattr(validation, "validate_export", fake, raising=False)
    return calls


def _check(client, key="first-form", year=YEAR, source="cin"):
    return client.post(
        reverse("returns:check", kwargs={"source": source}),
        {"year": year, "form_token": key},
        follow=True,
    )


def test_the_check_now_form_carries_a_one_time_token_and_says_how_long_it_takes(client, sign_in):
    sign_in(Role.ANALYST)
    response = client.get(_url())
    token = response.context["check_form"].initial["form_token"]
    assert token and token != client.get(_url()).context["check_form"].initial["form_token"]
    assert "between 10 seconds and a minute" in _text(response)
    assert 'data-prevent-double-click="true"' in response.content.decode()


def test_check_now_runs_the_validators_and_shows_what_they_found(client, sign_in, validate_export):
    analyst = sign_in(Role.ANALYST)
    response = _check(client)
    assert [(s, y, u) for s, y, u, _ in validate_export] == [("cin", YEAR, analyst)]
    text = _text(response)
    assert "Checked: 1 error and 1 query. 1 rule did not run: see below." in text
    assert "Rule 231 crashed" in text
    assert response.context["run"].ran_by == analyst


def test_check_now_runs_once_when_the_form_is_submitted_twice(client, sign_in, validate_export):
    sign_in(Role.ANALYST)
    _check(client, key="twice")
    again = _check(client, key="twice")
    assert len(validate_export) == 1
    assert ValidationRun.objects.count() == 1
    assert "This check has already run" in _text(again)


def test_a_second_submit_while_the_first_still_runs_runs_nothing(client, sign_in, validate_export):
    analyst = sign_in(Role.ANALYST)
    IdempotencyKey.objects.create(
        key="running", actor_id=analyst.pk, result_type="returns.ValidationRun", result_id=""
    )
    response = _check(client, key="running")
    assert validate_export == []
    assert "still running" in _text(response)


def test_a_check_that_cannot_run_says_why_and_the_same_form_may_try_again(
    client, sign_in, monkeypatch
):
    sign_in(Role.ANALYST)

    def missing(*args, **kwargs):
        raise DomainError("The CIN validator is not installed: run make validators.")

    monkeypatch.setattr(validation, "validate_export", missing, raising=False)
    response = _check(client, key="retry")
    assert "The CIN validator is not installed" in _text(response)
    assert not IdempotencyKey.objects.filter(key="retry").exists()


def test_check_now_before_the_validation_module_exists_says_the_validators_are_not_set_up(
    client, sign_in, monkeypatch
):
    sign_in(Role.ANALYST)
    monkeypatch.delattr(validation, "validate_export", raising=False)
    response = _check(client, key="early")
    assert readiness.NOT_SET_UP.split(",")[0] in _text(response)


def test_check_now_needs_the_form(client, sign_in, validate_export):
    sign_in(Role.ANALYST)
    response = client.post(reverse("returns:check", kwargs={"source": "cin"}), {}, follow=True)
    assert response.status_code == 200
    assert validate_export == []
    assert "could not start" in _text(response)


# --- onestory's own checks -----------------------------------------------------------------------


def _saturday_after(day):
    return day + timedelta(days=(5 - day.weekday()) % 7)


def test_onestorys_own_checks_list_what_the_census_will_say_without_running_the_validators(
    client, sign_in
):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    referred_on = START + timedelta(days=3)
    child, referral = referred_child(
        worker, now=NOW, referral_date=referred_on, upn="H821201300012"
    )
    discussion = strategy_discussion(child, referral, worker, held_on=referred_on)
    held = _saturday_after(referred_on + timedelta(days=7))
    ChildProtectionConference.objects.create(
        referral=referral,
        person=child,
        kind=ChildProtectionConference.Kind.INITIAL,
        enquiry=enquiry(discussion, worker, outcome="conference"),
        due_on=held,
        held_on=held,
        decision=ChildProtectionConference.Decision.NO_PLAN,
        recorded_by=worker,
    )
    sign_in(Role.ANALYST)
    response = client.get(_url())
    rules = {g.rule: g for g in response.context["check_groups"]}
    # The conference on a Saturday (8875) and an enquiry with no assessment (2991Q).
    assert set(rules) == {"8875", "2991Q"}
    assert [i.child for i in rules["8875"].issues] == [child_id(child.pk)]
    assert (
        rules["8875"].title == "The Date of Initial Child Protection Conference cannot be a weekend"
    )
    text = _text(response)
    assert "1 error and 1 query. Each mirrors one of the DfE's rules" in text


def test_onestorys_own_checks_list_what_ssda903_will_say_with_a_link_for_the_manager(
    client, sign_in
):
    worker = worker_with_role(Role.SOCIAL_WORKER)
    manager = worker_with_role(Role.TEAM_MANAGER, team=worker.team)
    child, period = child_in_care(worker, now=NOW, starts_on=START + timedelta(days=5))
    placement = period.placements.get()
    placement.placement_postcode = ""
    placement.save()
    client.force_login(manager)
    response = client.get(_url("903"))
    rules = {g.rule: g for g in response.context["check_groups"]}
    assert "392b" in rules
    issue = rules["392b"].issues[0]
    assert issue.child == child_id(child.pk)
    assert issue.link == reverse(
        "socialcare:placement-edit", kwargs={"person_id": child.pk, "placement_id": placement.pk}
    )


def test_own_checks_count_only_enquiries_the_census_counts_that_year(client, sign_in):
    """An enquiry whose initial conference was before the year is not in that year's census, so
    its missing assessment is not queried there (as the validator on the exported file)."""
    worker = worker_with_role(Role.SOCIAL_WORKER)
    referred_on = START - timedelta(days=60)
    child, referral = referred_child(
        worker, now=NOW, referral_date=referred_on, upn="H821201300012"
    )
    discussion = strategy_discussion(child, referral, worker, held_on=referred_on)
    item = enquiry(discussion, worker, outcome="conference")
    ChildProtectionConference.objects.create(
        referral=referral,
        person=child,
        kind=ChildProtectionConference.Kind.INITIAL,
        enquiry=item,
        due_on=referred_on + timedelta(days=14),
        held_on=referred_on + timedelta(days=14),
        decision=ChildProtectionConference.Decision.NO_PLAN,
        recorded_by=worker,
    )
    sign_in(Role.ANALYST)
    this_year = client.get(_url())
    last_year = client.get(_url(year=YEAR - 1))
    assert "2991Q" not in {g.rule for g in this_year.context["check_groups"]}
    assert "2991Q" in {g.rule for g in last_year.context["check_groups"]}


def test_a_run_naming_a_child_by_something_other_than_a_record_id_still_shows(client, sign_in):
    sign_in(Role.TEAM_MANAGER)
    _run(issues=[_issue("8875", child="OLD-SYSTEM-7", person_id="not-a-record-id")])
    response = client.get(_url())
    assert response.status_code == 200
    assert "OLD-SYSTEM-7" in _text(response)
