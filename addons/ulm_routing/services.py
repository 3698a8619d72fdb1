"""The public surface of ulm_routing: the verbs other addons, views, commands and jobs use.

Business calendars and SLA clocks (``calendars``, ``sla``), rules (``rulebook``, ``rules_io``,
``rules``), routing a ticket (``routing``), assignment (``assignment``), the what-if
(``whatif``) and the demo (``demo``) live in modules of their own; this module re-exports what
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
from ulm_routing.demo import load_demo_routing
from ulm_routing.facts import TicketFacts, facts_of
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

# ``evaluate(ticket)``: the decision of the live rules, with ``.explain()`` per rule
evaluate = evaluate_ticket

__all__ = [
    "CalendarError",
    "CalendarSpec",
    "ClockError",
    "ClockStopped",
    "Decision",
    "DryRun",
    "RuleInvalid",
    "RuleOutcome",
    "Target",
    "TicketFacts",
    "WhatIfInvalid",
    "WhatIfResult",
    "apply_decision",
    "apply_policy",
    "available",
    "compiled_live",
    "create_draft",
    "default_policy",
    "delete_rule",
    "department_members",
    "dry_run",
    "due_at",
    "evaluate",
    "evaluate_ticket",
    "export_rules",
    "facts_of",
    "forget_compiled",
    "import_rules",
    "is_paused",
    "load_calendar",
    "load_demo_routing",
    "open_time_left",
    "parse_local",
    "pause_clock",
    "pauses_of",
    "pick_assignee",
    "publish_draft",
    "replay",
    "resume_clock",
    "route_ticket",
    "save_rule",
    "save_rule_set",
    "set_forwarder",
    "standard_calendar",
    "target_due",
]
