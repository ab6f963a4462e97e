"""Checks, made as a social worker records a child's care, that mirror SSDA903 rules our forms
do not refuse (the details may be right, or only wrong together).

Pure Python: plain values in, findings out. Each check names the rule of the sector's validator
it mirrors: csc-validator-be-903 0.1.17, the rules for 2025/26 (lac_validator/rules/lac2022_23
unless said). What our actions already refuse needs no check here: a placement type or provider
outside the code lists (rules 146, 178), a provider for a placement that takes none (178), a
move without a reason for the change (225), care ending without a reason (148, 149). What the
export already writes the DfE's way needs none either: no postcodes or distance under a short
break (214, 398), no reason for a change to or from a temporary placement (226).
"""

from datetime import date

from onestory.core.rules import add_months, day_words
from onestory.frontdoor.census_checks import ERROR, QUERY, SSDA903, Finding

from . import reference

SHORT_BREAKS = reference.SHORT_BREAK_STATUSES
TEMPORARY = reference.TEMPORARY_PLACEMENTS
LONG_TERM_FOSTERING = frozenset({"U1", "U4"})

# Rule 218 (lac2025_26): Ofsted's unique reference number is needed unless the placement is one
# of these (or outside England).
URN_NOT_NEEDED = frozenset(
    {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"}
)
# Rule 222: "XXXXXXX" stands for a number not known; any other URN is refused on these.
URN_NOT_KNOWN = "XXXXXXX"

# Providers that cannot provide these placements: rules 527 (PR1), 528 (PR2), 529 (PR3),
# 530 (PR4), 531 (PR5); rule 550: PR0 (parents) only with P1.
PROVIDER_CANNOT_PROVIDE = {
    "PR1": ("527", frozenset({"P1", "R2", "R5"})),
    "PR2": ("528", frozenset({"P1", "R2", "R5"})),
    "PR3": (
        "529",
        frozenset({"A3", "A4", "A5", "A6", "K1", "K2", "P1", "U1", "U2", "U3", "U4", "U5", "U6"}),
    ),
    "PR4": ("530", frozenset({"P1"})),
    "PR5": ("531", frozenset({"P1"})),
}
PARENTS_PROVIDER = "PR0"
WITH_PARENTS = "P1"

# Youngest age for these placements at the episode's start: rules 372 (R5, 10), 373 (S1, 4),
# 374 (P3, 14).
PLACEMENT_MINIMUM_AGE = {"R5": ("372", 10), "S1": ("373", 4), "P3": ("374", 14)}
# Rule 358: youth justice legal statuses J1 to J3 not under 10 (the 10th birthday counts as
# under: DOB + 10 years >= start).
YOUTH_JUSTICE = frozenset({"J1", "J2", "J3"})
YOUTH_JUSTICE_AGE = 10

# Longest a short-lived legal status may last, in days between its start and end:
# rules 361 (L1 police protection, 72 hours: > 3 days), 362 (L2 emergency protection order,
# > 21 days), 363 (L3 child assessment order, > 7 days).
LONGEST_DAYS = {
    "L1": ("361", 3, "Police protection lasts at most 72 hours"),
    "L2": ("362", 21, "An emergency protection order lasts at most 21 days"),
    "L3": ("363", 7, "A child assessment order lasts at most 7 days"),
}

# Care end reasons and the age a child must have reached on the day care ended: rules 387
# (E5, E6 independent living: 14), 389 (E7 adult social care: 16), 460 (E17 stayed with carers
# at 18: 18).
END_REASON_MINIMUM_AGE = {
    "E5": ("387", 14),
    "E6": ("387", 14),
    "E7": ("389", 16),
    "E17": ("460", 18),
}
# Rule 407: special guardianship orders end care before the 18th birthday (DOB + 18 years
# < end is refused).
SPECIAL_GUARDIANSHIP = frozenset({"E45", "E46", "E47", "E48"})
# Rule 516: E45 and E46 (special guardianship by former foster carers) need a foster placement.
FORMER_FOSTER_CARERS = frozenset({"E45", "E46"})


# What begins a new episode (SSDA903's reason for a new episode, in the words of a change).
STARTS_CARE = "starts care"
MOVES = "moves"
LEGAL_STATUS_CHANGES = "legal status changes"


def _kind(code: str) -> str:
    """'U6' -> 'U6: foster care with other carers: other'."""
    label = reference.PLACEMENT_TYPES.get(code, "")
    return f"{code}: {label[:1].lower()}{label[1:]}" if label else code


def _birthday(born_on: date, years: int) -> date:
    return add_months(born_on, 12 * years)


def placement(
    *,
    place: str,
    provider: str,
    urn: str,
    home_postcode: str,
    placement_postcode: str,
    legal_status: str,
    unaccompanied: bool,
    outside_england: bool,
) -> list[Finding]:
    """A placement's details as SSDA903 will report them."""
    found = []
    if legal_status not in SHORT_BREAKS:
        # An unaccompanied asylum-seeking child's home is abroad: no home postcode is asked.
        needed = [("placement postcode", placement_postcode)]
        if not unaccompanied:
            needed.insert(0, ("home postcode", home_postcode))
        missing = [what for what, value in needed if not (value or "").strip()]
        if missing:
            # Rule 392b: home and placement postcodes for every child not on a short break
            # (unaccompanied asylum-seeking children are left out).
            found.append(
                Finding(
                    SSDA903,
                    "392b",
                    ERROR,
                    f"SSDA903: the {' and the '.join(missing)} "
                    f"{'are' if len(missing) > 1 else 'is'} missing. The DfE rejects a "
                    "placement without both postcodes (rule 392b). Correct the placement and "
                    "add the postcode.",
                )
            )
    if (
        place != WITH_PARENTS
        and home_postcode
        and placement_postcode
        and _postcode_key(home_postcode) == _postcode_key(placement_postcode)
    ):
        # Rule 392d: the same home and placement postcode only for a placement with parents.
        found.append(
            Finding(
                SSDA903,
                "392d",
                ERROR,
                "SSDA903: the placement postcode is the same as the child's home postcode. The "
                "DfE rejects this unless the child is placed with parents (rule 392d). Check the "
                "home postcode is the child's home before care, and correct the placement.",
            )
        )
    found += _provider(place, provider)
    urn = (urn or "").strip()
    if urn and urn.upper() != URN_NOT_KNOWN and place in URN_NOT_NEEDED:
        # Rule 222 (lac2025_26): no URN for these placements.
        found.append(
            Finding(
                SSDA903,
                "222",
                ERROR,
                "SSDA903: an Ofsted unique reference number is recorded, but this kind of "
                f"placement ({_kind(place)}) takes none. The DfE rejects this (rule 222). "
                "Correct the placement and remove the number.",
            )
        )
    elif not urn and place not in URN_NOT_NEEDED and not outside_england:
        # Rule 218 (lac2025_26): a URN for every other placement in England. The export writes
        # XXXXXXX ("not known") rather than leave it blank, so this is asked, not refused.
        found.append(
            Finding(
                SSDA903,
                "218",
                QUERY,
                "SSDA903: the provider's Ofsted unique reference number is missing, and this "
                f"kind of placement ({_kind(place)}) needs one (rule 218). Without it the return "
                "says the number is not known. Correct the placement and add the number from "
                "the provider or Ofsted's register.",
            )
        )
    return found


def _postcode_key(value: str) -> str:
    return "".join(value.split()).upper()


def _provider(place: str, provider: str) -> list[Finding]:
    if provider == PARENTS_PROVIDER and place != WITH_PARENTS:
        rule = "550"
    elif provider in PROVIDER_CANNOT_PROVIDE and place in PROVIDER_CANNOT_PROVIDE[provider][1]:
        rule = PROVIDER_CANNOT_PROVIDE[provider][0]
    else:
        return []
    who = reference.PLACEMENT_PROVIDERS.get(provider, provider).lower()
    return [
        Finding(
            SSDA903,
            rule,
            ERROR,
            f"SSDA903: {who} ({provider}) cannot provide this kind of placement "
            f"({_kind(place)}). The DfE rejects this combination (rule {rule}). Correct the "
            "placement: check who provides it and the kind of placement.",
        )
    ]


def episode(
    *,
    legal_status: str,
    place: str,
    starts_on: date,
    born_on: date | None,
    change: str,
) -> list[Finding]:
    """An episode of care starting on `starts_on` with this legal status and placement, as
    `change` (STARTS_CARE, MOVES or LEGAL_STATUS_CHANGES) begins it."""
    found = []
    if legal_status in SHORT_BREAKS and place in TEMPORARY:
        # Rule 382: a child on short breaks cannot be in a temporary placement.
        found.append(
            Finding(
                SSDA903,
                "382",
                ERROR,
                f"SSDA903: a child on short breaks ({legal_status}) cannot be in a temporary "
                f"placement ({place}). The DfE rejects this (rule 382). Record where the short "
                "break is, or check the legal status.",
            )
        )
    if legal_status in SHORT_BREAKS and place in LONG_TERM_FOSTERING:
        # Rule 384: a child on short breaks cannot be in a long-term foster placement.
        found.append(
            Finding(
                SSDA903,
                "384",
                ERROR,
                f"SSDA903: a child on short breaks ({legal_status}) cannot be in a long-term "
                f"foster placement ({place}). The DfE rejects this (rule 384). Check the legal "
                "status and the kind of placement.",
            )
        )
    if place in TEMPORARY and change in (STARTS_CARE, LEGAL_STATUS_CHANGES):
        # Rule 380: a temporary placement only as a move of placement and carer (reason for
        # new episode P or B): never when care starts (S) or the legal status changes (L).
        found.append(
            Finding(
                SSDA903,
                "380",
                ERROR,
                f"SSDA903: care cannot start in a temporary placement ({place}). The DfE "
                "rejects this (rule 380). Record the child's first usual placement; a "
                "temporary move comes after it."
                if change == STARTS_CARE
                else f"SSDA903: the legal status changed while the child was in a temporary "
                f"placement ({place}). The DfE rejects this (rule 380). Record the child's "
                "return to their usual placement first, then the new legal status.",
            )
        )
    if born_on is not None:
        if legal_status in YOUTH_JUSTICE and _birthday(born_on, YOUTH_JUSTICE_AGE) >= starts_on:
            # Rule 358: J1 to J3 not for a child under 10 (at the episode's start).
            found.append(
                Finding(
                    SSDA903,
                    "358",
                    ERROR,
                    f"SSDA903: the legal status {legal_status} is for children aged 10 or over; "
                    "this child was under 10 on "
                    f"{day_words(starts_on)}. The DfE rejects this (rule 358). Check the legal "
                    "status and the child's date of birth.",
                )
            )
        if place in PLACEMENT_MINIMUM_AGE:
            rule, age = PLACEMENT_MINIMUM_AGE[place]
            if starts_on < _birthday(born_on, age):
                # Rules 372, 373, 374: the youngest age for youth custody, a residential school,
                # residential employment.
                found.append(
                    Finding(
                        SSDA903,
                        rule,
                        ERROR,
                        f"SSDA903: this kind of placement ({_kind(place)}) is for children aged "
                        f"{age} or over; this child was under {age} on {day_words(starts_on)}. "
                        f"The DfE rejects this (rule {rule}). Check the kind of placement and "
                        "the child's date of birth.",
                    )
                )
    return found


def short_lived_status(*, status: str, starts_on: date, ends_on: date) -> list[Finding]:
    """A police protection, emergency protection order or child assessment order that lasted
    (or, while it goes on, has lasted until `ends_on`) longer than the law allows."""
    if status not in LONGEST_DAYS:
        return []
    rule, days, law = LONGEST_DAYS[status]
    if (ends_on - starts_on).days <= days:
        return []
    return [
        Finding(
            SSDA903,
            rule,
            ERROR,
            f"SSDA903: the legal status {status} began on {day_words(starts_on)} and lasted "
            f"{(ends_on - starts_on).days} days. {law} (Children Act 1989): the DfE rejects "
            f"this (rule {rule}). Record the legal status that followed, from the day it "
            "began.",
        )
    ]


def care_end(*, reason: str, ends_on: date, born_on: date | None, last_place: str) -> list[Finding]:
    """A period of care ending on `ends_on` for `reason`, from the placement `last_place`."""
    found = []
    if last_place in TEMPORARY:
        # Rule 381: a period of care cannot end with a temporary placement.
        found.append(
            Finding(
                SSDA903,
                "381",
                ERROR,
                f"SSDA903: care ended while the child was in a temporary placement "
                f"({last_place}). The DfE rejects this (rule 381). Record the move back to the "
                "child's usual placement before the day care ended.",
            )
        )
    if reason in FORMER_FOSTER_CARERS and last_place not in reference.FOSTER_PLACEMENTS:
        # Rule 516: E45 and E46 need the child to have been in foster care (U1 to U6).
        found.append(
            Finding(
                SSDA903,
                "516",
                ERROR,
                f"SSDA903: care ended with a special guardianship order to former foster carers "
                f"({reason}), but the last placement was not foster care ({last_place}). The DfE "
                "rejects this (rule 516). Check the reason care ended (E47 or E48 are for "
                "carers who had not fostered).",
            )
        )
    if born_on is None:
        return found
    if reason in END_REASON_MINIMUM_AGE:
        rule, age = END_REASON_MINIMUM_AGE[reason]
        if ends_on < _birthday(born_on, age):
            # Rules 387, 389, 460: independent living from 14, adult social care from 16,
            # staying with carers at 18.
            found.append(
                Finding(
                    SSDA903,
                    rule,
                    ERROR,
                    f"SSDA903: the reason care ended ({reason}: "
                    f"{reference.CARE_END_REASONS[reason].lower()}) is for young people aged "
                    f"{age} or over; this child was under {age} on {day_words(ends_on)}. The "
                    f"DfE rejects this (rule {rule}). Check the reason and the child's date of "
                    "birth.",
                )
            )
    if reason in SPECIAL_GUARDIANSHIP and _birthday(born_on, 18) < ends_on:
        # Rule 407: a special guardianship order for a young person already 18.
        found.append(
            Finding(
                SSDA903,
                "407",
                ERROR,
                f"SSDA903: care ended with a special guardianship order ({reason}) after the "
                "young person's 18th birthday. The DfE rejects this (rule 407). Check the "
                "reason care ended and the date.",
            )
        )
    return found
