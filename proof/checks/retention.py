"""Item 9: retention and disposal.

1. A property test (hypothesis): thousands of dates of birth, deaths (before and after the 18th
   birthday), adoption orders and closures, 29 February weighted in, each disposal date from
   onestory.retention.rules compared with PostgreSQL's own date arithmetic (`date + interval
   'N years'`, which also turns 29 February into 28 February in a common year), worked out
   from the periods as the law states them, not from the rules module.
2. In the proof database: the disposal schedule (`onestory retention_due --on today`) compared
   with the records past their date computed here in SQL from the same tables and the council's
   rules: records missing from the schedule, records on it that are not due, and records on it
   about a person under a legal hold.
3. Through the web as `dpo`: a legal hold is placed on a person with a record on the schedule;
   the record must leave the schedule page, and a disposal of it (POST, as the page's own form
   would) must be refused and leave the record in place. The hold is lifted afterwards.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from proof.figures import Figure, check, zero
from proof.stack import ROOT, Stack, log

ITEM = "9"
LONDON = ZoneInfo("Europe/London")

# The periods as the law states them (independent of onestory.retention.rules).
EXPECTED_SQL = """
WITH cases AS (
    SELECT * FROM unnest(%s::date[], %s::date[], %s::date[], %s::date[], %s::int[])
        AS c(born, died, ordered, closed, years)
)
SELECT (CASE WHEN died IS NOT NULL AND died < born + interval '18 years'
             THEN died + interval '15 years' ELSE born + interval '75 years' END)::date,
       (ordered + interval '100 years')::date,
       (closed + make_interval(years => years))::date
FROM cases
"""


def _property_test(stack: Stack) -> Figure:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from onestory.retention import rules
    from onestory.retention.rules import CouncilRule, Facts, RecordClass, Trigger

    days = st.dates(min_value=date(1900, 1, 1), max_value=date(2060, 12, 31))
    leap = st.sampled_from([y for y in range(1904, 2061, 4) if rules.is_leap_year(y)]).map(
        lambda y: date(y, 2, 29)
    )
    day = st.one_of(days, days, days, leap)  # about one date in four is a 29 February
    cases = []

    @settings(
        max_examples=300 if stack.quick else 3000,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        st.lists(
            st.tuples(day, st.one_of(st.none(), st.integers(0, 40 * 366)), day, day,
                      st.integers(1, 150)),
            min_size=1, max_size=20,
        )
    )  # fmt: skip
    def collect(batch):
        for born, died_after, ordered, closed, years in batch:
            died = born + timedelta(days=died_after) if died_after is not None else None
            cases.append((born, died, ordered, closed, years))

    collect()
    expected = stack.sql(
        EXPECTED_SQL,
        [[c[0] for c in cases], [c[1] for c in cases], [c[2] for c in cases],
         [c[3] for c in cases], [c[4] for c in cases]],
    )  # fmt: skip
    violations = []
    for (born, died, ordered, closed, years), (care, adoption, council) in zip(
        cases, expected, strict=True
    ):
        got = (
            rules.disposal_date(
                RecordClass.CHILD_LOOKED_AFTER, Facts(date_of_birth=born, date_of_death=died), None
            ),
            rules.disposal_date(RecordClass.ADOPTION, Facts(adoption_order_on=ordered), None),
            rules.disposal_date(
                RecordClass.EARLY_HELP, Facts(closed_on=closed), CouncilRule(Trigger.CLOSURE, years)
            ),
        )
        if got != (care, adoption, council):
            violations.append(f"born {born} died {died} order {ordered} closed {closed}+{years}: "
                              f"{got} != {(care, adoption, council)}")  # fmt: skip
    feb29 = sum(1 for c in cases if any(d and (d.month, d.day) == (2, 29) for d in c[:4]))
    deaths = sum(1 for c in cases if c[1] is not None and c[1] < rules.add_years(c[0], 18))
    return zero(
        ITEM, "disposal dates that differ from an independent reckoning (hypothesis)", violations,
        note=violations[0] if violations else
        f"{len(cases):,} cases x 3 classes; {feb29:,} with 29 February, {deaths:,} deaths before "
        "18, against PostgreSQL's date arithmetic",
    )  # fmt: skip


# Records past their disposal date, worked out here: (class, record id, person id or NULL).
DUE_SQL = """
WITH rule AS (SELECT record_class, trigger, years FROM retention_retentionrule),
records AS (
    SELECT 'child_looked_after' AS cls, p.id::text AS rid, p.id AS pid,
           (CASE WHEN p.date_of_death IS NOT NULL
                      AND p.date_of_death < p.date_of_birth + interval '18 years'
                 THEN p.date_of_death + interval '15 years'
                 ELSE p.date_of_birth + interval '75 years' END)::date AS due
    FROM people_person p
    WHERE p.date_of_birth IS NOT NULL
      AND EXISTS (SELECT 1 FROM socialcare_careperiod c WHERE c.person_id = p.id)
  UNION ALL
    SELECT 'adoption', c.id::text, c.person_id, (c.ends_on + interval '100 years')::date
    FROM socialcare_careperiod c WHERE c.end_reason IN ('E11', 'E12') AND c.ends_on IS NOT NULL
  UNION ALL
    SELECT 'child_in_need', r.id::text, r.person_id,
           ((CASE WHEN rule.trigger = 'closure' THEN r.closed_on ELSE p.date_of_birth END)
            + make_interval(years => rule.years))::date
    FROM frontdoor_referral r JOIN people_person p ON p.id = r.person_id
    JOIN rule ON rule.record_class = 'child_in_need'
    WHERE r.closed_on IS NOT NULL
  UNION ALL
    SELECT 'early_help', e.id::text, m.person_id,
           ((e.closed_at AT TIME ZONE 'Europe/London')::date
            + make_interval(years => rule.years))::date
    FROM earlyhelp_episode e JOIN rule ON rule.record_class = 'early_help'
    LEFT JOIN earlyhelp_episodemember m ON m.episode_id = e.id
    WHERE e.status = 'closed' AND e.closed_at IS NOT NULL
  UNION ALL
    SELECT 'front_door_contact', c.id::text, cp.person_id,
           ((COALESCE(c.closed_at, (SELECT max(d.decided_at) FROM frontdoor_decision d
                                    WHERE d.contact_id = c.id)) AT TIME ZONE 'Europe/London')::date
            + make_interval(years => rule.years))::date
    FROM frontdoor_contact c JOIN rule ON rule.record_class = 'front_door_contact'
    LEFT JOIN frontdoor_contactperson cp ON cp.contact_id = c.id AND cp.person_id IS NOT NULL
    WHERE c.status IN ('decided', 'closed')
      AND NOT EXISTS (SELECT 1 FROM frontdoor_referral r WHERE r.contact_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM frontdoor_strategydiscussion s WHERE s.contact_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM earlyhelp_episode e
                      WHERE e.contact_id = c.id OR e.step_up_contact_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM frontdoor_decision d
                      WHERE d.contact_id = c.id AND d.outcome <> 'nfa')
)
SELECT cls, rid, pid::text,
       pid IN (SELECT person_id FROM retention_legalhold WHERE lifted_at IS NULL) AS held
