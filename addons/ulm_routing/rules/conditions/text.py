"""Condition: words or a regular expression in the subject and/or the text of the request.

``words`` match as whole words, German-folded (Müll = Muell = MÜLL), ``match: any`` (default)
or ``all``; ``regex`` is a Python regular expression, case-insensitive, searched in the text as
written. ``in``: ``subject``, ``text`` or ``any`` (both, the default)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_routing.rules.base import ConditionType, SpecError, as_list, compile_regex, known_keys
from ulm_servicepoint.services import fold_german

WHERE = ("any", "subject", "text")
WORD = re.compile(r"\w+")


class TextCondition(ConditionType):
    kind = "text"
    label = gettext_lazy("Words in subject or text")

    def normalise(self, spec, context, rule_types):
        known_keys(spec, {"in", "words", "match", "regex"})
        where = spec.get("in", "any")
        if where not in WHERE:
            raise SpecError(_("“in” must be one of %(known)s") % {"known": ", ".join(WHERE)})
        if ("words" in spec) == ("regex" in spec):
            raise SpecError(_("give either “words” or “regex”"))
        if "regex" in spec:
            compile_regex(spec["regex"])
            return {"type": self.kind, "in": where, "regex": spec["regex"]}
        words = [str(w).strip() for w in as_list(spec.get("words"), "words")]
        if any(not w or len(w) > 100 for w in words):
            raise SpecError(_("every word must have 1 to 100 characters"))
        match = spec.get("match", "any")
        if match not in ("any", "all"):
            raise SpecError(_("“match” must be “any” or “all”"))
        return {"type": self.kind, "in": where, "words": words, "match": match}

    def compile(self, spec):
        where = spec["in"]
        if "regex" in spec:
            pattern = compile_regex(spec["regex"])
            return lambda facts: pattern.search(facts.subject_and_text(where)) is not None
        folded = [fold_german(w) for w in spec["words"]]
        if all(WORD.fullmatch(w) for w in folded):
            # single words: a look-up in the text's set of words, no scan of the text
            wanted = frozenset(folded)
            if spec["match"] == "all":
                return lambda facts: wanted <= facts.words(where)
            return lambda facts: not wanted.isdisjoint(facts.words(where))
        patterns = [re.compile(rf"(?<!\w){re.escape(w)}(?!\w)") for w in folded]
        if spec["match"] == "all":
            return lambda facts: all(p.search(facts.folded(where)) for p in patterns)
        either = re.compile("|".join(f"(?:{p.pattern})" for p in patterns))
        return lambda facts: either.search(facts.folded(where)) is not None

    def describe(self, spec):
        places = {"any": _("subject or text"), "subject": _("subject"), "text": _("text")}
        if "regex" in spec:
            return _("%(where)s matches the pattern %(regex)s") % {
                "where": places[spec["in"]],
                "regex": spec["regex"],
            }
        template = (
            _("%(where)s contains all of the words %(words)s")
            if spec["match"] == "all"
            else _("%(where)s contains one of the words %(words)s")
        )
        return template % {"where": places[spec["in"]], "words": ", ".join(spec["words"])}
