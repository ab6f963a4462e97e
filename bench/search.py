"""`make bench` (search notes and documents): how long "Search notes and documents" takes at a
council's scale, on PostgreSQL.

The data is the performance hub's Luton-sized synthetic authority (bench/insight.py: scale 1,
its own database `<bench database>_insight`, generated once and reused by both): about 126,000
case notes and 2,500 documents. The words searched for are taken from the notes themselves
(seeded, so every run asks the same):

- typical: a word drawn from a random submitted note (so words are asked as often as notes
  use them), and two neighbouring words of a random note, as a quoted phrase or as two words;
- names: a child's given name, as it appears in a note (workers search for the child);
- rare: words in at most a handful of notes;
- common: the words in the most notes (past 200 matches of a kind the search shows the newest
  200).

Each is searched with the product's own `documents.search.search` (the ranked full-text query,
the access rules, the people named, the audit event: what the page does before it renders) as
a social worker (the one with the most records allocated) and as their team manager (who may
open the whole team's cases). Figures per role: p50/p95 in ms against the goal (p95 <= 300
ms), results per search, how often the notes query went through the notes' full-text index,
and the machine's load (other work slows every figure). Then, unless `--without-index 0`
(`--notes-search-without-index 0` from `python -m bench`), some of those searches (each kind in
turn) are timed again with the two full-text indexes dropped inside a transaction that is
rolled back: what the indexes buy.

    python -m bench --notes-search-only                # this part only
    python -m bench.search --queries 40                # the same, run on its own
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from bench import insight

ROOT = Path(__file__).resolve().parent.parent
GOAL_P95_MS = 300.0
DEFAULT_QUERIES = 80
DEFAULT_WITHOUT_INDEX = 16
DEFAULT_TIMEOUT = 3600
# The indexes of recording's and documents' migrations 0002.
INDEXES = ("recording_casenote_search", "documents_document_search")
# Searches run untimed first, so the first timed ones do not pay for cold caches alone.
WARM_UP = 5
RARE_MOST_NOTES = 5
# Shares of the sample: the rest are typical words and phrases.
NAMES_SHARE, RARE_SHARE, COMMON_SHARE = 0.15, 0.1, 0.1
ROLES = ("social worker", "team manager")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")


def log(message: str) -> None:
    print(f"  [notes search] {message}", file=sys.stderr, flush=True)


# Pure helpers ------------------------------------------------------------------------------------


def sample_queries(
    texts: list[str], names: list[str], searchable: set[str], *, count: int, seed: int
) -> list[dict]:
    """`count` searches from these note texts and given names: typical words and phrases, names,
    rare and common words (`searchable`: the words the search does not ignore as stop words)."""
    rng = random.Random(seed)
    words_of = [[w.lower() for w in _WORD.findall(text)] for text in texts]
    in_notes = Counter(w for words in words_of for w in set(words) if w in searchable)
    n_names = round(count * NAMES_SHARE)
    n_rare = round(count * RARE_SHARE)
    n_common = round(count * COMMON_SHARE)
    n_typical = count - n_names - n_rare - n_common
    common = [w for w, _ in in_notes.most_common(n_common)]
    rare = sorted(w for w, n in in_notes.items() if n <= RARE_MOST_NOTES)
    rare = rng.sample(rare, min(n_rare, len(rare)))
    names = rng.sample(sorted(set(names)), min(n_names, len(set(names))))
    typical: list[dict] = []
    while len(typical) < n_typical:
        words = rng.choice(words_of)
        if len(words) < 2:
            continue
        if len(typical) % 2 == 0:
            word = rng.choice(words)
            if word in searchable:
                typical.append({"kind": "typical word", "words": word})
            continue
        start = rng.randrange(len(words) - 1)
        pair = words[start : start + 2]
        if all(w in searchable for w in pair):
            quoted = len(typical) % 4 == 1
            typical.append(
                {
                    "kind": "typical phrase" if quoted else "typical two words",
                    "words": f'"{" ".join(pair)}"' if quoted else " ".join(pair),
                }
            )
    return (
        typical
        + [{"kind": "name", "words": n} for n in names]
        + [{"kind": "rare word", "words": w} for w in rare]
        + [{"kind": "common word", "words": w} for w in common]
    )


def spread_sample(queries: list[dict], count: int) -> list[dict]:
    """`count` of the queries, taking each kind in turn (so a short run still has every kind)."""
    by_kind: dict[str, list[dict]] = {}
    for query in queries:
        by_kind.setdefault(query["kind"], []).append(query)
    chosen: list[dict] = []
    while len(chosen) < min(count, len(queries)):
        for group in by_kind.values():
            if group and len(chosen) < count:
                chosen.append(group.pop(0))
    return chosen


def figures(times_ms: list[float], totals: list[int], through_index: list[bool]) -> dict:
    return {
        "searches": len(times_ms),
        "latency_ms": {
            "p50": insight.percentile(times_ms, 0.5),
            "p95": insight.percentile(times_ms, 0.95),
            "max": max(times_ms, default=float("nan")),
        },
        "results": {
            "p50": insight.percentile(totals, 0.5),
            "mean": sum(totals) / len(totals) if totals else float("nan"),
            "none": sum(1 for t in totals if t == 0),
        },
        "through_index": sum(through_index),
    }


# The worker: its own process, Django pointed at the bench's database ---------------------------


def _searchable(words: set[str]) -> set[str]:
    """The words PostgreSQL's english configuration keeps (the others are stop words)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w FROM unnest(%s::text[]) AS w"
            " WHERE numnode(plainto_tsquery('english', w)) > 0",
            [sorted(words)],
        )
        return {row[0] for row in cursor.fetchall()}


