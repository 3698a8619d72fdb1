"""Our views in place of a few of the host's, where a guard alone cannot make them safe: their
pickers would offer tickets or users of other departments. Same URLs, names and templates as the
host's; registered with ``host_guard.register_host_view`` in ``apps.py``.

- "depends on" / "resolves": only tickets the user may see are offered and accepted;
- copies (CC) to a user: only users who may see the ticket (a CC receives its mails), and an
  address without markup;
- "my tickets" (the host's API behind it): only tickets the user may see;
- the ticket list: a search for a stable reference opens that ticket.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from helpdesk.decorators import helpdesk_staff_member_required
from helpdesk.forms import (
    TicketCCEmailForm,
    TicketCCForm,
    TicketCCUserForm,
    TicketDependencyForm,
    TicketResolvesForm,
)
from helpdesk.models import Ticket
from helpdesk.views.api import TicketViewSet, UserTicketViewSet

from ulm_servicepoint.schema_forms import EmailAddressField
from ulm_servicepoint.services import tickets_visible_to, users_with_access


class VisibleDependencyForm(TicketDependencyForm):
    def __init__(self, ticket, user, *args, **kwargs):
        super().__init__(ticket, *args, **kwargs)
        field = self.fields["depends_on"]
        field.queryset = field.queryset.filter(pk__in=tickets_visible_to(user).values("pk"))


class VisibleResolvesForm(TicketResolvesForm):
    def __init__(self, ticket, user, *args, **kwargs):
        super().__init__(ticket, *args, **kwargs)
        field = self.fields["ticket"]
        field.queryset = field.queryset.filter(pk__in=tickets_visible_to(user).values("pk"))


def _add_dependency(request, ticket_id, form_class, side: str, template: str) -> HttpResponse:
    """The host's two pickers of ticket dependencies ("depends on" / "resolves"), offering and
    accepting only tickets the user may see; ``side`` is the field the ticket of the URL fills."""
    ticket = get_object_or_404(tickets_visible_to(request.user), pk=ticket_id)
    form = form_class(ticket, request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        dependency = form.save(commit=False)
        setattr(dependency, side, ticket)
        dependency.save()
        return redirect(ticket.get_absolute_url())
    return render(
        request, template, {side: ticket, "form": form}, status=400 if form.errors else 200
    )


@helpdesk_staff_member_required
def ticket_dependency_add(request: HttpRequest, ticket_id: int) -> HttpResponse:
    return _add_dependency(
        request, ticket_id, VisibleDependencyForm, "ticket", "helpdesk/ticket_dependency_add.html"
    )


@helpdesk_staff_member_required
def ticket_resolves_add(request: HttpRequest, ticket_id: int) -> HttpResponse:
    return _add_dependency(
        request, ticket_id, VisibleResolvesForm, "depends_on", "helpdesk/ticket_resolves_add.html"
    )


def _cc_forms(ticket, data=None):
    """The host's CC forms with users limited to those who may see the ticket, and addresses
    checked like every citizen's."""
    users = users_with_access(ticket.queue)
    forms = (TicketCCForm(data), TicketCCEmailForm(), TicketCCUserForm())
    for form in forms:
        if "user" in form.fields:
            form.fields["user"].queryset = users
        if "email" in form.fields:
            form.fields["email"] = EmailAddressField(
                label=form.fields["email"].label, required=False
            )
    return forms


@helpdesk_staff_member_required
def ticket_cc_add(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = get_object_or_404(tickets_visible_to(request.user), pk=ticket_id)
    form, form_email, form_user = _cc_forms(
        ticket, request.POST if request.method == "POST" else None
    )
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data.get("user")
        email = form.cleaned_data.get("email")
        if not user and not email:
            form.add_error("email", _("Please choose a user or enter an e-mail address."))
        elif user and ticket.ticketcc_set.filter(user=user).exists():
            form.add_error("user", _("This user already receives copies."))
        elif email and ticket.ticketcc_set.filter(email__iexact=email).exists():
            form.add_error("email", _("This address already receives copies."))
        else:
            copy = form.save(commit=False)
            copy.ticket = ticket
            copy.save()
            return redirect(reverse("helpdesk:ticket_cc", kwargs={"ticket_id": ticket.id}))
    return render(
        request,
        "helpdesk/ticket_cc_add.html",
        {
            "ticket": ticket,
            "form": form if request.method == "POST" else None,
            "form_email": form_email,
            "form_user": form_user,
        },
        status=400 if request.method == "POST" else 200,
    )


class CustomFieldsOfThePage:
    """The host's ticket APIs load every ticket to set its custom fields before paginating
    (``/helpdesk/api/tickets/?page=1`` took 28 s at 20,000 tickets and would exhaust the
    server's memory at a million): the fields are set for the page's tickets only."""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)  # type: ignore[misc]
        for ticket in page if page is not None else []:
            ticket.set_custom_field_values()
        return page


class VisibleUserTicketViewSet(CustomFieldsOfThePage, UserTicketViewSet):
    """The host's "my tickets": tickets submitted with the user's address that the user may see
    (a citizen could give a clerk's address and so reach another department's clerk)."""

    def get_queryset(self):
        email = self.request.user.email
        if not email:
            return Ticket.objects.none()
        return (
            tickets_visible_to(self.request.user).filter(submitter_email=email).order_by("-created")
        )


class PagedTicketViewSet(CustomFieldsOfThePage, TicketViewSet):
    """The host's ticket API (admins): the same tickets, order and status filter, at the cost
    of one page."""

    def get_queryset(self):
        tickets = tickets_visible_to(self.request.user)
        wanted = (self.request.query_params.get("status") or "")[:100].split(",")
        known = {str(value): value for value, _label in Ticket.STATUS_CHOICES}
        statuses = [known[status] for status in wanted if status in known]
        return tickets.filter(status__in=statuses) if statuses else tickets


@helpdesk_staff_member_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    """The host's ticket list; a search for a stable reference (``SC-2026-000123``, also
    written ``sc 2026 123``) opens that ticket when the user may see it."""
    from helpdesk.views.staff import ticket_list as host_ticket_list

    from ulm_servicepoint.reference import ticket_for_reference

    query = request.GET.get("q", "")[:40]
    found = ticket_for_reference(query) if query else None
    if found is not None and tickets_visible_to(request.user).filter(pk=found.pk).exists():
        return redirect(found.get_absolute_url())
    return host_ticket_list(request)


tickets_api_list = PagedTicketViewSet.as_view({"get": "list", "post": "create"})
user_tickets_list = VisibleUserTicketViewSet.as_view({"get": "list"})
user_tickets_detail = VisibleUserTicketViewSet.as_view({"get": "retrieve"})

REPLACEMENTS = {
    "list": ticket_list,
    "ticket_dependency_add": ticket_dependency_add,
    "ticket_resolves_add": ticket_resolves_add,
    "ticket_cc_add": ticket_cc_add,
    "ticket-list": tickets_api_list,
    "user_tickets-list": user_tickets_list,
    "user_tickets-detail": user_tickets_detail,
}
