"""The child population: the denominator of rates per 10,000 and of disproportionality."""

from datetime import date

from .models import PopulationEstimate


def estimate_year(day: date) -> int:
    """The latest mid-year estimate (30 June) on or before the day, as the DfE uses the ONS
    mid-year estimate of the year before 31 March for its rates."""
    return day.year if (day.month, day.day) >= (6, 30) else day.year - 1


def estimates(day: date, *, by: str | None = None) -> tuple[dict, str]:
    """({ward code, ethnicity code or None: children}, source) from the latest year with
    estimates on or before `day` (or the earliest year when all are later).

    by=None gives {None: all children}; by="ward" gives every ward's; by="ethnicity" every
    ethnic group's; by="age" every single year of age's (0 to 17) that was loaded. The source
    says where the figures came from and for which year.
    """
    wanted = estimate_year(day)
    years = PopulationEstimate.objects.order_by().values_list("year", flat=True).distinct()
    earlier = [y for y in years if y <= wanted]
    if not earlier and not years:
        return {}, ""
    year = max(earlier) if earlier else min(years)
    rows = PopulationEstimate.objects.filter(year=year)
    if by == "age":
        rows, key = rows.filter(age__isnull=False), "age"
    elif by == "ward":
        rows, key = rows.filter(ward__isnull=False, ethnicity="", age__isnull=True), "ward_id"
    elif by == "ethnicity":
        rows = rows.filter(ward__isnull=True, age__isnull=True).exclude(ethnicity="")
        key = "ethnicity"
    else:
        rows, key = rows.filter(ward__isnull=True, ethnicity="", age__isnull=True), None
    found = {(getattr(r, key) if key else None): r.children for r in rows}
    sources = sorted({r.source for r in rows})
    return found, f"{'; '.join(sources)} (mid-{year})" if sources else ""
