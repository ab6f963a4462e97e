"""The SSDA903 return (children looked after) for a collection year, as CSV tables.

The collection year ending 31 March `year` runs from 1 April `year - 1`. The tables and their
columns are the ones the sector's validator reads (csc-validator-be-903 0.1.17,
lac_validator/config.py `column_names`); it recognises each file by its columns, so the file
names are ours. Dates are dd/mm/yyyy. Read only: nothing here writes case data.

Built from the statutory record (onestory/socialcare/models.py):
- Episodes: a period of care (CarePeriod) starts an episode, and so does every change of legal
  status (LegalStatus) or placement (Placement) within it. The reason for a new episode comes
  from socialcare.rules.new_episode_reason; an episode followed by another the same day ends
  with X1; the period's last episode ends with the period's reason. The reason for a placement
  change is the reason recorded on the placement that ended (placement_move stores it there),
  and sits on the episode that ends with the move (validator rule 225: REC X1 followed by an
  episode starting P, B, T or U needs it; rule 226: never where this or the next placement is
  temporary, T0 to T4).
- Header: every child with an episode in the year, or a care leaver in OC3.
- Reviews, Missing: in the year, for the children in Header.
- UASC: the children in Header recorded as unaccompanied asylum-seeking children.
- OC3: care leavers whose 17th to 21st birthday falls in the year, from what was recorded
  around that birthday (CareLeaverContact).
- SWEpisodes (collected from 2023/24; rules SW02 to SW19 in the 2025/26 ruleset): the social
  worker allocations (access.Allocation with a purpose in SOCIAL_WORKER_PURPOSES) of children
  looked after in the year (other than on short breaks only), for the whole year (rule SW12:
  "all social worker episodes for the full previous year should be reported, even those whilst
  they were not looked after"; it also checks the episodes that end care).

Not built (nothing is recorded for them yet): OC2, AD1, PlacedAdoption, PrevPerm, and DoLo
(2026/27 onwards). The validator does not need the files to exist (each rule skips a table it
is not given), so they are left out rather than written empty.
"""

import csv
import os
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.db.models import Q

from onestory.access import audit
from onestory.access.models import Allocation
from onestory.access.selectors import audit_views
from onestory.core.clock import today_in_london
from onestory.core.errors import DomainError
from onestory.core.rules import add_months
from onestory.people.models import Person, Relationship
from onestory.people.rules import normalise_postcode
from onestory.socialcare import rules
from onestory.socialcare.models import (
    CareLeaverContact,
    CarePeriod,
    CareReview,
    Handover,
    LegalStatus,
    MissingEpisode,
    Placement,
    UnaccompaniedChild,
)

from .identifiers import child_id, child_ids
from .models import KeptRow, Return

