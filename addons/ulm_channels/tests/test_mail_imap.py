"""IMAP intake against a real Dovecot on loopback (TLS): fetch, flag or move after commit,
idempotent re-polls, failures recorded and retried, never fatal."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpdesk.models import Ticket

from ulm_channels import services
from ulm_channels.mail import imap as imap_module
from ulm_channels.models import InboundMail, Mailbox

MAILS = Path(__file__).parent / "mails"


def mail(name: str) -> bytes:
    return (MAILS / name).read_bytes()


@pytest.fixture
def mailbox(imap, demo):
    return Mailbox.objects.create(**imap.mailbox_settings())


def test_new_mail_is_fetched_stored_and_flagged_and_a_second_poll_does_nothing(imap, mailbox):
    imap.deliver(mail("html_only_utf8.eml"), mail("auto_reply_abwesenheit.eml"), mail("spam.eml"))
    tickets = Ticket.objects.count()

    assert services.poll_mailboxes() == {"Servicecenter": 3}

    outcomes = dict(InboundMail.objects.values_list("message_id", "outcome"))
    assert outcomes == {
        "<html-0002@example.org>": "ticket",
        "<ooo-0005@example.org>": "ignored",
        "<spam-0008@spam.example>": "quarantined",
    }
    assert Ticket.objects.count() == tickets + 1
    assert InboundMail.objects.filter(mailbox=mailbox).count() == 3
    flags = imap.flags()
    assert len(flags) == 3, flags
    assert all("$UlmProcessed" in f and "\\Seen" in f for f in flags), flags
    mailbox.refresh_from_db()
    assert mailbox.last_polled_at is not None
    assert mailbox.last_error == ""

    assert services.poll_mailboxes() == {"Servicecenter": 0}
    assert Ticket.objects.count() == tickets + 1


def test_processed_mail_is_moved_to_the_done_folder(imap, mailbox):
    imap.create_folder("Erledigt")
    Mailbox.objects.filter(pk=mailbox.pk).update(done_folder="Erledigt")
    imap.deliver(mail("undeclared_utf8.eml"), mail("forward_wg.eml"))
    assert services.poll_mailboxes() == {"Servicecenter": 2}
    assert (imap.count("INBOX"), imap.count("Erledigt")) == (0, 2)


def test_a_crash_between_commit_and_flag_is_repaired_on_the_next_poll(imap, mailbox, monkeypatch):
    imap.deliver(mail("latin9_on_wrote.eml"))
    real_done = imap_module._done

    def crash(*args):
        raise ConnectionResetError("worker lost the connection")

    monkeypatch.setattr(imap_module, "_done", crash)
    assert services.poll_mailboxes() == {"Servicecenter": -1}  # recorded, not raised
    assert InboundMail.objects.get().outcome == "ticket"  # committed before the flag
    assert "$UlmProcessed" not in imap.flags()[0]

    monkeypatch.setattr(imap_module, "_done", real_done)
    assert services.poll_mailboxes() == {"Servicecenter": 1}
    assert "$UlmProcessed" in imap.flags()[0]
    assert Ticket.objects.filter(title="Parkgebühren €").count() == 1


def test_login_failure_is_recorded_and_stops_no_other_mailbox(imap, mailbox, monkeypatch):
    monkeypatch.setenv("ULM_WRONG_PASSWORD", "wrong")
    Mailbox.objects.create(
        **imap.mailbox_settings(name="Abfall", password_env="ULM_WRONG_PASSWORD")
    )
    imap.deliver(mail("no_message_id.eml"))
    assert services.poll_mailboxes() == {"Abfall": -1, "Servicecenter": 1}
    failed = Mailbox.objects.get(name="Abfall")
    assert "Abfall" in failed.last_error
    assert "fehlgeschlagen" in failed.last_error


def test_server_down_is_retried_on_the_next_poll(imap, mailbox):
    imap.deliver(mail("tnef_winmail.eml"))
    imap.stop()
    assert services.poll_mailboxes() == {"Servicecenter": -1}
    mailbox.refresh_from_db()
    assert mailbox.last_error
    imap.start()
    assert services.poll_mailboxes() == {"Servicecenter": 1}


def test_untrusted_certificate_is_refused(imap, mailbox, settings):
    settings.ULM_CHANNELS_MAIL_CAFILE = ""  # the system's CAs do not know the test server
    imap.deliver(mail("spam.eml"))
    assert services.poll_mailboxes() == {"Servicecenter": -1}
    mailbox.refresh_from_db()
    assert "CERTIFICATE_VERIFY_FAILED" in mailbox.last_error
    assert not InboundMail.objects.exists()


def test_mailboxes_from_settings(imap, demo, settings):
    settings.ULM_CHANNELS_MAIL_MAILBOXES = [imap.mailbox_settings(name="Aus den Einstellungen")]
    imap.deliver(mail("undeclared_utf8.eml"))
    assert services.poll_mailboxes() == {"Aus den Einstellungen": 1}


def test_starttls_mailbox(imap, demo):
    Mailbox.objects.create(
        **imap.mailbox_settings(port=imap.starttls_port, use_ssl=False, starttls=True)
    )
    imap.deliver(mail("forward_wg.eml"))
    assert services.poll_mailboxes() == {"Servicecenter": 1}
    assert InboundMail.objects.get().outcome == "ticket"


def test_unencrypted_imap_is_refused(imap, demo):
    box = Mailbox.objects.create(
        **imap.mailbox_settings(port=imap.starttls_port, use_ssl=False, starttls=False)
    )
    imap.deliver(mail("forward_wg.eml"))
    assert services.poll_mailboxes() == {"Servicecenter": -1}
    box.refresh_from_db()
    assert "unverschlüsseltes IMAP ist nicht erlaubt" in box.last_error
    assert not InboundMail.objects.exists()
