"""What other addons and views call in ulm_privacy."""

from ulm_privacy.audit import ACTIONS, OBJECT_TYPES, purge_expired, record, retention_cutoff
from ulm_privacy.demo import load_demo_privacy
from ulm_privacy.roles import (
    ROLES,
    Role,
    check_roles,
    create_roles,
    expected_groups,
    set_up_roles,
)
from ulm_privacy.sso import is_local_account, mirror_roles, roles_for

purge_expired_audit_events = purge_expired

__all__ = [
    "ACTIONS",
    "OBJECT_TYPES",
    "ROLES",
    "Role",
    "check_roles",
    "create_roles",
    "expected_groups",
    "is_local_account",
    "load_demo_privacy",
    "mirror_roles",
    "purge_expired_audit_events",
    "record",
    "retention_cutoff",
    "roles_for",
    "set_up_roles",
]
