"""Models of ulm_routing, one module per noun."""

from ulm_routing.models.calendar import BusinessCalendar, ClosingDay, OpeningHours
from ulm_routing.models.outcomes import PlannedNotification, RoutingRecord, TicketTag
from ulm_routing.models.people import Absence, AssignmentCursor
from ulm_routing.models.rules import Rule, RuleSet, RuleVersion
from ulm_routing.models.sla import ClockPause, SLAPolicy, TicketSLA

__all__ = [
    "Absence",
    "AssignmentCursor",
    "BusinessCalendar",
    "ClockPause",
    "ClosingDay",
    "OpeningHours",
    "PlannedNotification",
    "RoutingRecord",
    "Rule",
    "RuleSet",
    "RuleVersion",
    "SLAPolicy",
    "TicketSLA",
    "TicketTag",
]
