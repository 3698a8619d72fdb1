"""Compiling and evaluating rules.

Rules are compiled once (``compile_rule_sets``): each condition becomes a plain function of
``TicketFacts``, and each rule set keeps, per request type, the rules that can match it (a rule
whose request-type condition excludes the ticket's type is never looked at). ``evaluate`` runs
the sets in order and returns a ``Decision``: what the matching rules decide, which rules
matched, and — for the dry run — per rule which condition held and which failed. A rule that
raises at run time is skipped, logged and reported in ``Decision.errors``; evaluation itself
never raises."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ulm_routing.facts import TicketFacts
from ulm_routing.rules.base import RuleContext, Test
from ulm_routing.rules.registry import ACTIONS, CONDITIONS

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuleRef:
    """A rule as a decision remembers it: id (None for rules from a file), name, set."""

    id: int | None
    name: str
    rule_set: str


@dataclass
class RuleSpec:
    """A rule as the engine takes it (from the database or a YAML file)."""

    id: int | None
    name: str
    conditions: list[dict]
    actions: list[dict]
    active: bool = True


@dataclass
class RuleSetSpec:
    name: str
    mode: str
    rules: list[RuleSpec]
    active: bool = True


@dataclass
class CompiledRule:
    ref: RuleRef
    spec: RuleSpec
    tests: list[Test]
    request_types: frozenset[str] | None
    _texts: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict, repr=False)

    def texts(self) -> tuple[list[str], list[str]]:
        """What the conditions and actions say in the current language (kept once made)."""
        language = get_language() or ""
        found = self._texts.get(language)
        if found is None:
            found = self._texts[language] = (
                [CONDITIONS[c["type"]].describe(c) for c in self.spec.conditions],
                [ACTIONS[a["type"]].describe(a) for a in self.spec.actions],
            )
        return found


@dataclass
class CompiledSet:
    name: str
    first_match: bool
    rules: list[CompiledRule]
    by_type: dict[str, list[CompiledRule]]
    untyped: list[CompiledRule]

    def candidates(self, request_type: str) -> list[CompiledRule]:
        return self.by_type.get(request_type, self.untyped)


@dataclass
class CompiledRules:
    sets: list[CompiledSet]

    @property
    def rule_count(self) -> int:
        return sum(len(s.rules) for s in self.sets)


@dataclass
class ConditionOutcome:
    text: str
    held: bool | None  # None: not checked (an earlier condition failed)


@dataclass
class RuleOutcome:
    """One rule in the dry run: matched, failed (at which condition), not checked (an earlier
    rule of a first-match set matched) or failed with an error."""

    ref: RuleRef
    state: str  # "matched", "failed", "not_checked", "error"
    conditions: list[ConditionOutcome]
    actions: list[str]
    error: str = ""


@dataclass
class Decision:
    """What the rules decide for a ticket. Single values (department, priority, SLA policy,
    assignment) come from the first matching rule that sets them; tags, notes and
    notifications add up. ``errors``: German messages of rules that failed at run time."""

    department: str | None = None
    priority: int | None = None
    sla_policy: str | None = None
    assignment: tuple[str, str | None] | None = None
    tags: list[str] = field(default_factory=list)
    notes: list[tuple[str, RuleRef]] = field(default_factory=list)
    notifications: list[tuple[str, str, RuleRef]] = field(default_factory=list)
    matched: list[RuleRef] = field(default_factory=list)
    decided_by: dict[str, RuleRef] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    request_type: str = ""
    # per compiled rule seen: index of the failed condition, -1 matched, or the error text
    visited: dict[int, int | str] = field(default_factory=dict, repr=False)
    compiled: CompiledRules | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def set_once(self, what: str, value: Any, rule: RuleRef) -> None:
        if getattr(self, what) is None:
            setattr(self, what, value)
            self.decided_by[what] = rule

    def explain(self) -> list[RuleOutcome]:
        """Per rule, in order: which condition held and which failed (the dry run)."""
        outcomes: list[RuleOutcome] = []
        if self.compiled is None:
            return outcomes
        for rule_set in self.compiled.sets:
            for rule in rule_set.rules:
                seen = self.visited.get(id(rule))
                left_out = rule.request_types is not None and (
                    self.request_type not in rule.request_types
                )
                if seen is None and left_out:
                    # left out by the index: its request-type condition fails
                    seen = next(
                        i
                        for i, c in enumerate(rule.spec.conditions)
                        if c["type"] in ("request_type", "service")
                    )
                outcomes.append(_outcome(rule, seen))
        return outcomes


def _outcome(rule: CompiledRule, seen: int | str | None) -> RuleOutcome:
    texts, actions = rule.texts()
    if isinstance(seen, str):
        return RuleOutcome(
            rule.ref, "error", [ConditionOutcome(t, None) for t in texts], actions, seen
        )
    if seen is None:
        return RuleOutcome(
            rule.ref, "not_checked", [ConditionOutcome(t, None) for t in texts], actions
        )
    state = "matched" if seen == -1 else "failed"
    conditions = [
        ConditionOutcome(text, True if seen == -1 or i < seen else (False if i == seen else None))
        for i, text in enumerate(texts)
    ]
    return RuleOutcome(rule.ref, state, conditions, actions)


def compile_rule_sets(sets: list[RuleSetSpec], context: RuleContext | None = None) -> CompiledRules:
    """Active sets and their active rules, compiled. The specs are canonical (validated)."""
    compiled_sets = []
    for rule_set in sets:
        if not rule_set.active:
            continue
        rules = []
        for spec in rule_set.rules:
            if not spec.active:
                continue
            types: frozenset[str] | None = None
            for condition in spec.conditions:
                admitted = CONDITIONS[condition["type"]].request_types(condition, context)
                if admitted is not None:
                    types = admitted if types is None else types & admitted
            rules.append(
                CompiledRule(
                    ref=RuleRef(spec.id, spec.name, rule_set.name),
                    spec=spec,
                    tests=[CONDITIONS[c["type"]].compile(c) for c in spec.conditions],
                    request_types=types,
                )
            )
        all_types = set().union(*(r.request_types for r in rules if r.request_types))
        by_type = {
            slug: [r for r in rules if r.request_types is None or slug in r.request_types]
            for slug in all_types
        }
        untyped = [r for r in rules if r.request_types is None]
        compiled_sets.append(
            CompiledSet(rule_set.name, rule_set.mode == "first_match", rules, by_type, untyped)
        )
    return CompiledRules(compiled_sets)


def evaluate(compiled: CompiledRules, facts: TicketFacts) -> Decision:
    """The decision of the compiled rules for one ticket; never raises."""
    decision = Decision(compiled=compiled, request_type=facts.request_type)
    visited = decision.visited
    for rule_set in compiled.sets:
        for rule in rule_set.candidates(facts.request_type):
            failed = -1
            try:
                for index, test in enumerate(rule.tests):
                    if not test(facts):
                        failed = index
                        break
            except Exception as exc:  # a rule must never break intake
                _failed(decision, rule, facts, exc)
                continue
            visited[id(rule)] = failed
            if failed != -1:
                continue
            try:
                for action in rule.spec.actions:
                    ACTIONS[action["type"]].contribute(decision, action, rule.ref)
            except Exception as exc:  # likewise
                _failed(decision, rule, facts, exc)
                continue
            decision.matched.append(rule.ref)
            if rule_set.first_match:
                break
    return decision


def _failed(decision: Decision, rule: CompiledRule, facts: TicketFacts, exc: Exception) -> None:
    logger.exception(
        "routing rule %r (%s) failed on ticket %s", rule.ref.name, rule.ref.id, facts.ticket_id
    )
    message = _("Rule “%(rule)s” failed: %(error)s") % {"rule": rule.ref.name, "error": exc}
    decision.errors.append(message)
    decision.visited[id(rule)] = message
