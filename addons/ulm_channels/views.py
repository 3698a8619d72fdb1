"""Public pages of ulm_channels (contact form, its embeddable variant, confirmation, the
citizen's status page, the accessibility statement) and the phone endpoints. Each view is thin:
it validates with a form and calls one verb in services.py."""

from __future__ import annotations

import hmac
import json
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from helpdesk.models import Ticket

from ulm_channels import conf, phone, services
from ulm_channels.forms import (
    HONEYPOT_FIELD,
    CitizenMessageForm,
    ContactForm,
    FeedbackForm,
    RatingForm,
    TypedRequestForm,
    started_token,
)
from ulm_channels.models import Call
from ulm_servicepoint.services import reference_of, retention_months_of, retention_periods

CONFIRMATION_SALT = "ulm_channels.confirmation"


def client_ip(request: HttpRequest) -> str | None:
    from ulm_servicepoint.security import client_ip as address

    return address(request) or None


def form_context(form, **extra) -> dict:
    """What every public form shows; the privacy notice states the retention period of the
    form's request type, and a form without a type (the contact form) the general period and
    every type's own."""
    request_type = extra.get("request_type")
    return {
        "form": form,
        "started": started_token(),
        "honeypot_field": HONEYPOT_FIELD,
        "retention_months": retention_months_of(request_type),
        "retention_periods": [] if request_type else retention_periods(),
        **extra,
    }


def _contact(request: HttpRequest, template: str, embedded: bool) -> HttpResponse:
    form = ContactForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = services.intake_web_request(
            services.WebRequest(
                subject=data["subject"],
                message=data["message"],
                email=data["email"],
                name=data["name"],
                attachment=data.get("attachment"),
            ),
            ip_address=client_ip(request),
            honeypot_filled=form.honeypot_filled,
        )
        return _filed(request, result, embedded)
    chosen_file = request.method == "POST" and bool(request.FILES)
    return render(
        request,
        template,
        form_context(form, embedded=embedded, chosen_file=chosen_file),
        status=400 if form.errors else 200,
    )


def _filed(request: HttpRequest, result: services.IntakeResult, embedded: bool) -> HttpResponse:
    """After intake: the confirmation (reference and private link), or the page saying that a
    held submission arrived and is checked by hand."""
    if result.ticket is None:
        return render(request, "ulm_channels/held.html", {"embedded": embedded}, status=202)
    token = signing.dumps(result.ticket.pk, salt=CONFIRMATION_SALT)
    name = "ulm_channels:embed_confirmation" if embedded else "ulm_channels:confirmation"
    return redirect(reverse(name, args=[token]))


@require_GET
def request_types(request: HttpRequest) -> HttpResponse:
    """The request types open to citizens, grouped by topic, with a search (no JavaScript)."""
    from ulm_servicepoint import services as servicepoint

    query = request.GET.get("q", "").strip()[:200]
    return render(
        request,
        "ulm_channels/request_types.html",
        {"types": servicepoint.search_public_request_types(query), "query": query},
    )


@require_http_methods(["GET", "POST"])
def typed_request(request: HttpRequest, slug: str) -> HttpResponse:
    """A request type's own form: its citizen fields (built by ulm_servicepoint) beside the
    contact details, through the same intake and spam protection as the contact form."""
    from ulm_servicepoint import services as servicepoint

    request_type = servicepoint.public_request_type(slug)
    if request_type is None:
        raise Http404
    posted = request.method == "POST"
    values_form = servicepoint.schema_form_class(request_type)(
        request.POST if posted else None,
        request.FILES if posted else None,
        audience="citizen",
        prefix="f",
    )
    form = TypedRequestForm(request.POST if posted else None)
    if posted and all([values_form.is_valid(), form.is_valid()]):
        data = form.cleaned_data
        result = services.intake_web_request(
            services.WebRequest(
                subject=request_type.name,
                message=data["message"],
                email=data["email"],
                name=data["name"],
                phone=data["phone"],
                request_type=request_type.slug,
                values=values_form.typed_values(),
                files=values_form.uploads(),
            ),
            ip_address=client_ip(request),
            honeypot_filled=form.honeypot_filled,
        )
        return _filed(request, result, embedded=False)
    errors = len(form.errors) + len(values_form.errors)
    return render(
        request,
        "ulm_channels/typed_request.html",
        form_context(
            form,
            values_form=values_form,
            request_type=request_type,
            error_count=errors,
            chosen_file=posted and bool(request.FILES),
        ),
        status=400 if errors else 200,
    )


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    return _contact(request, "ulm_channels/contact.html", embedded=False)


