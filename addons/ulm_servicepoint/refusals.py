"""German answers for requests we refuse (4xx): an HTML page for people, JSON for programs.

Bad input is the sender's mistake, never a server error: every guard (input limits, the host's
views behind ``host_guard``) answers through ``refuse``, which says in one German sentence what
was wrong. Nothing is written when a request is refused.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

TITLES = {
    400: gettext_lazy("The request could not be processed"),
    403: gettext_lazy("Access denied"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Not possible this way"),
    413: gettext_lazy("Too much data"),
    503: gettext_lazy("Not available yet"),
}


def wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return (
        request.content_type == "application/json"
        or "/api/" in request.path
        or ("application/json" in accept and "text/html" not in accept)
    )


def refuse(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    """A German 4xx answer saying ``message``; JSON ``{"error": …}`` for API clients."""
    if wants_json(request):
        return JsonResponse({"error": message}, status=status)
    html = render_to_string(
        "ulm_servicepoint/refused.html",
        {"title": TITLES.get(status, TITLES[400]), "message": message, "status": status},
    )
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")


# Django's error handlers (config/urls.py): German, and JSON for API clients.
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return refuse(
        request,
        _(
            "The request contained something we cannot process. Please check your entries "
            "and try again."
        ),
        400,
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return refuse(
        request,
        _(
            "You may not open this page. If you think you should, please contact the "
            "administration."
        ),
        403,
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return refuse(request, _("This page does not exist (any more). Please check the address."), 404)
