"""Pages of the citizens' rights for the data-protection officer (permission
``ulm_privacy.handle_data_requests``): finding a citizen, asking for and downloading the Art. 15
package, and the Art. 17 erasure with its confirm step. Every state change is a POST; every bad
input a German 4xx; anyone else gets a German 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ulm_privacy import rights
from ulm_privacy.audit import record
from ulm_privacy.models import AccessRequest
from ulm_servicepoint import services as platform
from ulm_servicepoint.refusals import refuse

PERMISSION = "ulm_privacy.handle_data_requests"
QUERY_MAX = 200


def officer_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @login_required
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm(PERMISSION):
            return refuse(
                request, _("Only the data-protection officer may open this page."), status=403
            )
        return view(request, *args, **kwargs)

    return guarded


def _citizen(uuid: Any) -> Any:
    found = platform.citizen_by_uuid(uuid)
    if found is None:
        raise Http404
    return found


@officer_only
@require_GET
def rights_index(request: HttpRequest) -> HttpResponse:
    """Search for a citizen; the packages asked for so far."""
    query = request.GET.get("q", "")
    if len(query) > QUERY_MAX:
        return refuse(request, _("Please search with at most 200 characters."), status=400)
    query = query.strip()
    found = list(platform.find_citizens(query)) if query else []
    if query:
        record(
            request.user, "search", "ulm_servicepoint.citizen", "", request.path, hits=len(found)
        )
    return render(
        request,
        "ulm_privacy/rights/index.html",
        {
            "query": query,
            "searched": bool(query),
            "found": found,
            "query_too_short": 0 < len(query) < 2,
            "requests": rights.requests_listed(),
        },
    )


@officer_only
@require_POST
def rights_request(request: HttpRequest) -> HttpResponse:
    """Asks for the Art. 15 package about a citizen (``buerger``) or a search (``angabe``)."""
    citizen = None
    picked = request.POST.get("buerger", "").strip()[:64]
    if picked:
        citizen = platform.citizen_by_uuid(picked)
        if citizen is None:
            return refuse(request, _("This citizen does not exist (any more)."), status=404)
    query = request.POST.get("angabe", "")
    if len(query) > QUERY_MAX:
        return refuse(request, _("Please search with at most 200 characters."), status=400)
    try:
        rights.request_package(request.user, citizen, query, path=request.path)
    except rights.PackageInvalid as invalid:
        return refuse(request, str(invalid), status=400)
    messages.success(
        request, _("The package is being prepared; it appears in the list when it is ready.")
    )
    return redirect("ulm_privacy:rights")


@officer_only
@require_GET
def rights_download(request: HttpRequest, uuid: Any) -> HttpResponseBase:
    """The ZIP of one ready package."""
    access = get_object_or_404(AccessRequest, uuid=uuid)
    if access.state != AccessRequest.State.DONE or not access.file:
        return refuse(request, _("This package is not ready (yet)."), status=404)
    try:
        handle = rights.open_package(access, request.user, path=request.path)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=rights.access.download_name(access),
        content_type="application/zip",
    )
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@officer_only
@require_http_methods(["GET", "HEAD", "POST"])
def rights_erasure(request: HttpRequest, uuid: Any) -> HttpResponse:
    """GET: what erasing the citizen would do, and what stands in the way; POST (confirmed):
    erase."""
    citizen = _citizen(uuid)
    check = rights.erasure_check(citizen)
    if request.method == "POST":
        if request.POST.get("bestaetigt", "") != "ja":
            return refuse(request, _("Please confirm the erasure by ticking the box."), status=400)
        try:
            rights.erase_citizen(citizen, request.user, path=request.path)
        except rights.ErasureRefused as refused:
            return refuse(
                request,
                _("The data may not be erased now: %(reasons)s")
                % {"reasons": " ".join(refused.reasons)},
                status=409,
            )
        messages.success(request, _("The citizen's personal data has been erased."))
        return redirect("ulm_privacy:rights")
    record(request.user, "view", "ulm_servicepoint.citizen", citizen.pk, request.path)
    references = platform.references_of([t.pk for t in check.tickets])
    return render(
        request,
        "ulm_privacy/rights/erasure.html",
        {
            "citizen": citizen,
            "reasons": check.reasons,
            "tickets": [references.get(t.pk, "") for t in check.tickets],
        },
    )
