"""Every write to the workforce: workers, their teams and roles, and their sign-in lockouts.

Each action runs in one transaction and writes its audit row inside it. Time comes in as `now`.
The audit row names the fields changed, never their values.
"""

from datetime import datetime

from axes.utils import reset as reset_sign_in_attempts
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from onestory.access import audit
from onestory.core.errors import DetailsRefused, StaleEdit, full_clean_or_refuse
from onestory.core.idempotency import once_per_form

from .models import Agency, Team, Worker
from .rules import Role

TEAM_NOT_IN_AGENCY = (
    "The team you chose belongs to a different agency. Choose a team in the worker's agency, "
    "or change the agency."
)
CANNOT_DEACTIVATE_YOURSELF = (
    "You cannot deactivate your own account. Ask another system administrator to do it."
)
LAST_ADMINISTRATOR = (
    "This is the last active system administrator. Make another worker a system administrator "
    "first, so that someone can still manage the workforce."
)
MANAGER_NOT_IN_TEAM = "Choose a manager who is a member of this team."
MANAGER_NOT_ACTIVE = "Choose a manager whose account is active."
TEAM_NAME_TAKEN = "Another team in this agency already has that name. Choose a different name."
USERNAME_TAKEN = "Another worker already has that username. Choose a different one."

WORKER_CHANGEABLE = ("role", "team", "agency", "is_agency_staff", "is_active")
TEAM_CHANGEABLE = ("name", "manager")


class WorkforceRefused(DetailsRefused):
    """One or more details break a rule; `problems` maps each field to its message."""


def _full_clean(instance, **kwargs) -> None:
    full_clean_or_refuse(instance, WorkforceRefused, **kwargs)


def _check_team_in_agency(*, team: Team | None, agency: Agency | None) -> None:
    if team is not None and (agency is None or team.agency_id != agency.pk):
        raise WorkforceRefused({"team": TEAM_NOT_IN_AGENCY})


# --- Workers --------------------------------------------------------------------------------


@once_per_form(Worker)
def worker_create(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str = "",
    agency: Agency,
    team: Team | None,
    role: Role | str,
    job_title: str = "",
    is_agency_staff: bool = False,
    acting_user,
    now: datetime,
    request=None,
) -> Worker:
    """Add a worker who cannot yet sign in: their password is unusable until one is set.

    The administrator sets it with `onestory changepassword <username>` and tells the worker
    by another route, so no password travels through this service's forms.
    """
    username = username.strip()
    _check_team_in_agency(team=team, agency=agency)
    if Worker.objects.filter(username__iexact=username).exists():
        raise WorkforceRefused({"username": USERNAME_TAKEN})
    worker = Worker(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        agency=agency,
        team=team,
        role=Role(role).value,
        job_title=job_title.strip(),
        is_agency_staff=is_agency_staff,
        date_joined=now,
    )
    worker.set_unusable_password()
    _full_clean(worker)
    with transaction.atomic():
        worker.save()
        audit.record(
            actor=acting_user,
            action="create",
            at=now,
            obj=worker,
            detail={"fields": ["username", "first_name", "last_name", "email", "agency", "team",
                               "role", "job_title", "is_agency_staff"]},
            request=request,
        )
    return worker


def _is_active_admin(*, role: str, is_active: bool) -> bool:
    return is_active and role == Role.ADMIN


