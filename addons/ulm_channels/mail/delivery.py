"""The worker's side of the outbox: each recorded mail delivered at most once, retried with
back-off, given up with a visible reason.

Exactly once, also when the worker is killed mid-send or several workers run:

1. In a transaction, the row is taken with ``SELECT … FOR UPDATE SKIP LOCKED`` (a second worker
   skips it) — only while it is still waiting and due.
2. In that transaction we speak SMTP ourselves: MAIL, RCPT, DATA and the whole message, but not
   the final ``CRLF.CRLF`` (``smtp.Session.begin``).
3. The row is marked sent. COMMIT goes to PostgreSQL and, right after it and without waiting
   for PostgreSQL's answer, the final dot to the mail server (``_commit_then_end_message``).
4. PostgreSQL's answer is read, then the server's reply to the message (``Session.reply``).

Killed before the COMMIT left, the server never got the dot: it discards the message,
PostgreSQL rolls the transaction back (the row is waiting again) and a later run sends it —
once. Killed after both left: PostgreSQL commits what it received and the server delivers. A
reply other than 250 after the dot is recorded in a new transaction (4xx: retried with
back-off, 5xx: failed permanently).

Why step 3 does not wait for the COMMIT's answer (the design first did: commit, then dot): the
answer waits for PostgreSQL's WAL flush, milliseconds on a busy disk, and a worker killed
during that wait has committed "sent" without ever sending the dot. Ten SIGKILLs during 200
deliveries lost a mail that way in three of five runs (tests/test_outbox_worker.py).

The window that remains (RFC 1047): a kill between the two socket writes of step 3 —
microseconds apart — leaves a row marked sent whose message the server discarded (lost, never
doubled). A connection to the mail server that breaks after the dot but before its reply leaves
us unsure; the row stays "sent" with that said in its error, because sending again could
deliver twice. A PostgreSQL connection that breaks during the COMMIT is repaired when the
server said 250 (the row is marked on a new connection); failing that, the mail may be sent a
second time. A crash between the dot and recording a refusal after it leaves "sent" on a
refused mail. Each of these is logged.
"""

from __future__ import annotations

import logging
import select
import smtplib
from datetime import datetime, timedelta

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from psycopg import pq

from ulm_channels import conf
from ulm_channels.mail import outbox, smtp
from ulm_channels.models import OutboundMail, UndeliverableAddress

