"""Callback requests (Rückrufbitte / Telefonnotiz): a caller wanted an office or a person who
was not reachable. The service center records it; the department (or the person) sees it in
its work list and marks it "called back" or "not reached" (with the next try); an overdue
callback escalates like a handoff (``escalation``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from helpdesk.models import Queue

from ulm_routing.handoffs import (
    HandoffConflict,
    HandoffInvalid,
    is_first_level,
    may_act_for_department,
    member_departments,
)
from ulm_routing.models import Callback, CallbackState
from ulm_routing.models.callbacks import CALLBACK_OPEN_STATES
from ulm_servicepoint.schema_forms import format_phone, normalise_phone

MAX_ATTEMPTS = 5
MAX_WINDOW = timedelta(days=60)


def callbacks_visible_to(user: Any):
    """The 1st level sees every callback; a clerk those of his departments and those asking
    for him by name."""
    queryset = Callback.objects.all()
    if getattr(user, "is_superuser", False) or is_first_level(user):
        return queryset
    from django.db.models import Q

    return queryset.filter(Q(department__in=member_departments(user)) | Q(person=user))


def may_act_on_callback(user: Any, callback: Callback) -> bool:
    return (
        may_act_for_department(user, callback.department)
        or (callback.person_id is not None and callback.person_id == getattr(user, "pk", None))
        or is_first_level(user)
    )


def record_callback(
    *,
    caller_name: str,
    phone: str,
    subject: str,
    department: Queue,
    window_start: datetime,
    window_end: datetime,
    person: Any = None,
    ticket: Any = None,
    by: Any = None,
    note: str = "",
) -> Callback:
    """Records a callback request; raises HandoffInvalid with German messages per field."""
    errors: dict[str, list[str]] = {}
    try:
        number = normalise_phone((phone or "")[:40])
    except ValueError:
        number = ""
        errors["phone"] = [_("Please enter a phone number we can call back.")]
    if not (caller_name or "").strip():
        errors["caller_name"] = [_("Please enter who called.")]
    if not (subject or "").strip():
        errors["subject"] = [_("Please enter what the call is about.")]
    if window_end <= window_start:
        errors["window_end"] = [_("The callback window must end after it starts.")]
    elif window_end - window_start > MAX_WINDOW:
        errors["window_end"] = [_("The callback window may be at most 60 days long.")]
    if window_end < timezone.now():
        errors.setdefault("window_end", []).append(_("The callback window lies in the past."))
    if person is not None and not may_act_for_department(person, department):
        errors["person"] = [
            _("%(name)s does not work in %(department)s.")
            % {"name": person.get_full_name() or person.get_username(), "department": department}
        ]
    if errors:
        raise HandoffInvalid(errors)
    return Callback.objects.create(
        caller_name=caller_name.strip()[:200],
        phone=number,
        subject=subject.strip()[:500],
        department=department,
        person=person,
        ticket=ticket,
        window_start=window_start,
        window_end=window_end,
        note=(note or "").strip()[:2000],
        created_by=by if getattr(by, "pk", None) else None,
    )


def _locked(uuid: str) -> Callback:
    return (
        Callback.objects.select_for_update(of=("self",)).select_related("department").get(uuid=uuid)
    )


def _conflict(callback: Callback) -> HandoffConflict:
    return HandoffConflict(
        _(
            "Nothing was changed: this callback is “%(state)s” now. Someone acted on it before "
            "you; reload the page."
        )
        % {"state": callback.get_state_display()}
    )


@transaction.atomic
def called_back(uuid: str, by: Any, note: str = "") -> Callback:
    """The caller was reached."""
    callback = _locked(uuid)
    if not may_act_on_callback(by, callback):
        raise PermissionError(callback.pk)
    if callback.state not in CALLBACK_OPEN_STATES:
        raise _conflict(callback)
    callback.state = CallbackState.DONE
    callback.attempts += 1
    callback.done_by = by
    callback.done_at = timezone.now()
    if note.strip():
        callback.note = f"{callback.note}\n{note.strip()[:2000]}".strip()
    callback.save()
    return callback


@transaction.atomic
def not_reached(
    uuid: str, by: Any, retry_until: datetime | None = None, note: str = ""
) -> Callback:
    """The caller was not reached: try again until ``retry_until`` (default: two hours from
    now, at least the old window's end); after MAX_ATTEMPTS the callback is given up."""
    callback = _locked(uuid)
    if not may_act_on_callback(by, callback):
        raise PermissionError(callback.pk)
    if callback.state not in CALLBACK_OPEN_STATES:
        raise _conflict(callback)
    now = timezone.now()
    callback.attempts += 1
    if note.strip():
        callback.note = f"{callback.note}\n{note.strip()[:2000]}".strip()
    if callback.attempts >= MAX_ATTEMPTS:
        callback.state = CallbackState.GIVEN_UP
        callback.done_by = by
        callback.done_at = now
    else:
        until = retry_until or max(callback.window_end, now + timedelta(hours=2))
        if until <= now or until - now > MAX_WINDOW:
            raise HandoffInvalid({"retry_until": [_("The next try must lie in the next 60 days.")]})
        callback.state = CallbackState.NOT_REACHED
        callback.window_start = now
        callback.window_end = until
        callback.escalation_step = 0
    callback.save()
    return callback


def phone_display(callback: Callback) -> str:
    return format_phone(callback.phone)


def department_people(queue: Queue) -> list[Any]:
    """Staff of a department, for the "employee wanted" choice."""
    from ulm_routing.assignment import department_members

    return department_members(queue)


def staff_user(pk: int | str | None) -> Any:
    if not pk or not str(pk).isdigit():
        return None
    return get_user_model().objects.filter(pk=int(pk), is_active=True, is_staff=True).first()
