"""Turns the usual start-up mistakes into one clear sentence instead of a traceback."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from config.embedded_pg import EmbeddedPostgresError
from config.startup import StartupError


def describe(exc: BaseException) -> str | None:
    """The sentence for a known start-up problem, or None for anything else."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db.utils import OperationalError

    if isinstance(exc, StartupError):
        return str(exc)
    if isinstance(exc, ImproperlyConfigured | EmbeddedPostgresError):
        return f"Configuration error: {exc}"
    if isinstance(exc, OperationalError):
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (
            f"Cannot connect to the database ({reason}). Check DATABASE_URL "
            "(postgres://USER:PASSWORD@HOST:PORT/NAME), or unset it to use the embedded PostgreSQL."
        )
    return None


@contextlib.contextmanager
def explain_startup_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        sentence = describe(exc)
        if sentence is None:
            raise
        print(sentence, file=sys.stderr)
        raise SystemExit(1) from None
