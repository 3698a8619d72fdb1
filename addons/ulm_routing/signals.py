"""Signal receivers of ulm_routing: one call each."""

from ulm_routing import services


def after_new_ticket(sender, ticket, **kwargs):
    services.route_at_intake(ticket)


def after_ticket_update(sender, followup, **kwargs):
    services.host_moved(followup.ticket, followup.user)


def after_citizen_reply(sender, ticket, followup, **kwargs):
    services.citizen_replied(ticket, followup.comment or "")


def after_city_initialised(sender, config, changes, **kwargs):
    services.set_up_city(config, changes)


def after_tickets_anonymised(sender, ticket_ids, **kwargs):
    services.erase_person(ticket_ids, [])
