"""The person's chronology: "Summary (significant events)" beside "Everything"."""

import pytest
from django.urls import reverse

from onestory.workforce.rules import Role

from .factories import child_of, submitted_note

pytestmark = pytest.mark.django_db


def test_the_summary_shows_only_significant_events(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child = child_of(worker)
    submitted_note(worker, [child], text="Disclosure at school", significant=True)
    submitted_note(worker, [child], text="Routine visit, all well", significant=False)
    url = reverse("people:person-chronology", args=[child.pk])
    everything = client.get(url).content.decode()
    summary = client.get(url, {"view": "summary"}).content.decode()
    assert "Disclosure at school" in everything and "Routine visit" in everything
    assert "Disclosure at school" in summary and "Routine visit" not in summary


def test_the_person_page_shows_the_latest_case_notes_and_the_buttons_to_add_one(client, sign_in):
    manager = sign_in(Role.TEAM_MANAGER)
    child = child_of(manager)
    submitted_note(manager, [child], text="Home visit with the family")
    body = client.get(reverse("people:person", args=[child.pk])).content.decode()
    assert "Home visit with the family" in body
    assert "Add a case note" in body and "Add management oversight" in body
    assert reverse("recording:person-notes", args=[child.pk]) in body
