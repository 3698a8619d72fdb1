"""Staff pages of ulm_routing: forwarding from the ticket page, the department's actions on a
handoff, the work lists, the service center's list of open handoffs, callbacks. Every state
change is a POST (CSRF); each view makes one call into the services."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from helpdesk.models import Queue

from ulm_routing import services, worklists
from ulm_routing.models import CallbackState, HandoffState
from ulm_routing.models.callbacks import CALLBACK_OPEN_STATES
from ulm_routing.staff_forms import (
    AskForm,
    CallbackForm,
    DoneForm,
    ForwardForm,
    NotReachedForm,
    PassOnForm,
    ReasonForm,
    TextForm,
)
from ulm_servicepoint import services as platform
from ulm_servicepoint.refusals import refuse


def _form_refusal(request: HttpRequest, form) -> HttpResponse:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts += [f"{label}: {e}" if label else str(e) for e in errors]
    return refuse(request, " ".join(parts), status=400)


def _carry_out(request: HttpRequest, action) -> HttpResponse | None:
    """Runs a state change; its refusals become German 400 (bad input), 409 (someone acted
    first) or 403 answers. None when it was done."""
    try:
        action()
    except PermissionError:
        raise PermissionDenied from None
    except services.HandoffInvalid as invalid:
        return refuse(request, str(invalid), status=400)
    except services.HandoffConflict as conflict:
        return refuse(request, str(conflict), status=409)
    return None


def _ticket_page(ticket_id: int) -> str:
    return reverse("helpdesk:view", args=[ticket_id]) + "#weiterleitung"


@staff_member_required
@require_POST
def forward(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The agent's "Weiterleiten" on the ticket page."""
    if not services.is_first_level(request.user):
        raise PermissionDenied
    ticket = get_object_or_404(platform.tickets_visible_to(request.user), pk=ticket_id)
    form = ForwardForm(request.POST)
    if not form.is_valid():
        return _form_refusal(request, form)
    result: list = []
    refused = _carry_out(
        request,
        lambda: result.append(
            services.forward(
                ticket, request.user, form.cleaned_data["department"], form.cleaned_data["reason"]
            )
        ),
    )
    if refused is not None:
        return refused
    handoff = result[0]
    messages.success(
        request,
        _("Forwarded to %(department)s; feedback is due %(due)s.")
        % {"department": handoff.department.title, "due": services.clock_text(handoff.due_at)},
    )
    return redirect(_ticket_page(ticket.pk))


ACTIONS = {
    # action: (form, call, success message)
    "antworten": (
        TextForm,
        lambda h, u, d: services.answer(h, u, d["text"]),
        gettext_lazy("Answer saved."),
    ),
    "rueckfrage": (
        AskForm,
        lambda h, u, d: services.ask(h, u, d["text"], d["to"]),
        gettext_lazy("Question sent."),
    ),
    "nicht-zustaendig": (
        ReasonForm,
        lambda h, u, d: services.reject(h, u, d["reason"]),
        gettext_lazy("Returned to the service center."),
    ),
    "weitergeben": (
        PassOnForm,
        lambda h, u, d: services.pass_on(h, u, d["department"], d["reason"]),
        gettext_lazy("Passed on."),
    ),
    "uebernehmen": (
        None,
        lambda h, u, d: services.take(h, u),
        gettext_lazy("You took the handoff."),
    ),
    "antwort-senden": (
        TextForm,
        lambda h, u, d: services.send_prepared_answer(h, u, d["text"]),
        gettext_lazy("Answer sent to the citizen."),
    ),
    "rueckfrage-beantworten": (
        TextForm,
        lambda h, u, d: services.reply_to_question(h, u, d["text"]),
        gettext_lazy("Reply sent to the department."),
    ),
}


@staff_member_required
@require_POST
def handoff_action(request: HttpRequest, uuid: str, action: str) -> HttpResponse:
    """One of the department's (or the service center's) actions on a handoff."""
    if action not in ACTIONS:
        raise Http404
    handoff = services.handoffs_visible_to(request.user).filter(uuid=uuid).first()
    if handoff is None:
        raise Http404
    form_class, call, done = ACTIONS[action]
    data = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            return _form_refusal(request, form)
        data = form.cleaned_data
    refused = _carry_out(request, lambda: call(str(handoff.uuid), request.user, data))
    if refused is not None:
        return refused
    messages.success(request, str(done))
    if request.POST.get("weiter") == "liste":
        return redirect("ulm_routing:worklist")
    return redirect(_ticket_page(handoff.ticket_id))


def _params(request: HttpRequest) -> dict:
    return {
        "query": request.GET.get("q", "")[: worklists.MAX_QUERY],
        "sort": request.GET.get("sortierung", "faellig")[:20],
        "overdue": request.GET.get("ueberfaellig") == "1",
    }


