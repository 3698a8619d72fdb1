"""A city's tickets for the benchmarks: 1,000,000 realistic requests over two years, fast and
the same every time (a fixed seed), set-based (``INSERT … SELECT generate_series`` straight into
the host's tables and ours; no ORM per row).

What a service center has after two years:

- **tickets** on weekdays far more than on Saturdays, hardly any on Sundays and holidays; the
  phone and the counter in office hours, e-mail and the contact form also in the evening, letters
  opened in the morning; ids in the order the requests came in;
- **every channel** (phone 40 %, e-mail 30 %, contact form 20 %, counter 8 %, letter 2 %),
  every request type with its share, **typed values** after the type's published schema (dates,
  choices, addresses, numbers, vehicle plates …), every ``untyped_every``-th untyped (triage);
- **citizens** (ulm_servicepoint), about one per 2.4 tickets, many coming back (a few dozens of
  times), one ticket in seven without one; names, e-mail addresses, phone numbers, addresses;
- **most closed**, a few percent open — the recent ones more often — with their first answer,
  first-contact resolution (phone and counter), closing times;
- **follow-ups**: the agents' public answers, the citizens' replies, internal notes, closings;
- **handoffs** to the type's department (ulm_routing) for four in ten typed requests, with due
  time, feedback, a few rejected; **callbacks** for some of the phone ones;
- **calls** (ulm_channels): one per phone ticket plus calls that made no ticket (information,
  abandoned); **counter visits** without a ticket;
- **knowledge use** (ulm_knowledge AnswerUse) for about four in ten answered requests, when the
  knowledge base has items; **ratings** for one closed request in ten.

Then the work list's columns and search words (``case_index.REFRESH``) and ANALYZE.

Function API (runs in the caller's transaction; the database must hold a city — request types,
the service-center queue, staff —, e.g. :func:`prepare_city`)::

    from bench.generate import generate_city, prepare_city
    prepare_city()
    with transaction.atomic(), connection.cursor() as cursor:
        counts = generate_city(cursor, tickets=1_000_000, days=730, seed=1)

Command line (a database of its own, migrated, with the demo city; kept for the pages)::

    DEBUG=false SECRET_KEY=x SECURE_SSL_REDIRECT=false \\
        .venv/bin/python bench/generate.py --tickets 1000000 --seed 1 [--database NAME]
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

FIRST = [
    "Anna", "Ben", "Clara", "Deniz", "Emil", "Fatma", "Georg", "Hanna", "Ivan", "Jana",
    "Kemal", "Lea", "Maria", "Niklas", "Olga", "Paul", "Rita", "Sven", "Tanja", "Ulrich",
    "Vanessa", "Walter", "Yusuf", "Zoe", "Monika", "Stefan", "Elif", "Jürgen", "Sabine", "Luca",
]  # fmt: skip
LAST = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Yılmaz", "Neumann", "Schwarz",
    "Braun", "Zimmermann", "Krüger", "Hartmann", "Lange", "Werner", "Kaya", "Schäfer",
    "Krause", "Öztürk", "Lehmann", "Maier", "Huber", "Kowalski", "Popescu", "Nguyen", "Graf",
]  # fmt: skip
STREETS = [
    "Hauptstraße", "Frauenstraße", "Hirschstraße", "Neue Straße", "Karlstraße", "Olgastraße",
    "Söflinger Straße", "Wagnerstraße", "Zinglerstraße", "Platzgasse", "Keltergasse",
    "Heidenheimer Straße", "Eberhard-Finckh-Straße", "Blaubeurer Straße", "Römerstraße",
    "Kornhausgasse", "Münsterplatz", "Böfinger Steige", "Wiblinger Straße", "Ehinger Straße",
]  # fmt: skip
POSTCODES = ["89073", "89075", "89077", "89079", "89081"]
DOMAINS = ["example.org", "example.net", "example.com", "mail.example.de"]
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
ANSWERS = [
    "Vielen Dank für Ihre Anfrage. Bitte bringen Sie Ihren alten Ausweis und ein "
    "biometrisches Passfoto mit.",
    "Wir haben Ihr Anliegen an die zuständige Fachabteilung weitergegeben. Sie erhalten "
    "innerhalb von fünf Arbeitstagen eine Rückmeldung.",
    "Die Abholung ist für Donnerstag vorgesehen. Bitte stellen Sie die Gegenstände bis 6 Uhr "
    "an den Straßenrand.",
    "Ihr Termin ist bestätigt. Bitte kommen Sie zehn Minuten vorher ins Bürgerbüro.",
    "Die Unterlagen sind heute per Post an Sie gegangen.",
    "Der Schaden ist aufgenommen, der Bauhof kümmert sich in den nächsten Tagen darum.",
    "Die Gebühr beträgt 37,00 Euro und kann vor Ort mit Karte bezahlt werden.",
    "Ihr Bescheid wird Ihnen in den nächsten Tagen zugestellt.",
]
REPLIES = [
    "Vielen Dank, das hilft mir weiter.",
    "Ich habe noch eine Rückfrage: Geht es auch am Samstag?",
    "Die Unterlagen sind leider noch nicht angekommen.",
    "Anbei die fehlende Kopie.",
]
NOTES = [
    "Bürger telefonisch nicht erreicht, Nachricht hinterlassen.",
    "Rücksprache mit der Fachabteilung gehalten.",
    "Unterlagen vollständig, Vorgang kann weiter bearbeitet werden.",
    "Dublette zu einem früheren Anliegen geprüft: keine.",
    "Termin im Kalender eingetragen.",
]
COMMENTS = [
    "Sehr freundlich und schnell, danke!",
    "Hat leider lange gedauert.",
    "Gute Auskunft am Telefon.",
    "Ich musste mehrmals nachfragen.",
]
# weights in percent; the phone and the counter in office hours, e-mail and the form all day
CHANNELS = {"phone": 40, "email": 30, "web_form": 20, "counter": 8, "letter": 2}
OFFICE_HOURS = {7: 2, 8: 10, 9: 14, 10: 15, 11: 13, 12: 8, 13: 9, 14: 11, 15: 9, 16: 5, 17: 2}
ALL_DAY = {
    **dict.fromkeys(range(6), 1), 6: 2, 7: 4, 8: 7, 9: 9, 10: 9, 11: 8, 12: 7, 13: 7, 14: 8,
    15: 8, 16: 7, 17: 6, 18: 6, 19: 6, 20: 6, 21: 5, 22: 3, 23: 2,
}  # fmt: skip
MORNING = {8: 3, 9: 5, 10: 3, 11: 1}
WEEKDAYS = [25, 22, 18, 23, 16, 2, 0.6]  # Monday … Sunday
HOLIDAYS = {(1, 1), (1, 6), (5, 1), (10, 3), (11, 1), (12, 24), (12, 25), (12, 26), (12, 31)}


def _spread(weights: dict[int, float]) -> list[int]:
    return [key for key, weight in weights.items() for _ in range(round(weight))]


def day_offsets(days: int, today: date) -> list[int]:
    """0 = today … ``days`` - 1, each as often as its weekday, season and holidays say (a
    weight per day in twentieths): what the tickets' days are drawn from."""
    offsets = []
    for offset in range(days):
        day = today - timedelta(days=offset)
        weight = WEEKDAYS[day.weekday()]
        if (day.month, day.day) in HOLIDAYS:
            weight = 0.5
        if day.month == 8 or (day.month == 12 and day.day > 20):
            weight *= 0.8  # summer holidays, the last days of the year
        weight *= 1 - 0.1 * offset / 365  # a tenth more requests each year
        offsets += [offset] * max(1, round(weight))
    return offsets


