"""The DLDB import: what it stores, that it is idempotent and versioned, and that a malformed
item is named and skipped while the rest is imported."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError
from helpdesk.models import KBItem, Queue, Ticket

from ulm_knowledge import services
from ulm_knowledge.models import ItemVersion, SearchEntry, Service, Status
from ulm_knowledge.tests.conftest import SAMPLE, by_external_id


def test_import_stores_the_text_modules(catalogue):
    assert (catalogue.created, catalogue.updated, catalogue.unchanged) == (5, 0, 0)
    perso = by_external_id("dldb:9001")
    assert perso.status == Status.PUBLISHED
    assert perso.leika_keys == ["99008001000000"]
    assert perso.fees == "37,00 Euro"
    assert perso.documents == "- biometrisches Passfoto"
    assert perso.requirements == "- Hauptwohnsitz in Ulm"
    assert perso.short_text.startswith("Sie brauchen einen neuen Personalausweis?")
    assert "Der Ausweis gilt zehn Jahre." in perso.full_text
    assert "<p>" not in perso.full_text
    # the host's KB item underneath keeps Ticket.kbitem and the host's KB pages working
    assert KBItem.objects.get(pk=perso.kbitem_id).title == "Personalausweis"
    assert by_external_id("dldb:9004").leika_keys == ["99036008007003", "99036008007004"]


def test_malformed_items_are_named_and_skipped(catalogue):
    reasons = {m.label: m.reason for m in catalogue.malformed}
    assert reasons == {
        "#6 (id 9006)": "hat keine Bezeichnung (name)",
        "#7 (id 9007)": "leika: kein 14-stelliger LeiKa-Schlüssel: 12345",
        "#8": "ist kein JSON-Objekt",
    }
    assert Service.objects.count() == 5


def test_reimport_changes_nothing(catalogue):
    again = services.import_services(SAMPLE)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert Service.objects.count() == 5
    assert ItemVersion.objects.count() == 5


def test_a_change_is_updated_and_versioned(catalogue, tmp_path):
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data["data"][0]["fees"] = "<p>46,00 Euro ab 1. Januar</p>"
    changed = tmp_path / "services.json"
    changed.write_text(json.dumps(data), encoding="utf-8")

    summary = services.import_services(changed)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 4)
    perso = by_external_id("dldb:9001")
    assert perso.version == 2
    assert perso.fees == "46,00 Euro ab 1. Januar"
    old, new = (services.version_of(perso.kbitem, n) for n in (1, 2))
    assert (old.data["fees"], new.data["fees"]) == ("37,00 Euro", "46,00 Euro ab 1. Januar")
    assert Service.objects.count() == 5


def test_command_prints_summary_and_names_malformed(db, capsys):
    call_command("import_services", "--format", "dldb", str(SAMPLE))
    out, err = capsys.readouterr()
    assert "8 Einträge: 5 neu, 0 geändert, 0 unverändert, 0 außer Dienst, 3 fehlerhaft" in out
    assert "Übersprungen: Eintrag #6 (id 9006): hat keine Bezeichnung (name)" in err


def test_command_refuses_unreadable_file(db, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="Datei nicht lesbar"):
        call_command("import_services", "--format", "dldb", str(broken))
    assert not Service.objects.exists()


def test_command_refuses_unreadable_locations_file(db, tmp_path):
    broken = tmp_path / "locations.json"
    broken.write_text('["kein Objekt"', encoding="utf-8")
    with pytest.raises(CommandError, match=r"locations\.json: ist kein lesbares JSON"):
        call_command("import_services", "--format", "dldb", "--locations", str(broken), str(SAMPLE))
    assert not Service.objects.exists()


def test_booking_link_of_a_place_goes_into_the_answer(db, tmp_path):
    # Munich's export: the place's appointment booking sits in the service's location entry
    item = {
        "id": "77",
        "name": "Wohnsitzanmeldung",
        "description": "<p>Melden Sie sich innerhalb von zwei Wochen an.</p>",
        "locations": [
            {
                "location": "10",
                "appointment": {"link": "https://termine.example/77/10", "allowed": True},
            },
            {
                "location": "11",
                "appointment": {"link": "https://termine.example/x", "allowed": False},
            },
        ],
    }
    places = {"data": [{"id": "10", "name": "Bürgerbüro Mitte", "address": {"city": "Ulm"}}]}
    (tmp_path / "s.json").write_text(json.dumps({"data": [item]}), encoding="utf-8")
    (tmp_path / "l.json").write_text(json.dumps(places), encoding="utf-8")

    services.import_services(tmp_path / "s.json", locations=tmp_path / "l.json")

    text = services.compose_answer(by_external_id("dldb:77"))
    assert "- Bürgerbüro Mitte – Ulm" in text
    assert "Termin vereinbaren: https://termine.example/77/10" in text
    assert "termine.example/x" not in text


def test_kbitem_with_tickets_cannot_be_deleted(catalogue, demo):
    perso = by_external_id("dldb:9001")
    ticket = Ticket.objects.create(
        title="Perso", queue=Queue.objects.get(slug="servicecenter"), kbitem=perso.kbitem
    )
    with pytest.raises(ProtectedError):
        KBItem.objects.get(pk=perso.kbitem_id).delete()
    assert Ticket.objects.filter(pk=ticket.pk).exists()


def test_retired_item_leaves_search_and_keeps_its_tickets(catalogue):
    perso = by_external_id("dldb:9001")
    services.retire_item(perso)
    assert not SearchEntry.objects.filter(kbitem_id=perso.kbitem_id).exists()
    assert "dldb:9001" not in [h.external_id for h in services.search("Personalausweis")]
    assert KBItem.objects.get(pk=perso.kbitem_id).enabled is False
