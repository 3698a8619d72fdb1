"""Views of ulm_knowledge: the agent's one click that inserts an answer into a ticket's reply."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from helpdesk.models import KBItem

from ulm_knowledge import services
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
