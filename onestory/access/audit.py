"""Writing the audit trail. Called inside the transaction of the read or write it records."""

import ipaddress
from datetime import datetime

from django.conf import settings

from .models import AuditEvent


def client_ip(request) -> str | None:
    """The worker's own address: the connection's, or the one ONESTORY_PROXY_COUNT proxies saw.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For,
    so the client is the entry that many places from the right; anything further left could
    have been written by the client and is ignored.
    """
    proxies = getattr(settings, "ONESTORY_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies and _valid(forwarded[-proxies]):
            return _valid(forwarded[-proxies])
    return _valid(request.META.get("REMOTE_ADDR") or "")


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def client_of(request) -> dict:
    """Where a request came from, for the audit row."""
    if request is None:
        return {}
    return {
        "ip_address": client_ip(request),
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
        # An action the access log cannot name is refused: every entry must read as words.
        action=AuditEvent.Action(action),
        person_id=person_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        reason=reason,
        detail=detail or {},
        **client_of(request),
    )
