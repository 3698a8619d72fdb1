"""Eight weeks of history for the demo's key figures: requests on every channel with their
answers and closings, forwards with feedback on time and late, calls, counter visits and the
knowledge items given. Made once (``manage.py load_demo_kpi``, run by ``make run``), from a
fixed seed; then the daily figures are rebuilt and last week's quality sample is drawn."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

DAYS = 56
MARKER = "Verlauf (Demo): "


def load_demo_kpi() -> bool:
    """False when the history is there already."""
    from django.contrib.auth import get_user_model
    from helpdesk.models import KBItem, Ticket

    from ulm_channels.models import Call
    from ulm_knowledge.models import AnswerUse
    from ulm_kpi import figures
    from ulm_routing.models import Handoff
    from ulm_servicepoint.models import CaseRecord, CounterVisit, RequestType
    from ulm_servicepoint.services import service_center_queue

    if Ticket.objects.filter(title__startswith=MARKER).exists():
        return False
    _management_login()
    rng = random.Random(115)  # noqa: S311 - demo data, not security
    kinds = list(RequestType.objects.filter(active=True).select_related("default_queue"))
    items = list(KBItem.objects.filter(enabled=True)[:8])
    if not kinds:
        return False
    center = service_center_queue()
    agent = get_user_model().objects.filter(username="anna.agentin").first()
    channels = ["email"] * 4 + ["phone"] * 4 + ["web_form"] * 2 + ["counter", "letter"]
    today = timezone.localdate()
    calls = []
    with transaction.atomic():
        for back in range(DAYS, 0, -1):
            day = today - timedelta(days=back)
            if day.weekday() >= 5:
                continue
            opening = timezone.make_aware(datetime.combine(day, datetime.min.time()))
            for n in range(rng.randint(6, 12)):
                received = opening + timedelta(hours=8, minutes=rng.randrange(0, 600))
                kind = rng.choice(kinds)
                channel = rng.choice(channels)
                first_contact = channel in ("phone", "counter") and rng.random() < 0.75
                first_contact = first_contact or rng.random() < 0.35
                forwarded = not first_contact and rng.random() < 0.6
                forwarded = forwarded and kind.default_queue_id != center.pk
                department = kind.default_queue if forwarded else center
                ticket = Ticket.objects.create(
                    title=f"{MARKER}{kind.name}",
                    queue=department,
                    submitter_email=f"verlauf{back}-{n}@example.org",
                    description=kind.name,
                )
                answer = received + timedelta(minutes=rng.choice([3, 12, 40, 90, 300, 1500]))
                closed = answer + timedelta(minutes=rng.choice([0, 0, 60, 1440, 4000]))
                Ticket.objects.filter(pk=ticket.pk).update(
                    status=Ticket.CLOSED_STATUS, created=received
                )
                CaseRecord.objects.filter(ticket=ticket).update(
                    request_type=kind,
                    channel=channel,
                    received_at=received,
                    captured_at=received,
                    resolved_at_first_contact=first_contact,
                    first_contact_resolved_at=received + timedelta(minutes=4)
                    if first_contact
                    else None,
                    first_answer_at=None if first_contact else answer,
                    closed_at=received + timedelta(minutes=4) if first_contact else closed,
                    level=2 if forwarded else 1,
                    captured_by=agent,
                    is_open=False,
                    department=department,
                )
                if forwarded:
                    due = received + timedelta(hours=rng.choice([24, 48]))
                    feedback = received + timedelta(hours=rng.choice([3, 20, 30, 70]))
                    Handoff.objects.create(
                        ticket=ticket,
                        department=department,
                        from_queue=center,
                        state="rejected" if rng.random() < 0.05 else "answered",
                        forwarded_at=received + timedelta(minutes=5),
                        clock_started_at=received + timedelta(minutes=5),
                        due_at=due,
                        feedback_at=feedback,
                        closed_at=feedback,
                    )
                if items and rng.random() < 0.55:
                    AnswerUse.objects.create(ticket=ticket, kbitem=rng.choice(items), version=1)
            for _visit in range(rng.randint(2, 6)):
                visit = CounterVisit.objects.create(request_type=rng.choice(kinds), minutes=3)
                moment = opening + timedelta(hours=8, minutes=rng.randrange(0, 480))
                CounterVisit.objects.filter(pk=visit.pk).update(created_at=moment)
            for n in range(rng.randint(15, 30)):
                rang = opening + timedelta(hours=8, minutes=rng.randrange(0, 600))
                wait = rng.choice([4, 8, 12, 18, 25, 28, 35, 50, 70])
                answered = rng.random() < 0.93
                calls.append(
                    Call(
                        call_id=f"verlauf-{day.isoformat()}-{n}",
                        caller="0731 000000",
                        started_at=rang,
                        answered_at=rang + timedelta(seconds=wait) if answered else None,
                        ended_at=rang + timedelta(seconds=wait + (180 if answered else 0)),
                    )
                )
        Call.objects.bulk_create(calls)
    figures.refresh()
    if agent is not None:
        from ulm_kpi.quality import draw_week

        draw_week()  # last week's quality sample, for the lead to review
    return True


MANAGEMENT_USER = ("vera.verwaltung", "Vera", "Verwaltung")


def _management_login() -> None:
    """Someone of the city's management, who sees the key figures and nothing else."""
    from django.contrib.auth import get_user_model

    from ulm_servicepoint.services import make_demo_user

    username, first, last = MANAGEMENT_USER
    if get_user_model().objects.filter(username=username).exists():
        return
    make_demo_user(username, first, last, ["Verwaltungsleitung"])
