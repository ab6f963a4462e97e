"""`onestory directory_reminders`: each owner of a stale service hears once per stale spell;
services with no owner are listed."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from onestory.access.models import Notification
from onestory.familyhubs.models import Service
from onestory.familyhubs.rules import STALE_AFTER
from onestory.familyhubs.tests.factories import ServiceFactory
from onestory.workforce.rules import Role
from onestory.workforce.tests.factories import worker_with_role

pytestmark = pytest.mark.django_db


def _remind() -> str:
    out = StringIO()
    call_command("directory_reminders", stdout=out)
    return out.getvalue()


def test_the_owner_of_a_stale_service_is_reminded_once_however_often_it_runs():
    owner = worker_with_role(Role.FAMILY_HUB)
    ServiceFactory(
        name="Toy library",
        organisation="Synthetic Toy Library",
        owner=owner,
        last_checked_on=timezone.localdate() - STALE_AFTER,
    )
    ServiceFactory(name="Fresh group", owner=owner)  # checked today

    first = _remind()
    second = _remind()

    notes = Notification.objects.filter(recipient=owner)
    assert notes.count() == 1
    assert "“Toy library”" in notes.get().message
    assert "Synthetic Toy Library" in notes.get().message
    assert "Owners reminded of a stale service: 1" in first
    assert "Owners reminded of a stale service: 0" in second


def test_a_service_checked_again_and_gone_stale_again_brings_a_new_reminder(client):
    owner = worker_with_role(Role.FAMILY_HUB)
    service = ServiceFactory(owner=owner, last_checked_on=date(2020, 1, 1))
    _remind()
    client.force_login(owner)
    client.post(reverse("familyhubs:service-checked", args=[service.pk]))
    _remind()
    assert Notification.objects.filter(recipient=owner).count() == 1

    Service.objects.filter(pk=service.pk).update(
        last_checked_on=timezone.localdate() - STALE_AFTER - timedelta(days=1)
    )
    _remind()

    assert Notification.objects.filter(recipient=owner).count() == 2


def test_services_with_no_owner_are_listed_and_nobody_is_told():
    ServiceFactory(name="Forgotten group", organisation="Synthetic Charity", last_checked_on=None)
    left = worker_with_role(Role.EARLY_HELP, is_active=False)
    ServiceFactory(name="Owner has left", owner=left, last_checked_on=date(2020, 1, 1))

    output = _remind()

    assert "Stale services with no owner to remind (2)" in output
    assert "- Forgotten group (Synthetic Charity)" in output
    assert "- Owner has left" in output
    assert not Notification.objects.exists()


def test_services_that_have_ended_are_not_reminded_of():
    owner = worker_with_role(Role.FAMILY_HUB)
    ServiceFactory(owner=owner, active=False, last_checked_on=date(2020, 1, 1))

    output = _remind()

    assert not Notification.objects.exists()
    assert "Stale services with no owner: none" in output
