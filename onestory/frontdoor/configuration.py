"""The council's front-door settings: the names of its levels of need, and which decisions a
manager signs off.

Settings are dated rows. A change adds a row from a date and never rewrites an earlier one, so
every decision keeps the level name and sign-off rule it was made under. Reading the settings is
not a read of case data: anyone allowed onto the settings page sees all of them.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

from onestory.access import audit
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit, full_clean_or_refuse
from onestory.workforce.rules import Role

from . import rules
from .actions import may_sign_off
from .models import LevelOfNeed, SignOffSetting

LEVEL_NAME_MAX = LevelOfNeed._meta.get_field("name").max_length
PAGE = "front door settings"


def may_configure(user) -> bool:
    """The system administrator, and managers who sign off front-door decisions."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role == Role.ADMIN or may_sign_off(user)


def _require_configurer(user) -> None:
    if not may_configure(user):
        raise DomainError(
            "Only the system administrator or a front door manager can change these settings."
        )


def _start_problem(valid_from: date | None, *, today: date) -> str | None:
    if valid_from is None:
        return "Enter the date the change starts from."
    if valid_from < today:
        # Decisions made since that date were made under the old setting; starting the change
        # earlier would make the history say otherwise.
        return (
            "The change can start today or later: decisions already made keep the setting "
            "they were made under."
        )
    return None


def _lock(rows) -> None:
    """Wait for any other change to these settings to finish, one after the other.

    The caller reads the rows again afterwards, in a new statement, so that it sees a row the
    other change added (a locking read only sees the rows that existed when it started).
    """
    list(rows.select_for_update().values_list("pk", flat=True))


# --- Levels of need ------------------------------------------------------------------------


@dataclass
class LevelHistory:
    level: int
    current: LevelOfNeed | None
    # The newest row: the one a rename follows on from (it may start in the future).
    latest: LevelOfNeed
    rows: list[LevelOfNeed]


def levels_with_history(today: date) -> list[LevelHistory]:
    """Each level of need: its name today, the row a rename follows, and every name it had."""
    rows = list(LevelOfNeed.objects.select_related("changed_by").order_by("level", "-valid_from"))
    levels = []
    for number in sorted({r.level for r in rows}):
        mine = [r for r in rows if r.level == number]
        current = next(
            (
                r
                for r in mine
                if r.valid_from <= today and (r.valid_to is None or r.valid_to > today)
            ),
            None,
        )
        levels.append(LevelHistory(level=number, current=current, latest=mine[0], rows=mine))
    return levels


def latest_level(level: int) -> LevelOfNeed | None:
    """The row a rename of this level follows on from: the one without an end date."""
    return (
        LevelOfNeed.objects.filter(level=level, valid_to__isnull=True)
        .order_by("-valid_from")
        .first()
    )


def level_rename(
    *,
    level: int,
    name: str,
    description: str,
    valid_from: date | None,
    version: int,
    acting_user,
    now: datetime,
    request=None,
) -> LevelOfNeed:
    """Name a level of need differently from a date: a new row from `valid_from`, and the
    previous row ends that day. `version` is the level's version when the form was opened.

    The version carries on from row to row, so a form opened before someone else's rename is
    refused as stale rather than renaming on top of theirs.
    """
    _require_configurer(acting_user)
    problems = {}
    if not (name or "").strip():
        problems["name"] = "Enter the level's new name."
    elif len(name.strip()) > LEVEL_NAME_MAX:
        problems["name"] = f"The name must be {LEVEL_NAME_MAX} characters or fewer."
    if start := _start_problem(valid_from, today=today_in_london(now)):
        problems["valid_from"] = start
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        _lock(LevelOfNeed.objects.filter(level=level))
        previous = latest_level(level)
        if previous is None:
            raise DomainError("That level of need does not exist.")
        if previous.version != version:
            raise StaleEdit("level of need")
        if valid_from <= previous.valid_from:
            raise DetailsRefused(
                {
                    "valid_from": "The new name must start after "
                    f"{previous.valid_from:%-d %B %Y}, when the name “{previous.name}” started."
                }
            )
        if name.strip() == previous.name and description.strip() == previous.description:
            raise DetailsRefused(
                {"name": "Nothing has changed: this is the level's name and description already."}
            )
        previous.valid_to = valid_from
        previous.version += 1
        full_clean_or_refuse(previous)
        previous.save(update_fields=["valid_to", "version", "updated_at"])
        renamed = LevelOfNeed(
            level=level,
            name=name.strip(),
            description=description.strip(),
            valid_from=valid_from,
            changed_by=acting_user,
            version=previous.version,
        )
        full_clean_or_refuse(renamed)
        renamed.save()
        audit.record(
            actor=acting_user,
            action="update",
            at=now,
            obj=renamed,
            detail={
                "page": PAGE,
                "level": level,
                "name_before": previous.name,
                "name": renamed.name,
                "valid_from": valid_from.isoformat(),
            },
            request=request,
        )
    return renamed


