"""Writes of the service directory: entering and editing a service, marking it checked, loading
an Open Referral UK feed, and reminding owners of services gone stale.

A directory entry holds no personal data: it describes a service, so audit rows name the service
(its id) and what changed, never a family.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import IntegrityError, transaction

from onestory.access import audit
from onestory.access.models import AuditEvent, Notification
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, full_clean_or_refuse
from onestory.core.idempotency import once_per_form
from onestory.core.locking import bump, locked
from onestory.people.models import Postcode
from onestory.people.rules import normalise_postcode
from onestory.workforce.rules import Role

from .. import rules
from ..models import Service
from ..openreferral import FeedRead, Rejection, ServiceRecord

# Who keeps the directory: family hub and early help practitioners and team managers. Every
# case role reads it (selectors_directory.READERS).
EDITORS = frozenset({Role.FAMILY_HUB, Role.EARLY_HELP, Role.TEAM_MANAGER})
# Who loads a feed: it can change many entries at once, so team managers only.
IMPORTERS = frozenset({Role.TEAM_MANAGER})
# Whom a service's owner may be: someone who can keep it up to date.
OWNER_ROLES = EDITORS

NOT_AN_EDITOR = (
    "Only family hub and early help practitioners and team managers change the service directory."
)
NOT_AN_IMPORTER = "Only team managers load an Open Referral UK feed into the directory."
NO_NAME = "Enter the service's name, for example “Stay and play at Riverside”."
NO_ORGANISATION = "Enter who runs the service, for example “Luton Borough Council”."
BAD_POSTCODE = "Enter a real postcode, like LU1 2AB, or leave it empty if it is not in one place."
AGES_REVERSED = "The youngest age must not be above the oldest age: swap them or correct one."
OWNER_CANNOT_EDIT = (
    "Choose an owner who can keep the entry up to date: a family hub or early help "
    "practitioner, or a team manager, who can sign in."
)

# The details a practitioner types; the rest (source, feed id, check dates) are kept by actions.
EDITABLE = (
    "name",
    "organisation",
    "description",
    "url",
    "email",
    "phone",
    "address",
    "postcode",
    "categories",
    "youngest_years",
    "oldest_years",
    "eligibility",
    "cost",
    "accepts_referrals",
    "owner",
    "active",
)
# What a feed says of a service (an import overwrites these; owner and referrals stay).
FROM_FEED = (
    "name",
    "organisation",
    "description",
    "url",
    "email",
    "phone",
    "address",
    "postcode",
    "categories",
    "youngest_years",
    "oldest_years",
    "eligibility",
    "cost",
    "active",
)


def may_edit(user) -> bool:
    return getattr(user, "role", None) in EDITORS


def may_import(user) -> bool:
    return getattr(user, "role", None) in IMPORTERS


def _require(user, roles, message) -> None:
    if getattr(user, "role", None) not in roles:
        raise DomainError(message)


def _may_own(worker) -> bool:
    return getattr(worker, "role", None) in OWNER_ROLES and worker.is_active


def _ward_of(postcode: str):
    if not postcode:
        return None
    row = Postcode.objects.filter(postcode=postcode).select_related("ward").first()
    return row.ward if row else None


def _clean_categories(categories) -> list[str]:
    names = []
    for name in categories or []:
        name = " ".join(str(name).split())
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


def _clean(details: dict) -> dict:
    """The details as stored, or DetailsRefused with every problem at once."""
    unknown = set(details) - set(EDITABLE)
    if unknown:
        raise DomainError(f"The directory keeps no detail called {sorted(unknown)[0]}.")
    cleaned = dict(details)
    problems = {}
    for key in ("name", "organisation", "url", "email", "phone", "address", "cost"):
        if key in cleaned:
            cleaned[key] = " ".join((cleaned[key] or "").split())
    for key in ("description", "eligibility"):
        if key in cleaned:
            cleaned[key] = (cleaned[key] or "").strip().replace("\r\n", "\n")
    if "name" in cleaned and not cleaned["name"]:
        problems["name"] = NO_NAME
    if "organisation" in cleaned and not cleaned["organisation"]:
        problems["organisation"] = NO_ORGANISATION
    if cleaned.get("postcode"):
        normalised = normalise_postcode(cleaned["postcode"])
        if normalised is None:
            problems["postcode"] = BAD_POSTCODE
        else:
            cleaned["postcode"] = normalised
    elif "postcode" in cleaned:
        cleaned["postcode"] = ""
    if "categories" in cleaned:
        cleaned["categories"] = _clean_categories(cleaned["categories"])
    youngest, oldest = cleaned.get("youngest_years"), cleaned.get("oldest_years")
    if youngest is not None and oldest is not None and youngest > oldest:
        problems["oldest_years"] = AGES_REVERSED
    owner = cleaned.get("owner")
    if owner is not None and not _may_own(owner):
        problems["owner"] = OWNER_CANNOT_EDIT
    if problems:
        raise DetailsRefused(problems)
    return cleaned


@once_per_form(Service)
def service_create(*, details: dict, acting_user, now: datetime, request=None) -> Service:
    """Enter a service in the directory, checked today. Safe to submit twice: the same form
    token returns the service the first submit made."""
    _require(acting_user, EDITORS, NOT_AN_EDITOR)
    cleaned = _clean(details)
    with transaction.atomic():
        service = Service(**cleaned, source=Service.Source.LOCAL)
        service.ward = _ward_of(service.postcode)
        service.last_checked_on = today_in_london(now)
        full_clean_or_refuse(service)
        service.save()
        audit.record(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            at=now,
            obj=service,
            detail={"page": "service directory"},
            request=request,
        )
    return service


def service_update(
    *, service: Service, details: dict, version: int, acting_user, now: datetime, request=None
) -> Service:
    """Save changes to a service. Saving counts as checking it: its last-checked day becomes
    today. `version` is the service's version when the form was opened: if someone has saved it
    since, nothing is saved (StaleEdit)."""
    _require(acting_user, EDITORS, NOT_AN_EDITOR)
    cleaned = _clean(details)
    with transaction.atomic():
        current = locked(Service, service.pk, version=version, what="service")
        changed = [k for k, v in cleaned.items() if getattr(current, k) != v]
        for key, value in cleaned.items():
            setattr(current, key, value)
        current.ward = _ward_of(current.postcode)
        current.last_checked_on = today_in_london(now)
        current.stale_reminded_on = None
        full_clean_or_refuse(current)
        bump(current, *cleaned, "ward", "last_checked_on", "stale_reminded_on")
        audit.record(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            at=now,
            obj=current,
            detail={"page": "service directory", "fields": sorted(changed), "checked": True},
            request=request,
        )
    return current


def service_checked(*, service: Service, acting_user, now: datetime, request=None) -> Service:
    """Record that someone checked the entry today and it is still right: its last-checked day
    becomes today and its owner may be reminded again when it next goes stale. The details are
    not changed, so an edit form open elsewhere can still be saved."""
    _require(acting_user, EDITORS, NOT_AN_EDITOR)
    today = today_in_london(now)
    with transaction.atomic():
        current = locked(Service, service.pk, what="service")
        current.last_checked_on = today
        current.stale_reminded_on = None
        current.save(update_fields=["last_checked_on", "stale_reminded_on", "updated_at"])
        audit.record(
            actor=acting_user,
            action=AuditEvent.Action.UPDATE,
            at=now,
            obj=current,
            detail={"page": "service directory", "fields": ["last_checked_on"], "checked": True},
            request=request,
        )
    return current


# --- Loading an Open Referral UK feed --------------------------------------------------------


@dataclass
class ImportReport:
    """What a feed import did (or, in a dry run, would do)."""

    source: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list = field(default_factory=list)  # openreferral.Rejection
    page_problems: list = field(default_factory=list)
    # Services loaded from a feed before whose ids this feed does not have: left as they are.
    not_in_feed: list = field(default_factory=list)  # (id, name)
    complete: bool = True
    pages_read: int = 0

    @property
    def loaded(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def read(self) -> int:
        return self.loaded + len(self.rejected)

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run else "were"
        out = [
            f"Read {self.read} services from {self.source}"
            + (f" ({self.pages_read} pages)" if self.pages_read > 1 else "")
            + ".",
            f"New services: {self.created}",
            f"Services updated: {self.updated}",
            f"Services unchanged: {self.unchanged}",
            f"Services rejected: {len(self.rejected)}",
        ]
        if self.dry_run:
            out.append("Dry run: nothing was loaded.")
        for problem in self.page_problems:
            out.append(problem)
        if self.rejected:
            out.append(f"These services {verb} not loaded:")
            out += [f"- {r.describe()}" for r in self.rejected]
        if self.not_in_feed:
            out.append(
                f"{len(self.not_in_feed)} services loaded from a feed before are not in this "
                "feed. They are left in the directory as they are: check each with its "
                "organisation and mark it inactive if it has ended."
            )
            out += [f"- {name} (id {external_id})" for external_id, name in self.not_in_feed]
        return out

    def summary(self) -> str:
        return "\n".join(self.lines())


def _feed_values(record: ServiceRecord) -> dict:
    values = {key: getattr(record, key) for key in FROM_FEED}
    values["ward"] = _ward_of(record.postcode)
    return values


def _newer_check(feed_day: date | None, stored: date | None, today: date) -> date | None:
    """The last-checked day after an import: the feed's day when it gives one (never earlier
    than a check already recorded here), else the import day."""
    day = feed_day or today
    if stored is not None and stored > day:
        return stored
    return day


def directory_import(
    *,
    read: FeedRead,
    source: str,
    acting_user,
    now: datetime,
    owner=None,
    dry_run: bool = False,
    request=None,
) -> ImportReport:
    """Load the good services of a read feed in one transaction: each created, or updated by its
    feed id, and checked on the feed's day (or today). Rejected services are reported, never
    loaded; a service loaded before and missing from this feed is left as it is and reported.
    `owner` (optional) becomes the owner of services new to the directory. A dry run checks
    everything and rolls back. Safe to run twice: the second run finds everything unchanged.
    `acting_user` None is the console's scheduled import (`onestory directory_import` run with
    no --as): the audit row then names no worker."""
    if acting_user is not None:
        _require(acting_user, IMPORTERS, NOT_AN_IMPORTER)
    if owner is not None and not _may_own(owner):
        raise DomainError(OWNER_CANNOT_EDIT, field="owner")
    today = today_in_london(now)
    report = ImportReport(
        source=source,
        dry_run=dry_run,
        rejected=list(read.rejected),
        page_problems=list(read.page_problems),
        complete=read.complete,
        pages_read=read.pages_read,
    )
    feed_ids = {record.external_id for record in read.services}
    try:
        with transaction.atomic():
            existing = {
                s.external_id: s
                for s in Service.objects.select_for_update().filter(
                    source=Service.Source.OPEN_REFERRAL, external_id__in=feed_ids
                )
            }
            for record in read.services:
                _load_one(record, existing.get(record.external_id), report, owner, today)
            if read.complete:
                report.not_in_feed = list(
                    Service.objects.filter(source=Service.Source.OPEN_REFERRAL, active=True)
                    .exclude(external_id__in=feed_ids)
                    .order_by("name")
                    .values_list("external_id", "name")
                )
            audit.record(
                actor=acting_user,
                action=AuditEvent.Action.IMPORT,
                at=now,
                detail={
                    "page": "service directory import",
                    "source": source,
                    "dry_run": dry_run,
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "rejected": len(report.rejected),
                    "not_in_feed": len(report.not_in_feed),
                },
                request=request,
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


class _DryRun(Exception):
    """Raised to roll a dry run back."""


def _load_one(record: ServiceRecord, service, report: ImportReport, owner, today: date) -> None:
    values = _feed_values(record)
    if service is None:
        service = Service(
            source=Service.Source.OPEN_REFERRAL, external_id=record.external_id, owner=owner
        )
        is_new = True
    else:
        is_new = False
    changed = [k for k, v in values.items() if getattr(service, k) != v]
    checked = _newer_check(record.last_checked_on, service.last_checked_on, today)
    if not is_new and not changed and checked == service.last_checked_on:
        report.unchanged += 1
        return
    for key, value in values.items():
        setattr(service, key, value)
    if checked != service.last_checked_on:
        service.last_checked_on = checked
        if not rules.is_stale(checked, today):
            service.stale_reminded_on = None
    if not is_new:
        service.version += 1
    try:
        full_clean_or_refuse(service, validate_unique=False, validate_constraints=False)
        with transaction.atomic():
            service.save()
    except (DomainError, IntegrityError) as error:
        message = getattr(error, "message", "it could not be stored")
        report.rejected.append(
            Rejection(
                position=record.position,
                external_id=record.external_id,
                name=record.name,
                reasons=[f"It could not be stored: {message} Correct it in the feed."],
            )
        )
        return
    if is_new:
        report.created += 1
    else:
        report.updated += 1


# --- Reminding owners of stale entries -------------------------------------------------------


@dataclass
class RemindersSent:
    reminded: int = 0
    # Stale active services with no owner (nobody to remind): listed for managers.
    without_owner: list = field(default_factory=list)  # Service


def stale_message(service: Service) -> str:
    """The reminder: names the service and who runs it (never a family)."""
    day = service.last_checked_on
    since = f"has not been checked since {day.day} {day:%B %Y}" if day else "has never been checked"
    return (
        f"Service directory: “{service.name}” {since}. Check it with {service.organisation}, "
        "then update it or press “Checked today”."
    )


def stale_reminders_send(*, now: datetime) -> RemindersSent:
    """Tell the owner of each active service gone stale (rules.is_stale), once for each stale
    spell: the service's stale_reminded_on marks it told until someone checks it again. Safe to
    run as often as you like. Services with no owner are returned, not told to anyone."""
    today = today_in_london(now)
    sent = RemindersSent()
    cutoff = today - rules.STALE_AFTER
    candidates = Service.objects.filter(active=True, stale_reminded_on__isnull=True).filter(
        last_checked_on__isnull=True
    ) | Service.objects.filter(
        active=True, stale_reminded_on__isnull=True, last_checked_on__lte=cutoff
    )
    for service_id in candidates.order_by("name").values_list("pk", flat=True):
        with transaction.atomic():
            service = (
                Service.objects.select_for_update(of=("self",))
                .select_related("owner")
                .filter(pk=service_id)
                .first()
            )
            if (
                service is None
                or not service.active
                or service.stale_reminded_on is not None
                or not rules.is_stale(service.last_checked_on, today)
            ):
                continue
            if service.owner is None or not service.owner.is_active:
                sent.without_owner.append(service)
                continue
            Notification.objects.create(recipient=service.owner, message=stale_message(service))
            service.stale_reminded_on = today
            service.save(update_fields=["stale_reminded_on", "updated_at"])
            audit.record(
                actor=None,
                action=AuditEvent.Action.CREATE,
                at=now,
                obj=service,
                detail={"page": "service directory reminders", "stale": True},
            )
            sent.reminded += 1
    return sent
