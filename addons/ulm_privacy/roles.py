"""The roles, least privilege: each a Django group with exactly the permissions it needs.

``ROLES`` is the table (also in the README); ``create_roles()`` makes the groups hold exactly
those permissions (``manage.py roles create``), ``check_roles()`` lists every deviation of the
database from it (``manage.py roles check``): a missing group, a missing or extra permission, a
member who lacks what the role needs (staff status, a department to head, superuser for the
admins) or holds what it must not (the data-protection officer edits no ticket).

Permissions that depend on the departments (the queues' ``helpdesk.queue_access_*``) come from
``ulm_servicepoint.services``: the service center reaches every queue, a department's group its
own queue only. A department head is a head by routing's ``DepartmentSettings.heads``, not by a
permission: ``ulm_kpi.view_kpis`` would show them every department's figures (``ulm_kpi.access``),
so the group "Fachbereichsleitung" holds none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from helpdesk.models import Queue

from ulm_servicepoint import services as platform

SERVICE_CENTER = "Servicecenter"
SERVICE_CENTER_LEAD = "Servicecenter-Leitung"
DEPARTMENT_HEAD = "Fachbereichsleitung"
KNOWLEDGE_EDITOR = "Wissensredaktion"
DATA_PROTECTION = "Datenschutz"
ADMINISTRATION = "Administration"
MANAGEMENT = "Verwaltungsleitung"

# what the data-protection officer must not hold: the tickets' queues and the host's ticket rights
TICKET_EDITING_APPS = ("helpdesk",)


@dataclass(frozen=True)
class Role:
    """One role: its group (empty for the department clerk, whose group is the department's
    title), what it is for, and its fixed permissions ("app_label.codename")."""

    key: str
    group: str
    description: Any  # lazy German text
    permissions: tuple[str, ...] = ()
    # the queue permissions come on top: "all" (every queue) or "own" (the department's)
    queues: str = ""
    superuser: bool = False  # members must be superusers (the admins)
    heads: bool = False  # members must head a department (routing's DepartmentSettings.heads)
    no_ticket_editing: bool = False  # members must hold no ticket or queue permission


ROLES: tuple[Role, ...] = (
    Role(
        "agent",
        SERVICE_CENTER,
        gettext_lazy(
            "Service-center agent (1st level): captures requests on every channel and sees "
            "every department's requests to tell citizens where they stand."
        ),
        queues="all",
    ),
    Role(
        "lead",
        SERVICE_CENTER_LEAD,
        gettext_lazy(
            "Service-center lead: key figures, quality review, the outbox (read and send "
            "again); together with the group “Servicecenter” for the requests."
        ),
        permissions=(
            "ulm_channels.change_outboundmail",
            "ulm_channels.view_outboundmail",
            "ulm_kpi.review_quality",
            "ulm_kpi.view_kpis",
        ),
    ),
    Role(
        "clerk",
        "",
        gettext_lazy(
            "Department clerk (2nd level): the department's own queue only; the group is named "
            "after the department."
        ),
        queues="own",
    ),
    Role(
        "head",
        DEPARTMENT_HEAD,
        gettext_lazy(
            "Department head: the key figures and escalations of the departments they head "
            "(routing's department settings); no permission of its own, since the key "
            "figures' permission would show every department."
        ),
        heads=True,
    ),
    Role(
        "knowledge",
        KNOWLEDGE_EDITOR,
        gettext_lazy(
            "Knowledge editor: writes services, answers and synonyms; versions read-only; "
            "publishing goes through the four-eyes review."
        ),
        permissions=(
            "ulm_knowledge.add_answer",
            "ulm_knowledge.add_service",
            "ulm_knowledge.add_synonym",
            "ulm_knowledge.change_answer",
            "ulm_knowledge.change_service",
            "ulm_knowledge.change_synonym",
            "ulm_knowledge.delete_synonym",
            "ulm_knowledge.view_answer",
            "ulm_knowledge.view_itemversion",
            "ulm_knowledge.view_service",
            "ulm_knowledge.view_synonym",
        ),
    ),
    Role(
        "dpo",
        DATA_PROTECTION,
        gettext_lazy(
            "Data-protection officer: reads and exports the audit log, answers citizens' "
            "requests (Art. 15, 16, 17); edits no ticket and sees no queue."
        ),
        permissions=("ulm_privacy.handle_data_requests", "ulm_privacy.view_audit_log"),
        no_ticket_editing=True,
    ),
    Role(
        "admin",
        ADMINISTRATION,
        gettext_lazy(
            "Administration: the system's operators, superusers (every right, including the admin)."
        ),
        superuser=True,
    ),
    Role(
        "management",
        MANAGEMENT,
        gettext_lazy("City management: the key figures and reports, nothing else."),
        permissions=("ulm_kpi.view_kpis",),
    ),
)


def role(key: str) -> Role:
    return next(r for r in ROLES if r.key == key)


def _name(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def expected_groups() -> dict[str, set[str]]:
    """Every role group's name and the permissions it must hold exactly."""
    departments = list(platform.departments())
    # every queue: the service center's (if set up yet) and every department's
    every_queue = list(Queue.objects.all())
    groups: dict[str, set[str]] = {}
    for each in ROLES:
        if each.queues == "own":
            for queue in departments:
                groups[queue.title] = {queue.permission_name}
            continue
        wanted = set(each.permissions)
        if each.queues == "all":
            wanted |= {queue.permission_name for queue in every_queue}
        groups[each.group] = wanted
    return groups


