"""No English, "None", "null" or "undefined" on any page, as Chromium shows it: after the page's
scripts ran (the host's ticket table is written by DataTables, the admin's pickers by Django's
JavaScript), for the service center's agent, a department clerk, the admin and a citizen.

``tests/test_german.py`` reads the HTML the server sends; this reads what a person sees."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from helpdesk.models import Ticket
from helpdesk.update_ticket import update_ticket

from tests.support.i18n import detectable, english_source_texts
from tests.support.routing import capture_sperrmuell
from tests.test_german import SAME_IN_GERMAN, german

# English a German page must not show: the texts of the libraries the host's pages use
# (DataTables, the admin's JavaScript), the host's hard-coded labels, and what a missing value
# turns into on the way to the screen.
ENGLISH = re.compile(
    r"\b(?:Search:|Columns|Showing|entries|entry|per page|Previous|Next|First|Last|Loading"
    r"|No data|No matching|Choose|Chosen|Available|Remove|Select all|Today|Yesterday|Tomorrow"
    r"|Midnight|Noon|Cancel|[Dd]ays?|DAYS|Created at|CREATED AT|Updated at|UPDATED AT|and|the"
    r"|of|with|by|click|Save|Delete|Add|Edit|Close|Closed|Resolved|Reopened|Duplicate"
    r"|Unassigned|Owner|Queue|Submitter|Priority|Yes|No|True|False|Powered|Browse|Submit"
    r"|jobs?|None|null|undefined|NaN)\b"
)

# Everything a person reads or hears: the text, the tab's title, tooltips, placeholders, labels
# for screen readers, and the values of visible text fields and buttons.
VISIBLE_TEXT = """() => {
  const parts = [document.title, document.body.innerText];
  for (const element of document.querySelectorAll("[title], [placeholder], [aria-label], [alt]")) {
    for (const name of ["title", "placeholder", "aria-label", "alt"]) {
      const value = element.getAttribute(name);
      if (value) parts.push(value);
    }
  }
  for (const input of document.querySelectorAll(
      "input[type=text], input:not([type]), input[type=submit], input[type=button]")) {
    if (input.value && input.getClientRects().length) parts.push(input.value);
  }
  return parts.join("\\n");
}"""


# German words that are also msgids of an English catalogue text
SAME_WORD = {"Form", "Import", "Tag"}


def english_seen(page) -> list[str]:
    text = page.evaluate(VISIBLE_TEXT)
    found = set()
    for line in text.splitlines():
        found.update(f"{m.group(0)!r} in {line.strip()[:120]!r}" for m in ENGLISH.finditer(line))
    words = " ".join(text.split())
    found.update(
        f"catalogue text {source!r}"
        for source in english_source_texts()
        if detectable(source)
        and source not in SAME_IN_GERMAN | SAME_WORD
        # one lower-case word is a key in JSON an admin page shows, not a text
        and not re.fullmatch(r"[a-z_]+", source)
        and german(source) != source
        and re.search(rf"(?<![\w-]){re.escape(source)}(?![\w-])", words)
    )
    return sorted(found)


def log_in(page, site, client, user) -> None:
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site.url}]
    )


def url(name: str, *args) -> str | None:
    """The page's address, or None for a page that is not built (yet) in this installation."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def visit_all(page, site, urls: list[str | None]) -> dict[str, list[str]]:
    """Each page after its scripts ran (the network idle): the English found on it."""
    found: dict[str, list[str]] = {}
    for path in filter(None, urls):
        response = page.goto(site.url + path)
        page.wait_for_load_state("networkidle")
        assert response is not None
        assert response.status < 400, f"{path}: {response.status}"
        english = english_seen(page)
        if english:
            found[page.url.removeprefix(site.url)] = english
    return found


def assert_german(found: dict[str, list[str]]) -> None:
    report = "\n".join(f"{path}: {english}" for path, english in found.items())
    assert not found, f"English on {len(found)} pages:\n{report}"


@pytest.fixture
def tickets(site, demo, agent):
    """The demo's requests, one without a submitter's address (a phone call) and one whose
    state the host changed with a comment (its follow-up title joins title and state)."""
    silent = Ticket.objects.get(title__startswith="Wunschkennzeichen")
    Ticket.objects.filter(pk=silent.pk).update(submitter_email=None)
    resolved = Ticket.objects.filter(queue__slug="servicecenter").first()
    with translation.override("de"):
        update_ticket(agent, resolved, comment="Erledigt.", new_status=Ticket.RESOLVED_STATUS)
    return [silent, resolved]


