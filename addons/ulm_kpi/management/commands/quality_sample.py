"""``manage.py quality_sample [--week YYYY-Www]``: draws the quality sample of a week (default:
the week before this one), as the worker does every Monday; once per week."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ulm_kpi import quality


class Command(BaseCommand):
    help = (
        "Draws the quality sample of a week (default: last week): a few closed tickets per "
        "agent. A week already drawn stays as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("--week", default="", help="ISO week, e.g. 2026-W48")
        parser.add_argument("--seed", type=int, default=None, help="repeatable drawing (tests)")

    def handle(self, *args, **options):
        try:
            monday = quality.parse_week(options["week"]) if options["week"] else None
            week, drawn = quality.draw_week(monday, seed=options["seed"])
        except quality.WeekInvalid as invalid:
            raise CommandError(str(invalid)) from None
        count = week.samples.count()
        if drawn:
            self.stdout.write(
                _("Week %(week)s drawn: %(count)d samples.") % {"week": week, "count": count}
            )
        else:
            self.stdout.write(
                _("Week %(week)s was drawn before (%(count)d samples); nothing changed.")
                % {"week": week, "count": count}
            )
