"""Template tags of ulm_knowledge: the suggestions panel in the helpdesk's ticket view."""

from django import template

from ulm_knowledge import services

register = template.Library()


@register.inclusion_tag("ulm_knowledge/ticket_panel.html", takes_context=True)
def kb_ticket_panel(context, ticket):
    return {
        "ticket": ticket,
        "suggestions": services.ticket_suggestions(ticket),
        "csrf_token": context.get("csrf_token"),
    }