@staff_member_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    """A department's open handoffs and callbacks: its clerks see their departments'; the
    service center and admins choose a department."""
    mine = services.member_departments(request.user)
    first_level = services.is_first_level(request.user) or request.user.is_superuser
    choices = list(platform.departments()) if first_level else mine
    if not choices:
        raise PermissionDenied
    chosen_slug = request.GET.get("abteilung", "")[:100]
    chosen = [q for q in choices if q.slug == chosen_slug]
    departments = chosen or (mine or choices)
    kind = "rueckrufe" if request.GET.get("art") == "rueckrufe" else "weiterleitungen"
    params = _params(request)
    state = request.GET.get("status", "")[:30]
    queryset: QuerySet
    states: Sequence[str]
    if kind == "weiterleitungen":
        states = [state] if state in services.WITH_DEPARTMENT else services.WITH_DEPARTMENT
        queryset = services.handoff_list(departments=departments, states=states, **params)
        state_choices = [(s.value, s.label) for s in HandoffState if s in services.WITH_DEPARTMENT]
    else:
        states = [state] if state in CALLBACK_OPEN_STATES else CALLBACK_OPEN_STATES
        queryset = services.callback_list(
            departments=departments, person=request.user, states=states, **params
        )
        state_choices = [(s.value, s.label) for s in CallbackState if s in CALLBACK_OPEN_STATES]
    page, rows = worklists.page_of(
        queryset, request.GET.get("seite"), "handoff" if kind == "weiterleitungen" else "callback"
    )
    return render(
        request,
        "ulm_routing/worklist.html",
        {
            "kind": kind,
            "page": page,
            "rows": rows,
            "choices": choices,
            "departments": departments,
            "chosen": chosen_slug,
            "state": state,
            "state_choices": state_choices,
            "params": params,
            "keep": _keep(request),
        },
    )


def _keep(request: HttpRequest) -> str:
    kept = request.GET.copy()
    kept.pop("seite", None)
    kept.pop("sortierung", None)
    return kept.urlencode()


@staff_member_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The service center's list of all open handoffs with their state."""
    if not (services.is_first_level(request.user) or request.user.is_superuser):
        raise PermissionDenied
    state = request.GET.get("status", "")[:30]
    states = [state] if state in services.OPEN_STATES else services.OPEN_STATES
    slug = request.GET.get("abteilung", "")[:100]
    department = Queue.objects.filter(slug=slug).first() if slug else None
    queryset = services.handoff_list(
        departments=[department] if department else None, states=states, **_params(request)
    )
    page, rows = worklists.page_of(queryset, request.GET.get("seite"))
    return render(
        request,
        "ulm_routing/overview.html",
        {
            "page": page,
            "rows": rows,
            "state": state,
            "state_choices": [
                (s.value, s.label) for s in HandoffState if s in services.OPEN_STATES
            ],
            "choices": platform.departments(),
            "chosen": slug,
            "params": _params(request),
            "keep": _keep(request),
        },
    )


@staff_member_required
def callback_new(request: HttpRequest) -> HttpResponse:
    """The service center records a callback request (Rückrufbitte / Telefonnotiz)."""
    if not services.is_first_level(request.user):
        raise PermissionDenied
    initial: dict[str, object] = {"phone": request.GET.get("telefon", "")[:40]}
    initial.update(services.default_callback_window())
    form = CallbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ticket = None
        if data["reference"]:
            ticket = services.visible_ticket_for_reference(request.user, data["reference"])
            if ticket is None:
                form.add_error("reference", _("No request you may see has this reference."))
        if not form.errors:
            try:
                callback = services.record_callback(
                    caller_name=data["caller_name"],
                    phone=data["phone"],
                    subject=data["subject"],
                    department=data["department"],
                    person=data["person"],
                    window_start=data["window_start"],
                    window_end=data["window_end"],
                    ticket=ticket,
                    note=data["note"],
                    by=request.user,
                )
            except services.HandoffInvalid as invalid:
                for field, errors in invalid.errors.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(
                    request,
                    _("Callback request for %(department)s recorded.")
                    % {"department": callback.department.title},
                )
                return redirect("ulm_routing:callback_new")
    platform_style(form)
    return render(
        request,
        "ulm_routing/callback_new.html",
        {"form": form, "forms_with_errors": [form] if form.errors else []},
        status=400 if form.errors else 200,
    )


def platform_style(form) -> None:
    from ulm_servicepoint.views import _style

    _style(form)


CALLBACK_ACTIONS = {
    "erledigt": (DoneForm, lambda c, u, d: services.called_back(c, u, d["note"])),
    "nicht-erreicht": (
        NotReachedForm,
        lambda c, u, d: services.not_reached(c, u, d["retry_until"], d["note"]),
    ),
}


@staff_member_required
@require_POST
def callback_action(request: HttpRequest, uuid: str, action: str) -> HttpResponse:
    if action not in CALLBACK_ACTIONS:
        raise Http404
    callback = services.callbacks_visible_to(request.user).filter(uuid=uuid).first()
    if callback is None:
        raise Http404
    form_class, call = CALLBACK_ACTIONS[action]
    form = form_class(request.POST)
    if not form.is_valid():
        return _form_refusal(request, form)
    result: list = []
    refused = _carry_out(
        request, lambda: result.append(call(str(callback.uuid), request.user, form.cleaned_data))
    )
    if refused is not None:
        return refused
    done = result[0]
    messages.success(
        request,
        _("Callback for %(name)s: %(state)s.")
        % {"name": done.caller_name, "state": done.get_state_display()},
    )
    return redirect(reverse("ulm_routing:worklist") + "?art=rueckrufe")
