"""Citizens: the same person across channels (found by e-mail or phone, possible duplicates
marked, merged by staff), who may look whom up, and ``CaptureInvalid``, the German refusal of
input that cannot be captured (a citizen's details are the first thing checked)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ulm_servicepoint.access import tickets_visible_to
from ulm_servicepoint.models import CaseRecord, Citizen
from ulm_servicepoint.schema_forms import normalise_phone, validate_email_address


@dataclass
class CitizenData:
    """Contact details as a channel delivers them (all optional: a request may be anonymous)."""

    name: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    house_number: str = ""
    postcode: str = ""
    city: str = ""
    preferred_channel: str = ""
    consent_contact: bool = False
    consent_store_contact: bool = False
    # the id (uuid) of a citizen the agent picked: these details then update that person
    known: str = ""

    def is_empty(self) -> bool:
        return not (self.known or self.name or self.email or self.phone or self.street)

    def details(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "known"}


class CaptureInvalid(Exception):
    """Input that cannot be captured; ``errors`` maps a field name to German messages."""

    def __init__(self, errors: Mapping[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = dict(errors)


def citizens_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Citizen]:
    """The one place that says which citizens a user may look up: those with a request the user
    may see (a department's clerk finds only his department's citizens)."""
    if getattr(user, "is_superuser", False):
        return Citizen.objects.all()
    visible = tickets_visible_to(user).values("pk")
    return Citizen.objects.filter(case_records__ticket__in=visible).distinct()


def search_citizens(user: AbstractBaseUser | AnonymousUser, query: str) -> QuerySet[Citizen]:
    """Look-up by name, e-mail or phone (any notation) among the citizens ``user`` may see."""
    condition = citizen_lookup(query)
    if condition is None:
        return Citizen.objects.none()
    return citizens_visible_to(user).filter(condition)[:20]


def citizen_lookup(query: str) -> Q | None:
    """The condition "name contains ``query``, or e-mail address or phone number (any notation)
    is ``query``"; None for fewer than two characters."""
    query = query.strip()
    if len(query) < 2:
        return None
    condition = Q(name__icontains=query) | Q(email__iexact=query)
    with contextlib.suppress(ValueError):
        condition |= Q(phone=normalise_phone(query))
    return condition


def _clean_citizen_data(data: CitizenData) -> CitizenData:
    errors: dict[str, list[str]] = {}
    email = data.email.strip().lower()
    if email:
        try:
            email = validate_email_address(email, field=_("E-mail address"))
        except DjangoValidationError as invalid:
            errors["citizen_email"] = list(invalid.messages)
    phone = data.phone.strip()
    if phone:
        try:
            phone = normalise_phone(phone)
        except ValueError:
            errors["citizen_phone"] = [
                _("Please enter a valid phone number for “%(field)s”, e.g. 0731 161-0.")
                % {"field": _("Phone number")}
            ]
    postcode = data.postcode.strip()
    if postcode and not (len(postcode) == 5 and postcode.isdigit()):
        errors["citizen_postcode"] = [
            _("The postcode for “%(field)s” has five digits, e.g. 89073.") % {"field": _("Address")}
        ]
    if errors:
        raise CaptureInvalid(errors)
    return CitizenData(**{**data.__dict__, "email": email, "phone": phone, "postcode": postcode})


def find_or_create_citizen(data: CitizenData, user: Any = None) -> Citizen | None:
    """The same person across channels: found by e-mail address, else by normalised phone
    number, but only when the other details given agree (a submission with someone else's
    number and another name is not that person: it becomes a new citizen, marked as a possible
    duplicate for an agent to check). Empty details of a found citizen are filled in, known ones
    never overwritten. A citizen picked by an agent (``data.known``, looked up among those
    ``user`` may see) gets the details the agent typed. None for an anonymous request. Raises
    CaptureInvalid for an invalid e-mail or phone, or a picked citizen that is not there."""
    data = _clean_citizen_data(data)
    if data.is_empty():
        return None
    if data.known:
        people = citizens_visible_to(user) if user is not None else Citizen.objects.all()
        try:
            picked = people.filter(uuid=data.known).first()
        except DjangoValidationError:
            picked = None
        if picked is None:
            raise CaptureInvalid(
                {"citizen": [_("The chosen citizen does not exist (any more); look up again.")]}
            )
        for name, value in data.details().items():
            if value not in ("", None):
                setattr(picked, name, value)
        picked.save()
        return picked
    match = None
    if data.email:
        match = Citizen.objects.filter(email__iexact=data.email).order_by("pk").first()
    if match is None and data.phone:
        match = Citizen.objects.filter(phone=data.phone).order_by("pk").first()
    if match is None:
        return Citizen.objects.create(**data.details())
    if _details_differ(match, data):
        return Citizen.objects.create(**data.details(), possible_duplicate_of=match)
    changed = False
    for name, value in data.details().items():
        if value and not getattr(match, name):
            setattr(match, name, value)
            changed = True
    if changed:
        match.save()
    return match


def _details_differ(citizen: Citizen, data: CitizenData) -> bool:
    """Whether a detail given differs from the one known (empty on either side never does)."""

    def same(a: str, b: str) -> bool:
        return " ".join(a.casefold().split()) == " ".join(b.casefold().split())

    return any(
        getattr(data, name)
        and getattr(citizen, name)
        and not same(getattr(data, name), getattr(citizen, name))
        for name in ("name", "email", "phone")
    )


@transaction.atomic
def merge_citizens(keep: Citizen, duplicates: list[Citizen]) -> Citizen:
    """One person recorded twice: their requests move to ``keep``, empty details of ``keep`` are
    filled from the duplicates, and the duplicates are deleted."""
    for duplicate in duplicates:
        if duplicate.pk == keep.pk:
            continue
        CaseRecord.objects.filter(citizen=duplicate).update(citizen=keep)
        for name in CitizenData().details():
            if not getattr(keep, name) and getattr(duplicate, name):
                setattr(keep, name, getattr(duplicate, name))
        duplicate.delete()
    keep.save()
    return keep
