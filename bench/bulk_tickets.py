"""Many tickets fast, for benchmarks: ``INSERT … SELECT generate_series`` straight into the
host's tables and ours (tickets, stable references, handoffs, callbacks). Reusable:

    from bench.bulk_tickets import generate
    counts = generate(cursor, tickets=1_000_000, handoff_every=5, open_every=20, callbacks=20_000)

Tickets are spread over every queue and the last 400 days; every ``handoff_every``-th ticket
has a handoff to its queue's department (every ``open_every``-th of those still open, in one of
the open states, due between 10 days ago and 10 days ahead); callbacks are spread over the
departments. Runs in the caller's transaction (the benchmarks roll it back) and ANALYZEs."""

from __future__ import annotations

import time


def generate(
    cursor,
    tickets: int = 1_000_000,
    handoff_every: int = 5,
    open_every: int = 20,
    callbacks: int = 20_000,
    prefix: str = "SC",
) -> dict[str, float]:
    started = time.perf_counter()
    cursor.execute("SELECT coalesce(max(id), 0) FROM helpdesk_ticket")
    base = cursor.fetchone()[0]
    cursor.execute("SELECT array_agg(id ORDER BY id) FROM helpdesk_queue")
    queues = cursor.fetchone()[0]
    cursor.execute(
        """
        INSERT INTO helpdesk_ticket (id, title, queue_id, created, modified, submitter_email,
            status, on_hold, description, resolution, priority, secret_key)
        SELECT %(base)s + g, 'Massenanliegen ' || g, (%(queues)s::int[])[1 + g %% %(nq)s],
            now() - (g %% 400) * interval '1 day', now(), 'b' || g || '@example.org',
            CASE WHEN g %% 3 = 0 THEN 4 ELSE 1 END, false, 'Text ' || g, '', 3,
            md5(g::text)
        FROM generate_series(1, %(n)s) AS g
        """,
        {"base": base, "queues": queues, "nq": len(queues), "n": tickets},
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('helpdesk_ticket', 'id'), %s)", [base + tickets]
    )
    cursor.execute(
        """
        INSERT INTO ulm_servicepoint_ticketreference (ticket_id, reference, created_at,
            updated_at)
        SELECT %(base)s + g,
            %(prefix)s || '-1999-' || lpad(g::text, greatest(6, length(g::text)), '0'),
            now(), now()
        FROM generate_series(1, %(n)s) AS g
        """,
        {"base": base, "n": tickets, "prefix": prefix},
    )
    cursor.execute(
        """
        INSERT INTO ulm_routing_handoff (uuid, ticket_id, department_id, override_reason,
            summary, values, told_citizen, state, forwarded_at, clock_started_at, due_at,
            question, answer, reason, escalation_step, created_at, updated_at)
        SELECT gen_random_uuid(), t.id, t.queue_id, '', t.title, '[]', '',
            CASE WHEN (t.id / %(every)s) %% %(open)s = 0
                 THEN (ARRAY['open','asked_first_level','open','open'])[1 + t.id %% 4]
                 ELSE 'answered' END,
            t.created, t.created,
            now() + ((t.id %% 480) - 240) * interval '1 hour', '', '', '', 0, now(), now()
        FROM helpdesk_ticket t
        WHERE t.id > %(base)s AND t.id %% %(every)s = 0
        """,
        {"base": base, "every": handoff_every, "open": open_every},
    )
    handoffs = cursor.rowcount
    cursor.execute(
        """
        INSERT INTO ulm_routing_callback (uuid, caller_name, phone, subject, department_id,
            window_start, window_end, state, attempts, note, escalation_step, created_at,
            updated_at)
        SELECT gen_random_uuid(), 'Anrufer ' || g,
            '+49731' || lpad(g::text, greatest(6, length(g::text)), '0'),
            'Rückruf ' || g, (%(queues)s::int[])[1 + g %% %(nq)s],
            now() - interval '3 days', now() + ((g %% 96) - 48) * interval '1 hour',
            CASE WHEN g %% 10 = 0 THEN 'open' ELSE 'done' END, 0, '', 0, now(), now()
        FROM generate_series(1, %(n)s) AS g
        """,
        {"queues": queues, "nq": len(queues), "n": callbacks},
    )
    for table in (
        "helpdesk_ticket",
        "ulm_servicepoint_ticketreference",
        "ulm_routing_handoff",
        "ulm_routing_callback",
    ):
        cursor.execute(f"ANALYZE {table}")
    return {
        "tickets": tickets,
        "handoffs": handoffs,
        "callbacks": callbacks,
        "seconds": round(time.perf_counter() - started, 1),
    }


