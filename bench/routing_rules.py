"""Routing rules at scale: evaluation with 500 active rules, and the what-if over 100,000 tickets.

    .venv/bin/python bench/routing_rules.py [--rules 500] [--tickets 100000] [--reset]

Uses its own database on the project's PostgreSQL (ULM_DB_NAME=ulm_bench_routing): the demo
city and its request types, then --tickets typed tickets of the last 30 days generated in bulk
(helpdesk tickets with their case records: random request type, channel, typed values, text)
once; later runs reuse them (--reset drops the database).

1. Evaluation: --rules random but valid rules over the demo request types (request type, field
   values, words and regular expressions in the text, channel, weekday and time, priority,
   citizen known; a fifth without a request type, so they are looked at for every ticket) are
   validated, compiled once and evaluated on 10,000 tickets' facts in memory, as a first-match
   and as an all-match set; p50/p95/max per ticket. Target (issue 11): p95 ≤ 1 ms. Also
   ``evaluate_ticket`` end to end (the ticket's facts read from the database).
2. What-if: the same rules imported as the live rules, a tenth of them changed in a YAML
   document, and ``whatif.replay(30, changed)`` over every ticket of the last 30 days (facts read
   in bulk, both rule books compiled once). Target: 100,000 tickets ≤ 60 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "addons"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ULM_DB_NAME", "ulm_bench_routing")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DEBUG", "false")

WORDS = [
    "Antrag",
    "Termin",
    "Frage",
    "Sperrmüll",
    "Sofa",
    "Ausweis",
    "Kennzeichen",
    "Lärm",
    "Baustelle",
    "Nachbar",
    "Hund",
    "Steuer",
    "Urkunde",
    "Geburt",
    "Baum",
    "Garten",
    "Straße",
    "Laterne",
    "Schlagloch",
    "Gewerbe",
    "Fundbüro",
    "Schlüssel",
    "Rucksack",
    "bitte",
    "dringend",
    "heute",
    "morgen",
    "Beschwerde",
    "Frechheit",
    "danke",
    "Rückruf",
    "Gebühr",
    "Rechnung",
    "Bescheid",
    "Widerspruch",
    "Umzug",
    "Wohnung",
    "Parkausweis",
    "Zone",
    "Innenstadt",
    "Weststadt",
    "Elektro",
    "Kühlschrank",
    "Matratze",
]
CHANNELS = ["email", "phone", "web_form", "counter", "letter"]
DEPARTMENTS = [
    "buergerdienste",
    "kfz-zulassung",
    "ordnungsamt",
    "standesamt",
    "abfallwirtschaft",
    "bauordnung",
    "steuern",
    "soziales",
]
DAYS = ["mo", "di", "mi", "do", "fr", "sa", "so"]


def log(message: str) -> None:
    print(message, flush=True)


def percentiles(samples: list[float]) -> str:
    samples = sorted(samples)
    p95 = samples[int(0.95 * (len(samples) - 1))]
    return (
        f"p50 {statistics.median(samples):.3f} ms, p95 {p95:.3f} ms, max {samples[-1]:.3f} ms"
        f" ({len(samples)} tickets)"
    )


def schemas() -> dict[str, list[dict]]:
    from ulm_servicepoint.models import RequestType
    from ulm_servicepoint.services import current_schema

    return {t.slug: current_schema(t).fields for t in RequestType.objects.all()}


def random_value(rng: random.Random, spec: dict):
    kind = spec["type"]
    if kind == "yes_no":
        return rng.random() < 0.3
    if kind == "choice":
        return rng.choice(spec["choices"])
    if kind == "multi_choice":
        return rng.sample(spec["choices"], k=rng.randint(1, 2))
    if kind == "number":
        return rng.randint(1, 300)
    if kind == "address":
        return {
            "street": rng.choice(WORDS) + "straße",
            "house_number": str(rng.randint(1, 99)),
            "postcode": rng.choice(["89073", "89075", "89077", "89079", "89081", "89231"]),
            "city": "Ulm",
        }
    if kind == "date":
        return f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if kind == "time":
        return f"{rng.randint(0, 23):02d}:{rng.choice(['00', '15', '30', '45'])}"
    if kind in ("file", "file_reference", "email", "phone"):
        return None
    return " ".join(rng.choices(WORDS, k=rng.randint(1, 4)))


def random_condition(rng: random.Random, fields: list[dict]) -> dict:
    roll = rng.random()
    usable = [f for f in fields if f["type"] in ("yes_no", "choice", "number", "address", "text")]
    if roll < 0.35 and usable:
        spec = rng.choice(usable)
        if spec["type"] == "yes_no":
            return {"type": "field", "field": spec["key"], "op": rng.choice(["yes", "no"])}
        if spec["type"] == "choice":
            return {
                "type": "field",
                "field": spec["key"],
                "op": "in",
                "value": rng.sample(spec["choices"], k=min(2, len(spec["choices"]))),
            }
        if spec["type"] == "number":
            return {
                "type": "field",
                "field": spec["key"],
                "op": "greater",
                "value": rng.randint(1, 200),
            }
        if spec["type"] == "address":
            return {
                "type": "field",
                "field": f"{spec['key']}.postcode",
                "op": "prefix",
                "value": rng.choice(["8907", "8908", "892"]),
            }
        return {
            "type": "field",
            "field": spec["key"],
            "op": "contains",
            "value": rng.choice(WORDS).lower(),
        }
    if roll < 0.55:
        return {"type": "text", "words": rng.sample(WORDS, k=rng.randint(1, 3))}
    if roll < 0.65:
        return {"type": "text", "regex": rf"\b{rng.choice(WORDS)[:5]}\w*\s+\d{{1,3}}\b"}
    if roll < 0.8:
        return {"type": "channel", "in": rng.sample(CHANNELS, k=rng.randint(1, 3))}
    if roll < 0.9:
        start = rng.randint(0, 23)
        return {
            "type": "schedule",
            "weekdays": rng.sample(DAYS, k=rng.randint(2, 6)),
            "from": f"{start:02d}:00",
            "until": f"{(start + rng.randint(2, 12)) % 24:02d}:30",
        }
    if roll < 0.95:
        return {"type": "priority", "in": rng.sample([1, 2, 3, 4, 5], k=2)}
    return {"type": "citizen", "known": rng.random() < 0.5}


def random_rules(rng: random.Random, count: int, types: dict[str, list[dict]]) -> list[dict]:
    rules = []
    slugs = sorted(types)
    for number in range(count):
        conditions = []
        if rng.random() < 0.8:
            slug = rng.choice(slugs)
            conditions.append({"type": "request_type", "in": [slug]})
            fields = types[slug]
        else:
            fields = []
            conditions.append({"type": "text", "words": rng.sample(WORDS, k=2)})
        kinds = {c["type"] for c in conditions}
        for _ in range(rng.randint(1, 2)):
            condition = random_condition(rng, fields)
            if condition["type"] in kinds and condition["type"] != "field":
                continue
            if condition["type"] == "field" and any(
                c.get("field") == condition["field"] for c in conditions
            ):
                continue
            kinds.add(condition["type"])
            conditions.append(condition)
        actions = [{"type": "forward", "department": rng.choice(DEPARTMENTS)}]
        if rng.random() < 0.3:
            actions.append({"type": "tag", "name": rng.choice(WORDS).lower()})
        if rng.random() < 0.2:
            actions.append({"type": "priority", "set": rng.randint(1, 5)})
        rules.append(
            {
                "name": f"Regel {number:04d}",
                "active": True,
                "description": "",
                "conditions": conditions,
                "actions": actions,
            }
        )
    return rules


def random_ticket(rng: random.Random, types: dict[str, list[dict]]) -> dict:
    slug = rng.choice(sorted(types))
    values = {}
    for spec in types[slug]:
        value = random_value(rng, spec)
        if value is not None:
            values[spec["key"]] = value
    return {
        "slug": slug,
        "values": values,
        "channel": rng.choice(CHANNELS),
        "title": " ".join(rng.choices(WORDS, k=rng.randint(2, 6))),
        "text": " ".join(rng.choices(WORDS, k=rng.randint(10, 80))) + f" Nr {rng.randint(1, 999)}",
        "priority": rng.randint(1, 5),
        "citizen": rng.random() < 0.6,
    }


def generate(tickets: int) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from helpdesk.models import Queue, Ticket

    from ulm_routing.services import load_demo_routing
    from ulm_servicepoint import services as servicepoint
    from ulm_servicepoint.models import CaptureSchema, CaseRecord, Citizen, RequestType

    call_command("migrate", verbosity=0)
    servicepoint.load_demo_data()
    load_demo_routing()
    have = CaseRecord.objects.count()
    if have >= tickets:
        log(f"data present: {have} typed tickets (use --reset to regenerate)")
        return
    started = time.monotonic()
    rng = random.Random(11)
    types = schemas()
    by_slug = {t.slug: t for t in RequestType.objects.all()}
    schema_of = {s.request_type_id: s for s in CaptureSchema.objects.order_by("version")}
    queue = Queue.objects.get(slug="servicecenter")
    citizen = Citizen.objects.create(name="Bench", email="bench@example.org")
    now = timezone.now()
    batch = 5000
    for offset in range(have, tickets, batch):
        size = min(batch, tickets - offset)
        specs = [random_ticket(rng, types) for _ in range(size)]
        with transaction.atomic():
            rows = Ticket.objects.bulk_create(
                Ticket(
                    title=s["title"][:200],
                    description=s["text"],
                    queue=queue,
                    priority=s["priority"],
                    status=Ticket.OPEN_STATUS,
                )
                for s in specs
            )
            records = []
            for ticket, spec in zip(rows, specs, strict=True):
                when = now - timezone.timedelta(seconds=rng.randint(0, 29 * 24 * 3600))
                request_type = by_slug[spec["slug"]]
                records.append(
                    CaseRecord(
                        ticket=ticket,
                        request_type=request_type,
                        schema=schema_of[request_type.pk],
                        values=spec["values"],
                        channel=spec["channel"],
                        citizen=citizen if spec["citizen"] else None,
                        received_at=when,
                        captured_at=when,
                    )
                )
            CaseRecord.objects.bulk_create(records)
        log(f"  {offset + size} tickets")
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE helpdesk_ticket t SET created = c.received_at "
            "FROM ulm_servicepoint_caserecord c WHERE c.ticket_id = t.id"
        )
        cur.execute("ANALYZE")
    log(f"generated {tickets - have} tickets in {time.monotonic() - started:.1f} s")


def measure(rule_count: int) -> None:
    import yaml
    from django.utils import timezone

    from ulm_routing import rules_io, whatif
    from ulm_routing.facts import TicketFacts
    from ulm_routing.rules.base import RuleContext
    from ulm_routing.rules.engine import RuleSetSpec, RuleSpec, compile_rule_sets, evaluate
    from ulm_routing.rules.validation import validate_rule
    from ulm_servicepoint.models import RequestType

    rng = random.Random(7)
    types = schemas()
    context = RuleContext.load()
    started = time.perf_counter()
    rules = random_rules(rng, rule_count, types)
    specs = []
    for rule in rules:
        rule["conditions"], rule["actions"] = validate_rule(
            rule["name"], rule["conditions"], rule["actions"], context
        )
        specs.append(RuleSpec(None, rule["name"], rule["conditions"], rule["actions"]))
    log(f"{len(specs)} rules validated in {time.perf_counter() - started:.2f} s")
    leika = {t.slug: tuple(t.leika_key_list()) for t in RequestType.objects.all()}
    facts = []
    for _ in range(10_000):
        t = random_ticket(rng, types)
        facts.append(
            TicketFacts(
                ticket_id=None,
                title=t["title"],
                text=t["text"],
                priority=t["priority"],
                received=timezone.now() - timezone.timedelta(minutes=rng.randint(0, 60 * 24 * 30)),
                channel=t["channel"],
                request_type=t["slug"],
                leika_keys=leika[t["slug"]],
                values=t["values"],
                citizen_known=t["citizen"],
            )
        )
    for mode in ("first_match", "all_match"):
        started = time.perf_counter()
        compiled = compile_rule_sets([RuleSetSpec("Bench", mode, specs)], context)
        log(f"{mode}: compiled in {(time.perf_counter() - started) * 1000:.0f} ms")
        for f in facts[:500]:  # warm-up
            evaluate(compiled, f)
        timings, matched = [], 0
        for f in facts:
            begin = time.perf_counter()
            decision = evaluate(compiled, f)
            timings.append((time.perf_counter() - begin) * 1000)
            matched += bool(decision.matched)
        log(
            f"  evaluate:            {percentiles(timings)}   (target p95 ≤ 1 ms); "
            f"{matched} tickets matched a rule"
        )
        timings = []
        for f in facts[:2000]:
            begin = time.perf_counter()
            evaluate(compiled, f).explain()
            timings.append((time.perf_counter() - begin) * 1000)
        log(f"  evaluate + explain:  {percentiles(timings)}   (the dry run's table of all rules)")

    document = {
        "version": 1,
        "rule_sets": [{"name": "Bench", "mode": "first_match", "active": True, "rules": rules}],
    }
    started = time.perf_counter()
    summary = rules_io.import_rules(rules_io.dump(document))
    log(
        f"import of {rule_count} rules as the live rules: {summary.as_text()} "
        f"({time.perf_counter() - started:.1f} s)"
    )
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from helpdesk.models import Ticket

    from ulm_routing import routing

    ids = list(Ticket.objects.order_by("?").values_list("pk", flat=True)[:1000])
    routing.evaluate_ticket(ids[0])  # compiles the live rules once
    timings = []
    for ticket_id in ids:
        begin = time.perf_counter()
        routing.evaluate_ticket(ticket_id)
        timings.append((time.perf_counter() - begin) * 1000)
    with CaptureQueriesContext(connection) as queries:
        routing.evaluate_ticket(ids[0])
    log(
        f"evaluate_ticket (facts from the database, {len(queries)} queries, live rules "
        f"cached): {percentiles(timings)}"
    )
    changed = yaml.safe_load(rules_io.dump(document))
    for rule in rng.sample(changed["rule_sets"][0]["rules"], k=rule_count // 10):
        rule["actions"][0]["department"] = rng.choice(DEPARTMENTS)
    candidate = rules_io.specs_of(rules_io.check_document(rules_io.dump(changed)))
    started = time.perf_counter()
    result = whatif.replay(30, candidate)
    seconds = time.perf_counter() - started
    log(
        f"what-if: {result.tickets} tickets of the last 30 days replayed in {seconds:.1f} s "
        f"({result.tickets / seconds:,.0f} tickets/s), {len(result.changed)} would go elsewhere "
        f"(target: 100,000 tickets ≤ 60 s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rules", type=int, default=500)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--reset", action="store_true")
    args = parser.parse_args()
    if args.reset and not os.environ.get("DATABASE_URL"):
        from config import embedded_pg

        embedded_pg.ensure_running()
        psql = [embedded_pg._bin("psql"), "-h", str(embedded_pg.socket_dir()), "-U", "postgres"]
        name = os.environ["ULM_DB_NAME"]
        embedded_pg._run_as_owner([*psql, "-d", "postgres", "-c", f'DROP DATABASE "{name}"'])
    import django

    django.setup()
    generate(args.tickets)
    measure(args.rules)
    return 0


if __name__ == "__main__":
    sys.exit(main())