log = logging.getLogger(__name__)
Status = OutboundMail.Status
WAITING = (Status.QUEUED, Status.FAILED)


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: the first delay doubled per failure, up to the maximum."""
    first = conf.get("ULM_CHANNELS_OUTBOX_RETRY_SECONDS")
    longest = conf.get("ULM_CHANNELS_OUTBOX_RETRY_MAX_SECONDS")
    return timedelta(seconds=min(longest, first * 2 ** max(0, attempts - 1)))


def due_ids(now: datetime | None = None, limit: int = 500) -> list[int]:
    """Waiting mails whose time has come, oldest due first."""
    now = now or timezone.now()
    return list(
        OutboundMail.objects.filter(status__in=WAITING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def deliver(ids: list[int], now: datetime | None = None) -> dict[str, int]:
    """Sends the given mails over one SMTP connection; returns counts per outcome. When the
    server cannot be reached, the run stops after recording that for the mail it tried (the
    rest stay due for the next run)."""
    counts: dict[str, int] = {}
    session = smtp.Session()
    try:
        with translation.override("de"):
            for outbound_id in ids:
                outcome = _deliver_one(session, outbound_id, now)
                counts[outcome] = counts.get(outcome, 0) + 1
                if outcome == "unreachable":
                    break
    finally:
        session.close()
    return counts


def deliver_due(now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """The worker's sweep: every mail that is due, in batches of ``batch`` over one SMTP
    connection each, until none is left or the server cannot be reached."""
    counts: dict[str, int] = {}
    seen: set[int] = set()
    while ids := [pk for pk in due_ids(now, batch) if pk not in seen]:
        seen.update(ids)  # a mail still due after its try (another worker has it) waits
        for outcome, number in deliver(ids, now).items():
            counts[outcome] = counts.get(outcome, 0) + number
        if "unreachable" in counts:
            break
    return counts


def _claim(outbound_id: int, now: datetime) -> OutboundMail | None:
    return (
        OutboundMail.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk=outbound_id, status__in=WAITING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .first()
    )


def _deliver_one(session: smtp.Session, outbound_id: int, now: datetime | None) -> str:
    ended = False
    mail: OutboundMail | None = None
    try:
        with transaction.atomic(durable=True):
            mail = _claim(outbound_id, now or timezone.now())
            if mail is None:
                return "skipped"  # sent, given up, not due, or another worker has it now
            if not mail.raw or not mail.recipients:
                outbox.fail_permanently(mail, _("Nothing to send: the message was erased."))
                return "failed_permanently"
            if mail.automatic and _all_undeliverable(mail.recipients):
                outbox.fail_permanently(mail, _("A bounce reported the address as undeliverable."))
                return "failed_permanently"
            try:
                refused = session.begin(mail.sender, list(mail.recipients), bytes(mail.raw))
            except smtp.ConnectionFailed as exc:
                session.abort()
                _failed(mail, str(exc), permanent=False)
                return "unreachable"
            except Exception as exc:  # refused by the server, connection lost, bad address
                session.abort()
                _failed(mail, smtp.describe(exc), permanent=smtp.is_permanent(exc))
                return "failed"
            mail.status = Status.SENT
            mail.sent_at = timezone.now()
            mail.attempts += 1
            mail.next_attempt_at = None
            mail.last_error = (
                _("Refused for %(refused)s") % {"refused": smtp.describe(_refusal(refused))}
                if refused
                else ""
            )
            mail.save()
            ended = _commit_then_end_message(session)
    except CommitUnconfirmed as exc:
        assert mail is not None  # noqa: S101 - raised only after the row was claimed
        return _after_unconfirmed_commit(session, mail, exc)
    if not ended:  # inside a caller's transaction (tests): committed with it, ended now
        session.end_message()
    return _after_end(session, mail, refused)


class CommitUnconfirmed(Exception):
    """PostgreSQL did not confirm the COMMIT that marks a mail sent, after its final dot left."""


def _commit_then_end_message(session: smtp.Session) -> bool:
    """The row is marked sent: COMMIT goes to PostgreSQL and — without waiting for its answer
    (a WAL flush, milliseconds) — the final dot to the mail server, then PostgreSQL's answer is
    read. A worker killed before the COMMIT left leaves the row waiting and the message without
    its dot (discarded by the server); killed after both left, both took effect. Only a kill
    between the two socket writes, microseconds apart, loses the mail. False when this block is
    not the outermost transaction (then the caller's commit decides, and the dot follows)."""
    connection = transaction.get_connection()
    if len(connection.atomic_blocks) != 1:
        return False
    pgconn = connection.connection.pgconn  # psycopg's libpq connection
    timeout = 30
    pgconn.send_query(b"COMMIT")
    while pgconn.flush():  # until the COMMIT has left
        select.select([], [pgconn.socket], [], timeout)
    session.end_message()
    while True:
        pgconn.consume_input()
        if not pgconn.is_busy():
            break
        select.select([pgconn.socket], [], [], timeout)
    results = []
    while (result := pgconn.get_result()) is not None:
        results.append(result)
    if not results or results[-1].status != pq.ExecStatus.COMMAND_OK:
        error = results[-1].error_message if results else b"no answer"
        raise CommitUnconfirmed(error.decode("utf-8", "replace").strip())
    return True  # Django's own COMMIT after this block finds nothing left to commit


def _after_end(session: smtp.Session, mail: OutboundMail, refused: dict) -> str:
    """The server's reply to the whole message, after our commit: 250 — delivered; anything
    else is recorded in a new transaction (4xx: retried, 5xx: failed permanently)."""
    try:
        code, reply = session.reply()
    except Exception as exc:
        session.abort()
        log.warning("outbox: no reply after the end of mail %s: %s", mail.pk, exc)
        OutboundMail.objects.filter(pk=mail.pk).update(
            last_error=_(
                "The mail server did not confirm the end of the message (%(error)s): it may "
                "not have been delivered. Not sent again, so that it cannot arrive twice."
            )
            % {"error": smtp.describe(exc)}
        )
        return "unconfirmed"
    if code != 250:
        session.abort()
        with transaction.atomic(durable=True):
            mail = (
                OutboundMail.objects.select_for_update(of=("self",))
                .select_related("ticket")
                .get(pk=mail.pk)
            )
            refusal = smtplib.SMTPDataError(code, reply)
            mail.attempts -= 1  # counted again by _failed
            _failed(mail, smtp.describe(refusal), permanent=smtp.is_permanent(refusal))
        return "failed"
    if refused and any(code >= 500 for code, _reply in refused.values()):
        outbox._note_permanent_failure(mail)
    return "sent"


def _after_unconfirmed_commit(
    session: smtp.Session, mail: OutboundMail, error: CommitUnconfirmed
) -> str:
    """The final dot left, but PostgreSQL did not confirm that the row says "sent" (the
    database connection broke at that moment). If the server took the message, the row is
    marked sent on a new connection, so that it is not sent twice."""
    log.error("outbox: commit of mail %s unconfirmed after its end was sent: %s", mail.pk, error)
    try:
        code, _reply = session.reply()
    except Exception:
        session.abort()
        code = 0
    if code != 250:
        session.abort()
        return "unconfirmed"  # the row is "sent" or waiting, as the database decided
    try:
        connection = transaction.get_connection()
        connection.close()
        OutboundMail.objects.filter(pk=mail.pk, status__in=WAITING).update(
            status=Status.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
        )
    except DatabaseError:
        log.exception("outbox: mail %s was delivered but cannot be marked sent", mail.pk)
    return "sent"


def _refusal(refused: dict) -> smtplib.SMTPRecipientsRefused:
    return smtplib.SMTPRecipientsRefused(refused)


def _all_undeliverable(recipients: list[str]) -> bool:
    wanted = {r.lower() for r in recipients}
    known = (
        UndeliverableAddress.objects.annotate(lower=Lower("address"))
        .filter(lower__in=wanted)
        .count()
    )
    return bool(wanted) and known == len(wanted)


def _failed(mail: OutboundMail, error: str, permanent: bool) -> None:
    """Records a failed attempt (in the caller's transaction): retried after the back-off, or
    — a 5xx, or too many attempts — failed permanently with a note on the ticket."""
    mail.attempts += 1
    if not permanent and mail.attempts >= conf.get("ULM_CHANNELS_OUTBOX_MAX_ATTEMPTS"):
        error = _("%(error)s — given up after %(count)d attempts.") % {
            "error": error,
            "count": mail.attempts,
        }
        permanent = True
    if permanent:
        outbox.fail_permanently(mail, error)
        return
    mail.status = Status.FAILED
    mail.last_error = error[:2000]
    mail.next_attempt_at = timezone.now() + backoff(mail.attempts)
    mail.save()
    when, pk = mail.next_attempt_at, mail.pk
    transaction.on_commit(lambda: outbox.request_delivery(pk, at=when))


def deliver_one(outbound_id: int) -> dict[str, int]:
    """The worker: delivers one recorded mail if it is still waiting and due."""
    return deliver([outbound_id])
