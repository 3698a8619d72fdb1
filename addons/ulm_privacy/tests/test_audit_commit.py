"""Outside a test's transaction, as in production: a page view's event is committed on its own
(the asynchronous commit of ``record_request``), a change's event with the change."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from tests.support.html import form_fields
from ulm_privacy.tests.audit_fixtures import events

pytestmark = pytest.mark.django_db(transaction=True)


def test_events_are_committed_in_autocommit(client, agent, kfz_ticket, settings):
    assert connection.get_autocommit()
    client.force_login(agent)
    page = client.get(reverse("helpdesk:view", args=[kfz_ticket.id]))
    assert page.status_code == 200
    settings.ULM_PRIVACY_AUDIT_SYNCHRONOUS = True
    assert client.get(reverse("helpdesk:view", args=[kfz_ticket.id])).status_code == 200
    form = form_fields(page, "form#ticket_update_form, form[action$='update/']")
    form.update({"comment": "Rückruf vereinbart", "public": "0"})
    assert client.post(reverse("helpdesk:update", args=[kfz_ticket.id]), form).status_code == 302
    ticket = str(kfz_ticket.id)
    assert events() == [
        ("anna.agentin", "view", "helpdesk.ticket", ticket),
        ("anna.agentin", "view", "helpdesk.ticket", ticket),
        ("anna.agentin", "change", "helpdesk.ticket", ticket),
    ]
    # no transaction left open by the recording
    assert not connection.in_atomic_block
