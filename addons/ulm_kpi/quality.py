"""Quality sampling (Qualitätssicherung): each week a random sample of closed tickets per agent,
reviewed by the service-center lead with a short checklist; the agent sees their own reviews;
the dashboard gets the shares of "yes" per team, never per person.

Who "the agent" of a ticket is: the person who took the request at the first level — the case
record's ``captured_by`` (phone, counter, letter, capture screen); for a request nobody captured
by hand (e-mail, web form) the ticket's assignee at the time of the drawing. Tickets with
neither, or whose person is no active staff member, are not sampled.

The team is the agent's department (the first of their department groups) and otherwise the
service center; it is kept on the sample as it was when drawn.

Weeks are ISO weeks, Monday 00:00 to Monday 00:00 in the project's time zone (Europe/Berlin).
A ticket belongs to the week it was closed in (``CaseRecord.closed_at``) and is sampled only if
it is still closed (or resolved) when the week is drawn.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.checks import CheckMessage
from django.core.checks import Error as CheckError
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from helpdesk.models import Queue, Ticket

from ulm_kpi.models import QualityReview, QualitySample, QualityWeek, Rating, SampleKind
from ulm_servicepoint import services as platform
from ulm_servicepoint.models import CaseRecord

DEFAULTS: dict[str, Any] = {
    # closed tickets drawn per agent and week
    "ULM_KPI_QUALITY_SAMPLE_SIZE": 3,
}
MAX_SAMPLE_SIZE = 50
# the checklist's criteria, in the order the lead answers them (field names of QualityReview)
CRITERIA = ["correct", "knowledge_item", "department", "tone", "privacy"]
# criteria that may not apply to a ticket (no knowledge item needed; nothing forwarded)
MAY_NOT_APPLY = {"knowledge_item", "department"}
WEEKS_PER_PAGE = 20
REVIEWS_PER_PAGE = 25
WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])


def sample_size() -> int:
    """ULM_KPI_QUALITY_SAMPLE_SIZE, checked (1 to 50)."""
    size = setting("ULM_KPI_QUALITY_SAMPLE_SIZE")
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_SAMPLE_SIZE:
        raise ImproperlyConfigured(
            f"ULM_KPI_QUALITY_SAMPLE_SIZE must be a whole number from 1 to {MAX_SAMPLE_SIZE}."
        )
    return size


def check_quality_settings(app_configs=None, **kwargs) -> list[CheckMessage]:
    """System check for the sampling's settings (for ulm_kpi's checks.py to register)."""
    try:
        sample_size()
    except ImproperlyConfigured as error:
        return [CheckError(str(error), id="ulm_kpi.E101")]
    return []


# --- Weeks -------------------------------------------------------------------------------------


class WeekInvalid(ValueError):
    """A week that cannot be drawn (badly written, or not over yet); the message is German."""


def week_label(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> date:
    """The Monday of an ISO week written ``YYYY-Www`` (e.g. 2026-W48)."""
    match = WEEK_PATTERN.match((text or "").strip()[:10])
    if match is None:
        raise WeekInvalid(_("Please give the week as YYYY-Www, for example 2026-W48."))
    year, week = int(match.group(1)), int(match.group(2))
    try:
        if year < 2000:
            raise ValueError(year)
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        raise WeekInvalid(_("The week %(week)s does not exist.") % {"week": text}) from None


def today() -> date:
    return timezone.localdate()


def previous_week(on: date | None = None) -> date:
    """The Monday of the week before the one ``on`` (default: today) lies in."""
    day = on or today()
    return day - timedelta(days=day.weekday() + 7)


def week_bounds(monday: date) -> tuple[datetime, datetime]:
    """Monday 00:00 up to the next Monday 00:00, in the project's time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(monday, time.min, tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=7), time.min, tzinfo=zone)
    return start, end


# --- Drawing the sample ------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    ticket_id: int
    agent_id: int
    kind: str


def kind_of(resolved_at_first_contact: bool, level: int, forwarded: bool) -> str:
    if resolved_at_first_contact:
        return SampleKind.FIRST_CONTACT
    if level == 2 or forwarded:
        return SampleKind.FORWARD
    return SampleKind.OTHER