def worker_update(
    *,
    worker: Worker,
    version: int,
    changes: dict,
    acting_user,
    now: datetime,
    request=None,
) -> Worker:
    """Change a worker's role, team, agency or whether they may sign in.

    Refuses the save if someone else saved since `version`, if the team is not in the agency,
    if administrators would deactivate themselves, or if no active administrator would be left.
    """
    unknown = set(changes) - set(WORKER_CHANGEABLE)
    if unknown:
        raise ValueError(f"Not changeable here: {sorted(unknown)}")
    with transaction.atomic():
        # Lock every active administrator too, so that two administrators demoting each other
        # at the same moment cannot leave none.
        list(Worker.objects.select_for_update().filter(role=Role.ADMIN, is_active=True))
        current = Worker.objects.select_for_update().get(pk=worker.pk)
        if current.version != version:
            raise StaleEdit("worker's details")
        changed = [name for name, value in changes.items() if getattr(current, name) != value]
        if not changed:
            return current
        was_active_admin = _is_active_admin(role=current.role, is_active=current.is_active)
        for name in changed:
            setattr(current, name, changes[name])
        _check_team_in_agency(team=current.team, agency=current.agency)
        if "is_active" in changed and not current.is_active and current.pk == acting_user.pk:
            raise WorkforceRefused({"is_active": CANNOT_DEACTIVATE_YOURSELF})
        if was_active_admin and not _is_active_admin(
            role=current.role, is_active=current.is_active
        ):
            others = Worker.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=current.pk)
            if not others.exists():
                field = "is_active" if "is_active" in changed else "role"
                raise WorkforceRefused({field: LAST_ADMINISTRATOR})
        _full_clean(current, exclude=["password"])
        current.version += 1
        current.save(update_fields=[*changed, "version"])
        audit.record(
            actor=acting_user,
            action="update",
            at=now,
            obj=current,
            detail={"fields": changed},
            request=request,
        )
    return current


def worker_unlock(*, worker: Worker, acting_user, now: datetime, request=None) -> int:
    """Clear the failed sign-in attempts that lock a worker out; returns how many were cleared.

    django-axes counts failures by username and by address together, so clearing the username's
    attempts lets the worker try again at once from wherever they are.
    """
    with transaction.atomic():
        cleared = reset_sign_in_attempts(username=worker.username)
        audit.record(
            actor=acting_user,
            action="update",
            at=now,
            obj=worker,
            detail={"fields": [], "sign_in_unlocked": True, "attempts_cleared": cleared},
            request=request,
        )
    return cleared


def worker_reset_second_factor(*, worker: Worker, acting_user, now: datetime, request=None) -> int:
    """Remove a worker's authenticator app and backup codes (a lost or replaced phone); returns
    how many were removed. A session the removed app verified is no longer verified, so the
    worker sets up a new app at their next page or sign-in."""
    with transaction.atomic():
        removed = 0
        for model in (TOTPDevice, StaticDevice):
            _, deleted = model.objects.filter(user=worker).delete()
            removed += deleted.get(model._meta.label, 0)  # devices, not their backup codes
        audit.record(
            actor=acting_user,
            action="update",
            at=now,
            obj=worker,
            detail={"fields": [], "second_factor_reset": True, "removed": removed},
            request=request,
        )
    return removed


# --- Teams ----------------------------------------------------------------------------------


def team_update(
    *,
    team: Team,
    version: int,
    changes: dict,
    acting_user,
    now: datetime,
    request=None,
) -> Team:
    """Rename a team or choose its manager from its active members.

    Refuses the save if someone else saved since `version`.
    """
    unknown = set(changes) - set(TEAM_CHANGEABLE)
    if unknown:
        raise ValueError(f"Not changeable here: {sorted(unknown)}")
    if "name" in changes:
        changes = {**changes, "name": changes["name"].strip()}
    with transaction.atomic():
        current = Team.objects.select_for_update().get(pk=team.pk)
        if current.version != version:
            raise StaleEdit("team")
        changed = [name for name, value in changes.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, changes[name])
        manager = current.manager
        if "manager" in changed and manager is not None:
            if manager.team_id != current.pk:
                raise WorkforceRefused({"manager": MANAGER_NOT_IN_TEAM})
            if not manager.is_active:
                raise WorkforceRefused({"manager": MANAGER_NOT_ACTIVE})
        if "name" in changed and (
            Team.objects.filter(agency_id=current.agency_id, name__iexact=current.name)
            .exclude(pk=current.pk)
            .exists()
        ):
            raise WorkforceRefused({"name": TEAM_NAME_TAKEN})
        _full_clean(current)
        current.version += 1
        current.save(update_fields=[*changed, "version", "updated_at"])
        audit.record(
            actor=acting_user,
            action="update",
            at=now,
            obj=current,
            detail={"fields": changed},
            request=request,
        )
    return current