def build_queries(count: int, seed: int) -> list[dict]:
    from onestory.recording.models import CaseNote, CaseNoteSubject
    from onestory.recording.rules import NoteStatus

    notes = CaseNote.objects.filter(status=NoteStatus.SUBMITTED)
    texts = list(notes.values_list("text", flat=True).iterator(chunk_size=5000))
    rng = random.Random(seed)
    subjects = list(
        CaseNoteSubject.objects.filter(
            note__status=NoteStatus.SUBMITTED, person__date_of_birth__isnull=False
        )
        .order_by("pk")
        .values_list("person__given_name", flat=True)[:50000]
    )
    # Given names a note mentions (a name no note holds would only measure finding nothing).
    named = {w for text in rng.sample(texts, min(5000, len(texts))) for w in _WORD.findall(text)}
    names = [n for n in set(subjects) if n in named]
    words = {w.lower() for text in texts for w in _WORD.findall(text)}
    log(f"{len(texts):,} submitted notes, {len(words):,} different words")
    return sample_queries(texts, names, _searchable(words), count=count, seed=seed)


def chosen_workers() -> dict:
    """The social worker with the most records allocated now, and their team's manager (who
    may open the whole team's cases), with what each may search."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from onestory.access.models import Allocation
    from onestory.access.selectors import team_ids_of
    from onestory.documents.search import notes_searchable_by
    from onestory.documents.selectors_documents import documents_visible_to
    from onestory.workforce.models import Worker
    from onestory.workforce.rules import Role

    now = timezone.now()
    open_now = Allocation.objects.filter(starts_at__lte=now).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )
    busiest = (
        open_now.filter(worker__role=Role.SOCIAL_WORKER, worker__is_active=True)
        .values("worker_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "worker_id")
        .first()
    )
    social_worker = Worker.objects.get(pk=busiest["worker_id"]) if busiest else None
    team = social_worker.team if social_worker else None
    manager = team.manager if team else None
    chosen = {}
    for role, worker in zip(ROLES, (social_worker, manager), strict=True):
        if worker is not None:
            teams = team_ids_of(worker) if role == "team manager" else []
            chosen[role] = {
                "worker": worker,
                "username": worker.username,
                "team": team.name,
                "open_allocations": open_now.filter(
                    Q(worker=worker) | Q(team_id__in=teams) | Q(worker__team_id__in=teams)
                ).count(),
                "notes_searchable": notes_searchable_by(worker, now=now).count(),
                "documents_searchable": documents_visible_to(worker, now=now).count(),
            }
    return chosen


def _through_index(run) -> bool:
    """Whether the planner answered the notes query through the notes' full-text index (planned
    as the search plans it)."""
    from django.db import connection

    from onestory.documents.search import planned_through_the_indexes

    notes_sql = [q["sql"] for q in run.captured_queries if 'FROM "recording_casenote"' in q["sql"]]
    if not notes_sql:
        return False
    with planned_through_the_indexes(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {notes_sql[0]}")
        return any(INDEXES[0] in row[0] for row in cursor.fetchall())


def time_searches(worker, queries: list[dict], *, explain: bool) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from onestory.documents.search import search

    for query in queries[:WARM_UP]:
        search(worker, query["words"], now=timezone.now())
    times, totals, through, each = [], [], [], []
    for query in queries:
        now = timezone.now()
        started = time.perf_counter()
        found = search(worker, query["words"], now=now)
        times.append((time.perf_counter() - started) * 1000)
        totals.append(found.total)
        if explain:
            with CaptureQueriesContext(connection) as run:
                search(worker, query["words"], now=now)
            through.append(_through_index(run))
        each.append({**query, "ms": round(times[-1], 1), "results": found.total})
    return {**figures(times, totals, through), "each": each}


def worker(args) -> dict:
    from django.db import connection, transaction

    data = insight.ensure_data(scale=insight.LUTON_SCALE, seed=args.seed)
    from onestory.documents.models import Document
    from onestory.recording.models import CaseNote

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [list(INDEXES)]
        )
        present = sorted(row[0] for row in cursor.fetchall())
    data.update(notes=CaseNote.objects.count(), documents=Document.objects.count())
    queries = build_queries(args.queries, args.seed)
    workers = chosen_workers()
    result: dict = {"data": data, "indexes": present, "queries": len(queries), "roles": {}}
    for role, chosen in workers.items():
        log(f"as a {role} ({chosen['username']}): {len(queries)} searches")
        before = insight.load()
        timed = time_searches(chosen["worker"], queries, explain=True)
        timed["machine_load"] = {"before": before, "after": insight.load(), "cpus": os.cpu_count()}
        result["roles"][role] = {
            **{k: v for k, v in chosen.items() if k != "worker"},
            "with_index": timed,
        }
    if args.without_index and present:
        few = spread_sample(queries, args.without_index)
        with transaction.atomic():
            # Dropped and put back by the rollback: the bench's database is left as it was.
            with connection.cursor() as cursor:
                for name in present:
                    cursor.execute(f'DROP INDEX "{name}"')
            for role, chosen in workers.items():
                log(f"as a {role}, without the indexes: {len(few)} searches")
                before = insight.load()
                timed = time_searches(chosen["worker"], few, explain=False)
                timed["machine_load"] = {
                    "before": before,
                    "after": insight.load(),
                    "cpus": os.cpu_count(),
                }
                same = [e["words"] for e in timed["each"]]
                with_index = [
                    e["ms"]
                    for e in result["roles"][role]["with_index"]["each"]
                    if e["words"] in same
                ]
                timed["same_searches_with_index_ms"] = {
                    "p50": insight.percentile(with_index, 0.5),
                    "p95": insight.percentile(with_index, 0.95),
                }
                result["roles"][role]["without_index"] = timed
            transaction.set_rollback(True)
    return result


# The parent (called by `python -m bench`) -------------------------------------------------------


def run(
    *,
    postgres_url: str,
    prepare: Callable[[str], str | None],
    seed: int,
    queries: int,
    without_index: int,
    timeout: int,
) -> dict:
    """The figures; `prepare(url)` creates the database when needed (None, or why it cannot)."""
    url = insight._database(postgres_url, "_insight")
    why_not = prepare(url)
    if why_not:
        return {"skipped": f"PostgreSQL: {why_not}"}
    log(f"on {url.rsplit('@', 1)[-1]}")
    arguments = ["--seed", str(seed), "--queries", str(queries)]
    arguments += ["--without-index", str(without_index)]
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "ONESTORY_LOG_LEVEL": "WARNING",
        "DATABASE_CONN_MAX_AGE": "600",
    }
    command = [sys.executable, "-m", "bench.search", "--worker", "--out", out, *arguments]
    # This interpreter and our own module; no outside input reaches the command.
    process = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    results = insight._finish_worker(process, out, timeout)
    results["postgres"] = url.rsplit("@", 1)[-1]
    return results


def _ratio(p95: float) -> str:
    ratio = GOAL_P95_MS / p95 if p95 else float("nan")
    return f"{ratio:.2f}{' ok' if ratio >= 1 else ' MISSED'}"


def print_table(results: dict) -> None:
    print()
    print(f"Search notes and documents benchmark - PostgreSQL ({results.get('postgres', '?')})")
    if "skipped" in results:
        print(f"skipped: {results['skipped']}")
        return
    data = results["data"]
    first = next(iter(results["roles"].values()), None)
    kinds = Counter(e["kind"] for e in first["with_index"]["each"]) if first else Counter()
    print(
        f"the synthetic authority at scale {insight.LUTON_SCALE:g}: {data['notes']:,} case notes, "
        f"{data['documents']:,} documents; full-text indexes: "
        f"{', '.join(results['indexes']) or 'NONE (migrate)'}; {results['queries']} searches "
        f"per role ({', '.join(f'{n} {k}' for k, n in kinds.items() if n) if kinds else '-'})"
    )
    header = (
        f"{'as a':<15}{'may search':>22}{'indexes':>9}{'p50 ms':>8}{'p95 ms':>8}{'ratio':>12}"
        f"{'results p50':>12}{'none':>6}{'via index':>10}  machine load"
    )
    print(header)
    print("-" * len(header))
    for role, r in results["roles"].items():
        reach = f"{r['notes_searchable']:,} notes, {r['documents_searchable']:,} docs"
        for label in ("with_index", "without_index"):
            t = r.get(label)
            if not t:
                continue
            load = t["machine_load"]
            via = f"{t['through_index']}/{t['searches']}" if label == "with_index" else "-"
            print(
                f"{role if label == 'with_index' else '':<15}"
                f"{reach if label == 'with_index' else '':>22}"
                f"{'yes' if label == 'with_index' else 'dropped':>9}"
                f"{t['latency_ms']['p50']:>8.1f}{t['latency_ms']['p95']:>8.1f}"
                f"{_ratio(t['latency_ms']['p95']):>12}{t['results']['p50']:>12.0f}"
                f"{t['results']['none']:>6}{via:>10}  "
                f"{load['before']:.1f} to {load['after']:.1f} on {load['cpus']} CPUs"
            )
            if label == "without_index":
                same = t["same_searches_with_index_ms"]
                print(
                    f"{'':<15}the same {t['searches']} searches with the indexes: p50 "
                    f"{same['p50']:.1f} ms, p95 {same['p95']:.1f} ms"
                )
    print(
        f"goal: p95 <= {GOAL_P95_MS:.0f} ms (ratio >= 1 meets it); results: notes and documents "
        "found (at most 200 of each); via index: searches whose notes query went through the "
        "notes' full-text index"
    )
    for role, r in results["roles"].items():
        by_kind: dict[str, list[float]] = {}
        for e in r["with_index"]["each"]:
            by_kind.setdefault(e["kind"], []).append(e["ms"])
        print(
            f"as a {role}, p50/p95 ms by kind: "
            + "; ".join(
                f"{kind} {insight.percentile(ms, 0.5):.0f}/{insight.percentile(ms, 0.95):.0f}"
                for kind, ms in by_kind.items()
            )
        )
        slowest = sorted(r["with_index"]["each"], key=lambda e: -e["ms"])[:3]
        print(
            f"slowest as a {role} ({r['username']}, {r['team']}, {r['open_allocations']} "
            f"records allocated {'to them' if role == 'social worker' else 'in their teams'}): "
            + "; ".join(
                f"{e['words']} ({e['kind']}) {e['ms']:.0f} ms, {e['results']}" for e in slowest
            )
        )
    if data.get("generator_changed"):
        print(f"  WARNING: data older than the generator ({data['generator_changed']})")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.search",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument(
        "--queries",
        type=int,
        default=DEFAULT_QUERIES,
        help=f"searches per role (default {DEFAULT_QUERIES})",
    )
    parser.add_argument(
        "--without-index",
        type=int,
        default=DEFAULT_WITHOUT_INDEX,
        help="of them, searches timed again with the full-text indexes dropped (default "
        f"{DEFAULT_WITHOUT_INDEX}; 0 leaves it out)",
    )
    parser.add_argument("--postgres", help="PostgreSQL URL of the bench's database")
    parser.add_argument("--fresh", action="store_true", help="throw away the data first")
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT)
    args = parser.parse_args(argv)
    if args.worker:
        import django

        django.setup()
        Path(args.out).write_text(json.dumps(worker(args), default=str))
        return 0
    from bench.__main__ import RESULTS, _postgres_url, prepare_postgres

    results = run(
        postgres_url=_postgres_url(args.postgres),
        prepare=lambda url: prepare_postgres(url, fresh=args.fresh),
        seed=args.seed,
        queries=args.queries,
        without_index=args.without_index,
        timeout=args.timeout,
    )
    print_table(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"notes-search-{datetime.now():%Y%m%d-%H%M%S}.json"
    target.write_text(json.dumps(results, indent=2, default=str))
    print(f"figures written to {target.relative_to(ROOT)}")
    return 0 if "skipped" not in results else 1


if __name__ == "__main__":
    sys.exit(main())
