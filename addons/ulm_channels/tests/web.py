"""Helpers for the web-form tests: a form as a browser would send it, after a person's pause."""

from __future__ import annotations

import time
from unittest import mock

from django.urls import reverse

from tests.support.html import form_fields


def later(seconds: float = 60):
    """Pretend that ``seconds`` passed since the form was shown (the time trap's clock)."""
    return mock.patch("ulm_channels.forms.now", side_effect=lambda: time.time() + seconds)


def fill_contact_form(client, url=None, **values):
    """GET the form, fill in ``values`` over what the page carries, POST it a minute later."""
    url = url or reverse("ulm_channels:contact")
    data = form_fields(client.get(url), "main form")
    data.update({"privacy": "on", **values})
    with later():
        return client.post(url, data)
