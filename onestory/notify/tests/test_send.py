"""Prompts by e-mail and text: only to the record's own addresses, no case content, sent once
the transaction commits, through GOV.UK Notify (mocked at its HTTP boundary) or the console."""

import json
import logging
import uuid
from datetime import UTC, datetime

import pytest
import responses
from django.test import override_settings

from onestory.access.models import AuditEvent
from onestory.core.errors import DomainError
from onestory.notify import actions
from onestory.notify.backends import mask
from onestory.notify.models import Message
from onestory.notify.prompts import PROMPTS
from onestory.people.tests.factories import PersonFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 2, 10, tzinfo=UTC)
NOTIFY = "https://api.notifications.service.gov.uk/v2/notifications"
KEY = f"test-{uuid.uuid4()}-{uuid.uuid4()}"
TEMPLATES = {
    "ONESTORY_NOTIFY_API_KEY": KEY,
    "ONESTORY_NOTIFY_EMAIL_TEMPLATE_ID": str(uuid.uuid4()),
    "ONESTORY_NOTIFY_SMS_TEMPLATE_ID": str(uuid.uuid4()),
}


@pytest.fixture
def worker():
    return worker_with_role(Role.SOCIAL_WORKER)


def test_a_person_gets_the_prompt_at_the_email_and_mobile_on_their_record(
    worker, django_capture_on_commit_callbacks
):
    person = PersonFactory(email="grace@example.org", mobile="07700900123")
    with override_settings(**TEMPLATES), responses.RequestsMock() as http:
        http.post(f"{NOTIFY}/email", json={"id": "email-1"}, status=201)
        http.post(f"{NOTIFY}/sms", json={"id": "sms-1"}, status=201)
        with django_capture_on_commit_callbacks(execute=True):
            sent = actions.send(
                to_person=person, prompt="document_ready", acting_user=worker, now=NOW
            )
            assert len(http.calls) == 0, "nothing leaves before the commit"
        bodies = [json.loads(call.request.body) for call in http.calls]
    assert {b.get("email_address") or b.get("phone_number") for b in bodies} == {
        "grace@example.org",
        "07700900123",
    }
    for body in bodies:
        assert body["personalisation"] == {"message": PROMPTS["document_ready"]}
        assert person.given_name not in json.dumps(body["personalisation"])
    assert sorted(m.channel for m in sent) == ["email", "sms"]
    stored = Message.objects.filter(to_person=person)
    assert {m.status for m in stored} == {Message.Status.SENT}
    assert {m.provider_reference for m in stored} == {"email-1", "sms-1"}
    assert AuditEvent.objects.filter(action="notify", person_id=person.pk).count() == 2


def test_nobody_is_written_to_without_an_address_on_the_record(worker):
    sent = actions.send(
        to_person=PersonFactory(), prompt="document_ready", acting_user=worker, now=NOW
    )
    assert sent == []
    assert not Message.objects.exists()


def test_only_the_services_own_prompts_can_be_sent(worker):
    with pytest.raises(DomainError):
        actions.send(
            to_person=PersonFactory(email="a@example.org"),
            prompt="Your child Amara's conference is on Monday",
            acting_user=worker,
            now=NOW,
        )


def test_a_failure_at_notify_is_recorded_on_the_message(worker, django_capture_on_commit_callbacks):
    colleague = worker_with_role(Role.TEAM_MANAGER, email="manager@example.org")
    with override_settings(**TEMPLATES), responses.RequestsMock() as http:
        http.post(f"{NOTIFY}/email", json={"errors": [{"error": "BadRequestError"}]}, status=400)
        with django_capture_on_commit_callbacks(execute=True):
            [message] = actions.send(
                to_user=colleague, prompt="sign_in_to_read", acting_user=worker, now=NOW
            )
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert message.error


def test_without_a_key_the_console_logs_only_the_prompt_and_a_masked_address(
    worker, django_capture_on_commit_callbacks, caplog
):
    person = PersonFactory(email="grace.okafor@example.org")
    with (
        override_settings(ONESTORY_NOTIFY_API_KEY=""),
        caplog.at_level(logging.INFO),
        django_capture_on_commit_callbacks(execute=True),
    ):
        actions.send(to_person=person, prompt="document_ready", acting_user=worker, now=NOW)
    assert "document_ready" in caplog.text
    assert "grace" not in caplog.text.lower()
    assert "okafor" not in caplog.text.lower()
    assert Message.objects.get(to_person=person).status == Message.Status.SENT


def test_addresses_are_masked():
    assert mask("sam.jones@example.org") == "s***@***.org"
    assert mask("07700900123") == "*******0123"
