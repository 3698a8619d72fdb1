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


@register.filter
def jsonld(value) -> str:
    """JSON for a <script type="application/ld+json">, safe against </script> in the data."""
    import json

    from django.utils.safestring import mark_safe

    text = json.dumps(value, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(text)  # noqa: S308 - escaped above, as django's json_script does
