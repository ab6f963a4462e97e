"""Code lists and validation for people. Pure Python: no Django import.

Code lists are the DfE's, as used by the children in need census and SSDA903
(source: DfE CIN census 2026-27 specification; SSDA903 2026-27 guidance; see DOMAIN.md).
"""

import re
import unicodedata
from datetime import date

import jellyfish
from stdnum.gb import nhs, upn

# DfE ethnicity codes (CIN census / SSDA903 ETHNIC), with their published descriptions.
ETHNICITY = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Caribbean",
    "BAFR": "African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}

# DfE disability codes (CIN census <Disability>).
DISABILITY = {
    "NONE": "No disability",
    "MOB": "Mobility",
    "HAND": "Hand function",
    "PC": "Personal care",
    "INC": "Incontinence",
    "COMM": "Communication",
    "LD": "Learning",
    "HEAR": "Hearing",
    "VIS": "Vision",
    "BEH": "Behaviour",
    "CON": "Consciousness",
    "AUT": "Diagnosed with autism or Asperger syndrome",
    "DDA": "Other disability under the Disability Discrimination Act",
}

# Sex as the CIN census records it from 2024/25 (M, F, U = not known / not recorded).
SEX = {"M": "Male", "F": "Female", "U": "Not known"}

NAME_KINDS = {
    "legal": "Legal name",
    "preferred": "Preferred name",
    "previous": "Previous name",
    "alias": "Also known as",
}

IMMIGRATION_STATUS = {
    "": "Not recorded",
    "citizen": "British or Irish citizen",
    "settled": "Settled status / indefinite leave to remain",
    "pre_settled": "Pre-settled status",
    "leave_to_remain": "Limited leave to remain",
    "asylum_seeker": "Asylum seeker (claim pending)",
    "refugee": "Refugee status",
    "nrpf": "No recourse to public funds",
    "undocumented": "Undocumented",
}

# Relationship kinds, read "from-person is the <kind> of to-person".
RELATIONSHIP_KINDS = {
    "parent": ("Parent", "Child"),
    "step_parent": ("Step-parent", "Step-child"),
    "carer": ("Carer", "Cared for by"),
    "sibling": ("Sibling", "Sibling"),
    "half_sibling": ("Half-sibling", "Half-sibling"),
    "partner": ("Partner", "Partner"),
    "grandparent": ("Grandparent", "Grandchild"),
    "adoptive_parent": ("Adoptive parent", "Adopted child"),
    "foster_carer": ("Foster carer", "Foster child"),
    "other": ("Other relationship", "Other relationship"),
}


# Why an address is withheld from anyone outside the council (people.Address.withheld). Each of
# these is a restricted source: letters and reports carry it only to the council's own staff.
ADDRESS_WITHHELD = {
    "refuge": "A refuge",
    "foster_carer": "A foster carer's home",
    "adopters": "Adopters' or prospective adopters' home",
    "other": "Another safety reason",
}


def relationship_label(kind: str, *, seen_from_subject: bool) -> str:
    """How a relationship reads on the page of the person at either end of it.

    `seen_from_subject` is True on the page of the relationship's from-person: "Alice is the
    parent of Ben" shows on Alice's page as "Child: Ben" and on Ben's page as "Parent: Alice".
    """
    forward, inverse = RELATIONSHIP_KINDS[kind]
    return inverse if seen_from_subject else forward


# Postcode format: the Royal Mail formats (A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA).
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)\s*([0-9][A-Z]{2})$")


def normalise_postcode(value: str) -> str | None:
    """'lu11aa' -> 'LU1 1AA'; None when the text cannot be a UK postcode."""
    match = _POSTCODE.match((value or "").strip().upper().replace("  ", " "))
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


def postcode_sector(postcode: str) -> str:
    """'LU1 1AA' -> 'LU1 1'."""
    return postcode[:-2]


def normalise_nhs_number(value: str) -> str | None:
    """Ten digits with a valid check digit (NHS Data Dictionary, Modulus 11), else None."""
    digits = re.sub(r"[\s-]", "", value or "")
    return digits if nhs.is_valid(digits) else None


def normalise_mobile(value: str) -> str | None:
    """A UK mobile number as 07xxx xxxxxx (from 07..., +447... or 00447...), else None: the
    numbers GOV.UK Notify sends texts to (Ofcom's numbering plan gives mobiles 07 and 11 digits)."""
    digits = re.sub(r"[\s()-]", "", value or "")
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    if not re.fullmatch(r"07\d{9}", digits):
        return None
    return f"{digits[:5]} {digits[5:]}"


def normalise_upn(value: str) -> str | None:
    """A 13-character Unique Pupil Number with a valid check letter (DfE UPN guidance)."""
    compact = re.sub(r"\s", "", value or "").upper()
    return compact if upn.is_valid(compact) else None


