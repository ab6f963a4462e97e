"""What the record should hold for the return's rows (nothing is written here): one child's
episodes as periods of care, legal statuses and placements, and an OC3 row as a care leaver
contact."""

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from onestory.core.rules import add_months
from onestory.socialcare import reference
from onestory.socialcare.models import CareLeaverContact

from ... import ssda903 as export
from .codes import (
    CARER_LABEL,
    CONTINUATION,
    LEGAL_CHANGES,
    PLACEMENT_CHANGES,
    SAME_CARER,
    STARTED,
    parse_date,
)
from .reader import Ep


def merge_received(episodes: list[Ep], notes: Counter) -> list[Ep]:
    """One episode a day: the years' copies of an episode merged, the end taken from the
    latest year that gives one."""
    by_day: dict[date, Ep] = {}
    for episode in sorted(episodes, key=lambda e: (e.decom, e.year)):
        known = by_day.get(episode.decom)
        if known is None:
            by_day[episode.decom] = episode
            continue
        if known.details() != episode.details():
            notes["an episode differs between years: the later year's is kept"] += 1
            known = replace(episode, dec=known.dec, rec=known.rec, reason=known.reason)
        if episode.dec is not None:
            known = replace(known, dec=episode.dec, rec=episode.rec, reason=episode.reason)
        elif known.dec is None and episode.rec:
            known = replace(known, rec=episode.rec, reason=episode.reason)
        by_day[episode.decom] = known
    return [by_day[d] for d in sorted(by_day)]


def union(record: list[Ep], received: list[Ep], notes: Counter) -> list[Ep]:
    """The record's episodes with the received ones: the record's are kept where both have a
    day; only what the record leaves open (an end it does not know yet) is filled."""
    by_day = {e.decom: e for e in received}
    for episode in record:
        other = by_day.get(episode.decom)
        if other is not None:
            if episode.dec is None and other.dec is not None:
                episode = replace(episode, dec=other.dec, rec=other.rec, reason=other.reason)
            elif _differs(episode, other):
                notes["an episode differs from the record: the record is kept"] += 1
        by_day[episode.decom] = episode
    return [by_day[d] for d in sorted(by_day)]


def _differs(record: Ep, received: Ep) -> bool:
    if (record.ls, record.cin, record.place, record.provider) != (
        received.ls,
        received.cin,
        received.place,
        received.provider,
    ):
        return True
    return received.dec is not None and record.dec != received.dec


def chains(episodes: list[Ep], notes: Counter) -> list[list[Ep]]:
    """Periods of care: episodes that follow on (X1 and the next starting that day)."""
    by_day = {e.decom: e for e in episodes}
    following: dict[date, date] = {}
    taken: set[date] = set()
    for e in episodes:
        if e.origin == "record" and e.dec is not None and e.rec == CONTINUATION:
            nxt = by_day.get(e.dec)
            if nxt is not None and nxt.period_id == e.period_id:
                following[e.decom] = e.dec
                taken.add(e.dec)
    for e in episodes:
        if e.decom in following or e.dec is None or e.dec == e.decom:
            continue
        nxt = by_day.get(e.dec)
        if nxt is None or nxt.decom in taken:
            continue
        if e.rec in (CONTINUATION, "") and nxt.rne != STARTED:
            following[e.decom] = nxt.decom
            taken.add(nxt.decom)
    # An episode still open, followed later by one that continues care, ended when it began.
    for e in episodes:
        if e.dec is not None or e.decom in following:
            continue
        later = [
            n for n in episodes if n.decom > e.decom and n.decom not in taken and n.rne != STARTED
        ]
        if later:
            nxt = later[0]
            index = episodes.index(e)
            episodes[index] = replace(e, dec=nxt.decom, rec=CONTINUATION)
            by_day[e.decom] = episodes[index]
            following[e.decom] = nxt.decom
            taken.add(nxt.decom)
            notes["an open episode was ended by the next one the return gives"] += 1
    result = []
    for e in episodes:
        if e.decom in taken:
            continue
        chain = [by_day[e.decom]]
        while chain[-1].decom in following:
            chain.append(by_day[following[chain[-1].decom]])
        result.append(chain)
    return result


@dataclass
class WantStatus:
    starts_on: date
    ends_on: date | None
    status: str
    row_id: object = None


@dataclass
class WantPlacement:
    starts_on: date
    ends_on: date | None
    place: str
    provider: str
    urn: str
    home: str
    pl: str
    carer: str
    change_reason: str = ""
    row_id: object = None


@dataclass
class WantPeriod:
    starts_on: date
    ends_on: date | None
    end_reason: str
    category: str
    first_reason: str
    statuses: list
    placements: list
    period_ids: set