FROM records WHERE due <= %s
"""


def _schedule(stack: Stack, today: date) -> set[tuple[str, str]]:
    """(class, record id) of every line `onestory retention_due --on today` prints."""
    env = {**os.environ, **stack.env, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    answer = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "onestory"), "retention_due", "--on", today.isoformat()],
        env=env, capture_output=True, text=True, check=True, timeout=300,
    )  # fmt: skip
    return {tuple(line.split("\t")[:2]) for line in answer.stdout.splitlines() if "\t" in line}


def _due(stack: Stack, today: date) -> tuple[set, set, dict]:
    """(records due and not held, records due but held, record -> its people)."""
    people: dict = {}
    held: set = set()
    for cls, rid, pid, is_held in stack.sql(DUE_SQL, [today]):
        people.setdefault((cls, rid), set())
        if pid:
            people[(cls, rid)].add(pid)
        if is_held:
            held.add((cls, rid))
    return set(people) - held, held, people


STILL_THERE = {
    "early_help": "SELECT 1 FROM earlyhelp_episode WHERE id = %s",
    "front_door_contact": "SELECT 1 FROM frontdoor_contact WHERE id = %s",
}


def _token(page: str, name: str) -> str:
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', page
    )
    return found.group(1) if found else ""


def _web_hold(stack: Stack, today: date, due: set, people: dict) -> list[Figure]:
    """As dpo: hold a person with a disposable record on the schedule, then try to dispose."""
    choices = sorted(
        r for r in due if r[0] in ("early_help", "front_door_contact") and people.get(r)
    )
    if not choices:
        note = "no disposable record with a person is past its date"
        return [Figure(ITEM, "disposal of a held record through the web", "no record", goal="0",
                       ok=False, note=note)]  # fmt: skip
    record = choices[0]
    person = sorted(people[record])[0]
    base = stack.base_url
    client = stack.session("dpo")
    csrf = lambda: client.cookies.get("csrftoken", "")  # noqa: E731
    page = client.get(f"{base}/retention/people/{person}/hold/", timeout=30).text
    placed = client.post(
        f"{base}/retention/people/{person}/hold/",
        data={"reason": "litigation", "details": f"Proof hold {secrets.token_hex(4)}",
              "form_token": _token(page, "form_token"), "csrfmiddlewaretoken": csrf()},
        timeout=60,
    )  # fmt: skip
    hold_ids = [
        str(r[0])
        for r in stack.sql(
            "SELECT id FROM retention_legalhold WHERE person_id = %s AND lifted_at IS NULL "
            "AND details LIKE 'Proof hold %%'",
            [person],
        )
    ]
    failures, held_shown = [], []
    try:
        if not hold_ids:
            failures.append(f"the hold was not placed ({placed.status_code})")
        schedule_page = client.get(f"{base}/retention/", timeout=120).text
        on_page = set(re.findall(r'data-record-id="([0-9a-f-]+)"', schedule_page))
        # Every record about the held person, whatever its class, must have left the schedule.
        held_records = {r for r, who in people.items() if person in who}
        held_shown += [f"{c} {rid} on the schedule page" for c, rid in held_records
                       if rid in on_page]  # fmt: skip
        held_shown += [f"{c} {rid} in retention_due" for c, rid in
                       held_records & _schedule(stack, today)]  # fmt: skip
        answer = client.post(
            f"{base}/retention/dispose/",
            data={"record_class": record[0], "record_id": record[1],
                  "csrfmiddlewaretoken": csrf()},
            timeout=60, allow_redirects=False,
        )  # fmt: skip
        still = stack.sql(STILL_THERE[record[0]], [record[1]])
        if not still:
            failures.append(f"{record[0]} {record[1]} was disposed of under a hold "
                            f"({answer.status_code})")  # fmt: skip
        refused = answer.status_code == 409 and "legal hold" in answer.text
    finally:
        for hold_id in hold_ids:
            page = client.get(f"{base}/retention/holds/{hold_id}/lift/", timeout=30).text
            client.post(
                f"{base}/retention/holds/{hold_id}/lift/",
                data={"version": _token(page, "version"), "reason": "The proof is over.",
                      "csrfmiddlewaretoken": csrf()},
                timeout=30,
            )  # fmt: skip
        left = stack.sql(
            "SELECT count(*) FROM retention_legalhold WHERE person_id = %s AND lifted_at IS NULL "
            "AND details LIKE 'Proof hold %%'",
            [person],
        )[0][0]
        if left:
            log(f"item 9: {left} proof hold(s) could not be lifted through the web")
    return [
        zero(ITEM, "held records on the schedule after a hold (web, as dpo)", held_shown,
             note=held_shown[0] if held_shown else
             f"{len(held_records)} record(s) about the held person left the page and the command"),
        zero(ITEM, "disposal attempts on held records that succeeded (web, as dpo)", failures,
             note=failures[0] if failures else
             f"{record[0]} refused with {answer.status_code}"
             + ("" if refused else " (the page did not say why)")),
    ]  # fmt: skip


@check(ITEM, "Retention: disposal dates, legal holds, the schedule", quick=True)
def retention(stack: Stack) -> list[Figure]:
    figures = [_property_test(stack)]
    today = datetime.now(LONDON).date()
    due, held, people = _due(stack, today)
    listed = _schedule(stack, today)
    missing = sorted(due - listed)
    extra = sorted(listed - due - held)
    held_listed = sorted(listed & held)
    by_class: dict = {}
    for cls, _ in due:
        by_class[cls] = by_class.get(cls, 0) + 1
    figures += [
        zero(ITEM, "records past their date missing from the schedule", missing,
             note=f"{missing[0]}" if missing else
             f"{len(due):,} due on {today} (SQL): "
             + ", ".join(f"{k} {v:,}" for k, v in sorted(by_class.items()))),
        zero(ITEM, "records on the schedule not past their date", extra,
             note=str(extra[0]) if extra else f"{len(listed):,} listed by retention_due"),
        zero(ITEM, "records proposed for disposal that are held", held_listed,
             note=str(held_listed[0]) if held_listed else
             f"{len(held):,} due records under a hold before the web test"),
    ]  # fmt: skip
    figures += _web_hold(stack, today, due, people)
    return figures
