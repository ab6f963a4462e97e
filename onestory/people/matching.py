"""Finding people who may already be known: candidates from indexed SQL, scored in Python.

The database does the cheap part, a handful of indexed look-ups each capped so that a common
surname cannot flood the search; `match_rules` does the careful part, comparing every candidate
with what was typed and saying why it matched. The same engine scores pairs for the
possible-duplicates queue.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from onestory.access import audit
from onestory.access.selectors import (
    audit_views,
    caseload_of,
    identifying_details_hidden,
    identifying_details_hidden_from,
    openable_ids,
)
from onestory.workforce.rules import (
    CASE_ROLES,
    MAY_BREAK_THE_GLASS,
    MAY_RESOLVE_DUPLICATES,
    SEES_IDENTIFYING_DETAILS_OF_ALL,
)

from . import match_rules
from .match_rules import Candidate, Match, NameRecord, Query
from .models import (
    Address,
    ChronologyEntry,
    DuplicateCandidate,
    HouseholdMember,
    Person,
    PersonMerge,
    PersonName,
    Relationship,
)
from .rules import name_key, normalise_nhs_number, normalise_postcode, normalise_upn

# Caps on each look-up. A date of birth is shared by a few dozen people at most; a sound-alike
# first-and-last-name pair by a few hundred in a large authority; a postcode by a few dozen.
DOB_LIMIT = 300
NAME_LIMIT = 300
FAMILY_ONLY_LIMIT = 200
POSTCODE_LIMIT = 200
IDENTIFIER_LIMIT = 20
# A name search with a date of birth looks at records born this many years either side, or on
# the same day and month of any year, so that a mistyped day, month or year is still found.
NAME_YEARS_EITHER_SIDE = 1
RESULTS_SHOWN = 20


@dataclass(frozen=True)
class ScoredPerson:
    """A record and how well it matches, with the details that identify it."""

    person_id: object
    given_name: str
    family_name: str
    date_of_birth: date | None
    postcode: str
    match: Match

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)


def prepare_query(
    *,
    given_name: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
    postcode: str = "",
    nhs_number: str = "",
    upn: str = "",
) -> Query:
    """A query with identifiers and postcode tidied into the form they are stored in."""
    return Query(
        given_name=(given_name or "").strip(),
        family_name=(family_name or "").strip(),
        date_of_birth=date_of_birth,
        postcode=normalise_postcode(postcode) or (postcode or "").strip().upper(),
        nhs_number=normalise_nhs_number(nhs_number) or (nhs_number or "").replace(" ", ""),
        upn=normalise_upn(upn) or (upn or "").replace(" ", "").upper(),
    )


# ---------------------------------------------------------------------------------------------
# Candidates


def _ids(queryset, column: str, limit: int) -> list:
    # order_by() drops the models' default ordering: these reads need no sort.
    return list(queryset.order_by().values_list(column, flat=True)[:limit])


def candidate_ids(query: Query, *, within: QuerySet[Person] | Collection | None = None) -> set:
    """Ids of records worth scoring: each look-up uses an index and is capped.

    `within` (a queryset of people, or their ids) narrows every look-up to those records.
    """
    people = Person.objects.all()
    names = PersonName.objects.all()
    addresses = Address.objects.all()
    if within is not None:
        allowed = within.values("pk") if isinstance(within, QuerySet) else list(within)
        people = people.filter(pk__in=allowed)
        names = names.filter(person_id__in=allowed)
        addresses = addresses.filter(person_id__in=allowed)

    found: set = set()
    if query.nhs_number:
        found.update(_ids(people.filter(nhs_number=query.nhs_number), "pk", IDENTIFIER_LIMIT))
    if query.upn:
        found.update(_ids(people.filter(upn=query.upn), "pk", IDENTIFIER_LIMIT))
    if query.date_of_birth:
        dates = [query.date_of_birth]
        swapped = match_rules.swapped_day_month(query.date_of_birth)
        if swapped:
            dates.append(swapped)
        found.update(_ids(people.filter(date_of_birth__in=dates), "pk", DOB_LIMIT))

    family_key = name_key(query.family_name)
    given_keys = match_rules.given_name_keys(query.given_name)
    if family_key and given_keys:
        # Also the names the other way round (Ali Hassan typed as Hassan Ali).
        swapped_given = name_key(query.family_name)
        swapped_family = name_key(query.given_name)
        by_name = names.filter(
            Q(family_name_key=family_key, given_name_key__in=sorted(given_keys))
            | Q(family_name_key=swapped_family, given_name_key=swapped_given)
        )
        if query.date_of_birth:
            year = query.date_of_birth.year
            by_name = by_name.filter(
                Q(
                    person__date_of_birth__year__gte=year - NAME_YEARS_EITHER_SIDE,
                    person__date_of_birth__year__lte=year + NAME_YEARS_EITHER_SIDE,
                )
                | Q(
                    person__date_of_birth__month=query.date_of_birth.month,
                    person__date_of_birth__day=query.date_of_birth.day,
                )
                | Q(person__date_of_birth__isnull=True)
            )
        found.update(_ids(by_name, "person_id", NAME_LIMIT))
    elif family_key and not query.date_of_birth:
        found.update(_ids(names.filter(family_name_key=family_key), "person_id", FAMILY_ONLY_LIMIT))

    if query.postcode:
        # Everyone who ever lived at the postcode, narrowed to those with a sound-alike first or
        # last name when a name was typed (a postcode can hold a few hundred people over time).
        at_postcode = addresses.filter(postcode=query.postcode)
        if family_key or given_keys:
            same_name = Q()
            if family_key:
                same_name |= Q(person__names__family_name_key=family_key)
            if given_keys:
                same_name |= Q(person__names__given_name_key__in=sorted(given_keys))
            at_postcode = at_postcode.filter(same_name)
        found.update(_ids(at_postcode, "person_id", POSTCODE_LIMIT))
    return found


def load_candidates(ids: Iterable) -> list[Candidate]:
    """The matcher's view of these records (merged-away records are left out), in three queries."""
    ids = list(ids)
    if not ids:
        return []
    # Merged-away records are dropped here rather than in SQL: a "merged_into IS NULL" filter
    # tempts SQLite into scanning the merged_into index instead of looking up primary keys.
    rows = (
        Person.objects.filter(pk__in=ids)
        .order_by()
        .values_list(
            "pk",
            "given_name",
            "middle_names",
            "family_name",
            "date_of_birth",
            "nhs_number",
            "upn",
            "merged_into_id",
        )
    )
    people = {row[0]: row[:-1] for row in rows if row[-1] is None}
    if not people:
        return []
    names: dict = defaultdict(list)
    for person_id, kind, given, family in (
        PersonName.objects.filter(person_id__in=people)
        .order_by()
        .values_list("person_id", "kind", "given_name", "family_name")
    ):
        names[person_id].append(NameRecord(kind, given, family))
    postcodes: dict = defaultdict(list)
    for person_id, postcode, valid_to in (
        Address.objects.filter(person_id__in=people)
        .order_by()
        .values_list("person_id", "postcode", "valid_to")
    ):
        postcodes[person_id].append((postcode, valid_to is None))
    return [_candidate(row, names[pk], postcodes[pk]) for pk, row in people.items()]


