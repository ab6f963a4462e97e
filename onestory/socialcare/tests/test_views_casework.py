"""Casework pages: who may open them, the story so far kept on a stale save, the allocation
warning before a worker passes the limit, moving a case, and the person page's aside."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from onestory.access.models import Allocation, AuditEvent
from onestory.core.clock import today_in_london
from onestory.socialcare.models import CaseloadLimit, Handover, StorySoFar
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

from .factories import referred_child
from .factories_casework import give_children, team_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.TEAM_MANAGER])
def test_social_workers_and_managers_open_the_childs_page_and_it_is_audited(client, sign_in, role):
    user = sign_in(role)
    child, _ = referred_child(user, now=timezone.now())
    response = client.get(reverse("socialcare:child", args=[child.pk]))
    assert response.status_code == 200
    assert escape(child.full_name) in response.content.decode()
    assert AuditEvent.objects.filter(actor=user, action="view", person_id=child.pk).exists()


@pytest.mark.parametrize("role", [Role.PARTNER, Role.ANALYST, Role.EARLY_HELP, Role.FRONT_DOOR])
def test_other_roles_get_404_on_the_childs_pages(client, sign_in, role):
    user = sign_in(role)
    child, _ = referred_child(worker_with_role(Role.SOCIAL_WORKER), now=timezone.now())
    Allocation.objects.create(person=child, worker=user, starts_at=timezone.now())
    for name in ("child", "story-edit", "allocate", "move-case"):
        assert client.get(reverse(f"socialcare:{name}", args=[child.pk])).status_code == 404


def test_a_social_worker_who_cannot_open_the_child_gets_404(client, sign_in):
    sign_in(Role.SOCIAL_WORKER)
    child, _ = referred_child(worker_with_role(Role.SOCIAL_WORKER), now=timezone.now())
    assert client.get(reverse("socialcare:child", args=[child.pk])).status_code == 404
    assert client.get(reverse("socialcare:story-edit", args=[child.pk])).status_code == 404


def test_a_social_worker_cannot_allocate_or_move_a_case(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, _ = referred_child(worker, now=timezone.now())
    assert client.get(reverse("socialcare:allocate", args=[child.pk])).status_code == 404
    assert client.get(reverse("socialcare:move-case", args=[child.pk])).status_code == 404


def test_the_second_saver_of_the_story_is_refused_with_their_text_kept(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, _ = referred_child(worker, now=timezone.now())
    url = reverse("socialcare:story-edit", args=[child.pk])
    assert client.post(url, {"version": 0, "text": "First story"}).status_code == 302
    response = client.post(url, {"version": 0, "text": "My careful rewrite"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed this story so far" in page
    assert "My careful rewrite" in page
    assert StorySoFar.objects.get(person=child).text == "First story"
    page = client.get(reverse("socialcare:child", args=[child.pk])).content.decode()
    assert "First story" in page and f"Updated by {worker.get_full_name()}" in page


def test_allocation_warns_before_the_worker_goes_over_the_limit(client, sign_in):
    now = timezone.now()
    manager = sign_in(Role.TEAM_MANAGER)
    (worker,) = team_of(manager)
    CaseloadLimit.objects.create(limit=Decimal("1"), valid_from=today_in_london(now))
    give_children(worker, 1, now=now)
    child, _ = referred_child(None, now=now, team=manager.team)
    url = reverse("socialcare:allocate", args=[child.pk])
    response = client.get(url)
    before = {c["worker"].pk: c for c in response.context["choices"]}
    assert (before[worker.pk]["before"], before[worker.pk]["after"]) == (1.0, 2.0)
    assert before[worker.pk]["status"] == "over"  # warned before choosing
    token = response.context["form"].initial["form_token"]

    response = client.post(url, {"form_token": token, "worker": worker.pk})

    assert response.status_code == 200
    page = response.content.decode()
    assert "over their caseload limit" in page
    assert "Over the limit" in page and "<strong>1</strong> now" in page
    assert "<strong>2</strong> with this child" in page
    assert not Allocation.objects.filter(person=child, worker=worker).exists()

    response = client.post(url, {"form_token": token, "worker": worker.pk, "allocate_anyway": "on"})
    assert response.status_code == 302
    assert Allocation.objects.filter(person=child, worker=worker, ends_at=None).exists()


def test_moving_a_case_offers_a_drafted_handover_and_records_it(client, sign_in):
    now = timezone.now()
    manager = sign_in(Role.TEAM_MANAGER)
    old, new = team_of(manager, 2)
    child, _ = referred_child(old, now=now)
    StorySoFar.objects.create(
        person=child, text="Kofi is 9 and lives with his gran.", updated_by=old
    )
    url = reverse("socialcare:move-case", args=[child.pk])
    response = client.get(url)
    form = response.context["form"]
    assert "Kofi is 9" in form.initial["summary"]
    assert old.pk not in [w.pk for w in form.fields["worker"].queryset]

    response = client.post(
        url,
        {
            "form_token": form.initial["form_token"],
            "worker": new.pk,
            "reason": "ABSENC",
            "summary": form.initial["summary"] + "\nVisit on Friday.",
        },
    )
    assert response.status_code == 302
    assert Handover.objects.get(person=child).to_worker == new
    page = client.get(reverse("socialcare:child", args=[child.pk])).content.decode()
    assert escape(new.get_full_name()) in page


def test_the_person_page_shows_social_care_only_to_social_workers_and_managers(client, sign_in):
    worker = sign_in(Role.SOCIAL_WORKER)
    child, _ = referred_child(worker, now=timezone.now())
    page = client.get(reverse("people:person", args=[child.pk])).content.decode()
    assert reverse("socialcare:child", args=[child.pk]) in page
    assert "1 social worker in the last 12 months" in page


def test_the_settings_page_saves_new_dated_rows(client, sign_in):
    now = timezone.now()
    manager = sign_in(Role.TEAM_MANAGER)
    url = reverse("socialcare:caseload-settings")
    initial = client.get(url).context["form"].initial
    data = dict(initial)
    data["valid_from"] = today_in_london(now).strftime("%d/%m/%Y")
    data["limit"] = "15"
    response = client.post(url, data)
    assert response.status_code == 302
    assert CaseloadLimit.objects.filter(team=manager.team, limit=Decimal("15")).exists()
    assert manager.team.name in client.get(url).content.decode()  # the history shows the row


def test_the_person_page_hides_social_care_from_other_roles(client, sign_in):
    practitioner = sign_in(Role.EARLY_HELP)
    child, _ = referred_child(worker_with_role(Role.SOCIAL_WORKER), now=timezone.now())
    Allocation.objects.create(person=child, worker=practitioner, starts_at=timezone.now())
    response = client.get(reverse("people:person", args=[child.pk]))
    assert response.status_code == 200
    assert reverse("socialcare:child", args=[child.pk]) not in response.content.decode()
