"""Item 18: fuzzing. (1) The API, from its OpenAPI schema (/api/schema/), with schemathesis
against the running server over TLS as a signed-in worker, bounded in time: server errors and
answers that break the schema. (2) The importers, in-process on the proof database inside a
transaction that is rolled back: the CIN census (XML), SSDA903 (CSV) and Open Referral (JSON)
importers given hypothesis-made files. Crashes are exceptions other than the importers' own
refusals; partial imports are rows left after a refused import. (3) Hostile XML (external
entities, billion laughs, an external DTD, parameter entities) must be refused without reading a
file or expanding anything."""

from __future__ import annotations

import csv
import re
import subprocess
import tempfile
import time
import traceback
from pathlib import Path

from proof.figures import Figure, check, zero
from proof.stack import ROOT, Stack, log

API_SECONDS = 180
EXAMPLES = 60
SECRET = "onestory-fuzz-secret-" + "x" * 8


# --- (1) The API against its schema ----------------------------------------------------------


def _api(stack: Stack) -> list[Figure]:
    client = stack.session("socialworker")
    cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    out = Path(tempfile.mkdtemp(prefix="proof-fuzz-"))
    junit = out / "junit.xml"
    command = [
        str(ROOT / ".venv" / "bin" / "schemathesis"), "run", f"{stack.base_url}/api/schema/",
        "--url", stack.base_url,
        "-H", f"Cookie: {cookies}", "-H", f"X-CSRFToken: {client.cookies.get('csrftoken', '')}",
        "-H", f"Referer: {stack.base_url}/",
        "--tls-verify", str(stack.certificate),
        "--checks", "not_a_server_error,response_schema_conformance,status_code_conformance,"
        "content_type_conformance",
        "--max-examples", str(EXAMPLES), "--max-time", str(API_SECONDS),
        "--phases", "examples,coverage,fuzzing,stateful",
        "--request-timeout", "30", "--workers", "2",
        "--report", "junit", "--report-junit-path", str(junit),
    ]  # fmt: skip
    began = time.monotonic()
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=API_SECONDS + 60,
                                env={"PATH": "/usr/bin:/bin", "HOME": str(out)}, cwd=out,
                                check=False)  # fmt: skip
        text = result.stdout + result.stderr
    except subprocess.TimeoutExpired as error:
        text = f"timed out after {API_SECONDS + 60} s: {error.stdout or ''}"
        result = None
    seconds = time.monotonic() - began
    (Path(stack.server_log).parent / "schemathesis.log").write_text(text)
    report = junit.read_text() if junit.exists() else ""
    # Each failure is listed under its operation ("___ GET /api/people/ ___") as "- <what>".
    failures, operation = [], ""
    for line in text.splitlines():
        heading = re.match(r"^_+ ((GET|POST|PUT|PATCH|DELETE) \S+) _+$", line.strip())
        if heading:
            operation = heading.group(1)
        elif operation and line.startswith("- "):
            failures.append(f"{operation}: {line[2:].strip()}")
    failures = sorted(set(failures))
    server_errors = [f for f in failures if "Server error" in f]
    schema = [f for f in failures if f not in server_errors]
    cases = len(re.findall(r"<testcase", report))
    ran = result is not None and cases > 0
    return [
        Figure("18", "API fuzzing: the run itself", "ran" if ran else "did not run",
               goal="ran", ok=ran,
               note=f"{cases} operations, {seconds:.0f} s" if ran else text.strip()[-150:]),
        zero("18", "API: operations answering with a server error", server_errors,
             note=server_errors[0] if server_errors else f"{cases} operations"),
        zero("18", "API: operations answering outside their schema", schema,
             note=schema[0] if schema else "status codes, bodies, content types"),
    ]  # fmt: skip


# --- (2) The importers ------------------------------------------------------------------------


def _census(children: str, year: int = 2026) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Message><Header><CollectionDetails>'
        f"<Collection>CIN</Collection><Year>{year}</Year><ReferenceDate>{year}-03-31"
        "</ReferenceDate></CollectionDetails><Source><SourceLevel>L</SourceLevel><LEA>999</LEA>"
        "<SoftwareCode>x</SoftwareCode><Release>1</Release><SerialNo>001</SerialNo>"
        f"<DateTime>{year}-04-20T10:00:00</DateTime></Source></Header><Children>{children}"
        "</Children></Message>"
    )


