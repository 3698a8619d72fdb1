"""Citizen feedback (Zufriedenheit): after an answer the citizen rates it on five levels, with an
optional comment, once per request.

The links are the citizen's private status link (``CitizenLink``, a random UUID4) with
``/bewertung/``: nothing else is stored to make them unguessable, and an anonymised ticket's
link is gone with its rating page. The first answer mail carries five links, one per level (added
by the outbox to a mail of kind ``answer`` to the ticket's submitter, so that ulm_routing's
answers get them without importing us, and to the host's mail on a reply that resolved the
ticket); the status page shows the same form once the request
has an answer. A link only opens the page with the level chosen: the rating is recorded by the
page's POST. A second rating is refused; rating attempts are rate-limited per IP address in the
web forms' log (``WebSubmission``, ``form="rating"``). The figures for the dashboard are
anonymous: counts and the average, never names or comments.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import EmailAlternative
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from helpdesk.models import Ticket

from ulm_channels import conf
from ulm_channels.models import CitizenLink, OutboundMail, SatisfactionRating, WebSubmission
from ulm_channels.models.satisfaction import COMMENT_MAX_LENGTH

__all__ = [
    "COMMENT_MAX_LENGTH",
    "LEVELS",
    "AlreadyRated",
    "NotYetAnswered",
    "RatingError",
    "add_rating_links",
    "answers_the_citizen",
    "erase_rating_comment",
    "may_rate",
    "rating_attempt_refused",
    "rating_links_text",
    "rating_of",
    "rating_url",
    "record_rating",
    "satisfaction_figures",
]

LEVELS = [level for level, _label in SatisfactionRating.Level.choices]
BERLIN = ZoneInfo("Europe/Berlin")


class RatingError(Exception):
    """A rating that cannot be recorded (the text says why, in German)."""


class AlreadyRated(RatingError):
    pass


class NotYetAnswered(RatingError):
    pass


def rating_of(ticket: Ticket) -> SatisfactionRating | None:
    return SatisfactionRating.objects.filter(ticket=ticket).first()


def may_rate(ticket: Ticket) -> bool:
    """A request can be rated once it has an answer: it is resolved or closed, or an answer
    mail (or one asking for the rating) went to the citizen."""
    if ticket.status in (Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS):
        return True
    return OutboundMail.objects.filter(
        Q(kind=OutboundMail.Kind.ANSWER, to_citizen=True) | Q(asks_rating=True), ticket=ticket
    ).exists()


def rating_url(ticket: Ticket, level: int | None = None) -> str:
    """The absolute link to the rating page (for mails), with ``level`` chosen."""
    link, _created = CitizenLink.objects.get_or_create(ticket=ticket)
    path = reverse("ulm_channels:rating", args=[link.token])
    if level is not None:
        path += f"?stufe={int(level)}"
    return settings.SITE_URL.rstrip("/") + path


def rating_links_text(ticket: Ticket) -> str:
    """The block the answer mail ends with: one link per level, best first (German)."""
    with translation.override("de"):
        lines = [
            _("How satisfied are you with our answer? Choose a link and confirm on the page:"),
            "",
        ]
        for level, label in reversed(SatisfactionRating.Level.choices):
            lines.append(f"{level} – {label}: {rating_url(ticket, level)}")
        lines += ["", _("You can add a comment there. Your rating is counted anonymously.")]
    return "\n".join(lines)


def answers_the_citizen(ticket: Ticket | None, kind: str, found_by_subject: bool) -> bool:
    """Whether a mail the outbox records is an answer to the citizen: ours and ulm_routing's
    (kind ``answer``), or the host's mail on an agent's public reply that resolved or closed
    the ticket (``resolved_submitter``/``closed_submitter``, found by its subject; the host
    saves the new status before it mails)."""
    if ticket is None:
        return False
    if kind == OutboundMail.Kind.ANSWER:
        return True
    return (
        found_by_subject
        and kind == OutboundMail.Kind.NOTIFICATION
        and ticket.status in (Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS)
    )


def add_rating_links(message: EmailMessage, ticket: Ticket) -> bool:
    """Ends an answer mail (its text and an HTML version) with the rating links, when it goes
    to the ticket's submitter, the request is not rated yet and no earlier mail asked (the
    citizen is asked once). True when the links were added."""
    submitter = (ticket.submitter_email or "").strip().lower()
    addresses = {parseaddr(str(value))[1].strip().lower() for value in message.to}
    if not submitter or submitter not in addresses or not isinstance(message.body, str):
        return False
    if SatisfactionRating.objects.filter(ticket=ticket).exists():
        return False
    asked = OutboundMail.objects.filter(ticket=ticket, asks_rating=True).exclude(
        status__in=[OutboundMail.Status.FAILED_PERMANENTLY, OutboundMail.Status.BOUNCED]
    )
    if asked.exists():
        return False
    message.body = f"{message.body.rstrip()}\n\n-- \n{rating_links_text(ticket)}\n"
    alternatives = getattr(message, "alternatives", None)
    if alternatives:
        html = rating_links_html(ticket)
        message.alternatives = [  # type: ignore[attr-defined]
            EmailAlternative(_with_html(str(content), html), mimetype)
            if mimetype == "text/html"
            else EmailAlternative(content, mimetype)
            for content, mimetype in alternatives
        ]
    return True


def _with_html(document: str, block: str) -> str:
    at = document.lower().rfind("</body>")
    return document[:at] + block + document[at:] if at >= 0 else document + block


def rating_links_html(ticket: Ticket) -> str:
    """The rating links for a mail's HTML version (German)."""
    with translation.override("de"):
        items = format_html_join(
            "",
            '<li><a href="{}">{} – {}</a></li>',
            (
                (rating_url(ticket, level), level, label)
                for level, label in reversed(SatisfactionRating.Level.choices)
            ),
        )
        return format_html(
            "<hr><p>{}</p><ul>{}</ul><p>{}</p>",
            _("How satisfied are you with our answer? Choose a link and confirm on the page:"),
            items,
            _("You can add a comment there. Your rating is counted anonymously."),
        )


