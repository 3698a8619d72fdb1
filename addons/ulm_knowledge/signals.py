"""Signal receivers of ulm_knowledge: one call each."""

from ulm_knowledge import services


def before_kbitem_delete(sender, instance, **kwargs):
    services.guard_kbitem_delete(instance)


def after_capture(sender, case, **kwargs):
    services.record_captured_answer(case)
