"""HTTP endpoints of ulm_servicepoint: health, a worker check for operators, and the agents'
capture screens (request, counter, case values). Each calls the services."""

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.forms import Form, Select
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ulm_servicepoint import services
from ulm_servicepoint.forms import CaptureMetaForm, CitizenForm, CounterForm
from ulm_servicepoint.models import RequestType
from ulm_servicepoint.schema_forms import capture_form_class, values_to_data


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: database reachable, the city set up, worker alive, no
    failed hand-over to the city archive. No personal data."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    missing = services.missing_setup()
    worker = services.worker_status()
    archive = services.archive_status()
    return JsonResponse(
        {
            "database": "ok",
            "city": {"ok": missing is None, "missing": missing or ""},
            "worker": worker,
            "archive": archive,
        },
        status=200,
    )


@require_POST
@staff_member_required
def worker_ping(request: HttpRequest) -> JsonResponse:
    """Operators (and the tests) enqueue a ping job and then look for its heartbeat."""
    return JsonResponse({"token": services.request_worker_ping()}, status=202)


@require_GET
def protected_file(request: HttpRequest, name: str) -> FileResponse:
    """Serves an uploaded file to a user who may see it; to everyone else it does not exist."""
    stored = services.file_visible_to(request.user, name)
    if stored is None:
        raise Http404
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.filename or stored.file.name.rsplit("/", 1)[-1],
    )
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Agents: capture, counter mode, case values -------------------------------------------------
def _style(*forms_: Form) -> None:
    """Bootstrap classes for the helpdesk's look; help and errors bound to their input."""
    for form in forms_:
        for name, field in form.fields.items():
            widget = field.widget
            bound = form[name]
            described = [f"{bound.auto_id}-help"] if field.help_text else []
            if form.is_bound and name in form.errors:
                described.append(f"{bound.auto_id}-error")
                widget.attrs["aria-invalid"] = "true"
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)
            if getattr(widget, "input_type", "") in ("checkbox", "radio", "hidden", "file"):
                continue
            css = "form-select" if isinstance(widget, Select) else "form-control"
            widget.attrs.setdefault("class", css)


def _capture_allowed(request: HttpRequest) -> None:
    if not services.can_capture(request.user):
        raise PermissionDenied


@staff_member_required
@require_GET
def capture_start(request: HttpRequest) -> HttpResponse:
    """Step 1: pick the request type from a searchable list (one match opens it at once)."""
    _capture_allowed(request)
    query = request.GET.get("q", "").strip()[:200]
    types = services.request_types_for_agents(query)
    keep = request.GET.urlencode()
    single = services.single_request_type(types, query) if query else None
    if single is not None:
        params = request.GET.copy()
        params.pop("q", None)
        target = reverse("ulm_servicepoint:capture", args=[single.slug])
        return redirect(f"{target}?{params.urlencode()}" if params else target)
    return render(
        request,
        "ulm_servicepoint/capture_start.html",
        {
            "types": types,
            "all_types": types if not query else services.request_types_for_agents(),
            "query": query,
            "keep": keep,
            "information_type": services.information_request_type(),
            "caller_number": request.GET.get("telefon", ""),
            "caller": services.capture_screen_context(
                request.user, lookup=request.GET.get("telefon", "")
            )
            if request.GET.get("telefon")
            else None,
        },
    )


@staff_member_required
@require_GET
def information(request: HttpRequest) -> HttpResponse:
    """The one-click entry for an information call (navigation, capture start): the capture
    screen of "Allgemeine Auskunft" (``ULM_SERVICEPOINT_INFORMATION_TYPE``), the query kept;
    without such a type, the capture start."""
    _capture_allowed(request)
    request_type = services.information_request_type()
    target = (
        reverse("ulm_servicepoint:capture", args=[request_type.slug])
        if request_type
        else reverse("ulm_servicepoint:capture_start")
    )
    query = request.GET.urlencode()
    return redirect(f"{target}?{query}" if query else target)


