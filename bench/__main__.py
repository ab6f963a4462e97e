"""`make bench`: how fast and how good "Known to us?" is on a synthetic authority.

For SQLite and, when it can be reached, PostgreSQL, it generates (once, then reuses) a synthetic
local authority of about 250,000 people, then searches for a sample of its planted duplicates
as a screener would type them. It prints p50/p95 latency, recall in the top 3 and the precision
of the "Likely match" band against their goals, and writes the figures as JSON to bench/results/.

    python -m bench                       # both databases, 2,000 searches
    python -m bench --scale 0.1 --queries 500 --skip-postgres
    python -m bench --postgres postgres://app:app@127.0.0.1:5432/onestory_bench
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_POSTGRES = "postgres://app:app@127.0.0.1:5432/onestory_bench"

GOALS = {"p95_ms": 50.0, "recall_top3": 0.98, "precision_likely": 0.99}


def _postgres_url(option: str | None) -> str:
    if option:
        return option
    if os.environ.get("BENCH_POSTGRES_URL"):
        return os.environ["BENCH_POSTGRES_URL"]
    current = os.environ.get("DATABASE_URL", "")
    if current.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(current)
        return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bench"))
    return DEFAULT_POSTGRES


def _where(url: str) -> str:
    """Host, port and database, never the password."""
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or 5432}{parts.path}"


def prepare_postgres(url: str, *, fresh: bool) -> str | None:
    """Create the benchmark database if needed. Returns why PostgreSQL is skipped, or None."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    parts = urlsplit(url)
    database = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(maintenance, connect_timeout=3, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [database]
            ).fetchone()
            if exists and fresh:
                conn.execute(f'DROP DATABASE "{database}" WITH (FORCE)')
                exists = None
            if not exists:
                conn.execute(f'CREATE DATABASE "{database}"')
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        first_line = (
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        )
        return f"not reachable at {_where(url)} ({first_line})"
    return None


