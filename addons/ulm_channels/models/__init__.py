"""Models of ulm_channels, one module per channel."""

from ulm_channels.models.mail import InboundMail, Mailbox, OutboundMail, UndeliverableAddress
from ulm_channels.models.phone import Call
from ulm_channels.models.satisfaction import SatisfactionRating
from ulm_channels.models.web import CitizenLink, HeldFile, HeldSubmission, WebSubmission

__all__ = [
    "Call",
    "CitizenLink",
    "HeldFile",
    "HeldSubmission",
    "InboundMail",
    "Mailbox",
    "OutboundMail",
    "SatisfactionRating",
    "UndeliverableAddress",
    "WebSubmission",
]
