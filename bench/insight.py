"""`make bench` (the performance hub, issue 7): how long every dashboard takes to compute, for a
Luton-sized year and for many councils, on PostgreSQL.

1. A Luton-sized year. The synthetic authority at scale 1 (about 60,000 children, Luton's size,
   with its five years of history), generated once into its own PostgreSQL database
   (`<bench database>_insight`) and reused. Every dashboard of the hub is computed for the year
   ending 31 March 2026 and for the year ending 31 March 2023, each in a fresh process: the
   headline measures, their trends over five years, the ward table of every measure that lists
   children, the needs factors by ward, the disproportionality tables, the caseloads and the
   comparators ("dashboard parts", below: a part whose module is not written yet is reported as
   such). The first computation in the process is "cold" (new process and connection; the
   database's and the system's caches are as they were), then it is repeated warm. Figures:
   seconds, queries, time inside SQL, p50/p95 over the repeats, each part's share, and the
   machine's load (other work on the machine slows every figure). The board report's content
   (every measure's five-year trend and the charts, not the PDF) is timed beside them.

2. Many councils. onestory holds one council per database: a council's record never shares a
   database with another's. So the figure is built the same way: one PostgreSQL schema per
   council (standing in for its database), holding the tables the dashboards read, and
   Django's connection pointed at each council's schema in turn (search_path) while the
   product's own measure code, unchanged, computes every dashboard for each of its last five
   years (31 March 2022 to 2026). The councils are filled fast in SQL (INSERT ... SELECT with
   generate_series) from a quarter-Luton synthetic town (scale 0.25, its own database
   `<bench database>_councils`): a council of size k holds k copies of the town, every key
   shifted per copy so the copies are separate families, workers and teams (reference data
   such as wards and code lists is shared, the child population scaled). Sizes are drawn like
   England's councils (log-normal around Luton's size, from a quarter of Luton to five times
   it; about 150 councils hold England's 12 million children). The tables read are found by
   running the dashboards once on the town and reading the SQL they sent, so a new measure
   reading a new table is copied without a change here. `--councils N` councils are measured,
   spread over the sizes of the 150-council draw; the figure for all 150 is extrapolated from
   a line through the measured times by size (and rows and disk in proportion to size), and
   the output says so. Schemas are kept between runs and refilled only when the town, the
   tables or the sizes change; councils that would leave less than 5% of the disk free are
   not filled (fewer are measured, and the output says so). The councils are then computed once
   more by several processes at once (`--processes`, default the CPUs), for what sharding buys.

3. How the design scales past one machine, from these figures (printed after the table).

    python -m bench --insight-only                  # 1 and 2 with the default councils
    python -m bench --insight-only --councils 150   # every council (needs the disk: see df)
    python -m bench.insight --councils 6            # the same, run on its own
    python -m bench.insight --councils 0            # the Luton-sized year only
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent

# The years the issue names: the latest complete year and the one the seeds' figures are for.
YEAR_ENDS = (date(2026, 3, 31), date(2023, 3, 31))
# Five years of history a council's dashboards are computed for (and a trend line spans).
HISTORY_YEARS = 5
COUNCIL_YEAR_ENDS = tuple(date(2026 - i, 3, 31) for i in reversed(range(HISTORY_YEARS)))

LUTON_SCALE = 1.0  # `onestory synth`: 1 is about 60,000 children, Luton's size
UNIT_SCALE = 0.25  # the town a council is made of copies of: a quarter of Luton
UNITS_PER_LUTON = round(LUTON_SCALE / UNIT_SCALE)
CHILDREN_AT_SCALE_1 = 60_000
# England has 153 councils with children's services; the issue asks for about 150.
TARGET_COUNCILS = 150
# England's children (0 to 17): about 12.0 million (ONS mid-2022 population estimates).
ENGLAND_CHILDREN = 12_000_000
# Council sizes in units (quarter-Lutons): log-normal with Luton's size as the median, from a
# quarter of Luton to five times it (England's councils run from a few thousand children to
# over 300,000). The seed keeps the draw the same from run to run.
SIZE_MEDIAN_UNITS = UNITS_PER_LUTON
SIZE_SIGMA = 0.6
SIZE_SMALLEST, SIZE_LARGEST = 1, 20
SIZE_SEED = 2014
# Tables whose rows are a council's own people and work: copied once per unit, keys shifted.
# Others the dashboards read (wards, postcodes, agencies, code lists) are shared reference data.
RECORD_ROOTS = ("people_person", "workforce_worker", "workforce_team")
# Counts of children that grow with the council (the population estimates behind every rate).
SCALED_COUNTS = {"insight_populationestimate": ("children",)}
# Disk the councils must leave free: the larger of these.
KEEP_FREE_BYTES = 10 * 2**30
KEEP_FREE_SHARE = 0.05
# Integer keys are shifted by copy x this (a copy's keys never meet another's).
INT_KEY_STEP = {"integer": 100_000_000, "bigint": 1_000_000_000_000}
SCHEMA_PREFIX = "council_"
# Defaults that keep `make bench` to a few minutes on a 2-core machine.
DEFAULT_COUNCILS = 4
DEFAULT_REPEATS = 5
DEFAULT_TIMEOUT = 3600
# Warm repeats of the board report (it takes seconds; two show whether the first was cold).
BOARD_REPORT_REPEATS = 2
# The councils are computed once more by this many processes at once (this machine's cores).
DEFAULT_PROCESSES = min(4, os.cpu_count() or 1)

# The required measure ids: the trend lines drawn when the dashboard names none.
FALLBACK_TREND_IDS = (
    "children_in_need",
    "cin_rate_per_10000",
    "referrals",
    "referrals_nfa_share",
    "children_in_care",
    "cp_plans",
    "early_help_assessments",
)


def log(message: str) -> None:
    print(f"  [insight] {message}", file=sys.stderr, flush=True)


# Pure helpers (tested in tests/test_bench_insight.py) ------------------------------------------


def load() -> float:
    """The machine's load (1-minute average): other work slows the figures."""
    return os.getloadavg()[0]


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))
    return ordered[rank]


