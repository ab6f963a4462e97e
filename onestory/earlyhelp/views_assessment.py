"""The early help assessment pages: start, the form (saved as a draft as the practitioner types,
or completed), the autosave the page's script calls, and the completed assessment to read.
Thin views over selectors and actions."""

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from onestory.access.decorators import access_rule
from onestory.core.clock import LONDON, now
from onestory.core.errors import DetailsRefused, DomainError, StaleEdit

from . import selectors_assessment
from .actions import assessment as actions
from .forms_assessment import AssessmentForm
from .models import Assessment
from .selectors import access_episode_by_id, visible_members

PAGE = "early help assessment"


def _open(request, episode_id, assessment_id, *, at, shows_members=True):
    access = access_episode_by_id(
        request.user, episode_id, now=at, request=request, page=PAGE, shows_members=shows_members
    )
    assessment = selectors_assessment.assessment_of(access.episode, assessment_id)
    return access, assessment


def _clock(moment) -> str:
    return moment.astimezone(LONDON).strftime("%H:%M")


@access_rule("signed_in")
@require_POST
def assessment_start(request, episode_id):
    """Start the assessment (or go to the draft already open)."""
    at = now()
    access = access_episode_by_id(request.user, episode_id, now=at, request=request, page=PAGE)
    if not access.may_work_on:
        raise Http404("No page found")
    try:
        assessment = actions.assessment_start(
            episode_id=access.episode.pk,
            form_token=request.POST.get("form_token", ""),
            acting_user=request.user,
            now=at,
            request=request,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("earlyhelp:episode", episode_id=access.episode.pk)
    if assessment.started_at != at:
        messages.info(request, "The assessment was already started: carry on from the draft.")
    return redirect(
        "earlyhelp:assessment", episode_id=access.episode.pk, assessment_id=assessment.pk
    )


def _form(access, assessment, *, people, data=None):
    return AssessmentForm(
        data,
        assessment=assessment,
        people=people,
        scores=selectors_assessment.start_scores(access.episode),
    )


@access_rule("signed_in")
def assessment(request, episode_id, assessment_id):
    """The assessment: the form while it is a draft (for those who work with the family), and a
    page to read once it is complete (or for anyone else who may see the episode)."""
    at = now()
    access, assessment = _open(request, episode_id, assessment_id, at=at)
    editable = access.may_work_on and assessment.status == Assessment.Status.DRAFT
    people = visible_members(request.user, access.episode, now=at)
    if request.method == "POST":
        if not access.may_work_on:
            raise Http404("No page found")
        if not editable:
            messages.info(request, actions.COMPLETED)
            return redirect(
                "earlyhelp:assessment", episode_id=access.episode.pk, assessment_id=assessment.pk
            )
    context = {
        "access": access,
        "episode": access.episode,
        "assessment": assessment,
        "family": selectors_assessment.family_picture(
            request.user, access.episode, now=at, members=people
        ),
        "copied_from": selectors_assessment.copied_from(request.user, assessment, now=at),
    }
    if not editable:
        context["sections"] = selectors_assessment.factor_lines(assessment, people=people)
        return render(request, "earlyhelp/assessment/view.html", context)

    form = _form(access, assessment, people=people, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        completing = request.POST.get("action") == "complete"
        try:
            if completing:
                actions.assessment_complete(
                    assessment_id=assessment.pk,
                    version=form.cleaned_data["version"],
                    data=form.assessment_data(),
                    start_scores=form.start_scores(),
                    acting_user=request.user,
                    now=at,
                    request=request,
                )
            else:
                saved = actions.assessment_save_draft(
                    assessment_id=assessment.pk,
                    version=form.cleaned_data["version"],
                    data=form.assessment_data(),
                    acting_user=request.user,
                    now=at,
                    request=request,
                )
        except actions.CompletionRefused as error:
            # The answers were saved as the draft: the next submit carries the new version.
            form.with_version(error.version)
            form.add_domain_error(error)
        except StaleEdit as error:
            form.with_version(Assessment.objects.get(pk=assessment.pk).version)
            form.add_domain_error(error)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            if completing:
                messages.success(request, "Early help assessment completed.")
                return redirect("earlyhelp:episode", episode_id=access.episode.pk)
            messages.success(request, f"Draft saved at {_clock(saved.last_saved_at)}.")
            return redirect(
                "earlyhelp:assessment", episode_id=access.episode.pk, assessment_id=assessment.pk
            )
    context["form"] = form
    return render(request, "earlyhelp/assessment/form.html", context)


@access_rule("signed_in")
@require_POST
def assessment_autosave(request, episode_id, assessment_id):
    """Save the draft as it is typed (the page's script calls this): JSON with the new version,
    409 when someone else saved first or the assessment is complete, 400 for an answer that is
    not among the choices."""
    at = now()
    access, assessment = _open(request, episode_id, assessment_id, at=at, shows_members=False)
    if not access.may_work_on:
        raise Http404("No page found")
    people = visible_members(request.user, access.episode, now=at)
    form = _form(access, assessment, people=people, data=request.POST)
    if not form.is_valid():
        return JsonResponse(
            {"message": "Not saved: check the answers marked.", "errors": form.errors_for_json()},
            status=400,
        )
    try:
        saved = actions.assessment_save_draft(
            assessment_id=assessment.pk,
            version=form.cleaned_data["version"],
            data=form.assessment_data(),
            acting_user=request.user,
            now=at,
            request=request,
        )
    except StaleEdit:
        return JsonResponse(
            {
                "message": "Not saved: someone else saved this assessment after you opened it. "
                "What you typed is still on this page: copy anything you need, then reload the "
                "page to see their changes."
            },
            status=409,
        )
    except DetailsRefused as error:
        form.add_domain_error(error)
        return JsonResponse(
            {"message": "Not saved: check the answers marked.", "errors": form.errors_for_json()},
            status=400,
        )
    except DomainError as error:
        return JsonResponse({"message": f"Not saved: {error.message}"}, status=409)
    return JsonResponse({"version": saved.version, "saved_at": _clock(saved.last_saved_at)})