def date_of_birth_problem(value: date | None, *, today: date) -> str | None:
    if value is None:
        return None
    if value > today:
        return (
            "Date of birth must be today or in the past. For an unborn baby, leave it blank and "
            "enter the expected date of birth instead."
        )
    if value.year < today.year - 120:
        return "Date of birth must be within the last 120 years. Check the year."
    return None


def fold(text: str) -> str:
    """Lower-case ASCII letters and spaces only: accents dropped, punctuation removed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z ]+", "", ascii_only.replace("-", " ")).strip()


def name_key(name: str) -> str:
    """A sound-alike key for a name: names that sound the same share it (Mohammed, Muhammad).

    The key of the first word (Metaphone) is used, so double-barrelled names are found by
    either half through the other name kinds or the fuzzy comparison.
    """
    folded = fold(name)
    if not folded:
        return ""
    return jellyfish.metaphone(folded.split()[0])[:8]


# A child is a person under 18 (Children Act 1989, s.105(1)).
ADULT_AGE = 18


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_in_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# --- The people record: checks and wording for the record pages (people/actions, forms, views) ---

# An expected date of birth further ahead than a full-term pregnancy cannot be right.
# Source: NHS, "Your due date" — a pregnancy lasts about 40 weeks and is induced by about 42.
LONGEST_PREGNANCY_DAYS = 42 * 7
OLDEST_AGE_YEARS = 120

NAME_KINDS_ADDED_BY_HAND = ("preferred", "previous", "alias")

CHRONOLOGY_CATEGORIES = {
    "record": "Record details",
    "relationship": "Relationships",
    "household": "Family and household",
    "access": "Access to the record",
}


def chronology_category_label(code: str) -> str:
    return CHRONOLOGY_CATEGORIES.get(code) or (code or "Other").replace("_", " ").capitalize()


def person_details_problems(
    *,
    date_of_birth: date | None,
    expected_date_of_birth: date | None,
    estimated_age_years: int | None,
    date_of_death: date | None,
    today: date,
) -> dict[str, str]:
    """The rules a person's dates must keep, as {field name: what to do about it}."""
    problems = {}
    if dob_problem := date_of_birth_problem(date_of_birth, today=today):
        problems["date_of_birth"] = dob_problem
    if expected_date_of_birth is not None:
        if date_of_birth is not None:
            problems["expected_date_of_birth"] = (
                "Expected date of birth is only for a baby not yet born. Remove it, or remove "
                "the date of birth if the baby has not been born."
            )
        elif (expected_date_of_birth - today).days > LONGEST_PREGNANCY_DAYS:
            problems["expected_date_of_birth"] = (
                "Expected date of birth must be within the next 42 weeks. Check the date."
            )
    if estimated_age_years is not None:
        if date_of_birth is not None or expected_date_of_birth is not None:
            problems["estimated_age_years"] = (
                "Estimated age is only for someone whose date of birth is not known. Remove the "
                "estimated age, or remove the date of birth."
            )
        elif estimated_age_years > OLDEST_AGE_YEARS:
            problems["estimated_age_years"] = (
                f"Estimated age must be {OLDEST_AGE_YEARS} or less. Check the number."
            )
    if date_of_death is not None:
        if date_of_death > today:
            problems["date_of_death"] = "Date of death must be today or in the past."
        elif date_of_birth is not None and date_of_death < date_of_birth:
            problems["date_of_death"] = (
                "Date of death must be the same as or after the date of birth. Check both dates."
            )
    return problems


def age_description(
    *,
    date_of_birth: date | None,
    expected_date_of_birth: date | None = None,
    estimated_age_years: int | None = None,
    date_of_death: date | None = None,
    today: date,
) -> str:
    """How old someone is, the way a practitioner says it: "7 months", "9 years", "Unborn"."""
    if date_of_birth is None:
        if expected_date_of_birth is not None:
            return "Unborn"
        if estimated_age_years is not None:
            return f"About {estimated_age_years} (estimated)"
        return "Not known"
    on = date_of_death or today
    years = age_in_years(date_of_birth, on)
    if years >= 2:
        text = f"{years} years"
    else:
        months = (on.year - date_of_birth.year) * 12 + on.month - date_of_birth.month
        months -= on.day < date_of_birth.day
        if months < 1:
            weeks = (on - date_of_birth).days // 7
            text = f"{weeks} week{'s' if weeks != 1 else ''}"
        else:
            text = f"{months} month{'s' if months != 1 else ''}"
    return f"{text} at death" if date_of_death else text


def details_changed_summary(field_labels: list[str]) -> str:
    """The chronology line for an edit: names the fields, never the values."""
    return "Details changed: " + ", ".join(field_labels)


