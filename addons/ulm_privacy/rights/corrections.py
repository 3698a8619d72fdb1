"""DSGVO Art. 16, rectification: every change of a citizen's personal data is recorded.

A receiver pair on ``ulm_servicepoint.Citizen`` (pre_save reads the stored values, post_save
compares) writes one ``correct`` event into the audit log with the names of the changed fields
and who changed them, wherever the change came from (capture screen, admin, services, a
command). The old values are not kept: the log would otherwise become a second, unerasable copy
of exactly the data the citizen had corrected (or later has erased). Who did it comes from the
request being served (``ActingUserMiddleware``), or ``acting_as`` in jobs and commands; none
means the system."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

from ulm_privacy.audit import record
from ulm_servicepoint.services import CITIZEN_FIELDS

BEFORE = "_ulm_privacy_before"

_acting: ContextVar[tuple[Any, str] | None] = ContextVar("ulm_privacy_acting", default=None)


@contextlib.contextmanager
def acting_as(user: Any, path: str = "") -> Iterator[None]:
    """Changes made inside are recorded as ``user``'s."""
    token = _acting.set((user, path))
    try:
        yield
    finally:
        _acting.reset(token)


class ActingUserMiddleware:
    """Makes the request's user the author of corrections made while serving it."""

    def __init__(self, get_response: Callable[[Any], Any]):
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with acting_as(getattr(request, "user", None), request.path):
            return self.get_response(request)


def remember_stored(instance: Any) -> None:
    """Before a citizen is saved: the values stored until now (one query; none when new)."""
    if instance.pk is None:
        return
    stored = type(instance)._default_manager.filter(pk=instance.pk).values(*CITIZEN_FIELDS).first()
    setattr(instance, BEFORE, stored)


def record_correction(instance: Any, created: bool) -> None:
    """After a citizen is saved: a ``correct`` event naming the changed fields, if any."""
    stored = instance.__dict__.pop(BEFORE, None)
    if created or stored is None:
        return
    changed = [name for name in CITIZEN_FIELDS if stored[name] != getattr(instance, name)]
    if not changed:
        return
    user, path = _acting.get() or (None, "")
    record(user, "correct", "ulm_servicepoint.citizen", instance.pk, path, fields=changed)