def council_sizes(count: int, *, seed: int = SIZE_SEED) -> list[int]:
    """`count` council sizes in units (quarter-Lutons), drawn like England's councils."""
    rng = random.Random(seed)
    return [
        min(
            SIZE_LARGEST,
            max(SIZE_SMALLEST, round(SIZE_MEDIAN_UNITS * math.exp(rng.gauss(0, SIZE_SIGMA)))),
        )
        for _ in range(count)
    ]


def spread(sizes: list[int], count: int) -> list[int]:
    """`count` of the sizes, evenly spaced by rank (all of them when count covers them)."""
    if count >= len(sizes):
        return list(sizes)
    ordered = sorted(sizes)
    return [
        ordered[min(len(ordered) - 1, int((i + 0.5) * len(ordered) / count))] for i in range(count)
    ]


def fit_line(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares (intercept, slope) of ys on xs; a flat line when the xs do not vary."""
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread_x = sum((x - mean_x) ** 2 for x in xs)
    if spread_x == 0:
        return mean_y, 0.0
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread_x
    return mean_y - slope * mean_x, slope


_TABLE = re.compile(r'(?:\bFROM|\bJOIN|\bINTO|\bUPDATE)\s+"([A-Za-z0-9_]+)"', re.IGNORECASE)


def tables_in(sql: str) -> set[str]:
    """The quoted table names a Django query reads (FROM and JOIN)."""
    return set(_TABLE.findall(sql))


def shifted(column: str, kind: str) -> str | None:
    """The SQL that shifts a key column for copy `c` (copy 0 keeps its keys), or None when a
    column of that type is not shifted."""
    quoted = f'"{column}"'
    if kind == "uuid":
        return f"CASE WHEN c = 0 THEN {quoted} ELSE md5({quoted}::text || '/' || c)::uuid END"
    if kind in INT_KEY_STEP:
        return f"{quoted} + c * {INT_KEY_STEP[kind]}"
    return None


def copied_index(definition: str, *, schema: str, unique: bool) -> str:
    """An index of public's table as it is made on the council's copy."""
    made = definition.replace(" ON public.", f" ON {schema}.", 1)
    if not unique:
        made = made.replace("CREATE UNIQUE INDEX", "CREATE INDEX", 1)
    return made


def counted(number: int, thing: str) -> str:
    return f"{number} {thing}{'' if number == 1 else 's'}"


def schema_name(number: int) -> str:
    return f"{SCHEMA_PREFIX}{number:03d}"


# Dashboard parts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardPart:
    """One thing a dashboard computes for a year: `module` (in onestory.insight) must have
    `needs`; `run(module, end)` computes it for the year ending `end` and says how many tables
    or figures it made."""

    name: str
    module: str
    needs: str
    run: Callable[[object, date], int]


def _period(end: date):
    from onestory.insight.rules import Period

    return Period.year_ending(end)


def listing_measure_ids() -> list[str]:
    """The measures whose figure lists children (each has a ward table)."""
    from onestory.insight import measures

    return [m.id for m in measures.MEASURES if m.children is not None]


def trend_ids() -> tuple[list[str], str]:
    """The measures the dashboard draws trend lines for, and where that list came from."""
    from onestory.insight import measures

    for name in ("selectors", "views_dashboard", "dashboards"):
        try:
            module = importlib.import_module(f"onestory.insight.{name}")
        except ModuleNotFoundError:
            continue
        for attribute in ("TREND_IDS", "TREND_MEASURES", "TRENDS"):
            value = getattr(module, attribute, None)
            if value:
                ids = [v if isinstance(v, str) else getattr(v, "id", None) for v in value]
                ids = [i for i in ids if i in measures.BY_ID]
                if ids:
                    return ids, f"onestory.insight.{name}.{attribute}"
    ids = [i for i in FALLBACK_TREND_IDS if i in measures.BY_ID]
    return ids, "the issue's required ids (the dashboard names no trend measures yet)"


def _headline(module, end: date) -> int:
    return len(module.compute(_period(end)))


def _trends(module, end: date) -> int:
    ids, _ = trend_ids()
    found = module.trends(ids, end, years=HISTORY_YEARS)
    return sum(len(points) for points in found.values())


def _ward_tables(module, end: date) -> int:
    period = _period(end)
    ids = listing_measure_ids()
    for measure_id in ids:
        module.ward_table(measure_id, period)
    return len(ids)


def _ward_factors(module, end: date) -> int:
    module.factors_by_ward(_period(end))
    return 1


def _group_tables(module, end: date) -> int:
    period = _period(end)
    for measure_id in module.DEFAULT_MEASURES:
        module.group_table(measure_id, period)
    return len(module.DEFAULT_MEASURES)


def _caseloads(module, end: date) -> int:
    return len(module.caseloads(end))


def _comparators(module, end: date) -> int:
    from onestory.insight import measures

    return sum(len(module.comparators_for(m.id, end)) for m in measures.MEASURES)


def _reach(module, end: date) -> int:
    return len(module.reach_page(_period(end)).tables)


# Add a dashboard's new part here: the benchmark times whatever is listed.
PARTS: tuple[DashboardPart, ...] = (
    DashboardPart("headline measures", "measures", "compute", _headline),
    DashboardPart("trends (5 years)", "trends", "trends", _trends),
    DashboardPart("ward tables", "wards", "ward_table", _ward_tables),
    DashboardPart("needs factors by ward", "wards", "factors_by_ward", _ward_factors),
    DashboardPart("disproportionality", "disproportionality", "group_table", _group_tables),
    DashboardPart("caseloads", "workforce", "caseloads", _caseloads),
    DashboardPart("comparators", "comparators", "comparators_for", _comparators),
    DashboardPart("family hubs reach", "selectors_reach", "reach_page", _reach),
)


def missing(part: DashboardPart) -> str | None:
    """Why the part cannot run yet (its module or function is not written), or None."""
    name = f"onestory.insight.{part.module}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            return f"{name} is not written yet"
        raise
    if not hasattr(module, part.needs):
        return f"{name}.{part.needs} is not written yet"
    return None


class Recorder:
    """Counts the queries Django sends and the time spent in them; optionally the tables read."""

    def __init__(self, *, tables: bool = False):
        self.queries = 0
        self.sql_seconds = 0.0
        self.tables: set[str] | None = set() if tables else None

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql_seconds += time.perf_counter() - started
            self.queries += 1
            if self.tables is not None:
                self.tables.update(tables_in(sql))


def compute_dashboards(end: date, parts, *, tables: set | None = None) -> dict:
    """Every dashboard part for the year ending `end`, timed: seconds, queries and SQL time in
    all and by part, and any part that failed (the others still run)."""
    from django.db import connection

    figures: dict = {"end": end.isoformat(), "parts": {}, "failed": {}}
    total = Recorder(tables=tables is not None)
    started = time.perf_counter()
    with connection.execute_wrapper(total):
        for part in parts:
            module = importlib.import_module(f"onestory.insight.{part.module}")
            recorder = Recorder()
            part_started = time.perf_counter()
            try:
                with connection.execute_wrapper(recorder):
                    items = part.run(module, end)
            except Exception as error:  # noqa: BLE001 - one part failing leaves the others' times
                figures["failed"][part.name] = f"{type(error).__name__}: {error}"[:300]
                continue
            figures["parts"][part.name] = {
                "seconds": time.perf_counter() - part_started,
                "queries": recorder.queries,
                "sql_seconds": recorder.sql_seconds,
                "items": items,
            }
    figures.update(
        seconds=time.perf_counter() - started, queries=total.queries, sql_seconds=total.sql_seconds
    )
    if tables is not None:
        tables.update(total.tables)
    return figures


def ready_parts() -> tuple[list[DashboardPart], dict[str, str]]:
    parts, absent = [], {}
    for part in PARTS:
        why = missing(part)
        if why:
            absent[part.name] = why
        else:
            parts.append(part)
    return parts, absent


def summary(runs: list[dict]) -> dict:
    """p50/p95 of the runs' seconds, in all and by part."""
    names = sorted({name for run in runs for name in run["parts"]})
    return {
        "runs": len(runs),
        "seconds": {
            "p50": percentile([r["seconds"] for r in runs], 0.5),
            "p95": percentile([r["seconds"] for r in runs], 0.95),
        },
        "queries": runs[-1]["queries"] if runs else 0,
        "sql_seconds_p50": percentile([r["sql_seconds"] for r in runs], 0.5),
        "parts": {
            name: {
                "p50": percentile(
                    [r["parts"][name]["seconds"] for r in runs if name in r["parts"]], 0.5
                ),
                "p95": percentile(
                    [r["parts"][name]["seconds"] for r in runs if name in r["parts"]], 0.95
                ),
                "queries": next(r["parts"][name]["queries"] for r in runs if name in r["parts"]),
                "sql_p50": percentile(
                    [r["parts"][name]["sql_seconds"] for r in runs if name in r["parts"]], 0.5
                ),
            }
            for name in names
        },
    }


# The worker: its own process, Django pointed at one database --------------------------------------


def ensure_data(*, scale: float, seed: int) -> dict:
    """The synthetic authority at this scale: reused when there, else generated (first run)."""
    from django.core.management import call_command
    from django.db import connection

    from onestory.people.models import Person
    from onestory.synthetic.models import SyntheticRun

    call_command("migrate", verbosity=0)
    run = SyntheticRun.objects.filter(seed=seed, scale=scale).order_by("-generated_at").first()
    if run is not None and Person.objects.exists():
        log(
            f"reusing the synthetic authority at scale {scale:g} made on "
            f"{run.generated_at:%d %b %H:%M}"
        )
        data = {"reused": True, "generate_seconds": run.seconds}
    else:
        if Person.objects.exists():
            raise SystemExit(
                f"The database for scale {scale:g} holds other data; run with --fresh to start "
                "again."
            )
        log(f"generating `onestory synth --scale {scale:g} --seed {seed}` (first run only)")
        started = time.perf_counter()
        call_command("synth", scale=scale, seed=seed, stdout=open(os.devnull, "w"))  # noqa: SIM115
        data = {"reused": False, "generate_seconds": time.perf_counter() - started}
        run = SyntheticRun.objects.filter(seed=seed, scale=scale).order_by("-generated_at").first()
    stale = _generator_changed_since(run.generated_at)
    if stale:
        log(
            f"WARNING: the generator changed since this data was made ({stale}); --fresh remakes it"
        )
    # Planner statistics, as a live database keeps them (autovacuum).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    data.update(
        run=f"{run.pk}",
        generated_at=run.generated_at.isoformat(),
        people=Person.objects.count(),
        generator_changed=stale,
    )
    return data


