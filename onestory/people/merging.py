"""Resolving possible duplicates: record pairs, dismiss a pair, merge two records, undo a merge.

A merge keeps both histories. Every row that points at the merged record is moved to the kept
record, whichever app it belongs to: the links are found through `Person._meta.related_objects`,
so the rows of apps written later follow without a change here. Each moved row is listed on the
`PersonMerge`, so an undo moves exactly those rows back.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import Q
from simple_history.models import HistoricalChanges

from onestory.access import audit
from onestory.access.selectors import identifying_details_hidden_from, visible_to
from onestory.core.errors import DomainError
from onestory.workforce.rules import MAY_RESOLVE_DUPLICATES

from .match_rules import Match
from .models import ChronologyEntry, DuplicateCandidate, Person, PersonMerge

# Rows that describe the merge or the pair themselves, not the person's story: never moved.
NOT_MOVED = {"people.personmerge", "people.duplicatecandidate", "synthetic.plantedduplicate"}
REASON_MIN_LENGTH = 10


class MergeRefused(DomainError):
    pass


def _worker_name(user) -> str:
    return user.get_full_name() or user.username


def _check_may_resolve(acting_user) -> None:
    if getattr(acting_user, "role", None) not in MAY_RESOLVE_DUPLICATES:
        raise MergeRefused(
            "Only front door practitioners and team managers can resolve duplicates."
        )


def _check_reason(reason: str, *, what: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise MergeRefused(
            f"Enter why {what} (at least {REASON_MIN_LENGTH} characters), so others can "
            "check it later",
            field="reason",
        )
    return reason


def evidence_as_data(match: Match) -> list[dict]:
    return [{"text": r.text, "points": r.points} for r in match.reasons]


# ---------------------------------------------------------------------------------------------
# The queue


def duplicates_record(
    *,
    pairs: Iterable[tuple[object, object, Match]],
    acting_user,
    now: datetime,
    batch_size: int = 2000,
) -> int:
    """Store pairs found by the batch search as open candidates; stored pairs are left alone.

    Returns how many new pairs were stored. `acting_user` is None when the system runs the search.
    """
    created = 0
    with transaction.atomic():
        before = DuplicateCandidate.objects.count()
        batch = []
        for a, b, match in pairs:
            low, high = (a, b) if a < b else (b, a)
            batch.append(
                DuplicateCandidate(
                    person_a_id=low,
                    person_b_id=high,
                    score=match.score,
                    evidence=evidence_as_data(match),
                )
            )
            if len(batch) >= batch_size:
                DuplicateCandidate.objects.bulk_create(batch, ignore_conflicts=True)
                batch = []
        if batch:
            DuplicateCandidate.objects.bulk_create(batch, ignore_conflicts=True)
        created = DuplicateCandidate.objects.count() - before
        audit.record(
            actor=acting_user,
            action="create",
            at=now,
            detail={"page": "find duplicates", "new_pairs": created},
        )
    return created


def duplicate_dismiss(
    *, candidate_id, acting_user, now: datetime, request=None
) -> DuplicateCandidate:
    """Record that two records are not the same person, so the pair is not offered again."""
    _check_may_resolve(acting_user)
    with transaction.atomic():
        pair = DuplicateCandidate.objects.select_for_update().filter(pk=candidate_id).first()
        if pair is None or identifying_details_hidden_from(
            acting_user, [pair.person_a_id, pair.person_b_id], now=now
        ):
            raise MergeRefused("This pair of records cannot be found. It may have been removed.")
        if pair.status != DuplicateCandidate.Status.OPEN:
            raise MergeRefused("Someone has already decided about this pair of records.")
        pair.status = DuplicateCandidate.Status.NOT_DUPLICATE
        pair.decided_by = acting_user
        pair.decided_at = now
        pair.version += 1
        pair.full_clean()
        pair.save(update_fields=["status", "decided_by", "decided_at", "version", "updated_at"])
        for person_id in (pair.person_a_id, pair.person_b_id):
            audit.record(
                actor=acting_user,
                action="update",
                at=now,
                person_id=person_id,
                obj=pair,
                detail={"decision": "not the same person"},
                request=request,
            )
    return pair


# ---------------------------------------------------------------------------------------------
# Merge and undo


def person_links() -> list[tuple[type, str]]:
    """(model, field) for every foreign key that points at a person and moves with a merge.

    Left out: simple-history's historical rows (they record the past as it was), the
    `merged_into` self-reference, and the rows that describe merges and possible duplicates.
    """
    links = []
    for rel in Person._meta.related_objects:
        model = rel.related_model
        if issubclass(model, HistoricalChanges) or model._meta.label_lower in NOT_MOVED:
            continue
        if model is Person and rel.field.name == "merged_into":
            continue
        if rel.many_to_many:
            through = rel.through
            for field in through._meta.fields:
                if field.is_relation and field.related_model is Person:
                    links.append((through, field.name))
            continue
        links.append((model, rel.field.name))
    return links


def _move(model, field: str, pks: list, *, to) -> list:
    """Point these rows at `to`; rows their own table will not let move stay. Returns moved pks."""
    manager = model._base_manager
    try:
        with transaction.atomic():
            manager.filter(pk__in=pks).update(**{field: to})
        return pks
    except IntegrityError:
        pass
    moved = []
    for pk in pks:
        try:
            with transaction.atomic():
                manager.filter(pk=pk).update(**{field: to})
            moved.append(pk)
        except IntegrityError:
            continue
    return moved


def _lock_people(*ids) -> dict:
    return {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=ids)}


def person_merge(
    *, kept_id, merged_id, reason: str, acting_user, now: datetime, request=None
) -> PersonMerge:
    """Merge one record into another: all recorded about the merged person moves to the kept one.

    The merged record stays, marked `merged_into`, so the merge can be undone. Rows that cannot
    move because their own table forbids it (for example a second current membership of the same
    household, or a relationship between the two records) stay with the merged record.
    """
    _check_may_resolve(acting_user)
    reason = _check_reason(reason, what="these records are the same person")
    if str(kept_id) == str(merged_id):
        raise MergeRefused("Choose two different records to merge.")
    with transaction.atomic():
        people = _lock_people(kept_id, merged_id)
        kept, merged = people.get(_uuid(kept_id)), people.get(_uuid(merged_id))
        if (
            kept is None
            or merged is None
            or identifying_details_hidden_from(acting_user, [kept_id, merged_id], now=now)
        ):
            raise MergeRefused("One of these records cannot be found. It may have been removed.")
        if merged.merged_into_id is not None:
            raise MergeRefused("This record has already been merged into another record.")
        if kept.merged_into_id is not None:
            raise MergeRefused(
                "The record you chose to keep has already been merged into another record. "
                "Choose the record it was merged into."
            )
        moved, stayed = [], []
        for model, field in person_links():
            pks = list(model._base_manager.filter(**{field: merged}).values_list("pk", flat=True))
            if not pks:
                continue
            done = _move(model, field, pks, to=kept)
            label = model._meta.label_lower
            moved += [{"model": label, "pk": str(pk), "field": field} for pk in done]
            done_set = set(done)
            stayed += [
                {"model": label, "pk": str(pk), "field": field} for pk in pks if pk not in done_set
            ]

        merged.merged_into = kept
        merged.version += 1
        merged.save(update_fields=["merged_into", "version", "updated_at"])
        merge = PersonMerge(
            kept=kept,
            merged=merged,
            reason=reason,
            merged_by=acting_user,
            merged_at=now,
            moved=moved,
        )
        merge.full_clean()
        merge.save()
        DuplicateCandidate.objects.filter(
            Q(person_a=kept, person_b=merged) | Q(person_a=merged, person_b=kept)
        ).update(status=DuplicateCandidate.Status.MERGED, decided_by=acting_user, decided_at=now)

        worker = _worker_name(acting_user)
        _chronology(
            kept,
            now,
            acting_user,
            merge,
            f"A duplicate record was merged into this record by {worker}. Reason: {reason}",
        )
        _chronology(
            merged,
            now,
            acting_user,
            merge,
            f"This record was merged into another record by {worker}. Reason: {reason}",
        )
        detail = {
            "moved": len(moved),
            "stayed": stayed,
            "kept": str(kept.pk),
            "merged": str(merged.pk),
        }
        for person in (kept, merged):
            audit.record(
                actor=acting_user,
                action="merge",
                at=now,
                person_id=person.pk,
                obj=merge,
                reason=reason,
                detail=detail,
                request=request,
            )
    return merge


def person_unmerge(
    *, merge_id, reason: str, acting_user, now: datetime, request=None
) -> PersonMerge:
    """Undo a merge: exactly the rows it moved go back to the merged record, in use again."""
    _check_may_resolve(acting_user)
    reason = _check_reason(reason, what="this merge is being undone")
    with transaction.atomic():
        merge = PersonMerge.objects.select_for_update().filter(pk=merge_id).first()
        if merge is None or identifying_details_hidden_from(
            acting_user, [merge.kept_id, merge.merged_id], now=now
        ):
            raise MergeRefused("This merge cannot be found.")
        if merge.undone_at is not None:
            raise MergeRefused("This merge has already been undone.")
        people = _lock_people(merge.kept_id, merge.merged_id)
        kept, merged = people[merge.kept_id], people[merge.merged_id]
        if kept.merged_into_id is not None:
            raise MergeRefused(
                "The kept record has since been merged into another record. Undo that merge first."
            )
        restored = 0
        for item in merge.moved:
            model = apps.get_model(item["model"])
            restored += model._base_manager.filter(pk=item["pk"], **{item["field"]: kept}).update(
                **{item["field"]: merged}
            )
        merged.merged_into = None
        merged.version += 1
        merged.save(update_fields=["merged_into", "version", "updated_at"])
        merge.undone_by = acting_user
        merge.undone_at = now
        merge.version += 1
        merge.save(update_fields=["undone_by", "undone_at", "version", "updated_at"])
        DuplicateCandidate.objects.filter(
            Q(person_a=kept, person_b=merged) | Q(person_a=merged, person_b=kept),
            status=DuplicateCandidate.Status.MERGED,
        ).update(status=DuplicateCandidate.Status.OPEN, decided_by=None, decided_at=None)

        worker = _worker_name(acting_user)
        for person in (kept, merged):
            _chronology(
                person,
                now,
                acting_user,
                merge,
                f"A merge of two records was undone by {worker}. Reason: {reason}",
            )
            audit.record(
                actor=acting_user,
                action="unmerge",
                at=now,
                person_id=person.pk,
                obj=merge,
                reason=reason,
                detail={"restored": restored, "listed": len(merge.moved)},
                request=request,
            )
    return merge


def _chronology(
    person: Person, now: datetime, acting_user, merge: PersonMerge, summary: str
) -> None:
    ChronologyEntry.objects.create(
        person=person,
        occurred_at=now,
        category="record",
        recorded_by=acting_user,
        summary=summary[:500],
        source_type="people.personmerge",
        source_id=str(merge.pk),
    )


def _uuid(value):
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


# ---------------------------------------------------------------------------------------------
# Where a merged-away record's page should send the worker


def kept_record_for(user, person_id, *, now: datetime):
    """The id of the record a merged-away record now lives in, if the worker may open it, else None.

    The person page calls this before its normal access check, and redirects when it returns an
    id; when it returns None the page answers its usual 404.
    """
    current = Person.objects.filter(pk=person_id).values_list("merged_into_id", flat=True).first()
    steps = 0
    target = None
    while current is not None and steps < 20:  # a chain of merges, followed to its end
        target = current
        current = Person.objects.filter(pk=current).values_list("merged_into_id", flat=True).first()
        steps += 1
    if target is None:
        return None
    return target if visible_to(user, now=now).filter(pk=target).exists() else None
