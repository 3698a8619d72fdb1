"""YAML import and export, all or nothing; the what-if replay (function, command, admin)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from helpdesk.models import Ticket

from tests.support.html import soup
from ulm_routing import services
from ulm_routing.models import Rule, RuleSet, RuleVersion
from ulm_routing.rules_io import check_document, specs_of

pytestmark = pytest.mark.django_db

SPERRMUELL = {
    "abholadresse": {"street": "A", "house_number": "1", "postcode": "89073", "city": "Ulm"},
    "gegenstaende": "Sofa",
    "elektro": False,
}


def test_export_import_export_gives_the_same_file(routing, tmp_path, capsys):
    first = tmp_path / "regeln.yaml"
    call_command("routing_rules", "export", str(first))
    call_command("routing_rules", "import", str(first))
    assert "0 neu, 0 geändert, 0 gelöscht, 9 unverändert" in capsys.readouterr().out
    second = tmp_path / "wieder.yaml"
    call_command("routing_rules", "export", str(second))
    assert first.read_text() == second.read_text()
    assert yaml.safe_load(first.read_text())["rule_sets"][0]["name"] == "Zuständigkeit"


def test_import_with_one_bad_rule_changes_nothing(routing, tmp_path):
    document = yaml.safe_load(services.export_rules())
    rules = document["rule_sets"][0]["rules"]
    rules[0]["actions"].append({"type": "tag", "name": "neu"})  # a good change …
    rules.append(
        {
            "name": "Kaputt",
            "conditions": [{"type": "text", "regex": "[a-"}],
            "actions": [{"type": "forward", "department": "nirgendwo"}],
        }
    )  # … and a bad rule
    path = tmp_path / "regeln.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    versions = RuleVersion.objects.count()
    before = services.export_rules()
    with pytest.raises(CommandError) as raised:
        call_command("routing_rules", "import", str(path))
    message = str(raised.value)
    assert message.startswith("Nichts wurde importiert:")
    assert (
        "Regel „Kaputt“, Bedingung 1 (Wörter in Betreff oder Text): der reguläre Ausdruck"
        in message
    )
    assert (
        "Regel „Kaputt“, Aktion 1 (An eine Abteilung weiterleiten): "
        "es gibt keine Abteilung „nirgendwo“" in message
    )
    assert services.export_rules() == before
    assert RuleVersion.objects.count() == versions


def test_import_versions_changes_and_dry_run_changes_nothing(routing, admin_user):
    document = yaml.safe_load(services.export_rules())
    document["rule_sets"][0]["rules"].pop()  # Baumfällung goes
    document["rule_sets"].append(
        {
            "name": "Neu",
            "mode": "all_match",
            "rules": [{"name": "Alles markieren", "actions": [{"type": "tag", "name": "alle"}]}],
        }
    )
    text = yaml.safe_dump(document, allow_unicode=True)
    summary = services.import_rules(text, author=admin_user, dry_run=True)
    assert (summary.created, summary.deleted, summary.sets_created) == (1, 1, 1)
    assert not RuleSet.objects.filter(name="Neu").exists()
    services.import_rules(text, author=admin_user)
    assert Rule.objects.get(name="Alles markieren").versions.get().author == admin_user
    deleted = RuleVersion.objects.get(label="Zuständigkeit › Baumfällung in Ulm", change="deleted")
    assert deleted.author == admin_user


def _ticket_days_ago(capture, days, **values):
    ticket = capture("sperrmuell-abholung", {**SPERRMUELL, **values}, channel="counter")
    Ticket.objects.filter(pk=ticket.pk).update(created=timezone.now() - timedelta(days=days))
    ticket.case_record.__class__.objects.filter(ticket=ticket).update(
        received_at=timezone.now() - timedelta(days=days)
    )
    return ticket


CHANGED = """\
version: 1
rule_sets:
- name: Zuständigkeit
  mode: first_match
  rules:
  - name: Elektro an die Bürgerdienste
    conditions:
    - {type: request_type, in: [sperrmuell-abholung]}
    - {type: field, field: elektro, op: 'yes'}
    actions:
    - {type: forward, department: buergerdienste}
  - name: Sperrmüll
    conditions:
    - {type: request_type, in: [sperrmuell-abholung]}
    actions:
    - {type: forward, department: abfallwirtschaft}