def sample_value(rng: random.Random, field: dict) -> object:
    """One value of a schema field as the capture screen stores it."""
    kind = field.get("type")
    choices = field.get("choices") or []
    if kind == "number":
        return rng.randint(1, 6)
    if kind == "date":
        return (date(2025, 1, 1) + timedelta(days=rng.randint(0, 700))).isoformat()
    if kind == "time":
        return f"{rng.randint(7, 22):02d}:{rng.choice([0, 15, 30, 45]):02d}"
    if kind == "choice" and choices:
        return rng.choice(choices)
    if kind == "multi_choice" and choices:
        return rng.sample(choices, rng.randint(1, min(2, len(choices))))
    if kind == "yes_no":
        return rng.random() < 0.4
    if kind == "email":
        return f"{rng.choice(FIRST).lower()}.{rng.randint(1, 999)}@{rng.choice(DOMAINS)}"
    if kind == "phone":
        return f"+49731{rng.randint(1000000, 9999999)}"
    if kind == "address":
        return {
            "street": rng.choice(STREETS),
            "house_number": str(rng.randint(1, 120)),
            "postcode": rng.choice(POSTCODES),
            "city": "Ulm",
        }
    if kind == "vehicle_registration":
        letters = chr(65 + rng.randint(0, 25)) + chr(65 + rng.randint(0, 25))
        return f"UL-{letters} {rng.randint(1, 9999)}"
    if kind == "file_reference":
        return f"AZ {rng.randint(10, 99)}/{rng.randint(1000, 9999)}"
    if kind == "file":
        return None
    if kind == "long_text":
        return rng.choice(SENTENCES) + " " + rng.choice(SENTENCES)
    return rng.choice(["Personalausweis", "Müllabfuhr", "Parken", "Termin", "Gebühren"])


SAMPLES = 16  # value sets per request type the rows draw from (plates drawn per row)


def type_values(rng: random.Random, fields: list[dict]) -> tuple[list[dict], str]:
    """``SAMPLES`` value sets for a schema, and the key of its plate field ('' if none)."""
    sets = []
    for _ in range(SAMPLES):
        values = {}
        for field in fields:
            value = sample_value(rng, field)
            if value is not None and (field.get("required") or rng.random() < 0.7):
                values[field["key"]] = value
        sets.append(values)
    plate = next((f["key"] for f in fields if f.get("type") == "vehicle_registration"), "")
    return sets, plate


ANALYZED = (
    "helpdesk_ticket",
    "ulm_servicepoint_ticketreference",
    "ulm_servicepoint_caserecord",
    "ulm_servicepoint_citizen",
    "bench_t",
    "helpdesk_followup",
    "ulm_servicepoint_countervisit",
    "ulm_routing_handoff",
    "ulm_routing_callback",
    "ulm_channels_call",
    "ulm_channels_satisfactionrating",
    "ulm_knowledge_answeruse",
)


