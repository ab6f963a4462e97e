"""Pages for letters and reports: the council's templates, producing letters from a child's
record, one letter (its document, PDF, approval, release, withdrawal and recall) and the
approval queue. Thin views over selectors_letters and actions_letters."""

from csp.decorators import csp_replace
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from onestory.access import audit
from onestory.access.decorators import access_rule
from onestory.access.selectors import access_person_by_id
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError, StaleEdit
from onestory.core.idempotency import new_form_token

from . import actions_letters as actions
from . import forms_letters as forms
from . import rendering
from . import selectors_letters as selectors
from .fields import FIELDS, build_record
from .models import Letter, LetterTemplate


@access_rule("signed_in", roles=selectors.MAY_EDIT_TEMPLATES)
def template_list(request):
    return render(
        request,
        "documents/template_list.html",
        {"templates": LetterTemplate.objects.order_by("-active", "name")},
    )


def _template_page(request, form, template=None):
    return render(
        request,
        "documents/template_edit.html",
        {"form": form, "template": template, "fields": FIELDS.values()},
    )


@access_rule("signed_in", roles=selectors.MAY_EDIT_TEMPLATES)
def template_create(request):
    if request.method != "POST":
        form = forms.TemplateForm(initial={"form_token": new_form_token(), "active": True})
        return _template_page(request, form)
    form = forms.TemplateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            template = actions.template_create(
                name=data["name"], kind=data["kind"], body=data["body"],
                recipient_kinds=data["recipient_kinds"], form_token=data["form_token"],
                acting_user=request.user, now=now(),
            )  # fmt: skip
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"The template {template.name} is saved.")
            return redirect("documents:template-list")
    return _template_page(request, form)


@access_rule("signed_in", roles=selectors.MAY_EDIT_TEMPLATES)
def template_edit(request, template_id):
    template = LetterTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise Http404("No template found")
    if request.method != "POST":
        form = forms.TemplateForm(
            initial={
                "version": template.version, "name": template.name, "kind": template.kind,
                "recipient_kinds": template.recipient_kinds, "body": template.body,
                "active": template.active,
            }
        )  # fmt: skip
        return _template_page(request, form, template)
    form = forms.TemplateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.template_update(
                template_id=template.pk, version=data["version"], name=data["name"],
                kind=data["kind"], body=data["body"], recipient_kinds=data["recipient_kinds"],
                active=data["active"], acting_user=request.user, now=now(),
            )  # fmt: skip
        except DomainError as error:
            # A stale save keeps what was typed: the form is shown again as it was sent.
            form.add_domain_error(error)
        else:
            messages.success(request, f"The template {data['name']} is saved.")
            return redirect("documents:template-list")
    return _template_page(request, form, template)


@access_rule("person", roles=selectors.MAY_PRODUCE)
def person_letters(request, person_id):
    at = now()
    person = access_person_by_id(request.user, person_id, now=at, request=request, page="letters")
    return render(
        request,
        "documents/letter_list.html",
        {"person": person, "letters": selectors.letters_of_child(request.user, person, now=at)},
    )