def test_agent_sees_no_english(site, page, client, agent, demo_knowledge, city, tickets):
    log_in(page, site, client, agent)
    ticket = tickets[0]
    captured = capture_sperrmuell(agent)
    service = demo_knowledge.published_services().first()
    found = visit_all(
        page,
        site,
        [
            url("ulm_servicepoint:worklist"),
            url("ulm_servicepoint:triage"),
            url("ulm_servicepoint:capture_start"),
            url("ulm_servicepoint:capture", "sperrmuell-abholung"),
            url("ulm_servicepoint:counter"),
            url("ulm_servicepoint:case_edit", captured.pk),
            url("ulm_channels:calls"),
            url("ulm_routing:callback_new"),
            url("ulm_routing:overview"),
            url("ulm_routing:worklist"),
            url("ulm_knowledge:gaps"),
            url("ulm_knowledge:services"),
            url("ulm_knowledge:service", service.slug),
            url("helpdesk:list"),
            url("helpdesk:dashboard"),
            url("helpdesk:kanban"),
            url("helpdesk:report_index"),
            url("helpdesk:run_report", "userqueue"),
            url("helpdesk:saved_searches_list"),
            url("helpdesk:user_settings"),
            url("helpdesk:rss_index"),
            url("helpdesk:password_change"),
            url("helpdesk:checklist_templates"),
            url("helpdesk:kb_index"),
            url("helpdesk:submit"),
            *(
                url(view, t.pk)
                for t in [*tickets, captured]
                for view in ("helpdesk:view", "helpdesk:edit")
            ),
            url("helpdesk:ticket_cc", ticket.pk),
        ],
    )
    assert_german(found)


def test_department_clerk_sees_no_english(site, page, client, kfz_clerk, city, tickets):
    log_in(page, site, client, kfz_clerk)
    ticket = tickets[0]  # a Kfz-Zulassung request
    found = visit_all(
        page,
        site,
        [
            url("ulm_servicepoint:worklist"),
            url("ulm_routing:worklist"),
            url("helpdesk:list"),
            url("helpdesk:dashboard"),
            url("helpdesk:kanban"),
            url("helpdesk:view", ticket.pk),
        ],
    )
    assert_german(found)


OUR_APPS = {"ulm_servicepoint", "ulm_knowledge", "ulm_routing", "ulm_channels", "ulm_kpi"}


def test_admin_sees_no_english(site, page, client, admin_user, demo_knowledge, city, tickets):
    log_in(page, site, client, admin_user)
    pages = [url("admin:index"), url("helpdesk:system_settings")]
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in OUR_APPS:
            continue
        pages.append(url(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        first = model.objects.order_by("pk").first()
        if first is not None:
            pages.append(url(f"admin:{meta.app_label}_{meta.model_name}_change", first.pk))
    assert len(pages) > 30
    assert_german(visit_all(page, site, pages))


def test_citizen_sees_no_english(site, page, demo_knowledge, tickets):
    from ulm_channels import services as channels

    ticket = channels.submit_web_request(
        channels.WebRequest(subject="Laterne defekt", message="Vor Haus 12.", email="m@example.org")
    )
    service = demo_knowledge.published_services().first()
    found = visit_all(
        page,
        site,
        [
            url("ulm_channels:request_types"),
            url("ulm_channels:typed_request", "sperrmuell-abholung"),
            url("ulm_channels:contact"),
            url("ulm_channels:status", ticket.citizen_link.token),
            url("ulm_channels:accessibility"),
            url("ulm_knowledge:services"),
            url("ulm_knowledge:service", service.slug),
            url("helpdesk:login"),
        ],
    )
    assert_german(found)


def test_staff_pages_carry_the_city_brand_and_one_navigation(site, page, client, agent):
    log_in(page, site, client, agent)
    page.goto(site.url + reverse("helpdesk:list"))
    assert page.locator(".navbar-brand").inner_text().strip() == "Servicecenter Stadt Ulm (Demo)"
    navigation = page.get_by_role("navigation", name="Hauptnavigation")
    assert navigation.get_by_role("link", name="Anliegen erfassen").is_visible()
    assert navigation.get_by_role("link", name="Alle Tickets").is_visible()
    # above the content only the host's bar (no link bar of ours above it any more)
    assert page.locator("body > nav").count() == 1
    assert page.locator("body > nav.navbar").count() == 1