def _child(code, birth, sex, ethnicity, referral, source, need, nfa, start) -> str:
    from xml.sax.saxutils import escape

    e = escape
    return (
        f"<Child><ChildIdentifiers><LAchildID>{e(code)}</LAchildID><PersonBirthDate>{e(birth)}"
        f"</PersonBirthDate><Sex>{e(sex)}</Sex></ChildIdentifiers><ChildCharacteristics>"
        f"<Ethnicity>{e(ethnicity)}</Ethnicity><Disabilities><Disability>NONE</Disability>"
        f"</Disabilities></ChildCharacteristics><CINdetails><CINreferralDate>{e(referral)}"
        f"</CINreferralDate><ReferralSource>{e(source)}</ReferralSource><PrimaryNeedCode>"
        f"{e(need)}</PrimaryNeedCode><Assessments><AssessmentActualStartDate>{e(start)}"
        "</AssessmentActualStartDate></Assessments>"
        f"<ReferralNFA>{e(nfa)}</ReferralNFA></CINdetails></Child>"
    )


HOSTILE = {
    "external entity (file)": '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM '
    '"file://{secret}">]><Message>&x;</Message>',
    "billion laughs": '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "lol">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + "]><Message>&j;</Message>",
    "external DTD": '<?xml version="1.0"?><!DOCTYPE Message SYSTEM "file://{secret}"><Message/>',
    "parameter entity": '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY % p SYSTEM '
    '"file://{secret}"> %p;]><Message/>',
    "external entity (web)": '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM '
    '"http://127.0.0.1:9/x">]><Message>&x;</Message>',
}


def _counts(tables) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        found = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (our own names)
            found[table] = cursor.fetchone()[0]
        return found


CASE_TABLES = ("people_person", "people_chronologyentry", "returns_lachildid", "returns_keptrow",
               "frontdoor_referral", "socialcare_careperiod", "socialcare_placement")  # fmt: skip
DIRECTORY_TABLES = ("familyhubs_service",)
FEED_FIELDS = ("description", "status", "url", "email", "fees", "eligibilitys", "cost_options",
               "contacts", "service_at_locations", "regular_schedules", "service_taxonomys",
               "assured_date")  # fmt: skip


