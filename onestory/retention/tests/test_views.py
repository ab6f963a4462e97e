import pytest
from django.urls import reverse
from django.utils.html import escape

from onestory.access.models import AuditEvent
from onestory.earlyhelp.models import Episode
from onestory.people.tests.factories import PersonFactory
from onestory.retention.models import LegalHold, RetentionRule
from onestory.workforce.rules import Role

from .factories import old_closed_episode

pytestmark = pytest.mark.django_db


def officer_urls(person, hold, rule):
    return [
        reverse("retention:schedule"),
        reverse("retention:holds"),
        reverse("retention:rules"),
        reverse("retention:rule-edit", args=[rule.pk]),
        reverse("retention:hold-place", args=[person.pk]),
        reverse("retention:hold-lift", args=[hold.pk]),
        reverse("retention:dispose") + "?record_class=early_help&record_id=" + str(person.pk),
    ]


@pytest.mark.parametrize(
    "role", [Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.ANALYST, Role.ADMIN, Role.FRONT_DOOR]
)
def test_nobody_but_the_data_protection_officer_reaches_retention(client, sign_in, role):
    person = PersonFactory()
    officer = sign_in(Role.DATA_PROTECTION_OFFICER)
    hold = LegalHold.objects.create(person=person, reason="inquiry", details="Inquiry hold",
                                    placed_by=officer, placed_at=person.created_at)  # fmt: skip
    rule = RetentionRule.objects.get(record_class="early_help")
    sign_in(role)
    for url in officer_urls(person, hold, rule):
        assert client.get(url).status_code == 404, url
        assert client.post(url).status_code == 404, url
    assert LegalHold.objects.filter(lifted_at__isnull=True).count() == 1


def test_the_officer_holds_a_person_from_the_schedule_and_their_record_leaves_it(client, sign_in):
    episode = old_closed_episode()
    child = episode.members.first().person
    sign_in(Role.DATA_PROTECTION_OFFICER)
    page = client.get(reverse("retention:schedule")).content.decode()
    assert str(episode.pk) in page and escape(child.family_name) not in page

    url = reverse("retention:hold-place", args=[child.pk])
    typed = {"reason": "litigation", "details": "short", "form_token": "t1"}
    again = client.post(url, typed).content.decode()
    assert "at least 10 characters" in again and "short</textarea>" in again

    answer = client.post(url, {**typed, "details": "Claim CL-2026-001 by the family"})
    assert answer.status_code == 302
    assert str(episode.pk) not in client.get(reverse("retention:schedule")).content.decode()


def test_the_officer_disposes_of_a_record_after_confirming(client, sign_in):
    episode = old_closed_episode()
    officer = sign_in(Role.DATA_PROTECTION_OFFICER)
    url = reverse("retention:dispose")
    fields = {"record_class": "early_help", "record_id": str(episode.pk)}
    assert "Dispose of the record" in client.get(url, fields).content.decode()
    assert Episode.objects.filter(pk=episode.pk).exists()  # looking changes nothing

    assert client.post(url, fields).status_code == 302
    assert not Episode.objects.filter(pk=episode.pk).exists()
    assert AuditEvent.objects.filter(actor=officer, action="delete").count() == 1
    assert client.post(url, fields).status_code == 302  # a second submit changes nothing more


def test_a_disposal_of_a_held_record_through_the_page_is_refused(client, sign_in):
    episode = old_closed_episode()
    officer = sign_in(Role.DATA_PROTECTION_OFFICER)
    LegalHold.objects.create(person=episode.members.first().person, reason="embargo",
                             details="IICSA embargo", placed_by=officer,
                             placed_at=episode.closed_at)  # fmt: skip
    fields = {"record_class": "early_help", "record_id": str(episode.pk)}
    answer = client.post(reverse("retention:dispose"), fields)
    assert answer.status_code == 409 and "legal hold" in answer.content.decode()
    assert Episode.objects.filter(pk=episode.pk).exists()


def test_the_officer_changes_a_rule_and_a_stale_form_is_refused(client, sign_in):
    sign_in(Role.DATA_PROTECTION_OFFICER)
    rule = RetentionRule.objects.get(record_class="front_door_contact")
    url = reverse("retention:rule-edit", args=[rule.pk])
    data = {"version": rule.version, "trigger": "closure", "years": 4, "source": "Decision 7"}
    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "years": 5}).content.decode()
    assert "Someone else changed this retention rule" in stale and 'value="5"' in stale
    rule.refresh_from_db()
    assert rule.years == 4