def _generator_changed_since(when) -> str:
    """The generator's newest commit, when it is newer than the data ('' otherwise or unknown)."""
    try:
        found = subprocess.run(  # noqa: S603 - git with fixed arguments
            ["git", "log", "-1", "--format=%cI %h", "--", "onestory/synthetic"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=20,
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return ""
    if not found:
        return ""
    from datetime import datetime

    committed = datetime.fromisoformat(found[0])
    return f"commit {found[1]} of {committed:%d %b %H:%M}" if committed > when else ""


def board_report(end: date, repeats: int) -> dict:
    """The board report's content for the year (figures, five-year trends of every measure and
    their charts; not the PDF): not a dashboard, but the heaviest thing the hub computes."""
    part = DashboardPart("board report", "board_report", "build", lambda module, end: 0)
    why = missing(part)
    if why:
        return {"missing": why}
    from onestory.insight import board_report as report

    times = []
    try:
        for _ in range(1 + repeats):
            started = time.perf_counter()
            report.build(title="Benchmark", period=_period(end), commentary={}, with_charts=True)
            times.append(time.perf_counter() - started)
    except Exception as error:  # noqa: BLE001 - the dashboards' figures still stand
        return {"failed": f"{type(error).__name__}: {error}"[:300]}
    warm = times[1:] or times
    return {
        "cold": times[0],
        "warm": {"p50": percentile(warm, 0.5), "p95": percentile(warm, 0.95), "runs": len(warm)},
    }


def luton_worker(args) -> dict:
    """The dashboards of one Luton-sized year: cold (first in this process), then warm."""
    from onestory.insight import measures

    figures = {"data": ensure_data(scale=args.scale, seed=args.seed)}
    parts, absent = ready_parts()
    end = date.fromisoformat(args.end)
    tables: set[str] = set()
    log(f"year ending {end:%d %B %Y}: {len(parts)} dashboard parts, cold then {args.repeats} warm")
    load_before = load()
    cold = compute_dashboards(end, parts, tables=tables)
    warm = [compute_dashboards(end, parts) for _ in range(args.repeats)]
    machine_load = {"before": load_before, "after": load(), "cpus": os.cpu_count()}
    report = board_report(end, min(args.repeats, BOARD_REPORT_REPEATS))
    period = _period(end)
    published = {
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "measures": [r.as_dict() for r in measures.compute(period)],
    }
    ids, trend_source = trend_ids()
    figures.update(
        end=end.isoformat(),
        parts_missing=absent,
        measures=len(measures.MEASURES),
        listing_measures=len(listing_measure_ids()),
        trend_ids=ids,
        trend_source=trend_source,
        cold=cold,
        warm=summary(warm),
        warm_runs=[w["seconds"] for w in warm],
        failed={**cold["failed"], **{k: v for w in warm for k, v in w["failed"].items()}},
        tables_read=sorted(tables),
        board_report=report,
        machine_load=machine_load,
        # What `onestory measures --json` prints for the year: what a roll-up would collect.
        measures_json_bytes=len(json.dumps(published, indent=2, default=str).encode()),
    )
    return figures


# Councils ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TablePlan:
    name: str
    record: bool  # a council's own rows (copied per unit) or shared reference data
    columns: list[tuple[str, str]]  # (name, type)
    shifted: set[str]  # key columns shifted per copy
    indexes: list[tuple[str, bool, list[str], bool]]  # (definition, unique, columns, expression)
    bytes: int  # on disk in the town, with its indexes

    def select(self, units: int) -> str:
        exprs = []
        scaled = SCALED_COUNTS.get(self.name, ())
        for column, kind in self.columns:
            if self.record and column in self.shifted:
                exprs.append(shifted(column, kind) or f'"{column}"')
            elif column in scaled:
                exprs.append(f'"{column}" * {units}')
            else:
                exprs.append(f'"{column}"')
        source = f'public."{self.name}"'
        if self.record:
            source += f" CROSS JOIN generate_series(0, {units - 1}) AS copy(c)"
        # Names from PostgreSQL's catalogue and our own numbers; no outside input.
        return f"SELECT {', '.join(exprs)} FROM {source}"  # noqa: S608

    def index_unique(self, columns: list[str], expression: bool) -> bool:
        """A unique index stays unique on a copy when it holds only shifted keys."""
        return not self.record or (not expression and all(c in self.shifted for c in columns))


def plan_tables(cursor, tables: list[str]) -> list[TablePlan]:
    cursor.execute(
        """
        SELECT t.relname, c.contype, r.relname, a.attname
        FROM pg_constraint c
        JOIN pg_class t ON t.oid = c.conrelid
        LEFT JOIN pg_class r ON r.oid = c.confrelid
        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
        WHERE c.connamespace = 'public'::regnamespace AND c.contype IN ('p', 'f')
        """
    )
    keys = cursor.fetchall()
    references = {(t, r) for t, kind, r, _ in keys if kind == "f"}
    record = set(RECORD_ROOTS)
    while True:
        more = {t for t, r in references if r in record} - record
        if not more:
            break
        record |= more
    plans = []
    for name in tables:
        cursor.execute(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_attribute a
            WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """,
            [f'public."{name}"'],
        )
        columns = cursor.fetchall()
        shifted_columns = {
            column for t, kind, r, column in keys if t == name and (kind == "p" or r in record)
        }
        cursor.execute(
            """
            SELECT pg_get_indexdef(i.indexrelid), i.indisunique,
                   ARRAY(SELECT a.attname FROM unnest(i.indkey) k
                         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k),
                   0 = ANY (i.indkey) OR i.indexprs IS NOT NULL
            FROM pg_index i WHERE i.indrelid = %s::regclass
            """,
            [f'public."{name}"'],
        )
        indexes = [(d, u, list(c), e) for d, u, c, e in cursor.fetchall()]
        cursor.execute("SELECT pg_total_relation_size(%s::regclass)", [f'public."{name}"'])
        plans.append(
            TablePlan(name, name in record, columns, shifted_columns, indexes, cursor.fetchone()[0])
        )
    return plans


def _signature(plans: list[TablePlan], units: int, town: str) -> str:
    described = [(p.name, p.record, p.columns, sorted(p.shifted)) for p in plans]
    text = json.dumps({"town": town, "units": units, "tables": described}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def fill_council(cursor, schema: str, plans: list[TablePlan], units: int) -> dict:
    """One council's schema: its copies of the tables, their indexes and statistics."""
    started = time.perf_counter()
    cursor.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    cursor.execute(f"CREATE SCHEMA {schema}")
    rows = 0
    for plan in plans:
        # Unlogged: the benchmark's copies need no crash safety, and the fill writes no WAL.
        cursor.execute(f'CREATE UNLOGGED TABLE {schema}."{plan.name}" (LIKE public."{plan.name}")')
        columns = ", ".join(f'"{c}"' for c, _ in plan.columns)
        cursor.execute(f'INSERT INTO {schema}."{plan.name}" ({columns}) {plan.select(units)}')
        rows += cursor.rowcount
        for definition, unique, index_columns, expression in plan.indexes:
            keep_unique = unique and plan.index_unique(index_columns, expression)
            cursor.execute(copied_index(definition, schema=schema, unique=keep_unique))
        cursor.execute(f'ANALYZE {schema}."{plan.name}"')
    return {"rows": rows, "fill_seconds": time.perf_counter() - started}


def _schema_bytes(cursor, schema: str) -> int:
    cursor.execute(
        "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
        "WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r'",
        [schema],
    )
    return int(cursor.fetchone()[0])


def _schema_rows(cursor, schema: str) -> int:
    cursor.execute(
        "SELECT coalesce(sum(c.reltuples), 0) FROM pg_class c "
        "WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r'",
        [schema],
    )
    return int(cursor.fetchone()[0])


def _free_bytes(cursor, host: str | None) -> tuple[int, int] | None:
    """(free, total) bytes where the database keeps its files, when it is on this machine (its
    data directory when we may read the setting, else the root file system); None elsewhere."""
    if host not in ("127.0.0.1", "localhost", "::1", None, ""):
        return None
    path = "/"
    try:
        cursor.execute("SHOW data_directory")
        path = cursor.fetchone()[0]
    except Exception:  # noqa: BLE001, S110 - only a superuser may read it (autocommit: no harm)
        pass
    usage = shutil.disk_usage(path if os.path.isdir(path) else "/")
    return usage.free, usage.total


def compute_councils(councils: list[dict], parts) -> dict:
    """Every dashboard for each council and year, the product's own code reading the council's
    schema (search_path): adds each council's "years" and returns the parts that failed."""
    from django.db import connection

    failed: dict = {}
    try:
        for council in councils:
            with connection.cursor() as cursor:
                cursor.execute(f"SET search_path TO {council['schema']}")
            council["years"] = []
            for end in COUNCIL_YEAR_ENDS:
                run = compute_dashboards(end, parts)
                council["years"].append(
                    {"end": run["end"], "seconds": run["seconds"], "queries": run["queries"]}
                )
                failed.update(
                    {f"{council['schema']} {run['end']} {k}": v for k, v in run["failed"].items()}
                )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET search_path TO DEFAULT")
    return failed


def compute_worker(args) -> dict:
    """One of several processes computing councils side by side (the councils already filled)."""
    parts, _ = ready_parts()
    councils = [{"schema": name} for name in args.schemas.split(",")]
    started = time.perf_counter()
    failed = compute_councils(councils, parts)
    return {"seconds": time.perf_counter() - started, "councils": councils, "failed": failed}


def councils_worker(args) -> dict:
    from django.db import connection

    figures: dict = {"data": ensure_data(scale=args.scale, seed=args.seed)}
    parts, absent = ready_parts()
    figures["parts_missing"] = absent
    town = f"{figures['data']['run']}@{figures['data']['generated_at']}"

    # The tables the dashboards read: run them once on the town for each year, reading the SQL.
    tables: set[str] = set()
    town_runs = [compute_dashboards(end, parts, tables=tables) for end in COUNCIL_YEAR_ENDS]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = ANY(%s)",
            [sorted(tables)],
        )
        tables = {row[0] for row in cursor.fetchall()}
        plans = plan_tables(cursor, sorted(tables))
    record_bytes = sum(p.bytes for p in plans if p.record)
    reference_bytes = sum(p.bytes for p in plans if not p.record)
    figures["town"] = {
        "tables": len(plans),
        "record_tables": sorted(p.name for p in plans if p.record),
        "reference_tables": sorted(p.name for p in plans if not p.record),
        "record_mib": record_bytes / 2**20,
        "year_seconds_p50": percentile([r["seconds"] for r in town_runs], 0.5),
    }

    all_sizes = council_sizes(args.target)
    wanted = spread(all_sizes, args.councils)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname, obj_description(oid, 'pg_namespace') FROM pg_namespace "
            "WHERE nspname LIKE %s",
            [SCHEMA_PREFIX + "%"],
        )
        existing = dict(cursor.fetchall())
        held = {name: _schema_bytes(cursor, name) for name in existing}

        def more_bytes(wanted: list[int]) -> float:
            """Disk the councils take beyond what the council schemas hold now (each refilled
            or dropped schema gives its space back)."""
            kept = [
                schema_name(number)
                for number, units in enumerate(wanted, 1)
                if existing.get(schema_name(number)) == _signature(plans, units, town)
            ]
            fill = sum(
                record_bytes * 1.1 * units + reference_bytes
                for number, units in enumerate(wanted, 1)
                if schema_name(number) not in kept
            )
            return fill - sum(b for name, b in held.items() if name not in kept)

        need = more_bytes(wanted)
        space = _free_bytes(cursor, urlsplit(os.environ.get("DATABASE_URL", "")).hostname)
        figures["disk"] = {"needed_bytes": need, "free_before": space[0] if space else None}
        if space:
            free, total = space
            keep = max(KEEP_FREE_BYTES, KEEP_FREE_SHARE * total)
            while free - need < keep and len(wanted) > 1:
                # Too big for the disk: fewer councils, still spread over the sizes.
                wanted = spread(all_sizes, len(wanted) - 1)
                need = more_bytes(wanted)
            if len(wanted) < args.councils:
                log(
                    f"only {counted(len(wanted), 'council')} fit on the disk (keeping "
                    f"{keep / 2**30:.0f} GiB free); the rest is extrapolated"
                )
            figures["disk"].update(needed_bytes=need, keep_free_bytes=keep)
        signatures = [_signature(plans, units, town) for units in wanted]
        # Councils beyond the ones measured now are dropped, to give the disk back.
        for name in sorted(existing):
            number = name.removeprefix(SCHEMA_PREFIX)
            if not number.isdigit() or not 1 <= int(number) <= len(wanted):
                cursor.execute(f"DROP SCHEMA {name} CASCADE")
        councils = []
        fill_seconds = 0.0
        for number, units in enumerate(wanted, 1):
            schema = schema_name(number)
            if existing.get(schema) == signatures[number - 1]:
                councils.append({"schema": schema, "units": units, "reused": True})
                continue
            log(f"filling {schema}: {units} x the town ({units / UNITS_PER_LUTON:g} Luton)")
            filled = fill_council(cursor, schema, plans, units)
            cursor.execute(f"COMMENT ON SCHEMA {schema} IS %s", [signatures[number - 1]])
            fill_seconds += filled["fill_seconds"]
            councils.append({"schema": schema, "units": units, "reused": False, **filled})
        for council in councils:
            council["bytes"] = _schema_bytes(cursor, council["schema"])
            council["rows"] = _schema_rows(cursor, council["schema"])
        cursor.execute("SELECT pg_database_size(current_database())")
        database_bytes = cursor.fetchone()[0]

    log(
        f"computing every dashboard for {counted(len(councils), 'council')} x {HISTORY_YEARS} years"
    )
    started, load_before = time.perf_counter(), load()
    failed = compute_councils(councils, parts)
    compute_seconds = time.perf_counter() - started
    figures["machine_load"] = {"before": load_before, "after": load(), "cpus": os.cpu_count()}

    times = [y["seconds"] for c in councils for y in c["years"]]
    sizes = [c["units"] for c in councils for _ in c["years"]]
    if len(set(sizes)) > 1:
        intercept, slope = fit_line(sizes, times)
    else:  # councils of one size: time in proportion to size
        intercept, slope = 0.0, sum(times) / len(times) / sizes[0]
    measured_units = sum(c["units"] for c in councils)
    all_units = sum(all_sizes)
    figures.update(
        target=args.target,
        requested=args.councils,
        councils=councils,
        failed=failed,
        compute_seconds=compute_seconds,
        fill_seconds=fill_seconds,
        council_years=len(times),
        council_year_seconds={"p50": percentile(times, 0.5), "p95": percentile(times, 0.95)},
        per_unit_fit={"intercept": intercept, "slope": slope},
        rows=sum(c["rows"] for c in councils),
        councils_bytes=sum(c["bytes"] for c in councils),
        database_bytes=database_bytes,
        measured_units=measured_units,
        all_units=all_units,
        all_sizes=all_sizes,
    )
    if len(councils) < args.target:
        figures["extrapolated"] = {
            "councils": args.target,
            "compute_seconds": sum(
                HISTORY_YEARS * (intercept + slope * units) for units in all_sizes
            ),
            "rows": figures["rows"] * all_units / measured_units,
            "bytes": figures["councils_bytes"] * all_units / measured_units,
        }
    return figures


def worker(args) -> int:
    import django

    django.setup()
    phases = {"luton": luton_worker, "councils": councils_worker, "compute": compute_worker}
    figures = phases[args.phase](args)
    Path(args.out).write_text(json.dumps(figures, default=str))
    return 0


# The parent (called by `python -m bench`) -----------------------------------------------------


def _database(url: str, suffix: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + suffix))


