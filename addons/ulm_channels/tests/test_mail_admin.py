"""The quarantine in the admin: listed with its reason, retried, ticketed anyway, discarded;
raw copies pruned after the retention period."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from helpdesk.models import Ticket

from tests.support.html import visible_text
from tests.support.processes import start_manage
from tests.support.wait import wait_for
from ulm_channels import services
from ulm_channels.models import InboundMail

MAILS = Path(__file__).parent / "mails"


def test_admin_lists_the_quarantine_in_german_and_opens_a_ticket_anyway(client, admin_user):
    result = services.ingest_message((MAILS / "spam.eml").read_bytes(), "spam.eml")
    client.force_login(admin_user)
    url = reverse("admin:ulm_channels_inboundmail_changelist")
    page = client.get(url, {"outcome__exact": "quarantined"})
    text = visible_text(page)
    assert "Sie haben gewonnen!!!" in text
    assert "in Quarantäne" in text
    assert "Spam: vom Mailserver als Spam markiert" in text
    response = client.post(
        url, {"action": "create_ticket", "_selected_action": [result.record]}, follow=True
    )
    assert "1 Nachricht bearbeitet." in visible_text(response)
    record = InboundMail.objects.get(pk=result.record)
    assert record.outcome == "ticket"
    assert Ticket.objects.filter(pk=record.ticket_id, title="Sie haben gewonnen!!!").exists()


def test_raw_copies_are_pruned_after_the_retention_period(demo, settings):
    settings.ULM_CHANNELS_MAIL_RAW_RETENTION_DAYS = 30
    old = services.ingest_message((MAILS / "spam.eml").read_bytes(), "old")
    new = services.ingest_message((MAILS / "no_message_id.eml").read_bytes(), "new")
    InboundMail.objects.filter(pk=old.record).update(created_at=timezone.now() - timedelta(days=31))
    assert services.prune_received_mail() == 1
    assert list(InboundMail.objects.values_list("pk", flat=True)) == [new.record]


def test_mail_that_made_a_ticket_is_never_processed_again(demo):
    result = services.ingest_message((MAILS / "undeclared_utf8.eml").read_bytes(), "once")
    tickets = Ticket.objects.count()
    assert services.retry_mail(result.record).outcome == "ticket"
    assert services.create_ticket_from_mail(result.record).outcome == "ticket"
    services.discard_mail(result.record)
    assert Ticket.objects.count() == tickets
    assert InboundMail.objects.get(pk=result.record).outcome == "ticket"


@pytest.mark.django_db(transaction=True)
def test_admin_fetches_mail_on_demand_through_the_worker(client, admin_user, imap):
    """The admin's "fetch now" is a job that a real worker process runs: the mail waiting in
    the (real, Dovecot) mailbox becomes a ticket without waiting for the minutely poll."""
    from procrastinate.contrib.django.models import ProcrastinateJob

    from ulm_channels.models import Mailbox

    # given a mail waiting in the mailbox, and a worker that trusts the server's certificate
    box = Mailbox.objects.create(**imap.mailbox_settings())
    imap.deliver((MAILS / "html_only_utf8.eml").read_bytes())
    worker = start_manage("procrastinate", "worker", ULM_CHANNELS_MAIL_CAFILE=imap.cafile)
    try:
        # when the admin asks for it
        client.force_login(admin_user)
        response = client.post(
            reverse("admin:ulm_channels_mailbox_changelist"),
            {"action": "poll_now", "_selected_action": [box.pk]},
            follow=True,
        )
        assert "Der Hintergrunddienst ruft die E-Mails jetzt ab." in visible_text(response)

        # then the worker ran that very job, and the mail became a ticket
        def fetched() -> bool:
            job = ProcrastinateJob.objects.filter(task_name="ulm_channels.poll_mail_now").first()
            return bool(job and job.status == "succeeded")

        assert wait_for(fetched, timeout=60), "the worker did not run the on-demand poll"
        assert InboundMail.objects.filter(mailbox=box, outcome="ticket").count() == 1
    finally:
        worker.terminate()
        worker.communicate(timeout=30)
