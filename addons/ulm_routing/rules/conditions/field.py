"""Condition: a captured field value of the request (postcode, district, a yes/no field …).

``field`` names the capture field's key, for an address also a part of it
(``abholadresse.postcode``); the rule must name its request type(s), and every one of them must
have the field. Operators: equals, in, prefix, contains, regex, yes, no, filled, empty, less,
greater (the last two for number fields). Text compares without regard to case."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_routing.rules.base import ConditionType, SpecError, as_list, compile_regex, known_keys

ADDRESS_PARTS = ("street", "house_number", "postcode", "city")
TEXT_OPS = ("equals", "in", "prefix", "contains", "regex")
ALL_OPS = (*TEXT_OPS, "yes", "no", "filled", "empty", "less", "greater")
NO_VALUE = ("yes", "no", "filled", "empty")


def _text(value: Any) -> str:
    return str(value).strip().casefold()


def read(values: dict, path: tuple[str, ...]) -> Any:
    value: Any = values.get(path[0])
    if len(path) > 1:
        value = value.get(path[1]) if isinstance(value, dict) else None
    return value


class FieldCondition(ConditionType):
    kind = "field"
    label = gettext_lazy("Field value")

    def normalise(self, spec, context, rule_types):
        known_keys(spec, {"field", "op", "value"})
        path = str(spec.get("field") or "").strip()
        if not path:
            raise SpecError(_("“field” is missing."))
        op = spec.get("op", "equals")
        if op not in ALL_OPS:
            raise SpecError(
                _("unknown operator “%(op)s” (known: %(known)s)")
                % {"op": op, "known": ", ".join(ALL_OPS)}
            )
        if not rule_types:
            raise SpecError(
                _("the field “%(field)s” needs a request type condition in the same rule")
                % {"field": path}
            )
        key, _dot, part = path.partition(".")
        kinds = set()
        for slug in sorted(rule_types):
            kind = context.fields.get(slug, {}).get(key)
            if kind is None:
                raise SpecError(
                    _("the request type “%(type)s” has no field “%(field)s”")
                    % {"type": slug, "field": key}
                )
            if part and (kind != "address" or part not in ADDRESS_PARTS):
                raise SpecError(
                    _("the field “%(field)s” has no part “%(part)s” (an address has %(parts)s)")
                    % {"field": key, "part": part, "parts": ", ".join(ADDRESS_PARTS)}
                )
            kinds.add(kind)
        if op in ("yes", "no") and kinds != {"yes_no"}:
            raise SpecError(_("“%(op)s” needs a yes/no field") % {"op": op})
        if op in ("less", "greater") and kinds != {"number"}:
            raise SpecError(_("“%(op)s” needs a number field") % {"op": op})
        normal: dict[str, Any] = {"type": self.kind, "field": path, "op": op}
        if op in NO_VALUE:
            if "value" in spec:
                raise SpecError(_("“%(op)s” takes no value") % {"op": op})
        elif op == "in":
            normal["value"] = sorted({str(v) for v in as_list(spec.get("value"), "value")})
        elif op in ("less", "greater"):
            value = spec.get("value")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise SpecError(_("“%(op)s” needs a number as value") % {"op": op})
            normal["value"] = value
        else:
            value = spec.get("value")
            if value is None or isinstance(value, list | dict) or str(value) == "":
                raise SpecError(_("“%(op)s” needs one value") % {"op": op})
            if op == "regex":
                compile_regex(str(value))
            normal["value"] = str(value)
        return normal

    def compile(self, spec):
        path = tuple(spec["field"].split(".", 1))
        op = spec["op"]
        if op == "yes":
            return lambda facts: read(facts.values, path) is True
        if op == "no":
            return lambda facts: read(facts.values, path) is False
        if op == "filled":
            return lambda facts: read(facts.values, path) not in (None, "", [], {})
        if op == "empty":
            return lambda facts: read(facts.values, path) in (None, "", [], {})
        if op in ("less", "greater"):
            limit = spec["value"]

            def compare(facts) -> bool:
                value = read(facts.values, path)
                if value is None or value == "":
                    return False
                number = float(value)
                return number < limit if op == "less" else number > limit

            return compare
        if op == "regex":
            pattern = compile_regex(spec["value"])

            def text_test(text: str) -> bool:
                return pattern.search(text) is not None
        elif op == "in":
            wanted = frozenset(_text(v) for v in spec["value"])

            def text_test(text: str) -> bool:
                return text in wanted
        else:
            target = _text(spec["value"])
            text_test = {
                "equals": lambda text: text == target,
                "prefix": lambda text: text.startswith(target),
                "contains": lambda text: target in text,
            }[op]

        def test(facts) -> bool:
            value = read(facts.values, path)
            if value is None:
                return False
            items = value if isinstance(value, list) else [value]
            return any(text_test(_text(item)) for item in items)

        return test

    def describe(self, spec):
        op_names = {
            "equals": _("equals"),
            "in": _("is one of"),
            "prefix": _("starts with"),
            "contains": _("contains"),
            "regex": _("matches the pattern"),
            "less": _("is less than"),
            "greater": _("is greater than"),
        }
        field_name = spec["field"]
        if spec["op"] == "yes":
            return _("field %(field)s is “yes”") % {"field": field_name}
        if spec["op"] == "no":
            return _("field %(field)s is “no”") % {"field": field_name}
        if spec["op"] == "filled":
            return _("field %(field)s is filled in") % {"field": field_name}
        if spec["op"] == "empty":
            return _("field %(field)s is empty") % {"field": field_name}
        value = spec["value"]
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        return _("field %(field)s %(op)s %(value)s") % {
            "field": field_name,
            "op": op_names[spec["op"]],
            "value": shown,
        }

    def domain(self, spec, context):
        key = f"field:{spec['field']}"
        if spec["op"] == "equals":
            return key, frozenset([_text(spec["value"])])
        if spec["op"] == "in":
            return key, frozenset(_text(v) for v in spec["value"])
        if spec["op"] in ("yes", "no"):
            return key, frozenset([spec["op"] == "yes"])
        return None
