"""onestory validate_return: check a statutory return with the sector's validators.

validate_return cin FILE.xml [--year 2026] [--schema DFE.xsd]
    the children in need census: the XML schema (onestory's for 2025 to 2027, or the DfE's
    own file given with --schema), then csc-validator-be-cin's rules for the year
validate_return 903 FOLDER [--year 2026] [--previous FOLDER]
    SSDA903's CSV files: csc-validator-be-903's rules for the year, with the previous year's
    files when given (some rules compare the two years)

The year comes from the file (the census header; SSDA903's latest dates) unless --year is
given; when they disagree it says so. Prints every issue (the child, the rule, its message and
the child's page to fix it on), then the rules that crashed or were skipped, then a summary.
Exits 1 when there are errors, schema errors or crashed rules (queries are not errors). Each
run is kept (ValidationRun) and audited. Needs `make validators`.
"""

import re

from django.core.management.base import BaseCommand, CommandError

from onestory.core.clock import now
from onestory.core.errors import DomainError
from onestory.returns.validation import Outcome, record_run, validate_file
from onestory.returns.validation.validate import NAMES

YEAR = re.compile(r"\d{4}")
SHOWN_SKIPS = 40


def _plural(number: int, one: str, many: str | None = None) -> str:
    return f"{number:,} {one if number == 1 else (many or one + 's')}"


def report(outcome: Outcome, *, site: str = "") -> list[str]:
    """The report, line by line: issues, crashed and skipped rules, summary."""
    lines = [
        f"{NAMES[outcome.source][:1].upper()}{NAMES[outcome.source][1:]} {outcome.year}: "
        f"{outcome.path}",
        f"Checked with {outcome.validator}"
        + (f" and the schema {outcome.schema}" if outcome.schema else ""),
    ]
    lines += [f"NOTE: {note}" for note in outcome.notes]
    order = {"schema": 0, "error": 1, "query": 2}
    issues = sorted(
        outcome.issues,
        key=lambda i: (order[i["kind"]], i["child"] or "", i["rule"], i.get("line") or 0),
    )
    lines.append("")
    lines.append(f"Issues ({len(issues):,}):" if issues else "Issues: none.")
    for issue in issues:
        where = issue["table"] or "the whole return"
        if issue["fields"] and issue["fields"] != [issue["table"]]:
            where += ": " + ", ".join(issue["fields"])
        if issue.get("line"):
            where += f" (line {issue['line']})"
        elif issue["row"] is not None:
            where += f" (row {issue['row']})"
        child = f"child {issue['child']}" if issue["child"] else "no child"
        lines.append(f"- {child}: {issue['kind']} {issue['rule']} in {where}")
        lines.append(f"    {issue['message']}")
        if issue.get("link"):
            lines.append(f"    Fix it on: {site}{issue['link']}")
        elif issue["child"]:
            lines.append("    No record in onestory has this child's identifier.")
    lines.append("")
    if outcome.crashed_rules:
        lines.append(
            f"Rules that crashed ({len(outcome.crashed_rules)}): they did not check the return, "
            "so its result is not complete."
        )
        for crash in outcome.crashed_rules:
            lines.append(f"- {crash['rule']}: {crash['exception']} {crash['message']}".rstrip())
    else:
        lines.append("Rules that crashed: none.")
    if outcome.skipped_rules:
        lines.append(
            f"Rules skipped ({len(outcome.skipped_rules)}): each needs a table the return does "
            "not have."
        )
        for skip in outcome.skipped_rules[:SHOWN_SKIPS]:
            needs = ", ".join(skip.get("missing_tables") or []) or "a table that was not given"
            lines.append(f"- {skip['rule']}: needs {needs}")
        if len(outcome.skipped_rules) > SHOWN_SKIPS:
            lines.append(f"- and {len(outcome.skipped_rules) - SHOWN_SKIPS} more")
    else:
        lines.append("Rules skipped: none.")
    lines.append("")
    lines.append(
        f"Summary: {_plural(outcome.rules_total, 'rule')} for {outcome.year}: "
        f"{len(outcome.rules_run):,} ran, {len(outcome.crashed_rules):,} crashed, "
        f"{len(outcome.skipped_rules):,} skipped. "
        f"{_plural(outcome.count('error'), 'error')}, "
        f"{_plural(outcome.count('query'), 'query', 'queries')}, "
        f"{_plural(outcome.count('schema'), 'schema error')}; "
        f"{_plural(outcome.children, 'child', 'children')}; {outcome.seconds:.1f} s."
    )
    if outcome.clean and not outcome.skipped_rules:
        lines.append("Result: no errors, and every rule ran.")
    elif outcome.clean:
        lines.append("Result: no errors from the rules that ran; the skipped rules did not run.")
    elif not outcome.errors:
        crashed = ", ".join(crash["rule"] for crash in outcome.crashed_rules)
        lines.append(
            f"Result: no errors from the rules that ran, but rules {crashed} crashed inside the "
            "validator and checked nothing, so the return cannot be called clean."
        )
    else:
        lines.append("Result: NOT CLEAN - fix the errors above (and see the crashed rules).")
    return lines


class Command(BaseCommand):
    help = (
        "Check a statutory return with the sector's validators: cin FILE.xml (the children in "
        "need census, with its XML schema) or 903 FOLDER (SSDA903's CSV files)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(NAMES), help="Which return: cin or 903")
        parser.add_argument("path", help="The census file (cin) or the folder of CSV files (903)")
        parser.add_argument(
            "--year",
            help="The collection year, named by the 31 March it ends on (default: the file's)",
        )
        parser.add_argument("--schema", help="cin: the DfE's XSD to check the file against")
        parser.add_argument("--previous", help="903: the folder of the previous year's files")
        parser.add_argument(
            "--site", default="", help="The service's address, put before each page link"
        )

    def handle(self, *args, kind, path, year, schema, previous, site, **options):
        if year is not None and not YEAR.fullmatch(str(year).strip()):
            raise CommandError(f"Give --year as four digits, e.g. --year 2026 (not {year!r}).")
        if kind == "903" and schema:
            raise CommandError("--schema is for the census (cin): SSDA903 files are CSV.")
        if kind == "cin" and previous:
            raise CommandError("--previous is for SSDA903 (903): the census is one file.")
        try:
            outcome = validate_file(
                kind,
                path,
                year=int(year) if year else None,
                previous=previous,
                schema=schema,
            )
        except DomainError as error:
            raise CommandError(str(error)) from error
        record_run(outcome, acting_user=None, now=now(), via="command")
        self.stdout.write("\n".join(report(outcome, site=site.rstrip("/"))) + "\n")
        if outcome.errors:
            raise SystemExit(1)
        if not outcome.clean:
            raise SystemExit(2)
