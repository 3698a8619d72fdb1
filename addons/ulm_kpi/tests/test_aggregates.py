"""The pre-aggregated daily figures equal a direct computation over the raw rows: an oracle
written here in plain Python over the case records, visits, calls, handoffs and knowledge items
given (no SQL shared with the rebuild), on random data across days, hours, channels, departments
and request types, for several periods and filters, including a day boundary at midnight and a
change of daylight-saving time."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import pytest
from django.utils import timezone

from ulm_channels.models import Call
from ulm_channels.services import satisfaction_figures
from ulm_knowledge.models import AnswerUse
from ulm_kpi import services as kpi
from ulm_kpi.figures import BOUNDS, bucket_of, minutes_between
from ulm_kpi.tests import data
from ulm_routing.models import Handoff
from ulm_servicepoint.models import CaseRecord, CounterVisit

CHANNELS = ["email", "phone", "web_form", "counter", "letter", "other"]


def nearest_rank(values: list[int], share: float) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return BOUNDS[bucket_of(ordered[max(1, math.ceil(share * len(ordered))) - 1])]


def oracle(period: kpi.Period, scope: kpi.Scope) -> dict:
    """The figures straight from the raw rows."""

    def in_period(moment) -> bool:
        return period.start <= timezone.localtime(moment).date() <= period.end

    def fits(department_id, channel, type_id) -> bool:
        return (
            (scope.department is None or department_id == scope.department.pk)
            and (scope.channel is None or channel == scope.channel)
            and (scope.request_type is None or type_id == scope.request_type.pk)
        )

    cases = [
        c
        for c in CaseRecord.objects.all()
        if in_period(c.received_at) and fits(c.department_id, c.channel, c.request_type_id)
    ]
    visits = [
        v
        for v in CounterVisit.objects.all()
        if in_period(v.created_at) and fits(None, "counter", v.request_type_id)
    ]
    by_channel = dict.fromkeys(CHANNELS, 0)
    hours = [0] * 24
    for c in cases:
        by_channel[c.channel] += 1
        hours[timezone.localtime(c.received_at).hour] += 1
    for v in visits:
        by_channel["counter"] += 1
        hours[timezone.localtime(v.created_at).hour] += 1
    first = [
        minutes_between(c.received_at, c.first_answer_at or c.first_contact_resolved_at)
        for c in cases
        if c.first_answer_at or c.first_contact_resolved_at
    ]
    closed = [
        minutes_between(c.received_at, c.closed_at) for c in cases if c.closed_at and not c.is_open
    ]
    with_item = {u.ticket_id for u in AnswerUse.objects.all()}
    handoffs = [
        h
        for h in Handoff.objects.select_related("ticket__case_record")
        if in_period(h.forwarded_at)
        and fits(
            h.department_id, h.ticket.case_record.channel, h.ticket.case_record.request_type_id
        )
    ]
    now = timezone.now()
    on_time = sum(
        1 for h in handoffs if h.feedback_at and (not h.due_at or h.feedback_at <= h.due_at)
    )
    late = sum(1 for h in handoffs if h.feedback_at and h.due_at and h.feedback_at > h.due_at)
    overdue = sum(
        1 for h in handoffs if h.is_open and h.due_at and h.due_at < now and not h.feedback_at
    )
    calls = [
        c
        for c in Call.objects.filter(direction="in")
        if in_period(c.started_at) and (c.answered_at or c.ended_at)
    ]
    in_time = [
        c for c in calls if c.answered_at and (c.answered_at - c.started_at).total_seconds() <= 30
    ]
    total = len(cases) + len(visits)
    phone_applies = scope.department is None and scope.request_type is None
    phone_applies = phone_applies and scope.channel in (None, "phone")
    return {
        "total": total,
        "by_channel": by_channel,
        "by_hour": hours,
        "fcr": sum(c.resolved_at_first_contact for c in cases) + len(visits),
        "first": (nearest_rank(first, 0.5), nearest_rank(first, 0.9), len(first)),
        "closed": (nearest_rank(closed, 0.5), nearest_rank(closed, 0.9), len(closed)),
        "with_item": sum(1 for c in cases if c.ticket_id in with_item),
        "handoffs": (len(handoffs), on_time, late, overdue),
        "rejected": sum(1 for h in handoffs if h.state == "rejected"),
        "calls": (len(calls), len(in_time)) if phone_applies else (0, 0),
    }


def from_aggregates(figures: dict) -> dict:
    h = figures["handoffs"]
    return {
        "total": figures["contacts"]["total"],
        "by_channel": figures["contacts"]["by_channel"],
        "by_hour": figures["contacts"]["by_hour"],
        "fcr": figures["first_contact_resolution"]["resolved"],
        "first": tuple(
            figures["first_response"][k] for k in ("median_minutes", "p90_minutes", "count")
        ),
        "closed": tuple(
            figures["resolution"][k] for k in ("median_minutes", "p90_minutes", "count")
        ),
        "with_item": figures["knowledge"]["answered_with_item"],
        "handoffs": (h["total"], h["on_time"], h["late"], h["open_overdue"]),
        "rejected": h["not_responsible"],
        "calls": (figures["reachability"]["calls"], figures["reachability"]["answered_in_time"]),
    }


@pytest.fixture
def random_rows(demo):
    rng = random.Random(14)  # noqa: S311 - test data
    queues = [data.queue(f"kpi-q{i}", f"KPI-Amt {i}") for i in range(3)]
    kinds = [data.request_type(f"kpi-t{i}", f"KPI-Art {i}", queues[i]) for i in range(3)]
    kbitem = data.item("Antwort")
    start = data.at("2026-03-20 00:00")  # the clocks go forward on 29 March
    for n in range(160):
        received = start + timedelta(minutes=rng.randrange(0, 20 * 24 * 60))
        text = timezone.localtime(received).strftime("%Y-%m-%d %H:%M")
        answer = received + timedelta(minutes=rng.choice([0, 1, 4, 5, 6, 44, 200, 1500, 9000]))
        close = answer + timedelta(minutes=rng.choice([0, 30, 3000, 100_000, 900_000]))
        fcr = rng.random() < 0.3
        fmt = "%Y-%m-%d %H:%M"
        case = data.case(
            text,
            rng.choice(queues),
            rng.choice(CHANNELS),
            rng.choice([*kinds, None]),
            first_contact=fcr,
            level=1 if fcr else rng.choice([1, 2]),
            first_answer=timezone.localtime(answer).strftime(fmt) if rng.random() < 0.8 else None,
            closed=timezone.localtime(close).strftime(fmt) if rng.random() < 0.6 else None,
        )
        if rng.random() < 0.4:
            data.gave(case, kbitem)
        if rng.random() < 0.3:
            data.rated(case, rng.randint(1, 5), received + timedelta(hours=rng.choice([1, 30])))
        if rng.random() < 0.3:
            forwarded = received + timedelta(minutes=5)
            due = forwarded + timedelta(hours=rng.choice([10, 24, 30]))
            feedback = forwarded + timedelta(hours=rng.choice([2, 20, 40]))
            state = rng.choice(["answered", "rejected", "passed_on", "open"])
            data.handoff(
                case,
                rng.choice(queues),
                timezone.localtime(forwarded).strftime(fmt),
                timezone.localtime(due).strftime(fmt),
                None
                if state in ("open", "passed_on")
                else timezone.localtime(feedback).strftime(fmt),
                state=state,
            )
        if n % 4 == 0:
            data.visit(text, rng.choice(kinds))
        if n % 3 == 0:
            answered = rng.choice([None, 5, 29, 30, 31, 90])
            data.call(
                f"r{n}", text, answered, rng.choice([None, 20, 200]) if answered is None else 300
            )
    # exactly at midnight: the new day
    data.case("2026-03-25 00:00", queues[0], "email", kinds[0])
    kpi.refresh()
    return {"queues": queues, "kinds": kinds}


def test_pre_aggregated_figures_equal_the_raw_rows(random_rows):
    queues, kinds = random_rows["queues"], random_rows["kinds"]
    periods = [
        kpi.Period(date(2026, 3, 20), date(2026, 4, 8)),
        kpi.Period(date(2026, 3, 25), date(2026, 3, 25)),
        kpi.Period(date(2026, 3, 28), date(2026, 3, 30)),  # daylight-saving time begins
    ]
    scopes = [
        kpi.Scope(),
        kpi.Scope(department=queues[1]),
        kpi.Scope(channel="phone"),
        kpi.Scope(request_type=kinds[2]),
        kpi.Scope(department=queues[0], channel="email", request_type=kinds[0]),
    ]
    compared = rated = 0
    for period in periods:
        for scope in scopes:
            expected = oracle(period, scope)
            figures = kpi.compute(period, scope)
            assert from_aggregates(figures) == expected, (period, scope)
            # the ratings against ulm_channels' own count over the raw rows
            direct = satisfaction_figures(
                period.start,
                period.end,
                department_ids=[scope.department.pk] if scope.department else None,
                channel=scope.channel,
                request_type_id=scope.request_type.pk if scope.request_type else None,
            )
            assert {**figures["satisfaction"], "previous_average": None} == {
                **direct,
                "previous_average": None,
            }, (period, scope)
            rated += direct["count"]
            compared += expected["total"]
    assert compared > 300  # the comparisons saw real data
    assert rated > 50


def test_a_partial_rebuild_equals_a_full_one(random_rows):
    period = kpi.Period(date(2026, 3, 20), date(2026, 4, 8))
    full = kpi.compute(period)
    kpi.refresh(date(2026, 3, 30))
    assert kpi.compute(period) == {**full, "refreshed_at": kpi.compute(period)["refreshed_at"]}
