"""A request for support arrives: saved first, then matched against the record."""

import logging
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from onestory.access.models import Notification
from onestory.core.idempotency import once_per_form
from onestory.people import matching
from onestory.workforce.models import Team, Worker
from onestory.workforce.rules import Role

from .. import rules
from ..models import (
    Contact,
    ContactPerson,
)
from .common import (
    INTAKE_MATCHES_KEPT,
    ContactRefused,
    _audit,
    _holidays_around,
    new_reference,
)

log = logging.getLogger(__name__)


# --- A request for support arrives ----------------------------------------------------------


@once_per_form(Contact)
def contact_submit(
    *,
    channel: str,
    referrer_name: str,
    referrer_job_title: str = "",
    referrer_agency=None,
    referrer_agency_name: str = "",
    referrer_contact: str,
    referral_source: str = "",
    what_happened: str,
    family_knows: str = "",
    consent: str,
    consent_explanation: str = "",
    immediate_danger: bool = False,
    people: list[dict],
    acting_user,
    now: datetime,
    request=None,
) -> Contact:
    """Save a request for support as it arrived, before anything else happens to it.

    Matching the people named against the record runs after the save has committed; if it fails,
    the contact stays in the queue marked for attention. A form submitted twice with the same
    `form_token` makes one contact.
    """
    problems = rules.request_problems(
        people=[
            rules.NamedPerson(p.get("role", ""), p.get("given_name", ""), p.get("family_name", ""))
            for p in people
        ],
        what_happened=what_happened,
        consent=consent,
        consent_explanation=consent_explanation,
        immediate_danger=immediate_danger,
        referrer_contact=referrer_contact,
    )
    if not referrer_name.strip():
        problems["referrer_name"] = "Enter the name of the person who is worried."
    if problems:
        raise ContactRefused(problems)
    is_partner = acting_user.role == Role.PARTNER
    if is_partner:
        referrer_agency = acting_user.agency
    source = referral_source or rules.referral_source_for(
        referrer_agency.kind if referrer_agency else None
    )
    if source not in rules.REFERRAL_SOURCES:
        raise ContactRefused({"referral_source": "Choose who the request came from."})
    contact = Contact.objects.create(
        reference=new_reference(),
        received_at=now,
        channel=channel,
        recorded_by=acting_user,
        referrer_worker=acting_user if is_partner else None,
        referrer_name=referrer_name.strip(),
        referrer_job_title=referrer_job_title.strip(),
        referrer_agency=referrer_agency,
        referrer_agency_name=referrer_agency_name.strip(),
        referrer_contact=referrer_contact.strip(),
        referral_source=source,
        what_happened=what_happened.strip(),
        family_knows=family_knows.strip(),
        consent=consent,
        consent_explanation=consent_explanation.strip(),
        immediate_danger=immediate_danger,
        due_at=rules.decision_due_at(
            now, immediate_danger=immediate_danger, holidays=_holidays_around(now)
        ),
    )
    ContactPerson.objects.bulk_create(
        [
            ContactPerson(
                contact=contact,
                position=index,
                role=p.get("role", ContactPerson.Role.CHILD),
                given_name=(p.get("given_name") or "").strip(),
                family_name=(p.get("family_name") or "").strip(),
                date_of_birth=p.get("date_of_birth"),
                address=(p.get("address") or "").strip(),
                postcode=(p.get("postcode") or "").strip().upper(),
                nhs_number=(p.get("nhs_number") or "").replace(" ", ""),
                upn=(p.get("upn") or "").replace(" ", "").upper(),
                relationship_to_child=(p.get("relationship_to_child") or "").strip(),
            )
            for index, p in enumerate(people)
        ]
    )
    _audit(
        contact,
        "create",
        acting_user=acting_user,
        now=now,
        request=request,
        detail={"people_named": len(people), "immediate_danger": immediate_danger},
    )
    if immediate_danger:
        _notify_front_door(
            f"Immediate danger: contact {contact.reference} needs a decision and a strategy "
            "discussion today.",
        )
    contact_id = contact.pk
    transaction.on_commit(lambda: match_at_intake(contact_id))
    return contact


def _notify_front_door(message: str) -> None:
    workers = Worker.objects.filter(
        Q(role=Role.FRONT_DOOR) | Q(managed_teams__kind=Team.Kind.FRONT_DOOR), is_active=True
    ).distinct()
    Notification.objects.bulk_create([Notification(recipient=w, message=message) for w in workers])


def match_at_intake(contact_id) -> None:
    """Look for each named person in the record and keep the best matches (ids and scores).

    Never raises: a failure leaves the contact in the queue, marked for attention, so that a
    screener matches the people by hand.
    """
    try:
        with transaction.atomic():
            for named in ContactPerson.objects.filter(contact_id=contact_id, person__isnull=True):
                found = matching.search(
                    matching.prepare_query(
                        given_name=named.given_name,
                        family_name=named.family_name,
                        date_of_birth=named.date_of_birth,
                        postcode=named.postcode,
                        nhs_number=named.nhs_number,
                        upn=named.upn,
                    ),
                    limit=INTAKE_MATCHES_KEPT,
                )
                named.suggestions = [
                    {"person_id": str(r.person_id), "score": r.match.score, "band": r.match.band}
                    for r in found
                ]
                named.save(update_fields=["suggestions", "updated_at"])
    except Exception:
        # The contact itself is safe; say so in the queue. The log holds no personal details.
        log.exception("Matching at intake failed for contact %s", contact_id)
        Contact.objects.filter(pk=contact_id).update(
            needs_attention="Matching at intake failed: match the people named by hand."
        )