@staff_member_required
def capture(request: HttpRequest, slug: str) -> HttpResponse:
    """Step 2: the type's fields, the citizen (look-up or new), then "Erstauskunft erteilt"
    or "Weiterleiten"; a letter gets its scan. Everything is validated in capture_request."""
    _capture_allowed(request)
    request_type = get_object_or_404(RequestType, slug=slug, active=True)
    screen = services.capture_screen_context(
        request.user,
        citizen_uuid=request.POST.get("c-citizen") or request.GET.get("buerger", ""),
        lookup=request.GET.get("suche", "") or request.GET.get("telefon", ""),
    )
    citizen = screen["citizen"]
    posted = request.method == "POST"
    outcome = request.POST.get("outcome", services.Outcome.OPEN)
    values_form = services.schema_form_class(request_type)(
        request.POST if posted else None,
        request.FILES if posted else None,
        audience="agent",
        first_contact=outcome == services.Outcome.FIRST_CONTACT,
        prefix="f",
    )
    initial_citizen: dict[str, object] = {}
    if citizen is not None:
        initial_citizen = {
            "citizen": citizen.uuid,
            "name": citizen.name,
            "email": citizen.email,
            "phone": citizen.phone,
            "street": citizen.street,
            "house_number": citizen.house_number,
            "postcode": citizen.postcode,
            "city": citizen.city,
            "preferred_channel": citizen.preferred_channel,
        }
    elif request.GET.get("telefon"):
        initial_citizen = {"phone": request.GET["telefon"]}
    citizen_form = CitizenForm(
        request.POST if posted else None, prefix="c", initial=initial_citizen
    )
    meta_form = CaptureMetaForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial={"channel": request.GET.get("kanal", "phone")},
    )
    if posted and values_form.is_valid() and citizen_form.is_valid() and meta_form.is_valid():
        data = citizen_form.cleaned_data
        person = services.CitizenData(
            known=str(data["citizen"] or ""),
            **{k: v for k, v in data.items() if k != "citizen" and v not in (None, "")},
        )
        try:
            case = services.capture_request(
                request_type,
                values_form.typed_values(),
                files=values_form.uploads(),
                channel=meta_form.cleaned_data["channel"],
                citizen=person,
                captured_by=request.user,
                message=meta_form.cleaned_data["message"],
                outcome=outcome,
                answer=meta_form.cleaned_data["answer"],
                scan=meta_form.cleaned_data["scan"],
                kbitem=request.POST.get("kbitem", ""),
                forward_to=meta_form.cleaned_data["forward_to"],
                forward_reason=meta_form.cleaned_data["forward_reason"],
            )
        except services.CaptureInvalid as invalid:
            _add_errors(invalid, values_form, citizen_form, meta_form)
        else:
            services.link_call(request.GET.get("anruf", ""), case.ticket)
            messages.success(request, services.capture_done_text(case))
            return redirect(reverse("helpdesk:view", args=[case.ticket_id]))
    information_call = services.is_information_type(request_type)
    if information_call:
        # an information call starts with the citizen's question: the knowledge panel follows
        # the notes and offers the answer
        meta_form.fields["message"].widget.attrs["autofocus"] = True
        meta_form.fields["message"].help_text = _(
            "The citizen's question in their words: the knowledge base suggests answers while "
            "you type."
        )
    _style(values_form, citizen_form, meta_form)
    forms_ = [meta_form, values_form, citizen_form]
    return render(
        request,
        "ulm_servicepoint/capture.html",
        {
            "request_type": request_type,
            "values_form": values_form,
            "citizen_form": citizen_form,
            "meta_form": meta_form,
            "forms_with_errors": [f for f in forms_ if f.errors],
            "lookup": request.GET.get("suche", ""),
            "capture_panels": services.CAPTURE_PANELS,
            "information_call": information_call,
            "processing_fields": any(
                getattr(field, "for_processing", False) for field in values_form.fields.values()
            ),
            **screen,
        },
        status=400 if posted else 200,
    )


def _add_errors(invalid, values_form, citizen_form, meta_form) -> None:
    for key, errors in invalid.errors.items():
        if key == "citizen":
            form, name = citizen_form, None
        elif key.startswith("citizen_"):
            form, name = citizen_form, key.removeprefix("citizen_")
        elif key in meta_form.fields or key == "outcome":
            form, name = meta_form, key if key in meta_form.fields else None
        else:
            form, name = values_form, key if key in values_form.fields else None
        for error in errors:
            form.add_error(name, error)


@staff_member_required
def counter(request: HttpRequest) -> HttpResponse:
    """Counter mode: topic number (or name) and Enter; minutes default to 5."""
    _capture_allowed(request)
    types = list(services.request_types_for_agents())
    form = CounterForm(request.POST or None, initial={"minutes": 5})
    if request.method == "POST" and form.is_valid():
        topic = form.cleaned_data["topic"].strip()
        chosen = (
            types[int(topic) - 1] if topic.isdigit() and 0 < int(topic) <= len(types) else topic
        )
        try:
            visit = services.record_counter_visit(
                chosen, form.cleaned_data["minutes"], request.user
            )
        except services.CaptureInvalid as invalid:
            for key, errors in invalid.errors.items():
                for error in errors:
                    form.add_error(key, error)
        else:
            messages.success(
                request,
                _("Counter visit recorded: %(topic)s, %(minutes)d min.")
                % {"topic": visit.request_type.name, "minutes": visit.minutes},
            )
            return redirect("ulm_servicepoint:counter")
    _style(form)
    return render(
        request,
        "ulm_servicepoint/counter.html",
        {"form": form, "types": types, "forms_with_errors": [form] if form.errors else []},
        status=400 if form.errors else 200,
    )


