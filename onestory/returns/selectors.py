"""Reads for the return readiness page: the collection years, the latest validation run of a
return grouped by rule, and the checks onestory makes as workers record (the same pure checks
that warn them) run over a whole collection year.

What a reader sees of a child: the child's code in the return (never a name), and a link to the
record to fix only when the reader may open that child's record (access.selectors.visible_to).
Performance analysts open no records, so they see codes and no links. Every child whose code is
shown is recorded in the audit trail as listed.
"""

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Min, Q
from django.urls import reverse

from onestory.access.selectors import audit_views, openable_ids
from onestory.frontdoor import census_checks as front_door_checks
from onestory.frontdoor.models import Referral
from onestory.people.models import Person
from onestory.socialcare import census_checks, ssda903_checks
from onestory.socialcare.models import (
    Assessment,
    CarePeriod,
    ChildInNeedPlan,
    ChildProtectionConference,
    ChildProtectionPlan,
    LegalStatus,
    Placement,
    Section47Enquiry,
    UnaccompaniedChild,
)

from .identifiers import child_ids
from .models import Return, ValidationRun

SOURCES = {Return.CIN.value: Return.CIN.label, Return.SSDA903.value: Return.SSDA903.label}
ERROR, QUERY, SCHEMA = "error", "query", "schema"
# Schema errors first (the file itself is refused), then errors, then queries.
KIND_ORDER = {SCHEMA: 0, ERROR: 1, QUERY: 2}
KIND_LABELS = {SCHEMA: "Schema error", ERROR: "Error", QUERY: "Query"}
# Issues listed under each rule on the readiness page; the rule's own page lists them all.
ISSUES_SHOWN_PER_RULE = 25

# The DfE collects each return in the months after its 31 March: until the end of September the
# readiness page opens on the year just ended (the one being sent), from October on the year in
# progress. A local choice: the census and SSDA903 collections close in the summer.
LAST_MONTH_OF_SUBMISSIONS = 9

# The validator's own words for each rule the in-product checks mirror (csc-validator-be-cin
# 0.1.13, csc-validator-be-903 0.1.17), so their groups read like the validator's.
RULE_TITLES = {
    Return.CIN.value: {
        "2991Q": "A Section 47 module is recorded and there is no assessment on the episode",
        "4012Q": "CIN Plan shown as starting and ending on the same day",
        "4016": "A CIN Plan has been reported as open at the same time as a Child Protection Plan.",
        "8525Q": "Either Date of Birth or Expected Date of Birth must be provided (but not both)",
        "8585Q": "CIN episode shows Died as the Closure Reason, however child has no recorded "
        "Date of Death",
        "8606": "Child referral date is more than 40 weeks before DOB or expected DOB",
        "8770Q": "UPN is missing or reason UPN is missing or is UN1 for a child who is of "
        "school age.",
        "8825Q": "Reason for Closure code RC8 or RC9 has been returned but there is no "
        "assessment present for the episode.",
        "8840": "Child Protection Plan cannot start and end on the same day",
        "8841": "The review date cannot be on the same day or before the Child protection Plan "
        "start date.",
        "8863Q": "An Assessment is shown as starting when there is another Assessment ongoing.",
        "8873Q": "The factors code 21 No factors identified has been used for the only "
        "completed assessment, but the reason for closure is not RC8 or RC9",
        "8875": "The Date of Initial Child Protection Conference cannot be a weekend",
        "8890": "A Section 47 enquiry is shown as starting when there is another Section 47 "
        "Enquiry ongoing",
    },
    Return.SSDA903.value: {
        "218": "Ofsted Unique reference number (URN) is required. Where none is recorded the "
        "export writes XXXXXXX (not known), which the validator accepts.",
        "222": "Ofsted Unique reference number (URN) should not be recorded for this placement "
        "type.",
        "358": "Child with this legal status should not be under 10.",
        "361": "Police protection legal status lasted longer than maximum 72 hours allowed in "
        "the Children Act 1989.",
        "362": "Emergency protection order (EPO) lasted longer than 21 days",
        "363": "Child assessment order (CAO) lasted longer than 7 days allowed in the Children "
        "Act 1989.",
        "372": "Child in youth custody or prison should be at least 10.",
        "373": "Child placed in a school should be at least 4 years old.",
        "374": "Child in residential employment should be at least 14 years old.",
        "380": "A period of care cannot start with a temporary placement.",
        "381": "A period of care cannot end with a temporary placement.",
        "382": "A child receiving respite care cannot be in a temporary placement.",
        "384": "A child receiving respite care cannot be in a long-term foster placement",
        "387": "Reason episode ceased is child moved into independent living arrangement, but "
        "the child is aged under 14.",
        "389": "Reason episode ceased is that child transferred to care of adult social care "
        "services, but child is aged under 16.",
        "392b": "Child is looked after but no postcodes are recorded.",
        "392d": "Home and placement postcodes should not be same unless the placement type is P1.",
        "407": "Reason episode ceased is Special Guardianship Order, but child has reached age 18.",
        "460": "Reason episode ceased is that child stayed with current carers at age 18 (or "
        "above), but child is aged under 18.",
        "516": "If the code in the reason episode ceased is E45 or E46 the child must have a "
        "placement code of U1 to U6.",
        "527": "A placement provider code of PR1 cannot be associated with placements P1, R2 or "
        "R5.",
        "528": "A placement provider code of PR2 cannot be associated with placements P1, R2 or "
        "R5.",
        "529": "Placement provider code of PR3 cannot be associated with placements P1, A3 to "
        "A6, K1, K2 and U1 to U6.",
        "530": "A placement provider code of PR4 cannot be associated with placement P1.",
        "531": "A placement provider code of PR5 cannot be associated with placements P1.",
        "550": "A placement provider code of PR0 can only be associated with placement P1.",
    },
}

