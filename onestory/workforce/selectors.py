"""Reads for the workforce administration pages. Only system administrators reach them."""

from axes.models import AccessAttempt
from django.db.models import Exists, OuterRef, Sum
from django.http import Http404
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Team, Worker


def workers_list(*, team_id=None):
    """Every worker, with whether they have a confirmed second factor; optionally one team's."""
    workers = Worker.objects.select_related("team", "agency").annotate(
        has_second_factor=Exists(
            TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
        )
    )
    if team_id is not None:
        workers = workers.filter(team_id=team_id)
    return workers.order_by("last_name", "first_name", "username")


def worker_by_id(worker_id: int) -> Worker:
    worker = Worker.objects.select_related("team", "agency").filter(pk=worker_id).first()
    if worker is None:
        raise Http404("No worker found")
    return worker


def failed_sign_in_attempts(worker: Worker) -> int:
    """The failed sign-ins django-axes holds against this worker's username."""
    total = AccessAttempt.objects.filter(username=worker.username).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


def has_second_factor(worker: Worker) -> bool:
    """Whether the worker has set up an authenticator app."""
    return TOTPDevice.objects.filter(user=worker, confirmed=True).exists()


def teams_list():
    return Team.objects.select_related("agency", "manager").order_by("agency__name", "name")


def team_by_id(team_id) -> Team:
    team = Team.objects.select_related("agency", "manager").filter(pk=team_id).first()
    if team is None:
        raise Http404("No team found")
    return team


def team_members(team: Team, *, active_only: bool = True):
    members = Worker.objects.filter(team=team)
    if active_only:
        members = members.filter(is_active=True)
    return members.order_by("last_name", "first_name", "username")
