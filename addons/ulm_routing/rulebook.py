"""The stored rules: loading them for the engine (compiled once per process until a rule
changes), saving with validation and a version per change, drafts and their publication."""

from __future__ import annotations

import threading
from typing import Any

from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils.translation import gettext as _

from ulm_routing.models import Rule, RuleSet, RuleVersion
from ulm_routing.models.rules import ChangeKind
from ulm_routing.rules.base import RuleContext, RuleInvalid
from ulm_routing.rules.engine import CompiledRules, RuleSetSpec, RuleSpec, compile_rule_sets
from ulm_routing.rules.validation import validate_rule

RULE_FIELDS = ("name", "active", "description", "conditions", "actions")


def rule_snapshot(rule: Rule) -> dict[str, Any]:
    """A rule as the YAML file writes it."""
    return {
        "name": rule.name,
        "active": rule.active,
        "description": rule.description,
        "conditions": rule.conditions,
        "actions": rule.actions,
    }


def set_snapshot(rule_set: RuleSet) -> dict[str, Any]:
    return {"name": rule_set.name, "mode": rule_set.mode, "active": rule_set.active}


def _record(
    change: str, author: Any, *, rule: Rule | None = None, rule_set: RuleSet, note: str = ""
) -> RuleVersion:
    if rule is not None:
        label = f"{rule_set.name} › {rule.name}"
        previous = RuleVersion.objects.filter(rule=rule).aggregate(n=Max("number"))["n"] or 0
        snapshot = {**rule_snapshot(rule), "position": rule.position}
    else:
        label = rule_set.name
        previous = (
            RuleVersion.objects.filter(rule_set=rule_set, rule__isnull=True).aggregate(
                n=Max("number")
            )["n"]
            or 0
        )
        snapshot = {**set_snapshot(rule_set), "position": rule_set.position}
    return RuleVersion.objects.create(
        rule=rule if change != ChangeKind.DELETED else None,
        rule_set=rule_set,
        label=label,
        number=previous + 1,
        change=change,
        snapshot=snapshot,
        author=author if getattr(author, "pk", None) else None,
        note=note[:200],
    )


def check_rule(rule: Rule, context: RuleContext | None = None) -> None:
    """Validates and canonicalises the rule's conditions and actions in place."""
    conditions, actions = validate_rule(
        rule.name, rule.conditions, rule.actions, context or RuleContext.load()
    )
    rule.conditions, rule.actions = conditions, actions


@transaction.atomic
def save_rule(rule: Rule, author: Any = None, note: str = "") -> Rule:
    """Saves a rule after validation (RuleInvalid otherwise) and records a version when its
    content changed."""
    check_rule(rule)
    new = rule.pk is None
    if not new:
        before = Rule.objects.filter(pk=rule.pk).first()
        unchanged = before is not None and {
            **rule_snapshot(before),
            "position": before.position,
        } == {**rule_snapshot(rule), "position": rule.position}
        if unchanged and before is not None and before.rule_set_id == rule.rule_set_id:
            rule.save()
            return rule
    rule.save()
    _record(
        ChangeKind.CREATED if new else ChangeKind.CHANGED,
        author,
        rule=rule,
        rule_set=rule.rule_set,
        note=note,
    )
    return rule


@transaction.atomic
def delete_rule(rule: Rule, author: Any = None, note: str = "") -> None:
    _record(ChangeKind.DELETED, author, rule=rule, rule_set=rule.rule_set, note=note)
    rule.delete()


@transaction.atomic
def save_rule_set(rule_set: RuleSet, author: Any = None, note: str = "") -> RuleSet:
    new = rule_set.pk is None
    if not new:
        before = RuleSet.objects.filter(pk=rule_set.pk).first()
        if before is not None and (set_snapshot(before), before.position) == (
            set_snapshot(rule_set),
            rule_set.position,
        ):
            rule_set.save()
            return rule_set
    rule_set.save()
    _record(ChangeKind.CREATED if new else ChangeKind.CHANGED, author, rule_set=rule_set, note=note)
    return rule_set


@transaction.atomic
def delete_rule_set(rule_set: RuleSet, author: Any = None, note: str = "") -> None:
    for rule in rule_set.rules.all():
        delete_rule(rule, author, note)
    _record(ChangeKind.DELETED, author, rule_set=rule_set, note=note)
    rule_set.delete()


