"""Run the SSDA903 validator (csc-validator-be-903) over one year's CSV files.

Executed by the validator's own Python (.validators/903/bin/python), never imported by onestory:
it imports neither Django nor onestory. It prints one JSON document on stdout and nothing else.

    python run_903.py FOLDER YEAR [--previous FOLDER] [--la E06000032]

The files are read with the package's own process_uploaded_files and LacValidator, with the
year's registry. Its validate loop is repeated here (as in lac_validator 0.1.17) so that a rule
that raises is reported with its exception's type, and a rule that returns nothing because a
table it needs was not given is reported as skipped, naming the tables it needed.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import inspect
import io
import json
import logging
import os
import re
import sys
import time
import warnings

VALIDATOR = "csc-validator-be-903 0.1.17"
LUTON = "E06000032"
# Tables a rule can need that are not SSDA903 files: the Ofsted provider lists.
NOT_FILES = {"Provider Info": "provider_info"}
MENTIONED = re.compile(r"""["'](\w+)["']\s+not\s+in\s+dfs""")


def _csv_files(folder: str) -> list[str]:
    return sorted(
        path for path in glob.glob(os.path.join(folder, "*")) if path.lower().endswith(".csv")
    )


def recognise(paths: list[str], column_names: dict) -> tuple[dict, list[str]]:
    """Which table each file holds, by its header row as the package matches it; and the
    problems a person must fix first (a file it cannot place, two files for one table)."""
    tables: dict = {}
    problems = []
    for path in paths:
        try:
            with open(path, encoding="utf-8-sig") as handle:
                first = handle.readline()
        except (OSError, UnicodeDecodeError) as error:
            problems.append(f"{os.path.basename(path)} cannot be read as UTF-8 text ({error}).")
            continue
        columns = {c.strip().strip('"') for c in first.strip().split(",")}
        found = [name for name, expected in column_names.items() if set(expected) == columns]
        if not found:
            problems.append(
                f"{os.path.basename(path)} is not an SSDA903 table: its columns "
                f"({', '.join(sorted(columns)) or 'none'}) match none the validator knows."
            )
        elif found[0] in tables:
            problems.append(
                f"{os.path.basename(tables[found[0]])} and {os.path.basename(path)} are both "
                f"{found[0]} files: give one year's files in each folder."
            )
        else:
            tables[found[0]] = path
    return tables, problems


def needed_tables(rule, known) -> list[str]:
    """The tables a rule needs: those it declares and those it checks for before running."""
    names = [t for t in (rule.tables or []) if t]
    with contextlib.suppress(OSError, TypeError):
        names += MENTIONED.findall(inspect.getsource(rule.func))
    names = [NOT_FILES.get(n, n) for n in names]
    return list(dict.fromkeys(n for n in names if n.removesuffix("_last") in known))


def validate(files, registry, metadata):
    """lac_validator.LacValidator, recording why each rule crashed or was skipped."""
    import pandas as pd
    from lac_validator import lac_validator as engine
    from lac_validator.config import column_names

    known = {*column_names, *NOT_FILES.values()}

    crashed, skipped, done = [], [], []

    class Validator(engine.LacValidator):
        def validate(self, selected_rules=None):
            data_store = engine.create_datastore(self.dfs, self.metadata)
            self.ds_results = engine.copy_datastore(data_store)
            present = set(data_store)
            for code, rule in self.get_rules_to_run(self.registry, selected_rules).items():
                ds_copy = engine.copy_datastore(data_store)
                try:
                    result = rule.func(ds_copy)
                except Exception as error:  # noqa: BLE001 - a rule's failure is reported
                    crashed.append(
                        {
                            "rule": str(code),
                            "exception": type(error).__name__,
                            "message": str(error)[:300],
                        }
                    )
                    continue
                if result == {}:
                    missing = [t for t in needed_tables(rule, known) if t not in present]
                    skipped.append({"rule": str(code), "missing_tables": missing})
                    continue
                done.append(str(code))
                for table, rows in result.items():
                    rows = [r for r, ok in zip(rows, pd.notna(rows), strict=True) if ok]
                    if rows:
                        self.ds_results[table].loc[rows, f"ERR_{rule.code}"] = True

    validator = Validator(metadata=metadata, files=files, registry=registry)
    return validator, crashed, skipped, done


def issues_of(validator, registry) -> list[dict]:
    issues = []
    for table, frame in validator.ds_results.items():
        if table == "metadata":
            continue
        for column in [c for c in frame.columns if c.startswith("ERR_")]:
            code = column[4:]
            rule = registry.get(code)
            fields = list(dict.fromkeys(rule.affected_fields or [])) if rule else []
            flagged = frame.index[frame[column] == True]  # noqa: E712 - NaN where not flagged
            for row in flagged:
                child = frame.at[row, "CHILD"] if "CHILD" in frame.columns else None
                issues.append(
                    {
                        "child": None if child is None or child != child else str(child),
                        "rule": code,
                        "kind": "error",
                        "message": (rule.message if rule else "") or "",
                        "table": table,
                        "fields": fields,
                        "row": int(row),
                    }
                )
    return issues


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("year", type=int)
    parser.add_argument("--previous")
    parser.add_argument("--la", default=LUTON)
    args = parser.parse_args(argv)

    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    started = time.perf_counter()
    result: dict = {"validator": VALIDATOR, "year": args.year}
    chatter = io.StringIO()
    with contextlib.redirect_stdout(chatter):
        from lac_validator.config import column_names
        from lac_validator.rules.ruleset_utils import get_year_ruleset
        from lac_validator.utils import process_uploaded_files

        logging.disable(logging.CRITICAL)  # the package configures logging on import
        this_year, problems = recognise(_csv_files(args.folder), column_names)
        last_year: dict = {}
        if args.previous:
            last_year, more = recognise(_csv_files(args.previous), column_names)
            problems += [f"Previous year: {p}" for p in more]
        if not this_year and not problems:
            problems.append("The folder holds no SSDA903 CSV files.")
        if problems:
            result["failure"] = " ".join(problems)
        else:
            files = {"This year": sorted(this_year.values())}
            if last_year:
                files["Prev year"] = sorted(last_year.values())
            registry = get_year_ruleset(str(args.year))
            metadata = {"collectionYear": str(args.year), "localAuthority": args.la}
            try:
                validator, crashed, skipped, done = validate(
                    process_uploaded_files(files), registry, metadata
                )
            except Exception as error:  # noqa: BLE001 - the package refused the files
                result["failure"] = f"The validator could not read the files: {error}"
            else:
                result.update(
                    rules_total=len(registry),
                    rules_run=sorted(done),
                    issues=issues_of(validator, registry),
                    crashed=crashed,
                    skipped=skipped,
                    tables=sorted(this_year) + [f"{t}_last" for t in sorted(last_year)],
                    children=len(validator.dfs.get("Header", [])),
                )
    result["seconds"] = time.perf_counter() - started
    json.dump(result, sys.stdout, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
