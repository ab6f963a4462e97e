"""The document pages: adding one, the list, downloading (who may, and how it is served) and
taking one off."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onestory.access.models import AuditEvent
from onestory.access.tests.factories import (
    AccessGrantFactory,
    AllocationFactory,
    ConsentFactory,
)
from onestory.documents.models import Document
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories_documents import allocated_child, document_on

pytestmark = pytest.mark.django_db
PDF = (Path(__file__).parent / "data" / "school-letter.pdf").read_bytes()


def _form(name="Amira school letter.pdf", data=PDF, **overrides):
    return {
        "file": SimpleUploadedFile(name, data, content_type="application/pdf"),
        "title": "Letter from the school",
        "kind": Document.Kind.LETTER_RECEIVED,
        "dated": "02/03/2026",
        "visibility": Document.Visibility.RECORD,
        **overrides,
    }


def _download(client, document):
    return client.get(reverse("documents:document-download", args=[document.pk]))


def test_a_worker_adds_a_pdf_and_sees_it_listed(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = allocated_child(worker, given_name="Amira", family_name="Khan")
    page = client.get(reverse("documents:document-upload", args=[child.pk]))
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content

    response = client.post(
        reverse("documents:document-upload", args=[child.pk]),
        {**_form(), "people": [str(child.pk)], "form_token": "t1"},
    )

    assert response.status_code == 302
    listing = client.get(response["Location"])
    assert "Letter from the school" in listing.content.decode()
    assert "Amira Khan" in listing.content.decode()


def test_a_refused_file_is_shown_with_the_reason_and_nothing_is_kept(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = allocated_child(worker)
    response = client.post(
        reverse("documents:document-upload", args=[child.pk]),
        {**_form(name="report.pdf", data=b"MZ" + b"\x00" * 300), "people": [str(child.pk)]},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Windows program" in body
    assert 'value="Letter from the school"' in body  # what was typed is kept
    assert not Document.objects.exists()


def test_missing_details_are_each_explained(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = allocated_child(worker)
    response = client.post(reverse("documents:document-upload", args=[child.pk]), {})
    body = response.content.decode()
    for message in (
        "Choose the file to upload.",
        "Enter a title for the document.",
        "Choose what kind of document it is.",
        "Choose at least one person the document is about.",
    ):
        assert message in body


def test_a_download_is_an_uncached_attachment_and_audited(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = allocated_child(worker)
    document = document_on([child], uploaded_by=worker, content=b"The letter\n")
    document.original_name = "Amira's letter <final>.txt"
    document.save(update_fields=["original_name"])

    response = _download(client, document)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"The letter\n"
    assert response["Content-Disposition"] == 'attachment; filename="Amiras_letter_final.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response["Content-Type"] == "text/plain"
    event = AuditEvent.objects.get(action="export", object_id=str(document.pk))
    assert event.person_id == child.pk and event.actor == worker


def test_a_document_on_a_record_the_worker_cannot_open_is_a_404_like_a_missing_one(client, sign_in):
    sign_in(Role.SOCIAL_WORKER)
    owner = worker_with_role(Role.SOCIAL_WORKER)
    document = document_on([allocated_child(owner)], uploaded_by=owner)
    forbidden = _download(client, document)
    missing = client.get(reverse("documents:document-download", args=[owner.team.pk]))
    assert forbidden.status_code == missing.status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()
    assert AuditEvent.objects.filter(action="denied").count() == 2


@pytest.mark.parametrize(
    ("visibility", "role", "how", "allowed"),
    [
        (Document.Visibility.RECORD, Role.PARTNER, "consent", True),
        (Document.Visibility.COUNCIL, Role.PARTNER, "consent", False),
        (Document.Visibility.COUNCIL, Role.EARLY_HELP, "grant", True),
        (Document.Visibility.CASE_TEAM, Role.EARLY_HELP, "grant", False),
        (Document.Visibility.CASE_TEAM, Role.SOCIAL_WORKER, "allocated", True),
        (Document.Visibility.CASE_TEAM, Role.TEAM_MANAGER, "manages", True),
        (Document.Visibility.CASE_TEAM, Role.TEAM_MANAGER, "grant", False),
    ],
)
def test_who_may_download_follows_the_documents_visibility(
    client, sign_in, visibility, role, how, allowed
):
    allocated = worker_with_role(Role.SOCIAL_WORKER)
    child = allocated_child(allocated)
    uploader = worker_with_role(Role.SOCIAL_WORKER)
    document = document_on([child], uploaded_by=uploader, visibility=visibility)
    worker = sign_in(role)
    if how == "consent":
        ConsentFactory(person=child, agencies=[worker.agency])
    elif how == "grant":
        AccessGrantFactory(person=child, worker=worker)
    elif how == "allocated":
        AllocationFactory(person=child, worker=worker)
    elif how == "manages":
        allocated.team = worker.team
        allocated.save(update_fields=["team"])
    person_page = client.get(reverse("people:person", args=[child.pk]))
    assert person_page.status_code == 200  # they may open the record either way

    response = _download(client, document)
    assert response.status_code == (200 if allowed else 404)
    listing = client.get(reverse("documents:person-documents", args=[child.pk])).content.decode()
    assert ("Letter from the school" in listing) == allowed


def test_whoever_added_a_case_team_document_may_still_download_it(client, sign_in):
    worker = sign_in(Role.EARLY_HELP)
    child = allocated_child(worker_with_role(Role.SOCIAL_WORKER))
    AccessGrantFactory(person=child, worker=worker)
    document = document_on([child], uploaded_by=worker, visibility=Document.Visibility.CASE_TEAM)
    assert _download(client, document).status_code == 200


def test_roles_that_do_not_work_on_records_get_404(client, sign_in):
    owner = worker_with_role(Role.SOCIAL_WORKER)
    child = allocated_child(owner)
    document = document_on([child], uploaded_by=owner)
    sign_in(Role.ANALYST)
    assert _download(client, document).status_code == 404
    assert client.get(reverse("documents:person-documents", args=[child.pk])).status_code == 404
    assert client.get(reverse("documents:search")).status_code == 404


def test_a_document_taken_off_the_record_is_no_longer_listed_or_downloadable(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = allocated_child(worker)
    document = document_on([child], uploaded_by=worker)
    remove_url = reverse("documents:document-remove", args=[document.pk])
    refused = client.post(remove_url, {"version": document.version, "reason": ""})
    assert "Enter why the document is being taken off the record" in refused.content.decode()

    response = client.post(remove_url, {"version": document.version, "reason": "Wrong child"})

    assert response.status_code == 302
    assert response["Location"] == reverse("documents:person-documents", args=[child.pk])
    assert _download(client, document).status_code == 404
    listing = client.get(response["Location"]).content.decode()
    assert "Letter from the school" not in listing


def test_a_stale_removal_keeps_the_reason_typed(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    document = document_on([allocated_child(worker)], uploaded_by=worker)
    response = client.post(
        reverse("documents:document-remove", args=[document.pk]),
        {"version": document.version - 1, "reason": "Added twice by mistake"},
    )
    body = response.content.decode()
    assert "Someone else changed this document" in body
    assert "Added twice by mistake" in body
    assert f'value="{document.version}"' in body


def test_the_person_page_tag_lists_the_latest_documents_and_the_links(rf, sign_in):
    from django.template import Context, Template

    worker = sign_in(Role.SOCIAL_WORKER)
    child = allocated_child(worker)
    document_on([child], uploaded_by=worker, title="Health visitor report")
    html = Template("{% load documents %}{% person_documents person user %}").render(
        Context({"person": child, "user": worker})
    )
    assert "Health visitor report" in html
    assert reverse("documents:document-upload", args=[child.pk]) in html
    assert "All documents (1)" in html


def test_the_person_page_tag_counts_every_document_when_more_than_the_latest_are_shown(sign_in):
    from django.template import Context, Template

    from onestory.documents.templatetags.documents import LATEST_SHOWN

    worker = sign_in(Role.SOCIAL_WORKER)
    child = allocated_child(worker)
    for number in range(LATEST_SHOWN + 1):
        document_on([child], uploaded_by=worker, title=f"Review {number}")
    html = Template("{% load documents %}{% person_documents person user %}").render(
        Context({"person": child, "user": worker})
    )
    assert html.count("Review ") == LATEST_SHOWN
    assert f"All documents ({LATEST_SHOWN + 1})" in html
