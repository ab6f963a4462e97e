"""Consent to share: partners see a record only while consent covers their agency."""

import datetime

import pytest
from django.utils import timezone

from onestory.access import actions
from onestory.access.models import AuditEvent, Consent
from onestory.access.selectors import visible_to
from onestory.access.tests.factories import AllocationFactory, ConsentFactory
from onestory.core.errors import DomainError
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def setting():
    """A lead professional with an allocated child, and staff in two partner agencies."""
    lead = worker_with_role(Role.EARLY_HELP)
    child = AllocationFactory(worker=lead).person
    school = worker_with_role(Role.PARTNER, agency_name="Synthetic Primary School")
    health = worker_with_role(Role.PARTNER, agency_name="Synthetic Health Visiting")
    return lead, child, school, health


def sees(worker, person, at) -> bool:
    return visible_to(worker, now=at).filter(pk=person.pk).exists()


def record(lead, child, status, agencies, now, **kwargs):
    defaults = {
        "given_by": "Mother",
        "purposes": ["early_help"],
        "valid_from": now,
        "valid_to": None,
    }
    return actions.record_consent(
        person_id=child.pk,
        status=status,
        agencies=agencies,
        acting_user=lead,
        now=now,
        **{**defaults, **kwargs},
    )


def test_given_consent_lets_the_partner_agencies_named_see_the_record(now, setting):
    lead, child, school, health = setting
    assert not sees(school, child, now)

    record(lead, child, "given", [school.agency], now)

    assert sees(school, child, now)
    assert not sees(health, child, now)
    event = AuditEvent.objects.get(action="consent")
    assert event.detail["status"] == "given"
    assert event.detail["agencies"] == ["Synthetic Primary School"]


def test_withdrawing_consent_ends_the_partners_access_at_once(now, setting):
    lead, child, school, health = setting
    record(lead, child, "given", [school.agency, health.agency], now - datetime.timedelta(days=9))

    record(lead, child, "withdrawn", [school.agency], now, purposes=[])

    assert not sees(school, child, now)
    assert sees(health, child, now)  # carried on for the agency still covered


def test_a_refusal_records_who_refused_and_opens_nothing(now, setting):
    lead, child, school, _ = setting

    consent = record(lead, child, "refused", [school.agency], now, given_by="Father", purposes=[])

    assert consent.status == Consent.Status.REFUSED and consent.given_by == "Father"
    assert not sees(school, child, now)


def test_consent_runs_between_its_dates(now, setting):
    lead, child, school, _ = setting
    record(
        lead,
        child,
        "given",
        [school.agency],
        now,
        valid_from=now + datetime.timedelta(days=1),
        valid_to=now + datetime.timedelta(days=5),
    )

    assert not sees(school, child, now)
    assert sees(school, child, now + datetime.timedelta(days=2))
    assert not sees(school, child, now + datetime.timedelta(days=6))


@pytest.mark.parametrize(
    "change, field",
    [
        ({"agencies": []}, "agencies"),
        ({"given_by": " "}, "given_by"),
        ({"purposes": []}, "purposes"),
        ({"purposes": ["selling"]}, "purposes"),
    ],
)
def test_consent_given_needs_who_which_agencies_and_what_for(now, setting, change, field):
    lead, child, school, _ = setting
    arguments = {"agencies": [school.agency], **change}
    with pytest.raises(DomainError) as refusal:
        record(lead, child, "given", now=now, **arguments)
    assert refusal.value.field == field


def test_consent_can_only_be_recorded_for_a_record_the_worker_can_open(now, setting):
    _, child, school, _ = setting
    stranger = worker_with_role(Role.SOCIAL_WORKER)
    with pytest.raises(DomainError):
        record(stranger, child, "given", [school.agency], now)


def test_the_consent_page_records_consent_and_lists_it(client, setting):
    lead, child, school, _ = setting
    client.force_login(lead)
    page = client.get(f"/people/{child.pk}/consent/").content.decode()
    assert "No consent has been recorded" in page and "Synthetic Primary School" in page

    response = client.post(
        f"/people/{child.pk}/consent/",
        {
            "status": "given",
            "given_by": "Mother",
            "agencies": [school.agency_id],
            "purposes": ["early_help", "education"],
            "valid_from": "",
            "valid_to": "",
        },
        follow=True,
    )

    body = response.content.decode()
    assert "Consent has been recorded." in body
    assert "Education and attendance" in body
    assert sees(school, child, timezone.now())


def test_the_consent_page_shows_errors_and_keeps_what_was_typed(client, setting):
    lead, child, _, _ = setting
    client.force_login(lead)

    response = client.post(
        f"/people/{child.pk}/consent/",
        {
            "status": "given",
            "given_by": "Grandmother",
            "agencies": [],
            "purposes": ["health"],
        },
    )

    body = response.content.decode()
    assert "There is a problem" in body and "Choose at least one agency" in body
    assert 'value="Grandmother"' in body
    assert 'value="health" checked' in body and 'value="given" checked' in body


def test_the_consent_page_is_not_found_for_partners(client, setting):
    _, child, school, _ = setting
    ConsentFactory(person=child, agencies=[school.agency])
    client.force_login(school)
    assert client.get(f"/people/{child.pk}/consent/").status_code == 404
