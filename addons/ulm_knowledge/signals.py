"""Signal receivers of ulm_knowledge: one call each."""

from ulm_knowledge import services


def before_kbitem_delete(sender, instance, **kwargs):
    services.guard_kbitem_delete(instance)


def after_capture(sender, case, **kwargs):
    services.record_captured_answer(case)


def request_type_saved(sender, instance, **kwargs):
    services.index_request_types([instance])


def capture_schema_saved(sender, instance, **kwargs):
    services.index_request_types([instance.request_type])