def _start_worker(url: str, arguments: list[str]) -> tuple[subprocess.Popen, str]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "ONESTORY_LOG_LEVEL": "WARNING",
        "DATABASE_CONN_MAX_AGE": "600",
    }
    command = [sys.executable, "-m", "bench.insight", "--worker", "--out", out, *arguments]
    # This interpreter and our own module; no outside input reaches the command.
    return subprocess.Popen(command, cwd=ROOT, env=env), out  # noqa: S603


def _finish_worker(process: subprocess.Popen, out: str, timeout: float) -> dict:
    try:
        process.wait(timeout=max(1, timeout))
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        Path(out).unlink(missing_ok=True)
        return {"skipped": "stopped at the time limit (--timeout)"}
    text = Path(out).read_text() if Path(out).exists() else ""
    Path(out).unlink(missing_ok=True)
    if process.returncode != 0 or not text:
        return {"skipped": f"failed (exit {process.returncode}); see above"}
    return json.loads(text)


def _run_worker(url: str, arguments: list[str], timeout: int) -> dict:
    process, out = _start_worker(url, arguments)
    return _finish_worker(process, out, timeout)


def balanced(councils: list[dict], processes: int) -> list[list[str]]:
    """The councils' schemas shared among processes, largest first to the least loaded."""
    loads = [[0, []] for _ in range(min(processes, len(councils)))]
    for council in sorted(councils, key=lambda c: -c["units"]):
        lightest = min(loads, key=lambda load: load[0])
        lightest[0] += council["units"]
        lightest[1].append(council["schema"])
    return [sorted(names) for _, names in loads]


