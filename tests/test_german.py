"""German all the way: complete catalogues, and no English from them on any page we serve."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from helpdesk.models import FollowUp, FollowUpAttachment, KBCategory, KBItem, Ticket

from tests.support.html import soup, visible_text
from tests.support.i18n import BASE_DIR, detectable, english_source_texts
from ulm_channels.tests.web import fill_contact_form

# Source texts whose German is the same word: never reported as untranslated.
SAME_IN_GERMAN = {
    "Ticket",
    "Tickets",
    "Status",
    "Name",
    "OK",
    "Info",
    "E-Mail",
    "Start",
    "Login",
    "Logout",
    "Helpdesk",
    "Details",
    "Kanban",
    "Team",
    "Feeds",
    "RSS",
    "Filter",
    "Link",
    "Text",
    "Minuten",
    "Admin",
    "Dashboard",
    "Markdown",
    "Backlinks",
    "Checklist",
    "Checklists",
    "Sortierung",
    "Debug",
    "Owner",
    "Queue",
    "Ticket-Nummer",
    "Auto",
    "RSS Feeds",
    "Optional",
    "(Optional)",
    "HTML",
    "UUID",
    "IMAP",
    "Info:",
    "Information",
    "Position",
    "SOCKS4",
    "SOCKS5",
    "SQL",
    "Socks Proxy Host",
    "Socks Proxy Port",
    "Tags",
    "Team:",
    "URL",
    "E-Mail ID",
    "Follow-up",
    "Follow-ups",
    "Organisation",
    "Form",  # "in barrierefreier Form"
    "3. Normal",
    # not text at all: URL parameters and a file name
    "atrbcu_page",
    "una_page",
    "ut_page",
    "utcr_page",
    "email_html_body.html",
}


def german(text: str) -> str:
    with translation.override("de"):
        return translation.gettext(text)


@pytest.mark.parametrize(
    "addon", sorted(p.name for p in (BASE_DIR / "addons").iterdir() if p.is_dir())
)
def test_addon_catalogue_is_complete_and_current(addon, tmp_path):
    """Re-extracting an addon's strings finds nothing untranslated, fuzzy or missing."""
    copy = tmp_path / addon
    shutil.copytree(BASE_DIR / "addons" / addon, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "locale").mkdir(exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            str(BASE_DIR / "manage.py"),
            "makemessages",
            "-l",
            "de",
            "--no-obsolete",
            "-v",
            "0",
        ],
        cwd=copy,
        check=True,
    )
    po = copy / "locale" / "de" / "LC_MESSAGES" / "django.po"
    for flag in ("--untranslated", "--only-fuzzy"):
        leftover = subprocess.run(
            ["msgattrib", flag, "--no-obsolete", str(po)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        missing = re.findall(r'^msgid "(.+)"$', leftover, flags=re.MULTILINE)
        assert not missing, f"{addon}: {flag[2:]} strings: {missing}"


def test_every_host_string_has_german():
    untranslated = sorted(
        text
        for text in english_source_texts()
        if german(text) == text and text not in SAME_IN_GERMAN and detectable(text)
    )
    assert untranslated == [], f"{len(untranslated)} strings without German: {untranslated[:30]}"


def english_on_page(response) -> list[str]:
    """English catalogue texts a person would see (or hear from a screen reader) on the page."""
    page = soup(response)
    for hidden in page(["script", "style", "noscript", "template"]):
        hidden.decompose()
    parts = [page.get_text("\n")]
    for element in page.select(
        "[title], [placeholder], [aria-label], [alt], input[type=submit][value]"
    ):
        parts.extend(
            element.get(attr, "") for attr in ("title", "placeholder", "aria-label", "alt", "value")
        )
    text = "\n".join(" ".join(chunk.split()) for chunk in "\n".join(parts).split("\n"))
    return sorted(
        source
        for source in english_source_texts()
        if detectable(source)
        and source not in SAME_IN_GERMAN
        and german(source) != source
        and re.search(rf"(?<![\w-]){re.escape(source)}(?![\w-])", text)
    )


@pytest.fixture
def ticket_with_history(demo, agent):
    ticket = Ticket.objects.get(title__startswith="Wunschkennzeichen")
    followup = FollowUp.objects.filter(ticket=ticket).first()
    attachment = FollowUpAttachment(
        followup=followup, filename="antrag.pdf", mime_type="application/pdf", size=9
    )
    attachment.file.save("antrag.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    category = KBCategory.objects.create(
        name="Kfz", title="Kfz-Zulassung", slug="kfz", description="Fahrzeuge anmelden", public=True
    )
    KBItem.objects.create(
        category=category, title="Wunschkennzeichen", question="Wie?", answer="So."
    )
    return ticket


AGENT_PAGES = [
    ("helpdesk:dashboard", []),
    ("helpdesk:list", []),
    ("helpdesk:submit", []),
    ("helpdesk:kanban", []),
    ("helpdesk:report_index", []),
    ("helpdesk:saved_searches_list", []),
    ("helpdesk:user_settings", []),
    ("helpdesk:rss_index", []),
    ("helpdesk:kb_index", []),
    ("helpdesk:password_change", []),
    ("helpdesk:checklist_templates", []),
    ("ulm_channels:calls", []),
    ("ulm_routing:worklist", []),
    ("ulm_routing:overview", []),
    ("ulm_routing:callback_new", []),
]


@pytest.mark.parametrize(("name", "args"), AGENT_PAGES)
def test_agent_pages_have_no_english(client, agent, ticket_with_history, name, args):
    client.force_login(agent)
    # the host's "Neues Ticket", knowledge base and Kanban lead on to our pages (host_views)
    response = client.get(reverse(name, args=args), follow=True)
    assert response.status_code == 200
    assert english_on_page(response) == []


@pytest.mark.parametrize("view", ["helpdesk:view", "helpdesk:edit", "helpdesk:ticket_cc"])
def test_ticket_pages_have_no_english(client, agent, ticket_with_history, view):
    client.force_login(agent)
    response = client.get(reverse(view, args=[ticket_with_history.id]))
    assert response.status_code == 200
    assert english_on_page(response) == []


@pytest.mark.parametrize(
    "name", ["admin:index", "helpdesk:email_ignore", "helpdesk:system_settings"]
)
def test_admin_pages_have_no_english(client, admin_user, name):
    client.force_login(admin_user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert english_on_page(response) == []


def test_login_page_has_no_english(client, demo):
    response = client.get(reverse("helpdesk:login"))
    assert response.status_code == 200
    assert english_on_page(response) == []


def test_citizen_pages_have_no_english(client, demo, ticket_with_history):
    form = client.get(reverse("ulm_channels:contact"))
    assert form.status_code == 200
    assert "Ihr Anliegen" in visible_text(form)
    assert english_on_page(form) == []
    with_errors = client.post(reverse("ulm_channels:contact"), {"email": "kein-at"})
    assert with_errors.status_code == 400
    assert english_on_page(with_errors) == []
    sent = fill_contact_form(client, email="b@example.org", subject="Frage", message="Text")
    confirmation = client.get(sent["Location"])
    assert confirmation.status_code == 200
    assert "Vorgangsnummer" in visible_text(confirmation)
    assert english_on_page(confirmation) == []
    ticket = Ticket.objects.get(title="Frage")
    host_status = client.get(
        Path(ticket.ticket_url.split("://", 1)[1]).as_posix().split("/", 1)[1].join(["/", ""]),
        follow=True,
    )
    assert host_status.status_code == 200
    assert english_on_page(host_status) == []
    status = client.get(reverse("ulm_channels:status", args=[ticket.citizen_link.token]))
    assert status.status_code == 200
    assert english_on_page(status) == []
    statement = client.get(reverse("ulm_channels:accessibility"))
    assert statement.status_code == 200
    assert "Barrierefreiheit" in visible_text(statement)
    assert english_on_page(statement) == []
    kb = client.get(reverse("helpdesk:kb_category", args=["kfz"]))
    assert kb.status_code == 200
    assert english_on_page(kb) == []
