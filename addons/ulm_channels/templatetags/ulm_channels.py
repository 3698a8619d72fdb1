"""Template tags of ulm_channels for the host's pages."""

from django import template

from ulm_channels import services

register = template.Library()


@register.inclusion_tag("ulm_channels/ticket_mail_panel.html", takes_context=True)
def ticket_mail_panel(context, ticket):
    """The ticket page's panel: each mail sent about the ticket, with its state, and the
    citizen's satisfaction rating (only for a user who may see the ticket)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    mails = services.ticket_mails(ticket, user)
    return {
        "ticket": ticket,
        "mails": mails,
        # the citizen's satisfaction rating, for whoever may see the ticket
        "rating": services.rating_of(ticket) if mails is not None else None,
        "may_open": bool(
            user and user.is_staff and user.has_perm("ulm_channels.view_outboundmail")
        ),
    }