def run_side_by_side(url: str, councils: list[dict], processes: int, timeout: int) -> dict:
    """The councils computed again by several processes at once: what sharding buys."""
    shares = balanced(councils, processes)
    log(f"again with {len(shares)} processes side by side")
    started, load_before = time.perf_counter(), load()
    running = [
        _start_worker(url, ["--phase", "compute", "--schemas", ",".join(share)]) for share in shares
    ]
    finished = [
        _finish_worker(p, out, timeout - (time.perf_counter() - started)) for p, out in running
    ]
    wall = time.perf_counter() - started
    skipped = [f["skipped"] for f in finished if "skipped" in f]
    if skipped:
        return {"skipped": skipped[0]}
    times = [y["seconds"] for f in finished for c in f["councils"] for y in c["years"]]
    return {
        "processes": len(shares),
        "wall_seconds": wall,
        "machine_load": {"before": load_before, "after": load(), "cpus": os.cpu_count()},
        "council_year_seconds": {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95)},
    }


def run(
    *,
    postgres_url: str,
    prepare: Callable[[str], str | None],
    seed: int,
    councils: int,
    repeats: int,
    timeout: int,
    processes: int = 1,
    skip_councils: bool = False,
) -> dict:
    """Both figures. `prepare(url)` creates a database when needed (None, or why it cannot)."""
    results: dict = {"postgres": postgres_url.rsplit("@", 1)[-1]}
    luton_url = _database(postgres_url, "_insight")
    why_not = prepare(luton_url)
    if why_not:
        return {"skipped": f"PostgreSQL: {why_not}"}
    results["luton"] = {}
    for end in YEAR_ENDS:
        log(f"a Luton-sized year ending {end:%d %B %Y} ({luton_url.rsplit('/', 1)[-1]})")
        results["luton"][end.isoformat()] = _run_worker(
            luton_url,
            [
                "--phase",
                "luton",
                "--scale",
                str(LUTON_SCALE),
                "--seed",
                str(seed),
                "--end",
                end.isoformat(),
                "--repeats",
                str(repeats),
            ],
            timeout,
        )
    if skip_councils or councils < 1:
        results["councils"] = {"skipped": "no councils asked for (--councils 0)"}
        return results
    councils_url = _database(postgres_url, "_councils")
    why_not = prepare(councils_url)
    if why_not:
        results["councils"] = {"skipped": why_not}
        return results
    started = time.perf_counter()
    results["councils"] = _run_worker(
        councils_url,
        [
            "--phase",
            "councils",
            "--scale",
            str(UNIT_SCALE),
            "--seed",
            str(seed),
            "--councils",
            str(councils),
            "--target",
            str(TARGET_COUNCILS),
        ],
        timeout,
    )
    results["councils"]["wall_seconds"] = time.perf_counter() - started
    measured = results["councils"].get("councils", [])
    if processes > 1 and len(measured) > 1:
        results["councils"]["side_by_side"] = run_side_by_side(
            councils_url, measured, processes, timeout
        )
    return results


