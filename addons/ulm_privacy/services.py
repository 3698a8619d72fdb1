"""What other addons and views call in ulm_privacy."""

from ulm_privacy.audit import record
from ulm_privacy.demo import load_demo_privacy
from ulm_privacy.roles import ROLES, Role, check_roles, create_roles, expected_groups

__all__ = [
    "ROLES",
    "Role",
    "check_roles",
    "create_roles",
    "expected_groups",
    "load_demo_privacy",
    "record",
]