def _candidate(row, names: list[NameRecord], postcodes: list) -> Candidate:
    pk, given, middle, family, born, nhs_number, upn = row
    legal = NameRecord("legal", given, family)
    if legal not in names:
        names = [legal, *names]
    return Candidate(
        person_id=pk,
        names=tuple(names),
        date_of_birth=born,
        middle_names=middle,
        postcodes=tuple(postcodes),
        nhs_number=nhs_number,
        upn=upn,
    )


def _current_postcode(candidate: Candidate) -> str:
    return next((p for p, is_current in candidate.postcodes if is_current), "")


def search(
    query: Query, *, within: QuerySet[Person] | Collection | None = None, limit: int = RESULTS_SHOWN
) -> list[ScoredPerson]:
    """Records that may be the person described, best first; `within` narrows what is searched."""
    results = []
    for candidate in load_candidates(candidate_ids(query, within=within)):
        match = match_rules.score(query, candidate)
        if match.band is None:
            continue
        legal = candidate.names[0]
        for name in candidate.names:
            if name.kind == "legal":
                legal = name
                break
        results.append(
            ScoredPerson(
                person_id=candidate.person_id,
                given_name=legal.given_name,
                family_name=legal.family_name,
                date_of_birth=candidate.date_of_birth,
                postcode=_current_postcode(candidate),
                match=match,
            )
        )
    results.sort(key=lambda r: (-r.match.score, r.family_name, r.given_name, str(r.person_id)))
    return results[:limit]


# ---------------------------------------------------------------------------------------------
# Known to us? (what one worker may see)


@dataclass(frozen=True)
class KnownResult:
    person: ScoredPerson
    may_open: bool
    may_break_glass: bool


