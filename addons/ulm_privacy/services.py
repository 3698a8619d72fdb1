"""What other addons and views call in ulm_privacy."""

from ulm_privacy.audit import record
from ulm_privacy.demo import load_demo_privacy
from ulm_privacy.roles import ROLES, Role, check_roles, create_roles, expected_groups
from ulm_privacy.sso import is_local_account, mirror_roles, roles_for

__all__ = [
    "ROLES",
    "Role",
    "check_roles",
    "create_roles",
    "expected_groups",
    "is_local_account",
    "load_demo_privacy",
    "mirror_roles",
    "record",
    "roles_for",
]