"""


def test_replay_shows_which_tickets_would_go_elsewhere(routing, capture):
    moved = _ticket_days_ago(capture, 3, elektro=True)
    _ticket_days_ago(capture, 4)
    _ticket_days_ago(capture, 40, elektro=True)  # too old
    changed = specs_of(check_document(CHANGED))
    with CaptureQueriesContext(connection) as few:
        result = services.replay(30, changed)
    ids = [c.ticket_id for c in result.changed]
    assert ids == [moved.pk]
    assert result.changed[0].before == "abfallwirtschaft"
    assert result.changed[0].after == "buergerdienste"
    assert result.changed[0].rule_after == "Elektro an die Bürgerdienste"
    assert result.departments["buergerdienste"].gained == 1
    assert result.departments["abfallwirtschaft"].lost == 1
    # the tickets are read in bulk: the query count does not grow with them
    for _ in range(5):
        _ticket_days_ago(capture, 2)
    with CaptureQueriesContext(connection) as more:
        services.replay(30, changed)
    assert len(more) == len(few)


def test_replay_of_drafts_and_command_json(routing, capture, admin_user, capsys, tmp_path):
    _ticket_days_ago(capture, 1, elektro=True)
    draft = services.create_draft(RuleSet.objects.get(name="Zuständigkeit"), admin_user)
    rule = draft.rules.get(name="Sperrmüll mit Elektrogeräten")
    rule.actions = [{"type": "forward", "department": "bauordnung"}]
    services.save_rule(rule, admin_user)
    result = services.replay(7)
    assert [(c.before, c.after) for c in result.changed] == [("abfallwirtschaft", "bauordnung")]
    # the live rules still route as before
    assert services.compiled_live().sets[0].rules[1].spec.actions[0]["department"] == (
        "abfallwirtschaft"
    )
    path = tmp_path / "neu.yaml"
    path.write_text(CHANGED)
    call_command("routing_whatif", "--days", "7", "--rules", str(path), "--json")
    output = json.loads(capsys.readouterr().out)
    assert output["changed_count"] == 1
    assert output["changed"][0]["after"] == "buergerdienste"
    with pytest.raises(CommandError, match=r"Spielen Sie 1 bis 366 Tage nach\."):
        call_command("routing_whatif", "--days", "0")


def test_whatif_page(routing, capture, client, admin_user):
    _ticket_days_ago(capture, 1, elektro=True)
    client.force_login(admin_user)
    url = reverse("admin:ulm_routing_whatif")
    assert client.get(url).status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(url, {"days": 7, "rules": SimpleUploadedFile("r.yaml", CHANGED.encode())})
    assert page.status_code == 200
    text = soup(page).get_text(" ")
    replayed = Ticket.objects.filter(created__gte=timezone.now() - timedelta(days=7)).count()
    assert f"{replayed} Tickets nachgespielt, 1 würden anders weitergeleitet." in " ".join(
        text.split()
    )
    bad = client.post(url, {"days": 7, "rules": SimpleUploadedFile("r.yaml", b"rule_sets: [")})
    assert bad.status_code == 400
    assert "kein gültiges YAML" in soup(bad).get_text()


def test_import_page_refuses_bad_file_and_imports_good_one(routing, client, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin_user)
    url = reverse("admin:ulm_routing_import")
    bad = client.post(
        url,
        {
            "file": SimpleUploadedFile(
                "r.yaml", CHANGED.replace("buergerdienste", "mondamt").encode()
            )
        },
    )
    assert bad.status_code == 400
    assert "es gibt keine Abteilung „mondamt“" in soup(bad).get_text()
    good = client.post(url, {"file": SimpleUploadedFile("r.yaml", CHANGED.encode())})
    assert good.status_code == 302
    assert list(Rule.objects.values_list("name", flat=True)) == [
        "Elektro an die Bürgerdienste",
        "Sperrmüll",
    ]
    export = client.get(reverse("admin:ulm_routing_export"))
    assert "Elektro an die Bürgerdienste" in export.content.decode()