# The page to fix an issue the validator found, by the return's table it was found in.
TABLE_PAGES = {
    "ChildIdentifiers": "people:person",
    "ChildCharacteristics": "people:person",
    "Disabilities": "people:person",
    "Section47": "socialcare:protection",
    "ChildProtectionPlans": "socialcare:protection",
    "Reviews": "socialcare:protection",
    "Header": "people:person",
    "UASC": "socialcare:unaccompanied",
    "Episodes": "socialcare:care",
    "Missing": "socialcare:care",
    "OC2": "socialcare:care",
    "OC3": "socialcare:care-leaver",
    "SWEpisodes": "socialcare:child",
}
# SSDA903's Reviews table is the reviews of a child in care, not of a protection plan.
TABLE_PAGES_903 = {"Reviews": "socialcare:care"}
DEFAULT_PAGE = "socialcare:child"


def collection_period(year: int) -> tuple[date, date]:
    """The collection year ending 31 March `year`: (1 April year - 1, 31 March year)."""
    return date(year - 1, 4, 1), date(year, 3, 31)


def current_year(today: date) -> int:
    """The collection year the readiness page opens on (see LAST_MONTH_OF_SUBMISSIONS)."""
    return today.year + 1 if today.month > LAST_MONTH_OF_SUBMISSIONS else today.year


def years_with_data(source: str, *, today: date) -> list[int]:
    """Newest first: the current collection year, every year the return was validated, and
    every year since the earliest record the return reads."""
    current = current_year(today)
    years = {current}
    years.update(ValidationRun.objects.filter(source=source).values_list("year", flat=True))
    if source == Return.CIN:
        first = Referral.objects.aggregate(first=Min("referral_date"))["first"]
    else:
        first = CarePeriod.objects.aggregate(first=Min("starts_on"))["first"]
    if first is not None:
        years.update(range(front_door_checks.collection_year_of(first), current + 1))
    return sorted(years, reverse=True)


def latest_run(source: str, year: int) -> ValidationRun | None:
    return (
        ValidationRun.objects.filter(source=source, year=year)
        .select_related("ran_by")
        .order_by("-ran_at")
        .first()
    )


# --- Grouping -----------------------------------------------------------------------------------


@dataclass
class Issue:
    child: str
    person_id: str | None
    message: str
    where: str = ""
    link: str = ""


@dataclass
class Group:
    rule: str
    kind: str
    title: str
    issues: list[Issue] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.issues)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind.capitalize())

    @property
    def shown(self) -> list[Issue]:
        return self.issues[:ISSUES_SHOWN_PER_RULE]

    @property
    def more(self) -> int:
        return max(0, self.count - ISSUES_SHOWN_PER_RULE)


