"""Models of ulm_channels, one module per channel."""

from ulm_channels.models.mail import InboundMail, Mailbox, OutboundMail, UndeliverableAddress

__all__ = ["InboundMail", "Mailbox", "OutboundMail", "UndeliverableAddress"]
