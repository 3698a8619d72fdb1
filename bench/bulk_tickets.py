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
