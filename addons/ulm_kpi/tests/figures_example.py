"""Figures dicts for the tests of the charts, exports and monthly report: FIGURES.md's example
(filled out for a whole November) and an empty month ("keine Daten")."""

from __future__ import annotations

import copy
from datetime import date, timedelta

CHANNELS = ["email", "phone", "web_form", "counter", "letter", "other"]


def _days() -> list[dict]:
    days = []
    for i in range(30):
        by_channel = {
            "email": 15 + i % 7,
            "phone": 12 + i % 5,
            "web_form": 7,
            "counter": 3 + i % 3,
            "letter": 1 if i % 4 == 0 else 0,
            "other": 0,
        }
        day = date(2026, 11, 1) + timedelta(days=i)
        days.append(
            {"day": day.isoformat(), "total": sum(by_channel.values()), "by_channel": by_channel}
        )
    return days


EXAMPLE: dict = {
    "period": {"from": "2026-11-01", "to": "2026-11-30", "days": 30},
    "previous_period": {"from": "2026-10-02", "to": "2026-10-31", "days": 30},
    "filters": {"department": None, "channel": None, "request_type": None},
    "refreshed_at": "2026-12-02T19:40:00+01:00",
    "contacts": {
        "total": 1234,
        "previous_total": 1100,
        "counter_visits": 80,
        "by_channel": {
            "email": 500,
            "phone": 400,
            "web_form": 200,
            "counter": 100,
            "letter": 30,
            "other": 4,
        },
        "by_day": _days(),
        "by_hour": [0] * 7 + [40, 120, 150, 140, 130, 90, 110, 130, 120, 100, 60, 30] + [4] * 5,
    },
    "first_contact_resolution": {
        "rate": 0.68,
        "target": 0.65,
        "resolved": 839,
        "total": 1234,
        "previous_rate": 0.66,
    },
    "reachability": {
        "rate": 0.78,
        "target": 0.75,
        "calls": 900,
        "answered": 850,
        "answered_in_time": 702,
        "seconds": 30,
        "previous_rate": 0.74,
    },
    "callbacks": {"total": 40, "on_time": 38, "on_time_rate": 0.95},
    "handoffs": {
        "total": 300,
        "on_time": 270,
        "late": 20,
        "open_overdue": 5,
        "on_time_rate": 0.915,
        "target": 1.0,
        "not_responsible": 12,
        "previous_on_time_rate": 0.9,
        "by_department": [
            {
                "department": "Kfz-Zulassung",
                "slug": "kfz",
                "total": 120,
                "on_time": 110,
                "late": 8,
                "open_overdue": 2,
                "on_time_rate": 0.917,
                "not_responsible": 3,
            },
            {
                "department": "Abfallwirtschaft",
                "slug": "abfall",
                "total": 180,
                "on_time": 160,
                "late": 12,
                "open_overdue": 3,
                "on_time_rate": 0.914,
                "not_responsible": 9,
            },
        ],
    },
    "first_response": {
        "median_minutes": 45,
        "p90_minutes": 480,
        "count": 1100,
        "previous_median_minutes": 60,
    },
    "resolution": {
        "median_minutes": 120,
        "p90_minutes": 2880,
        "count": 1000,
        "previous_median_minutes": 150,
    },
    "top_request_types": [
        {
            "request_type": "Personalausweis beantragen",
            "slug": "personalausweis",
            "count": 200,
            "share": 0.16,
        },
        {"request_type": "Sperrmüll anmelden", "slug": "sperrmuell", "count": 150, "share": 0.12},
        {"request_type": "Fahrzeug zulassen", "slug": "zulassung", "count": 90, "share": 0.073},
    ],
    "knowledge": {
        "answered_with_item": 600,
        "share": 0.49,
        "top_items": [
            {"title": "Personalausweis", "uses": 150},
            {"title": "Sperrmüll", "uses": 90},
        ],
        "citizen_answers": {"helpful": 90, "not_helpful": 12},
        "open_gaps": 4,
    },
    "satisfaction": {
        "count": 120,
        "average": 4.3,
        "by_level": {"1": 3, "2": 5, "3": 10, "4": 40, "5": 62},
        "comments": 20,
        "previous_average": 4.1,
    },
    "quality": {
        "reviews": 40,
        "by_team": [
            {
                "team": "Servicecenter",
                "reviews": 30,
                "criteria": {
                    "correct": 0.93,
                    "knowledge_item": 0.9,
                    "department": 1.0,
                    "tone": 0.97,
                    "privacy": 1.0,
                },
            }
        ],
    },
    "backlog": {
        "total": 45,
        "by_department": [
            {
                "department": "Kfz-Zulassung",
                "slug": "kfz",
                "open": 12,
                "age": {
                    "under_1_day": 3,
                    "1_to_3_days": 4,
                    "3_to_7_days": 2,
                    "7_to_30_days": 2,
                    "over_30_days": 1,
                },
                "oldest_days": 41,
            },
            {
                "department": "Abfallwirtschaft",
                "slug": "abfall",
                "open": 33,
                "age": {
                    "under_1_day": 10,
                    "1_to_3_days": 12,
                    "3_to_7_days": 6,
                    "7_to_30_days": 5,
                    "over_30_days": 0,
                },
                "oldest_days": 20,
            },
        ],
    },
}