# --- a city's two years: typed cases, citizens, every channel (bench/workplace.py) --------------
FIRST = [
    "Anna",
    "Ben",
    "Clara",
    "Deniz",
    "Emil",
    "Fatma",
    "Georg",
    "Hanna",
    "Ivan",
    "Jana",
    "Kemal",
    "Lea",
    "Maria",
    "Niklas",
    "Olga",
    "Paul",
    "Rita",
    "Sven",
    "Tanja",
    "Ulrich",
]
LAST = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Yılmaz",
    "Neumann",
    "Schwarz",
    "Braun",
    "Zimmermann",
    "Krüger",
    "Hartmann",
    "Lange",
    "Werner",
    "Kaya",
]
SENTENCES = [
    "Ich bitte um einen Termin in der kommenden Woche.",
    "Mein Personalausweis läuft nächsten Monat ab, was muss ich mitbringen?",
    "Die Mülltonne wurde am Dienstag nicht geleert.",
    "Vor unserem Haus ist seit Tagen die Straßenlaterne defekt.",
    "Ich möchte meinen Wohnsitz ummelden, wir sind umgezogen.",
    "Bitte senden Sie mir die Unterlagen per Post zu.",
    "Der Antrag wurde bereits vor drei Wochen eingereicht.",
    "Auf dem Gehweg liegt seit gestern Sperrmüll.",
    "Wir benötigen eine Geburtsurkunde für das Rentenverfahren.",
    "Kann ich den Bescheid auch elektronisch bekommen?",
    "Die Baustelle in der Neuen Straße ist nachts sehr laut.",
    "Für die Anmeldung unseres Gewerbes fehlt noch ein Nachweis.",
    "Mein Kind braucht einen Kinderreisepass für die Sommerferien.",
    "Ich habe eine Frage zur Grundsteuer für das Grundstück.",
    "Der Spielplatz im Park hat ein kaputtes Klettergerüst.",
    "Bitte rufen Sie mich zurück, ich bin vormittags erreichbar.",
]
CHANNELS = ["phone"] * 40 + ["email"] * 30 + ["web_form"] * 20 + ["counter"] * 8 + ["letter"] * 2


