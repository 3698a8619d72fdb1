"""Factories for ulm_servicepoint's tests."""

from __future__ import annotations

import factory
from helpdesk.models import Queue

from ulm_servicepoint.models import CaptureField, RequestType


class RequestTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestType

    name = factory.Sequence(lambda n: f"Testanliegen {n}")
    slug = factory.Sequence(lambda n: f"testanliegen-{n}")
    topic_group = "Test"
    default_queue = factory.LazyFunction(lambda: Queue.objects.get(slug="abfallwirtschaft"))


class CaptureFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaptureField

    request_type = factory.SubFactory(RequestTypeFactory)
    key = factory.Sequence(lambda n: f"feld_{n}")
    label = factory.Sequence(lambda n: f"Feld {n}")
    field_type = "text"