def _permissions(names: set[str]) -> tuple[list[Permission], set[str]]:
    """The permission rows of ``names``, and the names that name no permission."""
    found = {
        _name(p): p
        for p in Permission.objects.select_related("content_type").filter(
            codename__in={n.split(".", 1)[1] for n in names}
        )
        if _name(p) in names
    }
    return list(found.values()), names - set(found)


def _held(group: Group) -> set[str]:
    return {_name(p) for p in group.permissions.select_related("content_type")}


@transaction.atomic
def create_roles() -> list[str]:
    """Makes every role group hold exactly its permissions; returns what changed (German)."""
    changes: list[str] = []
    for name, wanted in expected_groups().items():
        group, created = Group.objects.get_or_create(name=name)
        if created:
            changes.append(_("Group “%(group)s” created.") % {"group": name})
        rows, unknown = _permissions(wanted)
        if unknown:
            raise LookupError(
                _("Permissions unknown (migrations missing?): %(names)s")
                % {"names": ", ".join(sorted(unknown))}
            )
        held = _held(group)
        for added in sorted(wanted - held):
            changes.append(
                _("“%(group)s”: permission %(perm)s granted.") % {"group": name, "perm": added}
            )
        for removed in sorted(held - wanted):
            changes.append(
                _("“%(group)s”: permission %(perm)s withdrawn.") % {"group": name, "perm": removed}
            )
        if wanted != held:
            group.permissions.set(rows)
    return changes


def set_up_roles(config: Any) -> list[str]:
    """``init_city``'s part: every role group holds exactly its permissions, and the configured
    heads of department are in "Fachbereichsleitung" (which department: routing's heads)."""
    changes = create_roles()
    group = Group.objects.get(name=DEPARTMENT_HEAD)
    usernames = {head.username for department in config.departments for head in department.heads}
    for user in get_user_model().objects.filter(username__in=usernames).exclude(groups=group):
        user.groups.add(group)
        changes.append(
            _("%(user)s added to “%(group)s”.")
            % {"user": user.get_username(), "group": DEPARTMENT_HEAD}
        )
    return changes


def check_roles() -> list[str]:
    """Every deviation from ``ROLES`` (German sentences); empty when all is as it should be."""
    from ulm_routing.services import department_heads, departments_headed_by

    deviations: list[str] = []
    groups = {g.name: g for g in Group.objects.filter(name__in=expected_groups())}
    for name, wanted in expected_groups().items():
        group = groups.get(name)
        if group is None:
            deviations.append(_("Group “%(group)s” is missing.") % {"group": name})
            continue
        held = _held(group)
        for missing in sorted(wanted - held):
            deviations.append(
                _("“%(group)s” lacks the permission %(perm)s.") % {"group": name, "perm": missing}
            )
        for extra in sorted(held - wanted):
            deviations.append(
                _("“%(group)s” holds the permission %(perm)s, which its role does not need.")
                % {"group": name, "perm": extra}
            )
    users = get_user_model().objects.filter(is_active=True)
    for name in sorted(groups):
        for user in users.filter(groups__name=name, is_staff=False).order_by("username"):
            deviations.append(
                _("%(user)s is in “%(group)s” but is no staff member and cannot log in there.")
                % {"user": user.get_username(), "group": name}
            )
    for user in users.filter(groups__name=ADMINISTRATION, is_superuser=False).order_by("username"):
        deviations.append(
            _("%(user)s is in “%(group)s” but is no superuser.")
            % {"user": user.get_username(), "group": ADMINISTRATION}
        )
    head_members = users.filter(groups__name=DEPARTMENT_HEAD).order_by("username")
    for user in head_members:
        if not departments_headed_by(user):
            deviations.append(
                _("%(user)s is in “%(group)s” but heads no department.")
                % {"user": user.get_username(), "group": DEPARTMENT_HEAD}
            )
    for user in department_heads().filter(is_active=True).exclude(pk__in=head_members):
        deviations.append(
            _("%(user)s heads a department but is not in “%(group)s”.")
            % {"user": user.get_username(), "group": DEPARTMENT_HEAD}
        )
    for user in users.filter(groups__name=DATA_PROTECTION).order_by("username"):
        rights = ticket_rights(user)
        if rights:
            deviations.append(
                _("%(user)s is data-protection officer and may also edit tickets (%(rights)s).")
                % {"user": user.get_username(), "rights": ", ".join(rights)}
            )
    return deviations


def ticket_rights(user: Any) -> list[str]:
    """What lets ``user`` open or edit tickets: superuser status, the host's permissions
    (every queue permission among them)."""
    rights = [_("superuser")] if user.is_superuser else []
    rights += sorted(
        name for name in user.get_all_permissions() if name.split(".", 1)[0] in TICKET_EDITING_APPS
    )
    return rights
