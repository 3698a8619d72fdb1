"""Retention: closed requests lose their personal data after the period of their request type.

Citizens are told on every form how many months after their request is closed their details
are deleted (DSGVO Art. 13 and 17): the request type's ``retention_months``, or for an untyped
request (and a type without its own period) ``ULM_SERVICEPOINT_RETENTION_MONTHS``. This module
keeps that promise. A ticket that is closed, resolved or a duplicate and has not changed for
its period (a month counted as 30 days) is anonymised, never deleted: the helpdesk ticket keeps
its queue, status, priority and dates, its case record keeps type, channel, level and KPI
timestamps (the anonymous statistics); title, description, resolution, the submitter's
address, every follow-up's text, attachments (files included), change history and CCs, the
case record's values and its link to the citizen go. Citizens who are left without any request
are deleted. Other addons erase what they hold about the tickets on the ``tickets_anonymised``
signal (and, per ticket, ``ticket_anonymised``).

A forwarded request has no period of its own: its type's period applies. The period is
promised on the form before anyone knows whether the request will be forwarded, so it cannot
depend on that; a city that keeps forwarded cases longer gives the types that are forwarded
(those handled by a department) the longer period — the demo does: 12 months.

A request of an archive-worthy type (or marked archive-worthy by hand) is first offered to the
city archive (``ulm_servicepoint.archive``); it is anonymised only once the archive took it,
declined it or did not answer within ``ULM_SERVICEPOINT_ARCHIVE_WAIT_DAYS``.

The due rule is one query (the type's period joined in, ``coalesce`` with the default), and the
anonymisation works in batches of ``BATCH`` tickets with a few set-based statements each: a
batch that fails is retried ticket by ticket, so one broken ticket stops nothing else.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import (
    CharField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    Min,
    Q,
    QuerySet,
    UUIDField,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from django.dispatch import Signal
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket, TicketCC, TicketChange

from ulm_servicepoint import archive, conf
from ulm_servicepoint.archive import RELEASED
from ulm_servicepoint.case_index import refresh_cases
from ulm_servicepoint.models import CaseRecord, Citizen, RequestType
from ulm_servicepoint.models.retention import AnonymisedTicket, ArchiveOffer
from ulm_servicepoint.reference import reference_of

logger = logging.getLogger(__name__)

# sent inside the anonymising transaction, with ``ticket_id``: erase what you keep about it
ticket_anonymised = Signal()
# the same for a whole batch, with ``ticket_ids`` (a list): receivers that can erase set-based
tickets_anonymised = Signal()

ENDED = (Ticket.CLOSED_STATUS, Ticket.RESOLVED_STATUS, Ticket.DUPLICATE_STATUS)
MONTH = timedelta(days=30)
BATCH = 1000

# archive-worthy: by the request type, or the case marked by hand
ARCHIVE_WORTHY = Q(case_record__request_type__archive_worthy=True) | Q(
    case_record__archive_worthy=True
)
# its complement, spelled out: ~ARCHIVE_WORTHY would drop untyped cases (NULL is not false)
NOT_ARCHIVE_WORTHY = Q(case_record__isnull=True) | (
    (Q(case_record__request_type__isnull=True) | Q(case_record__request_type__archive_worthy=False))
    & Q(case_record__archive_worthy=False)
)


def retention_months() -> int:
    """The general period in months (untyped requests and types without their own period):
    ``ULM_SERVICEPOINT_RETENTION_MONTHS``; the former name ``ULM_CHANNELS_RETENTION_MONTHS`` is
    still read when only it is set (deprecated, system check W002)."""
    if not hasattr(settings, "ULM_SERVICEPOINT_RETENTION_MONTHS") and hasattr(
        settings, "ULM_CHANNELS_RETENTION_MONTHS"
    ):
        return int(getattr(settings, "ULM_CHANNELS_RETENTION_MONTHS"))  # noqa: B009
    return int(conf.get("ULM_SERVICEPOINT_RETENTION_MONTHS"))


def retention_months_of(request_type: RequestType | None) -> int:
    """The months after closing that the form of ``request_type`` promises (None: untyped)."""
    if request_type is not None and request_type.retention_months:
        return int(request_type.retention_months)
    return retention_months()


def retention_periods() -> list[tuple[str, int]]:
    """The period of every active public request type (name, months), for the privacy notice."""
    default = retention_months()
    return [
        (name, months or default)
        for name, months in RequestType.objects.filter(active=True, public=True)
        .order_by("name")
        .values_list("name", "retention_months")
    ]


def shortest_period_months() -> int:
    shortest = RequestType.objects.aggregate(m=Min("retention_months"))["m"]
    return min(retention_months(), shortest or retention_months())


def cutoff(now: datetime | None = None) -> datetime:
    """Tickets with the general period unchanged since before this moment are due."""
    return (now or timezone.now()) - MONTH * retention_months()


def due_tickets(now: datetime | None = None) -> QuerySet[Ticket]:
    """Ended tickets whose type's period (or the general one) has run since they last changed
    and that are not anonymised yet: one query, whatever the number of types."""
    now = now or timezone.now()
    # an alias, not a filter on the joined column: it keeps the joins LEFT OUTER, so untyped
    # tickets take part with the general period
    months = Coalesce(F("case_record__request_type__retention_months"), Value(retention_months()))
    period = ExpressionWrapper(
        F("months") * Value(MONTH, output_field=DurationField()), output_field=DurationField()
    )
    threshold = ExpressionWrapper(
        Value(now, output_field=DateTimeField()) - period, output_field=DateTimeField()
    )
    return (
        Ticket.objects.filter(status__in=ENDED, anonymised__isnull=True)
        .alias(months=months)
        .filter(modified__lt=threshold)
        .order_by("pk")
    )


def erasable_tickets(now: datetime | None = None) -> QuerySet[Ticket]:
    """Due tickets that need no archive hand-over, or whose offer was answered or expired."""
    return due_tickets(now).filter(NOT_ARCHIVE_WORTHY | Q(archive_offer__state__in=RELEASED))


def to_offer(now: datetime | None = None) -> QuerySet[Ticket]:
    """Due archive-worthy tickets not offered yet (or whose export failed: tried again)."""
    return (
        due_tickets(now)
        .filter(ARCHIVE_WORTHY)
        .filter(Q(archive_offer__isnull=True) | Q(archive_offer__state=ArchiveOffer.State.FAILED))
    )


def kept_until(ticket: Ticket, case: CaseRecord | None = None) -> datetime | None:
    """When the period of an ended ticket runs out (None while it is open)."""
    if ticket.status not in ENDED:
        return None
    if case is None:
        case = CaseRecord.objects.filter(ticket=ticket).select_related("request_type").first()
    months = retention_months_of(case.request_type if case else None)
    return ticket.modified + MONTH * months


def erasure_obstacles(ticket: Ticket) -> list[str]:
    """Why the personal data of ``ticket`` may not be erased on the citizen's request now
    (DSGVO Art. 17 (3)), in German sentences; empty when nothing stands in the way: the case
    is open; its type has a retention obligation whose period has not run; it is
    archive-worthy and the city archive has not yet answered the offer (or it was not yet
    offered, or the export failed)."""
    reasons = []
    case = CaseRecord.objects.filter(ticket=ticket).select_related("request_type").first()
    request_type = case.request_type if case else None
    offer = ArchiveOffer.objects.filter(ticket=ticket).first()
    reference = reference_of(ticket)
    with translation.override(settings.LANGUAGE_CODE):
        if ticket.status not in ENDED:
            reasons.append(_("Request %(reference)s is still open.") % {"reference": reference})
        if request_type is not None and request_type.retention_obligation:
            until = kept_until(ticket, case)
            months = retention_months_of(request_type)
            if until is None:
                reasons.append(
                    _(
                        "Request %(reference)s must be kept for %(months)s months after it is "
                        "closed (retention obligation of the request type “%(type)s”)."
                    )
                    % {"reference": reference, "months": months, "type": request_type.name}
                )
            elif until > timezone.now():
                reasons.append(
                    _(
                        "Request %(reference)s must be kept until %(date)s (retention "
                        "obligation of the request type “%(type)s”: %(months)s months)."
                    )
                    % {
                        "reference": reference,
                        "date": formats.date_format(timezone.localtime(until), "SHORT_DATE_FORMAT"),
                        "type": request_type.name,
                        "months": months,
                    }
                )
        worthy = bool(
            case and (case.archive_worthy or (request_type and request_type.archive_worthy))
        )
        if worthy and (offer is None or offer.state not in RELEASED):
            if offer is not None and offer.state == ArchiveOffer.State.OFFERED:
                reasons.append(
                    _(
                        "Request %(reference)s was offered to the city archive on %(date)s; "
                        "its data are kept until the archive answers."
                    )
                    % {
                        "reference": reference,
                        "date": formats.date_format(
                            timezone.localtime(offer.offered_at or offer.created_at),
                            "SHORT_DATE_FORMAT",
                        ),
                    }
                )
            elif offer is not None and offer.state == ArchiveOffer.State.FAILED:
                reasons.append(
                    _(
                        "Handing request %(reference)s over to the city archive failed; its "
                        "data are kept until the hand-over succeeds."
                    )
                    % {"reference": reference}
                )
            else:
                reasons.append(
                    _(
                        "Request %(reference)s is archive-worthy: it must be offered to the "
                        "city archive before its data are erased (Landesarchivgesetz)."
                    )
                    % {"reference": reference}
                )
    return reasons


@dataclass
class RetentionResult:
    tickets: int = 0
    citizens: int = 0
    offered: int = 0
    failed: int = 0
    waiting: int = 0
    decided: dict[str, int] = field(default_factory=dict)


def _delete_attachments(ticket_ids: list[int]) -> None:
    attachments = FollowUpAttachment.objects.filter(followup__ticket_id__in=ticket_ids)
    for attachment in attachments.exclude(file=""):
        attachment.file.delete(save=False)
    attachments.delete()


def _anonymise(ticket_ids: list[int]) -> None:
    """The set-based erasure of ``ticket_ids`` (one transaction, the caller's)."""
    names = dict(
        CaseRecord.objects.filter(ticket_id__in=ticket_ids).values_list(
            "ticket_id", "request_type__name"
        )
    )
    by_title: dict[str, list[int]] = defaultdict(list)
    with translation.override(settings.LANGUAGE_CODE):
        for pk in ticket_ids:
            title = _("%(title)s (anonymised)") % {"title": names.get(pk) or _("Request")}
            by_title[title].append(pk)
    _delete_attachments(ticket_ids)
    FollowUp.objects.filter(ticket_id__in=ticket_ids).update(
        title="", comment="", email_recipients=None, message_id=None
    )
    TicketChange.objects.filter(followup__ticket_id__in=ticket_ids).delete()
    TicketCC.objects.filter(ticket_id__in=ticket_ids).delete()
    new_key = Cast(Func(function="gen_random_uuid", output_field=UUIDField()), CharField())
    for title, pks in by_title.items():
        Ticket.objects.filter(pk__in=pks).update(
            title=title,
            description="",
            resolution="",
            submitter_email=None,
            secret_key=new_key,  # every link the citizen had stops working
        )
    CaseRecord.objects.filter(ticket_id__in=ticket_ids).update(values={}, citizen=None)
    refresh_cases(ticket_ids)  # the search words must forget the citizen too
    AnonymisedTicket.objects.bulk_create([AnonymisedTicket(ticket_id=pk) for pk in ticket_ids])
    tickets_anonymised.send(sender=AnonymisedTicket, ticket_ids=list(ticket_ids))
    if ticket_anonymised.has_listeners(AnonymisedTicket):
        for pk in ticket_ids:
            ticket_anonymised.send(sender=AnonymisedTicket, ticket_id=pk)


@transaction.atomic
def anonymise_ticket(ticket: Ticket) -> None:
    """Erases the personal data of one ticket (see module docstring); all or nothing. Callers
    (the retention run, an erasure on request) check ``erasure_obstacles`` first."""
    _anonymise([ticket.pk])


def anonymise_tickets(ticket_ids: list[int]) -> int:
    """Anonymises ``ticket_ids`` in batches of ``BATCH`` (one transaction each); a batch that
    fails is done again ticket by ticket, so a failing ticket holds up no other. Returns how
    many were anonymised."""
    done = 0
    for start in range(0, len(ticket_ids), BATCH):
        batch = ticket_ids[start : start + BATCH]
        try:
            with transaction.atomic():
                _anonymise(batch)
            done += len(batch)
            continue
        except Exception:
            logger.warning("a batch of %d tickets failed; anonymising them one by one", len(batch))
        for pk in batch:
            try:
                with transaction.atomic():
                    _anonymise([pk])
            except Exception:
                logger.exception("ticket %s could not be anonymised; tried again next time", pk)
                continue
            done += 1
    return done


def apply_retention(now: datetime | None = None, limit: int | None = None) -> RetentionResult:
    """The nightly run: reads the archive's answers, offers the due archive-worthy cases,
    anonymises every due ticket that may go (see ``anonymise_tickets``), then deletes citizens
    left without any request who are older than the shortest period."""
    now = now or timezone.now()
    result = RetentionResult()
    result.decided = archive.read_archive_receipts()
    result.decided["expired"] = result.decided.get("expired", 0) + archive.expire_offers(now)
    for ticket in to_offer(now)[:limit]:
        offer = archive.offer_to_archive(ticket)
        if offer.state == ArchiveOffer.State.FAILED:
            result.failed += 1
        else:
            result.offered += 1
    result.waiting = (
        due_tickets(now).filter(archive_offer__state=ArchiveOffer.State.OFFERED).count()
    )
    ids = list(erasable_tickets(now).values_list("pk", flat=True)[:limit])
    result.tickets = anonymise_tickets(ids)
    orphans = Citizen.objects.filter(created_at__lt=now - MONTH * shortest_period_months()).filter(
        ~Q(pk__in=CaseRecord.objects.filter(citizen__isnull=False).values("citizen"))
    )
    result.citizens = orphans.delete()[0]
    return result
