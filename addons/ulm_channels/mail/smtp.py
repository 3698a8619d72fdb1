"""SMTP spoken by hand, so that the end of a message can wait for our commit.

``Session.begin`` sends MAIL, RCPT, DATA and the whole message, dot-stuffed, but not the
terminating ``CRLF.CRLF``; ``Session.end_message`` sends that dot, ``Session.reply`` reads the
server's answer. A server discards a message whose final dot never came (the connection closed
in between). The
connection's settings are Django's ``EMAIL_*``, read at call time.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl

from django.conf import settings
from django.utils.translation import gettext as _

CRLF = b"\r\n"
LINE_ENDS = re.compile(rb"\r\n|\n|\r(?!\n)")
LEADING_DOT = re.compile(rb"(?m)^\.")


def data_without_end(raw: bytes) -> bytes:
    """The message as DATA carries it (CRLF line ends, leading dots doubled), ending with a
    line break but without the final ``.CRLF``."""
    data = LEADING_DOT.sub(b"..", LINE_ENDS.sub(CRLF, raw))
    return data if data.endswith(CRLF) else data + CRLF


class ConnectionFailed(Exception):
    """The mail server could not be reached or refused us (not this mail's fault)."""


class Session:
    """One SMTP connection, opened on first use and reused for the mails of one run."""

    def __init__(self) -> None:
        self.connection: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        host, port = settings.EMAIL_HOST, int(settings.EMAIL_PORT)
        timeout = getattr(settings, "EMAIL_TIMEOUT", None) or 30
        try:
            if getattr(settings, "EMAIL_USE_SSL", False):
                connection: smtplib.SMTP = smtplib.SMTP_SSL(
                    host, port, timeout=timeout, context=ssl.create_default_context()
                )
            else:
                connection = smtplib.SMTP(host, port, timeout=timeout)
            # small writes (the final dot) go out at once, not after the peer's delayed ACK
            if connection.sock is not None:
                connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            connection.ehlo_or_helo_if_needed()
            if getattr(settings, "EMAIL_USE_TLS", False):
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if settings.EMAIL_HOST_USER:
                connection.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
        except (OSError, smtplib.SMTPException) as exc:
            raise ConnectionFailed(
                _("The mail server %(host)s:%(port)s could not be reached: %(error)s")
                % {"host": host, "port": port, "error": describe(exc)}
            ) from exc
        return connection

    def begin(self, sender: str, recipients: list[str], raw: bytes) -> dict[str, tuple]:
        """Everything up to the final dot. Returns the recipients the server refused while
        it accepted others; raises when it refused the mail (``smtplib`` exceptions)."""
        if self.connection is None:
            self.connection = self._open()
        connection = self.connection
        options = ["BODY=8BITMIME"] if not raw.isascii() and connection.has_extn("8bitmime") else []
        code, reply = connection.mail(sender, options)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        refused = {}
        for recipient in recipients:
            code, reply = connection.rcpt(recipient)
            if code not in (250, 251):
                refused[recipient] = (code, reply)
        if len(refused) == len(recipients):
            raise smtplib.SMTPRecipientsRefused(refused)
        code, reply = connection.docmd("data")
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        connection.send(data_without_end(raw))
        return refused

    def end_message(self) -> None:
        """The final dot: from now on the server may deliver the message."""
        assert self.connection is not None  # noqa: S101 - only after begin()
        self.connection.send(b"." + CRLF)

    def reply(self) -> tuple[int, bytes]:
        """The server's reply to the whole message."""
        assert self.connection is not None  # noqa: S101 - only after begin()
        return self.connection.getreply()

    def abort(self) -> None:
        """Drops the connection without ending the message: the server discards it."""
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                pass
            finally:
                self.abort()


def describe(exc: BaseException) -> str:
    """An SMTP failure in one line, with the server's code and words where there are some."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {_text(reply)}" for address, (code, reply) in exc.recipients.items()
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return str(exc) or type(exc).__name__


def _text(reply) -> str:
    if isinstance(reply, bytes):
        reply = reply.decode("utf-8", "replace")
    return " ".join(str(reply).split())


def is_permanent(exc: BaseException) -> bool:
    """True when this mail can never be delivered as it is: the server refused it with a 5xx
    (sender, every recipient, or the message), or an address cannot be encoded. A server that
    cannot be reached, or refuses our login, is not the mail's fault: retried."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return isinstance(exc, smtplib.SMTPNotSupportedError | UnicodeError)
