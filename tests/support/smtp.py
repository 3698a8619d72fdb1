"""A real SMTP server on loopback (aiosmtpd) that keeps every message it receives.

It can be stopped and started again on the same port (a mail server that is down for a while),
refuse chosen recipients or every message with a given reply (``refuse``, ``reply_to_data``),
and counts transactions that began (MAIL) but never completed — a client that vanished mid-send.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import threading
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from tests.support.net import free_port


@dataclass
class CapturingHandler:
    messages: list[EmailMessage] = field(default_factory=list)
    # recipient address (lower case) → the reply to its RCPT, e.g. "550 5.1.1 No such user"
    refuse: dict[str, str] = field(default_factory=dict)
    # a reply to every message instead of 250, e.g. "451 4.3.0 Try again later"
    reply_to_data: str = ""
    # seconds each RCPT takes: a slow server keeps a client inside its transaction longer
    rcpt_delay: float = 0.0
    begun: int = 0
    completed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        with self.lock:
            self.begun += 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.completed += 1
        if self.reply_to_data:
            return self.reply_to_data
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        message.envelope_recipients = list(envelope.rcpt_tos)  # type: ignore[attr-defined]
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


class MtaLikeSMTP(SMTP):
    """aiosmtpd as a real MTA behaves when a client vanishes: a message whose final dot has
    arrived is taken (Postfix has queued it by then), one without it is discarded. aiosmtpd
    itself cancels its handler the moment the connection closes, dropping a complete message
    still unread in its buffer — a loss a real server would not cause. So the end of the
    connection waits a moment for the handler to read what arrived."""

    def eof_received(self):
        handler = self._handler_coroutine
        if handler is not None:
            self.loop.call_later(1.0, handler.cancel)
        return True  # the reader sees no end of data: buffered lines are read, then it waits


class MtaLikeController(Controller):
    def factory(self):
        return MtaLikeSMTP(self.handler, **self.SMTP_kwargs)


class SmtpServer:
    """Starts aiosmtpd on 127.0.0.1 on a free port; ``messages`` holds what arrived."""

    def __init__(self, port: int | None = None) -> None:
        self.handler = CapturingHandler()
        self.port = port or free_port()
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        if self.controller is None:
            self.controller = MtaLikeController(self.handler, hostname="127.0.0.1", port=self.port)
            self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def message_ids(self) -> Counter[str]:
        """How often each Message-ID arrived (a mail delivered twice counts 2)."""
        return Counter(str(m["Message-ID"]) for m in self.messages)

    @property
    def abandoned(self) -> int:
        """Transactions the server saw begin (MAIL) but never end with the final dot."""
        return self.handler.begun - self.handler.completed
