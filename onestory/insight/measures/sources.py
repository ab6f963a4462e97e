"""Where each measure's data comes from, and the first day it covers: a period that ends before
it has "no data" (not zero); one that begins before it, or before the day the council's records
are complete from (RecordsCoverage), is marked as counted from records that are not complete."""

from django.db.models import Min

from onestory.access.models import Allocation
from onestory.earlyhelp.models import Assessment as EarlyHelpAssessment
from onestory.familyhubs.models import Attendance
from onestory.frontdoor.models import Contact, Referral
from onestory.socialcare.models import (
    Assessment,
    CareLeaverContact,
    CarePeriod,
    ChildInNeedPlan,
    ChildProtectionPlan,
    Section47Enquiry,
)

from ..models import CaseAudit, RecordsCoverage

# key: (model, the field holding the day each record began)
SOURCES = {
    "contacts": (Contact, "received_at"),
    "referrals": (Referral, "referral_date"),
    "assessments": (Assessment, "started_on"),
    "cin_plans": (ChildInNeedPlan, "starts_on"),
    "cp_plans": (ChildProtectionPlan, "starts_on"),
    "section47": (Section47Enquiry, "starts_on"),
    "care": (CarePeriod, "starts_on"),
    "care_leavers": (CareLeaverContact, "contact_on"),
    "early_help": (EarlyHelpAssessment, "started_at"),
    "allocations": (Allocation, "starts_at"),
    "case_audits": (CaseAudit, "due_on"),
    # Attendance at a family hub session, on the day the session began.
    "family_hubs": (Attendance, "session__starts_at"),
}


def first_day(source: str):
    """The first day the source has a record for, or None when it has none."""
    model, day_field = SOURCES[source]
    first = model.objects.aggregate(first=Min(day_field))["first"]
    return first.date() if hasattr(first, "date") else first


def complete_from():
    """The day the council says its records are complete from, or None when it has not said."""
    return RecordsCoverage.objects.values_list("complete_from", flat=True).first()
