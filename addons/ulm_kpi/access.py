"""Who sees which key figures: the service-center lead and the city's management (permission
``ulm_kpi.view_kpis``) see all; a department's head sees their department only; everyone else
none. The figures hold no personal data, but a department's figures are its own business."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from helpdesk.models import Queue

from ulm_kpi.figures import CHANNELS, Scope

PERMISSION = "ulm_kpi.view_kpis"


class KpiAccessDenied(PermissionError):
    """The user may not see these figures (the message says why, in German)."""


class ScopeInvalid(ValueError):
    """A filter names no department, channel or request type we know (German message)."""


def sees_all(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(PERMISSION))


def allowed_departments(user: Any) -> list[Queue] | None:
    """None: every department; else the departments whose figures ``user`` may see."""
    from ulm_routing.services import departments_headed_by

    if sees_all(user):
        return None
    return departments_headed_by(user)


def may_see_kpis(user: Any) -> bool:
    allowed = allowed_departments(user)
    return allowed is None or bool(allowed)


def scope_for(
    user: Any,
    department: str = "",
    channel: str = "",
    request_type: str = "",
    everything: bool = False,
) -> Scope:
    """The filters of a request (slugs and a channel code) as a scope ``user`` may see: a head
    of department without a department gets their (first) department. ``everything``: no
    user's limits (the operator's ``manage.py kpi_report``)."""
    from ulm_servicepoint.services import RequestType

    allowed = None if everything else allowed_departments(user)
    if allowed is not None and not allowed:
        raise KpiAccessDenied(_("You may not see the key figures."))
    queue = None
    if department:
        queue = Queue.objects.filter(slug=department).first()
        if queue is None:
            raise ScopeInvalid(_("There is no department “%(slug)s”.") % {"slug": department[:50]})
        if allowed is not None and queue not in allowed:
            raise KpiAccessDenied(_("You may only see the key figures of your department."))
    elif allowed is not None:
        queue = allowed[0]
    if channel and channel not in CHANNELS:
        raise ScopeInvalid(_("There is no channel “%(code)s”.") % {"code": channel[:50]})
    kind = None
    if request_type:
        kind = RequestType.objects.filter(slug=request_type).first()
        if kind is None:
            raise ScopeInvalid(
                _("There is no request type “%(slug)s”.") % {"slug": request_type[:50]}
            )
    return Scope(department=queue, channel=channel or None, request_type=kind)


def landing_page(user: Any) -> str | None:
    """Where someone lands who sees no queue's requests: the key figures, if they may."""
    from django.urls import reverse

    return reverse("ulm_kpi:dashboard") if may_see_kpis(user) else None
