"""Writes of family hub sites and activities: adding and changing them, and (managers only)
taking them out of use. Nothing is ever deleted: a site or activity that is no longer used is
made inactive, so the sessions held there stay in the record.

Each action runs in one transaction with its audit row. Time comes in as `now`.
"""

from datetime import datetime

from django.db import transaction

from onestory.access import audit
from onestory.access.models import AuditEvent
from onestory.core.errors import DetailsRefused, DomainError, full_clean_or_refuse
from onestory.core.idempotency import once_per_form
from onestory.core.locking import bump, locked
from onestory.people.models import Postcode
from onestory.people.rules import normalise_postcode
from onestory.workforce.rules import Role

from .. import rules_sites
from ..models import Activity, Session, Site

# Family hub practitioners and team managers run the hubs' sites, activities and sessions.
MANAGES = frozenset({Role.FAMILY_HUB, Role.TEAM_MANAGER})
# Only team managers take a site or an activity out of use (or bring it back): it changes what
# every practitioner can plan.
MAY_DEACTIVATE = frozenset({Role.TEAM_MANAGER})

NOT_A_MANAGER = "Only family hub practitioners and team managers change sites and activities."
ONLY_MANAGERS_DEACTIVATE = (
    "Only a team manager can take a {what} out of use or bring it back. Ask your manager, or "
    "leave “In use” as it was."
)
STILL_HAS_SESSIONS = (
    "This {what} has {count} session{s} still to come. Cancel {them} (or move {them} elsewhere) "
    "before taking the {what} out of use."
)
BAD_POSTCODE = "Enter a real postcode, like LU1 2AB."
SATELLITE_NEEDS_HUB = "Choose the family hub this satellite site or outreach venue belongs to."
HUB_HAS_NO_HUB = "A family hub does not belong to another hub: leave “Belongs to” blank."
HUB_MUST_BE_A_HUB = "Choose a family hub (not a satellite site or outreach venue)."
NAME_TAKEN = "There is already a site called “{name}”. Enter a different name."


def require_manager(acting_user, message: str = NOT_A_MANAGER) -> None:
    if getattr(acting_user, "role", None) not in MANAGES:
        raise DomainError(message)


def _ward_of(postcode: str):
    row = Postcode.objects.select_related("ward").filter(postcode=postcode).first()
    return row.ward if row else None


def _future_sessions(*, now: datetime, **where) -> int:
    return Session.objects.filter(starts_at__gte=now, cancelled_at__isnull=True, **where).count()


def _deactivation_problem(instance, active: bool, *, acting_user, now, what: str, **where):
    if active == instance.active:
        return None
    if acting_user.role not in MAY_DEACTIVATE:
        return ONLY_MANAGERS_DEACTIVATE.format(what=what)
    if not active:
        count = _future_sessions(now=now, **where)
        if count:
            return STILL_HAS_SESSIONS.format(
                what=what,
                count=count,
                s="s" if count != 1 else "",
                them="them" if count != 1 else "it",
            )
    return None


def _create(row, *, what: str, acting_user, now: datetime, request):
    """Store a new site or activity, with its audit row."""
    with transaction.atomic():
        full_clean_or_refuse(row)
        row.save()
        audit.record(
            actor=acting_user,
            action=AuditEvent.Action.CREATE,
            at=now,
            obj=row,
            detail={"page": f"family hub {what}"},
            request=request,
        )
    return row


def _update(
    current, new: dict, problems: dict, *, active: bool, what: str, acting_user, now, request
):
    """Save a locked site's or activity's `new` values and whether it is in use (only managers
    change that, and not while it has sessions to come), refusing everything when anything is
    wrong. The audit row names the fields that changed."""
    problem = _deactivation_problem(
        current, active, acting_user=acting_user, now=now, what=what, **{what: current}
    )
    if problem:
        problems["active"] = problem
    if problems:
        raise DetailsRefused(problems)
    new = new | {"active": active}
    changed = [name for name, value in new.items() if getattr(current, name) != value]
    for name in changed:
        setattr(current, name, new[name])
    full_clean_or_refuse(current)
    bump(current, *changed)
    audit.record(
        actor=acting_user,
        action=AuditEvent.Action.UPDATE,
        at=now,
        obj=current,
        detail={"page": f"family hub {what}", "fields": changed},
        request=request,
    )
    return current


