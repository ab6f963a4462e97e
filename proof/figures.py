"""What a proof check reports: one figure per thing measured, each against its goal."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Figure:
    """One measured figure. `ok` is True or False against the goal, or None when the figure is
    reported for people to judge (a time, a ratio with no hard line)."""

    item: str  # the item number ("1" … "19")
    name: str  # what was measured, in words
    value: float | int | str
    goal: str = ""  # "0", "<= 300 ms", "" for reported only
    ok: bool | None = None
    note: str = ""  # why, or what it covered ("7,212 requests")

    def shown(self) -> str:
        value = self.value
        if isinstance(value, float):
            if math.isnan(value):
                return "n/a"
            return f"{value:,.1f}" if abs(value) < 1000 else f"{value:,.0f}"
        if isinstance(value, int):
            return f"{value:,}"
        return str(value)


def zero(item: str, name: str, found: list | int, *, note: str = "") -> Figure:
    """A count of failures whose goal is 0; `found` may be the failures themselves."""
    count = found if isinstance(found, int) else len(found)
    return Figure(item, name, count, goal="0", ok=count == 0, note=note)


def at_most(item: str, name: str, value: float, limit: float, unit: str = "", *, note: str = ""):
    return Figure(item, name, value, goal=f"<= {limit:g}{unit}", ok=value <= limit, note=note)


@dataclass
class Check:
    """A group of figures for one item of the issue, measured by one function."""

    item: str
    title: str
    run: Callable  # run(context) -> list[Figure]
    quick: bool  # part of `make proof-quick` (CI) as well as `make proof`
    needs_server: bool = True
    figures: list[Figure] = field(default_factory=list)


CHECKS: list[Check] = []


def check(item: str, title: str, *, quick: bool = False, needs_server: bool = True):
    """Register a check: `@check("10", "Deployment settings and headers", quick=True)`."""

    def register(run):
        CHECKS.append(Check(item, title, run, quick, needs_server))
        return run

    return register
