"""Pages for documents on a record: the list on a person, adding one, downloading one (as an
attachment, audited) and taking one off. Thin views over selectors_documents and
actions_documents."""

from pathlib import PurePath

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.text import get_valid_filename

from onestory.access.decorators import access_rule
from onestory.access.selectors import access_person_by_id
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError, StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.workforce.rules import CASE_ROLES

from . import actions_documents as actions
from . import forms_documents as forms
from . import selectors_documents as selectors
from .checks import ALLOWED


@access_rule("person", roles=CASE_ROLES)
def person_documents(request, person_id):
    """The documents on a person's record this worker may see, newest first."""
    at = now()
    person = access_person_by_id(request.user, person_id, now=at, request=request, page="documents")
    documents = selectors.documents_on(request.user, person, now=at)
    return render(
        request,
        "documents/document_list.html",
        {"person": person, "rows": selectors.rows_for(request.user, documents, now=at)},
    )


@access_rule("person", roles=CASE_ROLES)
def document_upload(request, person_id):
    """Add a document to this person's record (and the household members chosen)."""
    at = now()
    person = access_person_by_id(
        request.user, person_id, now=at, request=request, page="add a document"
    )
    offered = selectors.people_to_add_to(request.user, person, now=at, today=today_in_london(at))
    posted = request.method == "POST"
    form = forms.UploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=None if posted else {"form_token": new_form_token(), "people": [str(person.pk)]},
        offered=offered,
        max_bytes=settings.ONESTORY_DOCUMENT_MAX_BYTES,
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            if upload.size > settings.ONESTORY_DOCUMENT_MAX_BYTES:
                # Refused by the same check without reading a huge file into memory.
                content = upload.read(settings.ONESTORY_DOCUMENT_MAX_BYTES + 1)
            else:
                content = upload.read()
            document = actions.document_upload(
                person=person,
                people_ids=[o.person.pk for o in offered if str(o.person.pk) in data["people"]],
                kind=data["kind"],
                title=data["title"],
                dated=data["dated"],
                visibility=data["visibility"],
                file_name=upload.name,
                data=content,
                form_token=data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"‘{document.title}’ is added to the record.")
            return redirect("documents:person-documents", person_id=person.pk)
    return render(request, "documents/document_upload.html", {"person": person, "form": form})


def download_name(document) -> str:
    """The name offered on download: the uploaded name made safe, with the extension of the
    type found in the content (so the name never says one type and the file is another)."""
    extension = next(
        (a.extensions[0] for a in ALLOWED if a.content_type == document.content_type), ""
    )
    stem = get_valid_filename(PurePath(document.original_name).stem or "document")[:100]
    return f"{stem or 'document'}{extension}"


@access_rule("signed_in", roles=CASE_ROLES)
def document_download(request, document_id):
    """The file, as an attachment never shown in the browser, and never cached; audited."""
    at = now()
    document = selectors.access_document_by_id(
        request.user, document_id, now=at, request=request, page="document download"
    )
    selectors.audit_download(request.user, document, now=at, request=request)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=download_name(document),
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@access_rule("signed_in", roles=CASE_ROLES)
def document_remove(request, document_id):
    """Take a document off the record, with the reason."""
    at = now()
    document = selectors.access_document_by_id(
        request.user, document_id, now=at, request=request, page="remove a document"
    )
    if not selectors.may_remove(request.user, document):
        messages.info(request, actions.NOT_YOURS)
        return _back_to_record(request, document, at=at)
    posted = request.method == "POST"
    form = forms.RemoveForm(request.POST if posted else None, initial={"version": document.version})
    if posted and form.is_valid():
        try:
            actions.document_remove(
                document_id=document.pk,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except StaleEdit as error:
            data = form.data.copy()
            data["version"] = str(document.version)
            form = forms.RemoveForm(data)
            form.is_valid()
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"‘{document.title}’ is taken off the record.")
            return _back_to_record(request, document, at=at)
    row = selectors.rows_for(request.user, [document], now=at)[0]
    return render(request, "documents/document_remove.html", {"row": row, "form": form})


def _back_to_record(request, document, *, at):
    person = selectors.record_to_return_to(request.user, document, now=at)
    return redirect("documents:person-documents", person_id=person.pk)