EMPTY: dict = {
    "period": {"from": "2026-11-01", "to": "2026-11-30", "days": 30},
    "previous_period": {"from": "2026-10-02", "to": "2026-10-31", "days": 30},
    "filters": {"department": None, "channel": None, "request_type": None},
    "refreshed_at": None,
    "contacts": {
        "total": 0,
        "previous_total": 0,
        "counter_visits": 0,
        "by_channel": dict.fromkeys(CHANNELS, 0),
        "by_day": [
            {
                "day": (date(2026, 11, 1) + timedelta(days=i)).isoformat(),
                "total": 0,
                "by_channel": dict.fromkeys(CHANNELS, 0),
            }
            for i in range(30)
        ],
        "by_hour": [0] * 24,
    },
    "first_contact_resolution": {
        "rate": None,
        "target": 0.65,
        "resolved": 0,
        "total": 0,
        "previous_rate": None,
    },
    "reachability": {
        "rate": None,
        "target": 0.75,
        "calls": 0,
        "answered": 0,
        "answered_in_time": 0,
        "seconds": 30,
        "previous_rate": None,
    },
    "callbacks": {"total": 0, "on_time": 0, "on_time_rate": None},
    "handoffs": {
        "total": 0,
        "on_time": 0,
        "late": 0,
        "open_overdue": 0,
        "on_time_rate": None,
        "target": 1.0,
        "not_responsible": 0,
        "previous_on_time_rate": None,
        "by_department": [],
    },
    "first_response": {
        "median_minutes": None,
        "p90_minutes": None,
        "count": 0,
        "previous_median_minutes": None,
    },
    "resolution": {
        "median_minutes": None,
        "p90_minutes": None,
        "count": 0,
        "previous_median_minutes": None,
    },
    "top_request_types": [],
    "knowledge": {
        "answered_with_item": 0,
        "share": None,
        "top_items": [],
        "citizen_answers": {"helpful": 0, "not_helpful": 0},
        "open_gaps": 0,
    },
    "satisfaction": {
        "count": 0,
        "average": None,
        "by_level": {str(level): 0 for level in range(1, 6)},
        "comments": 0,
        "previous_average": None,
    },
    "quality": {"reviews": 0, "by_team": []},
    "backlog": {"total": 0, "by_department": []},
}


def example() -> dict:
    return copy.deepcopy(EXAMPLE)


def empty() -> dict:
    return copy.deepcopy(EMPTY)
