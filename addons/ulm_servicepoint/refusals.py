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


# The database is away (restarted, failed over, unreachable): not a fault of the page, and over
# in seconds to minutes. People get a German "temporarily unavailable" with Retry-After instead
# of the error page, load balancers a 503. Rendered without a request context: nothing here may
# need the database.
UNAVAILABLE_SECONDS = 30


def database_unavailable(exc: BaseException | None) -> bool:
    """True when ``exc`` (or what caused it) says the database cannot be reached."""
    from django.db.utils import InterfaceError, OperationalError
    from psycopg import errors as pg_errors

    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OperationalError | InterfaceError | pg_errors.OperationalError):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 handler (config/urls.py): 503 in German while the database is away, the
    static 500 page for every other fault. Called inside Django's ``except`` block, so the
    exception is ``sys.exc_info()``."""
    import sys

    if not database_unavailable(sys.exc_info()[1]):
        return HttpResponse(
            render_to_string("500.html"), status=500, content_type="text/html; charset=utf-8"
        )
    if wants_json(request):
        response: HttpResponse = JsonResponse(
            {"error": "Der Dienst ist vorübergehend nicht erreichbar. Bitte gleich noch einmal."},
            status=503,
        )
    else:
        response = HttpResponse(
            render_to_string("503.html"), status=503, content_type="text/html; charset=utf-8"
        )
    response["Retry-After"] = str(UNAVAILABLE_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
