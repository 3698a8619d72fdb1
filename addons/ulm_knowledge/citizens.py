"""What citizens get from the knowledge base on the forms: services that may already answer what
they type, and their anonymous answer to "Hat das Ihre Frage beantwortet?"."""

from __future__ import annotations

from django.db.models import Count
from helpdesk.models import KBItem

from ulm_knowledge.items import item_for
from ulm_knowledge.models import Feedback, Service, Status, SuggestionFeedback
from ulm_knowledge.outputs import search_services

CITIZEN_SUGGESTIONS = 3


def citizen_suggestions(query: str, limit: int = CITIZEN_SUGGESTIONS) -> list[Service]:
    """Services that may already answer what a citizen is typing into a form."""
    return search_services(query[:2000], limit) if len(query.strip()) >= 3 else []


def record_feedback(kbitem_id: int, feedback: str, page: str = "") -> SuggestionFeedback:
    """Counts a citizen's answer to "Hat das Ihre Frage beantwortet?" for a published item.
    Anonymous: nothing about the citizen or what they typed is kept."""
    if feedback not in Feedback.values:
        raise ValueError("unknown feedback")
    item = item_for(KBItem.objects.get(pk=kbitem_id))
    if item is None or item.status != Status.PUBLISHED:
        raise ValueError("not a published knowledge item")
    return SuggestionFeedback.objects.create(
        kbitem_id=kbitem_id, feedback=feedback, page=page[:100]
    )


def feedback_counts(kbitem_ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """Per item how often citizens said a suggestion answered their question, and how often not."""
    rows = SuggestionFeedback.objects.all()
    if kbitem_ids is not None:
        rows = rows.filter(kbitem_id__in=kbitem_ids)
    counts: dict[int, dict[str, int]] = {}
    for kbitem_id, feedback, n in (
        rows.values_list("kbitem_id", "feedback").annotate(n=Count("pk")).order_by()
    ):
        counts.setdefault(kbitem_id, dict.fromkeys(Feedback.values, 0))[feedback] = n
    return counts