def rating_attempt_refused(ip_address: str | None) -> bool:
    """Counts a rating attempt from ``ip_address``; True (and not counted) when the address
    already sent ``ULM_CHANNELS_RATING_RATE_LIMIT_PER_IP`` within
    ``ULM_CHANNELS_RATE_LIMIT_WINDOW`` seconds (the web forms' log, pruned with it)."""
    if not ip_address:
        return False
    since = timezone.now() - timedelta(seconds=conf.get("ULM_CHANNELS_RATE_LIMIT_WINDOW"))
    recent = WebSubmission.objects.filter(
        form=WebSubmission.Form.RATING, ip_address=ip_address, created_at__gte=since
    ).count()
    if recent >= conf.get("ULM_CHANNELS_RATING_RATE_LIMIT_PER_IP"):
        return True
    WebSubmission.objects.create(form=WebSubmission.Form.RATING, email="", ip_address=ip_address)
    return False


def record_rating(link: CitizenLink, level: int, comment: str = "") -> SatisfactionRating:
    """Records the citizen's rating of the request behind their private link: once. Raises
    ``AlreadyRated`` for a second one, ``NotYetAnswered`` before an answer, ``ValueError`` for a
    level outside 1–5 or a comment that is too long (the forms check both first)."""
    if level not in LEVELS:
        raise ValueError(f"level {level!r} is not 1–5")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValueError("comment too long")
    ticket = link.ticket
    if not may_rate(ticket):
        raise NotYetAnswered(_("You can rate your request once you have received an answer."))
    try:
        with transaction.atomic():
            rating, created = SatisfactionRating.objects.get_or_create(
                ticket=ticket, defaults={"level": level, "comment": comment}
            )
    except IntegrityError:  # another submission of the same request won the race
        created = False
    if not created:
        raise AlreadyRated(_("You have already rated this request."))
    return rating


def erase_rating_comment(ticket_id: int) -> None:
    erase_rating_comments([ticket_id])


def erase_rating_comments(ticket_ids: list[int]) -> None:
    """Retention: the comment is personal data and goes; the level stays for the figures, and
    so does the fact that there was a comment (the key figures count them): its text becomes
    „(gelöscht)“."""
    with translation.override(settings.LANGUAGE_CODE):
        erased = _("(erased)")
    SatisfactionRating.objects.filter(ticket_id__in=ticket_ids).exclude(comment="").update(
        comment=erased
    )


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BERLIN)


def satisfaction_figures(
    since: date,
    until: date,
    department_ids: list[int] | None = None,
    channel: str | None = None,
    request_type_id: int | None = None,
) -> dict:
    """Anonymous figures of the ratings given on the days ``since``..``until`` (inclusive,
    Europe/Berlin), filtered through the ticket's case record (department, channel, request
    type): ``{"count", "average" (None without ratings), "by_level" {"1".."5"}, "comments"}``.
    No names, no comments. Raises ``ValueError`` when ``until`` is before ``since``."""
    if until < since:
        raise ValueError(_("The end of the period is before its start."))
    ratings = SatisfactionRating.objects.filter(
        created_at__gte=_day_start(since), created_at__lt=_day_start(until + timedelta(days=1))
    )
    if department_ids is not None:
        ratings = ratings.filter(ticket__case_record__department_id__in=department_ids)
    if channel:
        ratings = ratings.filter(ticket__case_record__channel=channel)
    if request_type_id is not None:
        ratings = ratings.filter(ticket__case_record__request_type_id=request_type_id)
    totals = ratings.aggregate(
        count=Count("pk"),
        average=Avg("level"),
        comments=Count("pk", filter=~Q(comment="")),
        **{f"level_{level}": Count("pk", filter=Q(level=level)) for level in LEVELS},
    )
    average = totals["average"]
    return {
        "count": totals["count"],
        "average": round(float(average), 2) if average is not None else None,
        "by_level": {str(level): totals[f"level_{level}"] for level in LEVELS},
        "comments": totals["comments"],
    }
