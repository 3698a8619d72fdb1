"""What other addons and views call in ulm_privacy."""

from ulm_privacy.audit import record

__all__ = ["record"]