# lac_validator/config.py column_names (csc-validator-be-903 0.1.17).
COLUMNS = {
    "Header": ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"],
    "Episodes": [
        "CHILD",
        "DECOM",
        "RNE",
        "LS",
        "CIN",
        "PLACE",
        "PLACE_PROVIDER",
        "DEC",
        "REC",
        "REASON_PLACE_CHANGE",
        "HOME_POST",
        "PL_POST",
        "URN",
    ],
    "Reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "UASC": ["CHILD", "SEX", "DOB", "DUC"],
    "OC3": ["CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"],
    "Missing": ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"],
    "SWEpisodes": ["CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"],
    # Tables onestory does not model: written back only as kept from an import (KeptRow).
    "OC2": [
        "CHILD",
        "DOB",
        "SDQ_SCORE",
        "SDQ_REASON",
        "CONVICTED",
        "HEALTH_CHECK",
        "IMMUNISATIONS",
        "TEETH_CHECK",
        "HEALTH_ASSESSMENT",
        "SUBSTANCE_MISUSE",
        "INTERVENTION_RECEIVED",
        "INTERVENTION_OFFERED",
    ],
    "AD1": [
        "CHILD",
        "DOB",
        "DATE_INT",
        "DATE_MATCH",
        "FOSTER_CARE",
        "NB_ADOPTR",
        "SEX_ADOPTR",
        "LS_ADOPTR",
    ],
    "PlacedAdoption": ["CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"],
    "PrevPerm": ["CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"],
    "DoLo": ["CHILD", "DOB", "DOLO_START", "DOLO_END"],
}
FILE_NAMES = {
    "Header": "header.csv",
    "Episodes": "episodes.csv",
    "Reviews": "reviews.csv",
    "UASC": "uasc.csv",
    "OC3": "oc3.csv",
    "Missing": "missing.csv",
    "SWEpisodes": "social_worker_episodes.csv",
}
# The files of the tables onestory does not model, written only when an import kept rows.
KEPT_FILE_NAMES = {
    "OC2": "oc2.csv",
    "AD1": "ad1.csv",
    "PlacedAdoption": "placed_for_adoption.csv",
    "PrevPerm": "previous_permanence.csv",
    "DoLo": "deprivation_of_liberty.csv",
}
# The tables the record does not model: an import keeps their rows as received (KeptRow) and the
# export writes them back for the same children and years.
UNMODELLED_TABLES = ("OC2", "AD1", "PlacedAdoption", "PrevPerm", "DoLo")
# Kept rows the export reads besides those: each imported year's Header row (so that year's
# return lists the same children, with the mother fields and any UPN code for an unknown UPN
# it gave), rows of modelled tables the record cannot hold as they were (written back as
# received), and the reason another system gave for the first episode of a period of care that
# began before its data ("EpisodeContinued": {"DECOM", "RNE"}; every other first episode is S).
KEPT_HEADER = "Header"
KEPT_CONTINUED = "EpisodeContinued"
WRITTEN_BACK_TABLES = ("Reviews", "UASC", "OC3", "Missing", "SWEpisodes", *UNMODELLED_TABLES)

# Sex is M, F or U from 2024/25 (validator rule 101 in lac2024_25); 1 (male) or 2 (female)
# before it (rule 101 in lac2022_23 and lac2023_24).
SEX_LETTERS_FROM_YEAR = 2025
SEX_NUMBERS = {"M": "1", "F": "2"}
# Social worker episodes are collected from 2023/24 (DfE SSDA903 guide 2023 to 2024).
SOCIAL_WORKER_EPISODES_FROM_YEAR = 2024
# The placements that take no reason for a change (validator rule 226: temporary placements).
TEMPORARY_PLACEMENTS = frozenset({"T0", "T1", "T2", "T3", "T4"})
# Legal statuses that take no postcodes (validator rule 398: short breaks, V3 and V4).
NO_POSTCODE_STATUSES = frozenset({"V3", "V4"})
# Care leavers are followed up around their 17th to 21st birthdays (OC3).
OC3_AGES = range(17, 22)
# A young person still looked after on their 17th or 18th birthday in the year, or who left
# care after it, needs no OC3 row for that birthday (validator rule 1016, which counts an
# episode open at the year's end as ending on 31 March).
OC3_LEFT_AFTER_BIRTHDAY_AGES = frozenset({17, 18})
# Died or back home for six months: no activity or accommodation (rule 344). Otherwise a blank
# is "0", not known (rules 132 and 133 list "0"; rule 153: all three coded or all blank).
OC3_NOTHING_MORE = frozenset({"DIED", "RHOM"})
NOT_KNOWN = "0"
# Accommodation kinds that are never suitable: only S2 and X2 are valid (rule 133).
NEVER_SUITABLE = frozenset({"S", "X"})
# Ofsted's unique reference number is required unless the placement is one of these (rule 218);
# "XXXXXXX" stands for a number that is not known or does not exist (rule 222).
URN_NOT_REQUIRED = frozenset(
    {"P1", "P3", "R1", "R2", "R5", "T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14"}
)
URN_NOT_KNOWN = "XXXXXXX"
# The reason for a change the validator takes for a child's first social worker (rule SW10b:
# "a reason of first contact"), and the one used when no handover says why it changed.
FIRST_SOCIAL_WORKER = "FCONTA"
UNKNOWN_CHANGE = "OTHERS"
# A worker starting more than 7 days after the last one's episode ended is a new first contact,
# not a change of worker (rules SW10STG2 and SW10aSTG2: a change is within 7 days either side).
NEW_CASE_GAP_DAYS = 7
# A social worker's identifier must start SW (their Social Work England registration) or XX
# (validator rule SW02STG1, which also wants at least 4 characters): no registration number is
# recorded, so XX and the worker's own number, six digits long.
SOCIAL_WORKER_ID_PREFIX = "XX"
# A UPN that is not known is given as a code saying why (DfE SSDA903 guide; validator rules 168
# and 442): UN1 not yet of school age (4 or over by the 31 August before the year starts is of
# school age: rule 209), UN2 never at school in England (an unaccompanied asylum-seeking child),
# UN4 not yet obtained. The validator accepts UN1 to UN5 (rules 168 and 444).
UPN_UNKNOWN_CODES = frozenset({"UN1", "UN2", "UN3", "UN4", "UN5"})
UPN_NOT_OF_SCHOOL_AGE = "UN1"
UPN_NEVER_AT_SCHOOL_IN_ENGLAND = "UN2"
UPN_NOT_YET_OBTAINED = "UN4"
SCHOOL_AGE = 4
# Unaccompanied asylum-seeking child status ends at 18 at the latest (validator rule 304).
ADULT_AGE = 18
DATE_FORMAT = "%d/%m/%Y"
PAGE = "SSDA903 return"