@staff_member_required
def case_edit(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Agents correct a ticket's values, against the schema version it was captured with."""
    case = services.visible_case(request.user, ticket_id)
    if case is None or case.schema is None:
        raise Http404
    form_class = capture_form_class(case.schema.fields)
    first_contact = case.resolved_at_first_contact
    if request.method == "POST":
        form = form_class(request.POST, audience="agent", first_contact=first_contact, prefix="f")
        if form.is_valid():
            try:
                services.update_case_values(case, form.typed_values(), request.user)
            except services.CaptureInvalid as invalid:
                for key, errors in invalid.errors.items():
                    for error in errors:
                        form.add_error(key if key in form.fields else None, error)
            else:
                messages.success(request, _("Values saved."))
                return redirect(reverse("helpdesk:view", args=[ticket_id]))
    else:
        form = form_class(
            initial=values_to_data(case.schema.fields, case.values),
            audience="agent",
            first_contact=first_contact,
            prefix="f",
        )
    _style(form)
    return render(
        request,
        "ulm_servicepoint/case_edit.html",
        {"case": case, "form": form, "forms_with_errors": [form] if form.errors else []},
        status=400 if form.errors else 200,
    )


# --- Triage (Sichtung): untyped tickets get their request type and citizen --------------------
@staff_member_required
@require_GET
def triage(request: HttpRequest) -> HttpResponse:
    """The untyped tickets the user may see, newest first, a page at a time."""
    page = services.triage_page(request.user, request.GET.get("seite", 1))
    return render(request, "ulm_servicepoint/triage.html", {"page": page})


@staff_member_required
@require_http_methods(["GET", "POST"])
def triage_case(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """One ticket's triage: the ticket as the citizen sent it; the request type picked from the
    suggestions, a search or the list (``?art=<slug>``, a GET that changes nothing); then the
    citizen (found by the sender's address, looked up, or created from the details) and the
    type's fields, none required; saved by POST in one transaction (services.type_case)."""
    case = services.triage_case(request.user, ticket_id)
    if case is None:
        raise Http404
    ticket = case.ticket
    posted = request.method == "POST"
    slug = (request.POST.get("request_type") if posted else request.GET.get("art")) or ""
    request_type = RequestType.objects.filter(slug=slug[:100], active=True).first()
    if posted and request_type is None:
        return _triage_type_missing(request, case)
    sender = services.ticket_sender(ticket)
    lookup = request.GET.get("suche", "").strip()[:200]
    screen = services.capture_screen_context(
        request.user,
        citizen_uuid=(request.POST.get("c-citizen") or request.GET.get("buerger", ""))[:36],
        lookup=lookup or (sender.email if case.citizen_id is None else ""),
    )
    citizen = screen["citizen"] or case.citizen
    query = request.GET.get("q", "").strip()[:200]
    context: dict[str, object] = {
        "case": case,
        "ticket": ticket,
        "sender": sender,
        "request_type": request_type,
        "suggestions": services.suggested_request_types(ticket) if request_type is None else [],
        "query": query,
        "found_types": services.request_types_for_agents(query) if query else [],
        "all_types": services.request_types_for_agents(),
        "lookup": lookup,
        **screen,
        "citizen": citizen,
    }
    if request_type is None:
        return render(request, "ulm_servicepoint/triage_case.html", context)
    schema = services.current_schema(request_type)
    values_form = services.triage_form_class(schema)(
        request.POST if posted else None, audience="agent", prefix="f"
    )
    initial = (
        {"citizen": citizen.uuid, **{k: getattr(citizen, k) for k in CITIZEN_DETAILS}}
        if citizen is not None
        else {"name": sender.name, "email": sender.email}
    )
    citizen_form = CitizenForm(request.POST if posted else None, prefix="c", initial=initial)
    if posted and values_form.is_valid() and citizen_form.is_valid():
        data = citizen_form.cleaned_data
        person = services.CitizenData(
            known=str(data["citizen"] or ""),
            **{k: v for k, v in data.items() if k != "citizen" and v not in (None, "")},
        )
        try:
            services.type_case(
                ticket.pk,
                request_type,
                request.user,
                citizen=person,
                values=values_form.typed_values(),
            )
        except services.CaptureInvalid as invalid:
            _add_errors(invalid, values_form, citizen_form, CaptureMetaForm())
        else:
            messages.success(
                request,
                _("Request type of %(ticket)s set: %(type)s.")
                % {"ticket": services.reference_of(ticket), "type": request_type.name},
            )
            return redirect(reverse("helpdesk:view", args=[ticket.pk]))
    _style(values_form, citizen_form)
    context.update(
        values_form=values_form,
        citizen_form=citizen_form,
        forms_with_errors=[f for f in (values_form, citizen_form) if f.errors],
    )
    return render(
        request,
        "ulm_servicepoint/triage_case.html",
        context,
        status=400 if context["forms_with_errors"] else 200,
    )


CITIZEN_DETAILS = (
    "name",
    "email",
    "phone",
    "street",
    "house_number",
    "postcode",
    "city",
    "preferred_channel",
)


def _triage_type_missing(request: HttpRequest, case) -> HttpResponse:
    """A POST without an active request type (tampered, or the type was just switched off)."""
    return render(
        request,
        "ulm_servicepoint/triage_case.html",
        {
            "case": case,
            "ticket": case.ticket,
            "sender": services.ticket_sender(case.ticket),
            "suggestions": services.suggested_request_types(case.ticket),
            "all_types": services.request_types_for_agents(),
            "type_error": _("Please choose an active request type."),
        },
        status=400,
    )


# --- Agents and clerks: the work list ------------------------------------------------------------
def _worklist_page(request: HttpRequest, query: QueryDict, error: str = "") -> HttpResponse:
    form = services.WorklistForm(query, request.user)
    page = services.worklist_page(form)
    return render(
        request,
        "ulm_servicepoint/worklist.html",
        {
            "form": form,
            "selects": [form[name] for name in services.WORKLIST_SELECTS],
            "checks": [form[key] for key, _label, _apply in services.WORKLIST_FILTERS],
            "form_errors": [
                (form[name].label if name in form.fields else "", errors)
                for name, errors in form.errors.items()
            ],
            "page": page,
            "query": query.urlencode(),
            "paging": _without(query, "seite"),
            "saved_views": services.saved_views(request.user),
            "people": services.assignable_people(request.user, form.departments),
            "request_types": services.request_types_for_agents(),
            "error": error,
        },
        status=400 if error or (query and not form.is_valid()) else 200,
    )


def _without(query: QueryDict, key: str) -> str:
    copy = query.copy()
    copy.pop(key, None)
    return copy.urlencode()


@staff_member_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    """The landing page of the service center and of each department (see services); who
    sees no queue's requests lands where an addon says (the key figures)."""
    elsewhere = services.landing_elsewhere(request.user)
    if elsewhere:
        return redirect(elsewhere)
    return _worklist_page(request, request.GET)


def _back(request: HttpRequest) -> QueryDict:
    return QueryDict(request.POST.get("zurueck", "")[:2000])


@staff_member_required
@require_POST
def worklist_bulk(request: HttpRequest) -> HttpResponse:
    """Assign or close as duplicate the selected requests, all or none."""
    try:
        ids = [int(pk) for pk in request.POST.getlist("fall")[: services.WORKLIST_MAX_BULK + 1]]
        action = request.POST.get("aktion", "")
        if action == "zuweisen":
            owner = request.POST.get("bearbeiter", "")
            done = services.bulk_assign(request.user, ids, int(owner) if owner else None)
            messages.success(request, _("%(n)d requests assigned.") % {"n": done})
        elif action == "typ":
            kind = request.POST.get("anliegenart", "")
            request_type = RequestType.objects.filter(pk=int(kind)).first() if kind else None
            if request_type is None:
                raise services.BulkError(_("Please choose a request type."))
            if not ids:
                raise services.BulkError(_("Please select at least one request."))
            try:
                done = len(services.set_request_type(ids, request_type, request.user))
            except services.CaptureInvalid as invalid:
                messages_ = [m for errors in invalid.errors.values() for m in errors]
                raise services.BulkError(" ".join(messages_)) from invalid
            messages.success(request, _("%(n)d requests typed.") % {"n": done})
        elif action == "duplikat":
            original = request.POST.get("original", "")[:40]
            done = services.bulk_close_duplicates(request.user, ids, original)
            messages.success(request, _("%(n)d requests closed as duplicates.") % {"n": done})
        else:
            raise services.BulkError(_("Please choose an action."))
    except ValueError:
        return _worklist_page(request, _back(request), _("The selection is not valid."))
    except services.BulkError as error:
        return _worklist_page(request, _back(request), str(error))
    return redirect(f"{reverse('ulm_servicepoint:worklist')}?{_back(request).urlencode()}")


@staff_member_required
@require_POST
def worklist_save_view(request: HttpRequest) -> HttpResponse:
    """Saves the current filters under a name."""
    back = _back(request)
    try:
        view = services.save_worklist_view(request.user, request.POST.get("name", ""), back)
    except ValidationError as error:
        return _worklist_page(request, back, " ".join(error.messages))
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(f"{reverse('ulm_servicepoint:worklist')}?{view.query}")


@staff_member_required
@require_POST
def worklist_delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    if not services.delete_worklist_view(request.user, view_id):
        raise Http404
    messages.success(request, _("View deleted."))
    return redirect(f"{reverse('ulm_servicepoint:worklist')}?{_back(request).urlencode()}")
