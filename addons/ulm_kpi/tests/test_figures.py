"""Every key figure computed on a known week: contacts per channel, day and hour (counter visits
included), first-contact resolution, reachability with calls abandoned before 30 s, handoffs on
time, late, open past due and "not responsible", first response and resolution (median and p90
at bucket resolution), top request types, knowledge use, backlog; and an empty period."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from ulm_kpi import services as kpi
from ulm_kpi.tests import data


@pytest.fixture
def week(demo):
    """Monday 2 March to Sunday 8 March 2026, in two departments of their own."""
    center = data.queue("kpi-center", "KPI-Servicecenter")
    office = data.queue("kpi-amt", "KPI-Amt")
    other = data.queue("kpi-anderes", "KPI-Anderes Amt")
    a = data.request_type("kpi-a", "KPI-Anliegen A", center)
    b = data.request_type("kpi-b", "KPI-Anliegen B", office)
    c1 = data.case(
        "2026-03-02 09:10", center, "email", a, first_answer="2026-03-02 09:40",
        closed="2026-03-02 10:10",
    )  # fmt: skip
    c2 = data.case(
        "2026-03-02 10:05", center, "phone", a, first_contact=True,
        first_answer="2026-03-02 10:08", closed="2026-03-02 10:08",
    )  # fmt: skip
    c3 = data.case("2026-03-02 11:00", office, "web_form", b, level=2)
    c4 = data.case(
        "2026-03-03 14:00", office, "letter", b, level=2, first_answer="2026-03-04 14:00",
        closed="2026-03-05 14:00",
    )  # fmt: skip
    c5 = data.case("2026-03-03 08:00", center, "email", None, first_answer="2026-03-03 08:20")
    data.visit("2026-03-03 15:30", a)
    # calls on Monday: answered after 10 s and after 45 s, abandoned after 20 s and after 40 s;
    # one still ringing (not counted yet)
    data.call("k1", "2026-03-02 09:00", 10, 120)
    data.call("k2", "2026-03-02 09:05", 45, 300)
    data.call("k3", "2026-03-02 09:10", None, 20)
    data.call("k4", "2026-03-02 09:15", None, 40)
    data.call("k5", "2026-03-02 09:20", None, None)
    data.handoff(c3, office, "2026-03-02 11:05", "2026-03-03 11:05", "2026-03-03 10:00")
    data.handoff(c4, office, "2026-03-03 14:05", "2026-03-04 14:05", "2026-03-04 15:00")
    data.handoff(
        c5, other, "2026-03-03 08:30", "2026-03-04 08:30", "2026-03-03 12:00", state="rejected"
    )
    data.handoff(c1, other, "2026-03-04 09:00", "2026-03-05 09:00", None, state="open")
    x, y = data.item("Personalausweis"), data.item("Reisepass")
    data.gave(c1, x)
    data.gave(c2, x)
    data.gave(c4, y)
    data.rated(c1, 4, data.at("2026-03-02 12:00"), "Schnell und freundlich")
    data.rated(c2, 2, data.at("2026-03-04 09:00"))
    kpi.refresh()
    return {"center": center, "office": office, "other": other, "a": a, "b": b}


def test_a_known_week(week):
    figures = kpi.compute(kpi.Period(date(2026, 3, 2), date(2026, 3, 8)))

    contacts = figures["contacts"]
    assert contacts["total"] == 6
    assert contacts["counter_visits"] == 1
    assert contacts["by_channel"] == {
        "email": 2, "phone": 1, "web_form": 1, "counter": 1, "letter": 1, "other": 0,
    }  # fmt: skip
    assert [d["total"] for d in contacts["by_day"]] == [3, 3, 0, 0, 0, 0, 0]
    assert contacts["by_day"][1]["by_channel"]["counter"] == 1
    hours = contacts["by_hour"]
    assert {h: n for h, n in enumerate(hours) if n} == {8: 1, 9: 1, 10: 1, 11: 1, 14: 1, 15: 1}

    fcr = figures["first_contact_resolution"]
    assert (fcr["resolved"], fcr["total"], fcr["target"]) == (2, 6, 0.65)
    assert fcr["rate"] == pytest.approx(2 / 6)

    reach = figures["reachability"]
    assert (reach["calls"], reach["answered"], reach["answered_in_time"]) == (4, 2, 1)
    assert reach["rate"] == 0.25
    assert reach["target"] == 0.75
    assert reach["seconds"] == 30

    handoffs = figures["handoffs"]
    assert handoffs["total"] == 4
    assert (handoffs["on_time"], handoffs["late"], handoffs["open_overdue"]) == (2, 1, 1)
    assert handoffs["on_time_rate"] == 0.5
    assert handoffs["not_responsible"] == 1
    by_department = {d["slug"]: d for d in handoffs["by_department"]}
    assert by_department["kpi-amt"]["on_time_rate"] == 0.5
    assert by_department["kpi-anderes"]["not_responsible"] == 1

    # first answers after 30, 3, 1440 and 20 minutes; closings after 60, 3 and 2880
    assert figures["first_response"] == {
        "median_minutes": 20, "p90_minutes": 1440, "count": 4, "previous_median_minutes": None,
    }  # fmt: skip
    assert figures["resolution"]["median_minutes"] == 60
    assert figures["resolution"]["p90_minutes"] == 2880
    assert figures["resolution"]["count"] == 3

    assert [(t["slug"], t["count"]) for t in figures["top_request_types"]] == [
        ("kpi-a", 3),
        ("kpi-b", 2),
    ]
    assert figures["satisfaction"] == {
        "count": 2,
        "average": 3.0,
        "by_level": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0},
        "comments": 1,
        "previous_average": None,
    }
    knowledge = figures["knowledge"]
    assert knowledge["answered_with_item"] == 3
    assert knowledge["share"] == pytest.approx(3 / 5)  # of the requests; visits have no item
    assert knowledge["top_items"] == [
        {"title": "Personalausweis", "uses": 2},
        {"title": "Reisepass", "uses": 1},
    ]


def test_filters_narrow_every_figure(week):
    period = kpi.Period(date(2026, 3, 2), date(2026, 3, 8))
    office = kpi.compute(period, kpi.Scope(department=week["office"]))
    assert office["contacts"]["total"] == 2
    assert office["handoffs"]["total"] == 2
    assert office["handoffs"]["on_time_rate"] == 0.5
    assert office["reachability"]["applies"] is False  # calls belong to the service center
    assert office["backlog"]["total"] == 1  # the web form's request is still open
    assert office["backlog"]["by_department"][0]["oldest_days"] >= 200

    phone = kpi.compute(period, kpi.Scope(channel="phone"))
    assert phone["contacts"]["total"] == 1
    assert phone["first_contact_resolution"]["rate"] == 1.0
    assert phone["reachability"]["rate"] == 0.25

    typed = kpi.compute(period, kpi.Scope(request_type=week["a"]))
    assert typed["contacts"]["by_channel"]["counter"] == 1
    assert typed["contacts"]["total"] == 3


def test_the_previous_period_is_compared(week):
    figures = kpi.compute(kpi.Period(date(2026, 3, 9), date(2026, 3, 15)))
    assert figures["previous_period"] == {"from": "2026-03-02", "to": "2026-03-08", "days": 7}
    assert figures["contacts"]["total"] == 0
    assert figures["contacts"]["previous_total"] == 6
    assert figures["first_contact_resolution"]["previous_rate"] == pytest.approx(2 / 6)
    assert figures["reachability"]["previous_rate"] == 0.25


def test_an_empty_period_gives_zeros_and_no_rates(demo):
    kpi.refresh()
    figures = kpi.compute(kpi.Period(date(2020, 2, 1), date(2020, 2, 29)))
    assert figures["contacts"]["total"] == 0
    assert len(figures["contacts"]["by_day"]) == 29
    assert figures["contacts"]["by_hour"] == [0] * 24
    assert figures["first_contact_resolution"]["rate"] is None
    assert figures["reachability"]["rate"] is None
    assert figures["handoffs"]["on_time_rate"] is None
    assert figures["first_response"]["median_minutes"] is None
    assert figures["top_request_types"] == []
    assert figures["knowledge"]["share"] is None


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-03-08", "2026-03-01", "endet vor seinem Anfang"),
        ("1999-12-31", "2000-01-10", "vor dem Jahr 2000"),
        ("2020-01-01", "2026-01-01", "länger als drei Jahre"),
        ("2099-01-01", "2099-01-31", "in der Zukunft"),
        ("gestern", "2026-01-01", "TT.MM.JJJJ"),
    ],
)
def test_absurd_periods_are_refused_in_german(start, end, message):
    from django.utils import translation

    with translation.override("de"), pytest.raises(kpi.PeriodInvalid, match=message):
        kpi.parse_period(start, end, today=date(2026, 12, 2))


def test_german_dates_are_read_and_a_period_ends_today_at_the_latest():
    period = kpi.parse_period("01.11.2026", "31.12.2026", today=date(2026, 12, 2))
    assert (period.start, period.end) == (date(2026, 11, 1), date(2026, 12, 2))


def test_the_rebuild_of_recent_days_keeps_older_days(week):
    kpi.refresh_recent()
    figures = kpi.compute(kpi.Period(date(2026, 3, 2), date(2026, 3, 8)))
    assert figures["contacts"]["total"] == 6
    assert kpi.last_refresh() <= timezone.now()


@pytest.mark.parametrize(
    ("name", "start", "end"),
    [
        ("vormonat", date(2026, 12, 1), date(2026, 12, 31)),
        ("monat", date(2027, 1, 1), date(2027, 1, 5)),
        ("jahr", date(2027, 1, 1), date(2027, 1, 5)),
        ("7", date(2026, 12, 30), date(2027, 1, 5)),
        ("unbekannt", date(2026, 12, 7), date(2027, 1, 5)),  # the default: 30 days
    ],
)
def test_presets_across_the_turn_of_the_year(name, start, end):
    assert kpi.preset_period(name, date(2027, 1, 5)) == (start, end)
