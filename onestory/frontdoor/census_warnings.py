"""Warnings shown as soon as a decision refers children to social care, when what the record
holds about a child will make the children in need census reject or query their referral
(census_checks). The decision stands either way: the warning says how to put the record right.
"""

from django.contrib import messages

from . import census_checks
from .models import Referral


def after_referrals(contact) -> list:
    """What the census will say about each child this contact referred (none until the
    decision takes effect)."""
    findings = []
    referrals = Referral.objects.filter(contact=contact).select_related("person")
    for referral in referrals.order_by("person__family_name", "person__given_name"):
        child = referral.person
        for finding in census_checks.referred_child(
            referral_date=referral.referral_date,
            born_on=child.date_of_birth,
            expected_on=child.expected_date_of_birth,
            upn=child.upn,
            further_action=not referral.no_further_action,
        ):
            # Several children may be referred at once: say which one.
            message = finding.message.replace(
                "Children in need census:", f"Children in need census, {child.full_name}:", 1
            )
            findings.append(finding._replace(message=message))
    return findings


def show(request, findings) -> list:
    """Add each finding as a warning for the next page; hand the findings back."""
    for finding in findings:
        messages.warning(request, finding.message)
    return list(findings)
