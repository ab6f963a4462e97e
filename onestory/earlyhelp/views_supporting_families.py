"""Supporting Families pages: the claim report, one family's evidence, the claim file and
recording a claim as submitted. For performance analysts and team managers; families are named
by episode reference only."""

from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from onestory.access import exports as export_purpose
from onestory.access.decorators import access_rule
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError
from onestory.core.forms import GovukCheckboxes, GovukDateField, GovukFormMixin
from onestory.core.idempotency import new_form_token

from . import rules
from . import supporting_families as sf
from .actions.claims import claim_record

REPORT = "roles:analyst,manager"
STATUSES = {s.value for s in rules.ClaimStatus}


class FamiliesField(forms.MultipleChoiceField):
    """The families offered, by reference. Any family id is passed on to the action, which says
    why a family cannot be claimed (it may have changed since the page was opened)."""

    def valid_value(self, value) -> bool:
        try:
            UUID(str(value))
        except ValueError:
            return False
        return True


class ClaimForm(GovukFormMixin, forms.Form):
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)
    episodes = FamiliesField(
        label="Which families was the claim submitted for?",
        widget=GovukCheckboxes,
        error_messages={"required": "Choose the families the claim was submitted for."},
    )
    claimed_on = GovukDateField(
        label="Date the claim was submitted",
        error_messages={"required": "Enter the date the claim was submitted."},
    )

    def __init__(self, *args, families=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["episodes"].choices = [(str(r.episode_id), r.reference) for r in families]


def _status(value: str) -> str:
    return value if value in STATUSES else ""


def _render_report(request, *, at, status: str = "", form=None, http_status: int = 200):
    report = sf.report_for(request.user, now=at, status=status, request=request)
    if form is None and sf.may_record_claims(request.user) and report.claimable:
        form = ClaimForm(
            initial={"form_token": new_form_token(), "claimed_on": today_in_london(at)},
            families=report.claimable,
        )
    elif form is not None:
        form.fields["episodes"].choices = [
            (str(r.episode_id), r.reference) for r in report.claimable
        ]
    return render(
        request,
        "earlyhelp/supporting_families/report.html",
        {
            "report": report,
            "summary": report.summary,
            "families": report.families[: sf.LIST_LIMIT],
            "limit": sf.LIST_LIMIT,
            "status": status,
            "status_label": rules.CLAIM_STATUS_LABELS.get(status, ""),
            "form": form,
            "rules": {
                "headlines": rules.SF_MINIMUM_HEADLINES,
                "months": rules.SF_SUSTAINED_MONTHS,
                "good": rules.SF_GOOD_SCORE,
                "gain": rules.SF_MINIMUM_GAIN,
            },
        },
        status=http_status,
    )


@access_rule(REPORT)
def report(request):
    """How many families meet the programme's criteria, where each stands, and the ones ready
    to claim."""
    return _render_report(request, at=now(), status=_status(request.GET.get("status", "")))


@access_rule(REPORT)
def family(request, episode_id):
    """One family's evidence: each headline with the needs behind it and the scores."""
    at = now()
    row = sf.family_for(request.user, episode_id, now=at, request=request)
    return render(
        request,
        "earlyhelp/supporting_families/family.html",
        {
            "row": row,
            "evidence": _evidence(row),
            "rules": {
                "months": rules.SF_SUSTAINED_MONTHS,
                "good": rules.SF_GOOD_SCORE,
                "gain": rules.SF_MINIMUM_GAIN,
            },
        },
    )


def _evidence(row: sf.FamilyRow) -> list[dict]:
    """Each headline with every need behind it: its scores and whether it made progress."""
    scores = {code: (start, latest) for code, start, latest in row.scores}
    return [
        {
            "headline": e,
            "needs": [
                {
                    "label": rules.FACTORS[code].label,
                    "start": scores[code][0],
                    "latest": scores[code][1],
                    "progress": rules.made_progress(*scores[code]),
                }
                for code in e.needs
            ],
        }
        for e in row.evidence
    ]


@access_rule(REPORT)
def claim_csv(request):
    """The claim: every family ready to claim, with the evidence for each."""
    purpose = export_purpose.purpose_of(request)
    if purpose is None:
        return export_purpose.ask_purpose(request, what="the Supporting Families claim")
    at = now()
    rows = sf.claim_for(request.user, now=at, request=request, purpose=purpose)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="supporting-families-claim-{today_in_london(at):%Y-%m-%d}.csv"'
    )
    response["Cache-Control"] = "no-store"
    sf.write_claim_csv(response, rows)
    return response


@require_POST
@access_rule("roles:manager")
def claim(request):
    """Record that the council submitted the claim for the families chosen."""
    at = now()
    form = ClaimForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            recorded = claim_record(
                episode_ids=data["episodes"],
                claimed_on=data["claimed_on"],
                form_token=data["form_token"],
                acting_user=request.user,
                now=at,
                request=request,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            count = len(recorded.claims)
            messages.success(
                request,
                f"{count} famil{'y' if count == 1 else 'ies'} recorded as claimed on "
                f"{recorded.claimed_on:%-d %B %Y}.",
            )
            return redirect(reverse("earlyhelp:supporting-families") + "?status=claimed")
    return _render_report(request, at=at, form=form)
