"""Bytes to a structured message, with Python's ``email`` package and its modern policy.

Nothing is decoded before MIME parsing: the raw bytes go to the parser as they are, and each
header and text part is decoded afterwards with ``text.decode_bytes`` (declared, detected,
windows-1252). HTML-only mail becomes text and keeps its (sanitised) original; attachments keep
their RFC 2231 and encoded-word names; ``winmail.dat`` is unpacked; inline images and forwarded
``message/rfc822`` parts are kept as attachments.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from django.utils.translation import gettext as _

from ulm_channels.mail import text as textlib

TNEF_SIGNATURE = b"\x78\x9f\x3e\x22"
CFB_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an Outlook .msg file, not a mail
MESSAGE_ID = re.compile(r"<[^<>\s]+>")


class NotAMail(ValueError):
    """The bytes are not an Internet message (an Outlook .msg or a bare winmail.dat file)."""


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes
    inline: bool = False
    content_id: str = ""


@dataclass
class DeliveryReport:
    """What a bounce (DSN) tells: who could not be reached, and which of our mails it was."""

    recipients: list[str] = field(default_factory=list)
    original_message_id: str = ""
    status: str = ""


@dataclass
class ParsedMail:
    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_name: str = ""
    from_address: str = ""
    reply_to: str = ""
    to: str = ""
    date: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/plain"
    text: str = ""
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    report: DeliveryReport | None = None
    defects: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return textlib.clean_title(self.subject)

    @property
    def new_text(self) -> str:
        """The body without the quoted earlier mail (the full text stays in ``text``)."""
        return textlib.strip_quotes(self.text)

    @property
    def is_forward(self) -> bool:
        return bool(re.match(r"^\s*(WG|FW|FWD|Weiterleitung|WTR)\s*:", self.subject, re.I))

    @property
    def sender(self) -> str:
        return self.reply_to or self.from_address


def message_ids(value: str) -> list[str]:
    return MESSAGE_ID.findall(value or "")


ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(\.[\w-]+)+")


def _address(value: str) -> tuple[str, str]:
    name, address = email.utils.parseaddr(value)
    if not address or "@" not in address:  # e.g. an unquoted comma: Müller, Bernd <b@x.de>
        bracketed = re.findall(r"<([^<>\s]+@[^<>\s]+)>", value)
        bare = ADDRESS.search(value)
        address = bracketed[-1] if bracketed else (bare.group(0) if bare else "")
        name = value.split("<")[0].strip().strip('"') if bracketed else ""
    address = address.strip().lower()
    if "@" not in address or " " in address or len(address) > 254:
        address = ""
    return name.strip(), address


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    if not isinstance(payload, list):
        return []
    return [child for child in payload if isinstance(child, Message)]


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # a broken transfer encoding: keep what is there
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return b""


def _charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except Exception:
        return None


def _raw_header(part: Message, name: str) -> str:
    for key, value in part.raw_items():
        if key.lower() == name:
            return textlib.decode_header_value(str(value))
    return ""


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:  # an unparseable Content-Type header: read it by hand
        value = _raw_header(part, "content-type").split(";")[0].strip().lower()
        return value if "/" in value else "text/plain"


def _disposition(part: Message) -> str:
    return _raw_header(part, "content-disposition").split(";")[0].strip().lower()


def _filename(part: Message) -> str:
    """The attachment's name, RFC 2231 or encoded-word or raw 8-bit, read from the raw header
    (the modern policy turns raw 8-bit parameter bytes into U+FFFD)."""
    probe = Message()
    for header in ("content-disposition", "content-type"):
        raw_value = _raw_header(part, header)
        if raw_value:
            probe[header] = raw_value
    name = ""
    try:
        for header, param in (("content-disposition", "filename"), ("content-type", "name")):
            value: Any = probe.get_param(param, header=header)
            if isinstance(value, tuple):  # RFC 2231: (charset, language, %-decoded latin-1)
                charset, _language, encoded = value
                name = textlib.decode_bytes(str(encoded).encode("latin-1", "ignore"), charset)
            elif value:
                name = email.utils.collapse_rfc2231_value(value)
            if name:
                break
    except Exception:
        name = ""
    name = textlib.decode_header_value(name) if "=?" in name else name
    return name.replace("/", "_").replace("\\", "_").strip()


def _message_bytes(part: Message) -> bytes:
    try:
        return part.as_bytes(policy=email.policy.compat32)
    except Exception:
        return part.as_string(policy=email.policy.compat32).encode("utf-8", "surrogateescape")


class _Walker:
    def __init__(self, parsed: ParsedMail) -> None:
        self.parsed = parsed
        self.texts: list[str] = []
        self.htmls: list[str] = []

    def visit(self, part: Message) -> None:
        ctype = _content_type(part)
        if ctype == "message/rfc822" or (ctype.startswith("message/") and part.is_multipart()):
            self.attach_message(part)
            return
        if part.is_multipart():
            children = _children(part)
            if ctype == "multipart/alternative":
                self.visit_alternative(children)
            elif ctype == "multipart/report":
                self.visit_report(part, children)
            else:
                for child in children:
                    self.visit(child)
            return
        self.visit_leaf(part, ctype)

    def visit_alternative(self, children: list[Message]) -> None:
        plain = [c for c in children if _content_type(c) == "text/plain"]
        html = [c for c in children if _content_type(c) == "text/html"]
        nested = [c for c in children if c.is_multipart()]
        if plain:
            self.visit_leaf(plain[0], "text/plain")
        if html:
            self.htmls.append(textlib.decode_bytes(_payload(html[0]), _charset(html[0])))
        for child in nested:
            # e.g. multipart/related with the HTML and its inline images
            before = len(self.texts)
            self.visit(child)
            if plain:
                del self.texts[before:]
        for child in children:
            if child not in plain and child not in html and child not in nested:
                self.visit(child)

    def visit_report(self, part: Message, children: list[Message]) -> None:
        report = DeliveryReport()
        for child in children:
            ctype = _content_type(child)
            if ctype in ("message/delivery-status", "message/global-delivery-status"):
                for block in _children(child):
                    recipient = str(block.get("Final-Recipient") or "")
                    if recipient:
                        report.recipients.append(recipient.split(";")[-1].strip().lower())
                    report.status = report.status or str(block.get("Status") or "")
            elif ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
                if ctype == "message/rfc822":
                    inner_msg = next(iter(_children(child)), None)
                    value = str(inner_msg.get("Message-ID") or "") if inner_msg else ""
                else:
                    headers = email.message_from_bytes(_payload(child))
                    value = str(headers.get("Message-ID") or "")
                ids = message_ids(value)
                report.original_message_id = report.original_message_id or (ids[0] if ids else "")
        self.parsed.report = report
        for child in children:
            self.visit(child)

    def visit_leaf(self, part: Message, ctype: str) -> None:
        data = _payload(part)
        name = _filename(part)
        disposition = _disposition(part)
        is_tnef = ctype == "application/ms-tnef" or name.lower() == "winmail.dat"
        if is_tnef and self.unpack_tnef(data):
            return
        is_body = ctype in ("text/plain", "text/html") and not name and disposition != "attachment"
        if is_body:
            decoded = textlib.decode_bytes(data, _charset(part))
            (self.texts if ctype == "text/plain" else self.htmls).append(decoded)
            return
        content_id = str(part.get("Content-ID") or "").strip().strip("<>")
        if ctype == "message/delivery-status":
            name = name or "delivery-status.txt"
            ctype = "text/plain"
        self.parsed.attachments.append(
            make_attachment(
                name, ctype, data, disposition == "inline" or bool(content_id), content_id
            )
        )

    def attach_message(self, part: Message) -> None:
        message = next(iter(_children(part)), None)
        data = _message_bytes(message) if message is not None else _payload(part)
        subject = _raw_header(message, "subject") if message is not None else ""
        name = _filename(part) or f"{subject or 'message'}.eml"
        self.parsed.attachments.append(Attachment(name[:200], "message/rfc822", data))

    def unpack_tnef(self, data: bytes) -> bool:
        from tnefparse import TNEF

        try:
            tnef = TNEF(data, do_checksum=False)
        except Exception:
            self.parsed.defects.append("TNEFDecodeError")
            return False
        for item in tnef.attachments:
            try:
                name = item.long_filename() or item.name
            except Exception:
                name = ""
            self.parsed.attachments.append(
                make_attachment(name or "attachment.bin", "", bytes(item.data or b""))
            )
        body = tnef.body
        if body:
            codepage = getattr(tnef, "codepage", None)
            body_text = body if isinstance(body, str) else textlib.decode_bytes(body, codepage)
            self.texts.append(body_text.rstrip("\x00"))
        html = tnef.htmlbody
        if html:
            self.htmls.append(html if isinstance(html, str) else textlib.decode_bytes(html))
        return True


def make_attachment(
    name: str, ctype: str, data: bytes, inline: bool = False, content_id: str = ""
) -> Attachment:
    import mimetypes

    if not ctype or ctype == "application/octet-stream":
        ctype = mimetypes.guess_type(name)[0] or ctype or "application/octet-stream"
    if not name:
        extension = mimetypes.guess_extension(ctype) or (
            ".txt" if ctype.startswith("text/") else ".bin"
        )
        name = f"{content_id or 'attachment'}{extension}"
    return Attachment(name[:200], ctype, data, inline, content_id)


HEADER_LINE = re.compile(rb"^[!-9;-~]+:")


KNOWN_HEADER = re.compile(rb"^(From|Subject|To|Date|Message-ID|Content-Type|MIME-Version):", re.I)


def _skip_preamble(raw: bytes) -> bytes:
    """Drops an mbox "From " line or a few lines of text before the first header."""
    lines = raw.split(b"\n", 6)
    for index, line in enumerate(lines[:6]):
        if HEADER_LINE.match(line):
            return raw if index == 0 else b"\n".join(lines[index:])
    return raw


def _repair_folding(raw: bytes) -> bytes:
    """Continuation lines that lost their indentation, followed by more headers (the parser
    would end the header block there and lose From and Subject): indent them again."""
    end = re.search(rb"\r?\n\r?\n", raw)
    block = raw[: end.start()] if end else raw
    lines = block.split(b"\n")
    broken = [
        i
        for i, line in enumerate(lines)
        if i and line.strip() and not HEADER_LINE.match(line) and line[:1] not in (b" ", b"\t")
    ]
    if not broken or not any(KNOWN_HEADER.match(line) for line in lines[broken[0] :]):
        return raw
    for index in broken:
        lines[index] = b" " + lines[index]
    return b"\n".join(lines) + (raw[end.start() :] if end else b"")


def repair_headers(raw: bytes) -> bytes:
    """The bytes with a leading mbox line dropped and broken header folding repaired."""
    return _repair_folding(_skip_preamble(raw))


def parse(raw: bytes) -> ParsedMail:
    """The structured message in ``raw``. Raises ``NotAMail`` for files that are no mail."""
    if raw.startswith(CFB_SIGNATURE) or raw.startswith(TNEF_SIGNATURE):
        raise NotAMail(_("not an e-mail (an Outlook .msg or winmail.dat file)"))
    raw = repair_headers(raw)
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception:  # a header the modern policy cannot parse: the compat32 parser, same bytes
        message = email.message_from_bytes(raw, policy=email.policy.compat32)  # type: ignore[arg-type]
    headers: dict[str, str] = {}
    for name, value in message.raw_items():
        key = name.lower()
        if key not in headers:  # the first occurrence is the outermost
            headers[key] = textlib.decode_header_value(str(value))
    if not headers:
        raise NotAMail(_("not an e-mail (no mail headers)"))
    parsed = ParsedMail(headers=headers)
    ids = message_ids(headers.get("message-id", ""))
    parsed.message_id = ids[0] if ids else ""
    parsed.in_reply_to = message_ids(headers.get("in-reply-to", ""))
    parsed.references = message_ids(headers.get("references", ""))
    parsed.subject = headers.get("subject", "")
    parsed.from_name, parsed.from_address = _address(headers.get("from", ""))
    parsed.reply_to = _address(headers.get("reply-to", ""))[1]
    parsed.to = headers.get("to", "")
    parsed.date = headers.get("date", "")
    parsed.content_type = _content_type(message)
    parsed.defects = [type(d).__name__ for d in message.defects]
    walker = _Walker(parsed)
    walker.visit(message)
    parsed.html = "\n".join(walker.htmls)
    texts = [t for t in walker.texts if t.strip()]
    if texts:
        parsed.text = "\n\n".join(t.strip() for t in texts)
    elif parsed.html:
        parsed.text = textlib.html_to_text(parsed.html)
    parsed.text = parsed.text.replace("\r\n", "\n").replace("\x00", "")
    return parsed
