"""The case audit's pure rules: drawing a sample of cases, choosing their auditors, checking a
grading is complete and rolling grades up. No Django import.

A sample is drawn with a seeded random generator from the cases sorted by a stable key, so the
same cases and the same seed always give the same sample: the seed is recorded with the batch.
"""

import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .rules import GRADES, THEMES, share

# The kinds of open case a sample can be limited to. A child's social care case is the heaviest
# thing open for them (socialcare.rules.case_kind); a child open to early help and not to social
# care is an early help case.
KINDS = {
    "assessment": "Assessment",
    "child_in_need": "Child in need",
    "child_protection": "Child protection",
    "child_in_care": "Child in care",
    "care_leaver": "Care leaver",
    "early_help": "Early help",
}

PER_TEAM = "per_team"
ACROSS_TEAMS = "across_teams"
METHODS = {
    PER_TEAM: "The same number of cases from each team",
    ACROSS_TEAMS: "A number of cases at random across all the teams",
}

# Auditors keep read access for two weeks after the audit is due, to finish a late audit
# (the council's choice: the grant ends on its own, nobody has to remember to take it away).
GRANT_DAYS_AFTER_DUE = 14
GRANT_REASON = "Case audit"

GOOD_OR_BETTER = frozenset({"outstanding", "good"})
TOP_THEMES = 3


@dataclass(frozen=True)
class Case:
    """An open case that can be audited: the child, the team holding it, what kind of case it is
    and the worker holding it (who may not audit it)."""

    person_id: str
    team_id: str
    kind: str
    holder_id: int | None = None


@dataclass(frozen=True)
class Auditor:
    """A manager who can audit: their id, and the teams they are in or manage (whose cases they
    may not audit)."""

    id: int
    team_ids: frozenset[str]


class NoAuditor(Exception):
    """No chosen auditor may audit this team's cases (each manages or works in it)."""

    def __init__(self, team_id: str):
        super().__init__(team_id)
        self.team_id = team_id


def draw(cases: Iterable[Case], *, method: str, size: int, seed: int) -> list[Case]:
    """The sample: `size` cases from each team (PER_TEAM) or `size` across all teams
    (ACROSS_TEAMS), fewer where there are fewer. The same cases and seed give the same sample,
    in whatever order the cases come."""
    if method not in METHODS:
        raise ValueError(f"Unknown sampling method {method!r}")
    if size < 1:
        raise ValueError("A sample needs at least one case.")
    ordered = sorted(cases, key=lambda c: (str(c.team_id), str(c.person_id)))
    generator = random.Random(seed)
    if method == ACROSS_TEAMS:
        return generator.sample(ordered, min(size, len(ordered)))
    chosen = []
    for team_id in sorted({str(c.team_id) for c in ordered}):
        of_team = [c for c in ordered if str(c.team_id) == team_id]
        chosen += generator.sample(of_team, min(size, len(of_team)))
    return chosen


def may_audit(auditor: Auditor, case: Case) -> bool:
    """An auditor never audits their own team's case, nor a case they hold."""
    return str(case.team_id) not in auditor.team_ids and auditor.id != case.holder_id


def assign(cases: list[Case], auditors: list[Auditor]) -> dict[str, int]:
    """{person_id: auditor id}: each case to the eligible auditor with fewest cases so far (the
    first chosen on a tie), so the work is shared out evenly. NoAuditor for a case nobody may
    audit."""
    load = {a.id: 0 for a in auditors}
    given = {}
    for case in cases:
        eligible = [a for a in auditors if may_audit(a, case)]
        if not eligible:
            raise NoAuditor(case.team_id)
        auditor = min(eligible, key=lambda a: load[a.id])
        load[auditor.id] += 1
        given[case.person_id] = auditor.id
    return given


def missing_grades(questions: list[dict], grades: dict) -> list[tuple[str, str]]:
    """[(question key, message)] for each question without a valid grade, in the template's
    order, each message naming the question so the auditor can find it."""
    return [
        (q["key"], f"Choose a grade for question {number}: {q['text']}")
        for number, q in enumerate(questions, start=1)
        if grades.get(q["key"]) not in GRADES
    ]


def unknown_themes(themes: Iterable[str]) -> list[str]:
    return [t for t in themes if t not in THEMES]


@dataclass(frozen=True)
class GradeSummary:
    """Completed audits' overall grades and themes, summed up."""

    completed: int
    grades: dict[str, int]
    good_or_better: float | None
    themes: dict[str, int]
    top_themes: list[str]


def summarise(audits: Iterable[tuple[str, list[str]]]) -> GradeSummary:
    """From (overall grade, themes) of completed audits: how many of each grade (every grade
    listed, best first), the share good or better (None when there are none) and the most
    common themes (labels; ties in THEMES' order)."""
    grades = Counter()
    themes = Counter()
    completed = 0
    for grade, tagged in audits:
        completed += 1
        grades[grade] += 1
        themes.update(set(tagged))
    order = list(THEMES)
    ranked = sorted(themes, key=lambda t: (-themes[t], order.index(t) if t in order else 99))
    return GradeSummary(
        completed=completed,
        grades={g: grades.get(g, 0) for g in GRADES},
        good_or_better=share(sum(grades[g] for g in GOOD_OR_BETTER), completed),
        themes={t: themes[t] for t in ranked},
        top_themes=[THEMES.get(t, t) for t in ranked[:TOP_THEMES]],
    )
