"""The explicit table of condition and action types: one module each. A new type is one new
module and one line here."""

from __future__ import annotations

from ulm_routing.rules.actions.assign import AssignAction
from ulm_routing.rules.actions.forward import ForwardAction
from ulm_routing.rules.actions.note import NoteAction
from ulm_routing.rules.actions.notify import NotifyAction
from ulm_routing.rules.actions.priority import PriorityAction
from ulm_routing.rules.actions.sla import SLAAction
from ulm_routing.rules.actions.tag import TagAction
from ulm_routing.rules.base import ActionType, ConditionType
from ulm_routing.rules.conditions.channel import ChannelCondition
from ulm_routing.rules.conditions.citizen import CitizenCondition
from ulm_routing.rules.conditions.field import FieldCondition
from ulm_routing.rules.conditions.priority import PriorityCondition
from ulm_routing.rules.conditions.request_type import RequestTypeCondition
from ulm_routing.rules.conditions.schedule import ScheduleCondition
from ulm_routing.rules.conditions.service import ServiceCondition
from ulm_routing.rules.conditions.text import TextCondition

CONDITIONS: dict[str, ConditionType] = {
    condition.kind: condition
    for condition in (
        RequestTypeCondition(),
        ServiceCondition(),
        ChannelCondition(),
        FieldCondition(),
        TextCondition(),
        ScheduleCondition(),
        PriorityCondition(),
        CitizenCondition(),
    )
}

ACTIONS: dict[str, ActionType] = {
    action.kind: action
    for action in (
        ForwardAction(),
        PriorityAction(),
        SLAAction(),
        AssignAction(),
        TagAction(),
        NoteAction(),
        NotifyAction(),
    )
}
