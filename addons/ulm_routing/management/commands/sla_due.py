"""``manage.py sla_due START --hours N [--calendar NAME]``: the due time of a target."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ulm_routing import services


class Command(BaseCommand):
    help = (
        "Prints the due time (ISO 8601 with offset) N open hours after START (ISO 8601, local "
        "time in Europe/Berlin unless an offset is given) on a business calendar."
    )

    def add_arguments(self, parser):
        parser.add_argument("start")
        parser.add_argument("--hours", type=float, required=True)
        parser.add_argument("--calendar", default="")

    def handle(self, *args, **options):
        hours = options["hours"]
        if not 0 <= hours <= 100_000:
            raise CommandError(_("--hours must be between 0 and 100000."))
        try:
            start = services.parse_local(options["start"])
            calendar = services.load_calendar(options["calendar"] or None)
            due = services.due_at(start, hours, calendar)
        except (ValueError, services.CalendarError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(due.isoformat())
