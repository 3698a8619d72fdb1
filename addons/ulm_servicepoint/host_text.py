"""German for the few texts that django-helpdesk writes into its templates without gettext.

The host's catalogue cannot reach them (e.g. ``aria-label="Close"``, two breadcrumbs, the
"Browse..." file button, "Listing 3 ticket(s)."), so a German agent or a screen reader would meet
English. Copying the host's templates to change one word each would fork them; instead this
middleware replaces exactly these fragments in the host's HTML pages with their translation from
our catalogue. A fragment the host fixes or changes simply stops matching.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

# (pattern, replacement built at request time in the active language)
REPLACEMENTS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r'aria-label="Close"'), lambda m: f'aria-label="{escape(gettext("Close"))}"'),
    (
        re.compile(r'aria-label="Submitter email"'),
        lambda m: f'aria-label="{escape(gettext("Submitter email"))}"',
    ),
    (
        re.compile(r'(<li class="breadcrumb-item active">\s*)RSS Feeds(\s*</li>)'),
        lambda m: m.group(1) + escape(gettext("RSS Feeds")) + m.group(2),
    ),
    (
        re.compile(r'(<li class="breadcrumb-item active">\s*)Change User Settings(\s*</li>)'),
        lambda m: m.group(1) + escape(gettext("Change User Settings")) + m.group(2),
    ),
    (re.compile(r"Browse\.\.\. <input"), lambda m: escape(gettext("Browse...")) + " <input"),
    (
        re.compile(r"Listing (\d+) ticket\(s\)\."),
        lambda m: escape(
            ngettext("Listing %(count)s ticket.", "Listing %(count)s tickets.", int(m.group(1)))
            % {"count": m.group(1)}
        ),
    ),
]


def translate_host_html(html: str) -> str:
    for pattern, replacement in REPLACEMENTS:
        html = pattern.sub(replacement, html)
    return html


class HostTextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefix = ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not self.prefix:
            self.prefix = reverse("helpdesk:home")
        if (
            request.path.startswith(self.prefix)
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
        ):
            charset = response.charset or "utf-8"
            response.content = translate_host_html(response.content.decode(charset)).encode(charset)
        return response
