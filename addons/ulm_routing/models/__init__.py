"""Models of ulm_routing, one module per noun."""

from ulm_routing.models.calendar import BusinessCalendar, ClosingDay, OpeningHours
from ulm_routing.models.callbacks import Callback, CallbackState, Escalation
from ulm_routing.models.handoffs import (
    AnswerMode,
    DepartmentSettings,
    Handoff,
    HandoffEvent,
    HandoffState,
    IntakeMode,
    IntakePolicy,
)
from ulm_routing.models.outcomes import PlannedNotification, RoutingRecord, TicketTag
from ulm_routing.models.people import Absence, AssignmentCursor
from ulm_routing.models.rules import Rule, RuleSet, RuleVersion
from ulm_routing.models.sla import ClockPause, SLAPolicy, TicketSLA

__all__ = [
    "Absence",
    "AnswerMode",
    "AssignmentCursor",
    "BusinessCalendar",
    "Callback",
    "CallbackState",
    "ClockPause",
    "ClosingDay",
    "DepartmentSettings",
    "Escalation",
    "Handoff",
    "HandoffEvent",
    "HandoffState",
    "IntakeMode",
    "IntakePolicy",
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
