"""What the channels keep about one person, for the data-protection officer (DSGVO Art. 15 and
17, ulm_privacy): found by the person's tickets, e-mail addresses and phone numbers (E.164).

``channel_data`` reads it all as plain data (received and sent mails, calls, held and logged
web submissions, satisfaction ratings, bounced addresses); ``erase_person`` erases what is
keyed by the person's address or number only and bound to no ticket (what is bound to a ticket
goes with the ticket's anonymisation, ``retention.erase_ticket_data``)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q

from ulm_channels.models import (
    Call,
    HeldFile,
    HeldSubmission,
    InboundMail,
    OutboundMail,
    SatisfactionRating,
    UndeliverableAddress,
    WebSubmission,
)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _sender(emails: list[str]) -> Q:
    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(sender__iexact=email)
    return condition


def _recipient(emails: list[str]) -> Q:
    condition = Q(pk__in=[])
    for email in emails:
        condition |= (
            Q(recipient__iexact=email)
            | Q(recipient__iendswith=f"<{email}>")
            | Q(recipients__contains=[email])
        )
    return condition


def _email(emails: list[str], field: str = "email") -> Q:
    condition = Q(pk__in=[])
    for email in emails:
        condition |= Q(**{f"{field}__iexact": email})
    return condition


def person_ticket_ids(emails: Iterable[str], phones: Iterable[str]) -> set[int]:
    """Tickets the channels tie to the person: calls from the number, mails and held
    submissions from the address."""
    emails, phones = [e for e in emails if e], [p for p in phones if p]
    ids: set[int] = set()
    if phones:
        ids.update(
            Call.objects.filter(caller_normalised__in=phones, ticket__isnull=False).values_list(
                "ticket_id", flat=True
            )
        )
    if emails:
        ids.update(
            InboundMail.objects.filter(_sender(emails), ticket__isnull=False).values_list(
                "ticket_id", flat=True
            )
        )
        ids.update(
            HeldSubmission.objects.filter(_email(emails), ticket__isnull=False).values_list(
                "ticket_id", flat=True
            )
        )
    return ids


def channel_data(
    ticket_ids: Iterable[int], emails: Iterable[str], phones: Iterable[str]
) -> dict[str, Any]:
    """Everything the channels keep about the person, as plain data. A received mail's
    ``raw`` is the message as bytes and held submissions' files are listed with their storage
    name (``files``): the caller packs both as files."""
    ticket_ids = list(ticket_ids)
    emails, phones = [e for e in emails if e], [p for p in phones if p]
    by_ticket = Q(ticket_id__in=ticket_ids)
    inbound = [
        {
            "ticket_id": mail.ticket_id,
            "received_at": _iso(mail.created_at),
            "sender": mail.sender,
            "subject": mail.subject,
            "outcome": mail.get_outcome_display(),
            "message_id": mail.message_id,
            "raw": bytes(mail.raw),  # the message as received (bytes: the caller stores it)
        }
        for mail in InboundMail.objects.filter(by_ticket | _sender(emails)).order_by("pk")
    ]
    outbound = [
        {
            "ticket_id": mail.ticket_id,
            "recorded_at": _iso(mail.created_at),
            "sent_at": _iso(mail.sent_at),
            "kind": mail.get_kind_display(),
            "recipients": list(mail.recipients) or [mail.recipient],
            "subject": mail.subject,
            "body": mail.body,
            "status": mail.get_status_display(),
        }
        for mail in OutboundMail.objects.filter(by_ticket | _recipient(emails))
        .defer("raw")
        .order_by("pk")
    ]
    calls = [
        {
            "ticket_id": call.ticket_id,
            "direction": call.get_direction_display(),
            "caller": call.caller,
            "called": call.called,
            "started_at": _iso(call.started_at),
            "answered_at": _iso(call.answered_at),
            "ended_at": _iso(call.ended_at),
        }
        for call in Call.objects.filter(by_ticket | Q(caller_normalised__in=phones)).order_by(
            "started_at", "pk"
        )
    ]
    held_rows = HeldSubmission.objects.filter(
        by_ticket | _email(emails) | Q(phone__in=phones)
    ).order_by("pk")
    held_files: dict[int, list[dict[str, str]]] = {}
    for held_file in HeldFile.objects.filter(held__in=held_rows):
        held_files.setdefault(held_file.held_id, []).append(
            {"name": held_file.name, "file": held_file.file.name or ""}
        )
    held = []
    for row in held_rows:
        files = held_files.get(row.pk, [])
        if row.attachment:
            files = [{"name": row.attachment_name, "file": row.attachment.name or ""}, *files]
        held.append(
            {
                "ticket_id": row.ticket_id,
                "received_at": _iso(row.created_at),
                "reason": row.get_reason_display(),
                "state": row.get_state_display(),
                "name": row.name,
                "email": row.email,
                "phone": row.phone,
                "request_type": row.request_type,
                "subject": row.subject,
                "message": row.message,
                "values": row.values,
                "ip_address": row.ip_address,
                "files": files,
            }
        )
    submissions = [
        {"ticket_id": row.ticket_id, "at": _iso(row.created_at), "ip_address": row.ip_address}
        for row in WebSubmission.objects.filter(_email(emails)).order_by("pk")
    ]
    ratings = [
        {
            "ticket_id": rating.ticket_id,
            "rating": rating.get_level_display(),
            "comment": rating.comment,
            "at": _iso(rating.created_at),
        }
        for rating in SatisfactionRating.objects.filter(ticket_id__in=ticket_ids).order_by("pk")
    ]
    undeliverable = [
        {"address": row.address, "reason": row.reason, "at": _iso(row.created_at)}
        for row in UndeliverableAddress.objects.filter(_email(emails, "address"))
    ]
    return {
        "received_mails": inbound,
        "sent_mails": outbound,
        "calls": calls,
        "held_submissions": held,
        "web_submissions": submissions,
        "satisfaction_ratings": ratings,
        "undeliverable_addresses": undeliverable,
    }


def erase_person(emails: Iterable[str], phones: Iterable[str]) -> dict[str, int]:
    """Erases what the channels keep under the person's addresses and numbers that is bound to
    no ticket: held submissions (with their files) and received mails not filed as a ticket are
    deleted; calls keep their times (the reachability figures) but lose the number; logged web
    submissions lose the address (the rate limit counts by IP too); sent mails not bound to a
    ticket lose recipient, subject and text; a bounced address is forgotten. Run it inside the
    caller's transaction. Returns how many rows of each kind were touched."""
    emails, phones = [e for e in emails if e], [p for p in phones if p]
    counts: dict[str, int] = {}
    held = HeldSubmission.objects.filter(ticket__isnull=True).filter(
        _email(emails) | Q(phone__in=phones)
    )
    # the files go only once the erasure is committed (a rollback keeps them with their rows)
    stored = [(f.file.storage, f.file.name or "") for f in HeldFile.objects.filter(held__in=held)]
    stored += [
        (row.attachment.storage, row.attachment.name or "") for row in held if row.attachment
    ]
    for storage, name in stored:
        transaction.on_commit(functools.partial(storage.delete, name))
    counts["held_submissions"] = held.delete()[1].get("ulm_channels.HeldSubmission", 0)
    counts["received_mails"] = (
        InboundMail.objects.filter(_sender(emails), ticket__isnull=True)
        .delete()[1]
        .get("ulm_channels.InboundMail", 0)
    )
    counts["calls"] = Call.objects.filter(caller_normalised__in=phones).update(
        caller="", caller_normalised=""
    )
    counts["web_submissions"] = WebSubmission.objects.filter(_email(emails)).update(email="")
    counts["sent_mails"] = (
        OutboundMail.objects.filter(ticket__isnull=True)
        .filter(_recipient(emails))
        .update(recipient="", recipients=[], subject="", body="", raw=b"")
    )
    counts["undeliverable_addresses"] = (
        UndeliverableAddress.objects.filter(_email(emails, "address"))
        .delete()[1]
        .get("ulm_channels.UndeliverableAddress", 0)
    )
    return counts
