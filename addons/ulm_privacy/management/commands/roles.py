"""``manage.py roles create|check``: the role groups with exactly their permissions
(``ulm_privacy.roles``)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ulm_privacy import services


class Command(BaseCommand):
    help = (
        "create: makes every role group hold exactly its permissions and reports the changes; "
        "check: lists every deviation from the roles and fails if there is one."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "check"])

    def handle(self, *args, **options):
        if options["action"] == "create":
            try:
                changes = services.create_roles()
            except LookupError as unknown:
                raise CommandError(str(unknown)) from None
            for change in changes:
                self.stdout.write(change)
            if not changes:
                self.stdout.write(_("The roles were as they should be; nothing changed."))
            return
        deviations = services.check_roles()
        for deviation in deviations:
            self.stdout.write(deviation)
        if deviations:
            raise CommandError(
                _("%(count)d deviations from the roles.") % {"count": len(deviations)}
            )
        self.stdout.write(_("Every role is as it should be."))
