"""The data-protection officer reads the audit log at /helpdesk/datenschutz/protokoll/:
filtered, a page at a time, exported as CSV; reading and exporting are recorded too. Everyone
else gets a German 403; a bad filter a German 400."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from tests.support.html import soup, visible_text
from ulm_privacy import services
from ulm_privacy.models import AuditEvent
from ulm_privacy.tests.audit_fixtures import events, insert_event

pytestmark = pytest.mark.django_db
URL = "/helpdesk/datenschutz/protokoll/"
EXPORT = "/helpdesk/datenschutz/protokoll/export.csv"


@pytest.fixture
def logged(agent, kfz_clerk):
    """Anna viewed ticket 11 and searched, Karl changed ticket 12."""
    services.record(agent, "view", "helpdesk.ticket", 11, "/helpdesk/tickets/11/")
    services.record(agent, "search", "", "", "/helpdesk/arbeitsliste/", query="Müller")
    services.record(kfz_clerk, "change", "helpdesk.ticket", 12, "/helpdesk/tickets/12/update/")


@pytest.fixture
def dpo_client(client, dpo):
    client.force_login(dpo)
    return client


def rows(response) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in soup(response).select("tr.privacy-audit-row")
    ]


def test_the_names_and_paths_are_fixed():
    assert reverse("ulm_privacy:audit_log") == URL
    assert reverse("ulm_privacy:audit_export") == EXPORT


def test_the_officer_starts_on_the_log_and_finds_her_pages_in_the_sidebar(dpo_client, dpo):
    """The officer sees no queue: the work list sends her to the audit log, not to an empty
    list, and the sidebar leads to the log and (with that permission) to Art. 15 and 17."""
    landing = dpo_client.get("/helpdesk/arbeitsliste/")
    assert landing.status_code == 302
    assert landing["Location"] == URL
    page = dpo_client.get(URL)
    sidebar = {
        a.get_text(" ", strip=True): a["href"] for a in soup(page).select("a.nav-link[href]")
    }
    assert sidebar["Datenschutz"] == URL
    assert "Auskunft und Löschung" not in sidebar  # not without handle_data_requests
    dpo.user_permissions.add(Permission.objects.get(codename="handle_data_requests"))
    page = dpo_client.get(URL)
    sidebar = {
        a.get_text(" ", strip=True): a["href"] for a in soup(page).select("a.nav-link[href]")
    }
    assert sidebar["Auskunft und Löschung"] == reverse("ulm_privacy:rights")


def test_the_officer_reads_the_log_in_german(dpo_client, logged):
    response = dpo_client.get(URL)
    assert response.status_code == 200
    text = visible_text(response)
    assert "Zugriffsprotokoll" in text
    shown = rows(response)
    # newest first: this reading itself, Karl's change, Anna's search, Anna's view
    assert [(r[1], r[2], r[3], r[4]) for r in shown] == [
        ("dora.datenschutz", "angesehen", "Zugriffsprotokoll", "—"),
        ("karl.kfz", "geändert", "Ticket", "12"),
        ("anna.agentin", "gesucht", "—", "—"),
        ("anna.agentin", "angesehen", "Ticket", "11"),
    ]
    assert "query: Müller" in shown[2][6]


def test_reading_the_log_is_recorded_with_its_filters(dpo_client, logged):
    assert dpo_client.get(URL, {"benutzer": "anna.agentin"}).status_code == 200
    [reading] = AuditEvent.objects.filter(username="dora.datenschutz")
    assert (reading.action, reading.object_type) == ("view", "ulm_privacy.auditevent")
    assert reading.detail == {"benutzer": "anna.agentin"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"benutzer": "anna.agentin"}, {"11", "—"}),
        ({"aktion": "change"}, {"12"}),
        ({"objektart": "helpdesk.ticket", "objekt": "11"}, {"11"}),
        ({"objektart": "helpdesk.ticket"}, {"11", "12"}),
    ],
)
def test_the_filters(dpo_client, logged, query, expected):
    response = dpo_client.get(URL, query)
    assert response.status_code == 200
    assert {r[4] for r in rows(response)} == expected


def test_the_period_filter(dpo_client, logged):
    old = insert_event(timezone.now() - timedelta(days=40), username="alt")
    day = (timezone.localdate() - timedelta(days=40)).isoformat()
    shown = rows(dpo_client.get(URL, {"von": day, "bis": day}))
    assert [r[1] for r in shown] == ["alt"]
    recent = rows(dpo_client.get(URL, {"von": timezone.localdate().isoformat()}))
    assert "alt" not in [r[1] for r in recent]
    assert AuditEvent.objects.filter(pk=old).exists()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"aktion": "anschauen"}, "Diese Aktion ist nicht bekannt."),
        ({"von": "2026-13-01"}, "„Von“ muss ein Datum wie 2026-11-30 sein."),
        (
            {"von": "2026-11-30", "bis": "2026-11-01"},
            "Der Zeitraum darf nicht enden, bevor er beginnt.",
        ),
        ({"bis": "1900-01-01"}, "„Bis“ muss zwischen 2000 und 2100 liegen."),
        ({"benutzer": "x" * 151}, "„Benutzer“ darf höchstens 150 Zeichen lang sein."),
        ({"objektart": "<script>"}, "Diese Objektart ist nicht bekannt."),
        ({"seite": "abc"}, "Die Seitenzahl ist nicht gültig."),
        ({"seite": "0"}, "Die Seitenzahl ist nicht gültig."),
    ],
)
def test_a_bad_filter_is_a_german_400(dpo_client, query, message):
    response = dpo_client.get(URL, query)
    assert response.status_code == 400
    assert message in visible_text(response)
    if "seite" not in query:  # the export has no pages
        export = dpo_client.get(EXPORT, query)
        assert export.status_code == 400
        assert message in visible_text(export)
    assert events(username="dora.datenschutz") == []  # a refused reading is no reading


def test_the_log_is_paginated(dpo_client, agent):
    for number in range(60):
        services.record(agent, "view", "helpdesk.ticket", number)
    first = dpo_client.get(URL, {"aktion": "view", "objektart": "helpdesk.ticket"})
    assert len(rows(first)) == 50
    assert "Seite 1 von 2" in visible_text(first)
    second = dpo_client.get(URL, {"aktion": "view", "objektart": "helpdesk.ticket", "seite": "2"})
    assert len(rows(second)) == 10
    link = soup(first).select_one("a.page-link")["href"]
    assert "aktion=view" in link
    assert "seite=2" in link


def test_the_export_is_a_german_csv_and_recorded(dpo_client, logged):
    response = dpo_client.get(EXPORT, {"benutzer": "anna.agentin"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="zugriffsprotokoll-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert table[0] == [
        "Zeitpunkt",
        "Benutzer",
        "Aktion",
        "Objektart",
        "Objekt",
        "Adresse",
        "Einzelheiten",
    ]
    assert [row[1:5] for row in table[1:]] == [
        ["anna.agentin", "gesucht", "", ""],
        ["anna.agentin", "angesehen", "Ticket", "11"],
    ]
    assert table[1][6] == "query: Müller"
    exported = AuditEvent.objects.get(username="dora.datenschutz")
    assert (exported.action, exported.detail) == ("export", {"benutzer": "anna.agentin"})


def test_the_export_defuses_formulas(dpo_client, agent):
    services.record(agent, "search", "", "", "/helpdesk/arbeitsliste/", query="=HYPERLINK(1)")
    services.record(agent, "view", "helpdesk.ticket", "+49 731", "")
    text = b"".join(dpo_client.get(EXPORT).streaming_content).decode("utf-8")
    table = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    cells = [cell for row in table for cell in row]
    assert "'+49 731" in cells
    assert "query: =HYPERLINK(1)" in cells  # not at the start of its cell: harmless
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_others_get_a_german_403_and_leave_no_event(client, agent, logged):
    client.force_login(agent)
    for url in (URL, EXPORT):
        response = client.get(url)
        assert response.status_code == 403
        assert "Nur die Datenschutzbeauftragten dürfen das Zugriffsprotokoll lesen." in (
            visible_text(response)
        )
    assert events(action="view", object_type="ulm_privacy.auditevent") == []


def test_nobody_logged_in_is_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_sidebar_links_the_log_for_the_officer_only(client, dpo, agent):
    client.force_login(dpo)
    link = soup(client.get(URL)).select_one(f'nav a[href="{URL}"]')
    assert link is not None
    assert link.get_text(strip=True) == "Datenschutz"
    client.force_login(agent)
    page = client.get(reverse("ulm_servicepoint:worklist"))
    assert soup(page).select_one(f'a[href="{URL}"]') is None
