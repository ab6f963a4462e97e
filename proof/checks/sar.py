"""Item 7 (and item 3's subject access figure): a subject access bundle holds all of the person's
data and none of the third parties'.

One child of the town with a front-door contact and a parent is chosen; fresh marker tokens
are planted in-process: in the child's own fields (a chronology entry, a case note about them
alone, their first language, a line of their own address) and in third parties' (the parent's
family name and address, a case note about the child and the parent naming the parent, the
contact's referrer name and contact details, a police reply, a foster carer's name and withheld
address, an adopter's name, a refuge address withheld on the child's own record). The data
protection officer then logs a request, builds the bundle and downloads it through the web
(the review page, the HTML and the PDF are read). Every planted row and request is removed.

The due date is checked over every receipt date from 2020 to 2030 (31 January, 29 February and
the days before bank holidays included) and each extension, against dateutil's relativedelta
and the holidays package: an independent count, not the product's code.
"""

from __future__ import annotations

import re
import secrets
import time
from datetime import date, timedelta

from proof.figures import Figure, check, zero
from proof.stack import Stack, log

OWN = ("chronology", "note", "language", "address")
THEIRS = ("parent", "parent_address", "referrer", "referrer_contact", "police", "carer",
          "carer_address", "adopter", "refuge")  # fmt: skip


def _token(kind: str) -> str:
    return f"MKR{kind.upper().replace('_', '')}{secrets.token_hex(5)}"


def due_date_violations() -> tuple[list[str], int]:
    """Receipt dates whose due date differs from the independent count."""
    import holidays
    from dateutil.relativedelta import relativedelta

    from onestory.sar.rules import due_date

    england = frozenset(holidays.UK(subdiv="ENG", years=range(2019, 2032), observed=True))
    wrong, tried = [], 0
    day = date(2020, 1, 1)
    while day <= date(2030, 12, 31):
        for extension in (0, 1, 2):
            expected = day + relativedelta(months=1 + extension)
            while expected.weekday() >= 5 or expected in england:
                expected += timedelta(days=1)
            tried += 1
            if due_date(day, england, extension_months=extension) != expected:
                wrong.append(f"{day} +{extension}")
        day += timedelta(days=1)
    return wrong, tried


def _choose(stack: Stack) -> str | None:
    rows = stack.sql(
        """
        SELECT cp.person_id FROM frontdoor_contactperson cp
        JOIN people_relationship r ON r.to_person_id = cp.person_id AND r.kind = 'parent'
        WHERE cp.role = 'child' AND cp.person_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM access_recordrestriction x
                          WHERE x.person_id = cp.person_id)
        ORDER BY cp.person_id LIMIT 1
        """
    )
    return str(rows[0][0]) if rows else None


