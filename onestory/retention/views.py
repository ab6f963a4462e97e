"""The data protection officer's retention pages: the disposal schedule, legal holds and the
council's rules. Nobody else reaches them (404)."""

from collections import Counter

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from onestory.access import audit
from onestory.access.decorators import access_rule
from onestory.core.clock import now, today_in_london
from onestory.core.errors import DomainError
from onestory.core.idempotency import new_form_token
from onestory.workforce.rules import Role

from . import actions, rules, selectors
from .forms import DisposeForm, HoldForm, LiftHoldForm, RuleForm

OFFICER = [Role.DATA_PROTECTION_OFFICER]
SHOWN = 500  # hand-set: rows on one page; the command lists them all


def _form_error(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@access_rule("signed_in", roles=OFFICER)
def schedule(request):
    """Records past their disposal date and not under a legal hold, oldest first."""
    at = now()
    today = today_in_london(at)
    due = selectors.due_records(acting_user=request.user, today=today)
    audit.record(
        actor=request.user, action="list", at=at, request=request,
        detail={"page": "disposal schedule", "records": len(due)},
    )  # fmt: skip
    by_class = Counter(d.record_class for d in due)
    return render(request, "retention/schedule.html", {
        "today": today, "due": due[:SHOWN], "total": len(due), "shown": SHOWN,
        "by_class": [(c.label, by_class[c]) for c in rules.RecordClass if by_class[c]],
    })  # fmt: skip


@access_rule("signed_in", roles=OFFICER)
def dispose(request):
    """Confirm, then dispose of one record on the schedule."""
    at = now()
    form = DisposeForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        raise Http404("No such record on the schedule")
    data = form.cleaned_data
    record = selectors.due_record(
        acting_user=request.user, today=today_in_london(at),
        record_class=data["record_class"], record_id=data["record_id"],
    )  # fmt: skip
    if record is None:
        messages.info(request, actions.NOT_DUE)
        return redirect("retention:schedule")
    problem = ""
    if request.method == "POST":
        try:
            actions.record_dispose(
                record_class=data["record_class"], record_id=data["record_id"],
                acting_user=request.user, now=at, request=request,
            )  # fmt: skip
        except DomainError as error:
            problem = error.message
        else:
            messages.success(request, f"{record.record_class.label} {record.reference} was "
                                      "disposed of.")  # fmt: skip
            return redirect("retention:schedule")
    return render(request, "retention/dispose.html", {"record": record, "problem": problem},
                  status=409 if problem else 200)  # fmt: skip


@access_rule("signed_in", roles=OFFICER)
def holds(request):
    found = list(selectors.holds(acting_user=request.user))
    audit.record(
        actor=request.user, action="list", at=now(), request=request,
        detail={"page": "legal holds", "holds": len(found)},
    )  # fmt: skip
    return render(request, "retention/holds.html", {
        "in_place": [h for h in found if h.in_place],
        "lifted": [h for h in found if not h.in_place][:50],
    })  # fmt: skip


@access_rule("signed_in", roles=OFFICER)
def hold_place(request, person_id):
    person = selectors.person_to_hold(acting_user=request.user, person_id=person_id)
    if person is None:
        raise Http404("No such person")
    form = HoldForm(request.POST or None, initial={"form_token": new_form_token()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.hold_place(
                form_token=data["form_token"], person_id=person.pk, reason=data["reason"],
                details=data["details"], acting_user=request.user, now=now(), request=request,
            )  # fmt: skip
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"{person.full_name}'s record is held: nothing of theirs "
                                      "will be disposed of until the hold is lifted.")  # fmt: skip
            return redirect("retention:holds")
    return render(request, "retention/hold_place.html", {"form": form, "person": person})


@access_rule("signed_in", roles=OFFICER)
def hold_lift(request, hold_id):
    hold = selectors.hold_by_id(acting_user=request.user, hold_id=hold_id)
    if hold is None or not hold.in_place:
        raise Http404("No such hold in place")
    form = LiftHoldForm(request.POST or None, initial={"version": hold.version})
    if request.method == "POST" and form.is_valid():
        try:
            actions.hold_lift(
                hold_id=hold.pk, version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"], acting_user=request.user, now=now(),
                request=request,
            )  # fmt: skip
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, "The hold is lifted.")
            return redirect("retention:holds")
    return render(request, "retention/hold_lift.html", {"form": form, "hold": hold})


@access_rule("signed_in", roles=OFFICER)
def rules_list(request):
    found = list(selectors.rules_for(acting_user=request.user))
    return render(request, "retention/rules.html", {
        "council": found,
        "statutory": [(c.label, rules.describe(c, None)) for c in rules.STATUTORY_ORDER],
    })  # fmt: skip


@access_rule("signed_in", roles=OFFICER)
def rule_edit(request, rule_id):
    rule = selectors.rules_for(acting_user=request.user).filter(pk=rule_id).first()
    if rule is None:
        raise Http404("No such rule")
    record_class = rules.RecordClass(rule.record_class)
    form = RuleForm(
        request.POST or None, record_class=record_class,
        initial={"version": rule.version, "trigger": rule.trigger, "years": rule.years,
                 "source": rule.source},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.rule_update(
                rule_id=rule.pk, version=data["version"], trigger=data["trigger"],
                years=data["years"], source=data["source"], acting_user=request.user,
                now=now(), request=request,
            )  # fmt: skip
        except DomainError as error:
            _form_error(form, error)
        else:
            messages.success(request, f"The rule for {record_class.label.lower()} is saved.")
            return redirect("retention:rules")
    return render(
        request,
        "retention/rule_edit.html",
        {"form": form, "rule": rule, "label": record_class.label},
    )
