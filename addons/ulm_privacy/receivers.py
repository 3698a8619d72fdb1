"""Changes made in Django's admin, to any model: recorded from the admin's own log (LogEntry),
which the admin writes for every add, change and delete it carries out. (Deleting several
records at once from a list writes its LogEntries with bulk_create, which sends no signal:
that one is recorded by the middleware, ``audit._admin``.)"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from ulm_privacy.audit import record


def _changed_fields(entry: LogEntry) -> list[str]:
    """The names of the fields a change touched (never their values)."""
    try:
        messages = json.loads(entry.change_message or "[]")
    except ValueError:
        return []
    fields: list[str] = []
    for message in messages if isinstance(messages, list) else []:
        changed = message.get("changed", {}) if isinstance(message, dict) else {}
        fields.extend(str(name) for name in changed.get("fields", []))
    return fields[:50]


@receiver(post_save, sender=LogEntry, dispatch_uid="ulm_privacy_admin_log")
def after_admin_log(sender: Any, instance: LogEntry, created: bool, raw: bool = False, **kwargs):
    """One event per admin action: added and changed records are "change", deleted ones
    "delete"; the object's name (often a person's) is left out, its type and id say which."""
    if not created or raw:
        return
    content_type = instance.content_type
    object_type = f"{content_type.app_label}.{content_type.model}" if content_type else ""
    detail: dict[str, Any] = {
        "admin": {ADDITION: "add", DELETION: "delete"}.get(instance.action_flag, "change")
    }
    fields = _changed_fields(instance)
    if fields:
        detail["fields"] = fields
    record(
        instance.user,
        "delete" if instance.action_flag == DELETION else "change",
        object_type,
        instance.object_id or "",
        "",
        **detail,
    )


def after_city_initialised(sender, config, changes, **kwargs):
    from ulm_privacy import services

    changes.extend(services.set_up_roles(config))