def collection_year(year: int) -> tuple[date, date]:
    """The collection year ending 31 March `year`: (1 April year - 1, 31 March year)."""
    return date(year - 1, 4, 1), date(year, 3, 31)


@dataclass
class Return903:
    year: int
    tables: dict[str, list[dict]] = field(default_factory=dict)
    # The children in the return (Person ids), for the audit row of the export.
    person_ids: list[uuid.UUID] = field(default_factory=list)
    # Each child's identifier in the return (identifiers.child_ids).
    codes: dict = field(default_factory=dict)

    def write(self, directory: Path | str) -> list[Path]:
        """Write one CSV file per table into `directory` (made if missing)."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for table, rows in self.tables.items():
            path = out / (FILE_NAMES.get(table) or KEPT_FILE_NAMES[table])
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=COLUMNS[table], lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
            written.append(path)
        return written


def _d(day: date | None) -> str:
    return day.strftime(DATE_FORMAT) if day else ""


def _postcode(value: str) -> str:
    return normalise_postcode(value) or ""


def _birthday(dob: date, age: int) -> date:
    return add_months(dob, 12 * age)


def _status_ceased(row: UnaccompaniedChild | None, dob: date | None) -> date | None:
    """The day a child stopped (or will stop) being an unaccompanied asylum-seeking child: the
    day recorded, else the 18th birthday, when the status ends in any case (validator rules
    205B and 304: a child unaccompanied in both years has their 18th birthday as DUC)."""
    if row is not None and row.status_ceased_on:
        return row.status_ceased_on
    return _birthday(dob, ADULT_AGE) if dob else None


@dataclass
class _Episode:
    person_id: uuid.UUID
    starts_on: date
    rne: str
    status: str
    category: str
    placement: Placement
    ends_on: date | None = None
    rec: str = ""
    reason_place_change: str = ""
    status_row: LegalStatus | None = None


def _at(rows, day: date):
    """The row in force on `day`: the latest to start on or before it."""
    current = None
    for row in rows:
        if row.starts_on <= day:
            current = row
    return current


def _period_episodes(
    period: CarePeriod, statuses, placements, first_reason: str = ""
) -> list[_Episode]:
    """The episodes of a period of care: a new one whenever the legal status (a new LegalStatus
    row, even of the same code: an order made again) or the placement changes. The first is S,
    unless `first_reason` gives the reason another system gave for an episode that continued
    care begun before its data (an import keeps it as KEPT_CONTINUED)."""
    statuses = sorted(statuses, key=lambda r: (r.starts_on, r.created_at))
    placements = sorted(placements, key=lambda r: (r.starts_on, r.created_at))
    days = sorted(
        {period.starts_on}
        | {r.starts_on for r in [*statuses, *placements] if r.starts_on >= period.starts_on}
    )
    if period.ends_on:
        days = [d for d in days if d < period.ends_on] or [period.starts_on]
    episodes: list[_Episode] = []
    for day in days:
        status = _at(statuses, day) or (statuses[0] if statuses else None)
        placement = _at(placements, day) or (placements[0] if placements else None)
        code = status.status if status else ""
        if episodes:
            last = episodes[-1]
            legal_changed = status is not last.status_row
            placement_changed = placement is not last.placement
            if not (legal_changed or placement_changed):
                continue
            same_carer = bool(
                placement
                and last.placement
                and placement.carer.strip()
                and placement.carer.strip().lower() == last.placement.carer.strip().lower()
            )
            rne = rules.new_episode_reason(
                first=False,
                legal_changed=legal_changed,
                placement_changed=placement_changed,
                same_carer=same_carer,
            )
            last.ends_on, last.rec = day, "X1"
            if placement_changed and last.placement and placement:
                temporary = {last.placement.place, placement.place} & TEMPORARY_PLACEMENTS
                if not temporary:
                    last.reason_place_change = last.placement.change_reason
        else:
            rne = first_reason or rules.new_episode_reason(
                first=True, legal_changed=False, placement_changed=False, same_carer=False
            )
        episodes.append(
            _Episode(
                person_id=period.person_id,
                starts_on=day,
                rne=rne,
                status=code,
                category=period.category_of_need,
                placement=placement,
                status_row=status,
            )
        )
    if episodes and period.ends_on:
        episodes[-1].ends_on = period.ends_on
        episodes[-1].rec = period.end_reason
    return episodes


def _urn(placement: Placement | None, status: str) -> str:
    """The placement's URN; none at all on a short break (validator rule 214: no URN or
    placement postcode under V3 or V4)."""
    if placement is None or status in NO_POSTCODE_STATUSES:
        return ""
    if placement.urn:
        return placement.urn
    if placement.place in URN_NOT_REQUIRED or placement.outside_england:
        return ""
    return URN_NOT_KNOWN


def _episode_row(episode: _Episode, year_end: date, *, unaccompanied: bool, code: str) -> dict:
    """One Episodes row. An unaccompanied child's home is abroad: no home postcode, so no
    distance (validator rule 406: distance blank for unaccompanied children)."""
    placement = episode.placement
    open_at_year_end = episode.ends_on is None or episode.ends_on > year_end
    postcodes = episode.status not in NO_POSTCODE_STATUSES and placement is not None
    return {
        "CHILD": code,
        "DECOM": _d(episode.starts_on),
        "RNE": episode.rne,
        "LS": episode.status,
        "CIN": episode.category,
        "PLACE": placement.place if placement else "",
        "PLACE_PROVIDER": placement.provider if placement else "",
        "DEC": "" if open_at_year_end else _d(episode.ends_on),
        "REC": "" if open_at_year_end else episode.rec,
        "REASON_PLACE_CHANGE": "" if open_at_year_end else episode.reason_place_change,
        "HOME_POST": (
            _postcode(placement.home_postcode) if postcodes and not unaccompanied else ""
        ),
        "PL_POST": _postcode(placement.placement_postcode) if postcodes else "",
        "URN": _urn(placement, episode.status),
    }


def continued_reasons(person_ids=None) -> dict[tuple, str]:
    """(person id, first day of a period of care) -> the reason for a new episode another system
    gave the first episode we have of care that began before its data (kept by the import)."""
    rows = KeptRow.objects.filter(source=Return.SSDA903, table=KEPT_CONTINUED)
    if person_ids is not None:
        rows = rows.filter(person_id__in=list(person_ids))
    found = {}
    for person_id, values in rows.values_list("person_id", "values"):
        try:
            day = datetime.strptime(values["DECOM"], DATE_FORMAT).date()
        except (KeyError, TypeError, ValueError):
            continue
        found[(person_id, day)] = values.get("RNE", "")
    return found


def _episodes(start: date, end: date) -> list[_Episode]:
    periods = list(
        CarePeriod.objects.filter(starts_on__lte=end, person__merged_into__isnull=True)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .order_by("person_id", "starts_on")
    )
    continued = continued_reasons({p.person_id for p in periods})
    period_ids = [p.pk for p in periods]
    statuses = defaultdict(list)
    for row in LegalStatus.objects.filter(period_id__in=period_ids):
        statuses[row.period_id].append(row)
    placements = defaultdict(list)
    for row in Placement.objects.filter(period_id__in=period_ids):
        placements[row.period_id].append(row)
    episodes = []
    for period in periods:
        first = continued.get((period.person_id, period.starts_on), "")
        for episode in _period_episodes(period, statuses[period.pk], placements[period.pk], first):
            if episode.starts_on <= end and (episode.ends_on is None or episode.ends_on >= start):
                episodes.append(episode)
    return episodes


def _care_leaver_contacts(
    start: date, end: date, episodes: list[_Episode]
) -> list[tuple[CareLeaverContact, date]]:
    # The last day each young person was looked after in the year (the year's end if still).
    looked_after_until = {}
    for episode in episodes:
        until = min(episode.ends_on or end, end)
        looked_after_until[episode.person_id] = max(
            until, looked_after_until.get(episode.person_id, until)
        )
    contacts = CareLeaverContact.objects.filter(
        birthday_age__in=list(OC3_AGES),
        person__date_of_birth__isnull=False,
        person__merged_into__isnull=True,
    ).select_related("person")
    found = []
    for contact in contacts:
        birthday = _birthday(contact.person.date_of_birth, contact.birthday_age)
        if not start <= birthday <= end:
            continue
        until = looked_after_until.get(contact.person_id)
        if contact.birthday_age in OC3_LEFT_AFTER_BIRTHDAY_AGES and until and until >= birthday:
            continue
        found.append((contact, contact.person.date_of_birth))
    return found


def _oc3_row(contact: CareLeaverContact, dob: date, code: str = "") -> dict:
    activity = accommodation = ""
    if contact.in_touch not in OC3_NOTHING_MORE:
        activity = contact.activity or NOT_KNOWN
        accommodation = NOT_KNOWN
        if contact.accommodation in NEVER_SUITABLE:
            accommodation = contact.accommodation + "2"
        elif contact.accommodation and contact.accommodation_suitable is not None:
            accommodation = contact.accommodation + ("1" if contact.accommodation_suitable else "2")
    return {
        "CHILD": code or child_id(contact.person_id),
        "DOB": _d(dob),
        "IN_TOUCH": contact.in_touch,
        "ACTIV": activity,
        "ACCOM": accommodation,
    }


def _sex(person: Person, year: int) -> str:
    if year >= SEX_LETTERS_FROM_YEAR:
        return person.sex
    return SEX_NUMBERS.get(person.sex, "")


def _mothers(girls: dict[uuid.UUID, date]) -> dict[uuid.UUID, date]:
    """Girls looked after in the year (-> the last day they were looked after in it) who had
    become mothers by then -> their first child's date of birth (validator rule 625: not after
    the year's end or the day care ended)."""
    first_born: dict[uuid.UUID, date] = {}
    for mother_id, dob in Relationship.objects.filter(
        from_person_id__in=list(girls), kind="parent"
    ).values_list("from_person_id", "to_person__date_of_birth"):
        if dob is None or dob > girls[mother_id]:
            continue  # not born (yet), or born after she was looked after (rules 611, 625)
        first_born[mother_id] = min(dob, first_born.get(mother_id, dob))
    return first_born


