"""Request types and their schemas: versioned fields, the forms built from them, the types a
citizen or an agent may choose (found through ``request_type_search``), and LeiKa links."""

from __future__ import annotations

from django.db.models import QuerySet
from helpdesk.models import Ticket

from ulm_servicepoint import conf, request_type_search
from ulm_servicepoint.models import CaptureField, CaptureSchema, CaseRecord, RequestType
from ulm_servicepoint.models.request_type import normalised_spec
from ulm_servicepoint.schema_forms import CaptureValuesForm, capture_form_class


def publish_schema(request_type: RequestType) -> CaptureSchema:
    """Freezes the request type's current fields as a new schema version, unless the latest
    version has exactly these fields already. Old tickets keep the version they were captured
    with, so changing fields never breaks them."""
    specs = [f.as_spec() for f in CaptureField.objects.filter(request_type=request_type)]
    latest = CaptureSchema.objects.filter(request_type=request_type).first()
    # a version from before the required levels (yes/no) equals today's fields when only its
    # shape differs: no new version for that
    if latest is not None and [normalised_spec(s) for s in latest.fields] == specs:
        return latest
    version = (latest.version + 1) if latest else 1
    return CaptureSchema.objects.create(request_type=request_type, version=version, fields=specs)


def current_schema(request_type: RequestType) -> CaptureSchema:
    """The newest schema version (published on first use when there is none yet)."""
    latest = CaptureSchema.objects.filter(request_type=request_type).first()
    return latest if latest is not None else publish_schema(request_type)


def public_request_types() -> QuerySet[RequestType]:
    """Request types a citizen may choose on the public forms, grouped by topic (ordering)."""
    return RequestType.objects.filter(public=True, active=True)


def search_public_request_types(search: str = "") -> list[RequestType]:
    """Public request types ``search`` finds, best first (``request_type_search``: the
    registered German search, else every word contained); all of them without a search."""
    return request_type_search.search_request_types(list(public_request_types()), search)


def public_request_type(slug: str) -> RequestType | None:
    """The public, active request type with this slug (None: no such form for citizens)."""
    return public_request_types().filter(slug=slug).first()


def request_types_for_agents(search: str = "") -> list[RequestType]:
    """Active request types ``search`` finds, best first (as for citizens, by the registered
    search, else by every word contained); all of them without a search."""
    types = list(RequestType.objects.filter(active=True).select_related("default_queue"))
    return request_type_search.search_request_types(types, search)


def schema_form_class(
    request_type: RequestType, schema: CaptureSchema | None = None
) -> type[CaptureValuesForm]:
    """The Django form class for a type's fields (current version unless ``schema`` is given).
    Instantiate it with ``audience="citizen"`` for a public form (agent-only fields left out)
    or ``audience="agent"``; every error message is German and names its field."""
    return capture_form_class((schema or current_schema(request_type)).fields)


def schema_form_fields(request_type: RequestType, audience: str = "citizen") -> list[dict]:
    """The field specs of the current version that ``audience`` sees (for templates and API)."""
    specs = [normalised_spec(s) for s in current_schema(request_type).fields]
    return [s for s in specs if audience == "agent" or s["audience"] == "citizen"]


def information_request_type() -> RequestType | None:
    """The general information type ("Allgemeine Auskunft", ``ULM_SERVICEPOINT_INFORMATION_TYPE``)
    that an information call is captured as, if it exists and is active."""
    slug = conf.get("ULM_SERVICEPOINT_INFORMATION_TYPE")
    return RequestType.objects.filter(slug=slug, active=True).first() if slug else None


def is_information_type(request_type: RequestType) -> bool:
    """Whether ``request_type`` is the general information type (no query)."""
    return request_type.slug == conf.get("ULM_SERVICEPOINT_INFORMATION_TYPE")


def request_type_of(ticket: Ticket) -> RequestType | None:
    """The request type a ticket was captured as (None for untyped tickets)."""
    case = CaseRecord.objects.select_related("request_type").filter(ticket=ticket).first()
    return case.request_type if case else None


def request_types_by_leika_key() -> dict[str, list[RequestType]]:
    """Active request types per LeiKa key, for linking them to the services of a catalogue."""
    found: dict[str, list[RequestType]] = {}
    for request_type in RequestType.objects.filter(active=True).exclude(leika_keys=""):
        for key in request_type.leika_key_list():
            found.setdefault(key, []).append(request_type)
    return found


def match_request_type(text: str) -> RequestType | None:
    """The one active request type an agent means by ``text`` (the counter mode's topic): by
    its name, else the registered search's clear favourite; None when that is not clear."""
    return request_type_search.the_one_meant(list(RequestType.objects.filter(active=True)), text)
