"""Every change to a subject access request: logging it, extending it, building its bundle and
releasing it. Only the data protection officer; each in one transaction with its audit row."""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.template.loader import render_to_string

from onestory.access import audit
from onestory.core.calendar import bank_holidays_between
from onestory.core.clock import today_in_london
from onestory.core.errors import DetailsRefused, DomainError, full_clean_or_refuse
from onestory.core.idempotency import once_per_form
from onestory.core.locking import bump, locked
from onestory.people.models import Person
from onestory.workforce.rules import Role

from . import bundle as bundles
from . import rules
from .models import SubjectAccessRequest, Withholding

NOT_THE_DPO = "Only the data protection officer can deal with subject access requests."
NO_PERSON = "Choose the person the request is about."
FUTURE_DATE = "The date received must be today or in the past."
NO_EVIDENCE = "Say how the requester's identity was verified."
NO_REQUESTER_NAME = "Enter the name of the person asking for them, and how they are related."
NO_REASON = "Say why the request is complex or numerous (at least 10 characters)."
BAD_EXTENSION = "Choose an extension of one or two months."
ALREADY_EXTENDED = "This request has already been extended by two months, the most allowed."
RELEASED = "This request's bundle has been released: it cannot be changed."
NOT_BUILT = "Build the bundle and review it before releasing it."


def _dpo_only(acting_user) -> None:
    if getattr(acting_user, "role", None) != Role.DATA_PROTECTION_OFFICER:
        raise DomainError(NOT_THE_DPO)


def holidays_for(received: date) -> frozenset[date]:
    return bank_holidays_between(received, received + timedelta(days=130))


@once_per_form(SubjectAccessRequest)
def request_log(
    *,
    person_id,
    requester: str,
    requester_name: str,
    received_on: date,
    identity_verified: bool,
    identity_evidence: str,
    acting_user,
    now: datetime,
    request=None,
) -> SubjectAccessRequest:
    """Log a request; its due date follows the ICO's rule (sar.rules.due_date)."""
    _dpo_only(acting_user)
    problems = {}
    person = Person.objects.filter(pk=person_id, merged_into__isnull=True).first()
    if person is None:
        problems["person_id"] = NO_PERSON
    if received_on > today_in_london(now):
        problems["received_on"] = FUTURE_DATE
    if identity_verified and not identity_evidence.strip():
        problems["identity_evidence"] = NO_EVIDENCE
    if requester != rules.Requester.SUBJECT and not requester_name.strip():
        problems["requester_name"] = NO_REQUESTER_NAME
    if problems:
        raise DetailsRefused(problems)
    with transaction.atomic():
        row = SubjectAccessRequest(
            person=person,
            requester=requester,
            requester_name=requester_name.strip(),
            received_on=received_on,
            identity_verified=identity_verified,
            identity_evidence=identity_evidence.strip(),
            due_on=rules.due_date(received_on, holidays_for(received_on)),
            logged_by=acting_user,
        )
        full_clean_or_refuse(row)
        row.save()
        audit.record(actor=acting_user, action="create", at=now, person_id=person.pk, obj=row,
                     detail={"page": "subject access request", "requester": requester},
                     request=request)  # fmt: skip
    return row


def request_extend(
    *, request_id, version: int, months: int, reason: str, acting_user, now: datetime,
    request=None,
) -> SubjectAccessRequest:  # fmt: skip
    """Extend the time to respond (complex or numerous requests), with the reason."""
    _dpo_only(acting_user)
    if months not in (1, 2):
        raise DomainError(BAD_EXTENSION, field="months")
    if len(reason.strip()) < rules.MIN_REASON_LENGTH:
        raise DomainError(NO_REASON, field="reason")
    with transaction.atomic():
        row = locked(SubjectAccessRequest, request_id, version=version, what="request")
        if row.status == SubjectAccessRequest.Status.RELEASED:
            raise DomainError(RELEASED)
        if months <= row.extension_months and row.extension_months == rules.MAX_EXTENSION_MONTHS:
            raise DomainError(ALREADY_EXTENDED, field="months")
        row.extension_months = max(months, row.extension_months)
        row.extension_reason = reason.strip()
        row.extended_by = acting_user
        row.due_on = rules.due_date(row.received_on, holidays_for(row.received_on),
                                    extension_months=row.extension_months)  # fmt: skip
        full_clean_or_refuse(row)
        bump(row, "extension_months", "extension_reason", "extended_by", "due_on")
        audit.record(actor=acting_user, action="update", at=now, person_id=row.person_id, obj=row,
                     reason=row.extension_reason,
                     detail={"page": "subject access request", "extension_months": months},
                     request=request)  # fmt: skip
    return row


def bundle_document(row: SubjectAccessRequest) -> str:
    """The standalone HTML kept for download and PDF."""
    return render_to_string("sar/bundle_document.html", {"sar": row, "body": row.bundle_html})


def request_build_bundle(
    *, request_id, acting_user, now: datetime, request=None
) -> SubjectAccessRequest:
    """Build (or rebuild, until released) the bundle and record every withholding decision."""
    _dpo_only(acting_user)
    with transaction.atomic():
        row = locked(SubjectAccessRequest, request_id, what="request")
        if row.status == SubjectAccessRequest.Status.RELEASED:
            raise DomainError(RELEASED)
        made = bundles.build(row.person, row.requester, today=today_in_london(now))
        row.bundle_html = render_to_string("sar/bundle_body.html", {"bundle": made, "sar": row})
        row.built_at = now
        row.built_by = acting_user
        row.withholdings.all().delete()
        Withholding.objects.bulk_create(
            [
                Withholding(request=row, section=section[:100], item=item[:200], reason=reason,
                            count=count)
                for (section, item, reason), count in sorted(made.decisions.items())
            ]
        )  # fmt: skip
        bump(row, "bundle_html", "built_at", "built_by")
        audit.record(actor=acting_user, action="create", at=now, person_id=row.person_id, obj=row,
                     detail={"page": "subject access bundle",
                             "sections": len(made.sections), "withheld": made.withheld},
                     request=request)  # fmt: skip
    return row


def request_release(
    *, request_id, version: int, acting_user, now: datetime, request=None
) -> SubjectAccessRequest:
    """Mark the reviewed bundle released to the requester (audited; no second approver)."""
    _dpo_only(acting_user)
    with transaction.atomic():
        row = locked(SubjectAccessRequest, request_id, version=version, what="request")
        if row.status == SubjectAccessRequest.Status.RELEASED:
            return row  # the same page sent twice releases it once
        if row.built_at is None:
            raise DomainError(NOT_BUILT)
        row.status = SubjectAccessRequest.Status.RELEASED
        row.released_at = now
        row.released_by = acting_user
        full_clean_or_refuse(row)
        bump(row, "status", "released_at", "released_by")
        audit.record(
            actor=acting_user, action="release", at=now, person_id=row.person_id, obj=row,
            detail={"page": "subject access bundle"}, request=request,
        )  # fmt: skip
    return row
