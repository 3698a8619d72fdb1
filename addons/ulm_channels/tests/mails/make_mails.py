"""Writes the project's own German test mails (run once; the .eml files are committed).

Each mail is written byte for byte here, in the encoding it tests, so that the files show what
real mail programs send: raw 8-bit headers, Outlook's latin-1 that is really windows-1252,
HTML-only mail, RFC 2231 and encoded-word names, TNEF, bounces and auto-replies.
"""

from __future__ import annotations

import base64
import struct
from pathlib import Path

HERE = Path(__file__).parent


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def tnef(body: str, files: list[tuple[str, bytes]]) -> bytes:
    """A minimal winmail.dat: a plain-text body and attachments (title + data)."""

    def attribute(level: int, name: int, kind: int, data: bytes) -> bytes:
        checksum = sum(data) & 0xFFFF
        return (
            struct.pack("<BHHI", level, name, kind, len(data)) + data + struct.pack("<H", checksum)
        )

    out = struct.pack("<IH", 0x223E9F78, 0x0001)
    out += attribute(1, 0x9006, 0x0008, struct.pack("<I", 0x00010000))  # TNEF version
    out += attribute(1, 0x9007, 0x0006, struct.pack("<II", 1252, 0))  # OEM codepage
    out += attribute(1, 0x800C, 0x0002, body.encode("cp1252"))  # body
    for name, data in files:
        out += attribute(2, 0x9002, 0x0006, b"\x01\x00\x00\x00" + b"\x00" * 10)  # rend data
        out += attribute(2, 0x8010, 0x0001, name.encode("cp1252") + b"\x00")  # title
        out += attribute(2, 0x800F, 0x0006, data)  # data
    return out


def b64(data: bytes) -> str:
    encoded = base64.b64encode(data).decode()
    return "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


MAILS: dict[str, bytes] = {}

# 1. A reply from Outlook: raw 8-bit windows-1252 subject, body declared iso-8859-1 but with
#    € (0x80) and „“ from windows-1252, and Outlook's German quote block.
MAILS["outlook_reply_cp1252.eml"] = crlf(
    """From: =?iso-8859-1?Q?J=FCrgen_M=FCller?= <juergen.mueller@example.org>
To: Servicecenter Stadt Ulm <servicecenter@ulm.example>
Subject: AW: WG: Gebühr für Sperrmüll – 25 €?
Date: Tue, 24 Nov 2026 09:14:03 +0100
Message-ID: <outlook-0001@mail.example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: 8bit

Guten Tag,

vielen Dank. Die Gebühr von 25 € überweise ich heute. Ist die Straße „Münsterplatz 3“ richtig?

Mit freundlichen Grüßen
Jürgen Müller

Von: Servicecenter Stadt Ulm [mailto:servicecenter@ulm.example]
Gesendet: Montag, 23. November 2026 16:02
An: Jürgen Müller <juergen.mueller@example.org>
Betreff: Gebühr für Sperrmüll

Sehr geehrter Herr Müller, die Abholung kostet 25 €.
"""
).encode("cp1252")

# 2. HTML-only, UTF-8, base64, with a script and a quoted earlier message.
_html = """<html><head><style>p{color:red}</style><script>alert('x')</script></head><body>
<p>Sehr geehrte Damen und Herren,</p>
<p>die Straßenlaterne vor der Hausnummer 12 in der Olgastraße ist seit drei Tagen dunkel.<br>
Bitte schicken Sie jemanden vorbei.</p>
<p>Viele Grüße<br>Änne Weiß</p>
<div>Am 20.11.2026 um 08:30 schrieb Servicecenter Stadt Ulm &lt;servicecenter@ulm.example&gt;:</div>
<blockquote><p>Wir haben Ihre Meldung erhalten.</p></blockquote>
</body></html>"""
MAILS["html_only_utf8.eml"] = (
    crlf(
        """From: =?UTF-8?B?w4RubmUgV2Vpw58=?= <aenne.weiss@example.org>
To: servicecenter@ulm.example
Subject: =?UTF-8?Q?Stra=C3=9Fenlaterne_defekt?=
Date: Tue, 24 Nov 2026 10:00:00 +0100
Message-ID: <html-0002@example.org>
MIME-Version: 1.0
Content-Type: text/html; charset=UTF-8
Content-Transfer-Encoding: base64

"""
    )
    + crlf(b64(_html.encode("utf-8")))
    + "\r\n"
).encode("ascii")