@access_rule("person", roles=selectors.MAY_PRODUCE)
def letter_produce(request, person_id):
    at = now()
    person = access_person_by_id(
        request.user, person_id, now=at, request=request, page="produce a letter"
    )
    posted = request.method == "POST"
    about = (request.POST if posted else request.GET).get("about", "")
    about_row = selectors.about_object(person, about)
    record = build_record(
        child=person, about=about_row, today=today_in_london(at), worker=request.user
    )
    form = forms.ProduceForm(
        request.POST if posted else None,
        initial=None if posted else {"form_token": new_form_token(), "about": about},
        templates=LetterTemplate.objects.filter(active=True),
        abouts=selectors.about_choices(person),
        recipients=selectors.recipients_for(record, now=at),
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            letters = actions.letters_produce(
                child=person, template_id=data["template"], about=data["about"],
                recipient_keys=data["recipients"], form_token=data["form_token"],
                acting_user=request.user, now=at, request=request,
            )  # fmt: skip
        except DomainError as error:
            form.add_domain_error(error)
        else:
            count = len(letters)
            messages.success(
                request,
                f"{count} letter{'s' if count != 1 else ''} produced, one for each recipient.",
            )
            return redirect("documents:person-letters", person_id=person.pk)
    return render(request, "documents/letter_produce.html", {"person": person, "form": form})


WITHDRAWABLE = (Letter.Status.PRODUCED, Letter.Status.AWAITING_APPROVAL, Letter.Status.APPROVED)


def _letter_page(request, letter, *, approve_form=None, release_form=None, status=200):
    user = request.user
    may_approve = (
        letter.status == Letter.Status.AWAITING_APPROVAL and letter.produced_by_id != user.pk
    )
    may_release = letter.status == Letter.Status.APPROVED or (
        letter.status == Letter.Status.PRODUCED and not letter.needs_approval
    )
    return render(
        request,
        "documents/letter_detail.html",
        {
            "letter": letter,
            "may_approve": may_approve,
            "approve_form": approve_form or forms.ApproveForm(initial={"version": letter.version}),
            "may_release": may_release,
            "release_form": release_form or forms.ReleaseForm(initial={"version": letter.version}),
            "may_withdraw": letter.status in WITHDRAWABLE,
            "may_recall": letter.status == Letter.Status.RELEASED,
        },
        status=status,
    )


def _with_current_version(form_class, form, letter):
    """The form as it was sent, carrying the letter's current version: after a stale save the
    worker reads the letter as it is now and can send their answer again."""
    data = form.data.copy()
    data["version"] = str(letter.version)
    fresh = form_class(data)
    fresh.is_valid()
    return fresh


@access_rule("signed_in", roles=selectors.MAY_PRODUCE)
def letter(request, letter_id):
    at = now()
    row = selectors.access_letter_by_id(
        request.user, letter_id, now=at, request=request, page="letter"
    )
    return _letter_page(request, row)


@access_rule("signed_in", roles=selectors.MAY_PRODUCE)
@xframe_options_sameorigin
@csp_replace({"frame-ancestors": ["'self'"], "style-src": ["'unsafe-inline'"]})
def letter_document(request, letter_id):
    """The letter as it was fixed when produced (shown on the letter's page)."""
    at = now()
    row = selectors.access_letter_by_id(
        request.user, letter_id, now=at, request=request, page="letter document"
    )
    return HttpResponse(row.html, content_type="text/html; charset=utf-8")


@access_rule("signed_in", roles=selectors.MAY_PRODUCE)
def letter_download(request, letter_id):
    """The letter as a PDF, downloaded as an attachment; the download is audited."""
    at = now()
    row = selectors.access_letter_by_id(
        request.user, letter_id, now=at, request=request, page="letter PDF"
    )
    audit.record(
        actor=request.user, action="download", at=at, person_id=row.person_id, obj=row,
        detail={"page": "letter PDF"}, request=request,
    )  # fmt: skip
    response = HttpResponse(rendering.letter_pdf(row.html), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="letter-{row.reference}.pdf"'
    return response


@access_rule("signed_in", roles=selectors.MAY_PRODUCE)
@require_POST
def letter_approve(request, letter_id):
    at = now()
    row = selectors.access_letter_by_id(
        request.user, letter_id, now=at, request=request, page="approve a letter"
    )
    form = forms.ApproveForm(request.POST)
    if form.is_valid():
        try:
            actions.letter_approve(
                letter_id=row.pk, version=form.cleaned_data["version"],
                acting_user=request.user, now=at, request=request,
            )  # fmt: skip
        except StaleEdit as error:
            form = _with_current_version(forms.ApproveForm, form, row)
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"The letter to {row.recipient_name} is approved.")
            return redirect("documents:letter", letter_id=row.pk)
    return _letter_page(request, row, approve_form=form, status=400)


@access_rule("signed_in", roles=selectors.MAY_PRODUCE)
@require_POST
def letter_release(request, letter_id):
    at = now()
    row = selectors.access_letter_by_id(
        request.user, letter_id, now=at, request=request, page="release a letter"
    )
    form = forms.ReleaseForm(request.POST)
    if form.is_valid():
        try:
            actions.letter_release(
                letter_id=row.pk, version=form.cleaned_data["version"],
                method=form.cleaned_data["method"], acting_user=request.user, now=at,
                request=request,
            )  # fmt: skip
        except StaleEdit as error:
            form = _with_current_version(forms.ReleaseForm, form, row)
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, f"The letter to {row.recipient_name} is released.")
            return redirect("documents:letter", letter_id=row.pk)
    return _letter_page(request, row, release_form=form, status=400)


def _change_page(request, *, letter_id, page, allowed, refusal, form_class, action, template, done):
    """A page that asks why, then withdraws or recalls the letter. Opened when the letter can
    no longer change that way, it goes back to the letter and says why."""
    at = now()
    row = selectors.access_letter_by_id(request.user, letter_id, now=at, request=request, page=page)
    if request.method != "POST":
        if not allowed(row):
            messages.info(request, refusal(row))
            return redirect("documents:letter", letter_id=row.pk)
        form = form_class(initial={"version": row.version})
        return render(request, template, {"letter": row, "form": form})
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(
                letter_id=row.pk, version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"], acting_user=request.user, now=at,
                request=request,
            )  # fmt: skip
        except StaleEdit as error:
            # What was typed is kept; the form now carries the letter's current version.
            form = _with_current_version(form_class, form, row)
            form.add_error(None, error.message)
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, done.format(name=row.recipient_name))
            return redirect("documents:letter", letter_id=row.pk)
    return render(request, template, {"letter": row, "form": form})


@access_rule("signed_in", roles=selectors.MAY_PRODUCE)
def letter_withdraw(request, letter_id):
    """Withdraw a letter before it is released, saying why."""
    return _change_page(
        request, letter_id=letter_id, page="withdraw a letter",
        allowed=lambda row: row.status in WITHDRAWABLE,
        refusal=lambda row: actions.ALREADY_WITHDRAWN
        if row.status == Letter.Status.WITHDRAWN
        else actions.RELEASED_NOT_WITHDRAWN,
        form_class=forms.WithdrawForm, action=actions.letter_withdraw,
        template="documents/letter_withdraw.html",
        done="The letter to {name} is withdrawn. It will not be released.",
    )  # fmt: skip


@access_rule("signed_in", roles=selectors.MAY_PRODUCE)
def letter_recall(request, letter_id):
    """Mark a released letter as recalled, saying why; managers are told."""
    return _change_page(
        request, letter_id=letter_id, page="recall a letter",
        allowed=lambda row: row.status == Letter.Status.RELEASED,
        refusal=lambda row: actions.ALREADY_RECALLED
        if row.status == Letter.Status.RECALLED
        else actions.NOT_RELEASED_NOT_RECALLED,
        form_class=forms.RecallForm, action=actions.letter_recall,
        template="documents/letter_recall.html",
        done="The letter to {name} is marked as recalled.",
    )  # fmt: skip


@access_rule("signed_in", roles=selectors.MAY_PRODUCE)
def approvals(request):
    """Letters to people outside the council waiting for a second person's approval; every
    child listed is audited."""
    return render(
        request,
        "documents/letter_approvals.html",
        {"letters": selectors.approval_queue(request.user, now=now(), request=request)},
    )
