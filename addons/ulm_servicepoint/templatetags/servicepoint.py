"""The case record panel in the helpdesk's ticket page, the stable reference, the navigation."""

from django import template

from ulm_servicepoint import services

register = template.Library()


@register.inclusion_tag("ulm_servicepoint/case_panel.html", takes_context=True)
def case_panel(context, ticket):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"request": request, **services.case_panel_context(ticket, user)}


@register.filter
def reference(ticket) -> str:
    """The ticket's stable reference (``SC-2026-000123``); lists select_related
    ``stable_reference`` so that this costs no query per row."""
    return services.reference_of(ticket) if ticket is not None else ""


@register.simple_tag
def may_capture(user) -> bool:
    """For the navigation: only the service center's staff get the capture and phone links."""
    return services.can_capture(user)


@register.simple_tag(takes_context=True)
def load_followup_details(context) -> str:
    """The host's ticket page reads each follow-up's author, attachments and changes with a
    query each (120 queries at 20 follow-ups): placed before its list, this gives the page's
    ``followups`` with those loaded in three queries, whatever their number."""
    for layer in context.dicts:
        followups = layer.get("followups") if isinstance(layer, dict) else None
        if followups is not None and hasattr(followups, "prefetch_related"):
            layer["followups"] = followups.select_related("user").prefetch_related(
                "followupattachment_set", "ticketchange_set"
            )
    return ""
