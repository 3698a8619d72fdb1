"""German for the texts that django-helpdesk (and Django's admin) write without gettext.

The host's catalogue cannot reach them (e.g. ``aria-label="Close"``, two breadcrumbs, the
"Browse..." file button, "Listing 3 ticket(s).", the dashboard's "Tickets < 30 days", the ticket
list's "Columns"), so a German agent or a screen reader would meet English. Copying the host's
templates to change one word each would fork them; instead this middleware replaces exactly these
fragments in the host's HTML pages with their translation from our catalogue (and the brand with
"Servicecenter <city>", the reply form's second owner picker with nothing). A fragment the host
fixes or changes simply stops matching. The " and " the host writes into a follow-up's title is
made German before the follow-up is saved (``translate_followup_title``, a ``pre_save``
receiver).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from ulm_servicepoint import conf

# (pattern, replacement built at request time in the active language)
REPLACEMENTS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    # the ticket page shows a ticket without a submitter (a phone call, a letter) as "None"
    (
        re.compile(r'value="None"(\s*aria-label="Submitter email")'),
        lambda m: 'value=""' + m.group(1),
    ),
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
    # the ticket page has two owner pickers: the one beside the state (with "take") stays; the
    # one in the reply form's details goes (without it the reply keeps the owner: the host's
    # update reads a missing owner as "unchanged")
    (
        re.compile(
            r'<div class="col-md-3">\s*<label class="form-label" for="id_owner">'
            r".*?</select>\s*</div>",
            re.DOTALL,
        ),
        lambda m: "",
    ),
    # the heading of a report's page
    (
        re.compile(r'(<h1 class="fs-4">)Reports(</h1>)'),
        lambda m: m.group(1) + escape(gettext("Reports")) + m.group(2),
    ),
    # the brand of every staff page: the service center, not "Helpdesk"
    (
        re.compile(r'(<a class="navbar-brand"[^>]*>\s*<img[^>]*>\s*)[^<]*(</a>)'),
        lambda m: m.group(1) + escape(brand()) + m.group(2),
    ),
    # the button that folds the sidebar away shows only an icon: a name for screen readers
    (
        re.compile(r'<button class="btn btn-sm" id="sidebarToggle">'),
        lambda m: (
            '<button class="btn btn-sm" id="sidebarToggle" aria-label="'
            + escape(gettext("Show or hide the navigation"))
            + '">'
        ),
    ),
    # a follow-up's menu (edit, delete) is an icon alone too
    (
        re.compile(r'(<a class="btn bg-body-tertiary btn-sm"\s*href="#"\s*role="button")'),
        lambda m: m.group(1) + ' aria-label="' + escape(gettext("Actions")) + '"',
    ),
    # the search box in the bar above every staff page
    (
        re.compile(r'aria-label="Search"(\s*aria-describedby="search-form")'),
        lambda m: 'aria-label="' + escape(gettext("Search")) + '"' + m.group(1),
    ),
    # the ticket list's column picker (a DataTables button the host labels in its script)
    (re.compile(r'text: "Columns"'), lambda m: "text: " + json.dumps(gettext("Columns"))),
    # the age groups of the dashboard and the reports, labels built in the host's view
    (
        re.compile(r"Tickets &lt; 30 days"),
        lambda m: escape(gettext("Tickets < 30 days")),
    ),
    (
        re.compile(r"Tickets 30 - 60 days"),
        lambda m: escape(gettext("Tickets 30 - 60 days")),
    ),
    (
        re.compile(r"Tickets &gt; 60 days"),
        lambda m: escape(gettext("Tickets > 60 days")),
    ),
]


def brand() -> str:
    """What the staff pages are called: ``Servicecenter <city>``."""
    return gettext("Service center %(city)s") % {"city": conf.get("ULM_SERVICEPOINT_CITY_NAME")}


def and_status(title: str, status: str) -> str:
    """A follow-up's title with the new status appended, in German (the host writes
    ``f"{title} and {status}"`` without gettext)."""
    return gettext("%(title)s and %(status)s") % {"title": title, "status": status}


def translate_followup_title(followup) -> None:
    """Before a follow-up is saved: the host's English " and " between the title and the new
    status (``update_ticket.get_and_set_ticket_status``) becomes German."""
    from helpdesk.models import Ticket

    if followup.new_status is None or not followup.title:
        return
    status = str(dict(Ticket.STATUS_CHOICES).get(followup.new_status, ""))
    suffix = f" and {status}"
    if status and followup.title.endswith(suffix):
        followup.title = and_status(followup.title[: -len(suffix)], status)


# Django's admin names its search icon "Search" without gettext, and its yes/no icons carry
# alt="True"/"False"/"None" (_boolean_icon writes the Python value): a screen reader reads
# English.
ADMIN_REPLACEMENTS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    # the search box's icon (admin/search_form.html writes alt="Search" without gettext)
    (
        re.compile(r'(<img src="[^"]*/admin/img/search\.svg" alt=")Search"'),
        lambda m: m.group(1) + escape(gettext("Search")) + '"',
    ),
    (
        re.compile(
            r'(<img src="[^"]*/admin/img/icon-(?:yes|no|unknown)\.svg" alt=")(True|False|None)"'
        ),
        lambda m: m.group(1) + escape(BOOLEAN_WORDS[m.group(2)]()) + '"',
    ),
]
BOOLEAN_WORDS: dict[str, Callable[[], str]] = {
    "True": lambda: gettext("Yes"),
    "False": lambda: gettext("No"),
    "None": lambda: gettext("Unknown"),
}


def translate_host_html(html: str, replacements=REPLACEMENTS) -> str:
    for pattern, replacement in replacements:
        html = pattern.sub(replacement, html)
    return html


class HostTextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.admin_prefix = ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not self.admin_prefix:
            self.admin_prefix = reverse("admin:index")
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        # the host's layout is also around our own staff pages (/telefon/, /wissen/luecken/ …)
        if request.path.startswith(self.admin_prefix):
            replacements = ADMIN_REPLACEMENTS
        else:
            replacements = REPLACEMENTS
        charset = response.charset or "utf-8"
        response.content = translate_host_html(
            response.content.decode(charset), replacements
        ).encode(charset)
        return response
