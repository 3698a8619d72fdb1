"""Signal receivers of the citizens' rights: one call each (Art. 16, rights/corrections.py)."""

from ulm_privacy.rights import corrections


def before_citizen_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        corrections.remember_stored(instance)


def after_citizen_saved(sender, instance, created, raw=False, **kwargs):
    if not raw:
        corrections.record_correction(instance, created)