def run_one(label: str, database_url: str, args) -> dict:
    """One worker process against one database; its JSON, or why it stopped."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BENCH_LABEL": label,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "ONESTORY_LOG_LEVEL": "WARNING",
        "DATABASE_CONN_MAX_AGE": "600",
    }
    command = [
        sys.executable,
        "-m",
        "bench.worker",
        "--label",
        label,
        "--scale",
        str(args.scale),
        "--seed",
        str(args.seed),
        "--queries",
        str(args.queries),
        "--out",
        out,
        "--show-misses",
        str(args.show_misses),
    ]
    if args.batch:
        command.append("--batch")
    started = time.perf_counter()
    try:
        # The command is this interpreter and our own module; no outside input reaches it.
        finished = subprocess.run(  # noqa: S603
            command, cwd=ROOT, env=env, timeout=args.timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return {"label": label, "skipped": f"stopped after {args.timeout} s (--timeout)"}
    if finished.returncode != 0:
        return {"label": label, "skipped": f"failed (exit {finished.returncode}); see above"}
    with open(out) as handle:
        result = json.load(handle)
    os.unlink(out)
    result["wall_seconds"] = time.perf_counter() - started
    return result


def _ratio(value: float, goal: float, *, lower_is_better: bool) -> str:
    if value != value or value == 0:  # NaN or zero
        return "-"
    ratio = goal / value if lower_is_better else value / goal
    return f"{ratio:.3f}{' ok' if ratio >= 1 else ' MISSED'}"


def print_table(results: list[dict], args) -> None:
    print()
    print(
        f"Known to us? benchmark - scale {args.scale}, seed {args.seed}, "
        f"{args.queries} searches (ratio >= 1 meets the goal)"
    )
    header = (
        f"{'database':<11}{'people':>9}{'generate':>10}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'ratio':>14}{'recall@3':>10}{'ratio':>14}{'likely prec.':>13}{'ratio':>14}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        if "skipped" in r:
            print(f"{r['label']:<11}skipped: {r['skipped']}")
            continue
        s = r["search"]
        generate = f"{r['generate_seconds']:.0f} s" + ("*" if r.get("reused") else "")
        print(
            f"{r['label']:<11}{r['people']:>9}{generate:>10}"
            f"{s['latency_ms']['p50']:>8.1f}{s['latency_ms']['p95']:>8.1f}"
            f"{_ratio(s['latency_ms']['p95'], GOALS['p95_ms'], lower_is_better=True):>14}"
            f"{s['recall_top3']:>10.4f}"
            f"{_ratio(s['recall_top3'], GOALS['recall_top3'], lower_is_better=False):>14}"
            f"{s['precision_likely']:>13.4f}"
            f"{_ratio(s['precision_likely'], GOALS['precision_likely'], lower_is_better=False):>14}"
        )
    print(
        "goals: p95 <= 50 ms, recall@3 >= 0.98, likely precision >= 0.99;"
        " * = data reused, time of the first generation"
    )
    done = [r for r in results if "skipped" not in r]
    for r in done:
        load = r["search"].get("machine_load")
        if load:
            print(
                f"machine load while timing ({r['label']}): {load['before']:.1f} to "
                f"{load['after']:.1f} on {load['cpus']} CPUs (other work slows the slowest)"
            )
    if done:
        first = done[0]["search"]
        print(
            "recall@3 by variation ("
            + done[0]["label"]
            + "): "
            + ", ".join(
                f"{k} {v:.3f} (n={first['variation_counts'][k]})"
                for k, v in first["recall_by_variation"].items()
            )
        )
        for r in done:
            if "batch" in r:
                b = r["batch"]
                print(
                    f"batch duplicate search ({r['label']}): {b['seconds']:.0f} s, "
                    f"{b['pairs_queued']} pairs queued, planted pairs found "
                    f"{b['planted_pairs_found']:.3f}, queued pairs truly one person "
                    f"{b['queued_pairs_true']:.3f}"
                )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=float(os.environ.get("BENCH_SCALE", 2.1)),
        help="passed to `onestory synth --scale` (default 2.1: about 250,000 people)",
    )
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument(
        "--sqlite", help="SQLite file (default var/bench/bench-<scale>-<seed>.sqlite3)"
    )
    parser.add_argument(
        "--postgres",
        help="PostgreSQL URL (default $BENCH_POSTGRES_URL, "
        "$DATABASE_URL + _bench, or " + _where(DEFAULT_POSTGRES) + ")",
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--fresh", action="store_true", help="throw away the benchmark data first")
    parser.add_argument(
        "--batch",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also time the batch duplicate search (default on)",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=1500,
        help="stop a database's run after this many seconds (default 1500)",
    )
    parser.add_argument(
        "--show-misses",
        type=int,
        default=0,
        help="keep this many missed searches in the JSON, for tuning",
    )
    args = parser.parse_args(argv)

    results = []
    if not args.skip_sqlite:
        path = Path(
            args.sqlite or ROOT / "var" / "bench" / f"bench-{args.scale:g}-{args.seed}.sqlite3"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        if args.fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        print(f"SQLite: {path}", file=sys.stderr)
        results.append(run_one("sqlite", f"sqlite:///{path}", args))
    if not args.skip_postgres:
        url = _postgres_url(args.postgres)
        why_not = prepare_postgres(url, fresh=args.fresh)
        if why_not:
            print(
                f"PostgreSQL skipped: {why_not}. Start it with `pg_ctlcluster 15 main start` "
                "(see docs in STACK.md) or pass --postgres URL.",
                file=sys.stderr,
            )
            results.append({"label": "postgresql", "skipped": why_not})
        else:
            print(f"PostgreSQL: {_where(url)}", file=sys.stderr)
            results.append(run_one("postgresql", url, args))

    print_table(results, args)
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"bench-{datetime.now():%Y%m%d-%H%M%S}.json"
    target.write_text(
        json.dumps(
            {
                "scale": args.scale,
                "seed": args.seed,
                "queries": args.queries,
                "goals": GOALS,
                "results": results,
            },
            indent=2,
            default=str,
        )
    )
    print(f"figures written to {target.relative_to(ROOT)}")
    return 0 if any("skipped" not in r for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