def candidates(monday: date) -> list[Candidate]:
    """The tickets closed in the week and closed still, with their agent (see the module)."""
    start, end = week_bounds(monday)
    found = (
        CaseRecord.objects.filter(
            is_open=False,
            closed_at__gte=start,
            closed_at__lt=end,
            ticket__status__in=[Ticket.CLOSED_STATUS, Ticket.RESOLVED_STATUS],
        )
        .annotate(agent_id=Coalesce(F("captured_by"), F("ticket__assigned_to")))
        .filter(agent_id__isnull=False)
        .values_list("ticket_id", "agent_id", "resolved_at_first_contact", "level", "forwarded_at")
        .order_by("ticket_id")
    )
    rows = list(found)
    staff = set(
        get_user_model()
        .objects.filter(pk__in={row[1] for row in rows}, is_active=True, is_staff=True)
        .values_list("pk", flat=True)
    )
    return [
        Candidate(ticket_id, agent_id, kind_of(fcr, level, forwarded_at is not None))
        for ticket_id, agent_id, fcr, level, forwarded_at in rows
        if agent_id in staff
    ]


def pick(pool: list[Candidate], size: int, rng: random.Random) -> list[Candidate]:
    """``size`` of an agent's tickets at random; when the agent both answered at first contact
    and forwarded, and two or more are drawn, one of each is among them."""
    chosen: list[Candidate] = []
    first = [c for c in pool if c.kind == SampleKind.FIRST_CONTACT]
    forwards = [c for c in pool if c.kind == SampleKind.FORWARD]
    if size >= 2 and first and forwards:
        chosen = [rng.choice(first), rng.choice(forwards)]
    rest = [c for c in pool if c not in chosen]
    chosen += rng.sample(rest, min(size - len(chosen), len(rest)))
    return chosen


def team_of(user: Any) -> tuple[str, Queue | None]:
    """The agent's team: their (first) department, else the service center."""
    own = platform.member_departments(user)
    if own:
        return own[0].title, own[0]
    queue = Queue.objects.filter(
        slug=platform.conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE")
    ).first()
    return (queue.title if queue else _("Service center")), queue


def draw_week(
    monday: date | None = None, *, size: int | None = None, seed: int | None = None
) -> tuple[QualityWeek, bool]:
    """Draws the week's sample once (default: the week before this one): per agent ``size``
    (default: the setting) of their tickets closed that week. Returns the week and whether it
    was drawn now; a week drawn before is returned as it is (the job and the command may both
    run). ``seed`` makes the drawing repeatable (tests); otherwise the system's randomness."""
    monday = monday or previous_week()
    if monday.weekday() != 0:
        raise WeekInvalid(_("A week starts on a Monday."))
    if monday + timedelta(days=7) > today():
        raise WeekInvalid(
            _("The week %(week)s is not over yet; it can be drawn from its Sunday's end.")
            % {"week": week_label(monday)}
        )
    size = size or sample_size()
    # a seed only in tests, for a repeatable drawing; otherwise the system's randomness
    seeded = random.Random(seed) if seed is not None else None  # noqa: S311
    rng: random.Random = seeded or random.SystemRandom()
    with transaction.atomic():
        week, created = QualityWeek.objects.get_or_create(
            week_start=monday, defaults={"sample_size": size}
        )
        if not created:
            return week, False
        pools: dict[int, list[Candidate]] = {}
        for candidate in candidates(monday):
            pools.setdefault(candidate.agent_id, []).append(candidate)
        agents = get_user_model().objects.in_bulk(list(pools))
        samples = []
        for agent_id in sorted(pools):
            agent = agents[agent_id]
            team, queue = team_of(agent)
            samples += [
                QualitySample(
                    week=week,
                    ticket_id=c.ticket_id,
                    agent=agent,
                    team=team[:100],
                    team_queue=queue,
                    kind=c.kind,
                )
                for c in pick(pools[agent_id], size, rng)
            ]
        QualitySample.objects.bulk_create(samples)
    return week, True


