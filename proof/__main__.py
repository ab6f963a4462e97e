"""`make proof` / `make proof-quick`: the reliability and security proof (issue 9).

Brings up onestory as a council would run it (gunicorn over TLS, the production settings,
PostgreSQL holding the synthetic local authority: scale 1 for `make proof`, a small town for
`--quick`), runs every check against it and prints one table of figures, each against its goal.
Exits 1 when a figure misses its goal (a leak, a lost record, a lost update…).

    python -m proof                   # everything, scale 1 (allow 45 minutes)
    python -m proof --quick           # the CI subset on a small town (under 10 minutes)
    python -m proof --only 10 13      # some items of the issue only
    python -m proof --fresh           # make the database again even if it looks current
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
import traceback
from datetime import datetime

from proof import checks  # noqa: F401 (registers the checks)
from proof.figures import CHECKS, Figure
from proof.stack import VAR, Database, Stack, default_database_url, environment, log

FULL_SCALE = 1.0
QUICK_SCALE = 0.05


def table(figures: list[Figure]) -> str:
    rows = [("Item", "Figure", "Measured", "Goal", "Result", "Note")]
    for f in figures:
        result = "" if f.ok is None else ("pass" if f.ok else "FAIL")
        rows.append((f.item, f.name, f.shown(), f.goal, result, f.note))
    widths = [min(max(len(r[i]) for r in rows), 70) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(cell[:70].ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m proof", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="the CI subset on a small town")
    parser.add_argument("--only", nargs="*", default=[], help="items of the issue to run")
    parser.add_argument("--scale", type=float, help="synthetic scale (default 1, quick 0.05)")
    parser.add_argument("--database-url", help="PostgreSQL database to make and use")
    parser.add_argument("--fresh", action="store_true", help="make the database again")
    args = parser.parse_args(argv)

    chosen = sorted(
        (
            c
            for c in CHECKS
            if (c.quick or not args.quick) and (not args.only or c.item in args.only)
        ),
        key=lambda c: int(c.item),
    )
    scale = args.scale or (QUICK_SCALE if args.quick else FULL_SCALE)
    database_url = args.database_url or default_database_url(args.quick)
    stack = Stack(Database(database_url), scale, args.quick, environment(database_url))
    started = time.monotonic()
    stack.prepare_database(fresh=args.fresh)
    figures: list[Figure] = []
    # Stopped (Ctrl-C, or a time limit's SIGTERM): the server is stopped and the figures so far
    # are printed, marked as an interrupted run.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if any(c.needs_server for c in chosen):
            stack.start_server()
            log(f"onestory is up at {stack.base_url}")
        for item in chosen:
            log(f"item {item.item}: {item.title}")
            began = time.monotonic()
            try:
                found = item.run(stack)
            except Exception:  # a check that breaks is a failed figure, not a stopped proof
                traceback.print_exc()
                found = [Figure(item.item, f"{item.title}: the check itself failed", "error",
                                goal="runs", ok=False)]  # fmt: skip
            figures.extend(found)
            log(f"item {item.item}: {time.monotonic() - began:.0f} s")
    except KeyboardInterrupt:
        figures.append(Figure("-", "the run was stopped before every check ran", "stopped",
                              goal="all ran", ok=False))  # fmt: skip
    finally:
        stack.stop_server()
    elapsed = time.monotonic() - started
    print()
    print(table(figures))
    failed = [f for f in figures if f.ok is False]
    print(f"\n{len(figures)} figures, {len(failed)} missed their goal, {elapsed / 60:.1f} minutes"
          f" (scale {scale:g}{', quick' if args.quick else ''})")  # fmt: skip
    VAR.mkdir(parents=True, exist_ok=True)
    out = VAR / f"results-{datetime.now():%Y%m%d-%H%M%S}{'-quick' if args.quick else ''}.json"
    out.write_text(json.dumps([f.__dict__ for f in figures], indent=2, default=str))
    log(f"figures written to {out}")
    return 1 if failed else 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
