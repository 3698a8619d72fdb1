"""The routing tests' common ground: a bulky-waste request as the agent captures it, and the
demo city with its routing (fixtures ``city`` and ``berta``: import them into a test module)."""

from __future__ import annotations

import pytest

from ulm_servicepoint.services import CitizenData, Outcome, capture_request

SPERRMUELL = {
    "abholadresse": {
        "street": "Frauenstraße",
        "house_number": "12",
        "postcode": "89073",
        "city": "Ulm",
    },
    "gegenstaende": "1 Sofa",
    "menge": "2",
    "elektro": False,
}


def capture_sperrmuell(agent, outcome=Outcome.OPEN, email="jonas@example.org", **kwargs):
    """A bulky-waste request captured by phone (the demo rules send it to Abfallwirtschaft)."""
    from ulm_servicepoint.models import RequestType

    return capture_request(
        RequestType.objects.get(slug="sperrmuell-abholung"),
        SPERRMUELL,
        channel="phone",
        citizen=CitizenData(name="Jonas Schneider", email=email),
        captured_by=agent,
        outcome=outcome,
        acknowledge=False,
        **kwargs,
    ).ticket


@pytest.fixture
def city(demo, request):
    """The demo city with its calendars, SLA policies and rules."""
    from tests.support.demo import give_demo_city
    from ulm_routing import services as routing

    give_demo_city(request)
    yield demo
    routing.forget_compiled()


@pytest.fixture
def berta(city, django_user_model):
    """Sachbearbeiterin Abfallwirtschaft."""
    return django_user_model.objects.get(username="berta.abfall")