def _site_problems(values: dict, *, site: Site | None) -> tuple[dict, dict]:
    """The cleaned values of a site and any problems with them."""
    problems = {}
    cleaned = dict(values)
    cleaned["name"] = (values.get("name") or "").strip()
    postcode = normalise_postcode(values.get("postcode") or "")
    if postcode is None:
        problems["postcode"] = BAD_POSTCODE
    else:
        cleaned["postcode"] = postcode
    hub = values.get("hub")
    if values.get("kind") == Site.Kind.HUB:
        if hub is not None:
            problems["hub"] = HUB_HAS_NO_HUB
    elif hub is None:
        problems["hub"] = SATELLITE_NEEDS_HUB
    elif hub.kind != Site.Kind.HUB or (site is not None and hub.pk == site.pk):
        problems["hub"] = HUB_MUST_BE_A_HUB
    becomes_satellite = site is not None and values.get("kind") != Site.Kind.HUB
    if becomes_satellite and site.kind == Site.Kind.HUB and site.satellites.exists():
        problems["kind"] = (
            "This hub has satellite sites: move them to another hub before making it a "
            "satellite site or outreach venue."
        )
    if cleaned["name"]:
        others = Site.objects.filter(name__iexact=cleaned["name"])
        if site is not None:
            others = others.exclude(pk=site.pk)
        if others.exists():
            problems["name"] = NAME_TAKEN.format(name=cleaned["name"])
    opening = values.get("opening_times") or {}
    for day, message in rules_sites.opening_times_problems(opening).items():
        problems[f"day_{day}"] = message
    if not problems:
        cleaned["opening_times"] = rules_sites.opening_times_from(opening)
    return cleaned, problems


SITE_FIELDS = ("name", "kind", "hub", "line_1", "line_2", "town", "postcode", "phone")


def _site_values(cleaned: dict) -> dict:
    """A site's stored details from its cleaned values (blank text as "", no hub as None)."""
    values = {f: cleaned.get(f) or ("" if f != "hub" else None) for f in SITE_FIELDS}
    return values | {"opening_times": cleaned["opening_times"]}


@once_per_form(Site)
def site_create(*, values: dict, acting_user, now: datetime, request=None) -> Site:
    """Add a site. `values`: name, kind, hub (a Site or None), line_1, line_2, town, postcode,
    phone, opening_times ({weekday 0-6: (opens, closes)}, blank for a closed day). The ward
    comes from the postcode when the postcode is in the area's reference data."""
    require_manager(acting_user)
    cleaned, problems = _site_problems(values, site=None)
    if problems:
        raise DetailsRefused(problems)
    new = _site_values(cleaned)
    site = Site(**new, ward=_ward_of(new["postcode"]))
    return _create(site, what="site", acting_user=acting_user, now=now, request=request)


def site_update(
    *,
    site: Site,
    values: dict,
    active: bool,
    version: int,
    acting_user,
    now: datetime,
    request=None,
) -> Site:
    """Change a site's details and opening times; managers may also take it out of use (when it
    has no sessions to come) or bring it back. Refused (StaleEdit) if someone saved it since
    the form was opened at `version`."""
    require_manager(acting_user)
    with transaction.atomic():
        current = locked(Site, site.pk, version=version, what="site")
        cleaned, problems = _site_problems(values, site=current)
        new = {}
        if not problems:
            new = _site_values(cleaned)
            if new["postcode"] != current.postcode:
                new["ward"] = _ward_of(new["postcode"])
        return _update(
            current,
            new,
            problems,
            active=active,
            what="site",
            acting_user=acting_user,
            now=now,
            request=request,
        )


ACTIVITY_FIELDS = (
    "name",
    "kind",
    "description",
    "audience",
    "youngest_months",
    "oldest_months",
    "delivered_by",
)


def _activity_problems(values: dict) -> dict:
    problems = {}
    if not (values.get("name") or "").strip():
        problems["name"] = "Enter the activity's name, for example “Stay and play”."
    problem = rules_sites.age_range_problem(
        values.get("youngest_months"), values.get("oldest_months")
    )
    if problem:
        problems["oldest_months"] = problem
    return problems


def _activity_value(values: dict, field: str):
    value = values.get(field)
    if field in ("name", "description"):
        return (value or "").strip()
    return value


@once_per_form(Activity)
def activity_create(*, values: dict, acting_user, now: datetime, request=None) -> Activity:
    """Add an activity. `values`: name, kind, description, audience, youngest_months and
    oldest_months (blank: any age), delivered_by (a partner Agency, or None for the council's
    family hub staff)."""
    require_manager(acting_user)
    problems = _activity_problems(values)
    if problems:
        raise DetailsRefused(problems)
    activity = Activity(**{f: _activity_value(values, f) for f in ACTIVITY_FIELDS})
    return _create(activity, what="activity", acting_user=acting_user, now=now, request=request)


def activity_update(
    *,
    activity: Activity,
    values: dict,
    active: bool,
    version: int,
    acting_user,
    now: datetime,
    request=None,
) -> Activity:
    """Change an activity; managers may also take it out of use (when it has no sessions to
    come) or bring it back. Refused (StaleEdit) if someone saved it since `version`."""
    require_manager(acting_user)
    with transaction.atomic():
        current = locked(Activity, activity.pk, version=version, what="activity")
        return _update(
            current,
            {f: _activity_value(values, f) for f in ACTIVITY_FIELDS},
            _activity_problems(values),
            active=active,
            what="activity",
            acting_user=acting_user,
            now=now,
            request=request,
        )
