"""Placements: moving a child to a new placement, correcting a placement's details, and the
postcodes behind its distance from home and whether it is inside the council's area.

Every change is one transaction with its audit row and a line in the child's chronology.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, full_clean_or_refuse
from onestory.core.idempotency import once_per_form
from onestory.core.rules import day_words
from onestory.people.models import Address
from onestory.people.rules import normalise_postcode

from .. import geography, reference, rules
from ..models import Placement
from .care_common import locked_open_period
from .common import (
    audit_change,
    bump,
    chronology,
    locked,
    refuse_future,
    require_working_role,
)

POSTCODE_FORMAT = "Enter a real postcode, like LU1 1AA."


def home_postcode_of(person_id) -> str:
    """The postcode of the child's current address ("" when none is recorded)."""
    address = (
        Address.objects.filter(person_id=person_id, valid_to__isnull=True)
        .order_by("-valid_from")
        .first()
    )
    return address.postcode if address else ""


def _postcode_problem(value: str, what: str) -> tuple[geography.Place | None, str | None]:
    """(place, None) for a postcode the directory knows; (None, message) otherwise."""
    if not value:
        return None, None
    normal = normalise_postcode(value)
    if normal is None:
        return None, f"The {what} “{value}” is not in the right format. {POSTCODE_FORMAT}"
    place = geography.look_up(normal)
    if place is None:
        return None, (
            f"{normal} is not a real postcode in the postcode directory. Check the {what} "
            "against the address and enter it again."
        )
    return place, None


def placement_geography(*, home_postcode: str, placement_postcode: str) -> dict:
    """The placement's distance and area fields, or DetailsRefused naming the postcode wrong."""
    home, home_problem = _postcode_problem(home_postcode, "home postcode")
    placed, placed_problem = _postcode_problem(placement_postcode, "placement postcode")
    problems = {}
    if home_problem:
        problems["home_postcode"] = home_problem
    if placed_problem:
        problems["placement_postcode"] = placed_problem
    if problems:
        raise DetailsRefused(problems)
    fields = {
        "home_postcode": home.postcode if home else "",
        "placement_postcode": placed.postcode if placed else "",
        "distance_miles": None,
        "placement_area_code": placed.area_code if placed else "",
        "inside_area": None,
        "outside_england": bool(placed and not placed.in_england),
    }
    if placed and placed.in_england:
        fields["inside_area"] = placed.area_code == geography.council_area_code()
    if home and placed and home.grid and placed.grid:
        miles = rules.placement_distance_miles(home.grid, placed.grid)
        fields["distance_miles"] = Decimal(str(miles))
    return fields


def placement_problems(*, place: str, provider: str) -> dict:
    problems = {}
    if place not in reference.PLACEMENT_TYPES:
        problems["place"] = "Choose the kind of placement."
    elif place in reference.PLACEMENTS_WITHOUT_PROVIDER:
        if provider:
            problems["provider"] = (
                "This kind of placement has no provider in the returns: leave the provider empty."
            )
    elif provider not in reference.PLACEMENT_PROVIDERS:
        problems["provider"] = "Choose who provides the placement."
    return problems


def placement_summary(placement: Placement) -> str:
    where = reference.PLACEMENT_TYPES[placement.place]
    if placement.outside_england:
        where += ", outside England"
    elif placement.inside_area is not None:
        where += ", inside the council's area" if placement.inside_area else ", outside the area"
    if placement.distance_miles is not None:
        where += f", {placement.distance_miles} miles from home"
    return where


def new_placement(*, period, person_id, starts_on, details: dict) -> Placement:
    geography_fields = placement_geography(
        home_postcode=details.get("home_postcode", ""),
        placement_postcode=details.get("placement_postcode", ""),
    )
    placement = Placement(
        period=period,
        person_id=person_id,
        place=details["place"],
        provider=details.get("provider", ""),
        carer=details.get("carer", ""),
        urn=details.get("urn", ""),
        starts_on=starts_on,
        long_term=bool(details.get("long_term")),
        **geography_fields,
    )
    full_clean_or_refuse(placement)
    placement.save()
    return placement


PLACEMENT_KEYS = (
    "place",
    "provider",
    "carer",
    "urn",
    "long_term",
    "home_postcode",
    "placement_postcode",
)


@once_per_form(Placement)
def placement_move(
    *,
    person_id,
    period_id,
    version: int | None,
    starts_on: date,
    change_reason: str,
    placement: dict,
    acting_user,
    now: datetime,
    request=None,
) -> Placement:
    """Move the child: the current placement ends on `starts_on` with the reason for the
    change, and the new one starts that day. `version` is the current placement's, as read."""
    require_working_role(acting_user)
    problems = {
        **refuse_future(starts_on, today_in_london(now), "starts_on", "The move"),
        **placement_problems(
            place=placement.get("place", ""), provider=placement.get("provider", "")
        ),
    }
    with transaction.atomic():
        period = locked_open_period(period_id, person_id)
        current = period.placements.filter(ends_on__isnull=True).order_by("-starts_on").first()
        if current is not None:
            current = locked(Placement, current.pk, version=version, what="placement")
            if change_reason not in reference.PLACEMENT_CHANGE_REASONS:
                problems["change_reason"] = "Choose the reason the placement changed."
            if starts_on < current.starts_on:
                problems["starts_on"] = (
                    "The move cannot be before the current placement "
                    f"began ({day_words(current.starts_on)})."
                )
        elif starts_on < period.starts_on:
            problems["starts_on"] = (
                f"The placement cannot start before care began ({day_words(period.starts_on)})."
            )
        if problems:
            raise DetailsRefused(problems)
        if current is not None:
            current.ends_on = starts_on
            current.change_reason = change_reason
            bump(current, "ends_on", "change_reason")
        new = new_placement(
            period=period, person_id=person_id, starts_on=starts_on, details=placement
        )
        audit_change(
            new,
            "create",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": [*PLACEMENT_KEYS, "change_reason"]},
        )
        reason = f" ({reference.PLACEMENT_CHANGE_REASONS[change_reason]})" if current else ""
        chronology(
            [person_id],
            f"Placement changed{reason}. Placed: {placement_summary(new)}.",
            acting_user=acting_user,
            now=now,
            obj=new,
        )
    return new


def placement_edit(
    *,
    person_id,
    placement_id,
    version: int,
    placement: dict,
    acting_user,
    now: datetime,
    request=None,
) -> Placement:
    """Correct a placement's details (kind, provider, carer, URN, postcodes, long-term)."""
    require_working_role(acting_user)
    problems = placement_problems(
        place=placement.get("place", ""), provider=placement.get("provider", "")
    )
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        row = locked(Placement, placement_id, version=version, what="placement")
        if row.person_id != person_id:
            raise Placement.DoesNotExist
        fields = placement_geography(
            home_postcode=placement.get("home_postcode", ""),
            placement_postcode=placement.get("placement_postcode", ""),
        )
        fields.update({k: placement.get(k, "") for k in ("place", "provider", "carer", "urn")})
        fields["long_term"] = bool(placement.get("long_term"))
        changed = [k for k, v in fields.items() if getattr(row, k) != v]
        for key, value in fields.items():
            setattr(row, key, value)
        full_clean_or_refuse(row)
        bump(row, *fields)
        audit_change(
            row,
            "update",
            person_id=person_id,
            acting_user=acting_user,
            now=now,
            request=request,
            detail={"fields": changed},
        )
        chronology(
            [person_id],
            f"Placement details corrected: {placement_summary(row)}.",
            acting_user=acting_user,
            now=now,
            obj=row,
        )
    return row
