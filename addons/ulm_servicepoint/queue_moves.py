"""A ticket moved to another queue by the host's update form: its history named the queues by
number ("Warteschlange geändert von 1 in 4."); the change is stored with the departments'
names instead. (The case record's department follows through case_index, its level through
ulm_routing.)"""

from __future__ import annotations

from django.utils.translation import gettext
from helpdesk.models import Queue, TicketChange


def name_queues(change: TicketChange) -> None:
    """Replaces queue ids in a just-saved queue change of the host by the queues' titles."""
    if change.field not in {"Queue", gettext("Queue")}:
        return
    ids = [value for value in (change.old_value, change.new_value) if str(value or "").isdigit()]
    if not ids:
        return
    titles = dict(Queue.objects.filter(pk__in=[int(pk) for pk in ids]).values_list("pk", "title"))

    def name(value: str | None) -> str | None:
        return titles.get(int(value), value) if value and str(value).isdigit() else value

    TicketChange.objects.filter(pk=change.pk).update(
        old_value=name(change.old_value), new_value=name(change.new_value)
    )
