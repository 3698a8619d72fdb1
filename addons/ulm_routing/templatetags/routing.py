"""The handoff panel in the helpdesk's ticket page, and the clock of lists."""

from django import template

from ulm_routing import services

register = template.Library()


@register.inclusion_tag("ulm_routing/handoff_panel.html", takes_context=True)
def handoff_panel(context, ticket):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "request": request,
        "ticket": ticket,
        "csrf_token": context.get("csrf_token"),
        **services.panel_context(ticket, user),
    }


@register.inclusion_tag("ulm_routing/clock.html")
def clock(value):
    return {"clock": value}