# --- Sign-off -------------------------------------------------------------------------------


@dataclass
class SignOffRow:
    outcome: rules.Outcome
    current: SignOffSetting | None
    # Changes already made that start after today.
    coming: list[SignOffSetting]
    rows: list[SignOffSetting]

    @property
    def needs_sign_off(self) -> bool:
        return bool(self.current and self.current.needs_sign_off)


def sign_off_settings(today: date) -> list[SignOffRow]:
    """For each decision outcome: whether a manager signs it off today, what is coming, and
    every change made."""
    rows = list(SignOffSetting.objects.select_related("changed_by"))
    settings = []
    for outcome in rules.Outcome:
        mine = [r for r in rows if r.outcome == outcome]  # newest first (Meta.ordering)
        settings.append(
            SignOffRow(
                outcome=outcome,
                current=next((r for r in mine if r.valid_from <= today), None),
                coming=[r for r in reversed(mine) if r.valid_from > today],
                rows=mine,
            )
        )
    return settings


def sign_off_change(
    *,
    outcome: str,
    needs_sign_off: bool | None,
    valid_from: date | None,
    acting_user,
    now: datetime,
    request=None,
) -> SignOffSetting:
    """Say from a date whether decisions with this outcome wait for a manager's sign-off.

    Decisions already made keep the sign-off they were made with.
    """
    _require_configurer(acting_user)
    problems = {}
    if outcome not in {o.value for o in rules.Outcome}:
        problems["outcome"] = "Choose the kind of decision."
    if needs_sign_off is None:
        problems["needs_sign_off"] = "Say whether a manager must sign these decisions off."
    if start := _start_problem(valid_from, today=today_in_london(now)):
        problems["valid_from"] = start
    if problems:
        raise DetailsRefused(problems)
    outcome = rules.Outcome(outcome)
    with transaction.atomic():
        _lock(SignOffSetting.objects.filter(outcome=outcome))
        rows = list(SignOffSetting.objects.filter(outcome=outcome))
        latest = rows[0] if rows else None
        if latest is not None and valid_from < latest.valid_from:
            raise DetailsRefused(
                {
                    "valid_from": "A change already starts on "
                    f"{latest.valid_from:%-d %B %Y}: this one must start on that day or later."
                }
            )
        in_force = next((r for r in rows if r.valid_from <= valid_from), None)
        if in_force is not None and in_force.needs_sign_off == needs_sign_off:
            raise DetailsRefused(
                {
                    "needs_sign_off": "That is the setting already: "
                    + (
                        "a manager signs these decisions off."
                        if needs_sign_off
                        else "these decisions take effect without sign-off."
                    )
                }
            )
        setting = SignOffSetting(
            outcome=outcome,
            needs_sign_off=needs_sign_off,
            valid_from=valid_from,
            changed_by=acting_user,
        )
        full_clean_or_refuse(setting)
        setting.save()
        audit.record(
            actor=acting_user,
            action="update",
            at=now,
            obj=setting,
            detail={
                "page": PAGE,
                "outcome": outcome.value,
                "needs_sign_off": needs_sign_off,
                "valid_from": valid_from.isoformat(),
            },
            request=request,
        )
    return setting
