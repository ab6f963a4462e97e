"""The SSDA903 import's codes, names and formats, shared by its modules (see the
package's docstring)."""

import re
from datetime import date, datetime

from onestory.frontdoor.rules import PRIMARY_NEEDS

from ... import ssda903 as export
from ...models import Return

SOURCE = Return.SSDA903
TABLE_COLUMNS = {table: export.COLUMNS[table] for table in export.COLUMNS}
KEPT_AS_RECEIVED = {*export.UNMODELLED_TABLES, "SWEpisodes"}
# Header first: the children; then the history; then what hangs on it.
ORDER = ("Header", "Episodes", "Reviews", "Missing", "UASC", "OC3", *sorted(KEPT_AS_RECEIVED))

# Codes: the record's lists (socialcare/reference.py), and the codes earlier years used. The
# placement types H5 (semi-independent living), P2 (independent living) and Z1 (other) were
# valid to 2024/25 and replaced by K3, Z11 to Z14 from 2025/26 (csc-validator-be-903 0.1.17:
# lac2024_25/rule_146 lists them, lac2025_26/rule_146 does not).
RETIRED_PLACEMENT_TYPES = {"H5": 2025, "P2": 2025, "Z1": 2025}
CONTINUATION = "X1"  # REC: the episode ends and a new one begins the same day
LEGAL_CHANGES = frozenset({"L", "U", "B"})
PLACEMENT_CHANGES = frozenset({"P", "T", "U", "B"})
SAME_CARER = frozenset({"T", "U"})
STARTED = "S"
# SEX: 1 (male) and 2 (female) to 2023/24, M, F, U from 2024/25 (validator rule 101).
SEX_CODES = {"1": "M", "2": "F", "M": "M", "F": "F", "U": "U"}
CATEGORIES_OF_NEED = frozenset(code for code in PRIMARY_NEEDS if code != "N0")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y")
CARER_LABEL = "Carer {n} (not named in the SSDA903 return)"
YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
EXCEL_NUMBER = re.compile(r"(?<=^\d)\.0$")
# How long a child's code may be (LAChildId.code).
CODE_LENGTH = 20
# The most a return's year can be from today's, to catch a mistyped --year.
YEARS_AHEAD = 1


def parse_date(value: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    for form in DATE_FORMATS:
        try:
            return datetime.strptime(value, form).date()
        except ValueError:
            continue
    raise ValueError(value)


def year_of(day: date) -> int:
    """The collection year `day` falls in, named by the 31 March it ends on."""
    return day.year + 1 if day.month >= 4 else day.year
