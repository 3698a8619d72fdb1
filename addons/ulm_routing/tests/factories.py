"""Factories for ulm_routing's tests."""

from __future__ import annotations

from datetime import time, timedelta

import factory
from django.utils import timezone

from ulm_routing.models import Absence, BusinessCalendar, OpeningHours, Rule, RuleSet, SLAPolicy


class BusinessCalendarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessCalendar

    name = factory.Sequence(lambda n: f"Kalender {n}")
    holiday_region = "BW"


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    calendar = factory.SubFactory(BusinessCalendarFactory)
    weekday = 0
    opens = time(8)
    closes = time(18)


class SLAPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SLAPolicy

    name = factory.Sequence(lambda n: f"Servicelevel {n}")
    calendar = factory.SubFactory(BusinessCalendarFactory)


class RuleSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleSet

    name = factory.Sequence(lambda n: f"Regelwerk {n}")
    mode = "first_match"


class RuleFactory(factory.django.DjangoModelFactory):
    """A rule saved directly (no validation, no version): use rulebook.save_rule for those."""

    class Meta:
        model = Rule

    rule_set = factory.SubFactory(RuleSetFactory)
    name = factory.Sequence(lambda n: f"Regel {n}")
    position = factory.Sequence(lambda n: n * 10)
    conditions = factory.LazyFunction(list)
    actions = factory.LazyFunction(lambda: [{"type": "tag", "name": "test"}])


class AbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Absence

    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
