"""Item 8: every export the product offers, downloaded by a role allowed to use it.

The exports are found as a worker finds them: a bounded crawl of the performance hub and the
Supporting Families pages as the analyst and the team manager, collecting every link that asks
for a file (?format=csv|xlsx, claim.csv, a board report's PDF). Before the crawl, text that a
spreadsheet would run as a formula is planted in names that reach the tables (a team's name
starting with "=", a ward's with "+", a family hub site's with "-", an activity's with "@"); the
names are put back afterwards. For each file:

- hidden sheets: a workbook sheet whose state is not "visible";
- metadata: workbook or PDF properties naming a worker (any demo worker's name or sign-in);
- formula-leading cells: a text cell starting with = + - @ (or tab, carriage return) that is
  not escaped (an XLSX formula cell, or a CSV text field that is not a number);
- audit: no AuditEvent "export" by the downloading worker for the download;
- purpose: an export whose audit event does not say why it was taken (detail "purpose").
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

from proof.figures import Figure, check, zero
from proof.stack import Stack, log

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?(\d[\d,]*)?(\.\d+)?%?$")
START_PAGES = ("/performance/", "/early-help/supporting-families/")
FILE_LINK = re.compile(r"[?&]format=|\.csv$|/pdf/$")
SKIP = re.compile(r"/sign-out/|/new/$|/sample/")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            self.links.append(href)


@dataclass
class Found:
    files: dict[str, str] = field(default_factory=dict)  # url -> who downloaded it
    pages: int = 0


def find_exports(stack: Stack, clients: dict, limit: int) -> Found:
    """Every file link on the pages each worker reaches from the start pages."""
    found = Found()
    for who, client in clients.items():
        queue = [stack.base_url + p for p in START_PAGES]
        visited: set[str] = set()
        while queue and len(visited) < limit:
            url = queue.pop(0)
            if url in visited:
                continue
            visited.add(url)
            answer = client.get(url, timeout=120)
            found.pages += 1
            if answer.status_code != 200 or "html" not in answer.headers.get("Content-Type", ""):
                continue
            parser = _Links()
            parser.feed(answer.text)
            for href in parser.links:
                link = urljoin(url, href.split("#")[0])
                parts = urlsplit(link)
                if f"{parts.scheme}://{parts.netloc}" != stack.base_url:
                    continue
                if not parts.path.startswith(START_PAGES) or SKIP.search(parts.path):
                    continue
                if FILE_LINK.search(link):
                    found.files.setdefault(_kind_key(link), link)
                    found.files.setdefault(link + "\0who", who)
                elif link not in visited:
                    queue.append(link)
    return found


def _kind_key(link: str) -> str:
    """One download per (page, table, format): the same table for another period is the same
    export."""
    parts = urlsplit(link)
    query = parse_qs(parts.query)
    path = re.sub(r"[0-9a-f-]{36}", "<id>", parts.path)
    return f"{path}?table={query.get('table', [''])[0]}&format={query.get('format', [''])[0]}"


def plant_formulas(stack: Stack) -> tuple[dict[str, str], list]:
    """Names that reach the tables, changed to start with a formula character. Returns the
    planted values and how to put the names back."""
    stack.django()
    from django.db import transaction

    from onestory.familyhubs.models import Activity, Site
    from onestory.people.models import Ward
    from onestory.workforce.models import Team, Worker

    tag = secrets.token_hex(3)
    planted, undo = {}, []
    with transaction.atomic():
        team = Worker.objects.get(username="socialworker").team
        ward = Ward.objects.filter(address__isnull=False).order_by("pk").first()
        site = Site.objects.order_by("pk").first()
        activity = Activity.objects.order_by("pk").first()
        for model, row, value in (
            (Team, team, f'=HYPERLINK("https://proof.invalid/{tag}","team {tag}")'),
            (Ward, ward, f"+1+1 ward {tag}"),
            (Site, site, f"-1 site {tag}"),
            (Activity, activity, f"@SUM(1) activity {tag}"),
        ):
            if row is None:
                continue
            model.objects.filter(pk=row.pk).update(name=value)
            planted[model.__name__] = value
            undo.append((model, row.pk, row.name))

    def put_back():
        with transaction.atomic():
            for model, pk, name in undo:
                model.objects.filter(pk=pk).update(name=name)

    return planted, [put_back]


def _worker_names(stack: Stack) -> set[str]:
    names = set()
    for username, first, last in stack.sql(
        "SELECT username, first_name, last_name FROM workforce_worker WHERE username = ANY(%s)",
        [["frontdoor", "mashmanager", "earlyhelp", "familyhub", "school", "socialworker",
          "manager", "analyst", "admin", "dpo"]],
    ):  # fmt: skip
        names.add(username.lower())
        full = f"{first} {last}".strip().lower()
        if len(full) > 3:
            names.add(full)
    return names


@dataclass
class Read:
    hidden: list = field(default_factory=list)
    metadata: list = field(default_factory=list)
    formulas: list = field(default_factory=list)
    planted_seen: set = field(default_factory=set)
    cells: int = 0


def read_file(name: str, answer, planted: dict, names: set, read: Read) -> None:
    body = answer.content
    kind = answer.headers.get("Content-Type", "")
    texts: list[str] = []
    if "spreadsheetml" in kind or body[:2] == b"PK":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(body))
        props = {k: v for k, v in vars(book.properties).items() if isinstance(v, str)}
        for key, value in props.items():
            if key in (
                "creator",
                "lastModifiedBy",
                "title",
                "subject",
                "description",
                "keywords",
                "category",
            ) and any(n in value.lower() for n in names):
                read.metadata.append(f"{name}: {key}={value!r}")  # fmt: skip
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                read.hidden.append(f"{name}: sheet {sheet.title!r} {sheet.sheet_state}")
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is None:
                        continue
                    read.cells += 1
                    value = str(cell.value)
                    texts.append(value)
                    if cell.data_type == "f" or (
                        cell.data_type in ("s", "inlineStr") and value.startswith(FORMULA_STARTS)
                    ):
                        read.formulas.append(f"{name}: {cell.coordinate} {value[:40]!r}")
    elif "pdf" in kind or body[:5] == b"%PDF-":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(body))
        for key, value in (reader.metadata or {}).items():
            if any(n in str(value).lower() for n in names):
                read.metadata.append(f"{name}: {key}={value!r}")
        texts += [page.extract_text() or "" for page in reader.pages]
    else:
        for row in csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))):
            for value in row:
                read.cells += 1
                texts.append(value)
                if value.startswith(FORMULA_STARTS) and not NUMBER.match(value.strip()):
                    read.formulas.append(f"{name}: {value[:40]!r}")
    joined = "\n".join(texts)
    for model, value in planted.items():
        # The tag at the end of each planted value shows it reached this file.
        if value.split()[-1].strip('")') in joined:
            read.planted_seen.add(model)


@dataclass
class Audited:
    missing: list = field(default_factory=list)
    no_purpose: list = field(default_factory=list)


def _export_events(stack: Stack, username: str, since) -> list[dict]:
    return [
        row[0]
        for row in stack.sql(
            "SELECT e.detail FROM access_auditevent e JOIN workforce_worker w ON w.id = e.actor_id "
            "WHERE w.username = %s AND e.action = 'export' AND e.at >= %s ORDER BY e.id",
            [username, since],
        )
    ]


# Measures whose pages' tables the full run downloads (each in every format).
MEASURES_DOWNLOADED = 4
# A measure's page in an export's address; the group is the measure's id.
MEASURE_PAGE = re.compile(r"/measures/([^/]+)/")


def downloads(stack: Stack, quick: bool) -> list[Figure]:
    clients = {who: stack.session(who) for who in ("analyst", "manager")}
    planted, undo = plant_formulas(stack)
    try:
        found = find_exports(stack, clients, 40 if quick else 200)
        names = _worker_names(stack)
        read, audited = Read(), Audited()
        exports = [(k, v) for k, v in found.files.items() if "\0" not in k]
        if quick:
            # CI: one table in each format of each kind of page (every measure's page is one
            # kind).
            sampled = {}
            for key, url in exports:
                path, _, query = key.partition("?")
                kind = MEASURE_PAGE.sub("/measures/*/", path)
                sampled.setdefault((kind, query.rsplit("format=", 1)[-1]), (key, url))
            exports = list(sampled.values())
        else:
            # The full run downloads every table of every page, and every table of a few
            # measures' pages: each measure's page is worked out afresh (about 10 s at scale 1),
            # and their tables are made by the same code.
            found_in = {key: m.group(1) for key, _ in exports if (m := MEASURE_PAGE.search(key))}
            measures = list(dict.fromkeys(found_in.values()))[:MEASURES_DOWNLOADED]
            exports = [(key, url) for key, url in exports
                       if key not in found_in or found_in[key] in measures]  # fmt: skip
        failed, asked = [], 0
        for key, url in exports:
            who = found.files.get(url + "\0who", "analyst")
            since = stack.sql("SELECT now()")[0][0]
            answer = clients[who].get(url, timeout=300)
            purposes = re.findall(r'name="purpose" type="radio" value="([^"]+)"', answer.text)
            if "html" in answer.headers.get("Content-Type", "") and purposes:
                # The product asks why first: answer as a worker would, with a purpose.
                asked += 1
                answer = clients[who].get(url, params={"purpose": purposes[0]}, timeout=300)
            if answer.status_code != 200:
                failed.append(f"{answer.status_code} {key}")
                continue
            disposition = answer.headers.get("Content-Disposition", "")
            read_file(key, answer, planted, names, read)
            events = _export_events(stack, who, since)
            if not events:
                audited.missing.append(f"{key} as {who}")
            elif not any(str(e.get("purpose", "")).strip() for e in events):
                audited.no_purpose.append(f"{key} as {who}")
            if "attachment" not in disposition:
                failed.append(f"{key}: not an attachment")
    finally:
        for step in undo:
            try:
                step()
            except Exception as error:
                log(f"item 8: could not put a planted name back: {error}")
    for problem in [*failed, *read.hidden, *read.metadata, *read.formulas, *audited.missing][:20]:
        log(f"item 8: {problem}")
    formats = sorted({k.rsplit("format=", 1)[-1] or k.split("?")[0].rsplit(".", 1)[-1]
                      for k, _ in exports})  # fmt: skip
    covered = f"{len(exports)} exports ({', '.join(formats)}) from {found.pages} pages"
    covered += f", {asked} asked why first"
    reached = ", ".join(sorted(read.planted_seen)) or "none"
    figures = [
        zero("8", "exports found and downloaded with an error", failed,
             note=(f"e.g. {failed[0]}; " if failed else "") + covered),
        zero("8", "hidden sheets in XLSX exports", read.hidden,
             note=read.hidden[0] if read.hidden else covered),
        zero("8", "export properties naming a worker (creator, title…)", read.metadata,
             note=read.metadata[0] if read.metadata else covered),
        zero("8", "formula-leading cells left unescaped", read.formulas,
             note=(read.formulas[0] if read.formulas else f"{read.cells:,} cells")
             + f"; planted formula text reached: {reached}"),
        zero("8", "exports without an audit event", audited.missing,
             note=audited.missing[0] if audited.missing else covered),
    ]  # fmt: skip
    if not exports:
        figures.append(Figure("8", "exports found", 0, goal="> 0", ok=False,
                              note="the crawl found no export links"))  # fmt: skip
    if not read.planted_seen:
        figures.append(Figure("8", "planted formula text reaching an export", 0, goal="> 0",
                              ok=False, note="no export carried a planted name"))  # fmt: skip
    figures.append(
        zero(
            "8",
            "exports without a stated purpose",
            audited.no_purpose,
            note=audited.no_purpose[0] if audited.no_purpose else covered,
        )
    )
    return figures


@check("8", "Exports: hidden sheets, metadata, formula cells, audit and purpose", quick=True)
def exports_check(stack: Stack) -> list[Figure]:
    return downloads(stack, stack.quick)
