"""The letter pages as practitioners and managers use them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from onestory.access.models import AuditEvent
from onestory.documents.default_templates import load_default_templates
from onestory.documents.models import Letter, LetterTemplate
from onestory.workforce.rules import Role

from . import factories_letters as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(sign_in):
    now = timezone.now() - timedelta(minutes=5)
    load_default_templates(now=now)
    worker = sign_in(Role.SOCIAL_WORKER, first_name="Sam", last_name="Okoro")
    return f.marked_family(now=now, worker=worker)


def test_a_worker_produces_an_invitation_for_each_parent(client, family):
    url = reverse("documents:letter-produce", args=[family.child.pk])
    page = client.get(url, {"about": f"conference:{family.conference.pk}"})
    assert page.status_code == 200
    assert escape(family.father.full_name) in page.content.decode()
    invitation = LetterTemplate.objects.get(kind="conference_invitation")
    response = client.post(
        url,
        {
            "template": str(invitation.pk),
            "about": f"conference:{family.conference.pk}",
            "recipients": [f"person:{family.mother.pk}", f"person:{family.father.pk}"],
        },
    )
    assert response.status_code == 302
    father = Letter.objects.get(recipient_person=family.father)
    assert f.REFUGE not in father.html
    detail = client.get(reverse("documents:letter", args=[father.pk]))
    assert "a colleague must approve it" in detail.content.decode()
    document = client.get(reverse("documents:letter-document", args=[father.pk]))
    assert f.REFUGE not in document.content.decode()
    pdf = client.get(reverse("documents:letter-pdf", args=[father.pk]))
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert AuditEvent.objects.filter(action="download", object_id=str(father.pk)).exists()


def test_producing_without_a_recipient_says_what_to_do(client, family):
    url = reverse("documents:letter-produce", args=[family.child.pk])
    invitation = LetterTemplate.objects.get(kind="conference_invitation")
    response = client.post(
        url, {"template": str(invitation.pk), "about": f"conference:{family.conference.pk}"}
    )
    assert response.status_code == 200
    assert "Choose at least one person to send it to." in response.content.decode()


def test_a_manager_sees_the_unknown_field_named_when_saving_a_template(client, sign_in):
    sign_in(Role.TEAM_MANAGER)
    response = client.post(
        reverse("documents:template-create"),
        {"name": "Bad", "kind": "other", "recipient_kinds": ["parent"],
         "body": "Dear {{ recipient.nickname }}", "active": "on"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "{{ recipient.nickname }}" in response.content.decode()
    assert not LetterTemplate.objects.filter(name="Bad").exists()


def test_a_social_worker_cannot_reach_the_templates(client, sign_in):
    sign_in(Role.SOCIAL_WORKER)
    assert client.get(reverse("documents:template-list")).status_code == 404
