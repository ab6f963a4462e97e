"""Item 3: marker strings planted in restricted fields, then looked for everywhere a demo role or
a letter's recipient can reach them.

Five markers, each a fresh random token on every run, are planted in-process on one child of the
town (a child with a front-door contact, a social worker and, where there is one, the school's
consent, so that a partner agency can open the record too):

- refuge     the child's current address, withheld because it is a refuge
- foster     a foster carer's address (withheld), the carer related to the child
- adopters   an adoptive parent's name (adopters' identity)
- referrer   the referrer's name on the child's front-door contact
- police     a police reply to the front door's information request on that contact

Who may see each, as the product's rules say (docs/adr/0017, onestory/documents/rules.py):
council staff who may open the record may see all of them on the record itself, the data
protection officer too (subject access, governance); a partner agency only the referrer's
identity; analysts and administrators none (they do not open records). A letter's copy may
carry a marker only when its recipient kind may receive the marker's source (MAY_RECEIVE).
An e-mail, a text message, a log line and an export of figures may carry none.

Then, for every demo sign-in: a bounded crawl of same-origin links from the home page and the
planted records' pages (person, chronology, letters, documents, API, search results), each
response's text read (HTML, JSON, CSV, XLSX with its hidden sheets, PDF); letters produced for
every recipient of the child and their PDFs fetched; notify's messages and the server's log read.
Every planted row is removed afterwards; the letters made are withdrawn and deleted.
"""

from __future__ import annotations

import io
import re
import secrets
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from proof.figures import Figure, check, zero
from proof.stack import Stack, log

# Roles (workforce.rules.Role values) that may see each marker on pages they can open.
COUNCIL_CASE = {"frontdoor", "earlyhelp", "familyhub", "socialworker", "manager", "dpo"}
ALLOWED_ROLES = {
    "refuge": COUNCIL_CASE,
    "foster": COUNCIL_CASE,
    "adopters": COUNCIL_CASE,
    "police": COUNCIL_CASE,
    "referrer": COUNCIL_CASE | {"partner"},
}
# The restricted source (documents.rules.Source) each marker's value carries in a letter.
SOURCE = {
    "refuge": "withheld_address",
    "foster": "withheld_address",
    "adopters": "adopters_identity",
    "referrer": "referrer_identity",
    "police": "police_information",
}
DEMO_USERS = (
    "frontdoor", "mashmanager", "earlyhelp", "familyhub", "school", "socialworker", "manager",
    "analyst", "admin", "dpo",
)  # fmt: skip
# Links never followed: they sign out or change something even if asked with GET.
SKIP = re.compile(r"/sign-out/|/sign-in/|/break-the-glass/|/static/|/withdraw|/recall|/delete")


@dataclass
class Planted:
    markers: dict[str, str]  # kind -> token
    child_id: str
    person_ids: list[str]  # records whose pages are seeded into the crawl
    contact_id: str
    undo: list = field(default_factory=list)  # callables, run in reverse order
    # Whose home each planted address is: a letter to them may carry their own address.
    occupants: dict = field(default_factory=dict)
    in_letters: Counter = field(default_factory=Counter)  # markers found where allowed


def _token(kind: str) -> str:
    return f"MKR-{kind.upper()}-{secrets.token_hex(6)}"


def _choose_child(stack: Stack) -> tuple[str, str] | None:
    """A child with a front-door contact and a social worker, preferring one the school's agency
    holds consent for (so the partner's view is tested too)."""
    rows = stack.sql(
        """
        SELECT cp.person_id, cp.contact_id,
               EXISTS (SELECT 1 FROM access_consent c JOIN access_consent_agencies ca
                       ON ca.consent_id = c.id JOIN workforce_worker w
                       ON w.agency_id = ca.agency_id AND w.username = 'school'
                       WHERE c.person_id = cp.person_id AND c.status = 'given'
                       AND c.valid_from <= now()
                       AND (c.valid_to IS NULL OR c.valid_to > now())) AS school
        FROM frontdoor_contactperson cp
        JOIN access_allocation a ON a.person_id = cp.person_id AND a.ends_at IS NULL
        JOIN workforce_worker w ON w.id = a.worker_id AND w.username = 'socialworker'
        WHERE cp.person_id IS NOT NULL AND cp.role = 'child'
          AND NOT EXISTS (SELECT 1 FROM access_recordrestriction r WHERE r.person_id = cp.person_id)
        ORDER BY school DESC, cp.person_id LIMIT 1
        """
    )
    if rows:
        return str(rows[0][0]), str(rows[0][1])
    rows = stack.sql(
        "SELECT cp.person_id, cp.contact_id FROM frontdoor_contactperson cp "
        "JOIN access_allocation a ON a.person_id = cp.person_id AND a.ends_at IS NULL "
        "WHERE cp.person_id IS NOT NULL AND cp.role = 'child' ORDER BY 1 LIMIT 1"
    )
    return (str(rows[0][0]), str(rows[0][1])) if rows else None


