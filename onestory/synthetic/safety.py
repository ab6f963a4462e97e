"""What the synthetic town's records hold back and how its adults can be reached, so letters,
reports and notifications have real cases to get right.

As the town is written, and after its social care is:
- Contact details: most adults have a mobile number and many an email address. Numbers come
  from Ofcom's range kept for drama (07700 900000 to 07700 900999), addresses from example.org
  (reserved by RFC 2606): none can reach a real person.
- Domestic abuse: where a child's social care assessment records domestic abuse (the CIN
  census factors 3A, 3B and 3C), the child's parents' partner relationship records the father
  (or, with no father, the partner recorded first) as alleged to have harmed the other parent.
- Refuges: of those mothers, about one in twelve has moved with the children to a refuge: their
  current addresses are withheld.
- Foster carers' homes are withheld (families.foster_household relates them as foster carers).
Each choice is a hash of the person's id and the seed, so the town's other draws are untouched.
"""

import hashlib

from django.db.models import Q

from onestory.core.rules import add_months
from onestory.people.models import Address, Person, Relationship
from onestory.socialcare.models import Assessment

from .drafts import REFERENCE_DATE

# Children's social care assessment factors for domestic abuse (DfE, Children in need census
# 2025 to 2026 guide, annex: factors identified at the end of assessment, 3A to 3C).
DOMESTIC_ABUSE_FACTORS = frozenset({"3A", "3B", "3C"})
MOBILE_SHARE = 0.8
EMAIL_SHARE = 0.55
REFUGE_SHARE = 1 / 12


def _draw(seed: int, key, purpose: str) -> float:
    """A number in [0, 1) fixed by the seed, the record and the purpose."""
    digest = hashlib.blake2b(f"{seed}:{purpose}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def give_contact_details(person: Person, *, seed: int) -> None:
    """Set an adult's mobile and email as the town writes them (a hash of their id and the seed;
    children and the dead get none)."""
    born = person.date_of_birth
    if born is None or person.date_of_death is not None:
        return
    if add_months(born, 18 * 12) > REFERENCE_DATE:
        return
    mobile = _draw(seed, person.pk, "mobile")
    if mobile < MOBILE_SHARE:
        person.mobile = f"07700 900{int(mobile * 10**6) % 1000:03d}"
    if _draw(seed, person.pk, "email") < EMAIL_SHARE:
        local = f"{person.given_name}.{person.family_name}".lower()
        person.email = f"{''.join(c for c in local if c.isalnum() or c == '.')}@example.org"


def _domestic_abuse(seed: int) -> tuple[int, int]:
    """(partner relationships marked, people moved to a refuge)."""
    children = {
        person_id
        for person_id, factors in Assessment.objects.values_list("person_id", "factors")
        if DOMESTIC_ABUSE_FACTORS.intersection(factors or [])
    }
    # Filtered here rather than with IN lists of thousands of ids, which PostgreSQL plans badly
    # on tables just bulk-loaded and not yet analysed.
    parents: dict = {}
    for parent, child in Relationship.objects.filter(kind="parent").values_list(
        "from_person_id", "to_person_id"
    ):
        if child in children:
            parents.setdefault(parent, set()).add(child)
    couples = [
        r
        for r in Relationship.objects.filter(kind="partner").only(
            "pk", "from_person_id", "to_person_id", "alleged_harm"
        )
        if r.from_person_id in parents and r.to_person_id in parents
    ]
    men = set(Person.objects.filter(sex="M").values_list("pk", flat=True))
    marked, refuge = [], set()
    for couple in couples:
        if couple.to_person_id in men and couple.from_person_id not in men:
            # The relationship reads from the one alleged to have harmed the other.
            couple.from_person_id, couple.to_person_id = couple.to_person_id, couple.from_person_id
        couple.alleged_harm = True
        marked.append(couple)
        victim = couple.to_person_id
        if _draw(seed, victim, "refuge") < REFUGE_SHARE:
            refuge |= {victim, *parents.get(victim, ())}
    Relationship.objects.bulk_update(
        marked, ["from_person", "to_person", "alleged_harm"], batch_size=500
    )
    Address.objects.filter(person_id__in=refuge, valid_to__isnull=True).update(withheld="refuge")
    return len(marked), len(refuge)


def _foster_homes() -> int:
    carers = Relationship.objects.filter(kind="foster_carer").values("from_person_id")
    return Address.objects.filter(
        Q(person_id__in=carers)
        | Q(person_id__in=Relationship.objects.filter(kind="foster_carer").values("to_person_id")),
        valid_to__isnull=True,
    ).update(withheld="foster_carer")


def mark(*, seed: int) -> dict[str, int]:
    """Write the safety markers (the contact details are given as people are written: see
    give_contact_details); returns what was written, by kind."""
    harmed, in_refuge = _domestic_abuse(seed)
    return {
        "alleged_harm_relationships": harmed,
        "people_in_refuges": in_refuge,
        "foster_homes_withheld": _foster_homes(),
    }