def allow_embedding(response: HttpResponse) -> HttpResponse:
    """Only the city's own websites (ULM_CHANNELS_EMBED_ORIGINS) may frame the form."""
    response.csp_frame_ancestors = conf.get("ULM_CHANNELS_EMBED_ORIGINS")  # type: ignore[attr-defined]
    return response


@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def contact_embedded(request: HttpRequest) -> HttpResponse:
    """The form for an iframe on the city's website; CSRF protection as everywhere."""
    return allow_embedding(_contact(request, "ulm_channels/contact.html", embedded=True))


def _confirmation(request: HttpRequest, token: str, embedded: bool) -> HttpResponse:
    """Shown once after sending: the reference number and the private status link."""
    try:
        ticket_id = signing.loads(token, salt=CONFIRMATION_SALT, max_age=3600)
    except signing.BadSignature:
        return render(
            request,
            "ulm_channels/confirmation_expired.html",
            {"embedded": embedded},
            status=410,
        )
    ticket = Ticket.objects.get(pk=ticket_id)
    return render(
        request,
        "ulm_channels/confirmation.html",
        {
            "reference": reference_of(ticket),
            "status_url": services.status_url(ticket),
            "embedded": embedded,
            # the confirmation is on its way (or there is none: the page says how we answer)
            "mail": services.confirmation_mail(ticket),
        },
    )


@require_GET
def confirmation(request: HttpRequest, token: str) -> HttpResponse:
    return _confirmation(request, token, embedded=False)


@xframe_options_exempt
@require_GET
def embed_confirmation(request: HttpRequest, token: str) -> HttpResponse:
    return allow_embedding(_confirmation(request, token, embedded=True))


