"""Loading: the children found or created, their histories brought into the record and the
rows it does not model kept as received, all written in bulk at the end."""

from collections import Counter, defaultdict
from datetime import date, datetime
from datetime import time as clock_time

from onestory.core.clock import LONDON
from onestory.socialcare.models import (
    CareLeaverContact,
    CarePeriod,
    CareReview,
    LegalStatus,
    MissingEpisode,
    Placement,
    UnaccompaniedChild,
)

from ... import ssda903 as export
from ...models import KeptRow
from .. import common
from .codes import (
    CONTINUATION,
    KEPT_AS_RECEIVED,
    SEX_CODES,
    SOURCE,
    TABLE_COLUMNS,
    parse_date,
    year_of,
)
from .mapping import (
    WantPeriod,
    chains,
    merge_received,
    oc3_contact,
    plan_period,
    record_episodes,
    union,
)
from .reader import Child

FLUSH_ORDER = (
    CarePeriod,
    LegalStatus,
    Placement,
    CareReview,
    MissingEpisode,
    UnaccompaniedChild,
    CareLeaverContact,
    KeptRow,
)


def _at_noon(day: date) -> datetime:
    return datetime.combine(day, clock_time(12, 0), tzinfo=LONDON)


class Loader:
    def __init__(self, report, *, acting_user, recorder, now, progress):
        self.report = report
        self.acting_user = acting_user
        self.recorder = recorder
        self.now = now
        self.progress = progress
        self.notes: Counter = Counter()
        # Rows to create, by model, written in bulk at the end (in this order, parents first),
        # and kept rows to delete.
        self.pending: dict[type, list] = {model: [] for model in FLUSH_ORDER}
        self.drop: list = []

    def _add(self, row):
        self.pending[type(row)].append(row)
        return row

    def _flush(self) -> None:
        KeptRow.objects.filter(pk__in=self.drop).delete()
        for model in FLUSH_ORDER:
            model.objects.bulk_create(self.pending[model], batch_size=500)

    def run(self, children: dict[str, Child]) -> None:
        people = {}
        index = common.ChildIndex(
            children,
            [c.headers[max(c.headers)][2].get("UPN", "") for c in children.values() if c.headers],
        )
        for code in common.progress(
            sorted(children), total=len(children), description="Children", enabled=self.progress
        ):
            child = children[code]
            if not child.headers:
                continue
            latest = child.headers[max(child.headers)][2]
            for _f, _line, row, _raw in child.headers.values():
                if (row["SEX"], row["DOB"], row["ETHNIC"], row.get("UPN", "")) != (
                    latest["SEX"],
                    latest["DOB"],
                    latest["ETHNIC"],
                    latest.get("UPN", ""),
                ):
                    self.notes[f"a child's details differ between years (child {code})"] += 1
                    break
            upn = latest.get("UPN", "").upper()
            person, _ = common.find_or_create_child(
                code=code,
                source=SOURCE,
                now=self.now,
                report=self.report,
                acting_user=self.acting_user,
                upn="" if upn in export.UPN_UNKNOWN_CODES else upn,
                date_of_birth=parse_date(latest["DOB"]),
                sex=SEX_CODES[latest["SEX"]],
                ethnicity=latest["ETHNIC"],
                index=index,
            )
            people[code] = person
        self._load_history(children, people)
        self._flush()
        for text, n in sorted(self.notes.items()):
            self.report.note(f"{n} × {text}.")

    def _load_history(self, children, people):
        ids = [p.pk for p in people.values()]
        periods = defaultdict(list)
        for row in CarePeriod.objects.filter(person_id__in=ids).order_by("starts_on"):
            periods[row.person_id].append(row)
        period_ids = [p.pk for rows in periods.values() for p in rows]
        statuses = defaultdict(list)
        for row in LegalStatus.objects.filter(period_id__in=period_ids):
            statuses[row.period_id].append(row)
        placements = defaultdict(list)
        for row in Placement.objects.filter(period_id__in=period_ids):
            placements[row.period_id].append(row)
        continued = export.continued_reasons(ids)
        kept = defaultdict(list)
        for row in KeptRow.objects.filter(source=SOURCE, person_id__in=ids):
            kept[(row.person_id, row.table, row.year)].append(row)
        reviews = defaultdict(dict)
        for row in CareReview.objects.filter(person_id__in=ids):
            reviews[row.person_id].setdefault(row.held_on, row)
        missing = defaultdict(dict)
        for row in MissingEpisode.objects.filter(person_id__in=ids):
            day = row.started_at.astimezone(LONDON).date()
            missing[row.person_id].setdefault((day, row.kind), row)
        unaccompanied = {
            row.person_id: row for row in UnaccompaniedChild.objects.filter(person_id__in=ids)
        }
        contacts = defaultdict(dict)
        for row in CareLeaverContact.objects.filter(person_id__in=ids):
            contacts[row.person_id][row.birthday_age] = row
        self.existing = {
            "kept": kept,
            "reviews": reviews,
            "missing": missing,
            "unaccompanied": unaccompanied,
            "contacts": contacts,
        }
        for code in common.progress(
            sorted(people), total=len(people), description="Histories", enabled=self.progress
        ):
            person = people[code]
            child = children[code]
            spans = self._history(person, child, periods, statuses, placements, continued)
            self._headers(person, child)
            self._reviews(person, child, spans)
            self._missing(person, child, spans)
            self._uasc(person, child)
            self._oc3(person, child, spans)
            for table in sorted(KEPT_AS_RECEIVED):
                by_year = defaultdict(list)
                for year, _f, _line, row, _extra in child.rows.get(table, []):
                    by_year[year].append(row)
                for year, rows in by_year.items():
                    self._keep(person, table, year, rows)

    # Periods of care, legal statuses and placements.
    def _history(self, person, child, periods, statuses, placements, continued) -> list:
        received = merge_received(child.episodes, self.notes)
        mine = periods.get(person.pk, [])
        record, held = record_episodes(mine, statuses, placements, continued)
        if not received:
            return [(p.starts_on, p.ends_on, p) for p in mine]
        episodes = union(record, received, self.notes)
        wanted = [plan_period(chain, held) for chain in chains(episodes, self.notes)]
        by_id = {p.pk: p for p in mine}
        spans = []
        marks = []
        for want in wanted:
            if len(want.period_ids) > 1:
                self.report.reject(
                    child.episodes[0].file,
                    child.episodes[0].line,
                    child.code,
                    "The return's episodes would join two periods of care already recorded "
                    "for this child. Check the record's periods against the return.",
                )
                continue
            period = by_id.get(next(iter(want.period_ids))) if want.period_ids else None
            period = self._period(person, period, want, statuses, placements)
            if want.end_reason == CONTINUATION:
                self.notes[
                    "a period of care ends with X1 (a new episode follows) but none does: kept so"
                ] += 1
            spans.append((want.starts_on, want.ends_on, period))
            if want.first_reason:
                marks.append(
                    (
                        year_of(want.starts_on),
                        {"DECOM": export._d(want.starts_on), "RNE": want.first_reason},
                    )
                )
        for left, right in zip(spans, spans[1:], strict=False):
            if left[1] is None or left[1] > right[0]:
                self.notes["two periods of care overlap (the return's own rule 501)"] += 1
        self._marks(person, marks)
        untouched = [p for p in mine if not any(p is s[2] for s in spans)]
        spans.extend((p.starts_on, p.ends_on, p) for p in untouched)
        return spans

    def _period(self, person, period, want: WantPeriod, statuses, placements):
        fields = {
            "starts_on": want.starts_on,
            "ends_on": want.ends_on,
            "end_reason": want.end_reason,
            "category_of_need": want.category,
        }
        if period is None:
            period = self._add(CarePeriod(person=person, **fields))
            self.report.count("periods of care", "created")
            existing_statuses, existing_placements = [], []
        else:
            changed = [k for k, v in fields.items() if getattr(period, k) != v]
            if changed:
                for k in changed:
                    setattr(period, k, fields[k])
                period.version += 1
                period.save(update_fields=[*changed, "version", "updated_at"])
            self.report.count("periods of care", "updated" if changed else "unchanged")
            existing_statuses = statuses.get(period.pk, [])
            existing_placements = placements.get(period.pk, [])
        self._sync(
            "legal statuses",
            LegalStatus,
            existing_statuses,
            want.statuses,
            lambda w: {"status": w.status, "starts_on": w.starts_on, "ends_on": w.ends_on},
            {"period": period},
        )
        self._sync(
            "placements",
            Placement,
            existing_placements,
            want.placements,
            lambda w: {
                "place": w.place,
                "provider": w.provider,
                "urn": w.urn,
                "home_postcode": w.home,
                "placement_postcode": w.pl,
                "carer": w.carer,
                "change_reason": w.change_reason,
                "starts_on": w.starts_on,
                "ends_on": w.ends_on,
            },
            {"period": period, "person": person},
        )
        return period

    def _sync(self, kind, model, existing, wanted, values_of, parent):
        by_id = {row.pk: row for row in existing}
        by_day = {}
        for row in existing:
            by_day.setdefault(row.starts_on, row)
        used = set()
        for want in wanted:
            row = by_id.get(want.row_id) or by_day.get(want.starts_on)
            if row is not None and row.pk in used:
                row = None
            values = values_of(want)
            if row is None:
                self._add(model(**parent, **values))
                self.report.count(kind, "created")
                continue
            used.add(row.pk)
            changed = [k for k, v in values.items() if getattr(row, k) != v]
            if changed:
                for k in changed:
                    setattr(row, k, values[k])
                row.version += 1
                row.save(update_fields=[*changed, "version", "updated_at"])
            self.report.count(kind, "updated" if changed else "unchanged")
        for row in existing:
            if row.pk not in used:
                row.delete()
                self.report.count(kind, "updated")

    def _marks(self, person, marks):
        current = [
            row
            for (pk, table, _year), rows in self.existing["kept"].items()
            if pk == person.pk and table == export.KEPT_CONTINUED
            for row in rows
        ]
        have = sorted((r.year, sorted(r.values.items())) for r in current)
        want = sorted((y, sorted(v.items())) for y, v in marks)
        if have == want:
            return
        self.drop.extend(r.pk for r in current)
        for index, (year, values) in enumerate(marks, start=1):
            self._add(
                KeptRow(
                    person=person,
                    source=SOURCE,
                    table=export.KEPT_CONTINUED,
                    year=year,
                    row_number=index,
                    values=values,
                    imported_at=self.now,
                )
            )

    # Rows kept as received.
    def _keep(self, person, table, year, rows: list[dict], *, count=True) -> None:
        columns = TABLE_COLUMNS.get(table)
        clean = [{c: row.get(c, "") for c in columns} if columns else dict(row) for row in rows]
        current = self.existing["kept"].get((person.pk, table, year), [])
        if count:
            self.report.keep(table, len(clean))
        if sorted(map(_key, (r.values for r in current))) == sorted(map(_key, clean)):
            self.report.count("rows kept as received", "unchanged", len(clean))
            return
        self.drop.extend(r.pk for r in current)
        for index, values in enumerate(clean, start=1):
            self._add(
                KeptRow(
                    person=person,
                    source=SOURCE,
                    table=table,
                    year=year,
                    row_number=index,
                    values=values,
                    imported_at=self.now,
                )
            )
        self.report.count("rows kept as received", "updated" if current else "created", len(clean))

    def _headers(self, person, child):
        for year, (_f, _line, _row, row) in child.headers.items():
            self._keep(person, export.KEPT_HEADER, year, [row], count=False)

    def _reviews(self, person, child, spans):
        keep = defaultdict(list)
        have = self.existing["reviews"][person.pk]
        for year, _f, _line, row, held in child.rows.get("Reviews", []):
            start, end = export.collection_year(year)
            period = _period_on(spans, held)
            code = row.get("REVIEW_CODE", "")
            known = have.get(held)
            if not (start <= held <= end) or period is None or not code:
                keep[year].append(row)
            elif known is not None:
                if known.participation != code:
                    keep[year].append(row)
                else:
                    self.report.count("reviews", "unchanged")
            else:
                have[held] = self._add(
                    CareReview(
                        period=period,
                        person=person,
                        due_on=held,
                        held_on=held,
                        participation=code,
                        summary="Recorded from an imported SSDA903 return.",
                        recorded_by=self.recorder,
                    )
                )
                self.report.count("reviews", "created")
        for year, rows in keep.items():
            self._keep(person, "Reviews", year, rows)

    def _missing(self, person, child, spans):
        keep = defaultdict(list)
        have = self.existing["missing"][person.pk]
        merged: dict[tuple, tuple] = {}
        for year, _f, _line, row, (began, ended) in sorted(
            child.rows.get("Missing", []), key=lambda r: r[0]
        ):
            start, end = export.collection_year(year)
            key = (began, row["MISSING"])
            if began > end or (ended is not None and ended < start):
                keep[year].append(row)
                continue
            if ended is not None and ended > end:
                keep[year].append(row)  # the export writes no end after the year's
                continue
            merged[key] = (ended if ended else merged.get(key, (None,))[0], year, row)
        for (began, kind), (ended, year, row) in merged.items():
            known = have.get((began, kind))
            ended_at = _at_noon(ended) if ended else None
            if known is not None:
                if known.ended_at is None and ended_at is not None:
                    known.ended_at = ended_at
                    known.save(update_fields=["ended_at", "updated_at"])
                    self.report.count("missing episodes", "updated")
                elif (
                    known.ended_at is not None
                    and ended_at is not None
                    and (known.ended_at.astimezone(LONDON).date() != ended)
                ):
                    keep[year].append(row)
                else:
                    self.report.count("missing episodes", "unchanged")
                continue
            have[(began, kind)] = self._add(
                MissingEpisode(
                    person=person,
                    period=_period_on(spans, began),
                    kind=kind,
                    started_at=_at_noon(began),
                    ended_at=ended_at,
                    notes="Recorded from an imported SSDA903 return.",
                    recorded_by=self.recorder,
                )
            )
            self.report.count("missing episodes", "created")
        for year, rows in keep.items():
            self._keep(person, "Missing", year, rows)

    def _uasc(self, person, child):
        rows = sorted(child.rows.get("UASC", []), key=lambda r: r[0])
        if not rows:
            return
        keep = defaultdict(list)
        ceased = rows[-1][4]
        for year, _f, _line, row, day in rows:
            if day != ceased:
                keep[year].append(row)
        known = self.existing["unaccompanied"].get(person.pk)
        if known is None:
            self._add(UnaccompaniedChild(person=person, status_ceased_on=ceased))
            self.report.count("unaccompanied children", "created")
        elif known.status_ceased_on is None and ceased is not None:
            known.status_ceased_on = ceased
            known.save(update_fields=["status_ceased_on", "updated_at"])
            self.report.count("unaccompanied children", "updated")
        elif known.status_ceased_on != ceased:
            for year, _f, _line, row, _day in rows:
                keep[year].append(row)
        else:
            self.report.count("unaccompanied children", "unchanged")
        for year, kept_rows in keep.items():
            self._keep(person, "UASC", year, kept_rows)

    def _oc3(self, person, child, spans):
        # Every row is kept as received: the export writes it back for a year in which the
        # record gives the child no OC3 row (a care leaver still looked after at a 17th or 18th
        # birthday, by what later years show; a code the DfE does not list...). A row the
        # record can hold as it is also becomes a CareLeaverContact.
        keep = defaultdict(list)
        have = self.existing["contacts"][person.pk]
        for year, _f, _line, row, _extra in child.rows.get("OC3", []):
            keep[year].append(row)
            contact = oc3_contact(person, year, row, self.recorder)
            if contact is None:
                continue
            known = have.get(contact.birthday_age)
            if known is None:
                self._add(contact)
                have[contact.birthday_age] = contact
                self.report.count("care leaver contacts", "created")
            elif (known.in_touch, known.activity, known.accommodation) == (
                contact.in_touch,
                contact.activity,
                contact.accommodation,
            ) and known.accommodation_suitable == contact.accommodation_suitable:
                self.report.count("care leaver contacts", "unchanged")
        for year, rows in keep.items():
            self._keep(person, "OC3", year, rows)


def _period_on(spans, day: date):
    for starts, ends, period in spans:
        if starts <= day and (ends is None or day <= ends):
            return period
    return None


def _key(values: dict) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in values.items()))