def _social_worker_episodes(
    person_ids, start: date, end: date, dobs: dict, codes: dict
) -> list[dict]:
    allocations = (
        Allocation.objects.filter(
            person_id__in=person_ids,
            worker__isnull=False,
            purpose__in=rules.SOCIAL_WORKER_PURPOSES,
            starts_at__date__lte=end,
        )
        # All of each child's history, so the first worker ever is told from a change.
        .order_by("person_id", "starts_at")
    )
    handovers = defaultdict(list)
    for person_id, worker_id, reason, at in Handover.objects.filter(
        person_id__in=person_ids
    ).values_list("person_id", "to_worker_id", "reason", "handed_over_at"):
        handovers[(person_id, worker_id)].append((today_in_london(at), reason))
    spans = defaultdict(list)  # person -> [worker, starts, ends]
    for allocation in allocations:
        starts = today_in_london(allocation.starts_at)
        ends = today_in_london(allocation.ends_at) if allocation.ends_at else None
        mine = spans[allocation.person_id]
        if (
            mine
            and mine[-1][0] == allocation.worker_id
            and (mine[-1][2] is None or mine[-1][2] >= starts)
        ):
            # The same worker under another purpose (assessment, then child in care...).
            if mine[-1][2] is not None and (ends is None or ends > mine[-1][2]):
                mine[-1][2] = ends
            continue
        if mine and (mine[-1][2] is None or mine[-1][2] > starts):
            mine[-1][2] = starts  # a new worker took over: the last one's episode ends
        mine.append([allocation.worker_id, starts, ends])
    rows = []
    for person_id, episodes in sorted(spans.items(), key=lambda s: codes[s[0]]):
        for index, (worker_id, starts, ends) in enumerate(episodes):
            if ends is not None and ends < start:
                continue
            previous_end = episodes[index - 1][2] if index else None
            if index == 0 or (
                previous_end is not None and (starts - previous_end).days > NEW_CASE_GAP_DAYS
            ):
                # The first worker ever, or the first of a new case after a gap: first contact.
                reason = FIRST_SOCIAL_WORKER
            else:
                near = sorted(
                    handovers.get((person_id, worker_id), []),
                    key=lambda h, s=starts: abs((h[0] - s).days),
                )
                reason = near[0][1] if near else UNKNOWN_CHANGE
            rows.append(
                {
                    "CHILD": codes[person_id],
                    "DOB": _d(dobs.get(person_id)),
                    "SW_ID": f"{SOCIAL_WORKER_ID_PREFIX}{worker_id:06d}",
                    "SW_DECOM": _d(starts),
                    "SW_DEC": "" if ends is None or ends > end else _d(ends),
                    "SW_REASON": reason,
                }
            )
    return rows