def known_to_us(user, query: Query, *, now: datetime, request=None) -> list[KnownResult]:
    """Whether the person described is known, as this worker may see it; the search is audited.

    Front-door workers see every match with its identifying details (they must know whether a
    family is known before deciding), with whether they may open it. Other case workers find
    only the records they may open. Restricted records appear only to the people named on them.
    The audit row lists which fields were used and how many results, never what was typed.
    """
    if getattr(user, "role", None) not in CASE_ROLES or not user.is_active:
        raise Http404("No page found")
    sees_all = user.role in SEES_IDENTIFYING_DETAILS_OF_ALL
    with transaction.atomic():
        if sees_all:
            found = search(query)
            ids = [r.person_id for r in found]
            openable = openable_ids(user, ids, now=now)
        else:
            # A caseload is small: read it once and search only within it.
            openable = set(caseload_of(user, now=now).order_by().values_list("pk", flat=True))
            found = search(query, within=openable) if openable else []
            ids = [r.person_id for r in found]
        # Outside the front door a worker sees who someone is only on records they may open,
        # and everything found then is one of those.
        hidden = identifying_details_hidden_from(user, ids, now=now) if sees_all else set()
        results = []
        for scored in found:
            if scored.person_id in hidden:
                continue
            may_open = scored.person_id in openable
            if not (may_open or sees_all):
                continue
            results.append(
                KnownResult(
                    person=scored,
                    may_open=may_open,
                    may_break_glass=not may_open and user.role in MAY_BREAK_THE_GLASS,
                )
            )
        audit.record(
            actor=user,
            action="search",
            at=now,
            request=request,
            detail={"page": "known to us", "fields": query.fields_used(), "results": len(results)},
        )
    return results


# ---------------------------------------------------------------------------------------------
# Possible duplicates: the batch search


@dataclass
class DuplicateSearchCounts:
    people: int = 0
    blocks: int = 0
    blocks_too_large: int = 0
    pairs_compared: int = 0
    pairs_found: int = 0
    already_known: int = 0


def _batch_candidates() -> tuple[dict, dict]:
    """Every record still in use, as candidates, and the blocking keys of each."""
    people = {}
    for row in (
        Person.objects.filter(merged_into__isnull=True)
        .order_by()
        .values_list(
            "pk", "given_name", "middle_names", "family_name", "date_of_birth", "nhs_number", "upn"
        )
        .iterator(chunk_size=5000)
    ):
        people[row[0]] = row
    names: dict = defaultdict(list)
    keys: dict = defaultdict(set)
    for person_id, kind, given, family, given_key, family_key in (
        PersonName.objects.order_by()
        .values_list(
            "person_id", "kind", "given_name", "family_name", "given_name_key", "family_name_key"
        )
        .iterator(chunk_size=5000)
    ):
        if person_id in people:
            names[person_id].append(NameRecord(kind, given, family))
            keys[person_id].add((given_key, family_key))
    postcodes: dict = defaultdict(list)
    for person_id, postcode, valid_to in (
        Address.objects.order_by()
        .values_list("person_id", "postcode", "valid_to")
        .iterator(chunk_size=5000)
    ):
        if person_id in people:
            postcodes[person_id].append((postcode, valid_to is None))
    candidates = {pk: _candidate(row, names[pk], postcodes[pk]) for pk, row in people.items()}
    for pk, row in people.items():
        keys[pk].add((name_key(row[1]), name_key(row[3])))
    return candidates, keys


def _blocks(candidates: dict, keys: dict) -> dict:
    """Records sharing a sound-alike name key and a date of birth (either way round), or an id."""
    blocks: dict = defaultdict(list)
    for pk, candidate in candidates.items():
        if candidate.nhs_number:
            blocks[("nhs", candidate.nhs_number)].append(pk)
        if candidate.upn:
            blocks[("upn", candidate.upn)].append(pk)
        born = candidate.date_of_birth
        if born is None:
            continue
        dates = {born}
        swapped = match_rules.swapped_day_month(born)
        if swapped:
            dates.add(swapped)
        block_keys = set()
        for given_key, family_key in keys[pk]:
            for day in dates:
                if family_key:
                    block_keys.add(("family+dob", family_key, day))
                if given_key:
                    block_keys.add(("given+dob", given_key, day))
            if given_key and family_key:
                block_keys.add(("names+year", given_key, family_key, born.year))
        for key in block_keys:
            blocks[key].append(pk)
    return blocks


def find_duplicate_pairs(
    *,
    max_block: int = 40,
    threshold: int = match_rules.QUEUE_FROM,
    counts: DuplicateSearchCounts | None = None,
) -> Iterator[tuple[object, object, Match]]:
    """Pairs of records that may be the same person, (lower id, higher id, match), each once.

    Blocks larger than `max_block` (a very common name born in one year) are skipped and counted
    rather than compared pair by pair.
    """
    counts = counts if counts is not None else DuplicateSearchCounts()
    candidates, keys = _batch_candidates()
    counts.people = len(candidates)
    blocks = _blocks(candidates, keys)
    decided = set(DuplicateCandidate.objects.values_list("person_a_id", "person_b_id"))
    seen: set = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        counts.blocks += 1
        if len(members) > max_block:
            counts.blocks_too_large += 1
            continue
        for a, b in itertools.combinations(sorted(set(members)), 2):
            if (a, b) in seen:
                continue
            seen.add((a, b))
            if (a, b) in decided:
                counts.already_known += 1
                continue
            counts.pairs_compared += 1
            match = match_rules.compare_records(candidates[a], candidates[b])
            if match.score >= threshold:
                counts.pairs_found += 1
                yield a, b, match


