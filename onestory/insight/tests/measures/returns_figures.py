"""The headline figures worked out from the exported returns alone, as the DfE works them out:
the children in need census's XML and SSDA903's CSV tables. Independent of the measures' code,
so that tests can check the measures equal what the returns say."""

import csv
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path

from onestory.core.calendar import bank_holidays_between
from onestory.core.rules import add_months, working_days_between

SHORT_BREAKS = {"V3", "V4"}
TEMPORARY = {"T0", "T1", "T2", "T3", "T4"}
NEW_PLACEMENT = {"S", "P", "T", "U", "B"}  # reasons for a new episode that start a placement
EET = {"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5"}


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _text(element, tag: str) -> str | None:
    found = element.find(tag)
    return found.text if found is not None else None


def census_rows(path: Path) -> list[dict]:
    """One dict per CINdetails episode: the child, its dates and what happened under it."""
    rows = []
    for child in ET.parse(path).getroot().find("Children"):  # noqa: S314 (our own export)
        code = child.find("ChildIdentifiers/LAchildID").text
        for episode in child.findall("CINdetails"):
            rows.append(
                {
                    "child": code,
                    "referred": _day(_text(episode, "CINreferralDate")),
                    "closed": _day(_text(episode, "CINclosureDate")),
                    "nfa": _text(episode, "ReferralNFA") == "true",
                    "assessments": [
                        {
                            "authorised": _day(_text(a, "AssessmentAuthorisationDate")),
                            "factors": [f.text for f in a.findall(".//AssessmentFactors")],
                        }
                        for a in episode.findall("Assessments")
                    ],
                    "enquiries": [
                        {
                            "started": _day(_text(s, "S47ActualStartDate")),
                            "conference": _day(_text(s, "DateOfInitialCPC")),
                        }
                        for s in episode.findall("Section47")
                    ],
                    "plans": [
                        {
                            "started": _day(_text(p, "CPPstartDate")),
                            "ended": _day(_text(p, "CPPendDate")),
                            "latest": _text(p, "LatestCategoryOfAbuse"),
                            "previous": int(_text(p, "NumberOfPreviousCPP") or 0),
                        }
                        for p in episode.findall("ChildProtectionPlans")
                    ],
                }
            )
    return rows


def census_figures(path: Path, start: date, end: date, earlier: list[Path] = ()) -> dict:
    """Each measure's (numerator, denominator) or count from one census year's file; earlier
    years' files give the referrals and plans before the year (for re-referrals and second
    plans)."""
    rows = census_rows(path)
    history = [row for older in earlier for row in census_rows(older)] + rows
    inside = lambda day: day is not None and start <= day <= end  # noqa: E731
    holidays = bank_holidays_between(date(start.year - 1, 1, 1), date(end.year + 1, 12, 31))

    referred_on = defaultdict(set)
    for row in history:
        referred_on[row["child"]].add(row["referred"])
    referrals = [row for row in rows if inside(row["referred"])]
    re_referred = sum(
        1
        for row in referrals
        if any(
            add_months(row["referred"], -12) <= day < row["referred"]
            for day in referred_on[row["child"]]
        )
    )

    assessed = [(row, a) for row in rows for a in row["assessments"] if inside(a["authorised"])]
    with_factors = [a for _, a in assessed if a["factors"]]
    enquiries = [e for row in rows for e in row["enquiries"]]
    conferences = [e for e in enquiries if inside(e["conference"])]
    on_plan = {}
    for row in rows:
        for plan in row["plans"]:
            if plan["ended"] is None:
                on_plan[row["child"]] = plan["latest"]
    plans_before = defaultdict(set)
    for row in history:
        for plan in row["plans"]:
            plans_before[row["child"]].add(plan["started"])
    started = [(row["child"], p) for row in rows for p in row["plans"] if inside(p["started"])]
    return {
        "children_in_need": len({row["child"] for row in rows if row["closed"] is None}),
        "referrals": len(referrals),
        "referrals_nfa_share": (sum(row["nfa"] for row in referrals), len(referrals)),
        "re_referrals_12_months": (re_referred, len(referrals)),
        "assessments_completed": len(assessed),
        "assessments_within_45_days": (
            sum(
                1
                for row, a in assessed
                if working_days_between(row["referred"], a["authorised"], holidays) <= 45
            ),
            len(assessed),
        ),
        "factors_at_assessment": len(with_factors),
        "factors": dict(Counter(code for a in with_factors for code in a["factors"])),
        "section47_enquiries": sum(1 for e in enquiries if inside(e["started"])),
        # From the enquiry's start, as the DfE times conferences (onestory starts an enquiry on
        # the day of its strategy discussion).
        "icpc_within_15_days": (
            sum(
                1
                for e in conferences
                if working_days_between(e["started"], e["conference"], holidays) <= 15
            ),
            len(conferences),
        ),
        "cp_plans": len(on_plan),
        "categories": dict(Counter(on_plan.values())),
        "cp_plans_started": len(started),
        "cp_second_or_later": (
            sum(
                1
                for child, p in started
                if p["previous"] > 0 or any(day < p["started"] for day in plans_before[child])
            ),
            len(started),
        ),
    }


def _table(folder: Path, name: str) -> list[dict]:
    path = folder / name
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _dmy(text: str) -> date | None:
    return datetime.strptime(text, "%d/%m/%Y").date() if text else None


def ssda903_figures(folder: Path, start: date, end: date) -> dict:
    """Children looked after at 31 March, those who started in the year, placement stability
    (A1) and the care leavers' figures, from the SSDA903 tables."""
    episodes = _table(folder, "episodes.csv")
    for row in episodes:
        row["start"], row["end"] = _dmy(row["DECOM"]), _dmy(row["DEC"])
    looked_after = {
        row["CHILD"] for row in episodes if row["end"] is None and row["LS"] not in SHORT_BREAKS
    }
    started = {
        row["CHILD"]
        for row in episodes
        if row["RNE"] == "S" and start <= row["start"] <= end and row["LS"] not in SHORT_BREAKS
    }
    placements = Counter()
    by_child = defaultdict(list)
    for row in sorted(episodes, key=lambda r: (r["CHILD"], r["start"])):
        by_child[row["CHILD"]].append(row)
    for child, rows in by_child.items():
        for index, row in enumerate(rows):
            if row["PLACE"] in TEMPORARY or (row["end"] is not None and row["end"] < start):
                continue
            first_in_year = index == 0 or (
                rows[index - 1]["end"] is not None and rows[index - 1]["end"] < start
            )
            if first_in_year or row["RNE"] in NEW_PLACEMENT:
                placements[child] += 1

    leavers = []
    for row in _table(folder, "oc3.csv"):
        born = _dmy(row["DOB"])
        ages = [age for age in (19, 20, 21) if start <= add_months(born, 12 * age) <= end]
        if ages and row["IN_TOUCH"] not in {"DIED", "RHOM"}:
            leavers.append(row)
    return {
        "children_in_care": len(looked_after),
        "cla_started": len(started),
        "placement_stability_3_plus": (
            sum(1 for child in looked_after if placements[child] >= 3),
            len(looked_after),
        ),
        "care_leavers_in_touch": (sum(r["IN_TOUCH"] == "YES" for r in leavers), len(leavers)),
        "care_leavers_suitable_accommodation": (
            sum(r["ACCOM"].endswith("1") for r in leavers),
            len(leavers),
        ),
        "care_leavers_eet": (sum(r["ACTIV"] in EET for r in leavers), len(leavers)),
    }
