"""The child's identifier in the statutory returns (the census's LAchildID, SSDA903's CHILD).

Derived from the person's UUID so it is stable from year to year and the same in every return,
without keeping a table of issued numbers. Ten characters: the census's LAchildID is at most
10 characters (DfE CIN census XSD, LAchildID). Upper case, because the sector's validators
capitalise every text column before comparing. Ten hex digits are 40 bits: a clash among a
council's ~20,000 children has odds of about 1 in 5,000,000.
"""

import uuid
from collections.abc import Iterable

from onestory.core.errors import DomainError

CHILD_ID_LENGTH = 10


def child_id(person_id: uuid.UUID | str) -> str:
    """'3f2a9c1e-....' -> '3F2A9C1E7B': the child's identifier in every return."""
    return uuid.UUID(str(person_id)).hex[:CHILD_ID_LENGTH].upper()


def child_ids(person_ids: Iterable) -> dict:
    """Each person's identifier in the returns: the one another system gave them when they were
    imported (kept so that a council's returns keep their identifiers), else `child_id`."""
    from .models import LAChildId

    imported = dict(LAChildId.objects.values_list("person_id", "code"))
    return {pk: imported.get(pk) or child_id(pk) for pk in person_ids}


def check_unique(ids: dict, *, name: str, written: str) -> None:
    """Refuse to write `written` (e.g. "the return") when two children would share one `name`
    (e.g. "census identifier"): person id -> code."""
    seen: dict = {}
    for person_id, code in ids.items():
        if code in seen and seen[code] != person_id:
            raise DomainError(
                f"Two children's records would share the {name} {code}. Tell the service's "
                f"support team: {written} cannot be written until this is resolved."
            )
        seen[code] = person_id
