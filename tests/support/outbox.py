"""The outbox in tests: what the worker does after the commit, done here and now."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone


def deliver_outbox() -> dict[str, int]:
    """Delivers every mail waiting in the outbox — also those waiting for a retry, as if their
    back-off had passed — the way the worker's sweep does; returns the counts per outcome
    (``{"sent": 2}``)."""
    from ulm_channels import services

    return services.send_due_mail(now=timezone.now() + timedelta(days=30))