def plan_period(chain: list[Ep], held: dict) -> WantPeriod:
    """What the record should hold for one period of care (`held`: the record's placements,
    id -> (carer, reason for the change that ended it))."""
    first, last = chain[0], chain[-1]
    statuses: list[WantStatus] = []
    placements: list[WantPlacement] = []
    counter = 0
    for index, e in enumerate(chain):
        prev = chain[index - 1] if index else None
        if prev is None:
            new_status = True
        elif e.status_id is not None and prev.status_id is not None:
            new_status = e.status_id != prev.status_id
        else:
            new_status = e.ls != prev.ls or e.rne in LEGAL_CHANGES
        if new_status:
            statuses.append(WantStatus(e.decom, None, e.ls, e.status_id))
        if prev is None:
            new_place = True
        elif e.placement_id is not None and prev.placement_id is not None:
            new_place = e.placement_id != prev.placement_id
        else:
            new_place = (
                e.rne in PLACEMENT_CHANGES or e.placement_details() != prev.placement_details()
            )
        if new_place:
            if e.placement_id is not None:
                carer = held.get(e.placement_id, ("", ""))[0]
            elif placements and (e.rne in SAME_CARER or e.rne in LEGAL_CHANGES - {"B"}):
                carer = placements[-1].carer
            else:
                counter += 1
                carer = CARER_LABEL.format(n=counter)
                while placements and carer.lower() == placements[-1].carer.strip().lower():
                    counter += 1
                    carer = CARER_LABEL.format(n=counter)
            if placements and prev is not None:
                # The reason for the move is on the episode that ended with it (the record's
                # own placements keep theirs).
                if prev.origin == "record" and placements[-1].row_id is not None:
                    stored = held.get(placements[-1].row_id, ("", ""))[1]
                    placements[-1].change_reason = prev.reason or stored
                else:
                    placements[-1].change_reason = prev.reason
            placements.append(
                WantPlacement(
                    starts_on=e.decom,
                    ends_on=None,
                    place=e.place,
                    provider=e.provider,
                    urn=e.urn,
                    home=e.home,
                    pl=e.pl,
                    carer=carer,
                    row_id=e.placement_id,
                )
            )
    if last.origin == "record" and placements and placements[-1].row_id is not None:
        placements[-1].change_reason = held.get(placements[-1].row_id, ("", ""))[1]
    ends_on = last.dec
    for rows in (statuses, placements):
        for index, row in enumerate(rows):
            row.ends_on = rows[index + 1].starts_on if index + 1 < len(rows) else ends_on
    return WantPeriod(
        starts_on=first.decom,
        ends_on=ends_on,
        end_reason=last.rec if ends_on is not None else "",
        category=first.cin,
        first_reason="" if first.rne == STARTED else first.rne,
        statuses=statuses,
        placements=placements,
        period_ids={e.period_id for e in chain if e.period_id is not None},
    )


def record_episodes(periods, statuses, placements, continued) -> tuple[list[Ep], dict]:
    """The record's periods as episodes (as the export sees them), and each placement's carer."""
    found = []
    held = {}
    for period in periods:
        first = continued.get((period.person_id, period.starts_on), "")
        for row in placements[period.pk]:
            held[row.pk] = (row.carer, row.change_reason)
        for e in export._period_episodes(period, statuses[period.pk], placements[period.pk], first):
            p = e.placement
            found.append(
                Ep(
                    decom=e.starts_on,
                    dec=e.ends_on,
                    rne=e.rne,
                    ls=e.status,
                    cin=e.category,
                    place=p.place if p else "",
                    provider=p.provider if p else "",
                    rec=e.rec,
                    reason=e.reason_place_change,
                    home=p.home_postcode if p else "",
                    pl=p.placement_postcode if p else "",
                    urn=p.urn if p else "",
                    origin="record",
                    period_id=period.pk,
                    status_id=e.status_row.pk if e.status_row else None,
                    placement_id=p.pk if p else None,
                )
            )
    return found, held


def _birthday_age(dob: date, year: int) -> int | None:
    start, end = export.collection_year(year)
    for age in range(10, 30):
        if start <= add_months(dob, 12 * age) <= end:
            return age
    return None


def oc3_contact(person, year, row, recorder) -> CareLeaverContact | None:
    """The contact the record would hold for this OC3 row, or None when the export would
    not write the row back as it is."""
    dob = person.date_of_birth
    try:
        given = parse_date(row.get("DOB", ""))
    except ValueError:
        return None
    if dob is None or given not in (None, dob):
        return None
    age = _birthday_age(dob, year)
    if age not in export.OC3_AGES:
        return None
    in_touch, activity, accom = row["IN_TOUCH"], row.get("ACTIV", ""), row.get("ACCOM", "")
    if in_touch not in reference.IN_TOUCH:
        return None
    kind, suitable = "", None
    if accom and accom != export.NOT_KNOWN:
        kind, digit = accom[:1], accom[1:]
        if kind not in reference.ACCOMMODATION_KINDS or digit not in ("1", "2"):
            return None
        suitable = digit == "1"
    if activity and activity not in reference.ACTIVITIES:
        return None
    birthday = add_months(dob, 12 * age)
    contact = CareLeaverContact(
        person=person,
        birthday_age=age,
        contact_on=birthday,
        in_touch=in_touch,
        activity="" if activity == export.NOT_KNOWN else activity,
        accommodation=kind,
        accommodation_suitable=suitable,
        recorded_by=recorder,
    )
    if export._oc3_row(contact, dob, "") | {"CHILD": ""} != {
        "CHILD": "",
        "DOB": export._d(dob),
        "IN_TOUCH": in_touch,
        "ACTIV": activity,
        "ACCOM": accom,
    }:
        return None
    return contact