def plant(stack: Stack) -> Planted | None:
    """Plant the five markers in-process through the models; returns how to undo it."""
    stack.django()
    from django.db import transaction
    from django.utils import timezone

    from onestory.access.models import Allocation, Consent
    from onestory.frontdoor.models import Contact, InformationRequest
    from onestory.people.models import Address, Person, Relationship
    from onestory.workforce.models import Worker

    chosen = _choose_child(stack)
    if chosen is None:
        return None
    child_id, contact_id = chosen
    markers = {kind: _token(kind) for kind in SOURCE}
    now = timezone.now()
    today = timezone.localdate()
    child = Person.objects.get(pk=child_id)
    contact = Contact.objects.get(pk=contact_id)
    planted = Planted(markers, child_id, [child_id], contact_id)
    with transaction.atomic():
        refuge = Address.objects.create(
            person=child, line_1=f"{markers['refuge']} Refuge House", town="Luton",
            postcode="LU1 1AA", valid_from=today, withheld="refuge",
        )  # fmt: skip
        carer = Person.objects.create(given_name="Fiona", family_name="Carer-Proof", sex="F")
        Address.objects.create(
            person=carer, line_1=f"{markers['foster']} Foster Close", town="Luton",
            postcode="LU2 2BB", valid_from=today, withheld="foster_carer",
        )  # fmt: skip
        Relationship.objects.create(
            from_person=carer, to_person=child, kind="foster_carer", valid_from=today
        )
        adopter = Person.objects.create(given_name="Alex", family_name=markers["adopters"], sex="U")
        Relationship.objects.create(
            from_person=adopter, to_person=child, kind="adoptive_parent", valid_from=today,
            has_parental_responsibility=True,
        )  # fmt: skip
        original_referrer = contact.referrer_name
        Contact.objects.filter(pk=contact.pk).update(referrer_name=markers["referrer"])
        asker = Worker.objects.get(username="frontdoor")
        police = InformationRequest.objects.create(
            contact=contact, agency_kind="police", asked_of="Bedfordshire Police (proof)",
            question="Any incidents at the address?", requested_at=now, requested_by=asker,
            due_at=now, reply=f"{markers['police']} two call-outs in May", replied_at=now,
            reply_recorded_by=asker,
        )  # fmt: skip
        # The school's agency holds the family's consent for the child (a partner agency who
        # may open the record), and the social worker's team the carer's and adopter's records.
        school = Worker.objects.get(username="school")
        social_worker = Worker.objects.get(username="socialworker")
        consent = Consent.objects.create(
            person=child, status="given", given_by="Parent (proof)", valid_from=now,
            recorded_by=school,
        )  # fmt: skip
        consent.agencies.add(school.agency)
        allocations = [
            Allocation.objects.create(
                person=person,
                worker=social_worker,
                team=social_worker.team,
                starts_at=now,
                purpose="Proof: related to an allocated child",
            )  # fmt: skip
            for person in (carer, adopter)
        ]
    planted.person_ids += [str(carer.pk), str(adopter.pk)]
    planted.occupants = {"refuge": str(child.pk), "foster": str(carer.pk)}

    def undo():
        with transaction.atomic():
            Consent.objects.filter(pk=consent.pk).delete()
            Allocation.objects.filter(pk__in=[a.pk for a in allocations]).delete()
            InformationRequest.objects.filter(pk=police.pk).delete()
            Contact.objects.filter(pk=contact.pk).update(referrer_name=original_referrer)
            Address.objects.filter(pk=refuge.pk).delete()
            for person in (carer, adopter):
                Relationship.objects.filter(from_person=person).delete()
                Address.objects.filter(person=person).delete()
                Person.objects.filter(pk=person.pk).delete()

    planted.undo.append(undo)
    return planted


# --- Reading what came back ----------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def text_of(answer) -> str:
    """The readable text of a response: HTML/JSON/CSV as they are, XLSX every cell of every sheet
    (hidden ones too) and the workbook's properties, PDF its extracted text."""
    kind = answer.headers.get("Content-Type", "")
    body = answer.content
    if "spreadsheetml" in kind or body[:2] == b"PK":
        return xlsx_text(body)
    if "pdf" in kind or body[:5] == b"%PDF-":
        return pdf_text(body)
    return answer.text


