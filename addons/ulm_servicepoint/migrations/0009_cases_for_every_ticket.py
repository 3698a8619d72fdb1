"""Every ticket gets a case record (tickets from the mail gateway and the host's forms had
none: they become untyped cases for the triage view, in the 2nd level when they are in a
department's queue), and every case its work-list columns and search words."""

from django.db import migrations

from ulm_servicepoint import conf
from ulm_servicepoint.case_index import REFRESH, refresh_params


def forwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO ulm_servicepoint_caserecord (ticket_id, values, channel, level,
                resolved_at_first_contact, received_at, captured_at, is_open, created_at,
                updated_at)
            SELECT t.id, '{}', 'other',
                CASE WHEN q.slug = %s THEN 1 ELSE 2 END, false, t.created, t.created, true,
                now(), now()
            FROM helpdesk_ticket t JOIN helpdesk_queue q ON q.id = t.queue_id
            WHERE NOT EXISTS (SELECT 1 FROM ulm_servicepoint_caserecord c
                WHERE c.ticket_id = t.id)
            """,
            [conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE")],
        )
        cursor.execute("SELECT array_agg(ticket_id) FROM ulm_servicepoint_caserecord")
        ids = cursor.fetchone()[0] or []
        for start in range(0, len(ids), 10_000):
            cursor.execute(REFRESH, refresh_params(ids[start : start + 10_000]))


class Migration(migrations.Migration):
    dependencies = [
        ("ulm_servicepoint", "0008_case_worklist"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
