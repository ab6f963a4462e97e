"""Chronology entries for the synthetic town: the story each person's chronology page tells.

Entries use the people app's own words and categories (see onestory/people/actions.py):
"record" for the record being created, moves and names; "relationship"; "household"; and
"allocation" for the casework. The other person in a relationship is never named, as there.
A relationship is an entry only for a person whose record existed before it (a baby's parents
and brothers and sisters get one when the baby is born; the baby's own record is created with
them), which keeps the town to three or four entries a person.

Each entry is dated on the day the thing happened, but never before the person became known
(their "Record created": their earliest address, or their birth into a known family, or the
start of an earlier allocation) and never after the reference date or their death. Times are
in the working day: records are created first thing, other entries later on. Entries draw on
their own random generator, seeded from the run's seed, so that they do not change the people
or any other row the generator makes; they are buffered and written with the people tables.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

from onestory.people.models import ChronologyEntry
from onestory.people.rules import NAME_KINDS, relationship_label_for

from .bulk import Buffers
from .drafts import REFERENCE_DATE, Draft
from .identifiers import new_uuid

RECORD = "record"
RELATIONSHIP = "relationship"
HOUSEHOLD = "household"
ALLOCATION = "allocation"
CATEGORIES = (RECORD, RELATIONSHIP, HOUSEHOLD, ALLOCATION)

LAST_DAY = REFERENCE_DATE - timedelta(days=1)
# A pregnancy is usually known to midwives (and so to the council) from about eight weeks,
# 32 weeks before the due date.
KNOWN_BEFORE_DUE_DAYS = 32 * 7


def _times(start_minute: int, end_minute: int) -> tuple[time, ...]:
    """Times of day in UTC: 08:00 to 16:30 UTC is within the working day in London all year."""
    return tuple(time(m // 60, m % 60, tzinfo=UTC) for m in range(start_minute, end_minute))


CREATED_TIMES = _times(8 * 60, 9 * 60 + 30)
LATER_TIMES = _times(9 * 60 + 30, 16 * 60 + 30)
FLUSH_EVERY = 20_000


class Chronicler:
    """Writes the chronology of each person as the town generator emits them."""

    def __init__(self, *, seed: int, buffers: Buffers):
        self.rng = random.Random(f"chronology-{seed}")
        self.buffers = buffers
        self.known_from: dict = {}  # person id -> the day their record was created
        self._labels: dict = {}
        self._workers: dict = {}

    # ----- one entry --------------------------------------------------------------------------

    def _at(self, day: date, times: tuple[time, ...] = LATER_TIMES) -> datetime:
        return datetime.combine(day, times[int(self.rng.random() * len(times))])

    def _entry(
        self, person_id, occurred_at, category, summary, source_type, source_id, by=None
    ) -> None:
        # This runs for every entry: positional arguments, and straight into the buffer.
        self.buffers.rows[ChronologyEntry].append(
            {
                "id": new_uuid(self.rng),
                "person_id": person_id,
                "occurred_at": occurred_at,
                "category": category,
                "summary": summary,
                "recorded_by_id": by,
                "source_type": source_type,
                "source_id": str(source_id),
            }
        )

    def _between(self, first: date, last: date) -> date:
        if first >= last:
            return last
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    # ----- people -----------------------------------------------------------------------------

    def person(
        self,
        draft: Draft,
        *,
        names: list[tuple],
        addresses: list[tuple],
        membership: tuple | None,
        duplicate_of: Draft | None = None,
    ) -> None:
        """Everything recorded about one person except relationships and allocations.

        names: (id, kind, given, family, valid_from, valid_to); addresses: (id, AddressLine);
        membership: (member id, household name, valid_from, valid_to) or None.
        The "Record created" entry waits for `finish`, as an allocation may start earlier.
        """
        person = draft.person
        pid = person.id
        if duplicate_of is not None:
            # Keyed in again some time after the first record, while living at this address.
            first = duplicate_of.known_from
            if addresses:
                first = max(first, addresses[0][1].valid_from)
            known = self._between(min(first, LAST_DAY), LAST_DAY)
            draft.known_from = self.known_from[pid] = known
            return
        if person.date_of_birth is None and person.expected_date_of_birth is not None:
            booked = person.expected_date_of_birth - timedelta(days=KNOWN_BEFORE_DUE_DAYS)
            known = self._between(min(booked, LAST_DAY), LAST_DAY)
        elif addresses:
            known = min(line.valid_from for _, line in addresses)
        elif membership and membership[2]:
            known = membership[2]
        else:
            known = person.date_of_birth or LAST_DAY
        known = min(known, LAST_DAY)
        draft.known_from = self.known_from[pid] = known
        died = person.date_of_death
        last = min(died, LAST_DAY) if died else LAST_DAY

        if membership is not None:
            member_id, household, since, until = membership
            day = max(since or known, known)
            if day <= last:
                self._entry(
                    pid,
                    self._at(day),
                    HOUSEHOLD,
                    f"Joined the household: {household}",
                    "people.householdmember",
                    member_id,
                )
            if until is not None and known <= until <= LAST_DAY:
                self._entry(
                    pid,
                    self._at(until),
                    HOUSEHOLD,
                    f"Left the household: {household}",
                    "people.householdmember",
                    member_id,
                )

        if len(addresses) > 1 or (addresses and addresses[0][1].valid_to is not None):
            ordered = sorted(addresses, key=lambda a: a[1].valid_from)
            starts = {line.valid_from for _, line in ordered}
            for address_id, line in ordered[1:]:
                day = max(line.valid_from, known)
                if day <= last:
                    self._entry(
                        pid,
                        self._at(day),
                        RECORD,
                        f"Moved to {line.line_1}, {line.postcode}",
                        "people.address",
                        address_id,
                    )
            for address_id, line in ordered:
                ended = line.valid_to
                if ended is not None and ended not in starts and known <= ended <= last:
                    self._entry(
                        pid,
                        self._at(ended),
                        RECORD,
                        f"Moved out of {line.line_1}, {line.postcode}",
                        "people.address",
                        address_id,
                    )

        for name_id, kind, given, family, valid_from, valid_to in names:
            if kind == "legal":
                continue
            name = f"{given} {family}".strip()
            if kind == "previous" and valid_to is not None and known < valid_to <= last:
                day, summary = valid_to, f"Previous name ended: {name}"
            else:
                day, summary = max(valid_from or known, known), f"{NAME_KINDS[kind]} added: {name}"
            if day <= last:
                self._entry(pid, self._at(day), RECORD, summary, "people.personname", name_id)

    def relationship(self, relationship_id, a: Draft, b: Draft, kind: str, since) -> None:
        """ "Relationship recorded" for whichever of the two already had a record by then.

        A relationship known when a record is created (a baby's parents, a family that became
        known together) is part of that record's creation; a later one (a brother or sister
        born, a new partner, a parent who became known later) is news on the older record.
        """
        day = max(a.known_from, b.known_from)
        if since is not None and since > day:
            day = since
        day = min(day, LAST_DAY)
        occurred_at = source_id = None
        for subject, seen_from_subject, other in ((a, True, b), (b, False, a)):
            if day <= subject.known_from:
                continue
            died = subject.person.date_of_death
            if died is not None and day > died:
                continue
            key = (kind, seen_from_subject, other.person.sex)
            summary = self._labels.get(key)
            if summary is None:
                label = relationship_label_for(
                    kind, seen_from_subject=seen_from_subject, other_sex=other.person.sex
                )
                summary = self._labels[key] = f"Relationship recorded: {label.lower()}"
            if occurred_at is None:  # both people's entries are the same moment
                occurred_at, source_id = self._at(day), str(relationship_id)
            self._entry(
                subject.person.id,
                occurred_at,
                RELATIONSHIP,
                summary,
                "people.relationship",
                source_id,
            )

    def _maybe_flush(self) -> None:
        if len(self.buffers.rows[ChronologyEntry]) >= FLUSH_EVERY:
            self.buffers.flush()

    # ----- after the town: allocations, then every record's creation -----------------------------

    def finish(self, allocations: list) -> None:
        """Allocation entries, then "Record created" for everyone (never after an allocation)."""
        self.buffers.flush()
        last_moment = datetime.combine(LAST_DAY, time(10, 0, tzinfo=UTC))
        for allocation in allocations:
            pid = allocation.person_id
            occurred_at = min(allocation.starts_at, last_moment)
            day = occurred_at.date()
            known = self.known_from.get(pid)
            if known is not None and day < known:
                self.known_from[pid] = day
            self._entry(
                pid,
                occurred_at,
                ALLOCATION,
                self._allocated(allocation),
                "access.allocation",
                allocation.id,
                allocation.allocated_by_id,
            )
            self._maybe_flush()
        for pid, day in self.known_from.items():
            self._entry(
                pid, self._at(day, CREATED_TIMES), RECORD, "Record created", "people.person", pid
            )
            self._maybe_flush()
        self.buffers.flush()

    def _allocated(self, allocation) -> str:
        worker = allocation.worker
        if worker is not None and worker.pk not in self._workers:
            self._workers[worker.pk] = worker.get_full_name() or worker.username
        return allocation_summary(
            allocation, worker_name=self._workers[worker.pk] if worker is not None else ""
        )


def allocation_summary(allocation, *, worker_name: str) -> str:
    """'Allocated to Social Work North: Sarah Mitchell, child in need' (as the chronology reads)."""
    summary = f"Allocated to {allocation.team.name}" if allocation.team else "Allocated"
    if worker_name:
        purpose = allocation.purpose
        summary += f": {worker_name}, {purpose[:1].lower()}{purpose[1:]}"
    return summary