def _upn(person: Person, start: date, *, unaccompanied: bool, received: str = "") -> str:
    """The child's UPN, or the code saying why it is not known (DfE SSDA903 guide; validator
    rules 168, 208, 209 and 442: a child looked after other than on short breaks must have one
    or the other). Another system's code for the year is kept when it gave one."""
    if person.upn:
        return person.upn
    if received in UPN_UNKNOWN_CODES:
        return received
    dob = person.date_of_birth
    if dob is None or add_months(dob, 12 * SCHOOL_AGE) > date(start.year - 1, 8, 31):
        return UPN_NOT_OF_SCHOOL_AGE
    if unaccompanied:
        return UPN_NEVER_AT_SCHOOL_IN_ENGLAND
    return UPN_NOT_YET_OBTAINED


def _kept(year: int) -> dict[str, dict[uuid.UUID, list[KeptRow]]]:
    """The rows imports kept for the year, by table and child, in the order received."""
    kept: dict[str, dict[uuid.UUID, list[KeptRow]]] = defaultdict(lambda: defaultdict(list))
    for row in KeptRow.objects.filter(
        source=Return.SSDA903, year=year, person__merged_into__isnull=True
    ).order_by("table", "row_number"):
        kept[row.table][row.person_id].append(row)
    return kept


