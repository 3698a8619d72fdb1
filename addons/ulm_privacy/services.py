"""What other addons and views call in ulm_privacy."""

from ulm_privacy.audit import record
from ulm_privacy.sso import is_local_account, mirror_roles, roles_for

__all__ = ["is_local_account", "mirror_roles", "record", "roles_for"]