# ---------------------------------------------------------------------------------------------
# Possible duplicates: the queue and the pair page


def _may_resolve(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role in MAY_RESOLVE_DUPLICATES


QUEUE_PAGE = 50


def duplicates_queue(user, *, now: datetime, request=None, limit: int = QUEUE_PAGE) -> dict:
    """Open pairs, best first, without those holding a restricted record the worker is not on.

    Every person shown is audited as listed.
    """
    if not _may_resolve(user):
        raise Http404("No page found")
    pairs = (
        DuplicateCandidate.objects.filter(
            status=DuplicateCandidate.Status.OPEN,
            person_a__merged_into__isnull=True,
            person_b__merged_into__isnull=True,
        )
        .exclude(identifying_details_hidden(user, now=now, field="person_a"))
        .exclude(identifying_details_hidden(user, now=now, field="person_b"))
    )
    shown = list(
        pairs.select_related("person_a", "person_b").order_by("-score", "created_at")[:limit]
    )
    people = {p.person_a_id: p.person_a for p in shown} | {p.person_b_id: p.person_b for p in shown}
    audit_views(user, people.values(), now=now, page="possible duplicates", request=request)
    return {
        "rows": [{"pair": p, "band": match_rules.band_for(round(p.score))} for p in shown],
        "open_pairs": pairs.count(),
        "recent_merges": recent_merges(user, now=now),
    }


def recent_merges(user, *, now: datetime, limit: int = 20) -> list[PersonMerge]:
    """Merges not undone, newest first, that this worker may undo (none with hidden records)."""
    return list(
        PersonMerge.objects.filter(undone_at__isnull=True)
        .exclude(identifying_details_hidden(user, now=now, field="kept"))
        .exclude(identifying_details_hidden(user, now=now, field="merged"))
        .select_related("kept", "merged", "merged_by")
        .order_by("-merged_at")[:limit]
    )


def _side(person: Person) -> dict:
    return {
        "person": person,
        "names": list(person.names.all()),
        "addresses": list(Address.objects.filter(person=person)),
        "relationships": list(
            Relationship.objects.filter(Q(from_person=person) | Q(to_person=person)).select_related(
                "from_person", "to_person"
            )
        ),
        "households": list(
            HouseholdMember.objects.filter(person=person).select_related("household")
        ),
        "chronology_count": ChronologyEntry.objects.filter(person=person).count(),
        "chronology_by_category": list(
            ChronologyEntry.objects.filter(person=person)
            .values("category")
            .annotate(n=Count("pk"))
            .order_by("category")
        ),
    }


def access_duplicate_pair(user, candidate_id, *, now: datetime, request=None) -> DuplicateCandidate:
    """One pair in the queue, if this worker resolves duplicates and may see both records."""
    if not _may_resolve(user):
        raise Http404("No page found")
    pair = (
        DuplicateCandidate.objects.select_related("person_a", "person_b")
        .filter(pk=candidate_id)
        .first()
    )
    if pair is None or identifying_details_hidden_from(
        user, [pair.person_a_id, pair.person_b_id], now=now
    ):
        audit.record(
            actor=user,
            action="denied",
            at=now,
            request=request,
            detail={"page": "possible duplicate", "requested_id": str(candidate_id)},
        )
        raise Http404("No record found")
    return pair


def duplicate_pair_page(user, candidate_id, *, now: datetime, request=None) -> dict:
    """Both records side by side with the evidence; looking at them is audited for each person."""
    with transaction.atomic():
        pair = access_duplicate_pair(user, candidate_id, now=now, request=request)
        for person in (pair.person_a, pair.person_b):
            audit.record(
                actor=user,
                action="view",
                at=now,
                person_id=person.pk,
                obj=person,
                detail={"page": "possible duplicate", "pair": str(pair.pk)},
                request=request,
            )
    return {
        "pair": pair,
        "band": match_rules.band_for(round(pair.score)),
        "sides": [_side(pair.person_a), _side(pair.person_b)],
    }


def merge_history(person_id) -> list[PersonMerge]:
    """Merges into this record, newest first (for its merge history and undo)."""
    return list(
        PersonMerge.objects.filter(kept_id=person_id)
        .select_related("merged", "merged_by", "undone_by")
        .order_by("-merged_at")
    )
