"""Whom a data-protection request is about: a citizen record, or an e-mail address or phone
number that matched none, and the tickets that belong to that person."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ulm_channels import services as channels
from ulm_servicepoint import services as platform


@dataclass
class Person:
    """The data subject: citizen records, e-mail addresses, phone numbers (E.164), tickets."""

    citizen_ids: list[int] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    ticket_ids: list[int] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.citizen_ids or self.emails or self.phones or self.ticket_ids)


def identifiers_in(query: str) -> tuple[list[str], list[str]]:
    """The e-mail address or phone number ``query`` is, if any (a name is neither)."""
    query = (query or "").strip()
    emails: list[str] = []
    phones: list[str] = []
    if "@" in query:
        with contextlib.suppress(ValidationError):
            validate_email(query)
            emails.append(query.lower())
    elif query:
        with contextlib.suppress(ValueError):
            phones.append(platform.normalise_phone(query))
    return emails, phones


def identify(citizen: Any = None, query: str = "") -> Person:
    """The person a request is about: the citizen's record with its address and number, or the
    address or number searched for; and every ticket of theirs (by the citizen's cases, the
    submitter's address, calls from the number, mails from the address). A name that matched no
    citizen identifies nobody: an empty Person."""
    emails, phones = identifiers_in(query) if citizen is None else ([], [])
    citizen_ids = []
    if citizen is not None:
        citizen_ids.append(citizen.pk)
        if citizen.email:
            emails.append(citizen.email.lower())
        if citizen.phone:
            phones.append(citizen.phone)
    tickets = platform.person_ticket_ids(citizen_ids, emails)
    tickets |= channels.channel_ticket_ids(emails, phones)
    return Person(citizen_ids, sorted(set(emails)), sorted(set(phones)), sorted(tickets))