# 3. Attachments: RFC 2231 name, encoded-word name, an inline image, a forwarded message.
_png = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
_forwarded = crlf(
    """From: Bauordnungsamt <bauordnung@ulm.example>
To: peter.schaefer@example.org
Subject: =?ISO-8859-1?Q?Ihr_Bauantrag_f=FCr_die_Gartenh=FCtte?=
Message-ID: <forwarded-0003@ulm.example>
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Ihr Bauantrag ist unvollständig.
"""
)
MAILS["attachments_forward.eml"] = (
    crlf(
        """From: "Peter Schäfer" <peter.schaefer@example.org>
To: servicecenter@ulm.example
Subject: =?UTF-8?Q?Unterlagen_f=C3=BCr_die_Gartenh=C3=BCtte?=
Date: Tue, 24 Nov 2026 11:00:00 +0100
Message-ID: <attach-0003@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="AAA"

--AAA
Content-Type: multipart/related; boundary="BBB"

--BBB
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Anbei meine Unterlagen f=C3=BCr den Bauantrag und das Schreiben des Bauordnu=
ngsamts. Gr=C3=BC=C3=9Fe, Peter Sch=C3=A4fer
--BBB
Content-Type: image/png
Content-ID: <lageplan@example.org>
Content-Disposition: inline
Content-Transfer-Encoding: base64

"""
    )
    + crlf(b64(_png))
    + crlf(
        """
--BBB--

--AAA
Content-Type: application/pdf; name="Lageplan.pdf"
Content-Disposition: attachment; filename*=UTF-8''Lageplan%20Gartenh%C3%BCtte%20%E2%82%AC.pdf
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcOkw7zDtsOfCg==
--AAA
Content-Type: application/pdf; name="=?ISO-8859-1?Q?Meldebest=E4tigung.pdf?="
Content-Disposition: attachment; filename="=?ISO-8859-1?Q?Meldebest=E4tigung.pdf?="
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcOkw7zDtsOfCg==
--AAA
Content-Type: message/rfc822

"""
    )
    + _forwarded
    + "\r\n--AAA--\r\n"
).encode("utf-8")

# 4. Outlook with TNEF: the body and an attachment are inside winmail.dat.
_winmail = tnef(
    "Guten Tag, anbei der Antrag auf Anwohnerparkausweis. Grüße, Ömer Öztürk",
    [("Antrag Parkausweis.pdf", b"%PDF-1.4 Antrag")],
)
MAILS["tnef_winmail.eml"] = (
    crlf(
        """From: =?iso-8859-1?Q?=D6mer_=D6zt=FCrk?= <oemer.oeztuerk@example.org>
To: servicecenter@ulm.example
Subject: Anwohnerparkausweis
Date: Tue, 24 Nov 2026 12:00:00 +0100
Message-ID: <tnef-0004@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="CCC"

--CCC
Content-Type: application/ms-tnef; name="winmail.dat"
Content-Disposition: attachment; filename="winmail.dat"
Content-Transfer-Encoding: base64

"""
    )
    + crlf(b64(_winmail))
    + "\r\n--CCC--\r\n"
).encode("ascii")

# 5. An out-of-office reply (RFC 3834).
MAILS["auto_reply_abwesenheit.eml"] = crlf(
    """From: Sabine Koch <sabine.koch@example.org>
To: servicecenter@ulm.example
Subject: =?UTF-8?Q?Abwesenheitsnotiz:_Ihr_Anliegen?=
Date: Tue, 24 Nov 2026 13:00:00 +0100
Message-ID: <ooo-0005@example.org>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Ich bin bis zum 1. Dezember nicht im Büro. Ihre Nachricht wird nicht weitergeleitet.
"""
).encode("utf-8")

# 6. An Exchange auto-reply known by its subject only.
MAILS["auto_reply_subject.eml"] = crlf(
    """From: Karl Braun <karl.braun@example.org>
To: servicecenter@ulm.example
Subject: Automatische Antwort: Ihre Anfrage zur Hundesteuer
Date: Tue, 24 Nov 2026 13:05:00 +0100
Message-ID: <ooo-0006@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

Vielen Dank f=FCr Ihre Nachricht. Ich bin ab Montag wieder erreichbar.
"""
).encode("ascii")

# 7. A bounce (DSN) of one of our mails: its Message-ID is replaced by the test.
MAILS["bounce_dsn.eml"] = crlf(
    """From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: servicecenter@ulm.example
Subject: Unzustellbar: Ihr Anliegen
Date: Tue, 24 Nov 2026 14:00:00 +0100
Message-ID: <bounce-0007@mx.example.net>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="DDD"

--DDD
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Die Nachricht konnte nicht zugestellt werden: Postfach unbekannt.
--DDD
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; nobody.here@example.org
Action: failed
Status: 5.1.1

--DDD
Content-Type: text/rfc822-headers

From: Servicecenter Stadt Ulm <servicecenter@ulm.example>
To: nobody.here@example.org
Subject: Ihr Anliegen
Message-ID: <OUTGOING-ID>

--DDD--
"""
).encode("utf-8")

