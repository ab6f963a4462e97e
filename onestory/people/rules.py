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
    "other": ("Other relationship", "Other relationship"),
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


def normalise_upn(value: str) -> str | None:
    """A 13-character Unique Pupil Number with a valid check letter (DfE UPN guidance), else None."""
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


def age_in_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
