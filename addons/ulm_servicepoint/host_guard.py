"""The host's URL map, every view behind our guards.

django-helpdesk is used unmodified, but not trusted (DESIGN.md §3): some of its views change
state on GET (so an image in a citizen's message acts with the viewer's rights), turn bad values
into server errors, or offer more tickets than the user may see. ``host_urlpatterns()`` rebuilds
the host's URL patterns, same paths and names, with each view wrapped by ``guarded()``:

1. **No state change on GET.** A view listed with ``state_change`` (or a query parameter in
   ``state_change_params``) answers GET with a German confirmation page whose button POSTs
   (with CSRF) to the same address; only that POST reaches the host.
2. **Objects named in the URL are the user's to see** (``tickets_visible_to``), and a
   follow-up, attachment, CC, dependency or checklist id belongs to the ticket in the URL;
   otherwise 404.
3. **Checks** of the values a view would choke on (``CHECKS`` and ``register_host_check``):
   each returns a German sentence, answered as a 400 before the host runs.
4. **Writes are atomic**, and an input error the checks did not foresee is a 400 in German,
   rolled back, never a 500.
5. **JSON the host's own scripts insert as HTML** is escaped (``escape_json``).

Addons take part through ``register_host_check`` (e.g. ulm_knowledge: votes only on published
items) and ``register_host_view`` (a view of ours in place of the host's, same URL and name,
e.g. the dependency pickers limited to visible tickets).
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_servicepoint.refusals import refuse

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

logger = logging.getLogger(__name__)

Check = Callable[[HttpRequest, dict[str, Any]], str | None]
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Exceptions the host raises on values it did not expect (int("abc"), a missing object, a
# base64 string that is no JSON …): the sender's mistake, answered with 400.
INPUT_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    ValidationError,
    ObjectDoesNotExist,
    DatabaseError,
    binascii.Error,
)
DIGITS = re.compile(r"^\d{1,18}$")


@dataclass(frozen=True)
class Guard:
    """What one host view needs beyond what the host does itself."""

    # non-empty: the view changes state whenever it runs; GET gets a confirmation page
    state_change: StrOrPromise = ""
    # query parameters that make a GET change state (the ticket page's ?take, ?close …)
    state_change_params: tuple[tuple[str, StrOrPromise], ...] = ()
    # the host's own scripts insert the JSON rows of this view as HTML: escape their strings
    escape_json: bool = False
    # fields those scripts escape themselves (left as they are)
    keep_json: tuple[str, ...] = ()
    # fields whose null the host's scripts would write as the text "null": empty instead
    blank_json: tuple[str, ...] = ()
    # the host refuses a foreign ticket itself, in a friendlier way than our 404 (the ticket
    # page sends the clerk back to his list with a message)
    host_refuses_foreign: bool = False


GUARDS: dict[str, Guard] = {
    "hold": Guard(state_change=gettext_lazy("Put the ticket on hold")),
    "unhold": Guard(state_change=gettext_lazy("Take the ticket off hold")),
    "followup_delete": Guard(state_change=gettext_lazy("Delete the follow-up")),
    "kb_vote": Guard(state_change=gettext_lazy("Vote for the knowledge base item")),
    "view": Guard(
        host_refuses_foreign=True,
        state_change_params=(
            ("take", gettext_lazy("Take the ticket")),
            ("subscribe", gettext_lazy("Subscribe to the ticket's updates")),
            ("close", gettext_lazy("Accept the resolution and close the ticket")),
        ),
    ),
    "public_view": Guard(
        state_change_params=(("close", gettext_lazy("Accept the resolution and close")),)
    ),
    # the ticket list's table writes every column but the title (escaped by its script) as HTML
    # (a ticket without a submitter, e.g. from a phone call, has none: "null" on the page)
    "datatables_ticket_list": Guard(
        escape_json=True, keep_json=("title",), blank_json=("submitter",)
    ),
    # "my tickets" writes the title with $('<div>').html(…) and the submitter into a link
    "user_tickets-list": Guard(escape_json=True),
}
CHECKS: dict[str, list[Check]] = {}
REPLACEMENTS: dict[str, Callable[..., HttpResponse]] = {}


def register_host_check(url_name: str, check: Check) -> None:
    """Adds ``check(request, url_kwargs) -> German message | None`` to a host view."""
    checks = CHECKS.setdefault(url_name, [])
    if check not in checks:
        checks.append(check)


def register_host_view(url_name: str, view: Callable[..., HttpResponse]) -> None:
    """Serves ``view`` instead of the host's view of that name (same URL, same guards)."""
    REPLACEMENTS[url_name] = view


