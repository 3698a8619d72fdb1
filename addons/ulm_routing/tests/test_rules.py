"""Rules: conditions on ticket and case record, first-match and all-match, the explained dry
run, run-time failures that never raise, validation with German messages, versions."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from helpdesk.models import FollowUp

from tests.support.html import soup
from ulm_routing import rulebook, services
from ulm_routing.models import (
    PlannedNotification,
    Rule,
    RuleSet,
    RuleVersion,
    TicketSLA,
    TicketTag,
)
from ulm_routing.rules.base import RuleContext, RuleInvalid
from ulm_routing.rules.engine import RuleSetSpec, RuleSpec, compile_rule_sets, evaluate
from ulm_routing.rules.validation import validate_rule
from ulm_servicepoint.models import CaseRecord
from ulm_servicepoint.services import CitizenData

pytestmark = pytest.mark.django_db

SPERRMUELL = {
    "abholadresse": {
        "street": "Frauenstraße",
        "house_number": "12",
        "postcode": "89073",
        "city": "Ulm",
    },
    "gegenstaende": "1 Sofa",
    "elektro": True,
}
DANGER = {"art": "Schlagloch", "ort": "Neue Straße 3", "gefahr": True}


def test_demo_rules_route_by_request_type_and_field(routing, capture):
    decision = routing.evaluate_ticket(capture("sperrmuell-abholung", SPERRMUELL))
    assert decision.department == "abfallwirtschaft"
    assert decision.tags == ["elektrogeräte"]
    assert next(r.name for r in decision.matched) == "Sperrmüll mit Elektrogeräten"

    without = routing.evaluate_ticket(
        capture("sperrmuell-abholung", {**SPERRMUELL, "elektro": False})
    )
    assert without.department == "abfallwirtschaft"
    assert without.tags == []
    assert without.decided_by["department"].name == "Sperrmüll"


def test_service_channel_text_and_citizen_conditions(routing, capture):
    kfz = routing.evaluate_ticket(capture("kfz-zulassung", {"vorgang": "Neuzulassung"}))
    assert kfz.department == "kfz-zulassung"  # by the LeiKa key of the request type
    assert kfz.sla_policy == "Kfz-Zulassung"

    # the plate in the text counts only for mail and web form; an anonymous caller gets a note
    phoned = capture(
        "fundsache",
        {"verloren_gefunden": "Verloren", "gegenstand": "Schlüssel", "datum": "2026-11-20"},
        message="Kennzeichen UL-AB 123",
    )
    decision = routing.evaluate_ticket(phoned)
    assert decision.department is None
    assert [text for text, _rule in decision.notes] == [
        "Anrufende Person ist nicht im Register – Rückrufnummer erfragen."
    ]
    mailed = capture(
        "fundsache",
        {"verloren_gefunden": "Verloren", "gegenstand": "Schlüssel", "datum": "2026-11-20"},
        channel="email",
        citizen=CitizenData(name="Eva", email="eva@example.org"),
        message="Mein Wagen UL-AB 123 ist betroffen. Eine Frechheit!",
    )
    decision = routing.evaluate_ticket(mailed)
    assert decision.department == "kfz-zulassung"
    assert decision.tags == ["beschwerde"]  # all-match set: words German-folded
    assert decision.notes == []  # the citizen is known


def test_schedule_and_priority_conditions(routing):
    compiled = compile_rule_sets(
        [
            RuleSetSpec(
                "Nacht",
                "all_match",
                [
                    RuleSpec(
                        1,
                        "Nachts",
                        [
                            {
                                "type": "schedule",
                                "from": "22:00",
                                "until": "06:00",
                                "weekdays": ["sa", "so"],
                            }
                        ],
                        [{"type": "tag", "name": "nacht"}],
                    ),
                    RuleSpec(
                        2,
                        "Dringend",
                        [{"type": "priority", "in": [1, 2]}],
                        [{"type": "tag", "name": "dringend"}],
                    ),
                ],
            )
        ],
    )
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from ulm_routing.facts import TicketFacts

    def facts(when: str, priority=3):
        return TicketFacts(
            ticket_id=None,
            received=datetime.fromisoformat(when).replace(tzinfo=ZoneInfo("Europe/Berlin")),
            priority=priority,
        )

    assert evaluate(compiled, facts("2026-11-21T23:30")).tags == ["nacht"]  # Saturday night
    assert evaluate(compiled, facts("2026-11-22T05:59")).tags == ["nacht"]  # Sunday morning
    assert evaluate(compiled, facts("2026-11-23T23:30")).tags == []  # Monday
    assert evaluate(compiled, facts("2026-11-21T12:00", priority=1)).tags == ["dringend"]


def test_first_match_stops_and_explains_every_rule(routing, capture):
    ticket = capture("strassenschaden", DANGER)
    result = routing.dry_run(ticket)
    assert result.decision.department == "ordnungsamt"
    states = {o.ref.name: o for o in result.outcomes}
    matched = states["Akute Gefahr im Straßenraum"]
    assert matched.state == "matched"
    assert all(c.held for c in matched.conditions)
    # a later rule of the first-match set was not checked; one of another type fails on it
    assert states["Kennzeichen im Text"].state == "not_checked"
    assert states["Sperrmüll"].state == "failed"
    assert states["Sperrmüll"].conditions[0].held is False
    beschwerde = states["Beschwerde"]
    assert beschwerde.state == "failed"
    assert beschwerde.conditions[0].held is False
    assert "Beschwerde" in beschwerde.conditions[0].text


def test_rule_that_fails_at_run_time_is_reported_not_raised(routing, capture, caplog):
    # a number comparison on a value that is no number: the rule fails, evaluation goes on
    compiled = compile_rule_sets(
        [
            RuleSetSpec(
                "Test",
                "all_match",
                [
                    RuleSpec(
                        7,
                        "Kaputt",
                        [{"type": "field", "field": "gegenstaende", "op": "greater", "value": 3}],
                        [{"type": "tag", "name": "x"}],
                    ),
                    RuleSpec(8, "Heil", [], [{"type": "tag", "name": "heil"}]),
                ],
            )
        ],
        RuleContext.load(),
    )
    ticket = capture("sperrmuell-abholung", SPERRMUELL)
    with caplog.at_level(logging.ERROR, logger="ulm_routing.rules.engine"):
        decision = routing.evaluate_ticket(ticket, compiled)
    assert decision.tags == ["heil"]
    assert not decision.ok
    assert decision.errors[0].startswith("Regel „Kaputt“ ist fehlgeschlagen")
    assert "Kaputt" in caplog.text
    outcome = next(o for o in decision.explain() if o.ref.name == "Kaputt")
    assert outcome.state == "error"


def test_route_ticket_applies_every_action(routing, capture, agent):
    ticket = capture("strassenschaden", DANGER, channel="counter")
    record = routing.route_ticket(ticket, by=agent)
    ticket.refresh_from_db()
    assert ticket.queue.slug == "ordnungsamt"
    assert ticket.priority == 1
    assert ticket.case_record.level == 2
    assert record.department == ticket.queue
    assert [r["name"] for r in record.matched_rules] == ["Akute Gefahr im Straßenraum"]
    assert list(TicketTag.objects.filter(ticket=ticket).values_list("name", flat=True)) == [
        "gefahr"
    ]
    sla = TicketSLA.objects.get(ticket=ticket)
    assert sla.policy.name == "Dringend"
    assert sla.first_response_due is not None
    notes = FollowUp.objects.filter(ticket=ticket, public=False)
    assert {n.title for n in notes} == {
        "Weitergeleitet an Ordnungsamt",
        "Notiz der Weiterleitungsregel „Akute Gefahr im Straßenraum“",
    }
    # mail is recorded, not sent
    mailed = capture(
        "fundsache",
        {"verloren_gefunden": "Gefunden", "gegenstand": "Tasche", "datum": "2026-11-20"},
        message="Beschwerde!",
    )
    routing.route_ticket(mailed)
    planned = PlannedNotification.objects.get(ticket=mailed)
    assert (planned.recipient, planned.sent_at) == ("servicecenter-leitung@ulm.example", None)


def _messages(conditions, actions, name="Testregel"):
    with pytest.raises(RuleInvalid) as raised:
        validate_rule(name, conditions, actions, RuleContext.load())
    return raised.value.messages


def test_invalid_rules_are_refused_with_german_messages_naming_rule_and_fault(routing):
    forward = [{"type": "forward", "department": "abfallwirtschaft"}]
    assert _messages([], [{"type": "forward", "department": "mondamt"}]) == [
        "Regel „Testregel“, Aktion 1 (An eine Abteilung weiterleiten): "
        "es gibt keine Abteilung „mondamt“"
    ]
    (regex,) = _messages([{"type": "text", "regex": "Sperr(müll"}], forward)
    assert regex.startswith("Regel „Testregel“, Bedingung 1 (Wörter in Betreff oder Text): ")
    assert "„Sperr(müll“ lässt sich nicht übersetzen" in regex
    (field,) = _messages(
        [
            {"type": "request_type", "in": ["sperrmuell-abholung"]},
            {"type": "field", "field": "bezirk", "op": "equals", "value": "Mitte"},
        ],
        forward,
    )
    assert field.endswith("die Anliegenart „sperrmuell-abholung“ hat kein Feld „bezirk“")
    (contradiction,) = _messages(
        [{"type": "channel", "in": ["phone"]}, {"type": "channel", "in": ["email"]}], forward
    )
    assert contradiction == (
        "Regel „Testregel“: Die Bedingungen widersprechen sich (Kanal): "
        "kein Ticket kann sie erfüllen."
    )
    (fields,) = _messages(
        [
            {"type": "request_type", "in": ["sperrmuell-abholung"]},
            {"type": "field", "field": "elektro", "op": "yes"},
            {"type": "field", "field": "elektro", "op": "no"},
        ],
        forward,
    )
    assert "widersprechen sich (Feld elektro)" in fields


def test_admin_refuses_an_invalid_rule_and_saves_a_valid_one_with_history(
    routing, client, admin_user
):
    client.force_login(admin_user)
    rule_set = RuleSet.objects.get(name="Zuständigkeit")
    url = reverse("admin:ulm_routing_rule_add")
    data = {
        "rule_set": rule_set.pk,
        "position": 5,
        "name": "Regex kaputt",
        "active": "on",
        "description": "",
        "conditions_yaml": "- {type: text, regex: '(offen'}",
        "actions_yaml": "- {type: forward, department: ordnungsamt}",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    errors = soup(response).select(".errornote, .errorlist")
    assert any("Regel „Regex kaputt“" in e.get_text() for e in errors)
    assert not Rule.objects.filter(name="Regex kaputt").exists()

    data.update(
        name="Lärm Gaststätte",
        conditions_yaml=(
            "- {type: request_type, in: [laermbeschwerde]}\n"
            "- {type: field, field: quelle, op: equals, value: Gaststätte}"
        ),
    )
    response = client.post(url, data)
    assert response.status_code == 302
    rule = Rule.objects.get(name="Lärm Gaststätte")
    data.update(
        actions_yaml="- {type: forward, department: ordnungsamt}\n- {type: priority, set: 2}"
    )
    client.post(reverse("admin:ulm_routing_rule_change", args=[rule.pk]), data)
    versions = list(RuleVersion.objects.filter(rule=rule).order_by("number"))
    assert [(v.number, v.change, v.author) for v in versions] == [
        (1, "created", admin_user),
        (2, "changed", admin_user),
    ]
    page = client.get(reverse("admin:ulm_routing_rule_change", args=[rule.pk]))
    history = page.content.decode()
    assert "geändert" in history
    assert "angelegt" in history
    assert "admin" in history


def test_live_rules_are_compiled_again_after_a_change(routing, capture):
    ticket = capture(
        "laermbeschwerde", {"quelle": "Baustelle", "ort": "Hafengasse", "datum": "2026-11-20"}
    )
    # received by day: the demo's rule "Lärm in der Nacht" (22:00–06:00) does not apply
    noon = datetime(2026, 11, 20, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    CaseRecord.objects.filter(ticket=ticket).update(received_at=noon)
    assert routing.evaluate_ticket(ticket).department is None
    rulebook.save_rule(
        Rule(
            rule_set=RuleSet.objects.get(name="Zuständigkeit"),
            position=1,
            name="Alle Lärmbeschwerden",
            conditions=[{"type": "request_type", "in": ["laermbeschwerde"]}],
            actions=[{"type": "forward", "department": "ordnungsamt"}],
        )
    )
    assert routing.evaluate_ticket(ticket).department == "ordnungsamt"


def test_dry_run_page_shows_decision_and_rules(routing, capture, client, admin_user):
    ticket = capture("strassenschaden", DANGER)
    client.force_login(admin_user)
    page = client.get(reverse("admin:ulm_routing_dry_run"), {"ticket": ticket.pk})
    assert page.status_code == 200
    text = soup(page).get_text(" ")
    assert "ordnungsamt" in text
    assert "Akute Gefahr im Straßenraum" in text
    assert "nicht geprüft" in text
    missing = client.get(reverse("admin:ulm_routing_dry_run"), {"ticket": 999999})
    assert missing.status_code == 404
    bad = client.get(reverse("admin:ulm_routing_dry_run"), {"ticket": "x"})
    assert bad.status_code == 400


def test_drafts_are_published_with_versions(routing, admin_user):
    live = RuleSet.objects.get(name="Hinweise")
    draft = services.create_draft(live, admin_user)
    draft.rules.filter(name="Beschwerde").delete()
    services.publish_draft(draft, admin_user)
    assert list(live.rules.values_list("name", flat=True)) == ["Anruf ohne bekannte Person"]
    assert RuleVersion.objects.filter(label="Hinweise › Beschwerde", change="deleted").exists()
    assert not RuleSet.objects.filter(draft_of__isnull=False).exists()
