"""Django's mail API into the outbox: ``EMAIL_BACKEND = "ulm_channels.mail.backend.OutboxBackend"``.

``send_messages`` never talks to a mail server: it records each message in the outbox, in the
caller's transaction, and the worker delivers it after the commit (``mail/delivery.py``). So a
page that sends mail (the host's replies and notifications, our confirmations, any addon's
``send_mail``) never waits for, or fails because of, the mail server. See ``mail/outbox.py`` for
the headers that link a mail to a ticket.
"""

from __future__ import annotations

from django.core.mail.backends.base import BaseEmailBackend

from ulm_channels.mail import outbox


class OutboxBackend(BaseEmailBackend):
    """Records mail for the worker; returns how many messages were accepted for sending (a
    message that can never be sent is recorded as failed, visible in the admin, not counted)."""

    def send_messages(self, email_messages) -> int:
        accepted = 0
        for message in email_messages or []:
            mail = outbox.record(message)
            accepted += mail.status != mail.Status.FAILED_PERMANENTLY
        return accepted
