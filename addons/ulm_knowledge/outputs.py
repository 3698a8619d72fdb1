"""What the knowledge base gives out: the services A–Z and their search for the public pages,
schema.org JSON-LD for a service page, and the XZuFi export."""

from __future__ import annotations

from typing import Any

from ulm_knowledge.items import published_services
from ulm_knowledge.models import Service
from ulm_knowledge.search.engine import relevant, search
from ulm_knowledge.text import normalise


def services_a_to_z() -> list[tuple[str, list[Service]]]:
    """Published services grouped by their initial (Ä with A …), for "Dienstleistungen A–Z"."""
    groups: dict[str, list[Service]] = {}
    rows = published_services().only("slug", "name", "short_text")
    for service in sorted(rows, key=lambda s: normalise(s.name)):
        initial = normalise(service.name[:1]).upper() or "#"
        groups.setdefault(initial if initial.isalpha() else "#", []).append(service)
    return sorted(groups.items())


def search_services(query: str, limit: int = 20) -> list[Service]:
    """The best matching services citizens may see (answers among the hits give way to the
    next services: ``limit`` services where there are so many)."""
    hits = [h for h in relevant(search(query, limit + 10)) if h.kind == "service"][:limit]
    by_kbitem = {
        s.kbitem_id: s for s in published_services().filter(kbitem_id__in=[h.id for h in hits])
    }
    return [by_kbitem[h.id] for h in hits if h.id in by_kbitem]


def service_jsonld(service: Service, url: str, city: str) -> dict[str, Any]:
    """schema.org GovernmentService for a service page."""
    channels = []
    for point in service.contact_points:
        if not point.get("name"):
            continue
        place: dict[str, Any] = {"@type": "Place", "name": point["name"]}
        if point.get("street") or point.get("city"):
            place["address"] = {
                "@type": "PostalAddress",
                "streetAddress": point.get("street", ""),
                "postalCode": point.get("postal_code", ""),
                "addressLocality": point.get("city", ""),
                "addressCountry": "DE",
            }
        channel: dict[str, Any] = {"@type": "ServiceChannel", "serviceLocation": place}
        if point.get("phone"):
            channel["servicePhone"] = {"@type": "ContactPoint", "telephone": point["phone"]}
        if point.get("opening_hours"):
            place["openingHours"] = point["opening_hours"]
        channels.append(channel)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": service.name,
        "description": service.short_text or service.name,
        "url": url,
        "inLanguage": "de",
        "provider": {"@type": "GovernmentOrganization", "name": city},
        "areaServed": {"@type": "City", "name": city},
    }
    if service.leika_keys:
        data["identifier"] = [
            {"@type": "PropertyValue", "propertyID": "LeiKa", "value": key}
            for key in service.leika_keys
        ]
    if service.keywords:
        data["keywords"] = service.keywords
    if channels:
        data["availableChannel"] = channels
    if service.fees:
        data["termsOfService"] = f"Kosten: {service.fees}"
    return data


def export_xzufi(version: str = "2.2.0") -> bytes:
    """Our published services as an XZuFi transfer message."""
    from ulm_knowledge.xzufi import write_xzufi

    return write_xzufi(published_services().order_by("name"), version)
