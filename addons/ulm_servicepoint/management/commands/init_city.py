from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ulm_servicepoint import services


class Command(BaseCommand):
    help = (
        "Sets up a real city from its configuration (YAML; example: config/city.example.yaml): "
        "the service center, the departments with their mail addresses, opening hours and "
        "heads, the role groups and the first administrator. Safe to run again: only "
        "differences are changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("config", help="the city's configuration file (YAML)")

    def handle(self, *args, **options):
        try:
            config = services.read_config(options["config"])
            changes = services.init_city(config)
        except (services.CityConfigError, LookupError) as exc:
            raise CommandError(str(exc)) from None
        for line in changes:
            self.stdout.write(line)
        if not changes:
            self.stdout.write(
                _("%(city)s is set up as configured; nothing changed.") % {"city": config.city}
            )
        else:
            self.stdout.write(_("%(city)s is set up.") % {"city": config.city})
        if services.city_name_differs(config):
            self.stdout.write(
                _(
                    'Set ULM_CITY_NAME="%(city)s" in the environment: pages and mails take '
                    "the city's name from it."
                )
                % {"city": config.city}
            )
