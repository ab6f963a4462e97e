"""Every headline measure, in the order the hub shows them. Each area's module lists its own."""

from ..rules import Period
from . import (
    care,
    earlyhelp,
    earlyhelp_strategy,
    familyhubs,
    frontdoor,
    leavers,
    need,
    protection,
    workforce,
)
from .base import Context, Measure, Result

MEASURES: tuple[Measure, ...] = (
    *frontdoor.MEASURES,
    *need.MEASURES,
    *protection.MEASURES,
    *care.MEASURES,
    *leavers.MEASURES,
    *earlyhelp.MEASURES,
    *earlyhelp_strategy.MEASURES,
    *familyhubs.MEASURES,
    *workforce.MEASURES,
)
BY_ID = {m.id: m for m in MEASURES}
assert len(BY_ID) == len(MEASURES), "Measure ids must be unique"


def compute(period: Period, ids=None) -> list[Result]:
    """Every measure's result for the period (or those named), in the hub's order."""
    context = Context(period)
    chosen = MEASURES if ids is None else [BY_ID[i] for i in ids]
    return [m.result(context) for m in chosen]
