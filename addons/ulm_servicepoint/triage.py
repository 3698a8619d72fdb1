"""The triage (Sichtung): every ticket the platform did not capture itself — from the mail
gateway, the host's "Neues Ticket" and API — waits here with an untyped case record until an
agent gives it a request type, links or creates its citizen and, if known already, fills in
the type's fields (none is required here: the clerk completes them later in the case-values
editor). The list, its suggestions, and typing one case or many at once (the work list's bulk
action) live here; every step is limited to the tickets the user may see."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from helpdesk.models import FollowUp, Ticket

from ulm_servicepoint.access import tickets_visible_to
from ulm_servicepoint.citizens import CaptureInvalid, CitizenData, find_or_create_citizen
from ulm_servicepoint.hooks import REQUEST_TYPE_SUGGESTERS, TICKET_SENDERS, case_typed
from ulm_servicepoint.models import CaptureSchema, CaseRecord, Citizen, RequestType
from ulm_servicepoint.models.request_type import RequiredLevel
from ulm_servicepoint.request_types import (
    current_schema,
    match_request_type,
    request_types_for_agents,
)
from ulm_servicepoint.schema_forms import (
    CaptureValuesForm,
    capture_form_class,
    display_value,
    values_to_data,
)
from ulm_servicepoint.worklist import COUNT_CAP, cases_visible_to, count_up_to

logger = logging.getLogger(__name__)

TRIAGE_PAGE_SIZE = 25  # untyped cases per page of the triage list
SUGGESTED_TYPES = 5  # request types proposed for one ticket
SUGGESTION_TEXT = 2000  # characters of a ticket's title and text the suggestions look at


def untyped_cases(user: Any) -> QuerySet[CaseRecord]:
    """The untyped case records of the tickets ``user`` may see, newest first (the partial
    index ``case_untyped`` serves filter and order), with what a row of the list shows.
    Visibility is read off the case's own department and owner (``cases_visible_to``): no
    join of a million tickets; opening and typing a case checks ``tickets_visible_to``."""
    return (
        cases_visible_to(user)
        .filter(request_type__isnull=True)
        .select_related("ticket__queue", "ticket__stable_reference", "citizen")
        .order_by("-received_at", "-id")
    )


class CappedPaginator(Paginator):
    """Counts no further than ``COUNT_CAP`` (+1, ``count_up_to``, as the work list does). Past
    the cap the list says "more than 1,000" and pages as far as the count went."""

    cap = COUNT_CAP

    def __init__(self, cases: QuerySet[CaseRecord], per_page: int) -> None:
        super().__init__(cases, per_page)
        self.cases = cases

    @cached_property
    def count(self) -> int:
        return count_up_to(self.cases, self.cap)

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def triage_page(user: Any, number: Any = 1) -> Page:
    """One page of the triage list (a page number out of range gives the last page): two
    queries, the (capped) count and the rows, however many tickets wait."""
    return CappedPaginator(untyped_cases(user), TRIAGE_PAGE_SIZE).get_page(number)


def triage_case(user: Any, ticket_id: int) -> CaseRecord | None:
    """The case record of a ticket ``user`` may see (typed or not), else None."""
    return (
        CaseRecord.objects.select_related(
            "ticket__queue", "ticket__stable_reference", "request_type", "citizen"
        )
        .filter(ticket_id=ticket_id, ticket__in=tickets_visible_to(user).values("pk"))
        .first()
    )


@dataclass
class SuggestedType:
    """A request type proposed for a ticket, with why (German, may be empty)."""

    request_type: RequestType
    reason: str = ""


def suggested_request_types(ticket: Ticket, limit: int = SUGGESTED_TYPES) -> list[SuggestedType]:
    """The request types an agent most likely means for ``ticket``, best first: from the
    registered suggesters (ulm_knowledge: its search over the ticket's text and the services
    linked to request types); without one, or when none finds anything, the type the title
    names and the plain request-type search over the title. Only active types."""
    found: list[SuggestedType] = []
    seen: set[int] = set()

    def add(request_type: RequestType | None, reason: str = "") -> None:
        if request_type is not None and request_type.active and request_type.pk not in seen:
            seen.add(request_type.pk)
            found.append(SuggestedType(request_type, reason))

    for suggester in REQUEST_TYPE_SUGGESTERS:
        try:
            for request_type, reason in suggester(ticket, limit):
                add(request_type, reason)
        except Exception:  # a failing suggester costs the suggestions, never the page
            logger.exception("request type suggester %r failed for ticket %s", suggester, ticket.pk)
    if not found:
        title = (ticket.title or "")[:SUGGESTION_TEXT]
        add(match_request_type(title), _("named in the subject"))
        for request_type in request_types_for_agents(title)[:limit]:
            add(request_type, _("words of the subject"))
    return found[:limit]


def ticket_sender(ticket: Ticket) -> CitizenData:
    """The citizen as the ticket shows them: its submitter's address and, where a channel
    knows it (ulm_channels: the name in the mail's "From"), the name."""
    name, address = "", (ticket.submitter_email or "").strip().lower()
    for provider in TICKET_SENDERS:
        try:
            given = provider(ticket)
        except Exception:
            logger.exception("ticket sender provider %r failed for ticket %s", provider, ticket.pk)
            continue
        if given:
            name = name or (given[0] or "").strip()[:200]
            address = address or (given[1] or "").strip().lower()[:254]
    return CitizenData(name=name, email=address)


def triage_form_class(schema: CaptureSchema) -> type[CaptureValuesForm]:
    """The type's fields as the triage offers them: none required (the clerk completes them in
    the case-values editor), files left out (they come with the ticket's own attachments)."""
    return capture_form_class(
        [
            {**spec, "required": False, "required_level": RequiredLevel.NO}
            for spec in schema.fields
            if spec["type"] != "file"
        ]
    )


def _visible_cases(user: Any, ticket_ids: Iterable[int]) -> list[CaseRecord]:
    """The case records of these tickets, locked, if ``user`` may see every one of them;
    CaptureInvalid (nothing changes) if not."""
    ids = sorted({int(pk) for pk in ticket_ids})
    cases = list(
        CaseRecord.objects.select_for_update()
        .filter(ticket_id__in=ids, ticket__in=tickets_visible_to(user).values("pk"))
        .order_by("ticket_id")
    )
    if not ids or len(cases) != len(ids):
        raise CaptureInvalid(
            {"tickets": [_("At least one of the tickets chosen does not exist or is not yours.")]}
        )
    return cases


def _check_type(request_type: RequestType | None) -> RequestType:
    if request_type is None or not request_type.active:
        raise CaptureInvalid({"request_type": [_("Please choose an active request type.")]})
    return request_type


def _apply_type(
    case: CaseRecord,
    request_type: RequestType,
    schema: CaptureSchema,
    values: Mapping[str, Any],
    user: Any,
    citizen: Citizen | None = None,
) -> CaseRecord:
    """Gives the case its type, schema version and values (a citizen if given) and notes it in
    the ticket's history (internal). Values of a former type are written into the note."""
    lines = []
    if case.request_type_id and case.request_type_id != request_type.pk:
        lines.append(_("Previous request type: %(type)s") % {"type": case.request_type})
        specs = case.schema.fields if case.schema else []
        lines += [
            f"{s['label']}: {display_value(s, case.values.get(s['key']))}"
            for s in specs
            if case.values.get(s["key"]) not in (None, "", [])
        ]
    case.request_type, case.schema, case.values = request_type, schema, dict(values)
    if citizen is not None:
        case.citizen = citizen
        lines.append(_("Citizen: %(citizen)s") % {"citizen": citizen})
    case.save()
    title = _("Request type set: %(type)s") % {"type": request_type.name}
    FollowUp.objects.create(
        ticket=case.ticket,
        title=title[:200],
        comment="\n".join([title, *lines]),
        public=False,
        user=user if getattr(user, "is_authenticated", False) else None,
    )
    case_typed.send(sender="ulm_servicepoint", case=case, user=user)
    return case


@transaction.atomic
def type_case(
    ticket_id: int,
    request_type: RequestType | None,
    user: Any,
    *,
    citizen: Citizen | CitizenData | None = None,
    values: Mapping[str, Any] | None = None,
) -> CaseRecord:
    """The triage of one ticket ``user`` may see: the case gets ``request_type`` with its
    current schema version, ``values`` (JSON shape, none required) and the citizen (details
    given are matched as on capture: same e-mail or phone, same person), and the ticket's
    history an internal note. Raises CaptureInvalid with German messages per field; then
    nothing is written."""
    case = _visible_cases(user, [ticket_id])[0]
    request_type = _check_type(request_type)
    errors: dict[str, list[str]] = {}
    schema = current_schema(request_type)
    form = triage_form_class(schema)(
        data=values_to_data(schema.fields, values or {}), audience="agent"
    )
    if not form.is_valid():
        errors.update({k: [str(m) for m in v] for k, v in form.errors.items()})
    person = None
    try:
        person = (
            find_or_create_citizen(citizen, user) if isinstance(citizen, CitizenData) else citizen
        )
    except CaptureInvalid as invalid:
        errors.update(invalid.errors)
    if errors:
        raise CaptureInvalid(errors)
    return _apply_type(case, request_type, schema, form.typed_values(), user, person)


@transaction.atomic
def set_request_type(
    cases_or_ticket_ids: Iterable[CaseRecord | int], request_type: RequestType | None, user: Any
) -> list[CaseRecord]:
    """The work list's bulk action "set request type": every case given (case records or
    ticket ids) gets ``request_type``, in one transaction, each with its note in the history.
    A case that already has this type stays as it is; one of another type loses its values
    into the note. If ``user`` may not see one of the tickets, nothing changes
    (CaptureInvalid)."""
    request_type = _check_type(request_type)
    ids = [c.ticket_id if isinstance(c, CaseRecord) else int(c) for c in cases_or_ticket_ids]
    cases = _visible_cases(user, ids)
    schema = current_schema(request_type)
    return [
        case
        if case.request_type_id == request_type.pk
        else _apply_type(case, request_type, schema, {}, user)
        for case in cases
    ]
