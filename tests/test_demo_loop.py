"""`make run`'s demo shows the whole loop: a clerk for every department the request types
name, a head per department, the service-center lead, handoffs and callbacks in several states."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from ulm_routing import services as routing
from ulm_routing.models import Callback, DepartmentSettings, Handoff
from ulm_servicepoint import services as platform
from ulm_servicepoint.models import RequestType

pytestmark = pytest.mark.django_db


def test_demo_loop(demo):
    routing.forget_compiled()
    routing.load_demo_routing()
    assert routing.load_demo_loop() is True
    # types the service center keeps (Allgemeine Auskunft) name no department
    service_center = platform.service_center_queue()
    for request_type in RequestType.objects.select_related("default_queue").exclude(
        default_queue=service_center
    ):
        queue = request_type.default_queue
        clerks = routing.department_members(queue)
        assert clerks, f"no clerk for {queue.title}"
        row = DepartmentSettings.objects.get(queue=queue)
        assert row.heads.exists()
    lead = get_user_model().objects.get(username="lena.leitung")
    assert lead.groups.filter(name="Servicecenter-Leitung").exists()
    assert platform.can_capture(lead)
    states = set(Handoff.objects.values_list("state", flat=True))
    assert {"open", "asked_citizen", "asked_first_level", "answered"} <= states
    assert Callback.objects.count() == 2
    assert routing.load_demo_loop() is False  # once
    routing.forget_compiled()
