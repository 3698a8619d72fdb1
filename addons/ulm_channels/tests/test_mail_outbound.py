"""Outbound mail to citizens: interim notices and answers thread like the acknowledgement;
a real worker process sends what the intake queued."""

from __future__ import annotations

import pytest
from helpdesk.models import Ticket

from tests.support.outbox import deliver_outbox
from tests.support.processes import start_manage
from tests.support.wait import wait_for
from ulm_channels import services
from ulm_channels.models import OutboundMail

FIRST = (
    b"From: Maria Huber <maria.huber@example.org>\r\nTo: servicecenter@ulm.example\r\n"
    b"Subject: Wohngeld\r\nMessage-ID: <wohngeld-1@example.org>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nWie beantrage ich Wohngeld?\r\n"
)


def test_interim_notice_is_automatic_and_the_answer_is_not(demo, smtp):
    ticket = Ticket.objects.get(pk=services.ingest_message(FIRST, "first").ticket)
    ack = OutboundMail.objects.get(ticket=ticket)
    interim = services.send_interim_notice(ticket, "Soziales")
    answer = services.send_answer(ticket, "Den Antrag stellen Sie beim Sozialamt.")
    assert deliver_outbox() == {"sent": 3}

    sent = {m["Message-ID"]: m for m in smtp.to("maria.huber@example.org")}
    notice, reply = sent[interim.message_id], sent[answer.message_id]
    assert notice["Auto-Submitted"] == "auto-generated"  # not a reply to the citizen's mail
    assert "weitergeleitet" in notice["Subject"]
    assert "Soziales" in notice.get_content()
    assert reply["Auto-Submitted"] is None
    assert "Antwort auf Ihr Anliegen" in reply["Subject"]
    for message in (notice, reply):
        assert message["In-Reply-To"] == "<wohngeld-1@example.org>"
        assert "<wohngeld-1@example.org>" in message["References"]
        assert ack.message_id in message["References"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_acknowledgement_queued_by_the_intake(demo, smtp):
    services.ingest_message(FIRST, "first")  # commits, then enqueues the sending job
    worker = start_manage(
        "procrastinate", "worker", EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp.port)
    )
    try:
        assert wait_for(lambda: smtp.to("maria.huber@example.org")), "nothing sent"
    finally:
        worker.terminate()
        worker.communicate(timeout=30)
    [sent] = smtp.to("maria.huber@example.org")
    assert "Ihr Anliegen ist eingegangen" in sent["Subject"]
    assert wait_for(lambda: OutboundMail.objects.get().status == "sent", timeout=5)
