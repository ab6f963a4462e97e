"""Documents in Chromium: a social worker adds a letter (PDF) to a child's record, sees it
listed, downloads it as an attachment, then finds it by a word inside it with the search."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from onestory.documents.tests.factories_documents import allocated_child
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .helpers import sign_in, visit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PDF = Path(__file__).resolve().parents[2] / "onestory/documents/tests/data/school-letter.pdf"


def test_a_worker_uploads_a_pdf_on_a_childs_record_lists_and_downloads_it(page, site):
    worker = worker_with_role(
        Role.SOCIAL_WORKER, username="socialworker", first_name="Sam", last_name="Okafor"
    )
    child = allocated_child(worker, given_name="Amira", family_name="Khan")

    sign_in(page, site, worker.username)
    page.goto(f"{site}/documents/people/{child.pk}/")
    expect(page.locator("main")).to_contain_text("No documents on this record yet.")
    visit(page, "documents: none yet")
    page.get_by_role("link", name="Add a document").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Add a document")
    # A program renamed as a PDF is refused with the reason.
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "letter.pdf", "mimeType": "application/pdf", "buffer": b"MZ" + b"\0" * 64}]
    )
    page.get_by_label("Title").fill("Letter from Stopsley Primary School")
    page.get_by_label("Letter received").check()
    page.get_by_label("Date on the document").fill("02/03/2026")
    page.get_by_role("button", name="Add the document").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Windows program")
    visit(page, "add a document: refused")

    page.get_by_label("Upload a file").set_input_files(str(PDF))
    page.get_by_role("button", name="Add the document").click()

    main = page.locator("main")
    expect(main).to_contain_text("Letter from Stopsley Primary School")
    expect(main).to_contain_text("Amira Khan")
    visit(page, "documents: the letter listed")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("^Letter from Stopsley")).click()
    assert download.value.suggested_filename == "school-letter.pdf"
    assert Path(download.value.path()).read_bytes() == PDF.read_bytes()

    page.goto(f"{site}/documents/search/")
    page.get_by_label("Search case notes and documents").fill("attendance officer")
    page.get_by_role("button", name="Search").click()
    expect(main).to_contain_text("1 result")
    expect(main).to_contain_text("About Amira Khan")
    assert "attendance" not in page.url
    visit(page, "search: the letter found")
