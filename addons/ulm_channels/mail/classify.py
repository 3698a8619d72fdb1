"""What kind of mail is this: a citizen's message, an auto-reply, a bounce, or obvious spam.

Auto-replies and bounces open no ticket and trigger no acknowledgement (no mail loops); spam is
kept aside in the quarantine, never deleted.
"""

from __future__ import annotations

import re
from enum import StrEnum

from django.utils.translation import gettext as _

from ulm_channels.mail.parse import ParsedMail


class Kind(StrEnum):
    MESSAGE = "message"
    AUTO_REPLY = "auto-reply"
    BOUNCE = "bounce"
    SPAM = "spam"


AUTO_SUBJECT = re.compile(
    r"(Abwesenheitsnotiz|Automatische Antwort|Abwesenheitsmeldung|Abwesend|Auto(matic)?[ -]?reply|"
    r"Autoresponse|Out of (the )?Office|Urlaubsabwesenheit|Lesebestätigung|Gelesen:|Read:|"
    r"Empfangsbestätigung|Zustellbestätigung|Delivered:)",
    re.IGNORECASE,
)
BOUNCE_SUBJECT = re.compile(
    r"(Undeliver(ed|able)|Unzustellbar|Nicht zustellbar|Delivery Status Notification|"
    r"Mail delivery failed|Returned mail|Delivery (has )?failed|Failure Notice|"
    r"Benachrichtigung zum Übermittlungsstatus|Unzustellbare Nachricht)",
    re.IGNORECASE,
)
SPAM_SUBJECT = re.compile(r"^\s*(\[SPAM\]|\*{3,}\s*SPAM\s*\*{3,}|\{SPAM\??\}|SPAM:)", re.I)
GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"
DAEMON_SENDER = re.compile(r"^(mailer-daemon|postmaster|mail-daemon)@", re.IGNORECASE)


def _header(name: str, value: str) -> str:
    return _("header %(name)s: %(value)s") % {"name": name, "value": value.strip()[:60]}


def classify(mail: ParsedMail) -> tuple[Kind, str]:
    """The kind of ``mail`` and the reason, in words an admin understands."""
    headers = mail.headers
    if mail.report is not None and "delivery-status" in headers.get("content-type", "").lower():
        return Kind.BOUNCE, _("delivery status notification (multipart/report)")
    if DAEMON_SENDER.match(mail.from_address) and BOUNCE_SUBJECT.search(mail.subject):
        return Kind.BOUNCE, _("bounce from %(sender)s") % {"sender": mail.from_address}
    if mail.report is not None:  # read receipts (disposition-notification) and other reports
        return Kind.AUTO_REPLY, _("automatic report (multipart/report)")
    auto_submitted = headers.get("auto-submitted", "").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return Kind.AUTO_REPLY, _header("Auto-Submitted", auto_submitted)
    for header in ("x-autoreply", "x-autorespond", "x-auto-reply"):
        if header in headers:
            return Kind.AUTO_REPLY, _header(header, headers[header])
    precedence = headers.get("precedence", "").strip().lower()
    if precedence in ("bulk", "junk", "auto_reply"):
        return Kind.AUTO_REPLY, _header("Precedence", precedence)
    if AUTO_SUBJECT.search(mail.subject):
        return Kind.AUTO_REPLY, _("subject of an automatic reply")
    if headers.get("x-spam-flag", "").strip().lower() == "yes" or re.match(
        r"^\s*yes\b", headers.get("x-spam-status", ""), re.IGNORECASE
    ):
        return Kind.SPAM, _("marked as spam by the mail server")
    if SPAM_SUBJECT.search(mail.subject):
        return Kind.SPAM, _("subject tagged as spam")
    if GTUBE in mail.text:
        return Kind.SPAM, _("spam test pattern (GTUBE)")
    return Kind.MESSAGE, ""
