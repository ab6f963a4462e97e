"""`make bench` (returns): export and validate the statutory returns of a large synthetic year.

- The children in need census for a year of about 10,000 children: onestory's export, the XML
  schema and the sector's rules run through onestory's runner (one-pass reader), against the
  sector validator run its own way on the same file (its convert_data reader, CinValidator).
  The ratio of the two times is the figure (goal <= 0.1: onestory takes a tenth of the time).
- SSDA903 for about 2,000 children (looked after in the year, and care leavers): export (the
  year and the year before) and validation with csc-validator-be-903.

Each runs in a worker process on its own throwaway SQLite database under var/bench/
(returns-<scale>-<seed>.sqlite3), generated once by `onestory synth` and reused afterwards. The
default scales give the sizes above: 2.45 makes 9,970 children in need in 2025/26; 3.2 makes
1,955 children in the SSDA903 return (1,406 looked after, 549 care leavers). Generating them
takes about 3 and 5 minutes on the 2-core machines, once.

    python -m bench --returns-only
    python -m bench.returns --worker --scale 2.45 --seed 2014 --parts cin --out figures.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2026
GOAL_RATIO = 0.1


def log(message: str) -> None:
    print(f"  [returns] {message}", file=sys.stderr, flush=True)


# The worker (its own process, its own database) ------------------------------------------------


def _ensure_data(scale: float, seed: int) -> dict:
    from django.core.management import call_command

    from onestory.people.models import Person
    from onestory.synthetic.models import SyntheticRun

    call_command("migrate", verbosity=0)
    run = SyntheticRun.objects.filter(seed=seed, scale=scale).order_by("-generated_at").first()
    if run is not None:
        log(f"reusing the synthetic authority at scale {scale:g} ({run.seconds:.0f} s to make)")
        return {"reused": True, "generate_seconds": run.seconds}
    if Person.objects.exists():
        raise SystemExit(f"The returns benchmark database for scale {scale:g} holds other data.")
    log(f"generating `onestory synth --scale {scale:g} --seed {seed}` (first run only)")
    started = time.perf_counter()
    call_command("synth", scale=scale, seed=seed, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return {"reused": False, "generate_seconds": time.perf_counter() - started}


def _issue_key(issue: dict) -> str:
    return json.dumps(
        {k: issue[k] for k in ("child", "rule", "kind", "table", "fields", "row")}, sort_keys=True
    )


def _census(folder: Path) -> dict:
    from django.utils import timezone

    from onestory.returns import cin_census
    from onestory.returns.validation import validate_file
    from onestory.returns.validation.validate import RUNNERS, validator_python

    out = folder / "cin.xml"
    started = time.perf_counter()
    cin_census.export(year=YEAR, out=out, now=timezone.now(), via="bench")
    export_seconds = time.perf_counter() - started
    log(f"census exported in {export_seconds:.1f} s; validating")
    started = time.perf_counter()
    outcome = validate_file("cin", out, year=YEAR)
    validate_seconds = time.perf_counter() - started
    log(f"validated in {validate_seconds:.1f} s; now the sector's own way (slow)")
    started = time.perf_counter()
    # The validator's own Python running its own reader and rules on the same file.
    finished = subprocess.run(  # noqa: S603
        [str(validator_python("cin")), str(RUNNERS["cin"]), str(out), str(YEAR), "--sector"],
        capture_output=True,
        text=True,
        check=True,
    )
    sector_seconds = time.perf_counter() - started
    sector = json.loads(finished.stdout)
    ours = {_issue_key(i) for i in outcome.issues if i["kind"] != "schema"}
    theirs = {_issue_key(i) for i in sector["issues"]}
    ours_seconds = export_seconds + validate_seconds
    return {
        "children": outcome.children,
        "file_mib": out.stat().st_size / 2**20,
        "export_seconds": export_seconds,
        "validate_seconds": validate_seconds,
        "timings": outcome.timings,
        "ours_seconds": ours_seconds,
        "sector_seconds": sector_seconds,
        "sector_read_seconds": sector["read_seconds"],
        "sector_rules_seconds": sector["rules_seconds"],
        "ratio": ours_seconds / sector_seconds,
        "same_issues": ours == theirs,
        "errors": outcome.count("error"),
        "queries": outcome.count("query"),
        "schema_errors": outcome.count("schema"),
        "crashed": len(outcome.crashed_rules),
        "rules_run": len(outcome.rules_run),
    }


def _ssda903(folder: Path) -> dict:
    from django.utils import timezone

    from onestory.returns import ssda903
    from onestory.returns.validation import validate_file

    this_year, last_year = folder / str(YEAR), folder / str(YEAR - 1)
    started = time.perf_counter()
    ssda903.export(year=YEAR, out=this_year, now=timezone.now(), via="bench")
    export_seconds = time.perf_counter() - started
    started = time.perf_counter()
    ssda903.export(year=YEAR - 1, out=last_year, now=timezone.now(), via="bench")
    previous_seconds = time.perf_counter() - started
    log(f"SSDA903 exported in {export_seconds:.1f} s (+{previous_seconds:.1f} s the year before)")
    started = time.perf_counter()
    outcome = validate_file("903", this_year, year=YEAR, previous=last_year)
    validate_seconds = time.perf_counter() - started
    with (this_year / "episodes.csv").open(encoding="utf-8") as handle:
        looked_after = len({line.split(",", 1)[0] for line in list(handle)[1:]})
    return {
        "children": outcome.children,
        "looked_after": looked_after,
        "export_seconds": export_seconds,
        "previous_export_seconds": previous_seconds,
        "validate_seconds": validate_seconds,
        "total_seconds": export_seconds + previous_seconds + validate_seconds,
        "errors": outcome.count("error"),
        "crashed": len(outcome.crashed_rules),
        "skipped_rules": len(outcome.skipped_rules),
        "rules_run": len(outcome.rules_run),
    }


def worker(args) -> int:
    import django

    django.setup()
    figures: dict = {"scale": args.scale, "seed": args.seed}
    figures.update(_ensure_data(args.scale, args.seed))
    with tempfile.TemporaryDirectory(prefix="bench-returns-") as folder:
        if "cin" in args.parts:
            figures["cin"] = _census(Path(folder))
        if "903" in args.parts:
            figures["903"] = _ssda903(Path(folder))
    Path(args.out).write_text(json.dumps(figures, default=str))
    return 0


# The parent (called by `python -m bench`) ---------------------------------------------------


def _validators_missing() -> str | None:
    base = Path(os.environ.get("ONESTORY_VALIDATORS_DIR", ROOT / ".validators"))
    absent = [s for s in ("cin", "903") if not (base / s / "bin" / "python").exists()]
    return f"no validators in {base} (run `make validators`)" if absent else None


def run_parts(*, cin_scale: float, ssda903_scale: float, seed: int, timeout: int) -> dict:
    why_not = _validators_missing()
    if why_not:
        return {"skipped": why_not}
    plan: dict[float, list[str]] = {}
    plan.setdefault(cin_scale, []).append("cin")
    plan.setdefault(ssda903_scale, []).append("903")
    results: dict = {"year": YEAR}
    for scale, parts in plan.items():
        database = ROOT / "var" / "bench" / f"returns-{scale:g}-{seed}.sqlite3"
        database.parent.mkdir(parents=True, exist_ok=True)
        log(f"scale {scale:g}: {', '.join(parts)} on {database.relative_to(ROOT)}")
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
            out = handle.name
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{database}",
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "ONESTORY_LOG_LEVEL": "WARNING",
        }
        command = [
            sys.executable,
            "-m",
            "bench.returns",
            "--worker",
            "--scale",
            str(scale),
            "--seed",
            str(seed),
            "--parts",
            ",".join(parts),
            "--out",
            out,
        ]
        started = time.perf_counter()
        try:
            # This interpreter and our own module; no outside input reaches the command.
            finished = subprocess.run(  # noqa: S603
                command, cwd=ROOT, env=env, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired:
            for part in parts:
                results[part] = {"skipped": f"stopped after {timeout} s"}
            continue
        finally:
            figures = Path(out).read_text() if Path(out).exists() else ""
            Path(out).unlink(missing_ok=True)
        if finished.returncode != 0 or not figures:
            for part in parts:
                results[part] = {"skipped": f"failed (exit {finished.returncode}); see above"}
            continue
        data = json.loads(figures)
        for part in parts:
            results[part] = {
                **data[part],
                "scale": scale,
                "generate_seconds": data["generate_seconds"],
                "reused": data["reused"],
                "wall_seconds": time.perf_counter() - started,
            }
    return results


def print_table(results: dict) -> None:
    print()
    print(f"Returns benchmark - collection year {YEAR - 1}/{str(YEAR)[2:]}, SQLite")
    if "skipped" in results:
        print(f"skipped: {results['skipped']}")
        return
    cin = results.get("cin", {})
    if "skipped" in cin:
        print(f"children in need census: skipped: {cin['skipped']}")
    elif cin:
        t = cin["timings"]
        verdict = "ok" if cin["ratio"] <= GOAL_RATIO else "MISSED"
        print(
            f"children in need census: {cin['children']:,} children ({cin['file_mib']:.1f} MiB, "
            f"scale {cin['scale']:g}): onestory {cin['ours_seconds']:.1f} s (export "
            f"{cin['export_seconds']:.1f} s, reading and schema "
            f"{t.get('read_xml', 0) + t.get('schema', 0):.1f} s, sector rules through our "
            f"runner {t.get('validator', 0):.1f} s of which reading "
            f"{t.get('validator_read', 0):.1f} s and rules {t.get('validator_rules', 0):.1f} s)"
        )
        print(
            f"  the validator's own way on the same file: {cin['sector_seconds']:.1f} s (its "
            f"reader {cin['sector_read_seconds']:.1f} s, rules "
            f"{cin['sector_rules_seconds']:.1f} s); ratio {cin['ratio']:.3f} (goal <= "
            f"{GOAL_RATIO}) {verdict}; same issues both ways: "
            f"{'yes' if cin['same_issues'] else 'NO'}"
        )
        print(
            f"  found: {cin['errors']} errors, {cin['queries']} queries, {cin['schema_errors']} "
            f"schema errors; {cin['rules_run']} rules ran, {cin['crashed']} crashed"
        )
    ssda = results.get("903", {})
    if "skipped" in ssda:
        print(f"SSDA903: skipped: {ssda['skipped']}")
    elif ssda:
        print(
            f"SSDA903: {ssda['children']:,} children ({ssda['looked_after']:,} looked after in "
            f"the year, scale {ssda['scale']:g}): {ssda['total_seconds']:.1f} s (export "
            f"{ssda['export_seconds']:.1f} s, the year before {ssda['previous_export_seconds']:.1f}"
            f" s, validation {ssda['validate_seconds']:.1f} s); {ssda['errors']} errors, "
            f"{ssda['rules_run']} rules ran, {ssda['crashed']} crashed, "
            f"{ssda['skipped_rules']} skipped"
        )
    for part in ("cin", "903"):
        figures = results.get(part, {})
        if figures and "skipped" not in figures and not figures.get("reused"):
            print(
                f"  (scale {figures['scale']:g} generated first, in "
                f"{figures['generate_seconds']:.0f} s; later runs reuse it)"
            )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.returns", description=__doc__)
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--scale", type=float, default=2.45)
    parser.add_argument("--seed", type=int, default=2014)
    parser.add_argument("--parts", default="cin,903")
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    if args.worker:
        args.parts = args.parts.split(",")
        return worker(args)
    results = run_parts(
        cin_scale=args.scale, ssda903_scale=args.scale, seed=args.seed, timeout=3600
    )
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