# --- Objects named in the URL ------------------------------------------------------------------
def _objects_visible(request: HttpRequest, kwargs: dict[str, Any]) -> bool:
    """The ticket in the URL is visible to the user, and the other ids belong to it."""
    ticket_id = kwargs.get("ticket_id")
    if ticket_id is None or not request.user.is_authenticated:
        return True  # nothing to check, or the host sends the anonymous user to the login
    from helpdesk.models import (
        Checklist,
        FollowUp,
        FollowUpAttachment,
        TicketCC,
        TicketDependency,
    )

    from ulm_servicepoint.services import tickets_visible_to

    if not tickets_visible_to(request.user).filter(pk=ticket_id).exists():
        return False
    owned = {
        "followup_id": lambda pk: FollowUp.objects.filter(pk=pk, ticket_id=ticket_id),
        "attachment_id": lambda pk: FollowUpAttachment.objects.filter(
            pk=pk, followup__ticket_id=ticket_id
        ),
        "cc_id": lambda pk: TicketCC.objects.filter(pk=pk, ticket_id=ticket_id),
        "dependency_id": lambda pk: TicketDependency.objects.filter(pk=pk, ticket_id=ticket_id),
        "checklist_id": lambda pk: Checklist.objects.filter(pk=pk, ticket_id=ticket_id),
    }
    return all(query(kwargs[name]).exists() for name, query in owned.items() if name in kwargs)


# --- The wrapper --------------------------------------------------------------------------------
def _confirmation(request: HttpRequest, action: str) -> HttpResponse:
    """A GET that would change state: the question, and a button that POSTs it."""
    return render(
        request,
        "ulm_servicepoint/confirm_action.html",
        {"action": action, "target": request.get_full_path()},
    )


def _state_change(guard: Guard, request: HttpRequest) -> str:
    if guard.state_change:
        return str(guard.state_change)
    for param, label in guard.state_change_params:
        if param in request.GET:
            return str(label)
    return ""


def _escape(value: Any, keep: tuple[str, ...]) -> Any:
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dict):
        return {k: v if k in keep else _escape(v, keep) for k, v in value.items()}
    if isinstance(value, list):
        return [_escape(v, keep) for v in value]
    return value


def _escape_response(response: HttpResponse, guard: Guard) -> HttpResponse:
    """Escapes the JSON of a host response whose rows its own scripts insert as HTML."""
    data = getattr(response, "data", None)
    if data is not None and not getattr(response, "is_rendered", True):  # DRF, not rendered
        key = "results" if isinstance(data, dict) and "results" in data else None
        rows = data[key] if key else data
        escaped = _escape(rows, guard.keep_json)
        if key:
            data[key] = escaped
        else:
            response.data = escaped  # type: ignore[attr-defined]
        return response
    if isinstance(response, JsonResponse):
        document = json.loads(response.content)
        if isinstance(document, dict) and isinstance(document.get("data"), list):
            document["data"] = [
                {**row, **{k: "" for k in guard.blank_json if row.get(k) is None}}
                if isinstance(row, dict)
                else row
                for row in _escape(document["data"], guard.keep_json)
            ]
            response.content = json.dumps(document).encode()
    return response