def _day(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d %b %Y").lstrip("0")


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 7200:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def print_table(results: dict) -> None:
    print()
    print(
        "Performance hub benchmark - every dashboard computed, PostgreSQL "
        f"({results.get('postgres', '?')})"
    )
    if "skipped" in results:
        print(f"skipped: {results['skipped']}")
        return
    lutons = {end: r for end, r in results.get("luton", {}).items() if "skipped" not in r}
    for end, r in results.get("luton", {}).items():
        if "skipped" in r:
            print(f"year ending {_day(end)}: skipped: {r['skipped']}")
    if lutons:
        first = next(iter(lutons.values()))
        data = first["data"]
        print(
            f"A Luton-sized year: the synthetic authority at scale {LUTON_SCALE:g} "
            f"({data['people']:,} people, about {CHILDREN_AT_SCALE_1 * LUTON_SCALE:,.0f} children, "
            f"5 years of history); {first['measures']} headline measures "
            f"({first['listing_measures']} listing children); "
            f"{len(PARTS) - len(first['parts_missing'])} of {len(PARTS)} dashboard parts written"
        )
        header = (
            f"{'year ending':<14}{'cold s':>8}{'queries':>9}{'in SQL':>8}{'warm p50':>10}"
            f"{'p95':>8}{'runs':>6}  machine load"
        )
        print(header)
        print("-" * len(header))
        for end, r in lutons.items():
            cold, warm = r["cold"], r["warm"]
            print(
                f"{_day(end):<14}{cold['seconds']:>8.2f}{cold['queries']:>9}"
                f"{cold['sql_seconds']:>8.2f}{warm['seconds']['p50']:>10.2f}"
                f"{warm['seconds']['p95']:>8.2f}{warm['runs']:>6}  {_load(r.get('machine_load'))}"
            )
        end, r = next(iter(lutons.items()))
        print(f"by part, year ending {_day(end)}, warm:")
        for name, p in sorted(r["warm"]["parts"].items(), key=lambda item: -item[1]["p50"]):
            print(
                f"  {name:<24}{p['p50']:>7.2f} s p50{p['p95']:>7.2f} s p95{p['queries']:>6} "
                f"queries{p['sql_p50']:>7.2f} s in SQL"
            )
        for end, r in lutons.items():
            b = r.get("board_report", {})
            if "cold" in b:
                print(
                    f"board report, year ending {_day(end)} (its figures, every measure's 5-year "
                    f"trend and the charts; not the PDF): cold {b['cold']:.2f} s, warm p50 "
                    f"{b['warm']['p50']:.2f} s, p95 {b['warm']['p95']:.2f} s"
                )
            elif b:
                print(f"board report: {b.get('missing') or 'FAILED: ' + b.get('failed', '?')}")
        print(
            f"trend lines for {', '.join(first['trend_ids']) or 'nothing'} "
            f"({first['trend_source']})"
        )
        for name, why in first["parts_missing"].items():
            print(f"  not measured: {name} - {why}")
        for end, r in lutons.items():
            for name, why in r["failed"].items():
                print(f"  FAILED ({_day(end)}): {name} - {why}")
        if data.get("generator_changed"):
            print(
                f"  WARNING: data older than the generator ({data['generator_changed']}); "
                "--fresh remakes it"
            )
    councils = results.get("councils")
    if not councils:
        return
    if "skipped" in councils:
        print(f"Many councils: skipped: {councils['skipped']}")
        return
    print_councils(councils, lutons)
    busiest = max(
        [r["machine_load"]["after"] for r in lutons.values() if "machine_load" in r]
        + [councils.get("machine_load", {}).get("after", 0)]
    )
    if busiest > (os.cpu_count() or 1):
        print(
            f"  NOTE: the machine was busy with other work (load up to {busiest:.1f} on "
            f"{os.cpu_count()} CPUs): these times are longer than a quiet machine's"
        )
    print()
    print(scaling_paragraph(results))


def _load(figures: dict | None, *, prefix: str = "") -> str:
    if not figures:
        return ""
    return f"{prefix}{figures['before']:.1f} to {figures['after']:.1f} on {figures['cpus']} CPUs"


def _by_size(fit: dict) -> str:
    """The line through the council-years' times by size, in words."""
    return (
        f"{fit['slope'] * UNITS_PER_LUTON:.2f} s per Luton-sized council "
        f"{'+' if fit['intercept'] >= 0 else '-'} {abs(fit['intercept']):.2f} s"
    )


def _luton_p50(lutons: dict) -> float | None:
    wanted = lutons.get(YEAR_ENDS[0].isoformat()) or next(iter(lutons.values()), None)
    return wanted["warm"]["seconds"]["p50"] if wanted else None


def print_councils(c: dict, lutons: dict) -> None:
    measured = c["councils"]
    units = [x["units"] for x in measured]
    reused = sum(1 for x in measured if x["reused"])
    town = c["town"]
    smallest, largest = min(units) / UNITS_PER_LUTON, max(units) / UNITS_PER_LUTON
    children = c["all_units"] * UNIT_SCALE * CHILDREN_AT_SCALE_1
    print(
        f"Many councils: {counted(len(measured), 'council')} x {HISTORY_YEARS} years (years "
        f"ending 31 March {COUNCIL_YEAR_ENDS[0].year} to {COUNCIL_YEAR_ENDS[-1].year}), one "
        f"schema each, sizes {smallest:g} to {largest:g} x Luton "
        f"({sum(units) / UNITS_PER_LUTON:g} Lutons in all), spread over a draw of {c['target']} "
        f"councils ({c['all_units'] / UNITS_PER_LUTON:g} Lutons, about "
        f"{children / 1e6:.1f} million children; England about "
        f"{ENGLAND_CHILDREN / 1e6:.0f} million)"
    )
    print(
        f"  each council: the {town['tables']} tables the dashboards read "
        f"({len(town['record_tables'])} of its own records, copied per quarter-Luton with keys "
        f"shifted; {len(town['reference_tables'])} shared reference tables)"
    )
    fill = f"filled in {_duration(c['fill_seconds'])}" if c["fill_seconds"] else "filled before"
    print(
        f"  held: {c['rows']:,} rows, {c['councils_bytes'] / 2**30:.1f} GiB in the council schemas "
        f"(database {c['database_bytes'] / 2**30:.1f} GiB); {fill}"
        + (f", {counted(reused, 'council')} reused from an earlier run" if reused else "")
    )
    p = c["council_year_seconds"]
    fit = c["per_unit_fit"]
    print(
        f"  computed {c['council_years']} council-years in {_duration(c['compute_seconds'])}: "
        f"p50 {p['p50']:.2f} s, p95 {p['p95']:.2f} s a council-year; by size, "
        f"{_by_size(fit)}{_load(c.get('machine_load'), prefix='; machine load ')}"
    )
    luton = _luton_p50(lutons)
    if luton:
        print(
            f"  against the Luton-sized year ({luton:.2f} s warm p50): a council-year's p50 is "
            f"{p['p50'] / luton:.2f} x; all {c['council_years']} council-years "
            f"{c['compute_seconds'] / luton:.0f} x"
        )
    extra = c.get("extrapolated")
    if extra:
        print(
            f"  {extra['councils']} councils x {HISTORY_YEARS} years, EXTRAPOLATED from the "
            f"{len(measured)} measured (the line by size above; rows and disk in proportion to "
            f"size): about {_duration(extra['compute_seconds'])} in one process on this machine, "
            f"{extra['rows'] / 1e6:,.0f} million rows, {extra['bytes'] / 2**30:,.0f} GiB"
        )
    side = c.get("side_by_side")
    if side and "skipped" in side:
        print(f"  side by side: skipped: {side['skipped']}")
    elif side:
        speedup = c["compute_seconds"] / side["wall_seconds"]
        each = side["council_year_seconds"]
        print(
            f"  the same {c['council_years']} council-years by {side['processes']} processes at "
            f"once: {_duration(side['wall_seconds'])} ({speedup:.2f} x as fast as one; a "
            f"council-year p50 {each['p50']:.2f} s, p95 {each['p95']:.2f} s; the processes and "
            f"PostgreSQL share the CPUs{_load(side.get('machine_load'), prefix=', machine load ')})"
        )
    if c.get("failed"):
        first = next(iter(c["failed"].items()))
        print(f"  FAILED: {len(c['failed'])} parts of council-years, e.g. {first[0]}: {first[1]}")
    print(f"  councils part: {_duration(c.get('wall_seconds', 0))} in all")


def scaling_paragraph(results: dict) -> str:
    """How the design scales past one machine, in the measured figures' words."""
    lutons = {e: r for e, r in results.get("luton", {}).items() if "skipped" not in r}
    c = results.get("councils", {})
    luton = _luton_p50(lutons)
    if not luton or not c or "skipped" in c:
        return "Past one machine: not worked out (a figure above is missing)."
    first = lutons.get(YEAR_ENDS[0].isoformat()) or next(iter(lutons.values()))
    sql_share = first["warm"]["sql_seconds_p50"] / luton
    total = c.get("extrapolated", {}).get("compute_seconds", c["compute_seconds"])
    fit = c["per_unit_fit"]
    side = c.get("side_by_side") or {}
    measured_side = (
        f" (measured here: {side['processes']} processes computed the {c['council_years']} "
        f"council-years {c['compute_seconds'] / side['wall_seconds']:.1f} x as fast as one, "
        f"on {os.cpu_count()} cores shared with PostgreSQL)"
        if "wall_seconds" in side
        else ""
    )
    published = first.get("measures_json_bytes")
    published = f", {published / 1024:.0f} KiB a year" if published else ""
    return (
        "Past one machine. A council's record never shares a database with another's, so "
        "councils are independent shards: nothing a dashboard reads is shared between them and "
        "any council can live on any machine. Every dashboard for "
        f"{c['target']} councils x {HISTORY_YEARS} years is about {_duration(total)} of one "
        f"process on this machine{' (extrapolated)' if 'extrapolated' in c else ''}; spread over "
        f"M processes or machines it is about 1/M of that, as no council waits for another"
        f"{measured_side}. A council-year's time grows with the council's size "
        f"({_by_size(fit)}), not with the number of councils. Regional and national roll-ups "
        "read each council's published measures (`onestory measures --as-at DATE --json`"
        f"{published}) or its statutory returns, never another council's records. Within a "
        "council the dashboards' reads can go to a read replica, leaving the primary to "
        f"casework: a Luton-sized year's dashboards are {first['cold']['queries']} aggregate "
        f"queries by date, {sql_share:.0%} of their {luton:.2f} s spent in the database."
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.insight",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--phase", choices=("luton", "councils", "compute"), help=argparse.SUPPRESS)
    parser.add_argument("--schemas", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, default=LUTON_SCALE, help=argparse.SUPPRESS)
    parser.add_argument("--end", help=argparse.SUPPRESS)
    parser.add_argument("--target", type=int, default=TARGET_COUNCILS, help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument(
        "--councils",
        type=int,
        default=DEFAULT_COUNCILS,
        help=f"councils measured (default {DEFAULT_COUNCILS}; the rest of "
        f"{TARGET_COUNCILS} is extrapolated)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=DEFAULT_REPEATS,
        help=f"warm repeats of a Luton-sized year (default {DEFAULT_REPEATS})",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=DEFAULT_PROCESSES,
        help=f"processes computing the councils side by side, after one alone (default "
        f"{DEFAULT_PROCESSES}: the cores; 1 leaves it out)",
    )
    parser.add_argument("--postgres", help="PostgreSQL URL of the bench's database")
    parser.add_argument("--fresh", action="store_true", help="throw away the data first")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    from bench.__main__ import RESULTS, _postgres_url, prepare_postgres

    results = run(
        postgres_url=_postgres_url(args.postgres),
        prepare=lambda url: prepare_postgres(url, fresh=args.fresh),
        seed=args.seed,
        councils=args.councils,
        repeats=args.repeats,
        timeout=args.timeout,
        processes=args.processes,
    )
    print_table(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    from datetime import datetime

    target = RESULTS / f"insight-{datetime.now():%Y%m%d-%H%M%S}.json"
    target.write_text(json.dumps(results, indent=2, default=str))
    print(f"figures written to {target.relative_to(ROOT)}")
    return 0 if "skipped" not in results else 1


if __name__ == "__main__":
    sys.exit(main())