def generate_city(cursor, tickets: int, days: int = 730, untyped_every: int = 20) -> dict:
    """``tickets`` tickets over ``days`` days with what a service center has: every one with
    a stable reference and a case record (request type and its schema, typed values — a
    vehicle plate for the Kfz types —, channel, citizen, level, owner), one citizen per three
    tickets, German text from a pool of real-sounding sentences; every ``untyped_every``-th
    untyped (waiting for triage); about 4 % still open. Then the work list's columns and
    search words (case_index.REFRESH) for all of them, and handoffs and callbacks as
    ``generate`` makes them. Runs in the caller's transaction."""
    from ulm_servicepoint.case_index import REFRESH, refresh_params

    started = time.perf_counter()
    cursor.execute("SELECT coalesce(max(id), 0) FROM helpdesk_ticket")
    base = cursor.fetchone()[0]
    cursor.execute("SELECT coalesce(max(id), 0) FROM ulm_servicepoint_citizen")
    citizen_base = cursor.fetchone()[0]
    cursor.execute(
        """SELECT r.id, r.name, r.default_queue_id, (SELECT max(s.id) FROM
               ulm_servicepoint_captureschema s WHERE s.request_type_id = r.id),
               r.slug LIKE 'kfz%%' OR r.name ILIKE '%%kennzeichen%%'
           FROM ulm_servicepoint_requesttype r ORDER BY r.id"""
    )
    types = cursor.fetchall()
    cursor.execute("SELECT id FROM helpdesk_queue WHERE slug = 'servicecenter'")
    service_center = cursor.fetchone()[0]
    cursor.execute("SELECT array_agg(id ORDER BY id) FROM helpdesk_queue")
    queues = cursor.fetchone()[0]
    cursor.execute("SELECT array_agg(id ORDER BY id) FROM auth_user WHERE is_staff")
    staff = cursor.fetchone()[0]
    citizens = max(1, tickets // 3)
    params = {
        "base": base,
        "n": tickets,
        "cbase": citizen_base,
        "nc": citizens,
        "first": FIRST,
        "last": LAST,
        "sentences": SENTENCES,
        "channels": CHANNELS,
        "tids": [t[0] for t in types],
        "tnames": [t[1] for t in types],
        "tqueues": [t[2] for t in types],
        "tschemas": [t[3] for t in types],
        "tplates": [bool(t[4]) for t in types],
        "nt": len(types),
        "queues": queues,
        "nq": len(queues),
        "sc": service_center,
        "staff": staff,
        "ns": len(staff),
        "days": days,
        "untyped": untyped_every,
    }
    cursor.execute(
        """
        INSERT INTO ulm_servicepoint_citizen (id, uuid, name, email, phone, street,
            house_number, postcode, city, preferred_channel, consent_contact,
            consent_store_contact, created_at, updated_at)
        SELECT %(cbase)s + g, gen_random_uuid(),
            (%(first)s::text[])[1 + g %% 20] || ' ' || (%(last)s::text[])[1 + (g / 20) %% 24],
            lower((%(first)s::text[])[1 + g %% 20]) || '.' || g || '@example.org',
            '+49731' || lpad(g::text, 7, '0'), 'Hauptstraße', (1 + g %% 120)::text, '89073',
            'Ulm', '', true, true, now(), now()
        FROM generate_series(1, %(nc)s) AS g
        """,
        params,
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('ulm_servicepoint_citizen', 'id'), %s)",
        [citizen_base + citizens],
    )
    # t = the request type's index (1-based), its queue unless untyped (then a random queue)
    cursor.execute(
        """
        INSERT INTO helpdesk_ticket (id, title, queue_id, created, modified, submitter_email,
            status, on_hold, description, resolution, priority, secret_key, assigned_to_id)
        SELECT %(base)s + g,
            (%(tnames)s::text[])[1 + g %% %(nt)s] || ': '
                || (%(sentences)s::text[])[1 + (g * 7) %% 16],
            CASE WHEN g %% %(untyped)s = 0 OR (g / 7) %% 10 < 6 THEN %(sc)s
                 ELSE (%(tqueues)s::int[])[1 + g %% %(nt)s] END,
            now() - (g::float / %(n)s * %(days)s) * interval '1 day', now(),
            lower((%(first)s::text[])[1 + (1 + g %% %(nc)s) %% 20]) || '.'
                || (1 + g %% %(nc)s) || '@example.org',
            CASE WHEN g::float / %(n)s < 0.04 THEN 1 ELSE 4 END, false,
            (%(sentences)s::text[])[1 + g %% 16] || ' '
                || (%(sentences)s::text[])[1 + (g / 16) %% 16] || ' Mit freundlichen Grüßen',
            '', 3, md5(g::text),
            CASE WHEN g %% 3 = 0 THEN (%(staff)s::int[])[1 + g %% %(ns)s] END
        FROM generate_series(1, %(n)s) AS g
        """,
        params,
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('helpdesk_ticket', 'id'), %s)", [base + tickets]
    )
    cursor.execute(
        """
        INSERT INTO ulm_servicepoint_ticketreference (ticket_id, reference, created_at,
            updated_at)
        SELECT %(base)s + g, 'SC-1999-' || lpad(g::text, greatest(6, length(g::text)), '0'),
            now(), now()
        FROM generate_series(1, %(n)s) AS g
        """,
        params,
    )
    cursor.execute(
        """
        INSERT INTO ulm_servicepoint_caserecord (ticket_id, request_type_id, schema_id, values,
            channel, citizen_id, level, resolved_at_first_contact, received_at, captured_at,
            is_open, created_at, updated_at)
        SELECT t.id,
            CASE WHEN g %% %(untyped)s = 0 THEN NULL ELSE (%(tids)s::int[])[1 + g %% %(nt)s] END,
            CASE WHEN g %% %(untyped)s = 0 THEN NULL
                 ELSE (%(tschemas)s::int[])[1 + g %% %(nt)s] END,
            CASE WHEN g %% %(untyped)s <> 0 AND (%(tplates)s::bool[])[1 + g %% %(nt)s]
                 THEN jsonb_build_object('kennzeichen', 'UL-' || chr(65 + g %% 26)
                      || chr(65 + (g / 26) %% 26) || ' ' || (1 + g %% 9999))
                 ELSE '{}'::jsonb END,
            (%(channels)s::text[])[1 + (g * 13) %% 100],
            %(cbase)s + 1 + g %% %(nc)s,
            CASE WHEN t.queue_id = %(sc)s THEN 1 ELSE 2 END, false, t.created, t.created,
            true, now(), now()
        FROM generate_series(1, %(n)s) AS g JOIN helpdesk_ticket t ON t.id = %(base)s + g
        """,
        params,
    )
    typed = time.perf_counter()
    step = 100_000
    for start in range(base + 1, base + tickets + 1, step):
        cursor.execute(
            REFRESH, refresh_params(list(range(start, min(start + step, base + tickets + 1))))
        )
    indexed = time.perf_counter()
    counts: dict = {}
    cursor.execute(
        """
        INSERT INTO ulm_routing_handoff (uuid, ticket_id, department_id, override_reason,
            summary, values, told_citizen, state, forwarded_at, clock_started_at, due_at,
            question, answer, reason, escalation_step, created_at, updated_at)
        SELECT gen_random_uuid(), t.id, t.queue_id, '', t.title, '[]', '',
            CASE WHEN t.status = 1
                 THEN (ARRAY['open','asked_citizen','open','asked_first_level'])[1 + t.id %% 4]
                 ELSE 'answered' END,
            t.created, t.created, t.created + interval '3 days', '', '', '', 0, now(), now()
        FROM helpdesk_ticket t
        WHERE t.id > %(base)s AND t.queue_id <> %(sc)s
        """,
        params,
    )
    counts["handoffs"] = cursor.rowcount
    for table in (
        "helpdesk_ticket",
        "ulm_servicepoint_ticketreference",
        "ulm_servicepoint_caserecord",
        "ulm_servicepoint_citizen",
        "ulm_routing_handoff",
    ):
        cursor.execute(f"ANALYZE {table}")
    return {
        "tickets": tickets,
        "citizens": citizens,
        **counts,
        "seconds_typed": round(typed - started, 1),
        "seconds_search_words": round(indexed - typed, 1),
        "seconds": round(time.perf_counter() - started, 1),
    }