def _rule_key(rule: str):
    """Numbered rules in number order ("380" before "1008"), then the others (SW10STG2, INT01)."""
    number = re.match(r"\d+", rule)
    return (int(number.group()) if number else 10**9, rule)


def _grouped(rows: list[tuple[str, str, str, Issue]]) -> list[Group]:
    """(rule, kind, title, issue) rows as groups: schema errors, errors, then queries, each by
    rule code."""
    groups: dict[tuple[str, str], Group] = {}
    for rule, kind, title, issue in rows:
        key = (rule, kind)
        if key not in groups:
            groups[key] = Group(rule=rule, kind=kind, title=title)
        groups[key].issues.append(issue)
    for group in groups.values():
        group.issues.sort(key=lambda i: (i.child, i.where))
    return sorted(groups.values(), key=lambda g: (KIND_ORDER.get(g.kind, 9), _rule_key(g.rule)))


def totals(groups: list[Group]) -> dict:
    counts = defaultdict(int)
    for group in groups:
        counts[group.kind] += group.count
    return {"errors": counts[ERROR] + counts[SCHEMA], "queries": counts[QUERY]}


def run_totals(run: ValidationRun) -> dict:
    """The run's errors (schema errors included) and queries."""
    kinds = [(i.get("kind") or ERROR) for i in run.issues or []]
    errors = sum(1 for k in kinds if k != QUERY) + len(run.schema_errors or [])
    return {"errors": errors, "queries": sum(1 for k in kinds if k == QUERY)}


