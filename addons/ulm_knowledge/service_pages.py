"""The citizens' service pages (``/dienstleistungen/<slug>/``): readable addresses, the text
modules as safe HTML (paragraphs, lists, links only to http, https and mailto), the
introduction said once, the online form of the request type a service belongs to, and the
short text an agent reads out on the phone.

Catalogue text is hostile like any citizen content: an imported file may carry markup or a
``javascript:`` link. Text modules are stored as plain text (list items as lines starting with
"- ", see ``text.html_to_text``); the pages build their HTML from escaped text and clean it with
nh3 once more, and every link a service carries (forms, online services, appointment booking,
e-mail) is shown as a link only when its scheme is http, https or mailto."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import NoReverseMatch, reverse
from django.utils.html import urlize

from ulm_knowledge.importers import introduction
from ulm_knowledge.models import Service
from ulm_knowledge.text import german_slug

# the other addresses under /dienstleistungen/ (urls.py), never a service's
RESERVED_SLUGS = frozenset(["vorschlaege", "rueckmeldung"])
SLUG_LENGTH = 80
SAFE_SCHEMES = frozenset(["http", "https", "mailto"])
TAGS = {"p", "ul", "li", "a"}
LIST_ITEM = re.compile(r"^[-•*–]\s+")


# --- Addresses --------------------------------------------------------------------------------
def unique_slug(name: str) -> str:
    """A readable address part for a new service, unused so far (Personalausweis beantragen →
    personalausweis-beantragen; a second one gets -2)."""
    base = german_slug(name, SLUG_LENGTH) or "leistung"
    taken = set(
        Service.objects.filter(slug__regex=rf"^{re.escape(base)}(-[0-9]+)?$").values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 1
    while slug in taken or slug in RESERVED_SLUGS:
        n += 1
        slug = f"{base}-{n}"
    return slug


def assign_slug(service: Service) -> None:
    """Gives a new service its address; an existing one keeps its own (links to it live on)."""
    if not service.slug:
        service.slug = unique_slug(service.name)


# --- Links ------------------------------------------------------------------------------------
def safe_url(url: Any) -> str:
    """``url`` when it is an absolute http(s) address or a mailto link, else "" (shown as
    text): no ``javascript:``, ``data:`` or relative links from a catalogue."""
    if not isinstance(url, str):
        return ""
    url = url.strip()
    if not url or any(ord(c) < 32 or c.isspace() for c in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in SAFE_SCHEMES:
        return ""
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return ""
    return url


def email_url(address: Any) -> str:
    """A mailto link for a well-formed e-mail address, else ""."""
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return f"mailto:{address}"


# --- Text -------------------------------------------------------------------------------------
def text_html(text: str) -> str:
    """A text module as HTML: lines as paragraphs, lines starting with "- " as a list, web
    and e-mail addresses as links; built from escaped text and cleaned by nh3 (only p, ul, li
    and a; only http, https and mailto links)."""
    blocks: list[str] = []
    items: list[str] = []

    def close_list() -> None:
        if items:
            blocks.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
            items.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            close_list()
            continue
        bullet = LIST_ITEM.match(line)
        if bullet:
            items.append(urlize(line[bullet.end() :], nofollow=False, autoescape=True))
            continue
        close_list()
        blocks.append(f"<p>{urlize(line, nofollow=False, autoescape=True)}</p>")
    close_list()
    return nh3.clean(
        "".join(blocks),
        tags=TAGS,
        attributes={"a": {"href"}},
        url_schemes=set(SAFE_SCHEMES),
        link_rel="noopener noreferrer",
    )


def is_introduction(service: Service) -> bool:
    """Whether the short text is the full text's first paragraph (a catalogue without a
    Kurztext module, such as DLDB), not a Kurztext of its own."""
    return bool(service.short_text) and service.short_text == introduction(service.full_text)


def lead_and_description(service: Service) -> tuple[str, str]:
    """The page's lead and the text under "Beschreibung", each said once: a Kurztext and the
    whole full text; or the full text's first paragraph and the rest of it."""
    full = service.full_text.strip()
    if not is_introduction(service):
        return service.short_text.strip(), full
    first, _, rest = full.partition("\n")
    if LIST_ITEM.match(first):  # a text that starts with a list keeps it whole
        return "", full
    return first.strip(), rest.strip()


# --- The page ---------------------------------------------------------------------------------
@dataclass
class Link:
    """A link on a service page: its text and, when the address is safe, the address."""

    title: str
    url: str


def form_links(service: Service) -> list[Link]:
    """The service's forms and online services (only safe addresses are links)."""
    return [
        Link(form.get("title") or form.get("url") or "", safe_url(form.get("url")))
        for form in service.forms
        if isinstance(form, dict) and (form.get("title") or safe_url(form.get("url")))
    ]


def contact_points(service: Service) -> list[dict[str, Any]]:
    """The places to go, with a safe booking link and e-mail link where there are such."""
    return [
        {
            **point,
            "booking_url": safe_url(point.get("appointment_url")),
            "email_url": email_url(point.get("email")),
        }
        for point in service.contact_points
        if isinstance(point, dict) and point.get("name")
    ]


def online_forms(service: Service) -> list[Link]:
    """ "Online erledigen": the public forms (``/anliegen/<slug>/``, ulm_channels) of the request
    types this service belongs to, where citizens may use them (public and active types); none
    when no addon serves those forms."""
    from ulm_servicepoint.services import public_request_types

    types = public_request_types().filter(pk__in=service.request_types.values("pk"))
    links = []
    for request_type in types.order_by("name"):
        try:
            url = reverse("ulm_channels:typed_request", args=[request_type.slug])
        except NoReverseMatch:
            return []
        links.append(Link(request_type.name, url))
    return links


def page_context(service: Service) -> dict[str, Any]:
    """What the service page shows besides the service itself."""
    lead, description = lead_and_description(service)
    return {
        "lead": lead,
        "description": description,
        "online_forms": online_forms(service),
        "forms": form_links(service),
        "places": contact_points(service),
    }
