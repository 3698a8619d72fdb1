"""Single sign-on: which roles an account from the city's directory (LDAP) or identity provider
(OpenID Connect) gets, the same rule for both.

The mapping (``ULM_LDAP_GROUP_ROLE_MAP``, ``ULM_OIDC_GROUP_ROLE_MAP``; parsed by
``config.sso.parse_group_role_map``) names, for an external group, the role groups of this
system it gives (briefing: "Servicecenter", "Servicecenter-Leitung", a department's group named
after its title, "Fachbereichsleitung", "Wissensredaktion", "Datenschutz", "Administration",
"Verwaltungsleitung"). At every sign-on ``mirror_roles`` makes the account's role groups those
its external groups give now: a role the mapping names and the directory no longer gives is
taken away; a group the mapping never names (given by hand in the admin) stays. An account with
at least one role is staff; one with none is no longer staff and is refused.

Accounts that exist locally (with a password of their own, or superusers: the admin, the demo
users) are never taken over by a sign-on of the same name (``is_local_account``), and a sign-on
never makes anybody a superuser.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from ulm_privacy.audit import record

logger = logging.getLogger(__name__)

RoleMap = Mapping[str, Sequence[str]]


def roles_for(external_groups: Iterable[str], mapping: RoleMap) -> set[str]:
    """The names of the role groups ``mapping`` gives to these external groups (compared
    without regard to case; the mapping's keys are lower case)."""
    roles: set[str] = set()
    for group in external_groups:
        roles.update(mapping.get(str(group).strip().lower(), ()))
    return roles


def is_local_account(user: Any) -> bool:
    """An account kept in this system itself (a usable password, or a superuser): a sign-on
    of the same name must not take it over."""
    return bool(user.is_superuser or user.has_usable_password())


@transaction.atomic
def mirror_roles(
    user: Any, external_groups: Iterable[str], mapping: RoleMap, source: str
) -> set[str]:
    """Gives ``user`` (saved) exactly the role groups its ``external_groups`` give through
    ``mapping`` and keeps groups the mapping never names; staff while it has a role. A role
    group that does not exist here is left out with a warning (``manage.py`` creates the roles,
    ``setup_department`` a department's group). Returns the names of the roles it now has;
    a change is written to the audit log."""
    wanted = roles_for(external_groups, mapping)
    managed = {role for roles in mapping.values() for role in roles}
    existing = {group.name: group for group in Group.objects.filter(name__in=managed)}
    for name in sorted(wanted - existing.keys()):
        logger.warning("%s sign-on: role group %r of %s does not exist", source, name, user)
    granted = wanted & existing.keys()
    current = set(user.groups.filter(name__in=managed).values_list("name", flat=True))
    if current != granted:
        user.groups.remove(*[existing[name] for name in current - granted])
        user.groups.add(*[existing[name] for name in granted - current])
    staff = bool(granted)
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])
    if current != granted:
        record(
            user,
            "change",
            object_type="auth.user",
            object_id=user.pk,
            source=source,
            roles_added=sorted(granted - current),
            roles_removed=sorted(current - granted),
        )
    return granted
