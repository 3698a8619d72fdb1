"""Text helpers of the mail gateway: charsets, headers, HTML, quote blocks, titles.

Decoding never substitutes U+FFFD: the declared charset is tried strictly, then the charset
detected by charset-normalizer, then windows-1252 (the usual charset of raw 8-bit headers from
German mail programs), and latin-1, which decodes every byte, last.
"""

from __future__ import annotations

import codecs
import re
from email.header import decode_header

import nh3
from bs4 import BeautifulSoup
from charset_normalizer import from_bytes

# charsets mail programs declare under names Python does not know, or mean something wider
CHARSET_ALIASES = {
    "iso-8859-1": "windows-1252",  # Outlook declares latin-1 and writes € (0x80) and „“
    "latin1": "windows-1252",
    "latin-1": "windows-1252",
    "us-ascii": "windows-1252",
    "ascii": "windows-1252",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-unknown": "",
    "unknown-8bit": "",
    "x-user-defined": "",
    "default": "",
    "default_charset": "",
}


def _codec(charset: str | None) -> str:
    name = (charset or "").strip().strip('"').lower()
    name = CHARSET_ALIASES.get(name, name)
    if not name:
        return ""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


_WESTERN = re.compile(r"[\u00a0-\u00ff€„“‚‘’”–—…•™]")


def _plausible_cp1252(data: bytes) -> bool:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    high = [ch for ch in text if ord(ch) > 127]
    return all(_WESTERN.match(ch) for ch in high) and sum(
        ch in "äöüÄÖÜß€" for ch in high
    ) * 2 >= len(high)


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Bytes to text: declared charset, detected charset, windows-1252, latin-1; never U+FFFD."""
    declared = _codec(charset)
    candidates: list[str] = []
    if declared:
        candidates.append(declared)
    if not data.isascii():
        candidates.append("utf-8")
        if _plausible_cp1252(data):  # German text: prefer it over a guess from a few bytes
            candidates.append("cp1252")
        elif len(data) <= 200_000:  # detection on huge parts costs more than it brings
            best = from_bytes(data).best()
            if best is not None and _codec(best.encoding):
                candidates.append(_codec(best.encoding))
    candidates += ["cp1252", "latin-1"]
    for name in candidates:
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        if "\ufffd" in text and "\ufffd".encode(name, "ignore") not in data:
            continue
        return text
    return data.decode("latin-1")  # unreachable: latin-1 decodes every byte


def decode_header_value(raw: str | None) -> str:
    """A header as text: RFC 2047 encoded words and raw 8-bit bytes, unfolded.

    The email package keeps raw 8-bit header bytes as surrogates; they are turned back into
    the original bytes and decoded like a body (UTF-8, detected, windows-1252)."""
    if not raw:
        return ""
    raw = str(raw)
    data = raw.encode("utf-8", "surrogateescape")
    if "=?" not in raw:
        return _unfold(decode_bytes(data))
    try:
        chunks = decode_header(data.decode("latin-1"))
    except Exception:  # a broken encoded word: keep the header as it stands
        return _unfold(decode_bytes(data))
    parts: list[str] = []
    for value, charset in chunks:
        if isinstance(value, str):
            parts.append(value)
        elif charset is None:  # decode_header's own encoding of the unencoded parts
            original = value.decode("raw-unicode-escape").encode("latin-1", "ignore")
            parts.append(decode_bytes(original))
        else:
            parts.append(decode_bytes(value, charset))
    return _unfold("".join(parts))


def _unfold(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


# --- HTML -------------------------------------------------------------------------------------
BLOCK_TAGS = {
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote",
    "pre", "hr", "ul", "ol", "section", "article", "header", "footer",
}  # fmt: skip


def sanitize_html(html: str) -> str:
    """The HTML original made harmless for viewing (no scripts, no remote loads by default)."""
    return nh3.clean(html)


def html_to_text(html: str) -> str:
    """Readable text from an HTML-only mail: blocks become lines, scripts and styles go."""
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "head", "title", "meta"]):
        hidden.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(BLOCK_TAGS):
        block.insert_before("\n")
        block.insert_after("\n")
    text = soup.get_text()
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# --- Quote blocks -----------------------------------------------------------------------------
_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(Ursprüngliche Nachricht|Original Message|Originalnachricht|"
    r"Weitergeleitete Nachricht|Forwarded message|Nachricht weitergeleitet)\s*-{2,}",
    re.IGNORECASE,
)
_WROTE = re.compile(
    r"^\s*(Am|On)\s.{3,250}?\s(schrieb|wrote|hat .{0,80}geschrieben)\b.{0,120}:\s*$",
    re.IGNORECASE,
)
_FROM_LINE = re.compile(r"^\s*\*?(Von|From)\s*:\*?\s", re.IGNORECASE)
_OUTLOOK_FIELDS = re.compile(
    r"^\s*\*?(Gesendet|Sent|Datum|Date|An|To|Betreff|Subject|Cc)\s*:", re.IGNORECASE
)


def quote_start(lines: list[str]) -> int | None:
    """Index of the first line of a quoted earlier message, or None."""
    for index, line in enumerate(lines):
        if _SEPARATOR.match(line):
            return index
        joined = line + " " + lines[index + 1] if index + 1 < len(lines) else line
        if _WROTE.match(line) or (
            re.match(r"^\s*(Am|On)\s", line, re.IGNORECASE) and _WROTE.match(joined)
        ):
            return index
        if _FROM_LINE.match(line):
            following = lines[index + 1 : index + 6]
            if sum(bool(_OUTLOOK_FIELDS.match(f)) for f in following) >= 2:
                start = index
                if index and re.match(r"^\s*_{5,}\s*$", lines[index - 1]):
                    start = index - 1
                return start
        if line.startswith(">") and all(
            not rest.strip() or rest.startswith(">") for rest in lines[index:]
        ):
            return index
    return None


def strip_quotes(text: str) -> str:
    """The new part of a reply, without the quoted earlier mail; the whole text if that is all."""
    lines = text.splitlines()
    start = quote_start(lines)
    if start is None:
        return text.strip()
    new = "\n".join(lines[:start]).strip()
    return new or text.strip()


# --- Titles -----------------------------------------------------------------------------------
_PREFIX = re.compile(
    r"^\s*((AW|WG|RE|FW|FWD|Antwort|Antw|Weiterleitung|WTR|SV|VS|Aw)\s*(\[\d+\]|\(\d+\))?\s*:\s*)+",
    re.IGNORECASE,
)


def clean_title(subject: str) -> str:
    """The subject without reply and forward prefixes (AW:, WG:, Re:, Fwd:, Antwort: …)."""
    previous = None
    title = " ".join(subject.split())
    while previous != title:
        previous = title
        title = _PREFIX.sub("", title).strip()
        title = re.sub(r"^\[(AW|WG|RE|FWD?)\s*:\s*(.*)\]$", r"\2", title, flags=re.IGNORECASE)
    return title