def guarded(name: str, view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``view`` (the host's, or its registered replacement) behind our guards."""

    @functools.wraps(view)
    def guarded_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        guard = GUARDS.get(name, Guard())
        target = REPLACEMENTS.get(name, view)
        if "ticket_id" in kwargs and not request.user.is_authenticated:
            # a ticket's pages are staff pages: the login first, not a confirmation page
            return redirect_to_login(request.get_full_path())
        if not guard.host_refuses_foreign and not _objects_visible(request, kwargs):
            return refuse(request, _("This ticket does not exist or is not yours to see."), 404)
        if request.method in ("GET", "HEAD"):
            action = _state_change(guard, request)
            if action:
                return _confirmation(request, action)
        for check in CHECKS.get(name, []):
            message = check(request, kwargs)
            if message:
                return refuse(request, message, 400)
        try:
            if request.method in SAFE_METHODS:
                response = target(request, *args, **kwargs)
            else:
                with transaction.atomic():
                    response = target(request, *args, **kwargs)
        except INPUT_ERRORS as error:
            logger.warning("host view %s refused a request: %r", name, error, exc_info=True)
            return refuse(
                request,
                _("A value in the request is not valid here; nothing was changed."),
                400,
            )
        if guard.escape_json:
            response = _escape_response(response, guard)
        return response

    return guarded_view


def _wrap(pattern: URLPattern | URLResolver) -> URLPattern | URLResolver:
    if isinstance(pattern, URLResolver):
        return URLResolver(
            pattern.pattern,
            [_wrap(p) for p in pattern.url_patterns],
            pattern.default_kwargs,
            pattern.app_name,
            pattern.namespace,
        )
    return URLPattern(
        pattern.pattern,
        guarded(pattern.name or "", pattern.callback),
        pattern.default_args,
        pattern.name,
    )


def host_urlpatterns() -> list[URLPattern | URLResolver]:
    """The host's URL patterns (``helpdesk.urls``), each view guarded."""
    from helpdesk import urls

    return [_wrap(p) for p in urls.urlpatterns]


# --- Checks of the host's staff views ----------------------------------------------------------
def _int_or_none(value: Any) -> int | None:
    text = str(value).strip()
    if text.startswith("-") and DIGITS.match(text[1:]):
        return -int(text[1:])
    return int(text) if DIGITS.match(text) else None


def _may_own(user_id: int, ticket_ids: list[int]) -> bool:
    """Whether the user may be assigned these tickets: active staff who may see each of them
    (an owner outside the department would gain access to its citizens' data)."""
    from django.contrib.auth import get_user_model
    from helpdesk.models import Ticket

    from ulm_servicepoint.services import tickets_visible_to

    owner = get_user_model().objects.filter(pk=user_id, is_active=True, is_staff=True).first()
    if owner is None:
        return False
    visible = tickets_visible_to(owner).filter(pk__in=ticket_ids).count()
    return visible == Ticket.objects.filter(pk__in=ticket_ids).count()


def check_ticket_update(request: HttpRequest, kwargs: dict[str, Any]) -> str | None:
    """The ticket page's update form: owner, status, priority, time spent, comment."""
    if request.method != "POST":
        return None
    from helpdesk.models import Ticket

    data = request.POST
    owner = data.get("owner", "-1").strip() or "0"
    owner_id = _int_or_none(owner)
    if owner_id is None or owner_id < -1:
        return _("“%(field)s” is not a valid user.") % {"field": _("Owner")}
    if owner_id > 0 and not _may_own(owner_id, [int(kwargs["ticket_id"])]):
        return _("The chosen owner cannot work on this department's tickets.")
    if "new_status" in data:
        status = _int_or_none(data["new_status"])
        if status not in dict(Ticket.STATUS_CHOICES):
            return _("“%(field)s” is not a valid status.") % {"field": _("Status")}
    if "priority" in data and _int_or_none(data["priority"]) not in dict(Ticket.PRIORITY_CHOICES):
        return _("“%(field)s” is not a valid priority.") % {"field": _("Priority")}
    spent = data.get("time_spent", "")
    if spent and not re.match(r"^\d{1,4}:\d{1,2}$", spent):
        return _("“%(field)s” must be given as hours:minutes, e.g. 1:30.") % {
            "field": _("Time spent")
        }
    if len(data.get("comment", "")) > 50_000:
        return _("The comment may be at most %(limit)s characters long.") % {"limit": "50.000"}
    return None


def check_mass_update(request: HttpRequest, kwargs: dict[str, Any]) -> str | None:
    """The ticket list's bulk actions: ticket ids and one known action."""
    if request.method != "POST":
        return None
    ids = request.POST.getlist("ticket_id")
    if len(ids) > 1000 or not all(DIGITS.match(i) for i in ids):
        return _("The selected tickets are not valid.")
    action = request.POST.get("action", "")
    plain = {"take", "unassign", "close", "close_public", "delete", "merge", "kbitem_none"}
    if not action or action in plain:
        return None
    kind, _sep, number = action.partition("_")
    if kind not in ("assign", "kbitem") or not DIGITS.match(number):
        return _("The chosen action is not known.")
    if kind == "assign" and not _may_own(int(number), [int(i) for i in ids]):
        return _("The chosen owner cannot work on all of the selected tickets.")
    if kind == "kbitem":
        from helpdesk.models import KBItem

        if not KBItem.objects.filter(pk=number).exists():
            return _("The chosen knowledge base item does not exist.")
    return None


def check_kanban_update(request: HttpRequest, kwargs: dict[str, Any]) -> str | None:
    if request.method != "POST":
        return None
    from helpdesk.models import Ticket

    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict) or _int_or_none(data.get("status")) not in dict(
        Ticket.STATUS_CHOICES
    ):
        return _("“%(field)s” is not a valid status.") % {"field": _("Status")}
    return None


def check_ticket_query(request: HttpRequest, kwargs: dict[str, Any]) -> str | None:
    """The ticket list's data: the saved query (base64 JSON) and the table's paging."""
    from helpdesk.query import DATATABLES_ORDER_COLUMN_CHOICES

    invalid = _("The ticket list's query is not valid.")
    try:
        query = json.loads(base64.b64decode(kwargs.get("query", ""), validate=True))
    except (ValueError, binascii.Error):
        return invalid
    if not isinstance(query, dict):
        return invalid
    for key in ("filtering", "filtering_null"):
        if not isinstance(query.get(key, {}), dict):
            return invalid
        for value in query.get(key, {}).values():
            items = value if isinstance(value, list) else [value]
            if not all(isinstance(v, str | int | bool) or v is None for v in items):
                return invalid
    if not isinstance(query.get("search_string") or "", str):
        return invalid
    params = request.GET
    for name in ("draw", "length", "start"):
        if name in params and (_int_or_none(params[name]) is None or int(params[name]) < 0):
            return invalid
    if "length" in params and int(params["length"]) > 1000:
        return invalid
    column = params.get("order[0][column]")
    if column is not None and column not in dict(DATATABLES_ORDER_COLUMN_CHOICES):
        return invalid
    if params.get("order[0][dir]", "asc") not in ("asc", "desc"):
        return invalid
    return None


def check_merge(request: HttpRequest, kwargs: dict[str, Any]) -> str | None:
    ids = request.GET.getlist("tickets")
    if len(ids) > 20 or not all(DIGITS.match(i) for i in ids):
        return _("The selected tickets are not valid.")
    chosen = request.POST.get("chosen_ticket")
    if request.method == "POST" and chosen is not None and not DIGITS.match(chosen):
        return _("Please choose the ticket the others are merged into.")
    return None


def check_addresses(request: HttpRequest, kwargs: dict[str, Any]) -> str | None:
    """An address typed into a host form or sent to its API (a ticket's submitter, a copy)
    follows the same rule as every citizen's: no markup (``validate_email_address``)."""
    if request.method not in ("POST", "PUT", "PATCH"):
        return None
    from ulm_servicepoint.schema_forms import validate_email_address

    if request.content_type == "application/json":
        try:
            document = json.loads(request.body or b"{}")
        except ValueError:
            return None  # the input limits refuse a body that is no JSON
        given: list[Any] = (
            [document.get(name) for name in ("submitter_email", "email")]
            if isinstance(document, dict)
            else []
        )
    else:
        given = request.POST.getlist("submitter_email") + request.POST.getlist("email")
    for address in given:
        if not address:
            continue
        if not isinstance(address, str):
            return _("Please enter a valid e-mail address, e.g. name@example.com.")
        try:
            validate_email_address(address)
        except ValidationError as invalid:
            return str(invalid.messages[0])
    return None


ADDRESS_INTAKES = ("submit", "edit", "ticket_cc_add", "ticket-list", "ticket-detail", "user-list")

for _name in ADDRESS_INTAKES:
    register_host_check(_name, check_addresses)

for _name, _check in (
    ("update", check_ticket_update),
    ("mass_update", check_mass_update),
    ("kanban_update", check_kanban_update),
    ("datatables_ticket_list", check_ticket_query),
    ("timeline_ticket_list", check_ticket_query),
    ("merge_tickets", check_merge),
):
    register_host_check(_name, _check)