def _plant(child_id: str):
    from django.db import transaction
    from django.utils import timezone

    from onestory.frontdoor.models import Contact, InformationRequest
    from onestory.people.models import Address, ChronologyEntry, Person, Relationship
    from onestory.recording.models import CaseNote, CaseNoteSubject
    from onestory.workforce.models import Worker

    now, today = timezone.now(), timezone.localdate()
    m = {kind: _token(kind) for kind in OWN + THEIRS}
    child = Person.objects.get(pk=child_id)
    parent = Relationship.objects.filter(to_person=child, kind="parent").first().from_person
    contact = Contact.objects.filter(people__person=child).order_by("received_at").first()
    author = Worker.objects.get(username="frontdoor")
    undo = []
    with transaction.atomic():
        saved_child = (child.first_language,)
        saved_parent = (parent.family_name,)
        saved_contact = (contact.referrer_name, contact.referrer_contact)
        Person.objects.filter(pk=child.pk).update(first_language=m["language"])
        Person.objects.filter(pk=parent.pk).update(family_name=m["parent"])
        Contact.objects.filter(pk=contact.pk).update(
            referrer_name=m["referrer"], referrer_contact=m["referrer_contact"]
        )
        made = [
            ChronologyEntry.objects.create(
                person=child, occurred_at=now, category="Proof", summary=f"{m['chronology']} day"
            ),
            Address.objects.create(person=child, line_1="1 Own Street", line_2=m["address"],
                                   postcode="LU1 1AA", valid_from=today - timedelta(days=400),
                                   valid_to=today - timedelta(days=300)),
            Address.objects.create(person=child, line_1=f"{m['refuge']} Refuge", postcode="LU1 1AB",
                                   valid_from=today, withheld="refuge"),
            Address.objects.create(person=parent, line_1=f"{m['parent_address']} Road",
                                   postcode="LU2 2AB", valid_from=today),
            InformationRequest.objects.create(
                contact=contact, agency_kind="police", asked_of="Bedfordshire Police (proof)",
                question="Any incidents?", requested_at=now, requested_by=author, due_at=now,
                reply=f"{m['police']} two call-outs", replied_at=now, reply_recorded_by=author,
            ),
        ]  # fmt: skip
        carer = Person.objects.create(given_name="Fenella", family_name=m["carer"], sex="F")
        Address.objects.create(
            person=carer,
            line_1=f"{m['carer_address']} Close",
            postcode="LU3 3CC",
            valid_from=today,
            withheld="foster_carer",
        )
        adopter = Person.objects.create(given_name="Alexis", family_name=m["adopter"], sex="U")
        Relationship.objects.create(
            from_person=carer, to_person=child, kind="foster_carer", valid_from=today
        )
        Relationship.objects.create(from_person=adopter, to_person=child, kind="adoptive_parent",
                                    valid_from=today)  # fmt: skip
        own_note = CaseNote.objects.create(
            kind="visit",
            occurred_at=now,
            status="submitted",
            submitted_at=now,
            author=author,
            text=f"{m['note']} said they are happy at school",
        )
        CaseNoteSubject.objects.create(note=own_note, person=child)
        shared = CaseNote.objects.create(
            kind="visit", occurred_at=now, status="submitted", submitted_at=now, author=author,
            text=f"Spoke with {parent.given_name} {m['parent']} at the door.",
        )  # fmt: skip
        CaseNoteSubject.objects.create(note=shared, person=child)
        CaseNoteSubject.objects.create(note=shared, person=parent)

    def run_undo():
        from onestory.sar.models import SubjectAccessRequest

        with transaction.atomic():
            SubjectAccessRequest.objects.filter(person=child).delete()
            for note in (own_note, shared):
                CaseNoteSubject.objects.filter(note=note).delete()
                CaseNote.objects.filter(pk=note.pk).delete()
            for row in made:
                type(row).objects.filter(pk=row.pk).delete()
            for person in (carer, adopter):
                Relationship.objects.filter(from_person=person).delete()
                Address.objects.filter(person=person).delete()
                Person.objects.filter(pk=person.pk).delete()
            Person.objects.filter(pk=child.pk).update(first_language=saved_child[0])
            Person.objects.filter(pk=parent.pk).update(family_name=saved_parent[0])
            Contact.objects.filter(pk=contact.pk).update(
                referrer_name=saved_contact[0], referrer_contact=saved_contact[1]
            )

    undo.append(run_undo)
    return child, m, undo


def _form_token(html: str) -> str:
    found = re.search(r'name="form_token" value="([^"]*)"', html)
    return found.group(1) if found else ""