def _importers(stack: Stack) -> list[Figure]:
    stack.django()
    from django.db import connection, transaction
    from django.utils import timezone
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from onestory.core.errors import DomainError
    from onestory.familyhubs import openreferral
    from onestory.familyhubs.actions.directory import directory_import
    from onestory.returns import ssda903 as spec
    from onestory.returns.imports import cin_census, ssda903
    from onestory.workforce.models import Worker

    tables = [t for t in CASE_TABLES if t in connection.introspection.table_names()]
    refusals = (DomainError, openreferral.FeedUnreadable)
    crashes, partial, hostile_failures = [], [], []
    tried = {"cin": 0, "903": 0, "openreferral": 0, "hostile": 0}
    outcomes = {"loaded": 0, "refused": 0}
    now = timezone.now()
    analyst = Worker.objects.get(username="analyst")
    folder = Path(tempfile.mkdtemp(prefix="proof-import-fuzz-"))
    secret = folder / "secret.txt"
    secret.write_text(SECRET)

    def attempt(kind: str, run, watched) -> None:
        """Run one import in a transaction rolled back afterwards; record crashes and rows
        left after a refusal."""
        tried[kind] += 1
        with transaction.atomic():
            before = _counts(watched)
            refused = False
            try:
                report = run()
                refused = bool(getattr(report, "rejected", None)) and not getattr(
                    report, "loaded", True
                )
                if kind == "openreferral":
                    refused = False  # good services load, rejected ones are reported
            except refusals:
                refused = True
            except Exception as error:  # noqa: BLE001 (a crash is what we count)
                crashes.append(f"{kind}: {type(error).__name__}: {str(error)[:80]}")
                log(f"item 18: {kind} crashed:\n{traceback.format_exc()[-800:]}")
            outcomes["refused" if refused else "loaded"] += 1
            if refused:
                after = _counts(watched)
                grown = {t: after[t] - before[t] for t in watched if after[t] != before[t]}
                if grown:
                    partial.append(f"{kind}: refused but left {grown}")
            transaction.set_rollback(True)

    text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20)
    day = st.one_of(st.dates().map(str), text)
    codes = st.one_of(st.sampled_from(["", "A1", "x" * 200, "0", "  "]), text)
    fuzz = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                    suppress_health_check=list(HealthCheck))  # fmt: skip

    @fuzz
    @given(st.lists(st.tuples(codes, day, st.sampled_from(["M", "F", "U", "", "Z"]),
                              st.sampled_from(["WBRI", "NOBT", "", "??"]), day,
                              st.sampled_from(["2A", "1A", "", "ZZ"]),
                              st.sampled_from(["N1", "N9", ""]),
                              st.sampled_from(["false", "true", "1", "maybe"]), day),
                    min_size=0, max_size=4),
           st.one_of(st.just(2026), st.integers(1900, 2100)))  # fmt: skip
    def cin(children, year):
        path = folder / "census.xml"
        path.write_text(_census("".join(_child(*c) for c in children), year))
        attempt("cin", lambda: cin_census.run([path], acting_user=analyst, now=now,
                                              progress=False), tables)  # fmt: skip

    @fuzz
    @given(st.lists(st.lists(st.one_of(day, codes), min_size=7, max_size=7), max_size=4),
           st.lists(st.lists(st.one_of(day, codes, st.sampled_from(["S", "C2", "U4", "X1"])),
                             min_size=len(spec.COLUMNS["Episodes"]),
                             max_size=len(spec.COLUMNS["Episodes"])), max_size=4),
           st.booleans())  # fmt: skip
    def ssda(headers, episodes, garble):
        where = folder / "903"
        where.mkdir(exist_ok=True)
        files = (("header.csv", spec.COLUMNS["Header"], headers),
                  ("episodes.csv", spec.COLUMNS["Episodes"], episodes))  # fmt: skip
        for name, columns, rows in files:
            with (where / name).open("w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(columns[::-1] if garble else columns)
                writer.writerows(rows)
        attempt(
            "903", lambda: ssda903.run([where], acting_user=None, now=now, progress=False), tables
        )

    json_value = st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), text),
        lambda inner: st.one_of(st.lists(inner, max_size=3),
                                st.dictionaries(text, inner, max_size=3)),
        max_leaves=8,
    )  # fmt: skip
    service = st.fixed_dictionaries(
        {"id": st.one_of(text, st.uuids().map(str)), "name": st.one_of(text, json_value)},
        optional=dict.fromkeys(FEED_FIELDS, json_value),
    )  # fmt: skip

    @fuzz
    @given(st.one_of(st.lists(service, max_size=4).map(lambda s: {"content": s, "totalPages": 1}),
                     st.lists(service, max_size=3), json_value))  # fmt: skip
    def feed(document):
        import json

        def run():
            read = openreferral.read_text(json.dumps(document), today=now.date())
            return directory_import(read=read, source="fuzz", acting_user=None, now=now)

        attempt("openreferral", run, DIRECTORY_TABLES)

    for name, runner in (("cin", cin), ("903", ssda), ("openreferral", feed)):
        began = time.monotonic()
        runner()
        log(f"item 18: {tried[name]} {name} imports in {time.monotonic() - began:.0f} s")

    # (3) Hostile XML: refused as such, no file read, nothing expanded, nothing loaded.
    for what, template in HOSTILE.items():
        tried["hostile"] += 1
        path = folder / "hostile.xml"
        path.write_text(template.replace("{secret}", str(secret)))
        began = time.monotonic()
        with transaction.atomic():
            before = _counts(tables)
            said = ""
            try:
                report = cin_census.run([path], acting_user=analyst, now=now, progress=False)
                said = " ".join(r.reason for r in report.rejected)
                if report.loaded or not report.rejected:
                    hostile_failures.append(f"{what}: accepted")
            except DomainError as refusal:
                said = refusal.message
            except Exception as error:  # noqa: BLE001
                hostile_failures.append(f"{what}: crashed ({type(error).__name__})")
                said = "refused"
            if SECRET in said or "lol" * 5 in said:
                hostile_failures.append(f"{what}: the refusal shows what was expanded")
            elif "refused" not in said:
                hostile_failures.append(f"{what}: not refused as hostile: {said[:60]}")
            if _counts(tables) != before:
                hostile_failures.append(f"{what}: rows loaded")
            transaction.set_rollback(True)
        if time.monotonic() - began > 5:
            hostile_failures.append(f"{what}: took {time.monotonic() - began:.0f} s")
    total = sum(v for k, v in tried.items() if k != "hostile")
    covered = ", ".join(f"{v} {k}" for k, v in tried.items())
    return [
        zero("18", "importers: crashes on fuzzed files", crashes,
             note=crashes[0] if crashes else f"{total} imports: {covered}"),
        zero("18", "importers: rows left after a refused import", partial,
             note=(partial or ["{refused} refused, {loaded} loaded".format(**outcomes)])[0]),
        zero("18", "hostile XML not refused (XXE, billion laughs, DTD)", hostile_failures,
             note=hostile_failures[0] if hostile_failures else f"{len(HOSTILE)} hostile files"),
    ]  # fmt: skip


@check("18", "API and importer fuzzing", quick=False)
def fuzzing(stack: Stack) -> list[Figure]:
    return _importers(stack) + _api(stack)