# The other person's relationship as the worker chooses it ("Who is X to this person?"),
# mapped to the stored kind and which end the other person is on.
# (choice, label, kind, other_is_from_person)
RELATIONSHIP_CHOICES = [
    ("parent", "Parent", "parent", True),
    ("child", "Child", "parent", False),
    ("step_parent", "Step-parent", "step_parent", True),
    ("step_child", "Step-child", "step_parent", False),
    ("carer", "Carer", "carer", True),
    ("cared_for", "Someone they care for", "carer", False),
    ("sibling", "Brother or sister", "sibling", True),
    ("half_sibling", "Half-brother or half-sister", "half_sibling", True),
    ("partner", "Partner", "partner", True),
    ("grandparent", "Grandparent", "grandparent", True),
    ("grandchild", "Grandchild", "grandparent", False),
    ("adoptive_parent", "Adoptive parent", "adoptive_parent", True),
    ("adopted_child", "Adopted child", "adoptive_parent", False),
    ("foster_carer", "Foster carer", "foster_carer", True),
    ("foster_child", "Foster child", "foster_carer", False),
    ("other", "Other relationship", "other", True),
]

SYMMETRIC_RELATIONSHIPS = frozenset(
    k for k, (forward, inverse) in RELATIONSHIP_KINDS.items() if forward == inverse
)


def relationship_from_choice(choice: str) -> tuple[str, bool]:
    """(kind, other_is_from_person) for a choice in RELATIONSHIP_CHOICES."""
    for code, _label, kind, other_is_from in RELATIONSHIP_CHOICES:
        if code == choice:
            return kind, other_is_from
    raise KeyError(choice)


_GENDERED = {
    "Parent": ("Mother", "Father"),
    "Child": ("Daughter", "Son"),
    "Step-parent": ("Stepmother", "Stepfather"),
    "Step-child": ("Stepdaughter", "Stepson"),
    "Sibling": ("Sister", "Brother"),
    "Half-sibling": ("Half-sister", "Half-brother"),
    "Grandparent": ("Grandmother", "Grandfather"),
    "Grandchild": ("Granddaughter", "Grandson"),
}


def relationship_label_for(kind: str, *, seen_from_subject: bool, other_sex: str) -> str:
    """What the other person is to the person whose page this is: "Mother", "Brother", "Carer".

    Uses the recorded sex (F/M) of the other person; "U" keeps the neutral word.
    """
    label = relationship_label(kind, seen_from_subject=seen_from_subject)
    female, male = _GENDERED.get(label, (label, label))
    return {"F": female, "M": male}.get(other_sex, label)


def address_dates_problem(
    *, valid_from: date | None, valid_to: date | None, today: date
) -> tuple[str, str] | None:
    """(field, message) when an address's dates cannot be right, else None."""
    if valid_from is not None and valid_from > today:
        return "valid_from", "The date they started living here must be today or in the past."
    if valid_to is not None and valid_to > today:
        return "valid_to", "The date they left must be today or in the past."
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        return (
            "valid_to",
            "The date they left must be the same as or after the date they started living here.",
        )
    return None


def may_open_household(*, visible_current_members: int) -> bool:
    """A worker may open a household when they can open at least one of its current members."""
    return visible_current_members > 0


# The details of a person a worker can change on the edit page, with the words the pages and
# the chronology use for them (lower case, for use inside a sentence).
PERSON_DETAIL_LABELS = {
    "given_name": "first name",
    "middle_names": "middle names",
    "family_name": "last name",
    "date_of_birth": "date of birth",
    "expected_date_of_birth": "expected date of birth",
    "estimated_age_years": "estimated age",
    "sex": "sex",
    "gender_identity": "gender",
    "ethnicity": "ethnicity",
    "first_language": "first language",
    "disabilities": "disabilities",
    "nhs_number": "NHS number",
    "upn": "unique pupil number (UPN)",
    "immigration_status": "immigration status",
    "unaccompanied_asylum_seeking": "unaccompanied asylum-seeking child",
    "email": "email address",
    "mobile": "mobile phone number",
    "date_of_death": "date of death",
}


def sentence_case(label: str) -> str:
    return label[:1].upper() + label[1:]


def disabilities_problem(codes: list[str]) -> str | None:
    """'No disability' cannot sit beside a disability; unknown codes cannot be recorded."""
    if any(code not in DISABILITY for code in codes):
        return "Select disabilities from the list."
    if "NONE" in codes and len(codes) > 1:
        return "Select ‘No disability’ on its own, or select the disabilities that apply."
    return None


def ordered_disabilities(codes: list[str]) -> list[str]:
    """The codes once each, in the order of the code list, so that re-saving is not a change."""
    order = list(DISABILITY)
    return sorted(set(codes), key=order.index)
