"""The audit log: who viewed, searched, exported, changed or deleted personal data, and when."""

from __future__ import annotations

from typing import Any

from ulm_privacy.models import AuditEvent


def record(
    user: Any,
    action: str,
    object_type: str = "",
    object_id: object = "",
    path: str = "",
    **detail: Any,
) -> AuditEvent:
    """Writes one event in the caller's transaction. ``action`` is one of view, search, export,
    change, delete, correct, art15, art17; ``detail`` holds no more personal data than needed."""
    authenticated = bool(getattr(user, "is_authenticated", False))
    return AuditEvent.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        path=path[:500],
        detail=detail,
    )