def generate_city(
    cursor,
    tickets: int = 1_000_000,
    days: int = 730,
    untyped_every: int = 20,
    seed: int = 1,
    calls_per_day: int | None = None,
    counter_visits_per_day: int | None = None,
) -> dict:
    """``tickets`` tickets over the last ``days`` days as the module says, with their cases,
    citizens, follow-ups, handoffs, callbacks, calls, knowledge use and ratings; every
    ``untyped_every``-th untyped. ``calls_per_day`` (all calls, with the phone tickets' own)
    defaults to one and a half per phone ticket, ``counter_visits_per_day`` (quick questions at
    the counter, no ticket) to 1.5 per 100 tickets. Runs in the caller's transaction; returns
    the counts and seconds."""
    import json

    from django.utils import timezone

    from ulm_servicepoint.case_index import REFRESH, refresh_params
    from ulm_servicepoint.reference import prefix as reference_prefix

    started = time.perf_counter()
    rng = random.Random(seed)
    counts: dict = {"tickets": tickets}
    cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")  # one order of random()
    cursor.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
    cursor.execute("SELECT coalesce(max(id), 0) FROM helpdesk_ticket")
    base = cursor.fetchone()[0]
    cursor.execute("SELECT coalesce(max(id), 0) FROM ulm_servicepoint_citizen")
    citizen_base = cursor.fetchone()[0]
    cursor.execute(
        """SELECT r.id, r.name, r.default_queue_id, s.id, coalesce(s.fields, '[]')
           FROM ulm_servicepoint_requesttype r
           LEFT JOIN LATERAL (SELECT id, fields FROM ulm_servicepoint_captureschema
                              WHERE request_type_id = r.id ORDER BY version DESC LIMIT 1) s
                  ON true
           WHERE r.active ORDER BY r.id"""
    )
    types = cursor.fetchall()
    if not types:
        raise RuntimeError("no request types: load a city first (prepare_city)")
    cursor.execute("SELECT id FROM helpdesk_queue WHERE slug = 'servicecenter'")
    service_center = cursor.fetchone()[0]
    cursor.execute("SELECT array_agg(id ORDER BY id) FROM auth_user WHERE is_staff")
    staff = cursor.fetchone()[0]
    cursor.execute("SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM helpdesk_kbitem")
    items = cursor.fetchone()[0]
    # the types' shares: "Allgemeine Auskunft" (the first) most, the others by chance
    weights = [30] + [rng.randint(2, 12) for _ in types[1:]]
    values, plates = [], []
    for row in types:
        sets, plate = type_values(rng, row[4] if isinstance(row[4], list) else json.loads(row[4]))
        values.append(sets)
        plates.append(plate)
    today = timezone.localdate()
    citizens = max(1, round(tickets / 2.4))
    params = {
        "base": base,
        "n": tickets,
        "cbase": citizen_base,
        "nc": citizens,
        "first": FIRST,
        "nfirst": len(FIRST),
        "last": LAST,
        "nlast": len(LAST),
        "streets": STREETS,
        "postcodes": POSTCODES,
        "domains": DOMAINS,
        "sentences": SENTENCES,
        "answers": ANSWERS,
        "replies": REPLIES,
        "notes": NOTES,
        "comments": COMMENTS,
        "channels": [c for c, w in CHANNELS.items() for _ in range(w)],
        "office": _spread(OFFICE_HOURS),
        "allday": _spread(ALL_DAY),
        "morning": _spread(MORNING),
        "days": day_offsets(days, today),
        "today": today,
        "typeidx": [i + 1 for i, w in enumerate(weights) for _ in range(w)],
        "tids": [t[0] for t in types],
        "tnames": [t[1] for t in types],
        "tqueues": [t[2] for t in types],
        "tschemas": [t[3] for t in types],
        "tvalues": json.dumps(values),
        "tplates": plates,
        "samples": SAMPLES,
        "sc": service_center,
        "staff": staff,
        "ns": len(staff),
        "items": items,
        "ni": len(items),
        "untyped": untyped_every,
        "seed": seed,
    }

    def run(label: str, sql: str) -> int:
        step = time.perf_counter()
        cursor.execute(sql, params)
        rows = cursor.rowcount
        print(f"  {label:<28} {rows:>9} rows {time.perf_counter() - step:6.1f} s", flush=True)
        return rows

    counts["citizens"] = run(
        "citizens",
        """
        INSERT INTO ulm_servicepoint_citizen (id, uuid, name, email, phone, street,
            house_number, postcode, city, preferred_channel, consent_contact,
            consent_store_contact, created_at, updated_at)
        SELECT %(cbase)s + g, md5(%(seed)s || '-citizen-' || (%(cbase)s + g))::uuid,
            f || ' ' || l,
            CASE WHEN r1 < 0.88 THEN translate(lower(f || '.' || l), 'äöüßıé ', 'aousie-')
                || g || '@' || (%(domains)s::text[])[1 + floor(r2 * 4)::int] ELSE '' END,
            CASE WHEN r2 < 0.55 THEN '+49731' || lpad((g %% 10000000)::text, 7, '0')
                 WHEN r2 < 0.85 THEN '+49151' || lpad((g %% 100000000)::text, 8, '0')
                 ELSE '' END,
            (%(streets)s::text[])[1 + floor(r3 * 20)::int], (1 + floor(r4 * 120))::text,
            (%(postcodes)s::text[])[1 + floor(r4 * 5)::int], 'Ulm',
            CASE WHEN r1 < 0.5 THEN 'email' WHEN r1 < 0.8 THEN 'phone' ELSE '' END,
            r3 < 0.7, true, now() - r5 * interval '730 days', now()
        FROM (SELECT g, (%(first)s::text[])[1 + floor(random() * %(nfirst)s)::int] AS f,
                  (%(last)s::text[])[1 + floor(random() * %(nlast)s)::int] AS l,
                  random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                  random() AS r5
              FROM generate_series(1, %(nc)s) AS g) s
        """,
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('ulm_servicepoint_citizen', 'id'), %s)",
        [citizen_base + citizens],
    )
    # the draws, one row per ticket in generation order (g); then in order of arrival (id)
    run(
        "draws",
        """
        CREATE TEMP TABLE bench_draw ON COMMIT DROP AS
        -- later today: the same time a week ago (keeps the weekday and the hour)
        SELECT x.*, at - CASE WHEN at > now() - interval '2 minutes' THEN interval '7 days'
                              ELSE interval '0 days' END AS created
        FROM (SELECT g, ch, typ, cit,
            ((%(today)s::date - d) + make_interval(hours => h, mins => mi, secs => se))::timestamp
                AT TIME ZONE 'Europe/Berlin' AS at,
            r_open, r_fcr, r_lag, r_close, r_more, r_note, r_kb, r_rate, r_cb, r_x, r_y,
            staff1, staff2, sample
        FROM (SELECT g, ch, typ, cit, d,
                CASE WHEN ch IN ('phone', 'counter')
                     THEN (%(office)s::int[])[1 + floor(rh * cardinality(%(office)s::int[]))::int]
                     WHEN ch = 'letter'
                     THEN (%(morning)s::int[])[1 + floor(rh * cardinality(%(morning)s::int[]))::int]
                     ELSE (%(allday)s::int[])[1 + floor(rh * cardinality(%(allday)s::int[]))::int]
                END AS h, floor(rm * 60)::int AS mi, floor(rs * 60)::int AS se,
                r_open, r_fcr, r_lag, r_close, r_more, r_note, r_kb, r_rate, r_cb, r_x, r_y,
                staff1, staff2, sample
            FROM (SELECT g,
                (%(channels)s::text[])[1 + floor(random() * 100)::int] AS ch,
                CASE WHEN g %% %(untyped)s = 0 THEN NULL
                     ELSE (%(typeidx)s::int[])[1 + floor(random()
                          * cardinality(%(typeidx)s::int[]))::int] END AS typ,
                CASE WHEN g <= %(nc)s THEN %(cbase)s + g
                     WHEN random() < 0.17 THEN NULL
                     ELSE %(cbase)s + 1 + floor(%(nc)s * power(random(), 1.5))::int END AS cit,
                (%(days)s::int[])[1 + floor(random() * cardinality(%(days)s::int[]))::int] AS d,
                random() AS rh, random() AS rm, random() AS rs,
                random() AS r_open, random() AS r_fcr, random() AS r_lag, random() AS r_close,
                random() AS r_more, random() AS r_note, random() AS r_kb, random() AS r_rate,
                random() AS r_cb, random() AS r_x, random() AS r_y,
                (%(staff)s::int[])[1 + floor(random() * %(ns)s)::int] AS staff1,
                (%(staff)s::int[])[1 + floor(random() * %(ns)s)::int] AS staff2,
                floor(random() * %(samples)s)::int AS sample
                FROM generate_series(1, %(n)s) AS g) a) b) x
        """,
    )
    # what happened to each: open by age, resolved at first contact, handed off, the times
    run(
        "plan",
        """
        CREATE TEMP TABLE bench_t ON COMMIT DROP AS
        SELECT c.*,
            CASE WHEN NOT is_open AND NOT fcr THEN least(now(), captured_at
                 + CASE WHEN forwarded THEN interval '2 hours' + power(r_lag, 2)
                        * interval '9 days' ELSE interval '20 minutes' + power(r_lag, 2)
                        * interval '4 days' END) END AS first_answer_at,
            CASE WHEN forwarded THEN captured_at + interval '1 minute' END AS forwarded_at
        FROM (SELECT b.*,
                least(created + CASE WHEN ch IN ('phone', 'counter')
                      THEN (2 + r_x * 5) * interval '1 minute'
                      ELSE (5 + power(r_x, 2) * 1500) * interval '1 minute' END,
                      now()) AS captured_at,
                NOT is_open AND ch IN ('phone', 'counter') AND NOT forwarded
                    AND r_fcr < 0.55 AS fcr
            FROM (SELECT a.*,
                    r_open < CASE WHEN age < 1 THEN 0.85 WHEN age < 3 THEN 0.6
                                  WHEN age < 10 THEN 0.35 WHEN age < 30 THEN 0.15
                                  WHEN age < 90 THEN 0.04 ELSE 0.012 END AS is_open,
                    typ IS NOT NULL AND typ > 1 AND r_y < 0.4 AS forwarded
                FROM (SELECT %(base)s + row_number() OVER (ORDER BY created, g) AS id,
                        extract(epoch FROM now() - created) / 86400 AS age, d.*
                      FROM bench_draw d) a) b) c
        """,
    )
    run(
        "tickets",
        """
        INSERT INTO helpdesk_ticket (id, title, queue_id, created, modified, submitter_email,
            status, on_hold, description, resolution, priority, secret_key, assigned_to_id)
        SELECT t.id,
            coalesce((%(tnames)s::text[])[t.typ] || ': ', '')
                || (%(sentences)s::text[])[1 + floor(t.r_x * 16)::int],
            CASE WHEN t.forwarded THEN (%(tqueues)s::int[])[t.typ] ELSE %(sc)s END,
            t.created,
            CASE WHEN t.is_open THEN greatest(t.created, t.first_answer_at, t.captured_at)
                 WHEN t.fcr THEN least(now(), t.captured_at + interval '1 minute')
                 ELSE least(now(), coalesce(t.first_answer_at, t.captured_at)
                      + t.r_close * interval '2 days') END,
            z.email,
            CASE WHEN NOT t.is_open THEN
                     CASE WHEN t.created > now() - interval '20 days' AND t.r_close < 0.2
                          THEN 3 ELSE 4 END
                 WHEN t.created < now() - interval '14 days' AND t.r_close < 0.05 THEN 2
                 ELSE 1 END,
            t.is_open AND t.r_more < 0.03,
            (%(sentences)s::text[])[1 + floor(t.r_y * 16)::int] || ' '
                || (%(sentences)s::text[])[1 + floor(t.r_lag * 16)::int]
                || ' Mit freundlichen Grüßen',
            '', CASE WHEN t.r_note < 0.05 THEN 2 WHEN t.r_note > 0.98 THEN 1 ELSE 3 END,
            md5(%(seed)s || '-ticket-' || t.id),
            CASE WHEN t.forwarded OR t.r_cb < 0.5 THEN t.staff2 END
        FROM bench_t t LEFT JOIN ulm_servicepoint_citizen z ON z.id = t.cit
        """,
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('helpdesk_ticket', 'id'), %s)", [base + tickets]
    )
    cursor.execute(
        """SELECT count(*) FILTER (WHERE is_open), count(*) FILTER (WHERE forwarded),
                  count(*) FILTER (WHERE fcr), count(DISTINCT cit)
           FROM bench_t"""
    )
    counts["open"], counts["forwarded"], counts["first_contact"], counts["with_citizen"] = (
        cursor.fetchone()
    )
    # numbered per year after the product's own sequences (``reference``), which go on after them
    years = list(range(today.year - days // 365 - 1, today.year + 1))
    starts = []
    for year in years:
        cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS ulm_reference_{year:04d}")
        cursor.execute(f"SELECT last_value, is_called FROM ulm_reference_{year:04d}")  # noqa: S608
        last, called = cursor.fetchone()
        starts.append(last if called else 0)
    params.update(years=years, starts=starts, prefix=reference_prefix())
    run(
        "references",
        """
        INSERT INTO ulm_servicepoint_ticketreference (ticket_id, reference, created_at,
            updated_at)
        SELECT id, %(prefix)s || '-' || y || '-' || lpad(((%(starts)s::int[])[y - %(y0)s + 1]
                + row_number() OVER (PARTITION BY y ORDER BY id))::text, 6, '0'),
            created, created
        FROM (SELECT t.id, t.created, extract(year FROM t.created AT TIME ZONE 'Europe/Berlin')::int
                AS y FROM bench_t t) r
        """.replace("%(y0)s", str(years[0])),
    )
    for year in years:
        cursor.execute(
            """SELECT max(split_part(reference, '-', 3)::int) FROM ulm_servicepoint_ticketreference
               WHERE reference LIKE %s""",
            [f"{reference_prefix()}-{year:04d}-%"],
        )
        top = cursor.fetchone()[0]
        if top:
            cursor.execute("SELECT setval(%s, %s)", [f"ulm_reference_{year:04d}", top])
    run(
        "case records",
        """
        INSERT INTO ulm_servicepoint_caserecord (ticket_id, request_type_id, schema_id, values,
            channel, citizen_id, level, resolved_at_first_contact, first_contact_resolved_at,
            received_at, captured_at, forwarded_at, first_answer_at, closed_at, captured_by_id,
            is_open, created_at, updated_at)
        SELECT t.id, (%(tids)s::bigint[])[t.typ], (%(tschemas)s::bigint[])[t.typ],
            CASE WHEN t.typ IS NULL THEN '{}'::jsonb
                 WHEN (%(tplates)s::text[])[t.typ] <> ''
                 THEN (%(tvalues)s::jsonb -> (t.typ - 1) -> t.sample) || jsonb_build_object(
                      (%(tplates)s::text[])[t.typ], 'UL-' || chr(65 + floor(t.r_x * 26)::int)
                      || chr(65 + floor(t.r_y * 26)::int) || ' '
                      || (1 + floor(t.r_lag * 9999))::int)
                 ELSE %(tvalues)s::jsonb -> (t.typ - 1) -> t.sample END,
            t.ch, t.cit, CASE WHEN t.forwarded THEN 2 ELSE 1 END, t.fcr,
            CASE WHEN t.fcr THEN t.captured_at END, t.created, t.captured_at, t.forwarded_at,
            t.first_answer_at, CASE WHEN NOT t.is_open THEN k.modified END, t.staff1, t.is_open,
            t.created, k.modified
        FROM bench_t t JOIN helpdesk_ticket k ON k.id = t.id
        """,
    )
    typed = time.perf_counter()
    for table in ANALYZED[:5]:  # the search words' UPDATE joins these: plan it with their sizes
        cursor.execute(f"ANALYZE {table}")
    step = 100_000
    refreshed = time.perf_counter()
    for start in range(base + 1, base + tickets + 1, step):
        cursor.execute(
            REFRESH, refresh_params(list(range(start, min(start + step, base + tickets + 1))))
        )
    print(f"  {'search words':<28} {tickets:>9} rows {time.perf_counter() - refreshed:6.1f} s")
    indexed = time.perf_counter()
    counts["follow_ups"] = run(
        "follow-ups",
        """
        INSERT INTO helpdesk_followup (ticket_id, date, title, comment, public, user_id,
            new_status)
        SELECT f.* FROM bench_t t JOIN helpdesk_ticket k ON k.id = t.id, LATERAL (
            -- the first answer
            SELECT t.id, t.first_answer_at, 'Antwort'::text,
                (%(answers)s::text[])[1 + floor(t.r_more * 8)::int], true, t.staff2,
                NULL::int WHERE t.first_answer_at IS NOT NULL
            -- the citizen writes back, the agent answers again
            UNION ALL SELECT t.id, least(now(), t.first_answer_at + interval '1 day'),
                'Antwort der Bürgerin / des Bürgers', (%(replies)s::text[])[1
                + floor(t.r_note * 4)::int], true, NULL, NULL
                WHERE t.first_answer_at IS NOT NULL AND t.r_more < 0.2
            UNION ALL SELECT t.id, least(now(), t.first_answer_at + interval '2 days'),
                'Antwort', (%(answers)s::text[])[1 + floor(t.r_kb * 8)::int], true, t.staff2,
                NULL WHERE t.first_answer_at IS NOT NULL AND t.r_more < 0.2
            -- an internal note: every handoff, a third of the rest
            UNION ALL SELECT t.id, least(now(), t.captured_at + interval '3 minutes'),
                'Interne Notiz', CASE WHEN t.forwarded
                    THEN 'An die Fachabteilung weitergeleitet.'
                    ELSE (%(notes)s::text[])[1 + floor(t.r_note * 5)::int] END,
                false, t.staff1, NULL WHERE t.forwarded OR t.r_note < 0.33
            -- closed
            UNION ALL SELECT t.id, k.modified, 'Geschlossen', 'Anliegen erledigt.', true,
                coalesce(t.staff2, t.staff1), k.status WHERE k.status IN (3, 4)
        ) f
        """,
    )
    counts["handoffs"] = run(
        "handoffs",
        """
        INSERT INTO ulm_routing_handoff (uuid, ticket_id, department_id, from_queue_id,
            forwarded_by_id, assignee_id, override_reason, summary, values, told_citizen,
            state, forwarded_at, clock_started_at, due_at, feedback_at, closed_at, question,
            answer, reason, escalation_step, created_at, updated_at)
        SELECT md5(%(seed)s || '-handoff-' || t.id)::uuid, t.id, k.queue_id, %(sc)s, t.staff1,
            k.assigned_to_id, '', k.title, '[]',
            'Die Fachabteilung meldet sich innerhalb von fünf Arbeitstagen.',
            CASE WHEN t.is_open THEN (ARRAY['open', 'open', 'open', 'asked_citizen',
                     'asked_first_level', 'answer_for_first_level'])[1 + floor(t.r_cb * 6)::int]
                 WHEN t.r_fcr < 0.025 THEN 'rejected' ELSE 'answered' END,
            t.forwarded_at, t.forwarded_at, t.forwarded_at + interval '7 days',
            t.first_answer_at, t.first_answer_at, '',
            CASE WHEN t.is_open THEN '' ELSE 'Erledigt.' END,
            CASE WHEN NOT t.is_open AND t.r_fcr < 0.025 THEN 'Nicht zuständig.' ELSE '' END,
            CASE WHEN t.is_open AND t.forwarded_at < now() - interval '7 days' THEN 1 ELSE 0 END,
            t.forwarded_at, k.modified
        FROM bench_t t JOIN helpdesk_ticket k ON k.id = t.id WHERE t.forwarded
        """,
    )
    counts["callbacks"] = run(
        "callbacks",
        """
        INSERT INTO ulm_routing_callback (uuid, ticket_id, caller_name, phone, subject,
            department_id, window_start, window_end, state, attempts, note, done_at,
            escalation_step, created_by_id, done_by_id, created_at, updated_at)
        SELECT md5(%(seed)s || '-callback-' || t.id)::uuid, t.id, coalesce(z.name, 'Anrufer'),
            coalesce(nullif(z.phone, ''), '+49731' || lpad((t.id %% 10000000)::text, 7, '0')),
            left(k.title, 200), k.queue_id, t.forwarded_at + interval '1 hour',
            t.forwarded_at + interval '2 days',
            CASE WHEN t.is_open THEN (CASE WHEN t.r_kb < 0.2 THEN 'not_reached' ELSE 'open' END)
                 WHEN t.r_kb < 0.03 THEN 'given_up' ELSE 'done' END,
            CASE WHEN t.is_open AND t.r_kb < 0.2 THEN 1 WHEN t.is_open THEN 0 ELSE 1 END, '',
            CASE WHEN NOT t.is_open THEN t.first_answer_at END, 0, t.staff1,
            CASE WHEN NOT t.is_open THEN t.staff2 END, t.forwarded_at, k.modified
        FROM bench_t t JOIN helpdesk_ticket k ON k.id = t.id
        LEFT JOIN ulm_servicepoint_citizen z ON z.id = t.cit
        WHERE t.forwarded AND t.ch = 'phone' AND t.r_cb < 0.25
        """,
    )
    counts["calls"] = run(
        "calls with a ticket",
        """
        INSERT INTO ulm_channels_call (call_id, direction, caller, caller_normalised, called,
            hangup_cause, started_at, answered_at, ended_at, agent_id, ticket_id, created_at,
            updated_at)
        SELECT 'gen-' || %(seed)s || '-' || t.id, 'in', coalesce(z.phone, ''),
            coalesce(z.phone, ''), '+497311610', 'NORMAL_CLEARING', t.created,
            t.created + (5 + power(t.r_lag, 2) * 120) * interval '1 second',
            greatest(t.captured_at, t.created + interval '3 minutes'), t.staff1, t.id,
            t.created, t.captured_at
        FROM bench_t t LEFT JOIN ulm_servicepoint_citizen z ON z.id = t.cit
        WHERE t.ch = 'phone'
        """,
    )
    phone_tickets = counts["calls"]
    extra = (
        max(0, calls_per_day * days - phone_tickets)
        if calls_per_day is not None
        else phone_tickets // 2
    )
    params["extra"] = extra
    counts["calls"] += run(
        "calls without a ticket",
        """
        INSERT INTO ulm_channels_call (call_id, direction, caller, caller_normalised, called,
            hangup_cause, started_at, answered_at, ended_at, agent_id, created_at, updated_at)
        SELECT 'gen-' || %(seed)s || '-' || %(base)s || '-x' || g, 'in', c, c, '+497311610',
            CASE WHEN ab THEN 'NO_ANSWER' ELSE 'NORMAL_CLEARING' END, s,
            CASE WHEN NOT ab THEN s + (5 + r * 60) * interval '1 second' END,
            s + CASE WHEN ab THEN r * interval '90 seconds'
                     ELSE (60 + r * 300) * interval '1 second' END,
            CASE WHEN NOT ab THEN st END, s, s
        FROM (SELECT g, random() < 0.12 AS ab, random() AS r,
                '+49731' || lpad(floor(random() * 10000000)::text, 7, '0') AS c,
                (%(staff)s::int[])[1 + floor(random() * %(ns)s)::int] AS st,
                least(now() - interval '5 minutes',
                    ((%(today)s::date - (%(days)s::int[])[1 + floor(random()
                      * cardinality(%(days)s::int[]))::int])
                    + make_interval(hours => (%(office)s::int[])[1 + floor(random()
                      * cardinality(%(office)s::int[]))::int], secs => random() * 3600))::timestamp
                    AT TIME ZONE 'Europe/Berlin') AS s
              FROM generate_series(1, %(extra)s) AS g) x
        """,
    )
    params["visits"] = (
        counter_visits_per_day * days
        if counter_visits_per_day is not None
        else round(tickets * 0.015)  # about 20 a day at 1,000,000 tickets in two years
    )
    counts["counter_visits"] = run(
        "counter visits",
        """
        INSERT INTO ulm_servicepoint_countervisit (request_type_id, minutes, captured_by_id,
            created_at, updated_at)
        SELECT (%(tids)s::bigint[])[(%(typeidx)s::int[])[1 + floor(random()
                * cardinality(%(typeidx)s::int[]))::int]], 2 + floor(random() * 9)::int,
            (%(staff)s::int[])[1 + floor(random() * %(ns)s)::int], s, s
        FROM (SELECT least(now() - interval '5 minutes',
                ((%(today)s::date - (%(days)s::int[])[1 + floor(random()
                  * cardinality(%(days)s::int[]))::int])
                + make_interval(hours => (%(office)s::int[])[1 + floor(random()
                  * cardinality(%(office)s::int[]))::int], secs => random() * 3600))::timestamp
                AT TIME ZONE 'Europe/Berlin') AS s
              FROM generate_series(1, %(visits)s) AS g) x
        """,
    )
    counts["knowledge_uses"] = 0
    if items:
        counts["knowledge_uses"] = run(
            "knowledge use",
            """
            INSERT INTO ulm_knowledge_answeruse (ticket_id, kbitem_id, version, user_id,
                ticket_text, created_at, updated_at)
            SELECT t.id, (%(items)s::int[])[1 + floor(power(t.r_kb / 0.42, 2) * %(ni)s)::int],
                1, coalesce(t.staff2, t.staff1), to_tsvector('ulm_german', k.title),
                coalesce(t.first_answer_at, t.captured_at),
                coalesce(t.first_answer_at, t.captured_at)
            FROM bench_t t JOIN helpdesk_ticket k ON k.id = t.id
            WHERE t.r_kb < 0.42 AND (t.fcr OR t.first_answer_at IS NOT NULL)
            """,
        )
    counts["ratings"] = run(
        "ratings",
        """
        INSERT INTO ulm_channels_satisfactionrating (ticket_id, level, comment, created_at,
            updated_at)
        SELECT t.id, CASE WHEN t.r_y < 0.07 THEN 1 WHEN t.r_y < 0.13 THEN 2
                          WHEN t.r_y < 0.25 THEN 3 WHEN t.r_y < 0.55 THEN 4 ELSE 5 END,
            CASE WHEN t.r_note < 0.15 THEN (%(comments)s::text[])[1 + floor(t.r_lag * 4)::int]
                 ELSE '' END,
            least(now(), k.modified + interval '1 day'), least(now(), k.modified + interval '1 day')
        FROM bench_t t JOIN helpdesk_ticket k ON k.id = t.id
        WHERE NOT t.is_open AND t.cit IS NOT NULL AND t.r_rate < 0.1
        """,
    )
    for table in ANALYZED:
        cursor.execute(f"ANALYZE {table}")
    cursor.execute("DROP TABLE bench_t")
    cursor.execute("DROP TABLE bench_draw")
    return {
        **counts,
        "seconds_typed": round(typed - started, 1),
        "seconds_search_words": round(indexed - typed, 1),
        "seconds": round(time.perf_counter() - started, 1),
    }


def prepare_city() -> None:
    """The demo city the tickets belong to: departments, staff, request types and their
    schemas, routing, the knowledge base, the key figures' people (each loader idempotent)."""
    from ulm_knowledge import services as knowledge
    from ulm_kpi import services as kpi
    from ulm_routing import services as routing
    from ulm_servicepoint import services

    services.load_demo_data()
    routing.load_demo_routing()
    routing.load_demo_loop()  # the service-center lead and the departments' heads
    knowledge.load_demo_knowledge()
    kpi.load_demo_kpi()


def check_pages() -> list[str]:
    """The pages people open, on the generated data, in-process (Django test client): the
    agent's work list, its search and a ticket page; the key figures (after the worker's
    rebuild of the daily figures) for the agent (not hers: 403), the service-center lead and the
    management. Each line: who, page, status, server time of the second request; a 5xx
    raises."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from helpdesk.models import Ticket

    from ulm_kpi import services as kpi

    lines = []
    started = time.perf_counter()
    kpi.refresh()
    lines.append(
        f"key figures rebuilt (worker's full rebuild) in {time.perf_counter() - started:.1f} s"
    )
    users = get_user_model()
    ticket = Ticket.objects.filter(status=1, queue__slug="servicecenter").order_by("-id").first()
    closed = Ticket.objects.filter(status=4).order_by("-id").first()
    pages = [
        ("anna.agentin", "/helpdesk/arbeitsliste/", {}),
        ("anna.agentin", "/helpdesk/arbeitsliste/", {"q": "Straßenlaterne", "zustand": "alle"}),
        ("anna.agentin", f"/helpdesk/tickets/{ticket.pk}/" if ticket else "", {}),
        ("anna.agentin", f"/helpdesk/tickets/{closed.pk}/" if closed else "", {}),
        ("berta.abfall", "/helpdesk/arbeitsliste/", {}),
        ("anna.agentin", "/helpdesk/kennzahlen/", {}),
        ("anna.agentin", "/helpdesk/qualitaet/meine/", {}),
        ("lena.leitung", "/helpdesk/kennzahlen/", {}),
        ("vera.verwaltung", "/helpdesk/kennzahlen/", {}),
    ]
    for username, url, params in pages:
        if not url:
            continue
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(users.objects.get(username=username))
        client.get(url, params)  # warm: templates and the session loaded once
        step = time.perf_counter()
        response = client.get(url, params)
        took = (time.perf_counter() - step) * 1000
        if response.status_code >= 500:
            raise RuntimeError(f"{username} {url}: HTTP {response.status_code}")
        query = f"?{'&'.join(f'{k}={v}' for k, v in params.items())}" if params else ""
        lines.append(f"{username:<16} {url + query:<58} HTTP {response.status_code} {took:6.0f} ms")
    return lines


def main(argv: list[str] | None = None) -> int:
    import argparse
    import os
    import sys
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument(
        "--database",
        default="ulm_generated",
        help="made (and migrated, with the demo city) if missing; tickets are added to it",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="then open the work list, ticket pages and key figures on the data",
    )
    parser.add_argument(
        "--check-only", action="store_true", help="only the pages' check (no generation)"
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["ULM_DB_NAME"] = args.database

    import django
    from django.conf import settings

    # a DATABASE_URL names its own database: --database replaces it
    settings.DATABASES["default"]["NAME"] = args.database
    django.setup()

    from django.core.management import call_command
    from django.db import connection, transaction

    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.database])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{args.database}"')
    if args.check_only:
        print("\n".join(check_pages()))
        return 0
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    prepare_city()
    print(f"database {args.database}: migrated, demo city ({time.perf_counter() - started:.0f} s)")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        counts = generate_city(cursor, tickets=args.tickets, days=args.days, seed=args.seed)
    generated = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    total = time.perf_counter() - started
    for key, value in counts.items():
        print(f"{key:>22}: {value:,}" if isinstance(value, int) else f"{key:>22}: {value}")
    print(
        f"generated in {generated:.0f} s, with VACUUM ANALYZE {total:.0f} s; "
        f"database size {size / 2**30:.2f} GiB ({size:,} bytes)"
    )
    if args.check:
        print("\n".join(check_pages()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