# --- Who may see what --------------------------------------------------------------------------


def can_review(user: Any) -> bool:
    """The lead: active staff with ``ulm_kpi.review_quality``."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm("ulm_kpi.review_quality")
    )


def _require_reviewer(user: Any) -> None:
    if not can_review(user):
        raise PermissionError(_("Only the service-center lead reviews the quality sample."))


def _visible_ids(user: Any, ticket_ids: list[int]) -> set[int]:
    return set(
        platform.tickets_visible_to(user).filter(pk__in=ticket_ids).values_list("pk", flat=True)
    )


@dataclass
class SampleRow:
    """A sample as a page shows it: the ticket's title and link only for whoever may open it."""

    sample: QualitySample
    reference: str
    visible: bool
    title: str
    review: QualityReview | None


def _rows(user: Any, samples: list[QualitySample]) -> list[SampleRow]:
    ids = [s.ticket_id for s in samples]
    visible = _visible_ids(user, ids)
    references = platform.references_of(ids)
    rows = []
    for sample in samples:
        shown = sample.ticket_id in visible
        rows.append(
            SampleRow(
                sample=sample,
                reference=references.get(sample.ticket_id) or f"#{sample.ticket_id}",
                visible=shown,
                title=sample.ticket.title if shown else "",
                review=getattr(sample, "review", None),
            )
        )
    return rows


def review_overview(user: Any, week_text: str = "", page: Any = 1) -> dict[str, Any]:
    """The lead's page: the drawn weeks (newest first, with open and done counts) and the
    samples of one week (``week_text``, else the newest week with open samples)."""
    _require_reviewer(user)
    weeks = QualityWeek.objects.annotate(
        total=Count("samples"),
        done=Count("samples__review"),
        open=Count("samples", filter=Q(samples__review__isnull=True)),
    ).order_by("-week_start")
    weeks_page = Paginator(weeks, WEEKS_PER_PAGE).get_page(page)
    if week_text:
        chosen = QualityWeek.objects.filter(week_start=parse_week(week_text)).first()
    else:
        chosen = (
            QualityWeek.objects.filter(samples__review__isnull=True).order_by("-week_start").first()
        ) or QualityWeek.objects.order_by("-week_start").first()
    rows: list[SampleRow] = []
    if chosen is not None:
        samples = list(
            chosen.samples.select_related("agent", "ticket", "review").order_by(
                "team", "agent__last_name", "agent__username", "pk"
            )
        )
        rows = _rows(user, samples)
    return {
        "weeks": weeks_page,
        "week": chosen,
        "open_rows": [r for r in rows if r.review is None],
        "done_rows": [r for r in rows if r.review is not None],
    }


