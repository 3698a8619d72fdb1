"""Services linked to ulm_servicepoint's request types (``Service.request_types``): by LeiKa key
on every import, by hand in the admin; the published services of a type."""

from __future__ import annotations

from typing import Any

from ulm_knowledge.items import published_services
from ulm_knowledge.models import Service


def link_request_types() -> int:
    """Links each service to the request types that share one of its LeiKa keys. Links are
    only added (those made by hand in the admin stay); returns how many were added."""
    from ulm_servicepoint.services import request_types_by_leika_key

    by_key = request_types_by_leika_key()
    if not by_key:
        return 0
    link = Service.request_types.through
    existing = set(link.objects.values_list("service_id", "requesttype_id"))
    new = []
    for service_id, keys in Service.objects.exclude(leika_keys=[]).values_list("pk", "leika_keys"):
        for key in keys:
            for request_type in by_key.get(key, []):
                if (service_id, request_type.pk) not in existing:
                    existing.add((service_id, request_type.pk))
                    new.append(link(service_id=service_id, requesttype_id=request_type.pk))
    link.objects.bulk_create(new)
    return len(new)


def services_for_request_type(request_type: Any, limit: int = 5) -> list[Service]:
    """The published services linked to a request type, by name."""
    return list(
        published_services()
        .filter(request_types=request_type)
        .select_related("kbitem")
        .order_by("name")[:limit]
    )
