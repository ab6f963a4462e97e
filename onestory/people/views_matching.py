"""Known to us? and the possible-duplicates queue: thin views over matching and merging."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from onestory.access.decorators import access_rule
from onestory.access.selectors import access_person_by_id, identifying_details_hidden_from
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError
from onestory.core.forms import GovukDateField, GovukFormMixin
from onestory.workforce.rules import CASE_ROLES, MAY_RESOLVE_DUPLICATES

from . import matching, merging, rules
from .models import PersonMerge

CASE_ROLES_RULE = "roles:" + ",".join(sorted(CASE_ROLES))
RESOLVERS_RULE = "roles:" + ",".join(sorted(MAY_RESOLVE_DUPLICATES))

NOT_ENOUGH = (
    "Enter a first and last name, a date of birth, an NHS number or a UPN. "
    "A postcode or one name on its own is not enough to search."
)


class SearchForm(GovukFormMixin, forms.Form):
    given_name = forms.CharField(
        label="First name",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    family_name = forms.CharField(
        label="Last name",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    date_of_birth = GovukDateField(label="Date of birth", required=False)
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=20,
        required=False,
        help_text="10 digits, for example 943 476 5919",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN)",
        max_length=20,
        required=False,
        help_text="A letter then 12 digits or letters, for example A123456789012",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    widths = {"given_name": 20, "family_name": 20, "postcode": 10, "nhs_number": 10, "upn": 20}

    def __init__(self, *args, today=None, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def clean_date_of_birth(self):
        value = self.cleaned_data.get("date_of_birth")
        problem = rules.date_of_birth_problem(value, today=self.today) if self.today else None
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "").strip()
        if value and rules.normalise_postcode(value) is None:
            raise forms.ValidationError("Enter a real postcode, like LU1 1AA")
        return rules.normalise_postcode(value) if value else ""

    def clean_nhs_number(self):
        value = self.cleaned_data.get("nhs_number", "").strip()
        if value and rules.normalise_nhs_number(value) is None:
            raise forms.ValidationError(
                "Enter a real NHS number: 10 digits, like 943 476 5919. Check each digit."
            )
        return rules.normalise_nhs_number(value) if value else ""

    def clean_upn(self):
        value = self.cleaned_data.get("upn", "").strip()
        if value and rules.normalise_upn(value) is None:
            raise forms.ValidationError(
                "Enter a real UPN: 13 characters, like A123456789012. Check each character."
            )
        return rules.normalise_upn(value) if value else ""

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        has_name = data.get("given_name") and data.get("family_name")
        if not (has_name or data.get("date_of_birth") or data.get("nhs_number") or data.get("upn")):
            raise forms.ValidationError(NOT_ENOUGH)
        return data


@require_http_methods(["GET", "POST"])
@access_rule(CASE_ROLES_RULE)
def search(request):
    """Known to us? Details are sent by POST so that they never appear in a URL or a log."""
    form = SearchForm(request.POST or None, today=today_in_london())
    results = None
    if request.method == "POST" and form.is_valid():
        query = matching.prepare_query(**form.cleaned_data)
        results = matching.known_to_us(request.user, query, now=now(), request=request)
    return render(request, "people/search.html", {"form": form, "results": results})


@access_rule(RESOLVERS_RULE)
def duplicates(request):
    """The possible-duplicates queue, strongest first, with recent merges that can be undone."""
    context = matching.duplicates_queue(request.user, now=now(), request=request)
    return render(request, "people/duplicates.html", context)


class MergeForm(GovukFormMixin, forms.Form):
    keep = forms.ChoiceField(
        label="Which record do you want to keep?",
        choices=[("a", "First record"), ("b", "Second record")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which record to keep"},
    )
    reason = forms.CharField(
        label="Why are these the same person?",
        help_text="For example, the NHS number and date of birth match and the school confirmed "
        "the change of name. Your reason is recorded.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why these records are the same person"},
    )


@require_http_methods(["GET", "POST"])
@access_rule(RESOLVERS_RULE)
def duplicate_pair(request, candidate_id):
    """Both records side by side with the evidence; merge them or say they are different people."""
    at = now()
    decision = request.POST.get("decision") if request.method == "POST" else None
    merge_form = MergeForm(request.POST if decision == "merge" else None)
    refusal_message = ""
    if request.method == "POST":
        pair = matching.access_duplicate_pair(request.user, candidate_id, now=at, request=request)
        try:
            if decision == "not_duplicate":
                merging.duplicate_dismiss(
                    candidate_id=pair.pk, acting_user=request.user, now=at, request=request
                )
                messages.success(request, "Recorded: these are not the same person.")
                return redirect("people:duplicates")
            if decision == "merge" and merge_form.is_valid():
                keep_a = merge_form.cleaned_data["keep"] == "a"
                kept, merged = (
                    (pair.person_a, pair.person_b) if keep_a else (pair.person_b, pair.person_a)
                )
                merging.person_merge(
                    kept_id=kept.pk,
                    merged_id=merged.pk,
                    reason=merge_form.cleaned_data["reason"],
                    acting_user=request.user,
                    now=at,
                    request=request,
                )
                messages.success(
                    request,
                    "The records have been merged. You can undo this from "
                    "the list of recent merges.",
                )
                return redirect("people:duplicates")
        except DomainError as refusal:
            if merge_form.is_bound:
                field = refusal.field if refusal.field in merge_form.fields else None
                merge_form.add_error(field, refusal.message)
            else:
                refusal_message = refusal.message
    context = matching.duplicate_pair_page(request.user, candidate_id, now=at, request=request)
    context["form"] = merge_form
    context["refusal"] = refusal_message
    return render(request, "people/duplicate_pair.html", context)


@access_rule("person")
def merge_history(request, person_id):
    """The records merged into this one, with undo for those who resolve duplicates."""
    person = access_person_by_id(
        request.user, person_id, now=now(), request=request, page="merge history"
    )
    return render(
        request,
        "people/merge_history.html",
        {
            "person": person,
            "merges": matching.merge_history(person.pk),
            "may_undo": request.user.role in MAY_RESOLVE_DUPLICATES,
        },
    )


class UndoForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you undoing this merge?",
        help_text="For example, the records belong to twins. Your reason is recorded.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are undoing this merge"},
    )


@require_http_methods(["GET", "POST"])
@access_rule(RESOLVERS_RULE)
def merge_undo(request, merge_id):
    """Undo a merge: the merged record and everything that moved with it are separated again."""
    at = now()
    merge = (
        PersonMerge.objects.select_related("kept", "merged", "merged_by")
        .filter(pk=merge_id)
        .first()
    )
    if merge is None or identifying_details_hidden_from(
        request.user, [merge.kept_id, merge.merged_id], now=at
    ):
        raise Http404("No merge found")
    form = UndoForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            merging.person_unmerge(
                merge_id=merge.pk,
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
        else:
            messages.success(request, "The merge has been undone. Both records are in use again.")
            return redirect("people:duplicates")
    return render(request, "people/merge_undo.html", {"merge": merge, "form": form})
