"""The public surface of ulm_routing: the verbs other addons, views, commands and jobs use.

Business calendars and SLA clocks (``calendars``, ``sla``), rules (``rulebook``, ``rules_io``,
``rules``), routing a ticket (``routing``), assignment (``assignment``), the what-if
(``whatif``), the tracked handoff (``handoffs``), the rules at intake (``intake``), callbacks
(``callbacks``), work lists (``worklists``), escalation (``escalation``) and the demo (``demo``)
live in modules of their own; this module re-exports what
is meant to be called from outside."""

from __future__ import annotations

from ulm_routing.assignment import available, department_members, pick_assignee
from ulm_routing.calendars import (
    CalendarError,
    CalendarSpec,
    ClockStopped,
    load_calendar,
    parse_local,
    standard_calendar,
)
from ulm_routing.callbacks import (
    callbacks_visible_to,
    called_back,
    may_act_on_callback,
    not_reached,
    record_callback,
)
from ulm_routing.city_setup import parse_hours, set_up_city
from ulm_routing.demo import load_demo_loop, load_demo_routing
from ulm_routing.escalation import escalate_overdue
from ulm_routing.facts import TicketFacts, facts_of
from ulm_routing.handoffs import (
    HandoffConflict,
    HandoffInvalid,
    answer,
    ask,
    citizen_replied,
    clock_text,
    default_callback_window,
    department_heads,
    departments_headed_by,
    feedback_due,
    forward,
    handoffs_visible_to,
    host_moved,
    is_first_level,
    may_act_for_department,
    member_departments,
    open_handoff,
    panel_context,
    pass_on,
    proposal,
    reject,
    reply_to_question,
    send_prepared_answer,
    take,
    visible_ticket_for_reference,
)
from ulm_routing.intake import intake_mode, route_at_intake
from ulm_routing.models.handoffs import OPEN_STATES, WITH_DEPARTMENT
from ulm_routing.personal_data import erase_person, routing_data
from ulm_routing.routing import (
    DryRun,
    apply_decision,
    dry_run,
    evaluate_ticket,
    route_ticket,
    set_forwarder,
)
from ulm_routing.rulebook import (
    compiled_live,
    create_draft,
    delete_rule,
    forget_compiled,
    publish_draft,
    save_rule,
    save_rule_set,
)
from ulm_routing.rules.base import RuleInvalid
from ulm_routing.rules.engine import Decision, RuleOutcome
from ulm_routing.rules_io import export_rules, import_rules
from ulm_routing.sla import (
    ClockError,
    Target,
    apply_policy,
    default_policy,
    due_at,
    is_paused,
    open_time_left,
    pause_clock,
    pauses_of,
    resume_clock,
    target_due,
)
from ulm_routing.whatif import WhatIfInvalid, WhatIfResult, replay
from ulm_routing.worklists import callback_list, handoff_list

# ``evaluate(ticket)``: the decision of the live rules, with ``.explain()`` per rule
evaluate = evaluate_ticket

__all__ = [
    "OPEN_STATES",
    "WITH_DEPARTMENT",
    "CalendarError",
    "CalendarSpec",
    "ClockError",
    "ClockStopped",
    "Decision",
    "DryRun",
    "HandoffConflict",
    "HandoffInvalid",
    "RuleInvalid",
    "RuleOutcome",
    "Target",
    "TicketFacts",
    "WhatIfInvalid",
    "WhatIfResult",
    "answer",
    "apply_decision",
    "apply_policy",
    "ask",
    "available",
    "callback_list",
    "callbacks_visible_to",
    "called_back",
    "citizen_replied",
    "clock_text",
    "compiled_live",
    "create_draft",
    "default_callback_window",
    "default_policy",
    "delete_rule",
    "department_heads",
    "department_members",
    "departments_headed_by",
    "dry_run",
    "due_at",
    "erase_person",
    "escalate_overdue",
    "evaluate",
    "evaluate_ticket",
    "export_rules",
    "facts_of",
    "feedback_due",
    "forget_compiled",
    "forward",
    "handoff_list",
    "handoffs_visible_to",
    "host_moved",
    "import_rules",
    "intake_mode",
    "is_first_level",
    "is_paused",
    "load_calendar",
    "load_demo_loop",
    "load_demo_routing",
    "may_act_for_department",
    "may_act_on_callback",
    "member_departments",
    "not_reached",
    "open_handoff",
    "open_time_left",
    "panel_context",
    "parse_hours",
    "parse_local",
    "pass_on",
    "pause_clock",
    "pauses_of",
    "pick_assignee",
    "proposal",
    "publish_draft",
    "record_callback",
    "reject",
    "replay",
    "reply_to_question",
    "resume_clock",
    "route_at_intake",
    "route_ticket",
    "routing_data",
    "save_rule",
    "save_rule_set",
    "send_prepared_answer",
    "set_forwarder",
    "set_up_city",
    "standard_calendar",
    "take",
    "target_due",
    "visible_ticket_for_reference",
]
