"""XZuFi 2.2.0 / 2.3.1: import (leistung, organisationseinheit, zustaendigkeit, onlinedienst,
loesche), idempotent and versioned like DLDB, and our export read back the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ulm_knowledge import services
from ulm_knowledge.models import Service, Status
from ulm_knowledge.tests.conftest import by_external_id

DATA = Path(__file__).resolve().parent / "data"


def test_import_2_2_0(db):
    summary = services.import_services(DATA / "xzufi_2_2_0.xml", "xzufi")
    assert (summary.total, summary.created) == (3, 2)
    assert [(m.label, m.reason) for m in summary.malformed] == [
        ("leistung #3 (id L-300)", "hat keine Leistungsbezeichnung (Textmodul 02)")
    ]
    perso = by_external_id("xzufi:L-100")
    assert perso.name == "Personalausweis beantragen"
    assert perso.leika_keys == ["99008001000000"]
    assert (perso.fees, perso.processing_time) == ("37,00 Euro", "3 bis 4 Wochen")
    assert (perso.documents, perso.legal_basis) == ("- biometrisches Passfoto", "§ 9 PAuswG")
    assert perso.keywords == "Perso, Ausweis"
    assert perso.contact_points[0]["name"] == "Bürgerbüro Mitte"
    assert perso.contact_points[0]["opening_hours"] == "Mo–Fr 8–18 Uhr"
    assert perso.forms == [
        {
            "kind": "online",
            "title": "Termin online buchen",
            "url": "https://termine.ulm.example/personalausweis",
        }
    ]
    assert by_external_id("xzufi:L-200").deadlines == "Zwei Wochen vor dem Abholtermin"
    assert services.search("Perso", 1)[0].external_id == "xzufi:L-100"


def test_import_2_3_1_updates_versions_and_retires(db):
    services.import_services(DATA / "xzufi_2_2_0.xml", "xzufi")
    summary = services.import_services(DATA / "xzufi_2_3_1.xml", "xzufi")
    assert (summary.created, summary.updated, summary.retired) == (0, 1, 1)
    perso = by_external_id("xzufi:L-100")
    assert (perso.fees, perso.version) == ("46,00 Euro", 2)
    assert by_external_id("xzufi:L-200").status == Status.RETIRED
    again = services.import_services(DATA / "xzufi_2_3_1.xml", "xzufi")
    assert (again.updated, again.unchanged, again.retired) == (0, 1, 0)
    assert Service.objects.count() == 2


def test_dtd_is_refused(db, tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    with pytest.raises(
        CommandError, match="DTDs und Entitäten sind in XZuFi-Nachrichten nicht zulässig"
    ):
        call_command("import_services", "--format", "xzufi", str(bomb))


def test_export_reads_back_the_same(catalogue, tmp_path):
    target = tmp_path / "export.xml"
    call_command("export_services", "--format", "xzufi", "--xzufi-version", "2.3.1", str(target))
    assert b'xmlns:xzufi="http://xoev.de/schemata/xzufi/2_3_1"' in target.read_bytes()
    originals = {s.name: s for s in Service.objects.all()}
    Service.objects.all().delete()  # a fresh catalogue (no tickets point to these)

    summary = services.import_services(target, "xzufi")

    assert summary.created == 5
    for name, original in originals.items():
        copy = Service.objects.get(name=name)
        for field in ("short_text", "full_text", "documents", "requirements", "fees"):
            assert getattr(copy, field) == getattr(original, field), (name, field)
        assert copy.leika_keys == original.leika_keys
