"""The family hub practitioner's demo sign-in: on the staff of this week's sessions."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from onestory.core.clock import today_in_london
from onestory.familyhubs.models import Booking, Session
from onestory.synthetic.demo import DEMO_PASSWORD
from onestory.synthetic.familyhubs import DEMO_HUB, demo_sessions
from onestory.workforce.models import Team, Worker
from onestory.workforce.rules import Role

from .conftest import after_reference_date

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_town")]


def _week(now):
    today = today_in_london(now)
    monday = today - timedelta(days=today.weekday())
    return Session.objects.filter(
        starts_at__date__gte=monday, starts_at__date__lt=monday + timedelta(days=7)
    )


def test_the_family_hub_practitioner_signs_in_and_works_in_a_family_hub_team():
    user = authenticate(
        request=RequestFactory().post("/"), username="familyhub", password=DEMO_PASSWORD
    )
    assert user is not None and user.role == Role.FAMILY_HUB
    assert user.team.kind == Team.Kind.FAMILY_HUB


def test_the_family_hub_practitioner_runs_this_week_s_sessions_at_their_hub():
    worker = Worker.objects.get(username="familyhub")
    now = after_reference_date()
    week, today = demo_sessions(worker, now=now)
    assert week > 0
    mine = _week(now).filter(staff=worker)
    assert mine.count() == week
    assert {s.site.name for s in mine} & {DEMO_HUB.name} or all(
        s.site.hub and s.site.hub.name == DEMO_HUB.name for s in mine
    )


def test_long_after_the_reference_date_the_hub_s_last_week_runs_again_with_its_families():
    worker = Worker.objects.get(username="familyhub")
    later = datetime(2027, 6, 9, 9, 0, tzinfo=UTC)  # a Wednesday, past the generated timetable
    assert not _week(later).exists()
    week, today = demo_sessions(worker, now=later)
    assert week > 0 and today >= 0
    sessions = _week(later).filter(staff=worker)
    assert sessions.count() == week
    booked = Booking.objects.filter(session__in=sessions, cancelled_at__isnull=True)
    for session in sessions:
        assert session.bookings.count() <= session.capacity
    assert booked.exists()
    # Running it again adds nothing.
    assert demo_sessions(worker, now=later) == (week, today)
    assert _week(later).count() == week or _week(later).count() >= week
