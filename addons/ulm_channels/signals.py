"""Signal receivers of ulm_channels: one call each."""

from ulm_channels import retention


def after_ticket_anonymised(sender, ticket_id, **kwargs):
    retention.erase_ticket_data(ticket_id)