def _kept_rows(table: str, kept: dict, person_ids, codes: dict) -> list[dict]:
    """Kept rows of `table` for the children in the return, written back as received (the
    child's code as the return writes it)."""
    rows = []
    for pk in person_ids:
        for row in kept.get(table, {}).get(pk, []):
            values = {column: row.values.get(column, "") for column in COLUMNS[table]}
            values["CHILD"] = codes[pk]
            rows.append(values)
    return rows


def build(year: int) -> Return903:
    """The SSDA903 tables for the collection year ending 31 March `year`."""
    start, end = collection_year(year)
    episodes = _episodes(start, end)
    contacts = _care_leaver_contacts(start, end, episodes)
    kept = _kept(year)
    looked_after = {e.person_id for e in episodes}
    # Children an imported return listed in its Header for the year are in it again.
    person_ids = looked_after | {c.person_id for c, _ in contacts} | set(kept[KEPT_HEADER])
    people = {
        p.pk: p
        for p in Person.objects.filter(pk__in=person_ids).only(
            "id", "sex", "date_of_birth", "ethnicity", "upn", "unaccompanied_asylum_seeking"
        )
    }
    codes = child_ids(people)
    order = sorted(people, key=lambda pk: codes[pk])
    dobs = {pk: people[pk].date_of_birth for pk in people}
    last_day = {}
    for e in episodes:
        last_day[e.person_id] = max(last_day.get(e.person_id, start), min(e.ends_on or end, end))
    girls = [pk for pk in looked_after if people[pk].sex == "F"]
    mothers = _mothers({pk: last_day[pk] for pk in girls})
    unaccompanied = {
        row.person_id: row for row in UnaccompaniedChild.objects.filter(person_id__in=person_ids)
    }
    uasc_ids = {
        pk for pk in people if pk in unaccompanied or people[pk].unaccompanied_asylum_seeking
    }

    header = []
    for pk in order:
        person = people[pk]
        received = kept[KEPT_HEADER].get(pk)
        received = received[0].values if received else {}
        # Motherhood is for girls looked after in the year, not care leavers only in OC3
        # (rule 628); an imported year keeps what its return said.
        girl = person.sex == "F" and pk in looked_after
        mother = ("1" if pk in mothers else "0") if girl else ""
        mother_child_dob = _d(mothers.get(pk)) if girl else ""
        if received and pk not in mothers:
            mother = received.get("MOTHER", "")
            mother_child_dob = received.get("MC_DOB", "")
        header.append(
            {
                "CHILD": codes[pk],
                "SEX": _sex(person, year),
                "DOB": _d(person.date_of_birth),
                "ETHNIC": person.ethnicity,
                "UPN": _upn(
                    person,
                    start,
                    unaccompanied=pk in uasc_ids,
                    received=received.get("UPN", ""),
                ),
                "MOTHER": mother,
                "MC_DOB": mother_child_dob,
            }
        )

    episode_rows = [
        _episode_row(e, end, unaccompanied=e.person_id in uasc_ids, code=codes[e.person_id])
        for e in sorted(episodes, key=lambda e: (codes[e.person_id], e.starts_on))
    ]

    held = CareReview.objects.filter(
        person_id__in=person_ids, held_on__gte=start, held_on__lte=end
    ).values_list("person_id", "held_on", "participation")
    reviews = [
        {
            "CHILD": codes[pk],
            "DOB": _d(dobs.get(pk)),
            "REVIEW": _d(held_on),
            "REVIEW_CODE": participation,
        }
        for pk, held_on, participation in sorted(held, key=lambda r: (codes[r[0]], r[1]))
    ]

    ceased = {pk: _status_ceased(unaccompanied.get(pk), dobs.get(pk)) for pk in uasc_ids}
    uasc = [
        {
            "CHILD": codes[pk],
            "SEX": _sex(people[pk], year),
            "DOB": _d(dobs.get(pk)),
            "DUC": _d(ceased[pk]),
        }
        for pk in order
        # A status that ceased before the year is not this year's to report (rule 104).
        if pk in uasc_ids
        and not kept["UASC"].get(pk)
        and (ceased[pk] is None or ceased[pk] >= start)
    ]

    missing = []
    for pk, kind, started_at, ended_at in (
        MissingEpisode.objects.filter(person_id__in=person_ids)
        .order_by("person_id", "started_at")
        .values_list("person_id", "kind", "started_at", "ended_at")
    ):
        began = today_in_london(started_at)
        ended = today_in_london(ended_at) if ended_at else None
        if began > end or (ended is not None and ended < start):
            continue
        missing.append(
            {
                "CHILD": codes[pk],
                "DOB": _d(dobs.get(pk)),
                "MISSING": kind,
                "MIS_START": _d(began),
                "MIS_END": "" if ended is None or ended > end else _d(ended),
            }
        )

    oc3 = [
        _oc3_row(contact, dob, codes[contact.person_id])
        for contact, dob in sorted(contacts, key=lambda c: codes[c[0].person_id])
    ]

    tables = {
        "Header": header,
        "Episodes": episode_rows,
        "Reviews": reviews,
        "UASC": uasc,
        "OC3": oc3,
        "Missing": missing,
    }
    if year >= SOCIAL_WORKER_EPISODES_FROM_YEAR:
        # Every child looked after in the year, bar short breaks only (rule SW12 checks the
        # episodes that start care, end care, or are open at the year's end); a child whose
        # imported return gave their social worker episodes has those written back instead.
        with_social_workers = {
            e.person_id
            for e in episodes
            if e.status not in NO_POSTCODE_STATUSES and not kept["SWEpisodes"].get(e.person_id)
        }
        tables["SWEpisodes"] = _social_worker_episodes(with_social_workers, start, end, dobs, codes)
    # What imports kept as received for the year, for the children in the return. An OC3 row
    # is kept for every imported one and stands in only where the record gives the child none.
    with_oc3 = {c.person_id for c, _ in contacts}
    for table in WRITTEN_BACK_TABLES:
        children = [pk for pk in order if table != "OC3" or pk not in with_oc3]
        rows = _kept_rows(table, kept, children, codes)
        if rows or table in tables:
            tables.setdefault(table, []).extend(rows)
    for table in ("Reviews", "Missing", "OC3", "UASC", "SWEpisodes"):
        if table in tables:
            tables[table].sort(key=lambda r: r["CHILD"])  # stable: each child's in order
    return Return903(year=year, tables=tables, person_ids=order, codes=codes)