def xlsx_text(body: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body), read_only=False)
    parts = [str(v) for v in vars(book.properties).values() if v]
    for sheet in book.worksheets:
        parts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            parts.extend(str(v) for v in row if v is not None)
    return "\n".join(parts)


def pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(body))
    parts = [str(v) for v in (reader.metadata or {}).values()]
    parts += [page.extract_text() or "" for page in reader.pages]
    # Text extraction may break a token at a line end; join it back for the search.
    return re.sub(r"\s+", " ", "\n".join(parts)) + "\n" + "".join("\n".join(parts).split())


def _same_origin(stack: Stack, base: str, href: str) -> str | None:
    url = urljoin(base, href.split("#")[0])
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != stack.base_url or SKIP.search(parts.path):
        return None
    return url


@dataclass
class Seen:
    role: str
    hits: list = field(default_factory=list)  # (kind, url) a role may not see
    allowed: Counter = field(default_factory=Counter)  # kind -> sightings the role may have
    pages: int = 0
    kinds: Counter = field(default_factory=Counter)  # content kinds read
    unsigned: str = ""  # why this worker could not sign in


def crawl(stack: Stack, username: str, role: str, planted: Planted, limit: int) -> Seen:
    """A bounded breadth-first crawl as one worker, the planted records' pages first."""
    seen = Seen(role)
    try:
        client = stack.session(username)
    except RuntimeError as error:  # e.g. a second factor the demo sign-in does not have
        seen.unsigned = str(error)
        return seen
    token = client.cookies.get("csrftoken", "")
    seeds = ["/", "/api/people/", "/api/families/"]
    for pid in planted.person_ids:
        seeds += [
            f"/people/{pid}/", f"/people/{pid}/chronology/", f"/api/people/{pid}/",
            f"/documents/letters/person/{pid}/",
        ]  # fmt: skip
    seeds.append(f"/front-door/contacts/{planted.contact_id}/")
    queue = [stack.base_url + s for s in seeds]
    visited: set[str] = set()

    def look(url: str, answer) -> None:
        seen.pages += 1
        kind = answer.headers.get("Content-Type", "").split(";")[0]
        seen.kinds[kind] += 1
        if answer.status_code >= 300:
            return
        try:
            text = text_of(answer)
        except Exception as error:  # an unreadable file is reported, not skipped silently
            seen.hits.append(("unreadable", f"{url}: {error}"))
            return
        for kind_name, marker in planted.markers.items():
            if marker in text:
                if role in ALLOWED_ROLES[kind_name]:
                    seen.allowed[kind_name] += 1
                else:
                    seen.hits.append((kind_name, url))
        if "html" in kind:
            # A download asks why first (access.exports): answer, as a worker would.
            purposes = re.findall(r'name="purpose" type="radio" value="([^"]+)"', answer.text)
            if purposes and "purpose=" not in url:
                queue.insert(0, f"{url}{'&' if '?' in url else '?'}purpose={purposes[0]}")
            parser = _Links()
            parser.feed(answer.text)
            for href in parser.links:
                link = _same_origin(stack, url, href)
                if link and link not in visited:
                    queue.append(link)
        elif "json" in kind:
            for link in re.findall(r'"(https://127\.0\.0\.1:\d+/[^"]*)"', answer.text):
                if link not in visited and _same_origin(stack, url, link):
                    queue.append(link)

    while queue and len(visited) < limit:
        url = queue.pop(0)
        if url in visited:
            continue
        visited.add(url)
        try:
            answer = client.get(url, timeout=120, allow_redirects=True)
        except Exception as error:
            seen.hits.append(("error", f"{url}: {error}"))
            continue
        look(url, answer)
    # Search results, asked as a worker would: the child's name, by POST.
    child = stack.sql("SELECT given_name, family_name FROM people_person WHERE id = %s",
                      [planted.child_id])  # fmt: skip
    if child:
        given, family = child[0]
        for path, data in (
            ("/known-to-us/", {"given_name": given, "family_name": family}),
            ("/documents/search/", {"q": family}),
        ):
            answer = client.post(
                stack.base_url + path, data={**data, "csrfmiddlewaretoken": token}, timeout=120
            )
            look(stack.base_url + path + " (POST)", answer)
    return seen


# --- Letters ----------------------------------------------------------------------------------


