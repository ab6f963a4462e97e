"""Bank holidays in England and Wales, from the `holidays` package (see docs/adr/0007)."""

from datetime import date
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays in a year, one-off ones included (e.g. 19 September 2022)."""
    return frozenset(holidays.UK(subdiv="ENG", years=year, observed=True).keys())


def bank_holidays_between(first: date, last: date) -> frozenset[date]:
    """Every bank holiday from the year of `first` to the year of `last`."""
    return frozenset().union(*(bank_holidays(y) for y in range(first.year, last.year + 1)))
