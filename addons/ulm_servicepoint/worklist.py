"""The work list (Arbeitsliste): every request a user may see, newest first, with its
reference, channel, request type, department, level, citizen, owner, state and age (other
addons add columns such as the due time), filters, a search and saved views; bulk actions for
what a service center does in bulk (assign, close as duplicate; setting the type is triage's).

It reads the case records' own columns and indexes (case_index keeps them in step with the
tickets), so a page costs the same few queries at a million tickets: the count (only up to 1,000),
the page's ids, the page's rows with their joins, one per added column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from helpdesk.models import FollowUp, Queue, Ticket

from ulm_servicepoint.access import (
    queues_visible_to,
    tickets_visible_to,
    users_with_access,
    users_with_access_to,
)
from ulm_servicepoint.hooks import WORKLIST_COLUMNS, WORKLIST_FILTERS
from ulm_servicepoint.models import CaseRecord, Citizen, RequestType, SavedView, TicketReference
from ulm_servicepoint.models.case import Channel, Level
from ulm_servicepoint.reference import normalise, reference_of, ticket_for_reference
from ulm_servicepoint.schema_forms import normalise_phone, normalise_vehicle_registration

PAGE_SIZE = 25
COUNT_CAP = 1_000  # counted exactly up to here, then "more than 1,000"
MAX_PAGE = 4_000  # 100,000 requests deep; beyond, a filter or the search helps more
MAX_QUERY = 100
MAX_BULK = 100

STATES = {
    "offen": Q(is_open=True),
    "erledigt": Q(is_open=False),
    "alle": Q(),
}
PHONE = re.compile(r"^\+?[\d\s/()-]{6,20}$")
PLATE = re.compile(r"^[A-ZÄÖÜ]{1,3}[- ]?[A-Z]{1,2}[- ]?\d{1,4}[EH]?$", re.IGNORECASE)


def cases_visible_to(user: Any, queues: list[Queue] | None = None) -> QuerySet[CaseRecord]:
    """The case records of ``tickets_visible_to(user)``, on the cases' own columns: a ticket
    of a granted queue (department) or assigned to the user; superusers see all (the test
    ``test_worklist_sees_what_tickets_visible_to_sees`` holds the two rules together).
    ``queues``: the user's ``queues_visible_to``, when the caller has them already."""
    if getattr(user, "is_superuser", False):
        return CaseRecord.objects.all()
    if not getattr(user, "is_authenticated", False):
        return CaseRecord.objects.none()
    queues = queues_visible_to(user) if queues is None else queues
    seen = {q.pk for q in queues}
    if seen and seen == set(Queue.objects.values_list("pk", flat=True)):
        return CaseRecord.objects.all()  # every department (the service center)
    return CaseRecord.objects.filter(Q(department__in=seen) | Q(owner=user))


