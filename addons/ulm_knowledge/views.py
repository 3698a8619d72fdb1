"""Views of ulm_knowledge: the agent's one click that inserts an answer into a ticket's reply
or the capture screen, the public service pages ("Dienstleistungen A–Z", search, one page per
service), and the citizens' suggestions with "Hat das Ihre Frage beantwortet?"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from helpdesk.models import KBItem
from helpdesk.views import kb

from ulm_knowledge import service_pages, services
from ulm_servicepoint import conf as servicepoint_conf
from ulm_servicepoint.services import tickets_visible_to


@staff_member_required
@require_POST
def give_answer(request: HttpRequest, ticket_id: int, kbitem_id: int) -> HttpResponse:
    ticket = get_object_or_404(tickets_visible_to(request.user), pk=ticket_id)
    kbitem = get_object_or_404(KBItem, pk=kbitem_id)
    try:
        use, text = services.give_answer(ticket, kbitem, request.user)  # type: ignore[arg-type]
    except ValueError:
        raise Http404 from None
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"text": text, "kbitem": kbitem.pk, "version": use.version})
    messages.success(request, _("The answer is linked to the ticket; its version is recorded."))
    return redirect("helpdesk:view", ticket_id=ticket.pk)


@staff_member_required
@require_GET
def answer_text(request: HttpRequest, kbitem_id: int) -> JsonResponse:
    """The capture screen's click: the composed answer of a published item (recorded with the
    capture, when the ticket exists)."""
    try:
        kbitem, version, text = services.published_answer_text(kbitem_id)
    except (KBItem.DoesNotExist, ValueError):
        raise Http404 from None
    return JsonResponse({"kbitem": kbitem.pk, "version": version, "text": text})


@require_GET
def citizen_suggestions(request: HttpRequest) -> JsonResponse:
    """Services that may answer what a citizen is typing into a form (published content only)."""
    found = services.citizen_suggestions(request.GET.get("q", "")[:2000])
    return JsonResponse(
        {
            "results": [
                {
                    "kbitem": service.kbitem_id,
                    "title": service.name,
                    "url": service.get_absolute_url(),
                    "summary": Truncator(service.short_text).chars(220),
                }
                for service in found
            ]
        }
    )


@require_POST
def suggestion_feedback(request: HttpRequest) -> HttpResponse:
    """Counts "Hat das Ihre Frage beantwortet?": JSON for the script, a redirect back to the
    form (with a thank-you) without it."""
    choice = request.POST.get("feedback", "")
    try:
        services.record_feedback(
            int(request.POST.get("kbitem", "")), choice, request.POST.get("page", "")
        )
    except (ValueError, KBItem.DoesNotExist):
        return JsonResponse({"error": _("This suggestion can no longer be rated.")}, status=400)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"recorded": choice})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("ulm_knowledge:services")
    return redirect(f"{back.split('?')[0].split('#')[0]}?rueckmeldung={choice}#kb-vorschlaege")


def service_index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:500]
    context = {
        "query": query,
        "results": services.search_services(query) if query else None,
        "groups": services.services_a_to_z(),
    }
    return render(request, "ulm_knowledge/service_index.html", context)


def service_detail(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(services.published_services(), slug=slug)
    city = servicepoint_conf.get("ULM_SERVICEPOINT_CITY_NAME")
    jsonld = services.service_jsonld(service, request.build_absolute_uri(), city)
    context = {"service": service, "jsonld": jsonld, **service_pages.page_context(service)}
    return render(request, "ulm_knowledge/service_detail.html", context)


def service_by_uuid(request: HttpRequest, uuid: str) -> HttpResponse:
    """The old address of a service page (by its uuid) moved for good to the readable one."""
    service = get_object_or_404(services.published_services(), uuid=uuid)
    return redirect(service.get_absolute_url(), permanent=True)


@staff_member_required
def knowledge_gaps(request: HttpRequest) -> HttpResponse:
    gaps = services.knowledge_gaps(tickets_visible_to(request.user))
    return render(request, "ulm_knowledge/gaps.html", {"gaps": gaps})


@staff_member_required
@require_POST
def draft_from_ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = get_object_or_404(tickets_visible_to(request.user), pk=ticket_id)
    try:
        answer = services.draft_from_ticket(ticket, request.user)  # type: ignore[arg-type]
    except services.LifecycleError as exc:
        messages.error(request, str(exc))
        return redirect("ulm_knowledge:gaps")
    messages.success(request, _("Draft created; it is published after review by a second person."))
    return redirect("admin:ulm_knowledge_answer_change", answer.pk)


def host_kb_index(request: HttpRequest) -> HttpResponse:
    """The host's "Wissensdatenbank" (``/helpdesk/kb/``) lists only the host's categories: staff
    get our services A–Z and search; citizens keep the host's public page."""
    if request.user.is_staff:
        return redirect("ulm_knowledge:services")
    return kb.index(request)