@require_http_methods(["GET", "POST"])
def status(request: HttpRequest, token: str) -> HttpResponse:
    """The citizen's status page behind the private link: status, public replies, and a form
    to add a message or a file. An unknown link does not exist (404)."""
    link = services.link_for_token(token)
    if link is None:
        raise Http404
    form = CitizenMessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        services.add_citizen_message(
            link, form.cleaned_data["message"], form.cleaned_data.get("attachment")
        )
        return redirect(reverse("ulm_channels:status", args=[link.token]) + "?gesendet=1#verlauf")
    response = render(
        request,
        "ulm_channels/status.html",
        {
            "ticket": link.ticket,
            "token": link.token,
            "followups": services.public_followups(link.ticket),
            "form": form,
            "sent": request.GET.get("gesendet") == "1",
            "rating": services.rating_of(link.ticket),
            "may_rate": services.may_rate(link.ticket),
            "rating_form": RatingForm(auto_id="bewertung_%s"),
        },
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _rating_page(request: HttpRequest, link, form, status: int = 200, **extra) -> HttpResponse:
    return _private(
        render(
            request,
            "ulm_channels/rating.html",
            {"ticket": link.ticket, "token": link.token, "form": form, **extra},
            status=status,
        )
    )


@require_http_methods(["GET", "POST"])
def rating(request: HttpRequest, token: str) -> HttpResponse:
    """The citizen rates the answer to their request. A link from the answer mail opens the
    page with its level chosen (``?stufe=1..5``); only the POST records, once per request."""
    link = services.link_for_token(token)
    if link is None:
        raise Http404
    ticket = link.ticket
    if services.rating_of(ticket) is not None:
        return _rating_page(
            request, link, None, status=409 if request.method == "POST" else 200, rated=True
        )
    if not services.may_rate(ticket):
        return _rating_page(
            request, link, None, status=409 if request.method == "POST" else 200, too_early=True
        )
    if request.method == "GET":
        chosen = request.GET.get("stufe", "")
        if not chosen:
            return _rating_page(request, link, RatingForm())
        # the link's level, checked like a submission, but nothing is recorded on GET
        form = RatingForm({"level": chosen[:10]})
        if "level" in form.errors:
            return _rating_page(request, link, form, status=400)
        return _rating_page(
            request, link, RatingForm(initial={"level": form.cleaned_data["level"]})
        )
    if services.rating_attempt_refused(client_ip(request)):
        return _private(render(request, "ulm_channels/rate_limited.html", status=429))
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _rating_page(request, link, form, status=400)
    try:
        services.record_rating(link, form.cleaned_data["level"], form.cleaned_data["comment"])
    except services.RatingError:  # rated meanwhile (another tab): the page says so
        return _rating_page(request, link, None, status=409, rated=True)
    return redirect(reverse("ulm_channels:rating_thanks", args=[link.token]))


@require_GET
def rating_thanks(request: HttpRequest, token: str) -> HttpResponse:
    """After the rating: thank you (before it, the rating page)."""
    link = services.link_for_token(token)
    if link is None:
        raise Http404
    if services.rating_of(link.ticket) is None:
        return redirect(reverse("ulm_channels:rating", args=[link.token]))
    return _rating_page(request, link, None, thanks=True)


@require_GET
def status_file(request: HttpRequest, token: str, attachment_id: int) -> FileResponse:
    """A file of the citizen's own request, for the holder of the private link only."""
    attachment = services.citizen_attachment(token, attachment_id)
    if attachment is None:
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.filename
    )
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (BITV 2.0 § 7) with its feedback function."""
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = services.intake_web_request(
            services.WebRequest(
                subject=_("Feedback on accessibility"),
                message=data["message"],
                email=data["email"],
                name=data["name"],
            ),
            ip_address=client_ip(request),
            honeypot_filled=form.honeypot_filled,
        )
        return _filed(request, result, embedded=False)
    return render(
        request,
        "ulm_channels/accessibility.html",
        form_context(form),
        status=400 if form.errors else 200,
    )


# --- Phone ------------------------------------------------------------------------------------
def pbx_authorised(request: HttpRequest) -> bool:
    """The PBX's bearer token, in the Authorization header only (a token in the address would
    end up in access logs)."""
    expected = conf.get("ULM_CHANNELS_PHONE_TOKEN")
    header = request.headers.get("Authorization", "")
    given = header[7:] if header.startswith("Bearer ") else ""
    return bool(expected and given) and hmac.compare_digest(given.encode(), expected.encode())


@csrf_exempt
@require_POST
def phone_event(request: HttpRequest) -> JsonResponse:
    """The PBX posts call events here (form-encoded or JSON) with its bearer token."""
    if not pbx_authorised(request):
        return JsonResponse({"error": _("Not authorised.")}, status=401)
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"error": _("The request body is not valid JSON.")}, status=400)
        if not isinstance(data, dict):
            return JsonResponse({"error": _("The request body is not valid JSON.")}, status=400)
    else:
        data = request.POST
    try:
        event = phone.parse_event(data)
    except phone.EventError as error:
        return JsonResponse({"error": str(error)}, status=400)
    call = services.record_call_event(event)
    return JsonResponse({"ok": True, "call": call.call_id})


def may_see_calls(user) -> bool:
    from ulm_servicepoint.services import queues_visible_to, service_center_queue

    try:
        queue = service_center_queue()
    except Exception:  # no service center yet: nobody's calls to show
        return False
    return user.is_staff and queue in queues_visible_to(user)


@login_required
@require_GET
def calls(request: HttpRequest) -> HttpResponse:
    """For the service center: calls ringing or running now (with the caller's open requests
    and a link to capture a new one), the reachability KPI, and the latest calls."""
    if not may_see_calls(request.user):
        raise Http404
    now = timezone.now()
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    current = []
    for call in Call.objects.filter(
        ended_at__isnull=True, started_at__gte=now - timedelta(hours=4)
    ):
        current.append(
            {
                "call": call,
                "tickets": services.caller_tickets(call.caller, request.user)[:10],
                "capture_url": capture_url(call),
            }
        )
    return render(
        request,
        "ulm_channels/calls.html",
        {
            "current": current,
            "kpis": [
                (_("Today"), services.reachability(today, now)),
                (_("Last 7 days"), services.reachability(today - timedelta(days=6), now)),
            ],
            "latest": Call.objects.select_related("agent")[:50],
        },
    )


def capture_url(call: Call) -> str:
    """Where the agent captures the request of this call (the host's form until ulm_servicepoint
    offers its capture screen: set ULM_CHANNELS_CAPTURE_URL to it, with {number} and {call})."""
    from urllib.parse import quote

    template = conf.get("ULM_CHANNELS_CAPTURE_URL")
    if template:
        return template.format(number=quote(call.caller_normalised), call=quote(call.call_id))
    return reverse("helpdesk:submit")