class WorklistForm(forms.Form):
    """The list's filters, from the query string (every value bounded and checked)."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=MAX_QUERY)
    zustand = forms.ChoiceField(
        label=gettext_lazy("State"),
        required=False,
        choices=[
            ("offen", gettext_lazy("open")),
            ("erledigt", gettext_lazy("closed")),
            ("alle", gettext_lazy("all")),
        ],
    )
    bearbeitung = forms.ChoiceField(
        label=gettext_lazy("Owner"),
        required=False,
        choices=[
            ("", gettext_lazy("anyone")),
            ("ich", gettext_lazy("mine")),
            ("niemand", gettext_lazy("unassigned")),
        ],
    )
    bereich = forms.ChoiceField(label=gettext_lazy("Department"), required=False)
    ebene = forms.TypedChoiceField(
        label=gettext_lazy("Level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", gettext_lazy("all")), *Level.choices],
    )
    kanal = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        required=False,
        choices=[("", gettext_lazy("all")), *Channel.choices],
    )
    art = forms.ChoiceField(label=gettext_lazy("Request type"), required=False)
    seite = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)

    def __init__(self, data: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.user = user
        self.departments = sorted(queues_visible_to(user), key=lambda q: q.title)
        self.fields["bereich"].choices = [  # type: ignore[attr-defined]
            ("", _("all I may see")),
            ("meine", _("my departments")),
            *[(str(q.pk), q.title) for q in self.departments],
        ]
        types = RequestType.objects.order_by("name").values_list("pk", "name")
        self.fields["art"].choices = [  # type: ignore[attr-defined]
            ("", _("all")),
            ("ohne", _("not yet typed")),
            *[(str(pk), name) for pk, name in types],
        ]
        for key, label, _apply in WORKLIST_FILTERS:
            self.fields[key] = forms.BooleanField(label=label, required=False)

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())


@dataclass
class Row:
    case: CaseRecord
    ticket: Ticket
    reference: str
    age_days: int
    cells: list[str] = field(default_factory=list)


@dataclass
class WorklistPage:
    rows: list[Row]
    number: int
    count: int  # exact when not ``capped``; else "more than COUNT_CAP"
    capped: bool
    has_next: bool
    columns: list[tuple[str, Any]]

    @property
    def num_pages(self) -> int | None:
        return None if self.capped else max(1, -(-self.count // PAGE_SIZE))

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def search(cases: QuerySet[CaseRecord], query: str) -> QuerySet[CaseRecord]:
    """By reference (its own index), phone number (the citizens' index), otherwise the search
    words: name, e-mail, typed values (a plate as the register writes it) and the German text
    of title and description."""
    query = " ".join((query or "").split())[:MAX_QUERY]
    if not query:
        return cases
    reference = normalise(query)
    if reference:
        return cases.filter(
            ticket_id__in=TicketReference.objects.filter(reference=reference).values("ticket_id")
        )
    if PHONE.match(query) and sum(c.isdigit() for c in query) >= 6:
        phone = normalise_phone(query)
        if phone:
            return cases.filter(citizen_id__in=Citizen.objects.filter(phone=phone).values("pk"))
    if PLATE.match(query):
        plate = normalise_vehicle_registration(query)
        if plate:
            query = plate
    words = SearchQuery(query, config="simple", search_type="plain") | SearchQuery(
        query, config="german", search_type="plain"
    )
    return cases.filter(search=words)


def filtered(form: WorklistForm) -> QuerySet[CaseRecord]:
    """The cases the form's filters select, of those the user may see, newest first."""
    data = form.cleaned_data if form.is_valid() else {}
    user = form.user
    cases = cases_visible_to(user, form.departments)
    cases = cases.filter(STATES.get(data.get("zustand") or "offen", Q()))
    owner = data.get("bearbeitung")
    if owner == "ich":
        cases = cases.filter(owner=user)
    elif owner == "niemand":
        cases = cases.filter(owner__isnull=True)
    department = data.get("bereich")
    if department == "meine":
        from ulm_servicepoint.departments import member_departments

        cases = cases.filter(department__in=member_departments(user))
    elif department:
        cases = cases.filter(department_id=int(department))
    if data.get("ebene"):
        cases = cases.filter(level=data["ebene"])
    if data.get("kanal"):
        cases = cases.filter(channel=data["kanal"])
    kind = data.get("art")
    if kind == "ohne":
        cases = cases.filter(request_type__isnull=True)
    elif kind:
        cases = cases.filter(request_type_id=int(kind))
    for key, _label, apply in WORKLIST_FILTERS:
        if data.get(key):
            cases = apply(cases)
    return search(cases, data.get("q", "")).order_by("-received_at", "-id")


def count_up_to(cases: QuerySet, cap: int) -> int:
    """How many rows ``cases`` has, counted no further than ``cap`` + 1 (and in no particular
    order): counting 20,000 of a million reads every one of them, the first 1,001 a few
    milliseconds."""
    return cases.order_by().values("pk")[: cap + 1].count()


def page_of(form: WorklistForm, now: datetime | None = None) -> WorklistPage:
    """One page of the list (see the module docstring for its queries)."""
    cases = filtered(form)
    data = form.cleaned_data if form.is_valid() else {}
    # counted only as far as a person reads a number; a page asks for one row more than it
    # shows to know whether there is a next one
    count = count_up_to(cases, COUNT_CAP)
    capped = count > COUNT_CAP
    count = min(count, COUNT_CAP)
    number = max(1, data.get("seite") or 1)
    if not capped:
        number = min(number, max(1, -(-count // PAGE_SIZE)))
    start = (number - 1) * PAGE_SIZE
    ids = list(cases.values_list("pk", flat=True)[start : start + PAGE_SIZE + 1])
    has_next = len(ids) > PAGE_SIZE
    ids = ids[:PAGE_SIZE]
    found = {
        case.pk: case
        for case in CaseRecord.objects.filter(pk__in=ids).select_related(
            "ticket__stable_reference",
            "ticket__queue",
            "ticket__assigned_to",
            "request_type",
            "citizen",
        )
    }
    now = now or timezone.now()
    rows = []
    for pk in ids:
        case = found.get(pk)
        if case is None:
            continue
        ticket = case.ticket
        rows.append(Row(case, ticket, reference_of(ticket), (now - case.received_at).days))
    ticket_ids = [row.ticket.pk for row in rows]
    for _key, _label, cells in WORKLIST_COLUMNS:
        values = cells(ticket_ids) if ticket_ids else {}
        for row in rows:
            row.cells.append(values.get(row.ticket.pk, "—"))
    columns = [(key, label) for key, label, _cells in WORKLIST_COLUMNS]
    return WorklistPage(rows, number, count, capped, has_next, columns)


# --- saved views --------------------------------------------------------------------------------
SELECTS = ("zustand", "bearbeitung", "bereich", "ebene", "kanal", "art")
SAVED_KEYS = ("q", *SELECTS)


def save_view(user: Any, name: str, params: Any) -> SavedView:
    """Saves the list's current filters under ``name`` for ``user`` (the same name again
    replaces them). Raises ValidationError with a German message."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Please give the view a name."))
    if len(name) > 80:
        raise ValidationError(_("The name may have at most 80 characters."))
    form = WorklistForm(params, user)
    if not form.is_valid():
        raise ValidationError(_("The filters are not valid."))
    keys = [*SAVED_KEYS, *(key for key, _label, _apply in WORKLIST_FILTERS)]
    query = {k: str(form.cleaned_data[k]) for k in keys if form.cleaned_data.get(k)}
    from urllib.parse import urlencode

    view, _created = SavedView.objects.update_or_create(
        user=user, name=name, defaults={"query": urlencode(query)[:1000]}
    )
    return view


def saved_views(user: Any) -> list[SavedView]:
    return list(SavedView.objects.filter(user=user).order_by("name")[:50])


def delete_view(user: Any, view_id: int) -> int:
    return SavedView.objects.filter(user=user, pk=view_id).delete()[0]


# --- bulk actions ------------------------------------------------------------------------------
class BulkError(Exception):
    """A bulk action that cannot be done, with a German message; nothing was changed."""


def _bulk_tickets(user: Any, ticket_ids: list[int]) -> list[Ticket]:
    ids = sorted({int(pk) for pk in ticket_ids})
    if not ids:
        raise BulkError(_("Please select at least one request."))
    if len(ids) > MAX_BULK:
        raise BulkError(_("Select at most %(n)d requests at once.") % {"n": MAX_BULK})
    tickets = list(
        tickets_visible_to(user).filter(pk__in=ids).select_related("queue").select_for_update()
    )
    if len(tickets) != len(ids):
        raise BulkError(_("Some of the selected requests are not visible to you."))
    return tickets


def _person(user: Any) -> str:
    return user.get_full_name() or user.get_username()


@transaction.atomic
def bulk_assign(user: Any, ticket_ids: list[int], owner_id: int | None) -> int:
    """Assigns the tickets to ``owner_id`` (None: nobody); the owner must have access to every
    ticket's department. All or nothing."""
    tickets = _bulk_tickets(user, ticket_ids)
    owner = None
    if owner_id:
        owner = get_user_model().objects.filter(pk=owner_id, is_active=True).first()
        if owner is None:
            raise BulkError(_("This person does not exist."))
        for queue in {ticket.queue for ticket in tickets}:
            if not users_with_access(queue).filter(pk=owner.pk).exists():
                raise BulkError(
                    _("%(person)s has no access to %(department)s.")
                    % {
                        "person": owner.get_full_name() or owner.get_username(),
                        "department": queue.title,
                    }
                )
    for ticket in tickets:
        if ticket.assigned_to_id == (owner.pk if owner else None):
            continue
        ticket.assigned_to = owner
        ticket.save(update_fields=["assigned_to", "modified"])
        FollowUp.objects.create(
            ticket=ticket,
            title=_("Assigned to %(person)s")
            % {"person": owner.get_full_name() or owner.get_username()}
            if owner
            else _("Assignment removed"),
            public=False,
            user=user,
        )
    return len(tickets)


@transaction.atomic
def bulk_close_duplicates(user: Any, ticket_ids: list[int], original: str) -> int:
    """Closes the tickets as duplicates of the ticket with the reference ``original`` (which
    the user must see and which is not among them), with a note in each history."""
    keep = ticket_for_reference(original) if original else None
    if keep is None or not tickets_visible_to(user).filter(pk=keep.pk).exists():
        raise BulkError(_("Please give the reference of the original request."))
    tickets = _bulk_tickets(user, ticket_ids)
    if any(ticket.pk == keep.pk for ticket in tickets):
        raise BulkError(_("The original request cannot be its own duplicate."))
    note = _("Closed as a duplicate of %(reference)s.") % {"reference": reference_of(keep)}
    for ticket in tickets:
        ticket.status = Ticket.DUPLICATE_STATUS
        ticket.save(update_fields=["status", "modified"])
        FollowUp.objects.create(
            ticket=ticket,
            title=_("Closed as duplicate"),
            comment=note,
            public=False,
            user=user,
            new_status=Ticket.DUPLICATE_STATUS,
        )
    return len(tickets)


def assignable_people(user: Any, queues: list[Queue] | None = None) -> QuerySet[Any]:
    """Who can be picked as owner in the bulk form: staff with access to a department the
    user sees (checked per ticket again when assigning)."""
    queues = queues_visible_to(user) if queues is None else queues
    return users_with_access_to(queues).order_by("first_name", "last_name", "username")
