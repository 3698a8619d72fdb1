"""Editors for the lists a service keeps as JSON (LeiKa keys, forms, contact points): a table
with a row of inputs per entry and empty rows for new ones, checked on the server with German
messages that name the row and the column. No JavaScript: after saving, the page offers new
empty rows again; an entry is removed by emptying its row.

Used by the service's admin form (``admin.ServiceAdminForm``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_ROWS = 100  # no service has more entries in a list; a bound for what a request may post
EXTRA_ROWS = 2  # empty rows offered for new entries


@dataclass(frozen=True)
class Column:
    """One input of a row: the key in the JSON entry, the label, what it accepts."""

    key: str
    label: str | Promise
    kind: str = "text"  # text | url | email | choice | hidden (kept as it was)
    choices: tuple[tuple[str, str | Promise], ...] = ()
    required: bool = False
    max_length: int = 500
    check: Callable[[str], str | None] | None = None  # the German error, or None
    wide: bool = False


def _row_is_empty(row: dict[str, str], columns: tuple[Column, ...]) -> bool:
    return not any(row.get(c.key) for c in columns if c.kind not in ("hidden", "choice"))


class RowsWidget(forms.Widget):
    template_name = "ulm_knowledge/widgets/rows.html"
    use_fieldset = True

    class Media:
        css = {"all": ["ulm_knowledge/list_editors.css"]}

    def __init__(self, columns: tuple[Column, ...], scalar: bool = False, attrs=None) -> None:
        super().__init__(attrs)
        self.columns = columns
        self.scalar = scalar

    def format_value(self, value: Any) -> list[dict[str, str]]:
        """Rows of strings, one key per column: from the stored JSON (dicts, or strings with
        ``scalar``) or from the rows as posted (a form shown again with its errors)."""
        if not isinstance(value, list):
            return []
        rows = []
        for entry in value:
            if isinstance(entry, dict):
                rows.append({c.key: str(entry.get(c.key) or "") for c in self.columns})
            elif self.scalar and entry is not None:
                rows.append({self.columns[0].key: str(entry)})
        return rows

    def get_context(self, name: str, value: Any, attrs) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        rows = [*self.format_value(value), *({} for _ in range(EXTRA_ROWS))]
        context["widget"]["columns"] = [c for c in self.columns if c.kind != "hidden"]
        context["widget"]["count"] = len(rows)
        context["widget"]["rows"] = [
            {
                "number": index + 1,
                "cells": [
                    {
                        "column": column,
                        "name": f"{name}-{index}-{column.key}",
                        "value": row.get(column.key, ""),
                    }
                    for column in self.columns
                ],
            }
            for index, row in enumerate(rows)
        ]
        return context

    def value_from_datadict(self, data, files, name: str) -> list[dict[str, str]]:
        try:
            count = int(data.get(f"{name}-count", 0))
        except (TypeError, ValueError):
            count = 0
        count = max(0, min(count, MAX_ROWS + EXTRA_ROWS))
        return [
            {c.key: str(data.get(f"{name}-{index}-{c.key}", "")).strip() for c in self.columns}
            for index in range(count)
        ]

    def value_omitted_from_data(self, data, files, name: str) -> bool:
        return f"{name}-count" not in data

    def id_for_label(self, id_: str) -> str:
        return ""  # a legend names the table, each input has its own label


class RowsField(forms.Field):
    """A list of entries (dicts, or strings with ``scalar``) edited as rows of inputs."""

    def __init__(self, columns: tuple[Column, ...], scalar: bool = False, **kwargs) -> None:
        self.columns = columns
        self.scalar = scalar
        kwargs.setdefault("required", False)
        super().__init__(widget=RowsWidget(columns, scalar=scalar), **kwargs)

    def prepare_value(self, value: Any) -> Any:
        return self.widget.format_value(value)

    def to_python(self, value: Any) -> list[Any]:
        rows = self.widget.format_value(value)
        errors: list[ValidationError] = []
        entries: list[Any] = []
        for number, row in enumerate(rows, start=1):
            if _row_is_empty(row, self.columns):
                continue
            for column in self.columns:
                message = self._check(column, row.get(column.key, ""))
                if message:
                    errors.append(
                        ValidationError(
                            _("Row %(row)d, “%(column)s”: %(message)s")
                            % {"row": number, "column": column.label, "message": message}
                        )
                    )
            if self.scalar:
                entries.append(row.get(self.columns[0].key, ""))
            else:
                entries.append({c.key: row.get(c.key, "") for c in self.columns if row.get(c.key)})
        if len(entries) > MAX_ROWS:
            errors.append(ValidationError(_("At most %(count)d entries.") % {"count": MAX_ROWS}))
        if errors:
            raise ValidationError(errors)
        return entries

    def _check(self, column: Column, text: str) -> str | None:
        if not text:
            return _("please fill in.") if column.required else None
        if len(text) > column.max_length:
            return _("at most %(count)d characters.") % {"count": column.max_length}
        if column.kind == "url":
            try:
                URLValidator(schemes=["https", "http"])(text)
            except ValidationError:
                return _("not a web address (https://…).")
        if column.kind == "email":
            try:
                EmailValidator()(text)
            except ValidationError:
                return _("not an e-mail address.")
        if column.kind == "choice" and text not in {key for key, _label in column.choices}:
            return _("not one of the choices.")
        return column.check(text) if column.check else None

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True


LEIKA_KEY = re.compile(r"^99\d{12}$")


def _leika(text: str) -> str | None:
    return None if LEIKA_KEY.match(text) else _("a LeiKa key has 14 digits and starts with 99.")


LEIKA_COLUMNS = (Column("key", gettext_lazy("LeiKa key"), check=_leika, max_length=14),)
FORM_COLUMNS = (
    Column(
        "kind",
        gettext_lazy("Kind"),
        kind="choice",
        choices=(
            ("form", gettext_lazy("Form")),
            ("online", gettext_lazy("Online service")),
            ("link", gettext_lazy("Further information")),
        ),
    ),
    Column("title", gettext_lazy("Title"), required=True, wide=True),
    Column("url", gettext_lazy("Web address"), kind="url", wide=True, max_length=2000),
)
CONTACT_COLUMNS = (
    Column("id", "id", kind="hidden"),
    Column("name", gettext_lazy("Name"), required=True),
    Column("organisation", gettext_lazy("Organisation")),
    Column("street", gettext_lazy("Street and number")),
    Column("postal_code", gettext_lazy("Postcode"), max_length=10),
    Column("city", gettext_lazy("City")),
    Column("phone", gettext_lazy("Phone"), max_length=40),
    Column("email", gettext_lazy("E-mail"), kind="email", max_length=254),
    Column("opening_hours", gettext_lazy("Opening hours"), wide=True, max_length=1000),
)