class ReviewForm(forms.Form):
    """The checklist: every criterion answered (a half-done review is not saved)."""

    correct = forms.ChoiceField(
        label=gettext_lazy("Information correct and complete"),
        choices=[c for c in Rating.choices if c[0] != Rating.NOT_APPLICABLE],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    knowledge_item = forms.ChoiceField(
        label=gettext_lazy("Right knowledge item and version"),
        choices=Rating.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    department = forms.ChoiceField(
        label=gettext_lazy("Right department"),
        choices=Rating.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    tone = forms.ChoiceField(
        label=gettext_lazy("Tone"),
        choices=[c for c in Rating.choices if c[0] != Rating.NOT_APPLICABLE],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    privacy = forms.ChoiceField(
        label=gettext_lazy("Data protection respected"),
        choices=[c for c in Rating.choices if c[0] != Rating.NOT_APPLICABLE],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )


def _sample_for(user: Any, sample_id: int) -> QualitySample:
    _require_reviewer(user)
    sample = (
        QualitySample.objects.select_related(
            "week", "agent", "ticket__queue", "team_queue", "review__reviewer"
        )
        .filter(pk=sample_id)
        .first()
    )
    if sample is None:
        raise LookupError(sample_id)
    return sample


def review_screen(user: Any, sample_id: int, data: Any = None) -> dict[str, Any]:
    """What the lead sees to review one sample: the ticket (title, request type, channel,
    level, department, what the citizen was told from the knowledge base — only when the lead
    may open the ticket), the agent, and the checklist (filled with an earlier review)."""
    sample = _sample_for(user, sample_id)
    review = getattr(sample, "review", None)
    initial = {name: getattr(review, name) for name in [*CRITERIA, "note"]} if review else None
    row = _rows(user, [sample])[0]
    ticket = sample.ticket
    case = (
        CaseRecord.objects.select_related("request_type").filter(ticket=ticket).first()
        if row.visible
        else None
    )
    return {
        "sample": sample,
        "row": row,
        "case": case,
        "ticket": ticket if row.visible else None,
        "told": platform.told_citizen(ticket) if row.visible else [],
        "review": review,
        "form": ReviewForm(data, initial=initial),
    }


class ReviewInvalid(ValueError):
    """The checklist was not complete or not valid; ``screen`` holds the form with its errors."""

    def __init__(self, screen: dict[str, Any]):
        super().__init__(_("Please answer every question of the checklist."))
        self.screen = screen


@transaction.atomic
def save_review(user: Any, sample_id: int, data: Any) -> QualityReview:
    """Saves the lead's checklist for a sample (all criteria, else nothing); a second review
    of the same sample replaces the first."""
    screen = review_screen(user, sample_id, data)
    form = screen["form"]
    if not form.is_valid():
        raise ReviewInvalid(screen)
    values = {name: form.cleaned_data[name] for name in CRITERIA}
    review, _created = QualityReview.objects.update_or_create(
        sample=screen["sample"],
        defaults={
            **values,
            "note": form.cleaned_data["note"].strip(),
            "reviewer": user,
            "reviewed_at": timezone.now(),
        },
    )
    return review


def own_reviews(user: Any, page: Any = 1) -> dict[str, Any]:
    """The reviews of the user's own tickets, newest first (nobody else's): the page, and its
    rows as (review, SampleRow)."""
    reviews = (
        QualityReview.objects.filter(sample__agent=user, sample__agent__isnull=False)
        .select_related("sample__week", "sample__ticket")
        .order_by("-reviewed_at", "-pk")
    )
    found = Paginator(reviews, REVIEWS_PER_PAGE).get_page(page)
    samples = [review.sample for review in found.object_list]
    rows = {row.sample.pk: row for row in _rows(user, samples)}
    return {
        "page": found,
        "rows": [(review, rows[review.sample.pk]) for review in found.object_list],
    }


# --- Figures for the dashboard -----------------------------------------------------------------


def quality_figures(since: date, until: date, department_ids: list[int] | None = None) -> dict:
    """The reviews made from ``since`` to ``until`` (days, inclusive, by the review's date in
    the project's time zone), per team: how many, and per criterion the share of "yes" among
    the answers that apply (None when none applies). ``department_ids`` keeps the teams of
    those queues (the service center's queue for its agents). Never per person."""
    if since > until:
        raise ValueError("since lies after until")
    start = week_bounds(since)[0]
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=start.tzinfo)
    reviews = QualityReview.objects.filter(reviewed_at__gte=start, reviewed_at__lt=end)
    if department_ids is not None:
        reviews = reviews.filter(sample__team_queue_id__in=department_ids)
    counts: dict[str, Any] = {"reviews": Count("pk")}
    for name in CRITERIA:
        counts[f"{name}_yes"] = Count("pk", filter=Q(**{name: Rating.YES}))
        counts[f"{name}_applies"] = Count("pk", filter=~Q(**{name: Rating.NOT_APPLICABLE}))
    rows: list[dict[str, Any]] = list(
        reviews.values(team_name=F("sample__team")).annotate(**counts).order_by("team_name")  # type: ignore[arg-type]
    )
    by_team = [
        {
            "team": row["team_name"],
            "reviews": row["reviews"],
            "criteria": {
                name: (
                    row[f"{name}_yes"] / row[f"{name}_applies"] if row[f"{name}_applies"] else None
                )
                for name in CRITERIA
            },
        }
        for row in rows
    ]
    return {"reviews": sum(team["reviews"] for team in by_team), "by_team": by_team}
