"""Writing the audit trail. Called inside the transaction of the read or write it records."""

from datetime import datetime

from .models import AuditEvent


def client_of(request) -> dict:
    """Where a request came from, for the audit row."""
    if request is None:
        return {}
    return {
        "ip_address": request.META.get("REMOTE_ADDR") or None,
        "user_agent": (request.META.get("HTTP_USER_AGENT") or "")[:300],
    }


def record(
    *,
    actor,
    action: str,
    at: datetime,
    person_id=None,
    obj=None,
    reason: str = "",
    detail: dict | None = None,
    request=None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        at=at,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        person_id=person_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        reason=reason,
        detail=detail or {},
        **client_of(request),
    )
