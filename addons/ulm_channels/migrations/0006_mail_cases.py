"""Tickets the mail gateway opened before every ticket had a case record got an untyped one
(channel "other"); they came by e-mail."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ulm_channels", "0005_outbox_rows"),
        ("ulm_servicepoint", "0009_cases_for_every_ticket"),
    ]

    operations = [
        migrations.RunSQL(
            """
            UPDATE ulm_servicepoint_caserecord c SET channel = 'email'
            WHERE c.channel = 'other' AND c.request_type_id IS NULL AND EXISTS (
                SELECT 1 FROM ulm_channels_inboundmail m WHERE m.ticket_id = c.ticket_id)
            """,
            migrations.RunSQL.noop,
        )
    ]