def check_out_folder(out) -> Path:
    """The folder to write into (made if its parent exists), refused before any work if it
    cannot be written."""
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise DomainError(f"{path} is a file: give the name of a folder to write the tables into.")
    parent = path if path.exists() else path.parent
    if not parent.is_dir():
        raise DomainError(f"The folder {parent} does not exist: make it, or choose another one.")
    if not os.access(parent, os.W_OK):
        raise DomainError(f"The folder {parent} cannot be written to: choose another one.")
    return path


def export(*, year: int, out, now: datetime, acting_user=None, via: str = "command") -> str:
    """Write the SSDA903 tables for the collection year ending 31 March `year` as CSV files into
    the folder `out`, audit it (one "export" row per child and one for the return) and say what
    was written."""
    if not 2000 <= year <= 2100:
        raise DomainError(
            "Give the collection year as four digits: --year 2026 is the year ending 31 March 2026."
        )
    folder = check_out_folder(out)
    result = build(year)
    if not result.person_ids:
        raise DomainError(
            f"No child was looked after between 1 April {year - 1} and 31 March {year}, and no "
            f"care leaver had a 17th to 21st birthday then, so there is no return to write."
        )
    codes = set(result.codes.values())
    if len(codes) != len(result.person_ids):
        raise DomainError(
            "Two children's records would share a return identifier. Tell the service's support "
            "team: the return cannot be written until this is resolved."
        )
    written = result.write(folder)
    counts = {table: len(rows) for table, rows in result.tables.items()}
    page = f"{PAGE} {year}"
    audit_views(
        acting_user,
        [Person(pk=pk) for pk in result.person_ids],
        now=now,
        page=page,
        action="export",
    )
    audit.record(
        actor=acting_user,
        action="export",
        at=now,
        detail={"page": page, "via": via, "rows": counts},
    )
    tables = ", ".join(f"{table} {count}" for table, count in counts.items())
    return (
        f"SSDA903 {year} (1 April {year - 1} to 31 March {year}): {len(result.person_ids)} "
        f"children; rows: {tables}; {len(written)} files written to {folder}"
    )