def produce_letters(stack: Stack, planted: Planted) -> tuple[list, list]:
    """A letter naming every field of the catalogue, produced for every recipient of the child
    (in-process, as the social worker); returns (letters, hits in their HTML)."""
    from django.db import transaction
    from django.utils import timezone

    from onestory.access.selectors import access_person_by_id
    from onestory.documents import actions_letters, rules
    from onestory.documents.fields import FIELDS, build_record
    from onestory.documents.models import Letter, LetterTemplate
    from onestory.documents.selectors_letters import recipients_for
    from onestory.workforce.models import Worker

    now = timezone.now()
    worker = Worker.objects.get(username="socialworker")
    manager = Worker.objects.get(username="manager")
    body = "\n\n".join(f"{f.label}: {{{{ {name} }}}}" for name, f in FIELDS.items())
    with transaction.atomic():
        template = LetterTemplate.objects.create(
            name=f"Proof disclosure {secrets.token_hex(3)}", kind=_general_kind(LetterTemplate),
            body=body, recipient_kinds=list(rules.RECIPIENT_KINDS), updated_by=manager,
        )  # fmt: skip
    planted.undo.append(lambda: LetterTemplate.objects.filter(pk=template.pk).delete())
    child = access_person_by_id(worker, planted.child_id, now=now, page="proof")
    record = build_record(child=child, about=None, today=timezone.localdate(), worker=worker)
    keys = [r.key for r in recipients_for(record, now=now)]
    letters = actions_letters.letters_produce(
        child=child, template_id=template.pk, about="", recipient_keys=keys,
        acting_user=worker, now=now, form_token=f"proof-{uuid.uuid4()}",
    )  # fmt: skip
    planted.undo.append(lambda: Letter.objects.filter(template=template).delete())
    hits = []
    for letter in letters:
        for kind, marker in planted.markers.items():
            if marker in letter.html and not may_have(letter, kind, planted):
                hits.append((kind, f"letter to {letter.recipient_kind}"))
            elif marker in letter.html:
                planted.in_letters[kind] += 1
    return letters, hits


def may_have(letter, kind: str, planted: Planted) -> bool:
    """Whether this letter's recipient may have the marker's value: their kind may receive its
    source, or it is the address the letter is sent to (their own home)."""
    from onestory.documents import rules

    own_home = planted.occupants.get(kind) == str(letter.recipient_person_id or "")
    return own_home or rules.may_receive(letter.recipient_kind, [SOURCE[kind]])


def _general_kind(model) -> str:
    """A template kind that needs nothing to be about (documents TEMPLATE_NEEDS)."""
    from onestory.documents.selectors_letters import TEMPLATE_NEEDS

    for value, _ in model.Kind.choices:
        if value not in TEMPLATE_NEEDS:
            return value
    return model.Kind.choices[0][0]


def letter_pdfs(stack: Stack, letters, planted: Planted) -> tuple[int, list]:
    """Each letter's PDF fetched over HTTP by its producer, text extracted, checked against its
    recipient kind's allowance."""
    client = stack.session("socialworker")
    read, hits = 0, []
    for letter in letters:
        answer = client.get(f"{stack.base_url}/documents/letters/{letter.pk}/pdf/", timeout=180)
        if answer.status_code != 200:
            hits.append(("pdf", f"letter {letter.pk}: HTTP {answer.status_code}"))
            continue
        read += 1
        text = pdf_text(answer.content)
        for kind, marker in planted.markers.items():
            if marker in text and not may_have(letter, kind, planted):
                hits.append((kind, f"PDF to {letter.recipient_kind}"))
    return read, hits


def release_one(stack: Stack, letters) -> None:
    """Approve and release a letter to someone outside the council (its prompt goes by notify)."""
    from django.utils import timezone

    from onestory.documents import actions_letters
    from onestory.workforce.models import Worker

    manager = Worker.objects.get(username="manager")
    worker = Worker.objects.get(username="socialworker")
    for letter in letters:
        if not letter.needs_approval:
            continue
        approved = actions_letters.letter_approve(
            letter_id=letter.pk, version=letter.version, acting_user=manager, now=timezone.now()
        )
        actions_letters.letter_release(
            letter_id=approved.pk, version=approved.version, method="post",
            acting_user=worker, now=timezone.now(),
        )  # fmt: skip
        return


