"""The audit log: who viewed, searched, exported, changed or deleted personal data, and when.

- ``record()`` writes one event; every part that touches personal data calls it (through
  ``ulm_privacy.services``).
- ``RULES`` says which pages show, search, export or change personal data: one row per URL
  name. ``AuditMiddleware`` (ulm_privacy.middleware) looks the resolved URL name up there and
  records the event after the view answered successfully (``event_for``).
- Changes made in Django's admin are recorded from its LogEntry (ulm_privacy.receivers).
- The log is append-only in PostgreSQL (migration 0002: a trigger refuses UPDATE and DELETE);
  only ``purge_expired`` deletes, events older than ``ULM_PRIVACY_AUDIT_RETENTION_MONTHS``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ulm_privacy.models import AuditEvent

logger = logging.getLogger(__name__)

ACTIONS = {
    "view": _("viewed"),
    "search": _("searched"),
    "export": _("exported"),
    "change": _("changed"),
    "delete": _("deleted"),
    "correct": _("corrected (Art. 16)"),
    "art15": _("access request (Art. 15)"),
    "art17": _("erasure (Art. 17)"),
}
# what the object types are called on the data-protection officer's page (model labels, as
# Django's admin and its LogEntry name them, so that a page view and an admin change of the
# same object carry the same type and id)
OBJECT_TYPES = {
    "helpdesk.ticket": _("Ticket"),
    "ulm_servicepoint.citizen": _("Citizen"),
    "ulm_servicepoint.caserecord": _("Case values"),
    "helpdesk.followupattachment": _("Attachment"),
    "file": _("Stored file"),
    "ulm_kpi.figures": _("Key figures"),
    "ulm_kpi.monthlyreport": _("Monthly report"),
    "ulm_kpi.qualitysample": _("Quality sample"),
    "ulm_routing.handoff": _("Handoff"),
    "ulm_routing.callback": _("Callback request"),
    "ulm_privacy.auditevent": _("Audit log"),
}
QUERY_LIMIT = 200  # characters of a search query kept
PARAM_LIMIT = 100  # characters of any other parameter kept


def record(
    user: Any,
    action: str,
    object_type: str = "",
    object_id: object = "",
    path: str = "",
    **detail: Any,
) -> AuditEvent:
    """Writes one event in the caller's transaction. ``action`` is one of view, search, export,
    change, delete, correct, art15, art17; ``detail`` holds no more personal data than needed."""
    authenticated = bool(getattr(user, "is_authenticated", False))
    return AuditEvent.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        path=path[:500],
        detail=detail,
    )


# --- What the pages do -----------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """What a successful request to one URL name does with personal data.

    ``read``: the action of a GET/HEAD answered 2xx ("" = nothing recorded); ``write``: the
    action of any other method answered below 400 (a redirect after a POST, the API's 2xx).
    ``kwarg``: the URL argument naming the object; ``query``: a GET parameter that makes the
    GET a search (recorded only when it is not empty; its value is kept, see README);
    ``params``: further GET parameters kept in the detail (filters of an export).
    ``resolve``: instead of all that, a function (request, kwargs) -> (action, object_type,
    object_id, detail) or None, for the pages whose object is not in the URL.
    """

    object_type: str = "helpdesk.ticket"
    kwarg: str = "ticket_id"
    read: str = "view"
    write: str = "change"
    query: str = ""
    params: tuple[str, ...] = ()
    resolve: Callable[[HttpRequest, dict[str, Any]], tuple | None] | None = None


Event = tuple[str, str, str, dict[str, Any]]  # action, object type, object id, detail


def _kept(value: str, limit: int = PARAM_LIMIT) -> str:
    return " ".join(value.split())[:limit]


def _mass_update(request: HttpRequest, kwargs: dict[str, Any]) -> Event | None:
    """The host's bulk actions on the ticket list: which tickets, and whether deleted."""
    if request.method in ("GET", "HEAD"):
        return None
    ids = [_kept(pk, 20) for pk in request.POST.getlist("ticket_id")[:1000]]
    action = _kept(request.POST.get("action", ""), 40)
    return (
        "delete" if action == "delete" else "change",
        "helpdesk.ticket",
        ids[0] if len(ids) == 1 else "",
        {"tickets": ids, "bulk": action},
    )


def _worklist_bulk(request: HttpRequest, kwargs: dict[str, Any]) -> Event | None:
    if request.method in ("GET", "HEAD"):
        return None
    ids = [_kept(pk, 20) for pk in request.POST.getlist("fall")[:1000]]
    return (
        "change",
        "helpdesk.ticket",
        ids[0] if len(ids) == 1 else "",
        {"tickets": ids, "bulk": _kept(request.POST.get("aktion", ""), 40)},
    )


def _merge(request: HttpRequest, kwargs: dict[str, Any]) -> Event | None:
    ids = [_kept(pk, 20) for pk in request.GET.getlist("tickets")[:20]]
    if not ids:
        return None
    action = "view" if request.method in ("GET", "HEAD") else "change"
    return action, "helpdesk.ticket", "", {"tickets": ids, "merge": True}


def _citizen_pk(uuid: str) -> str:
    from django.apps import apps

    citizen = apps.get_model("ulm_servicepoint", "Citizen")
    try:
        pk = citizen.objects.filter(uuid=uuid).values_list("pk", flat=True).first()
    except Exception:  # a value that is no UUID: no citizen was shown
        return ""
    return str(pk) if pk is not None else ""


def _capture(request: HttpRequest, kwargs: dict[str, Any]) -> Event | None:
    """The capture screen shows a known citizen's details (``?buerger=<uuid>``); its POST with
    a picked citizen (``c-citizen``) updates that person's details."""
    if request.method in ("GET", "HEAD"):
        known = request.GET.get("buerger", "")
        action = "view"
    else:
        known = request.POST.get("c-citizen", "")
        action = "change"
    pk = _citizen_pk(known[:64]) if known else ""
    if not pk:
        return None
    return action, "ulm_servicepoint.citizen", pk, {}


def _admin(request: HttpRequest, kwargs: dict[str, Any]) -> Event | None:
    """Django's admin: looking at a record of personal data (its change and history pages) and
    searching its lists. Changes there are recorded from the admin's own log (receivers)."""
    if request.resolver_match is None:
        return None
    name = request.resolver_match.url_name or ""
    if request.method not in ("GET", "HEAD"):
        return _admin_bulk_delete(request, name)
    for suffix in ("_change", "_history", "_delete", "_changelist"):
        if name.endswith(suffix):
            label = name[: -len(suffix)]
            break
    else:
        return None
    app, _sep, model = label.partition("_")
    object_type = _admin_label(app, model)
    if object_type not in PERSONAL_ADMIN_MODELS:
        return None
    if suffix == "_changelist":
        query = _kept(request.GET.get("q", ""), QUERY_LIMIT)
        return ("search", object_type, "", {"query": query}) if query else None
    return "view", object_type, _kept(str(kwargs.get("object_id", "")), 64), {}


def _admin_bulk_delete(request: HttpRequest, name: str) -> Event | None:
    """The list's "delete selected" action, confirmed: its LogEntries are written with
    bulk_create (no signal) when more than one record goes, so it is recorded here; a single
    record is recorded from its LogEntry (receivers)."""
    post = request.POST
    ids = post.getlist("_selected_action")
    if not (
        name.endswith("_changelist")
        and post.get("action") == "delete_selected"
        and post.get("post") == "yes"
        and len(ids) > 1
    ):
        return None
    app, _sep, model = name[: -len("_changelist")].partition("_")
    return (
        "delete",
        _admin_label(app, model),
        "",
        {"admin": "delete", "objects": [_kept(pk, 64) for pk in ids[:1000]]},
    )


def _admin_label(app: str, model: str) -> str:
    """``ulm_servicepoint_citizen`` splits at the first underscore wrongly; find the app whose
    label the URL name starts with."""
    from django.apps import apps

    full = f"{app}_{model}"
    for config in apps.get_app_configs():
        prefix = config.label + "_"
        if full.startswith(prefix):
            return f"{config.label}.{full[len(prefix) :]}"
    return f"{app}.{model}"


# Models whose admin pages show personal data (a citizen's details, a request's text, a caller's
# number, a mail): viewing and searching them is recorded.
PERSONAL_ADMIN_MODELS = frozenset(
    {
        "auth.user",
        "helpdesk.ticket",
        "helpdesk.followup",
        "helpdesk.followupattachment",
        "helpdesk.ticketcc",
        "ulm_servicepoint.citizen",
        "ulm_servicepoint.caserecord",
        "ulm_channels.heldsubmission",
        "ulm_channels.call",
        "ulm_channels.inboundmail",
        "ulm_channels.outboundmail",
        "ulm_channels.undeliverableaddress",
        "ulm_channels.satisfactionrating",
        "ulm_routing.handoff",
        "ulm_routing.callback",
        "ulm_routing.escalation",
    }
)

TICKET_READ = Rule(write="")
TICKET_WRITE = Rule(read="")
TICKET_PAGE = Rule()
KPI_FILTERS = ("von", "bis", "zeitraum", "abteilung", "kanal", "anliegenart")

RULES: dict[str, Rule] = {
    # the host's ticket pages (helpdesk/tickets/<id>/…), behind ulm_servicepoint.host_guard
    "helpdesk:view": TICKET_READ,
    "helpdesk:edit": TICKET_PAGE,
    "helpdesk:update": TICKET_WRITE,
    "helpdesk:delete": Rule(write="delete"),
    "helpdesk:hold": TICKET_WRITE,
    "helpdesk:unhold": TICKET_WRITE,
    "helpdesk:followup_edit": TICKET_PAGE,
    "helpdesk:followup_delete": Rule(read="", write="delete"),
    "helpdesk:ticket_cc": TICKET_READ,
    "helpdesk:ticket_cc_add": TICKET_PAGE,
    "helpdesk:ticket_cc_del": TICKET_PAGE,
    "helpdesk:ticket_dependency_add": TICKET_WRITE,
    "helpdesk:ticket_dependency_del": TICKET_WRITE,
    "helpdesk:ticket_resolves_add": TICKET_WRITE,
    "helpdesk:ticket_resolves_del": TICKET_WRITE,
    "helpdesk:attachment_del": Rule(read="", write="delete"),
    "helpdesk:attachment_preview": TICKET_READ,
    "helpdesk:edit_ticket_checklist": TICKET_WRITE,
    "helpdesk:delete_ticket_checklist": TICKET_WRITE,
    "helpdesk:merge_tickets": Rule(resolve=_merge),
    "helpdesk:mass_update": Rule(resolve=_mass_update),
    "helpdesk:list": Rule(object_type="", kwarg="", read="search", write="", query="q"),
    "helpdesk:ticket-detail": Rule(kwarg="pk", write="change"),
    # our pages of a ticket
    "ulm_servicepoint:case_edit": TICKET_PAGE,
    "ulm_servicepoint:triage_case": TICKET_PAGE,
    "ulm_routing:forward": TICKET_PAGE,
    "ulm_knowledge:draft": TICKET_PAGE,
    "ulm_knowledge:give-answer": TICKET_WRITE,
    "ulm_kpi:quality_review": Rule(object_type="ulm_kpi.qualitysample", kwarg="sample_id"),
    "ulm_routing:handoff_action": Rule(object_type="ulm_routing.handoff", kwarg="uuid", read=""),
    "ulm_routing:callback_action": Rule(object_type="ulm_routing.callback", kwarg="uuid", read=""),
    # searches (the query is kept: it is what was looked for)
    "ulm_servicepoint:worklist": Rule(object_type="", kwarg="", read="search", write="", query="q"),
    "ulm_routing:worklist": Rule(object_type="", kwarg="", read="search", write="", query="q"),
    "ulm_servicepoint:worklist_bulk": Rule(resolve=_worklist_bulk),
    # a caller's number looked up on the capture start; a known citizen on the capture screen
    "ulm_servicepoint:capture_start": Rule(
        object_type="ulm_servicepoint.citizen", kwarg="", read="search", write="", query="telefon"
    ),
    "ulm_servicepoint:capture": Rule(resolve=_capture),
    # exports and downloads
    "ulm_servicepoint:protected_file": Rule(
        object_type="file", kwarg="name", read="export", write=""
    ),
    "ulm_kpi:export": Rule(
        object_type="ulm_kpi.figures", kwarg="fmt", read="export", write="", params=KPI_FILTERS
    ),
    "ulm_kpi:report_pdf": Rule(
        object_type="ulm_kpi.monthlyreport", kwarg="report_id", read="export", write=""
    ),
}


def rule_for(view_name: str) -> Rule | None:
    """The rule of a resolved URL name (``namespace:name``); every admin page goes through
    one rule that knows which models hold personal data."""
    rule = RULES.get(view_name)
    if rule is None and view_name.startswith("admin:"):
        return ADMIN_RULE
    return rule


ADMIN_RULE = Rule(resolve=_admin)


def _written(status: int, content_type: str) -> bool:
    """Whether a POST (PUT, PATCH, DELETE) did what it asked: a form redirects when it saved
    (shown again, 200 or 400, when it did not); the API and the pages' scripts answer 2xx."""
    if 300 <= status < 400:
        return True
    return 200 <= status < 300 and not content_type.startswith("text/html")


def event_for(
    request: HttpRequest, rule: Rule, status: int, content_type: str = "text/html"
) -> Event | None:
    """What a finished request did under ``rule``, or None when nothing is to be recorded
    (a refusal, a 404, a page that showed no one's data)."""
    reading = request.method in ("GET", "HEAD")
    if not (200 <= status < 300 if reading else _written(status, content_type)):
        return None
    match = request.resolver_match
    kwargs = dict(match.kwargs) if match is not None else {}
    if rule.resolve is not None:
        return rule.resolve(request, kwargs)
    action = rule.read if reading else rule.write
    if not action:
        return None
    if request.method == "DELETE" and action == "change":
        action = "delete"  # the API's DELETE of a ticket
    detail: dict[str, Any] = {}
    if rule.query:
        query = _kept(request.GET.get(rule.query, ""), QUERY_LIMIT)
        if not query and action == "search":
            return None
        if query:
            detail["query"] = query
    for name in rule.params:
        if request.GET.get(name):
            detail[name] = _kept(request.GET[name])
    object_id = str(kwargs.pop(rule.kwarg, "")) if rule.kwarg else ""
    # other ids of the URL (a follow-up, an attachment) say what exactly
    detail.update({key: _kept(str(value), 64) for key, value in kwargs.items()})
    return action, rule.object_type, object_id, detail


RECORD_ARGUMENTS = frozenset({"user", "action", "object_type", "object_id", "path"})


def record_request(request: HttpRequest, event: Event) -> AuditEvent:
    """Records ``event`` for the request's user. Inside a transaction (a change) in a savepoint
    of its own: a failure leaves the caller's transaction usable, and the event is as durable as
    the change. Otherwise (a page read) in a transaction of its own whose commit does not wait
    for the disk (``synchronous_commit = off``): the WAL flush was most of the event's cost on
    the ticket page (6 ms of 7 at the median, see README); a crash of the database server may
    lose the events of its last fraction of a second (never half of one).
    ``ULM_PRIVACY_AUDIT_SYNCHRONOUS = True`` makes every commit wait."""
    action, object_type, object_id, detail = event
    # a URL argument named like one of record()'s own (a handoff's <action>) keeps a prefix
    detail = {f"url_{key}" if key in RECORD_ARGUMENTS else key: v for key, v in detail.items()}
    if connection.in_atomic_block:  # a change: the event commits (or not) with it
        with transaction.atomic():
            return record(request.user, action, object_type, object_id, request.path, **detail)
    with transaction.atomic():
        if not getattr(settings, "ULM_PRIVACY_AUDIT_SYNCHRONOUS", False):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        return record(request.user, action, object_type, object_id, request.path, **detail)


# --- Retention ---------------------------------------------------------------------------------
DEFAULT_RETENTION_MONTHS = 24
PURGE_BATCH = 5000
# the model's own table name is filled in; the values are parameters
DELETE_OLDEST = (
    "DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE at < %s ORDER BY at LIMIT %s)"
)


def retention_months() -> int:
    return getattr(settings, "ULM_PRIVACY_AUDIT_RETENTION_MONTHS", DEFAULT_RETENTION_MONTHS)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` earlier (the month's last day if it is shorter)."""
    import calendar

    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def retention_cutoff(now: datetime | None = None) -> datetime:
    """Events before this moment are due for deletion."""
    return months_before(now or timezone.now(), retention_months())


def purge_expired(now: datetime | None = None, batch: int = PURGE_BATCH) -> int:
    """Deletes the events older than the retention period, ``batch`` rows per transaction (a
    short lock each); the only way rows leave the log (the trigger refuses every other DELETE).
    Returns how many were deleted."""
    cutoff = retention_cutoff(now)
    deleted = 0
    table = AuditEvent._meta.db_table
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('ulm_privacy.audit_retention', 'on', true)")
            try:
                cursor.execute(DELETE_OLDEST.format(table=table), [cutoff, batch])
                count = cursor.rowcount
            finally:
                # called inside a caller's transaction, the switch would outlive this batch
                cursor.execute("SELECT set_config('ulm_privacy.audit_retention', 'off', true)")
        deleted += count
        if count < batch:
            break
    if deleted:
        logger.info("audit log: %d events older than %s deleted", deleted, cutoff)
    return deleted
