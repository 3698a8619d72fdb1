"""What other addons and views call in ulm_privacy."""

from ulm_privacy.audit import ACTIONS, OBJECT_TYPES, purge_expired, record, retention_cutoff

purge_expired_audit_events = purge_expired

__all__ = [
    "ACTIONS",
    "OBJECT_TYPES",
    "purge_expired_audit_events",
    "record",
    "retention_cutoff",
]