def messages_and_logs(stack: Stack, planted: Planted, log_from: int) -> tuple[int, list]:
    """notify's messages (every field of every row made since planting) and the server's log
    from where it stood when the markers were planted, plus the app's own logs under var/."""
    from onestory.notify.models import Message

    hits, read = [], 0
    for message in Message.objects.all().values():
        read += 1
        text = " ".join(str(v) for v in message.values())
        hits += [(k, f"message {message['id']}") for k, m in planted.markers.items() if m in text]
    logs = [stack.server_log]
    var = Path(stack.env.get("ONESTORY_VAR_DIR", ""))
    if var.is_dir():
        logs += list(var.rglob("*.log"))
    for path in logs:
        if not path.exists():
            continue
        text = path.read_text(errors="replace")
        if path == stack.server_log:
            text = text[log_from:]
        read += text.count("\n")
        hits += [(k, f"log {path.name}") for k, m in planted.markers.items() if m in text]
    return read, hits


# --- The check ----------------------------------------------------------------------------------


@check("3", "Planted markers in pages, API, letters, exports, messages and logs", quick=True)
def markers(stack: Stack) -> list[Figure]:
    planted = plant(stack)
    if planted is None:
        return [Figure("3", "planted markers", "no child to plant on", goal="planted", ok=False)]
    log_from = stack.server_log.stat().st_size if stack.server_log.exists() else 0
    try:
        roles = dict(stack.sql(
            "SELECT username, role FROM workforce_worker WHERE username = ANY(%s)",
            [list(DEMO_USERS)],
        ))  # fmt: skip
        began = time.monotonic()
        letters, letter_hits = produce_letters(stack, planted)
        release_one(stack, letters)
        log(f"item 3: {len(letters)} letters produced in {time.monotonic() - began:.0f} s")
        limit = 60 if stack.quick else 300
        with ThreadPoolExecutor(max_workers=3) as pool:
            found = list(
                pool.map(lambda u: crawl(stack, u, roles.get(u, ""), planted, limit), roles)
            )
        log(f"item 3: crawled in {time.monotonic() - began:.0f} s")
        pdf_read, pdf_hits = letter_pdfs(stack, letters, planted)
        log(f"item 3: PDFs read in {time.monotonic() - began:.0f} s")
        lines, other_hits = messages_and_logs(stack, planted, log_from)
    finally:
        for undo in reversed(planted.undo):
            try:
                undo()
            except Exception as error:  # keep undoing the rest
                log(f"item 3: could not undo a planted row: {error}")
    unsigned = [s.role for s in found if s.unsigned]
    page_hits = [(s.role, k, u) for s in found for k, u in s.hits]
    for hit in [*page_hits, *letter_hits, *pdf_hits, *other_hits][:30]:
        log(f"item 3: leak {hit}")
    pages = sum(s.pages for s in found)
    allowed = Counter()
    for s in found:
        allowed.update(s.allowed)
    kinds = Counter()
    for s in found:
        kinds.update(s.kinds)
    read_kinds = ", ".join(f"{n} {k.split('/')[-1] or '?'}" for k, n in kinds.most_common(5))
    seen_by = ", ".join(f"{k} {n}" for k, n in sorted(allowed.items())) or "none"
    seen_by += " (by " + ", ".join(sorted({s.role for s in found if s.allowed})) + ")"
    first = page_hits[0] if page_hits else None
    figures = [
        zero(
            "3",
            "markers on pages, API, exports a role may not see",
            page_hits,
            note=(f"e.g. {first[0]} saw {first[1]} at {first[2]}; " if first else "")
            + f"{pages:,} responses by {len(found) - len(unsigned)} roles"
            f" ({read_kinds});"
            f" allowed sightings: {seen_by}"
            + (f"; not signed in: {', '.join(unsigned)}" if unsigned else ""),
        ),
        zero(
            "3",
            "markers in letters (HTML and PDF) to recipients who may not have them",
            letter_hits + pdf_hits,
            note=(f"e.g. {(letter_hits + pdf_hits)[0]}; " if letter_hits + pdf_hits else "")
            + f"{len(letters)} letters for {len({x.recipient_kind for x in letters})} recipient"
            f" kinds, {pdf_read} PDFs read; allowed: "
            + (", ".join(f"{k} {n}" for k, n in sorted(planted.in_letters.items())) or "none"),
        ),
        zero(
            "3",
            "markers in e-mails, texts and log lines",
            other_hits,
            note=(f"e.g. {other_hits[0]}; " if other_hits else "") + f"{lines:,} rows and lines",
        ),
    ]
    if sum(allowed.values()) == 0:
        figures.append(
            Figure("3", "planted markers seen by allowed roles", 0, goal="> 0", ok=False,
                   note="the crawl never reached the planted records")
        )  # fmt: skip
    return figures

