"""Writes of the performance hub's board reports: creating one for a period and saving its title
and commentary. (Case audits' writes are in actions_audits.py.)

Measures are never stored: a board report keeps only what people wrote (its title, period and
commentary); its figures are computed from the record whenever it is opened or printed.
"""

from datetime import date, datetime

from django.db import transaction

from onestory.access import audit
from onestory.access.models import AuditEvent
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit, full_clean_or_refuse
from onestory.core.idempotency import once_per_form
from onestory.workforce.rules import Role

from . import board_report
from .models import BoardReport

WRITERS = (Role.ANALYST, Role.TEAM_MANAGER)
# The record holds nothing earlier than the first returns a council could import: an earlier
# day is almost certainly a mistyped year.
EARLIEST = date(2000, 1, 1)
TITLE_MAX = 200

NOT_A_WRITER = "Only performance analysts and team managers write board reports."
NO_TITLE = "Enter a title for the board report, for example “Early help strategy group, June”."
TITLE_TOO_LONG = f"The title must be {TITLE_MAX} characters or fewer."
NO_START = "Enter the first day of the period the report covers."
NO_END = "Enter the last day of the period the report covers."
START_TOO_EARLY = "The period must start in 2000 or later."
END_BEFORE_START = "The period must end on or after the day it starts."
END_IN_FUTURE = (
    "The period must end today or earlier: the report counts what has happened, and a day still "
    "to come has nothing to count yet."
)
UNKNOWN_SECTION = "The report has no section called {key}: open the report again and retry."


def _require_writer(acting_user) -> None:
    if getattr(acting_user, "role", None) not in WRITERS:
        raise DomainError(NOT_A_WRITER)


def _title_problems(title: str) -> dict:
    title = (title or "").strip()
    if not title:
        return {"title": NO_TITLE}
    if len(title) > TITLE_MAX:
        return {"title": TITLE_TOO_LONG}
    return {}


def _period_problems(start: date | None, end: date | None, *, today: date) -> dict:
    problems = {}
    if start is None:
        problems["period_start"] = NO_START
    elif start < EARLIEST:
        problems["period_start"] = START_TOO_EARLY
    if end is None:
        problems["period_end"] = NO_END
    elif end > today:
        problems["period_end"] = END_IN_FUTURE
    elif start is not None and end < start:
        problems["period_end"] = END_BEFORE_START
    return problems


def commentary_field(key: str) -> str:
    """The name a problem with one section's commentary is reported under."""
    return f"commentary:{key}"


def _clean_commentary(commentary: dict, keep: dict) -> tuple[dict, dict]:
    """The commentary to store (stripped, empty sections left out, sections the report no longer
    has kept as they were) and any problems with it."""
    known = set(board_report.section_keys())
    problems = {}
    cleaned = {k: v for k, v in keep.items() if k not in known}
    for key, text in (commentary or {}).items():
        if key not in known:
            problems[None] = UNKNOWN_SECTION.format(key=key)
            continue
        text = (text or "").strip().replace("\r\n", "\n")
        if len(text) > board_report.COMMENTARY_MAX:
            problems[commentary_field(key)] = (
                f"The commentary must be {board_report.COMMENTARY_MAX:,} characters or fewer "
                f"(it has {len(text):,}): the report's commentary is a short reading of the "
                "figures."
            )
        elif text:
            cleaned[key] = text
    return cleaned, problems


@once_per_form(BoardReport)
def board_report_create(
    *,
    title: str,
    period_start: date | None,
    period_end: date | None,
    acting_user,
    now: datetime,
    request=None,
) -> BoardReport:
    """Start a board report for a period, with no commentary yet. Safe to submit twice: the same
    form token returns the report the first submit made."""
    _require_writer(acting_user)
    problems = _title_problems(title) | _period_problems(
        period_start, period_end, today=today_in_london(now)
    )
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        report = BoardReport(
            title=title.strip(),
            period_start=period_start,
            period_end=period_end,
            commentary={},
            created_by=acting_user,
        )
        full_clean_or_refuse(report)
        report.save()
        audit.record(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            at=now,
            obj=report,
            detail={"page": "board report", "period": [str(period_start), str(period_end)]},
            request=request,
        )
    return report


def board_report_update(
    *,
    report: BoardReport,
    title: str,
    commentary: dict,
    version: int,
    acting_user,
    now: datetime,
    request=None,
) -> BoardReport:
    """Save the report's title and its commentary ({section key: text}; an empty text removes
    that section's commentary). `version` is the report's version when the form was opened: if
    someone has saved it since, nothing is saved (StaleEdit) and the form keeps what was typed."""
    _require_writer(acting_user)
    with transaction.atomic():
        current = BoardReport.objects.select_for_update().filter(pk=report.pk).first()
        if current is None:
            raise DomainError("This board report no longer exists.")
        if current.version != version:
            raise StaleEdit("board report")
        cleaned, problems = _clean_commentary(commentary, current.commentary or {})
        problems = _title_problems(title) | problems
        if problems:
            raise DetailsRefused(problems)
        title = title.strip()
        changed_sections = sorted(
            k
            for k in set(cleaned) | set(current.commentary or {})
            if cleaned.get(k) != (current.commentary or {}).get(k)
        )
        changed = (["title"] if title != current.title else []) + (
            ["commentary"] if changed_sections else []
        )
        current.title = title
        current.commentary = cleaned
        current.version += 1
        full_clean_or_refuse(current)
        current.save(update_fields=["title", "commentary", "version", "updated_at"])
        # Which sections changed, never what they say.
        audit.record(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            at=now,
            obj=current,
            detail={"page": "board report", "fields": changed, "sections": changed_sections},
            request=request,
        )
    return current
