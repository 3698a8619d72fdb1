"""HTTP endpoints of ulm_servicepoint: health and a worker check for operators."""

from django.contrib.admin.views.decorators import staff_member_required
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from ulm_servicepoint import services


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: database reachable, worker alive. No personal data."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    worker = services.worker_status()
    return JsonResponse({"database": "ok", "worker": worker}, status=200)


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
