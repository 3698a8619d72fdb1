"""Signal receivers of ulm_channels: one call each."""

from ulm_channels import retention


def after_tickets_anonymised(sender, ticket_ids, **kwargs):
    retention.erase_tickets_data(ticket_ids)
