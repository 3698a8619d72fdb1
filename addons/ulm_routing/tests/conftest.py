"""Fixtures of ulm_routing's tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def routing(demo, request):
    """The demo city with its routing: calendars, SLA policies, demo rules."""
    from tests.support.demo import give_demo_city
    from ulm_routing import services

    give_demo_city(request)
    yield services
    services.forget_compiled()


@pytest.fixture
def capture(demo, agent):
    """Captures a typed request as the agent would: capture(slug, values, channel=…)."""
    from ulm_servicepoint.models import RequestType
    from ulm_servicepoint.services import CitizenData, capture_request

    def make(slug, values, channel="phone", citizen=None, message="", title=""):
        return capture_request(
            RequestType.objects.get(slug=slug),
            values,
            channel=channel,
            citizen=citizen if citizen is not None else CitizenData(),
            captured_by=agent,
            message=message,
            title=title,
            acknowledge=False,
        ).ticket

    return make