# --- Drafts ---------------------------------------------------------------------------------
@transaction.atomic
def create_draft(rule_set: RuleSet, author: Any = None) -> RuleSet:
    """An editable copy of a live rule set; the live one keeps routing until it is published."""
    if rule_set.draft_of_id:
        raise RuleInvalid([_("“%(name)s” is a draft itself.") % {"name": rule_set.name}])
    existing = RuleSet.objects.filter(draft_of=rule_set).first()
    if existing is not None:
        return existing
    draft = save_rule_set(
        RuleSet(
            name=rule_set.name,
            position=rule_set.position,
            mode=rule_set.mode,
            active=rule_set.active,
            draft_of=rule_set,
        ),
        author,
        note=_("draft created"),
    )
    for rule in rule_set.rules.all():
        _record(
            ChangeKind.CREATED,
            author,
            rule=Rule.objects.create(
                rule_set=draft,
                position=rule.position,
                name=rule.name,
                description=rule.description,
                active=rule.active,
                conditions=rule.conditions,
                actions=rule.actions,
            ),
            rule_set=draft,
            note=_("draft created"),
        )
    return draft


@transaction.atomic
def publish_draft(draft: RuleSet, author: Any = None) -> RuleSet:
    """The draft's rules and mode replace those of its live set (rules matched by name, each
    change versioned); the draft is removed."""
    live = draft.draft_of
    if live is None:
        raise RuleInvalid([_("“%(name)s” is no draft.") % {"name": draft.name}])
    context = RuleContext.load()
    wanted = list(draft.rules.all())
    for rule in wanted:
        check_rule(rule, context)
    replace_rules(
        live,
        [{**rule_snapshot(r), "position": r.position} for r in wanted],
        author,
        _("draft published"),
    )
    live.mode, live.active = draft.mode, draft.active
    save_rule_set(live, author, note=_("draft published"))
    RuleVersion.objects.filter(rule_set=draft).update(rule_set=None)
    draft.delete()
    return live


def replace_rules(rule_set: RuleSet, rules: list[dict], author: Any, note: str) -> dict:
    """Makes the set's rules exactly ``rules`` (canonical snapshots with positions), matched by
    name; returns counts of created, changed, deleted and unchanged rules."""
    counts = {"created": 0, "changed": 0, "deleted": 0, "unchanged": 0}
    existing = {rule.name: rule for rule in rule_set.rules.all()}
    for data in rules:
        rule = existing.pop(data["name"], None)
        if rule is None:
            rule = Rule(rule_set=rule_set, **data)
            rule.save()
            _record(ChangeKind.CREATED, author, rule=rule, rule_set=rule_set, note=note)
            counts["created"] += 1
            continue
        before = {**rule_snapshot(rule), "position": rule.position}
        if before == data:
            counts["unchanged"] += 1
            continue
        for name, value in data.items():
            setattr(rule, name, value)
        rule.save()
        _record(ChangeKind.CHANGED, author, rule=rule, rule_set=rule_set, note=note)
        counts["changed"] += 1
    for rule in existing.values():
        delete_rule(rule, author, note)
        counts["deleted"] += 1
    return counts


# --- For the engine ---------------------------------------------------------------------------
def _specs(rule_sets) -> list[RuleSetSpec]:
    return [
        RuleSetSpec(
            name=rule_set.name,
            mode=rule_set.mode,
            active=rule_set.active,
            rules=[
                RuleSpec(r.pk, r.name, r.conditions, r.actions, r.active)
                for r in rule_set.rules.all()
            ],
        )
        for rule_set in rule_sets
    ]


def _loaded(queryset):
    return queryset.prefetch_related(
        Prefetch("rules", queryset=Rule.objects.order_by("position", "pk"))
    )


def live_specs() -> list[RuleSetSpec]:
    """The live rule sets in their order (drafts left out)."""
    return _specs(_loaded(RuleSet.objects.filter(draft_of__isnull=True)))


def candidate_specs() -> list[RuleSetSpec]:
    """The rules as edited but not yet live: each live set replaced by its draft, if any."""
    sets = list(_loaded(RuleSet.objects.all()))
    drafts = {s.draft_of_id: s for s in sets if s.draft_of_id}
    chosen = [drafts.get(s.pk, s) for s in sets if not s.draft_of_id]
    return _specs(chosen)


_cache_lock = threading.Lock()
_cache: dict[str, Any] = {"key": None, "compiled": None}


def compiled_live() -> CompiledRules:
    """The live rules compiled; compiled again only when a version was recorded since (one
    small query per call)."""
    key = RuleVersion.objects.aggregate(n=Max("pk"), c=Max("created_at"))
    key_tuple = (key["n"], key["c"])
    with _cache_lock:
        if _cache["key"] == key_tuple and _cache["compiled"] is not None:
            return _cache["compiled"]
    compiled = compile_rule_sets(live_specs(), RuleContext.load())
    with _cache_lock:
        _cache.update(key=key_tuple, compiled=compiled)
    return compiled


def forget_compiled() -> None:
    with _cache_lock:
        _cache.update(key=None, compiled=None)
