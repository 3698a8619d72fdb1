"""``manage.py poll_mail``: fetch every active mailbox once (what the worker's periodic job
does every minute); prints handled messages per mailbox as JSON (-1: the mailbox failed)."""

import json

from django.core.management.base import BaseCommand

from ulm_channels import services


class Command(BaseCommand):
    help = "Fetches new mail from every active IMAP mailbox once."

    def handle(self, *args, **options):
        self.stdout.write(json.dumps(services.poll_mailboxes()))
