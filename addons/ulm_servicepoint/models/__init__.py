"""Models of ulm_servicepoint, one module per noun."""

from ulm_servicepoint.models.case import CaseRecord, CounterVisit
from ulm_servicepoint.models.citizen import Citizen
from ulm_servicepoint.models.heartbeat import WorkerHeartbeat
from ulm_servicepoint.models.reference import TicketReference
from ulm_servicepoint.models.request_type import (
    CaptureField,
    CaptureSchema,
    RequestType,
    RequiredLevel,
)
from ulm_servicepoint.models.retention import AnonymisedTicket, ArchiveOffer
from ulm_servicepoint.models.saved_view import SavedView

__all__ = [
    "AnonymisedTicket",
    "ArchiveOffer",
    "CaptureField",
    "CaptureSchema",
    "CaseRecord",
    "Citizen",
    "CounterVisit",
    "RequestType",
    "RequiredLevel",
    "SavedView",
    "TicketReference",
    "WorkerHeartbeat",
]
