"""Missing episodes on a "Missing children" flag, and the return interview."""

from datetime import datetime, timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from onestory.core.clock import LONDON, today_in_london
from onestory.core.idempotency import new_form_token
from onestory.pathways import actions
from onestory.pathways.models import MissingEpisode
from onestory.pathways.rules import Pathway
from onestory.people.models import ChronologyEntry
from onestory.workforce.rules import Role

from .factories import child, open_to, raise_flag

pytestmark = pytest.mark.django_db


def test_a_missing_episode_and_a_late_return_interview_show_on_the_flag(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    now = timezone.now()
    today = today_in_london(now)
    person = open_to(worker, child(), now=now)
    flag = raise_flag(
        worker, person, now=now, pathway=Pathway.MISSING, raised_on=today - timedelta(days=10)
    )
    went = today - timedelta(days=8)
    response = client.post(
        reverse("pathways:missing-add", args=[person.pk, flag.pk]),
        {
            "form_token": new_form_token(),
            "went_missing_on": went.strftime("%d/%m/%Y"),
            "went_missing_time": "21:30",
            "returned_on": (went + timedelta(days=1)).strftime("%d/%m/%Y"),
            "returned_time": "",
            "notes": "",
        },
    )
    assert response.status_code == 200
    assert "Enter the time the child returned." in unescape(response.content.decode())
    episode = actions.missing_episode_add(
        flag_id=flag.pk,
        went_missing_at=datetime.combine(went, datetime.min.time(), tzinfo=LONDON),
        returned_at=datetime.combine(went + timedelta(days=1), datetime.min.time(), tzinfo=LONDON),
        acting_user=worker,
        now=now,
    )
    assert ChronologyEntry.objects.filter(
        person=person, category="pathways", summary__startswith="Went missing at 00:00"
    ).exists()
    page = unescape(
        client.get(reverse("pathways:flag", args=[person.pk, flag.pk])).content.decode()
    )
    assert "Missing episodes" in page and "Late" in page
    assert reverse("pathways:missing-return", args=[person.pk, episode.pk]) in page


def test_missing_episodes_belong_on_a_missing_children_flag(client, sign_in):
    worker = sign_in(Role.EARLY_HELP)
    now = timezone.now()
    person = open_to(worker, child(), now=now)
    flag = raise_flag(worker, person, now=now, pathway=Pathway.CHANNEL)
    response = client.get(reverse("pathways:missing-add", args=[person.pk, flag.pk]))
    assert response.status_code == 302
    assert not MissingEpisode.objects.exists()
