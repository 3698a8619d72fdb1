"""Where the data-protection officer lands: the officer sees no queue, so the work list would be
empty; the audit log (or the citizens' rights page) is the officer's start."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def landing_page(user: Any) -> str | None:
    if user.has_perm("ulm_privacy.view_audit_log"):
        return reverse("ulm_privacy:audit_log")
    if user.has_perm("ulm_privacy.handle_data_requests"):
        return reverse("ulm_privacy:rights")
    return None
