"""Case note pages: start a note from a record, write it (saved as a draft as it is typed, and
by "Save draft" without the script), submit it, read it, a person's notes and the worker's own
drafts; management oversight added by a team manager. Thin views over selectors and actions."""

import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onestory.access.decorators import access_rule
from onestory.access.selectors import access_person_by_id, audit_views
from onestory.core.clock import LONDON, now
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit
from onestory.core.idempotency import new_form_token
from onestory.people.selectors import access_household_by_id
from onestory.workforce.rules import CASE_ROLES, Role

from . import selectors
from .actions import notes as actions
from .forms import AddendumForm, NoteForm
from .models import CaseNote
from .rules import NoteStatus

NOTES_PER_PAGE = 25


def _uuid_or_404(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404("No page found") from None


def _clock(moment) -> str:
    return moment.astimezone(LONDON).strftime("%H:%M")


def _start(request, *, oversight: bool):
    """Start a note from what the form names: a person, a family or an episode, referral or
    context. The record is opened (and audited) first; anything else is a 404."""
    at = now()
    post = request.POST
    household_id, about_type, about_id = None, "", ""
    if post.get("person"):
        person = access_person_by_id(
            request.user, _uuid_or_404(post["person"]), now=at, request=request, page="case note"
        )
        people = [person.pk]
    elif post.get("household") and not oversight:
        household, _, visible = access_household_by_id(
            request.user, _uuid_or_404(post["household"]), now=at, request=request
        )
        household_id, people = household.pk, sorted(visible, key=str)
    elif post.get("about_type") and not oversight:
        about = selectors.access_about(
            request.user,
            post["about_type"],
            _uuid_or_404(post.get("about_id")),
            now=at,
            request=request,
        )
        about_type, about_id, people = about.about_type, about.about_id, list(about.people_ids)
    else:
        raise Http404("No page found")
    try:
        note = actions.note_start(
            person_ids=people,
            household_id=household_id,
            about_type=about_type,
            about_id=about_id,
            oversight=oversight,
            form_token=post.get("form_token", ""),
            acting_user=request.user,
            now=at,
            request=request,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("recording:drafts")
    return redirect("recording:note-edit", note_id=note.pk)


@access_rule("signed_in", roles=CASE_ROLES)
@require_POST
def note_start(request):
    """Start a note (a draft is saved at once) and open it to write."""
    return _start(request, oversight=False)


@access_rule("signed_in", roles=[Role.TEAM_MANAGER])
@require_POST
def oversight_add(request):
    """A team manager starts a management oversight note on a record they may open."""
    return _start(request, oversight=True)


def _form(request, note, *, at, data=None):
    return NoteForm(data, note=note, offers=selectors.offered_people(request.user, note, now=at))


@access_rule("signed_in", roles=CASE_ROLES)
def note_edit(request, note_id):
    """Write the note: its draft, saved as it is typed, by "Save draft", and when submitted."""
    at = now()
    note = selectors.access_draft_by_id(request.user, note_id, now=at, request=request)
    if note.status != NoteStatus.DRAFT:
        messages.info(request, actions.SUBMITTED)
        return redirect("recording:note-detail", note_id=note.pk)
    posted = request.method == "POST"
    form = _form(request, note, at=at, data=request.POST if posted else None)
    if posted and form.is_valid():
        submitting = request.POST.get("action") == "submit"
        step = actions.note_submit if submitting else actions.note_save_draft
        try:
            saved = step(
                note_id=note.pk,
                version=form.cleaned_data["version"],
                data=form.note_data(),
                acting_user=request.user,
                now=at,
                request=request,
            )
        except actions.SubmitRefused as error:
            form.with_version(error.version)
            form.add_domain_error(error)
        except StaleEdit as error:
            form.with_version(CaseNote.objects.get(pk=note.pk).version)
            form.add_domain_error(error)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if submitting:
                messages.success(request, "Case note submitted.")
                return redirect("recording:note-detail", note_id=saved.pk)
            messages.success(request, f"Draft saved at {_clock(saved.updated_at)}.")
            return redirect("recording:note-edit", note_id=saved.pk)
    audit_views(
        request.user,
        [o.person for o in form.offers],
        now=at,
        page="case note draft",
        request=request,
        action="view",
    )
    return render(
        request,
        "recording/note_form.html",
        {"note": note, "form": form, "about": selectors.about_of(note)},
    )


@access_rule("signed_in", roles=CASE_ROLES)
@require_POST
def note_autosave(request, note_id):
    """Save the draft as it is typed (the page's script calls this): JSON with the new version,
    409 when it was saved elsewhere since or has been submitted, 400 for an answer that is not
    among the choices."""
    at = now()
    note = selectors.access_draft_by_id(request.user, note_id, now=at, request=request)
    form = _form(request, note, at=at, data=request.POST)
    if not form.is_valid():
        return JsonResponse(
            {"message": "Not saved: check the answers marked.", "errors": form.errors_for_json()},
            status=400,
        )
    try:
        saved = actions.note_save_draft(
            note_id=note.pk,
            version=form.cleaned_data["version"],
            data=form.note_data(),
            acting_user=request.user,
            now=at,
            request=request,
        )
    except StaleEdit:
        return JsonResponse(
            {
                "message": "Not saved: this note was saved in another window after you opened "
                "it. What you typed is still on this page: copy anything you need, then reload "
                "the page."
            },
            status=409,
        )
    except DetailsRefused as error:
        form.add_domain_error(error)
        return JsonResponse(
            {"message": f"Not saved: {error.message}", "errors": form.errors_for_json()},
            status=400,
        )
    except DomainError as error:
        return JsonResponse({"message": f"Not saved: {error.message}"}, status=409)
    return JsonResponse({"version": saved.version, "saved_at": _clock(saved.updated_at)})


@access_rule("signed_in", roles=CASE_ROLES)
def note_detail(request, note_id):
    """A submitted note, as this reader may see it; the author's own draft opens to write."""
    at = now()
    view = selectors.access_note_by_id(request.user, note_id, now=at, request=request)
    if view.is_draft:
        return redirect("recording:note-edit", note_id=view.note.pk)
    may_add = _may_add(request, view)
    form = AddendumForm(initial={"form_token": new_form_token()}) if may_add else None
    return render(request, "recording/note_detail.html", {"view": view, "form": form})


def _may_add(request, view) -> bool:
    return view.note.author_id == request.user.pk or request.user.role in actions.MANAGER_ROLES


@require_POST
@access_rule("signed_in", roles=CASE_ROLES)
def note_add(request, note_id):
    """Add to a submitted note: shown beneath it, and in each subject's chronology."""
    at = now()
    view = selectors.access_note_by_id(request.user, note_id, now=at, request=request)
    form = AddendumForm(request.POST)
    if view.is_draft or not _may_add(request, view):
        raise Http404("No page found")
    if form.is_valid():
        try:
            actions.note_add(
                note_id=view.note.pk,
                text=form.cleaned_data["text"],
                form_token=form.cleaned_data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Added to the note.")
            return redirect("recording:note-detail", note_id=view.note.pk)
    return render(request, "recording/note_detail.html", {"view": view, "form": form})


@access_rule("person")
def person_notes(request, person_id):
    """Every case note about a person this worker may read, newest first."""
    at = now()
    person = access_person_by_id(
        request.user, person_id, now=at, request=request, page="case notes"
    )
    page = Paginator(selectors.person_notes(request.user, person, now=at), NOTES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "recording/person_notes.html",
        {
            "person": person,
            "page": page,
            "notes": selectors.note_views(request.user, page.object_list, now=at),
            "may_oversee": request.user.role == Role.TEAM_MANAGER,
            "form_token": new_form_token(),
            "oversight_token": new_form_token(),
        },
    )


@access_rule("signed_in", roles=CASE_ROLES)
def drafts(request):
    """The notes this worker started and has not submitted yet."""
    at = now()
    return render(
        request, "recording/drafts.html", {"drafts": selectors.drafts_of(request.user, now=at)}
    )