# 8. Obvious spam, marked by the mail server.
MAILS["spam.eml"] = crlf(
    """From: Gewinnspiel <win@spam.example>
To: servicecenter@ulm.example
Subject: Sie haben gewonnen!!!
Date: Tue, 24 Nov 2026 15:00:00 +0100
Message-ID: <spam-0008@spam.example>
X-Spam-Flag: YES
X-Spam-Status: Yes, score=14.2
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Klicken Sie hier, um Ihren Preis abzuholen.
"""
).encode("utf-8")

# 9. A reply with "Am … schrieb …:" and >-quotes; threading headers filled in by the test.
MAILS["reply_am_schrieb.eml"] = crlf(
    """From: Maria Huber <maria.huber@example.org>
To: servicecenter@ulm.example
Subject: Re: Antwort: TICKET-REF Termin im Bürgerbüro
Date: Tue, 24 Nov 2026 16:00:00 +0100
Message-ID: <reply-0009@example.org>
In-Reply-To: <IN-REPLY-TO>
References: <IN-REPLY-TO>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Danke, der Termin am Donnerstag passt mir gut.

Am 24.11.2026 um 09:12 schrieb Servicecenter Stadt Ulm
<servicecenter@ulm.example>:
> Sehr geehrte Frau Huber,
> wir können Ihnen Donnerstag, 10 Uhr anbieten.
"""
).encode("utf-8")

# 10. ISO-8859-15 (the € is 0xA4 there), 8bit, with an English "On … wrote:" quote.
MAILS["latin9_on_wrote.eml"] = crlf(
    """From: =?ISO-8859-15?Q?Gr=E4fin_Lena_Vo=DF?= <lena.voss@example.org>
To: servicecenter@ulm.example
Subject: =?ISO-8859-15?Q?Parkgeb=FChren_=A4?=
Date: Tue, 24 Nov 2026 16:30:00 +0100
Message-ID: <latin9-0010@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-8859-15
Content-Transfer-Encoding: 8bit

Warum kostet das Parken am Münster jetzt 3 € pro Stunde?

On Mon, Nov 23, 2026 at 10:00 AM Servicecenter <servicecenter@ulm.example> wrote:
> Thank you for your message.
"""
).encode("iso-8859-15")

# 11. No charset declared, raw UTF-8 in the body and in the headers.
MAILS["undeclared_utf8.eml"] = crlf(
    """From: Björn Groß <bjoern.gross@example.org>
To: servicecenter@ulm.example
Subject: Anmeldung Wohnsitz – Frist?
Date: Tue, 24 Nov 2026 17:00:00 +0100
Message-ID: <raw8bit-0011@example.org>
MIME-Version: 1.0
Content-Type: text/plain
Content-Transfer-Encoding: 8bit

Ich bin am 1. November nach Ulm gezogen. Bis wann muss ich mich ummelden? Grüße, Björn Groß
"""
).encode("utf-8")

# 12. A forward: encoded-word subject with WG:, the original kept below the separator.
MAILS["forward_wg.eml"] = crlf(
    """From: Helga Schulz <helga.schulz@example.org>
To: servicecenter@ulm.example
Subject: =?UTF-8?Q?WG:_Bescheid_=C3=BCber_Grundsteuer?=
Date: Tue, 24 Nov 2026 17:30:00 +0100
Message-ID: <fwd-0012@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Können Sie mir diesen Bescheid erklären?

-----Ursprüngliche Nachricht-----
Von: Steueramt <steuern@ulm.example>
Gesendet: Freitag, 20. November 2026 10:00
An: Helga Schulz
Betreff: Bescheid über Grundsteuer

Der Grundsteuerbescheid für 2027 beträgt 412,50 €.
"""
).encode("utf-8")

# 13. No Message-ID at all (idempotency falls back to the content hash).
MAILS["no_message_id.eml"] = crlf(
    """From: Anonym <anonym@example.org>
To: servicecenter@ulm.example
Subject: Hund bellt nachts
Date: Tue, 24 Nov 2026 18:00:00 +0100
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Der Hund im Nachbarhaus bellt jede Nacht ab 2 Uhr. Wer ist zuständig?
"""
).encode("utf-8")


if __name__ == "__main__":
    for name, data in MAILS.items():
        (HERE / name).write_bytes(data)
        print(name, len(data))
