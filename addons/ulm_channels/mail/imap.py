"""IMAP intake: fetch from one or more mailboxes over TLS, feed each message to the pipeline,
and flag or move it on the server only after its result is committed.

A message is fetched with ``BODY.PEEK[]`` (nothing changes on the server), run through
``intake.ingest`` (which commits), and only then flagged ``$UlmProcessed`` and ``\\Seen`` or
moved to the done folder. A crash in between leaves it unflagged: the next poll fetches it
again and the pipeline answers "duplicate", so it is flagged then, never stored twice.
A login or network failure is logged and recorded on the mailbox; the next poll retries it,
and it stops no other mailbox.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import os
import re
import ssl

from django.utils import timezone
from django.utils.translation import gettext as _
from procrastinate.contrib.django import app

from ulm_channels import conf
from ulm_channels.mail import intake
from ulm_channels.models import Mailbox

log = logging.getLogger(__name__)
PROCESSED = "$UlmProcessed"
BATCH = 500  # messages per poll and mailbox; the rest follows on the next poll


class MailboxError(Exception):
    """The mailbox cannot be read now (login, network, TLS); retried on the next poll."""


def mailboxes() -> list[Mailbox]:
    """Active mailboxes: the database's, plus those in ULM_CHANNELS_MAIL_MAILBOXES (kept in
    the database too, so that received mail can point to its mailbox)."""
    for spec in conf.get("ULM_CHANNELS_MAIL_MAILBOXES"):
        values = {k: v for k, v in spec.items() if k != "name"}
        Mailbox.objects.update_or_create(name=spec["name"], defaults=values)
    return list(Mailbox.objects.filter(active=True))


def _ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=conf.get("ULM_CHANNELS_MAIL_CAFILE") or None)


def connect(box: Mailbox) -> imaplib.IMAP4:
    if not (box.use_ssl or box.starttls):
        raise MailboxError(
            _("Neither TLS nor STARTTLS is switched on: unencrypted IMAP is not allowed.")
        )
    timeout = conf.get("ULM_CHANNELS_MAIL_IMAP_TIMEOUT")
    password = os.environ.get(box.password_env, "") if box.password_env else ""
    if box.password_env and not password:
        raise MailboxError(
            _("The password variable %(name)s is not set.") % {"name": box.password_env}
        )
    try:
        if box.use_ssl:
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                box.host, box.port, ssl_context=_ssl_context(), timeout=timeout
            )
        else:
            client = imaplib.IMAP4(box.host, box.port, timeout=timeout)
            if box.starttls:
                client.starttls(ssl_context=_ssl_context())
        client.login(box.username, password)
    except (imaplib.IMAP4.error, OSError, ssl.SSLError) as exc:
        raise MailboxError(str(exc) or type(exc).__name__) from exc
    return client


def _check(response: tuple[str, list]) -> list:
    status, data = response
    if status != "OK":
        raise MailboxError(f"IMAP: {status} {data!r}")
    return data


def poll(box: Mailbox) -> int:
    """Fetches and processes the mailbox's new messages; returns how many were handled."""
    client = connect(box)
    handled = 0
    try:
        _check(client.select(_quote(box.folder)))
        data = _check(client.uid("SEARCH", "UNDELETED", "UNKEYWORD", PROCESSED))
        uids = [uid.decode() for uid in data[0].split()] if data and data[0] else []
        for uid in uids[:BATCH]:
            fetched = _check(client.uid("FETCH", uid, "(BODY.PEEK[])"))
            raw = next((part[1] for part in fetched if isinstance(part, tuple)), None)
            if raw is None:
                continue  # expunged meanwhile
            intake.ingest(raw, f"imap:{box.name}/{box.folder}/{uid}", mailbox=box)
            _done(client, box, uid)  # only after the result is committed
            handled += 1
        if box.done_folder and handled:
            client.expunge()
    except (imaplib.IMAP4.error, OSError, ssl.SSLError) as exc:
        raise MailboxError(str(exc) or type(exc).__name__) from exc
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError, ssl.SSLError):
            client.logout()
    return handled


def _done(client: imaplib.IMAP4, box: Mailbox, uid: str) -> None:
    if box.done_folder:
        if "MOVE" in client.capabilities:
            _check(client.uid("MOVE", uid, _quote(box.done_folder)))
            return
        _check(client.uid("COPY", uid, _quote(box.done_folder)))
        _check(client.uid("STORE", uid, "+FLAGS.SILENT", rf"(\Deleted {PROCESSED})"))
        return
    _check(client.uid("STORE", uid, "+FLAGS.SILENT", rf"(\Seen {PROCESSED})"))


def _quote(folder: str) -> str:
    return '"' + re.sub(r'(["\\])', r"\\\1", folder) + '"'


def poll_all() -> dict[str, int]:
    """Every active mailbox; a failing one is logged, recorded and retried next time. Before the
    city is set up (``init_city``) nothing is fetched: the mail stays on the server, and the
    mailboxes show why."""
    from ulm_servicepoint.services import missing_setup

    results: dict[str, int] = {}
    missing = missing_setup()
    if missing:
        log.error("%s", missing)
        Mailbox.objects.filter(pk__in=[box.pk for box in mailboxes()]).update(
            last_error=missing, last_polled_at=timezone.now()
        )
        return results
    for box in mailboxes():
        try:
            results[box.name] = poll(box)
            box.last_error = ""
        except (TimeoutError, MailboxError) as exc:
            log.warning("fetching mail from %s failed: %s", box.name, exc)
            box.last_error = _("Fetching mail from %(mailbox)s failed: %(error)s") % {
                "mailbox": box.name,
                "error": exc,
            }
            results[box.name] = -1
        box.last_polled_at = timezone.now()
        box.save(update_fields=["last_error", "last_polled_at", "updated_at"])
    return results


def request_poll() -> None:
    """Admin: asks the worker to fetch mail now (the job is named, not imported: jobs call into
    this module, never the other way round)."""
    app.configure_task("ulm_channels.poll_mail_now", allow_unknown=False).defer()