def bundle_through_the_web(stack: Stack):
    """Plant, log a request and build its bundle as `dpo`; the texts read and the request."""
    from onestory.sar.models import SubjectAccessRequest

    chosen = _choose(stack)
    if chosen is None:
        return None
    child, markers, undo = _plant(chosen)
    try:
        client = stack.session("dpo")
        base = f"{stack.base_url}/subject-access"
        page = client.get(f"{base}/new/", timeout=60)
        csrf = client.cookies.get("csrftoken", "")
        today = date.today()
        answer = client.post(f"{base}/new/", data={
            "csrfmiddlewaretoken": csrf, "form_token": _form_token(page.text),
            "name": child.full_name, "log": "1", "person_id": str(child.pk),
            "requester": "subject", "received_on": today.strftime("%d/%m/%Y"),
            "identity_verified": "yes", "identity_evidence": "Proof: passport seen",
        }, timeout=60, allow_redirects=False)  # fmt: skip
        if answer.status_code != 302:
            raise RuntimeError(f"logging the request answered {answer.status_code}")
        detail = answer.headers["Location"]
        detail_url = detail if detail.startswith("http") else stack.base_url + detail
        detail_page = client.get(detail_url, timeout=60).text
        built = client.post(f"{detail_url}build/", data={"csrfmiddlewaretoken": csrf},
                            timeout=120, allow_redirects=False)  # fmt: skip
        if built.status_code != 302:
            raise RuntimeError(f"building the bundle answered {built.status_code}")
        review = client.get(f"{detail_url}bundle/", timeout=60)
        as_html = client.get(f"{detail_url}bundle.html", timeout=60)
        as_pdf = client.get(f"{detail_url}bundle.pdf", timeout=120)
        from proof.checks.disclosure import pdf_text

        texts = {"review page": review.text, "HTML download": as_html.text,
                 "PDF download": pdf_text(as_pdf.content) if as_pdf.ok else ""}  # fmt: skip
        row = SubjectAccessRequest.objects.get(person=child)
        withholdings = sum(row.withholdings.values_list("count", flat=True))
        decisions = row.withholdings.count()
        return {
            "texts": texts,
            "markers": markers,
            "row": row,
            "detail": detail_page,
            "withheld": withholdings,
            "decisions": decisions,
            "statuses": (review.status_code, as_html.status_code, as_pdf.status_code),
        }
    finally:
        for step in reversed(undo):
            step()


def _scan(found):
    own_missing, theirs_present = [], []
    for where, text in found["texts"].items():
        for kind in OWN:
            if found["markers"][kind] not in text:
                own_missing.append(f"{kind} in the {where}")
        for kind in THEIRS:
            if found["markers"][kind] in text:
                theirs_present.append(f"{kind} in the {where}")
    return own_missing, theirs_present


@check("7", "Subject access requests: the bundle and the due date", quick=True)
def subject_access_request(stack: Stack) -> list[Figure]:
    stack.django()
    started = time.monotonic()
    wrong, tried = due_date_violations()
    found = bundle_through_the_web(stack)
    log(f"subject access: {time.monotonic() - started:.1f} s")
    due = zero("7", "due dates off the ICO rule", wrong,
               note=(f"e.g. {wrong[0]}; " if wrong else "") + f"{tried:,} receipt dates and "
               "extensions, 2020 to 2030, against relativedelta + holidays")  # fmt: skip
    if found is None:
        return [Figure("7", "subject's own markers missing from the bundle", "no child", goal="0",
                       ok=False, note="no child with a contact and a parent"), due]  # fmt: skip
    own_missing, theirs_present = _scan(found)
    row = found["row"]
    from onestory.core.calendar import bank_holidays_between
    from onestory.sar.rules import due_date

    shown_due = f"{row.due_on.day} {row.due_on:%B %Y}"
    expected = due_date(
        row.received_on, bank_holidays_between(row.received_on, row.received_on + timedelta(100))
    )
    if row.due_on != expected or shown_due not in found["detail"]:
        wrong.append(f"the logged request's due date {row.due_on} (expected {expected})")
        due = zero("7", "due dates off the ICO rule", wrong, note=f"e.g. {wrong[-1]}")
    return [
        zero("7", "subject's own markers missing from the bundle", own_missing,
             note=(f"e.g. {own_missing[0]}; " if own_missing else "")
             + f"{len(OWN)} markers x review page, HTML and PDF"),
        zero("7", "third parties' markers in the bundle", theirs_present,
             note=(f"e.g. {theirs_present[0]}; " if theirs_present else "")
             + f"{len(THEIRS)} markers (referrer, police, parent, carer, adopter, refuge) x 3"),
        Figure("7", "withholding decisions recorded", found["decisions"], ok=None,
               note=f"{found['withheld']} items withheld, each listed for the officer"),
        due,
    ]  # fmt: skip


@check("3", "Subject access bundle scanned for markers", quick=False, needs_server=True)
def subject_access_markers(stack: Stack) -> list[Figure]:
    stack.django()
    found = bundle_through_the_web(stack)
    if found is None:
        return [Figure("3", "markers in a subject access bundle", "no child", goal="0", ok=False)]
    _, theirs_present = _scan(found)
    return [
        zero(
            "3",
            "markers in a subject access bundle",
            theirs_present,
            note=f"{len(THEIRS)} restricted or third-party markers, page, HTML and PDF",
        )
    ]
