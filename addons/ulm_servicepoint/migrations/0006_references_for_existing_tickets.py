"""Data migration: every ticket that exists already gets its stable reference (by the year it
was created, in the order of creation). Reversible: going back removes the references."""

from django.db import migrations


def assign_all(apps, schema_editor):
    Ticket = apps.get_model("helpdesk", "Ticket")
    TicketReference = apps.get_model("ulm_servicepoint", "TicketReference")
    prefix = "SC"
    from django.conf import settings

    prefix = getattr(settings, "ULM_SERVICEPOINT_REFERENCE_PREFIX", prefix)
    cursor = schema_editor.connection.cursor()
    rows = []
    for ticket_id, created in (
        Ticket.objects.filter(stable_reference__isnull=True)
        .order_by("created", "id")
        .values_list("id", "created")
        .iterator()
    ):
        year = created.year
        name = f"ulm_reference_{year:04d}"
        cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name}")
        cursor.execute("SELECT nextval(%s)", [name])
        number = cursor.fetchone()[0]
        rows.append(
            TicketReference(ticket_id=ticket_id, reference=f"{prefix}-{year:04d}-{number:06d}")
        )
        if len(rows) >= 1000:
            TicketReference.objects.bulk_create(rows)
            rows = []
    TicketReference.objects.bulk_create(rows)


def remove_all(apps, schema_editor):
    apps.get_model("ulm_servicepoint", "TicketReference").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("ulm_servicepoint", "0005_ticket_reference")]

    operations = [migrations.RunPython(assign_all, remove_all)]
