"""The parser and classifier on the project's own German test mails (tests/mails/)."""

from pathlib import Path

import pytest

from ulm_channels.mail import text
from ulm_channels.mail.classify import Kind, classify
from ulm_channels.mail.parse import NotAMail, parse

MAILS = Path(__file__).parent / "mails"


def mail(name: str):
    return parse((MAILS / name).read_bytes())


def test_outlook_reply_in_windows_1252_keeps_umlauts_euro_and_drops_the_quote():
    parsed = mail("outlook_reply_cp1252.eml")
    assert parsed.title == "Gebühr für Sperrmüll – 25 €?"  # raw 8-bit header, AW: WG: gone
    assert parsed.from_name == "Jürgen Müller"
    assert "25 € überweise ich heute" in parsed.new_text
    assert "„Münsterplatz 3“" in parsed.new_text
    assert "Gesendet:" not in parsed.new_text
    assert "Sehr geehrter Herr Müller" in parsed.text  # the full original stays
    assert "\ufffd" not in parsed.text + parsed.subject


def test_html_only_mail_becomes_text_without_script_and_keeps_the_original():
    parsed = mail("html_only_utf8.eml")
    assert parsed.title == "Straßenlaterne defekt"
    assert "Straßenlaterne vor der Hausnummer 12 in der Olgastraße" in parsed.new_text
    assert "alert" not in parsed.text
    assert "color:red" not in parsed.text
    assert "Wir haben Ihre Meldung erhalten" not in parsed.new_text  # "Am … schrieb …:"
    assert "<script>" in parsed.html
    assert "<script>" not in text.sanitize_html(parsed.html)


def test_attachment_names_inline_image_and_forwarded_message_are_kept():
    parsed = mail("attachments_forward.eml")
    names = {a.filename: a for a in parsed.attachments}
    assert "Lageplan Gartenhütte €.pdf" in names  # RFC 2231
    assert "Meldebestätigung.pdf" in names  # encoded word
    inline = [a for a in parsed.attachments if a.inline]
    assert [a.content_type for a in inline] == ["image/png"]
    assert inline[0].content_id == "lageplan@example.org"
    forwarded = names["Ihr Bauantrag für die Gartenhütte.eml"]
    assert forwarded.content_type == "message/rfc822"
    assert b"Ihr Bauantrag ist unvollst" in forwarded.data
    assert parsed.new_text.startswith("Anbei meine Unterlagen für den Bauantrag")


def test_tnef_winmail_dat_is_unpacked():
    parsed = mail("tnef_winmail.eml")
    assert [a.filename for a in parsed.attachments] == ["Antrag Parkausweis.pdf"]
    assert parsed.attachments[0].data == b"%PDF-1.4 Antrag"
    assert "Grüße, Ömer Öztürk" in parsed.text


@pytest.mark.parametrize(
    ("name", "title", "words"),
    [
        ("latin9_on_wrote.eml", "Parkgebühren €", "Münster jetzt 3 € pro Stunde"),
        ("undeclared_utf8.eml", "Anmeldung Wohnsitz – Frist?", "Grüße, Björn Groß"),
        ("forward_wg.eml", "Bescheid über Grundsteuer", "Können Sie mir diesen Bescheid"),
    ],
)
def test_charsets_declared_detected_and_raw(name, title, words):
    parsed = mail(name)
    assert parsed.title == title
    assert words in parsed.new_text
    assert "wrote:" not in parsed.new_text
    assert "Ursprüngliche Nachricht" not in parsed.new_text


def test_forward_keeps_the_forwarded_text_in_full():
    parsed = mail("forward_wg.eml")
    assert parsed.is_forward
    assert "412,50 €" in parsed.text


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("auto_reply_abwesenheit.eml", Kind.AUTO_REPLY),
        ("auto_reply_subject.eml", Kind.AUTO_REPLY),
        ("bounce_dsn.eml", Kind.BOUNCE),
        ("spam.eml", Kind.SPAM),
        ("outlook_reply_cp1252.eml", Kind.MESSAGE),
        ("html_only_utf8.eml", Kind.MESSAGE),
    ],
)
def test_classifier(name, kind):
    assert classify(mail(name))[0] == kind


def test_bounce_report_names_recipient_and_our_message():
    report = mail("bounce_dsn.eml").report
    assert report is not None
    assert report.recipients == ["nobody.here@example.org"]
    assert report.original_message_id == "<OUTGOING-ID>"
    assert report.status == "5.1.1"


@pytest.mark.parametrize(
    ("subject", "title"),
    [
        ("AW: WG: Re: Fwd: Antwort: Sperrmüll", "Sperrmüll"),
        ("Aw: [servicecenter-7] Termin", "[servicecenter-7] Termin"),
        ("RE[2]: Frage", "Frage"),
        ("Reisepass verloren", "Reisepass verloren"),
        ("Antrag: Reisepass", "Antrag: Reisepass"),
    ],
)
def test_title_prefixes(subject, title):
    assert text.clean_title(subject) == title


def test_decoding_never_inserts_replacement_characters():
    assert text.decode_bytes("Grüße".encode("cp1252"), "utf-8") == "Grüße"
    assert text.decode_bytes("Grüße €".encode(), None) == "Grüße €"
    assert text.decode_bytes(b"Stra\xdfe \x80", "x-unknown") == "Straße €"
    assert text.decode_header_value("=?utf-8?q?Gr=C3=BC=C3=9Fe?= aus Ulm") == "Grüße aus Ulm"


def test_not_a_mail():
    with pytest.raises(NotAMail):
        parse(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 outlook msg")


def test_outlook_sender_with_unquoted_comma_and_broken_header_folding():
    raw = (
        b"Received: from mx.example.org\r\n"
        b"X-Tracker: H4sIAAAAAAAAA+NgFlrIKsWRWlGSWpSXmKPExsWi75nTrTtrwZM\r\n"
        b"Ig5drOCwmrVzP5sDoseXbDeYAxijWzLyk\r\n"  # a continuation that lost its indentation
        b"From: M\xc3\xbcller, Bernd <Bernd.Mueller@example.org>\r\n"
        b"Subject: =?utf-8?q?AW=3A_R=C3=BCckfrage?=\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nPasst.\r\n"
    )
    parsed = parse(raw)
    assert parsed.from_address == "bernd.mueller@example.org"
    assert parsed.from_name == "Müller, Bernd"
    assert parsed.title == "Rückfrage"
    assert parsed.text == "Passt."


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("*****SPAM***** Günstige Uhren", "Hallo"),
        ("[SPAM] Gewinn", "Hallo"),
        ("Test", "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"),
    ],
)
def test_obvious_spam_without_server_headers(subject, body):
    raw = f"From: x@spam.example\nSubject: {subject}\n\n{body}\n".encode()
    assert classify(parse(raw))[0] == Kind.SPAM