def _person_ids(values) -> set[str]:
    """The values that are person ids (a run's issues come from outside: skip anything else)."""
    found = set()
    for value in values:
        try:
            found.add(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return found


def _openable(user, person_ids, *, now: datetime) -> set[str]:
    ids = _person_ids(p for p in person_ids if p)
    if not ids:
        return set()
    return {str(pk) for pk in openable_ids(user, ids, now=now)}


def _link(name: str, kwargs: dict) -> str:
    return reverse(name, kwargs=kwargs)


# --- The validator's last run -------------------------------------------------------------------


def run_groups(run: ValidationRun, *, user, now: datetime) -> list[Group]:
    """The run's issues grouped by rule, with links to fix them for children `user` may open.
    Schema errors are one group of their own."""
    issues = list(run.issues or [])
    openable = _openable(user, [i.get("person_id") for i in issues], now=now)
    pages = TABLE_PAGES | (TABLE_PAGES_903 if run.source == Return.SSDA903 else {})
    rows = []
    for raw in issues:
        person_id = str(raw.get("person_id") or "") or None
        table = raw.get("table") or ""
        fields = ", ".join(raw.get("fields") or [])
        where = " ".join(
            part
            for part in (table, f"({fields})" if fields else "", _row_words(raw.get("row")))
            if part
        )
        link = ""
        if person_id in openable:
            link = _link(pages.get(table, DEFAULT_PAGE), {"person_id": person_id})
        kind = raw.get("kind") or ERROR
        rule = str(raw.get("rule") or "")
        message = raw.get("message") or ""
        issue = Issue(
            child=raw.get("child") or "",
            person_id=person_id,
            message=message,
            where=where,
            link=link,
        )
        rows.append((rule, kind, message, issue))
    for problem in run.schema_errors or []:
        rows.append(
            ("schema", SCHEMA, "The file does not match the DfE's schema", _schema(problem))
        )
    return _grouped(rows)


def _row_words(row) -> str:
    return f"row {row}" if row not in (None, "") else ""


def _schema(problem) -> Issue:
    if isinstance(problem, dict):
        line = problem.get("line")
        return Issue(
            child=problem.get("child") or "",
            person_id=None,
            message=problem.get("message") or str(problem),
            where=f"line {line}" if line else (problem.get("path") or ""),
        )
    return Issue(child="", person_id=None, message=str(problem))


def rules_not_run(run: ValidationRun) -> list[dict]:
    """The rules that crashed or were skipped, each {"rule", "what", "why"}: while any are listed
    the page never says "no errors". The runners report a crash as {"rule", "exception",
    "message"} and a skip as {"rule", "missing_tables"}; plain codes are understood too."""
    found = []
    for what, entries in (("crashed", run.crashed_rules), ("did not run", run.skipped_rules)):
        for entry in entries or []:
            if not isinstance(entry, dict):
                found.append({"rule": str(entry), "what": what, "why": ""})
                continue
            why = entry.get("reason") or ""
            if entry.get("exception") or entry.get("message"):
                why = ": ".join(str(p) for p in (entry.get("exception"), entry.get("message")) if p)
            elif entry.get("missing_tables"):
                why = f"it needs {' and '.join(entry['missing_tables'])}, not in this return"
            found.append({"rule": str(entry.get("rule") or ""), "what": what, "why": why})
    return sorted(found, key=lambda f: (f["what"] != "crashed", _rule_key(f["rule"])))


def every_rule_ran(run: ValidationRun) -> bool:
    return not run.crashed_rules and not run.skipped_rules


# --- The in-product checks over a collection year ------------------------------------------------


@dataclass
class _Found:
    finding: object
    person_id: object
    link: tuple[str, dict]


def in_product_groups(source: str, year: int, *, user, now: datetime, today: date) -> list[Group]:
    """The checks that warn workers as they record, run over the collection year: what the
    validators will say, known before they run."""
    found = _cin_findings(year) if source == Return.CIN else _ssda903_findings(year, today=today)
    seen, unique = set(), []
    for item in found:
        key = (str(item.person_id), item.finding.rule, item.finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    codes = child_ids({item.person_id for item in unique})
    openable = _openable(user, codes.keys(), now=now)
    titles = RULE_TITLES[source]
    rows = []
    for item in unique:
        name, kwargs = item.link
        person_id = str(item.person_id)
        issue = Issue(
            child=codes[item.person_id],
            person_id=person_id,
            message=item.finding.message,
            link=_link(name, kwargs) if person_id in openable else "",
        )
        rule = item.finding.rule
        rows.append((rule, item.finding.kind, titles.get(rule, rule), issue))
    return _grouped(rows)


def _overlaps(start_field: str, end_field: str, start: date, end: date) -> Q:
    return Q(**{f"{start_field}__lte": end}) & (
        Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": start})
    )


def _cin_findings(year: int) -> list[_Found]:
    start, end = collection_period(year)
    referrals = list(
        Referral.objects.filter(_overlaps("referral_date", "closed_on", start, end))
        .filter(person__merged_into__isnull=True)
        .values(
            "pk",
            "person_id",
            "referral_date",
            "closure_reason",
            "closed_on",
            "no_further_action",
            "person__date_of_birth",
            "person__expected_date_of_birth",
            "person__upn",
            "person__date_of_death",
        )
    )
    referral_ids = [r["pk"] for r in referrals]
    assessments = defaultdict(list)
    for row in (
        Assessment.objects.filter(referral_id__in=referral_ids, started_on__lte=end)
        .exclude(authorised_on__lt=start)
        .values("pk", "referral_id", "started_on", "authorised_on", "status", "factors")
    ):
        assessments[row["referral_id"]].append(row)
    enquiries = defaultdict(list)
    initial = dict(
        ChildProtectionConference.objects.filter(
            kind=ChildProtectionConference.Kind.INITIAL, enquiry__referral_id__in=referral_ids
        ).values_list("enquiry_id", "held_on")
    )
    for row in Section47Enquiry.objects.filter(
        referral_id__in=referral_ids, starts_on__lte=end
    ).values("pk", "referral_id", "starts_on", "outcome", "completed_on"):
        # As the census counts them: under way in the year, ending at the initial conference
        # or when completed with no conference needed.
        not_needed = row["outcome"] == Section47Enquiry.Outcome.NOT_REQUIRED
        ended = initial.get(row["pk"]) or (row["completed_on"] if not_needed else None)
        if ended is None or ended >= start:
            enquiries[row["referral_id"]].append(row)

    found: list[_Found] = []
    further_action = defaultdict(bool)
    for referral in referrals:
        further_action[referral["person_id"]] |= not referral["no_further_action"]
    for referral in referrals:
        person_id = referral["person_id"]
        child_page = ("socialcare:child", {"person_id": person_id})
        details = ("people:person", {"person_id": person_id})
        for finding in front_door_checks.referred_child(
            referral_date=referral["referral_date"],
            born_on=referral["person__date_of_birth"],
            expected_on=referral["person__expected_date_of_birth"],
            upn=referral["person__upn"],
            further_action=further_action[person_id],
            census_year=year,
        ):
            found.append(_Found(finding, person_id, details))
        episode = assessments[referral["pk"]]
        factors = [
            list(a["factors"] or [])
            if a["status"] == Assessment.Status.AUTHORISED and a["authorised_on"] <= end
            else []
            for a in episode
        ]
        closure = referral["closure_reason"] if referral["closure_reason"] else ""
        s47 = enquiries[referral["pk"]]
        for finding in census_checks.episode(
            closure_reason=closure
            if referral["closed_on"] and referral["closed_on"] <= end
            else "",
            assessment_factors=factors,
            date_of_death=referral["person__date_of_death"],
            enquiries=[
                (initial.get(e["pk"]), e["outcome"] == Section47Enquiry.Outcome.NOT_REQUIRED)
                for e in s47
            ],
        ):
            found.append(_Found(finding, person_id, child_page))
        for a in episode:
            others = [(o["started_on"], o["authorised_on"]) for o in episode if o["pk"] != a["pk"]]
            for finding in census_checks.assessment_overlap(
                started_on=a["started_on"], others=others, reference_date=end
            ):
                link = ("socialcare:assessment", {"person_id": person_id, "assessment_id": a["pk"]})
                found.append(_Found(finding, person_id, link))
        protection = ("socialcare:protection", {"person_id": person_id})
        if s47:
            for finding in census_checks.enquiry_without_assessment(
                assessments_on_episode=len(episode)
            ):
                found.append(_Found(finding, person_id, protection))
        for e in s47:
            others = [
                (
                    o["starts_on"],
                    initial.get(o["pk"]),
                    o["outcome"] == Section47Enquiry.Outcome.NOT_REQUIRED,
                )
                for o in s47
                if o["pk"] != e["pk"]
            ]
            for finding in census_checks.enquiry_overlap(
                starts_on=e["starts_on"], others=others, reference_date=end
            ):
                found.append(_Found(finding, person_id, protection))
            held = initial.get(e["pk"])
            if held is not None and start <= held <= end:
                for finding in census_checks.conference_day(held):
                    found.append(_Found(finding, person_id, protection))

    person_ids = {r["person_id"] for r in referrals}
    protection_plans = defaultdict(list)
    for plan in ChildProtectionPlan.objects.filter(person_id__in=person_ids).values(
        "pk", "person_id", "starts_on", "ends_on"
    ):
        protection_plans[plan["person_id"]].append(plan)
    reviews = defaultdict(list)
    for plan_id, held_on in ChildProtectionConference.objects.filter(
        kind=ChildProtectionConference.Kind.REVIEW, person_id__in=person_ids
    ).values_list("plan_id", "held_on"):
        reviews[plan_id].append(held_on)
    for person_id, plans in protection_plans.items():
        for plan in plans:
            if not (
                plan["starts_on"] <= end and (plan["ends_on"] is None or plan["ends_on"] >= start)
            ):
                continue
            ends_on = plan["ends_on"] if plan["ends_on"] and plan["ends_on"] <= end else None
            link = ("socialcare:cp-plan", {"person_id": person_id, "plan_id": plan["pk"]})
            for finding in census_checks.protection_plan_dates(
                starts_on=plan["starts_on"],
                ends_on=ends_on,
                review_dates=[d for d in reviews[plan["pk"]] if start <= d <= end],
            ):
                found.append(_Found(finding, person_id, link))
    for plan in (
        ChildInNeedPlan.objects.filter(person_id__in=person_ids)
        .filter(_overlaps("starts_on", "ends_on", start, end))
        .values("pk", "person_id", "starts_on", "ends_on")
    ):
        person_id = plan["person_id"]
        link = ("socialcare:cin-plan", {"person_id": person_id, "plan_id": plan["pk"]})
        ends_on = plan["ends_on"] if plan["ends_on"] and plan["ends_on"] <= end else None
        findings = census_checks.child_in_need_plan_dates(
            starts_on=plan["starts_on"], ends_on=ends_on
        )
        findings += census_checks.child_in_need_plan_during_protection(
            starts_on=plan["starts_on"],
            protection_plans=[(p["starts_on"], p["ends_on"]) for p in protection_plans[person_id]],
            reference_date=end,
        )
        found += [_Found(finding, person_id, link) for finding in findings]
    return found


def _in_force(rows, day: date):
    current = None
    for row in rows:
        if row.starts_on <= day:
            current = row
    return current


def _ssda903_findings(year: int, *, today: date) -> list[_Found]:
    start, end = collection_period(year)
    periods = list(
        CarePeriod.objects.filter(_overlaps("starts_on", "ends_on", start, end))
        .filter(person__merged_into__isnull=True)
        .select_related("person")
    )
    period_ids = [p.pk for p in periods]
    statuses, placements = defaultdict(list), defaultdict(list)
    for row in LegalStatus.objects.filter(period_id__in=period_ids).order_by(
        "starts_on", "created_at"
    ):
        statuses[row.period_id].append(row)
    for row in Placement.objects.filter(period_id__in=period_ids).order_by(
        "starts_on", "created_at"
    ):
        placements[row.period_id].append(row)
    person_ids = {p.person_id for p in periods}
    unaccompanied = set(
        UnaccompaniedChild.objects.filter(person_id__in=person_ids).values_list(
            "person_id", flat=True
        )
    ) | {p.person_id for p in periods if p.person.unaccompanied_asylum_seeking}
    # An open legal status has lasted until today, or the year's end for a year gone by.
    until = min(today, end)

    found: list[_Found] = []
    for period in periods:
        person_id, born_on = period.person_id, period.person.date_of_birth
        care_page = ("socialcare:care", {"person_id": person_id})
        for placement in placements[period.pk]:
            if not (
                placement.starts_on <= end
                and (placement.ends_on is None or placement.ends_on >= start)
            ):
                continue
            status = _in_force(statuses[period.pk], placement.starts_on)
            legal_status = status.status if status else ""
            change = (
                ssda903_checks.STARTS_CARE
                if placement.starts_on <= period.starts_on
                else ssda903_checks.MOVES
            )
            link = (
                "socialcare:placement-edit",
                {"person_id": person_id, "placement_id": placement.pk},
            )
            findings = ssda903_checks.placement(
                place=placement.place,
                provider=placement.provider,
                urn=placement.urn,
                home_postcode=placement.home_postcode,
                placement_postcode=placement.placement_postcode,
                legal_status=legal_status,
                unaccompanied=person_id in unaccompanied,
                outside_england=placement.outside_england,
            )
            findings += ssda903_checks.episode(
                legal_status=legal_status,
                place=placement.place,
                starts_on=placement.starts_on,
                born_on=born_on,
                change=change,
            )
            found += [_Found(finding, person_id, link) for finding in findings]
        for status in statuses[period.pk]:
            if not (
                status.starts_on <= end and (status.ends_on is None or status.ends_on >= start)
            ):
                continue
            findings = ssda903_checks.short_lived_status(
                status=status.status, starts_on=status.starts_on, ends_on=status.ends_on or until
            )
            placement = _in_force(placements[period.pk], status.starts_on)
            if placement is not None and status.starts_on > period.starts_on:
                findings += ssda903_checks.episode(
                    legal_status=status.status,
                    place=placement.place,
                    starts_on=status.starts_on,
                    born_on=born_on,
                    change=ssda903_checks.LEGAL_STATUS_CHANGES,
                )
            found += [_Found(finding, person_id, care_page) for finding in findings]
        if period.ends_on is not None and start <= period.ends_on <= end:
            last = placements[period.pk][-1] if placements[period.pk] else None
            for finding in ssda903_checks.care_end(
                reason=period.end_reason,
                ends_on=period.ends_on,
                born_on=born_on,
                last_place=last.place if last else "",
            ):
                found.append(_Found(finding, person_id, care_page))
    return found


# --- Audit --------------------------------------------------------------------------------------


def audit_listed(user, issues, *, now: datetime, page: str, request=None) -> None:
    """Record each child whose code the page shows (`issues`: the Issue rows on the page)."""
    shown = _person_ids(i.person_id for i in issues if i.person_id)
    if shown:
        people = list(Person.objects.filter(pk__in=shown))
        audit_views(user, people, now=now, page=page, request=request)


def shown_issues(groups: list[Group]) -> list[Issue]:
    return [issue for group in groups for issue in group.shown]
