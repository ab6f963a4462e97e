"""Reads of the service directory: searching it, one service with who last checked it, the
services a practitioner may refer a family to, and the stale entries nobody owns.

Every case role reads the directory (it describes services, not families); other roles see
nothing of it.
"""

import math
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from onestory.access.models import AuditEvent
from onestory.core.clock import today_in_london
from onestory.people.models import Postcode, Ward
from onestory.people.rules import normalise_postcode
from onestory.workforce.models import Worker
from onestory.workforce.rules import CASE_ROLES

from . import rules
from .actions.directory import OWNER_ROLES, may_edit
from .models import Service

READERS = CASE_ROLES
# "Near a postcode": services within this distance, nearest first (hand-set: about two miles,
# the distance a family with a buggy will travel to a group in a town like Luton).
NEAR_METRES = 3200


def may_read(user) -> bool:
    return getattr(user, "role", None) in READERS


def _readable(user) -> QuerySet[Service]:
    if not may_read(user):
        return Service.objects.none()
    return Service.objects.select_related("owner", "ward")


def _text_filter(queryset, query: str):
    for word in (query or "").split()[:8]:
        queryset = queryset.filter(
            Q(name__icontains=word)
            | Q(organisation__icontains=word)
            | Q(description__icontains=word)
            | Q(eligibility__icontains=word)
            | Q(categories__icontains=word)
        )
    return queryset


def _category_filter(services, category: str):
    """Categories are a JSON list: matched in Python, whatever the database."""
    if not category:
        return list(services)
    wanted = category.casefold()
    return [s for s in services if wanted in {c.casefold() for c in s.categories or []}]


def services_for_referral(user, *, query: str = "", category: str = "") -> list[Service]:
    """Active services matching the words and category, for the referral form: those that take
    referrals through onestory first, then the signpost-only ones, each A to Z. Empty for a
    worker who may not read the directory."""
    services = _text_filter(_readable(user).filter(active=True), query)
    return _category_filter(services.order_by("-accepts_referrals", "name"), category)


def categories(user) -> list[str]:
    """Every category used by an active service, A to Z."""
    names = {}
    for listed in _readable(user).filter(active=True).values_list("categories", flat=True):
        for name in listed or []:
            names.setdefault(name.casefold(), name)
    return sorted(names.values(), key=str.casefold)


def wards() -> QuerySet[Ward]:
    return Ward.objects.filter(valid_to__isnull=True).order_by("name")


@dataclass
class Found:
    service: Service
    stale: bool
    # Metres from the postcode searched near (None when not searching near a postcode or the
    # service's postcode is not known).
    metres: int | None = None

    @property
    def distance(self) -> str:
        if self.metres is None:
            return ""
        miles = self.metres / 1609.344
        return f"{miles:.1f} miles"


@dataclass
class Search:
    results: list
    # The postcode searched near was not found in the area's postcodes.
    postcode_unknown: bool = False


def search(
    user,
    *,
    today: date,
    query: str = "",
    category: str = "",
    age: int | None = None,
    ward: str = "",
    near: str = "",
    include_inactive: bool = False,
) -> Search:
    """The directory's search: words in the name, organisation, description or eligibility; a
    category; a child's age (services for that age, or for any age); a ward; and near a
    postcode (within NEAR_METRES, nearest first; services with no postcode are left out)."""
    services = _readable(user)
    if not include_inactive:
        services = services.filter(active=True)
    services = _text_filter(services, query)
    if age is not None:
        services = services.filter(
            Q(youngest_years__isnull=True) | Q(youngest_years__lte=age),
            Q(oldest_years__isnull=True) | Q(oldest_years__gte=age),
        )
    if ward:
        services = services.filter(ward_id=ward)
    found = [
        Found(service=s, stale=rules.is_stale(s.last_checked_on, today))
        for s in _category_filter(services.order_by("name"), category)
    ]
    if not near:
        return Search(results=found)
    origin = Postcode.objects.filter(postcode=normalise_postcode(near) or "").first()
    if origin is None:
        return Search(results=[], postcode_unknown=True)
    grid = {
        p.postcode: (p.easting, p.northing)
        for p in Postcode.objects.filter(postcode__in={f.service.postcode for f in found})
    }
    near_ones = []
    for item in found:
        point = grid.get(item.service.postcode)
        if point is None:
            continue
        item.metres = round(math.dist(point, (origin.easting, origin.northing)))
        if item.metres <= NEAR_METRES:
            near_ones.append(item)
    near_ones.sort(key=lambda f: (f.metres, f.service.name))
    return Search(results=near_ones)


def service_or_none(user, pk) -> Service | None:
    return _readable(user).filter(pk=pk).first()


@dataclass
class LastCheck:
    day: date | None
    by: Worker | None
    # True when the day came from an Open Referral UK feed (nobody here checked it).
    from_feed: bool = False


def last_check(service: Service) -> LastCheck:
    """When the entry was last checked, and by whom: the latest save or "checked today" in the
    audit trail on that day; an imported entry's day comes from its feed."""
    if service.last_checked_on is None:
        return LastCheck(day=None, by=None)
    event = (
        AuditEvent.objects.filter(
            object_type=service._meta.label_lower,
            object_id=str(service.pk),
            action__in=[AuditEvent.Action.UPDATE, AuditEvent.Action.CREATE],
            actor__isnull=False,
        )
        .exclude(detail__page="service directory reminders")
        .select_related("actor")
        .order_by("-at")
        .first()
    )
    if event is not None and today_in_london(event.at) >= service.last_checked_on:
        return LastCheck(day=service.last_checked_on, by=event.actor)
    return LastCheck(
        day=service.last_checked_on,
        by=None,
        from_feed=service.source == Service.Source.OPEN_REFERRAL,
    )


def stale_without_owner(user, *, today: date) -> list[Service]:
    """Active stale services nobody owns (nobody is reminded of them): for those who keep the
    directory, so they can give each an owner."""
    if not may_edit(user):
        return []
    services = (
        _readable(user)
        .filter(active=True)
        .filter(Q(owner__isnull=True) | Q(owner__is_active=False))
    )
    return [s for s in services.order_by("name") if rules.is_stale(s.last_checked_on, today)]


def possible_owners() -> QuerySet[Worker]:
    """Workers who may own an entry: those who can keep it up to date and can sign in."""
    return Worker.objects.filter(is_active=True, role__in=[r.value for r in OWNER_ROLES]).order_by(
        "last_name", "first_name", "username"
    )
