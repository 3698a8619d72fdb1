"""Django forms built from a capture schema version: one validation for every channel.

A schema version is a list of field specs (``CaptureField.as_spec``). ``capture_form_class``
turns it into a form class; the form's ``typed_values()`` gives the JSON values that are stored
(numbers as numbers, dates as ISO strings, yes/no as booleans, several choices as a list, an
address as an object). ``values_to_data`` goes the other way, so the API's JSON and stored values
run through the very same validation as a browser's POST. Every message names its field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, time
from decimal import Decimal
from typing import Any

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_servicepoint import conf
from ulm_servicepoint.models.request_type import RequiredLevel, required_level

ADDRESS_PARTS = ("street", "house_number", "postcode", "city")
ADDRESS_LABELS = {
    "street": gettext_lazy("street"),
    "house_number": gettext_lazy("house number"),
    "postcode": gettext_lazy("postcode"),
    "city": gettext_lazy("city"),
}
ADDRESS_AUTOCOMPLETE = {
    "street": "address-line1",
    "house_number": "address-line2",
    "postcode": "postal-code",
    "city": "address-level2",
}
HOUSE_NUMBER = re.compile(r"^\d{1,4}\s?[a-zA-Z]?(\s?[-/]\s?\d{1,4}\s?[a-zA-Z]?)?$")
POSTCODE = re.compile(r"^\d{5}$")
# Unterscheidungszeichen (1-3 letters), Erkennungsbuchstaben (1-2), number (1-4 digits, no
# leading zero), optional E (electric) or H (historic); at most 8 characters without separators.
VEHICLE_REGISTRATION = re.compile(
    r"^([A-ZÄÖÜ]{1,3})[\s:-]*([A-Z]{1,2})[\s-]*([1-9]\d{0,3})([EH]?)$"
)
YES, NO = "yes", "no"


def normalise_phone(raw: str) -> str:
    """A German or international phone number as E.164 (+49731…); ValueError if it is none."""
    try:
        number = phonenumbers.parse(raw, "DE")
    except phonenumbers.NumberParseException as exc:
        raise ValueError(raw) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    """+497311610 → 0731 1610 for German numbers, international format otherwise."""
    try:
        number = phonenumbers.parse(e164, "DE")
    except phonenumbers.NumberParseException:
        return e164
    if number.country_code == 49:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalise_vehicle_registration(raw: str) -> str:
    """'ul ab 123' → 'UL-AB 123'; ValueError if it is no German registration number."""
    match = VEHICLE_REGISTRATION.match(raw.strip().upper())
    if not match:
        raise ValueError(raw)
    district, letters, digits, suffix = match.groups()
    if len(district + letters + digits + suffix) > 8:
        raise ValueError(raw)
    return f"{district}-{letters} {digits}{suffix}"


# at most 15 digits before and 6 after the decimal separator, no exponent: "1e1000000" would
# make Decimal → int build a number of a million digits and block the worker for half a minute
NUMBER = re.compile(r"^[+-]?\d{1,15}(\.\d{1,6})?$")
NUMBER_MAX_LENGTH = 30


def parse_number(raw: str) -> int | float:
    """German or international decimal notation: '1.234,5', '3,5', '3.5', '12'. Bounded in
    length, digits and precision; ValueError for anything else (exponents, NaN, infinity)."""
    text = raw.strip().replace(" ", "")
    if len(text) > NUMBER_MAX_LENGTH:
        raise ValueError(raw)
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    if not NUMBER.match(text):
        raise ValueError(raw)
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else float(number)


# Characters that have a meaning in HTML or in quoted strings. RFC 5322 allows some of them in
# an address (a quoted local part may hold almost anything), but no citizen needs them, and an
# address is shown to staff on many pages: such an address is refused at every intake.
ADDRESS_MARKUP = re.compile(r"[<>\"'`&\\\s\x00-\x1f\x7f]")


def validate_email_address(value: str, field: str = "") -> str:
    """A plain e-mail address (lower-cased), or ValidationError with a German message that
    names ``field``. Refuses what Django's validator would accept but no person needs: quoted
    local parts and characters with a meaning in HTML (``"<img/src/onerror=…>"@example.org``)."""
    from django.core.validators import validate_email

    address = value.strip()
    message = (
        _("Please enter a valid e-mail address for “%(field)s”, e.g. name@example.com.")
        % {"field": field}
        if field
        else _("Please enter a valid e-mail address, e.g. name@example.com.")
    )
    if ADDRESS_MARKUP.search(address) or len(address) > 254:
        raise ValidationError(message, code="invalid")
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError(message, code="invalid") from None
    return address.lower()


# --- Form fields ------------------------------------------------------------------------------
def _messages(label: str) -> dict[str, str]:
    return {
        "required": _("Please fill in “%(field)s”.") % {"field": label},
        "invalid": _("“%(field)s” is not valid.") % {"field": label},
        "invalid_choice": _("Please choose one of the offered answers for “%(field)s”.")
        % {"field": label},
        "max_length": _("“%(field)s” may be at most %(limit)s characters long.")
        % {"field": label, "limit": "%(limit_value)d"},
    }


class NumberField(forms.CharField):
    def to_python(self, value: Any) -> int | float | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_number(text)
        except ValueError:
            raise ValidationError(
                _("Please enter a number for “%(field)s”, e.g. 3 or 2,5.") % {"field": self.label}
            ) from None


class PhoneField(forms.CharField):
    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        try:
            return normalise_phone(text)
        except ValueError:
            raise ValidationError(
                _("Please enter a valid phone number for “%(field)s”, e.g. 0731 161-0.")
                % {"field": self.label}
            ) from None


class EmailAddressField(forms.CharField):
    """A plain e-mail address (see ``validate_email_address``), lower-cased."""

    widget = forms.EmailInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return validate_email_address(text, field=str(self.label or "")) if text else ""


class VehicleRegistrationField(forms.CharField):
    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        try:
            return normalise_vehicle_registration(text)
        except ValueError:
            raise ValidationError(
                _("Please enter a German registration number for “%(field)s”, e.g. UL-AB 123.")
                % {"field": self.label}
            ) from None


class UploadField(forms.FileField):
    """A PDF or image, at most ULM_SERVICEPOINT_MAX_UPLOAD_BYTES, checked by its content."""

    SIGNATURES = {
        b"%PDF-": ".pdf",
        b"\x89PNG\r\n\x1a\n": ".png",
        b"\xff\xd8\xff": ".jpg",
        b"II*\x00": ".tif",
        b"MM\x00*": ".tif",
    }

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if not upload:
            return upload
        limit = conf.get("ULM_SERVICEPOINT_MAX_UPLOAD_BYTES")
        if upload.size > limit:
            raise ValidationError(
                _("The file for “%(field)s” is too large (at most %(mb)s MB).")
                % {"field": self.label, "mb": limit // (1024 * 1024)}
            )
        head = upload.read(8)
        upload.seek(0)
        if not any(head.startswith(signature) for signature in self.SIGNATURES):
            raise ValidationError(
                _("The file for “%(field)s” must be a PDF, JPEG, PNG or TIFF file.")
                % {"field": self.label}
            )
        return upload


def _form_field(spec: Mapping[str, Any], required: bool) -> forms.Field:
    label = spec["label"]
    kind = spec["type"]
    common: dict[str, Any] = {
        "label": label,
        "required": required,
        "help_text": spec.get("help_text", ""),
        "error_messages": _messages(label),
    }
    choices = [(choice, choice) for choice in spec.get("choices", [])]
    if kind == "long_text":
        return forms.CharField(max_length=10000, widget=forms.Textarea(attrs={"rows": 5}), **common)
    if kind == "number":
        return NumberField(
            widget=forms.TextInput(
                attrs={"inputmode": "decimal", "maxlength": str(NUMBER_MAX_LENGTH)}
            ),
            **common,
        )
    if kind == "date":
        return forms.DateField(
            input_formats=["%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"],
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{
                **common,
                "error_messages": {
                    **common["error_messages"],
                    "invalid": _("Please enter a date for “%(field)s”, e.g. 24.12.2026.")
                    % {"field": label},
                },
            },
        )
    if kind == "time":
        return forms.TimeField(
            input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
            widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            **{
                **common,
                "error_messages": {
                    **common["error_messages"],
                    "invalid": _("Please enter a time for “%(field)s”, e.g. 14:30.")
                    % {"field": label},
                },
            },
        )
    if kind == "choice":
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if kind == "multi_choice":
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == "yes_no":
        return forms.ChoiceField(
            choices=[(YES, _("Yes")), (NO, _("No"))], widget=forms.RadioSelect, **common
        )
    if kind == "email":
        return EmailAddressField(**common)
    if kind == "phone":
        return PhoneField(max_length=40, widget=forms.TextInput(attrs={"type": "tel"}), **common)
    if kind == "vehicle_registration":
        return VehicleRegistrationField(max_length=20, **common)
    if kind == "file_reference":
        field = forms.CharField(max_length=100, **common)
        if spec.get("pattern"):
            example = spec.get("pattern_example") or ""
            message = (
                _("“%(field)s” has the wrong format, e.g. %(example)s.")
                if example
                else _("“%(field)s” has the wrong format.")
            ) % {"field": label, "example": example}
            field.validators.append(RegexValidator(spec["pattern"], message))
        return field
    if kind == "file":
        return UploadField(**common)
    return forms.CharField(max_length=500, **common)


class LevelBoundField(forms.BoundField):
    """Leaves out the browser's ``required`` where the agent may leave a field empty for a
    first-contact answer: the browser must not block "Erstauskunft erteilt" on it (the server
    decides by the outcome chosen)."""

    def build_widget_attrs(self, attrs: Any, widget: Any = None) -> dict[str, Any]:
        built = super().build_widget_attrs(attrs, widget)
        if getattr(self.field, "for_processing", False):
            built.pop("required", None)
        return built


def _processing_message(label: str) -> str:
    return _(
        "Please fill in “%(field)s”: the department needs it to process the request (a "
        "first-contact answer does without it)."
    ) % {"field": label}


class CaptureValuesForm(forms.Form):
    """The values of one request type's schema version, for one audience (citizen or agent).

    Required levels (``RequiredLevel``): a field required ALWAYS is required in every case; one
    required FOR_PROCESSING on every citizen's form and for an agent's capture kept open or
    forwarded, but not for a first-contact answer (``first_contact=True``). On the agents'
    screens such a field never carries the browser's ``required`` and is marked "required for
    processing" (``field.for_processing``; field.html)."""

    specs: list[dict[str, Any]] = []
    bound_field_class = LevelBoundField

    def __init__(
        self, *args: Any, audience: str = "agent", first_contact: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.audience = audience
        self.first_contact = first_contact and audience == "agent"
        self.visible_specs = [
            spec for spec in self.specs if audience == "agent" or spec["audience"] == "citizen"
        ]
        for spec in self.visible_specs:
            key = spec["key"]
            level = required_level(spec)
            for_processing = audience == "agent" and level == RequiredLevel.FOR_PROCESSING
            required = level == RequiredLevel.ALWAYS or (
                level == RequiredLevel.FOR_PROCESSING and not self.first_contact
            )
            if spec["type"] == "address":
                names = [f"{key}__{part}" for part in ADDRESS_PARTS]
                for part, name in zip(ADDRESS_PARTS, names, strict=True):
                    label = f"{spec['label']}: {ADDRESS_LABELS[part]}"
                    self.fields[name] = forms.CharField(
                        label=label,
                        required=required,
                        max_length=200,
                        error_messages=_messages(label),
                        widget=forms.TextInput(attrs={"autocomplete": ADDRESS_AUTOCOMPLETE[part]}),
                    )
                self.fields[f"{key}__street"].help_text = spec.get("help_text", "")
            else:
                names = [key]
                self.fields[key] = _form_field(spec, required)
            for name in names:
                made = self.fields[name]
                setattr(made, "for_processing", for_processing)  # noqa: B010
                if for_processing:
                    made.error_messages["required"] = _processing_message(str(made.label))
            # plain-language help (Leichte Sprache) for public forms that offer it
            setattr(self.fields[names[0]], "help_text_easy", spec.get("help_text_easy", ""))  # noqa: B010

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for spec in self.visible_specs:
            if spec["type"] != "address":
                continue
            key, label = spec["key"], spec["label"]
            parts = {part: cleaned.get(f"{key}__{part}", "") for part in ADDRESS_PARTS}
            if not any(parts.values()):
                continue
            for part in ADDRESS_PARTS:
                name = f"{key}__{part}"
                if not parts[part] and name not in self.errors:
                    self.add_error(
                        name,
                        _("Please fill in “%(field)s”.")
                        % {"field": f"{label}: {ADDRESS_LABELS[part]}"},
                    )
            if parts["house_number"] and not HOUSE_NUMBER.match(parts["house_number"]):
                self.add_error(
                    f"{key}__house_number",
                    _("Please enter a house number for “%(field)s”, e.g. 12 or 12a.")
                    % {"field": label},
                )
            if parts["postcode"] and not POSTCODE.match(parts["postcode"]):
                self.add_error(
                    f"{key}__postcode",
                    _("The postcode for “%(field)s” has five digits, e.g. 89073.")
                    % {"field": label},
                )
        return cleaned

    def typed_values(self) -> dict[str, Any]:
        """The cleaned values as stored (JSON), without files; empty values left out."""
        values: dict[str, Any] = {}
        for spec in self.visible_specs:
            key, kind = spec["key"], spec["type"]
            if kind == "file":
                continue
            if kind == "address":
                parts = {p: self.cleaned_data.get(f"{key}__{p}", "").strip() for p in ADDRESS_PARTS}
                if any(parts.values()):
                    values[key] = parts
                continue
            value = self.cleaned_data.get(key)
            if value in (None, "", []):
                continue
            if kind == "yes_no":
                value = value == YES
            elif isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, time):
                value = value.strftime("%H:%M")
            elif kind == "email":
                value = value.lower()
            values[key] = value
        return values

    def uploads(self) -> dict[str, Any]:
        return {
            spec["key"]: self.cleaned_data[spec["key"]]
            for spec in self.visible_specs
            if spec["type"] == "file" and self.cleaned_data.get(spec["key"])
        }


def capture_form_class(specs: Iterable[Mapping[str, Any]]) -> type[CaptureValuesForm]:
    """A form class for a schema version's field specs (audience and whether it is a
    first-contact answer chosen at instantiation). Specs of older versions, with a yes/no
    ``required``, work as they are (yes = required for processing)."""
    return type("CaptureForm", (CaptureValuesForm,), {"specs": [dict(s) for s in specs]})


def values_to_data(specs: Iterable[Mapping[str, Any]], values: Mapping[str, Any]) -> dict[str, Any]:
    """Stored or API values (JSON) → the form data a browser would send for them."""
    data: dict[str, Any] = {}
    for spec in specs:
        key = spec["key"]
        if key not in values or values[key] is None:
            continue
        value = values[key]
        if spec["type"] == "address" and isinstance(value, Mapping):
            for part in ADDRESS_PARTS:
                data[f"{key}__{part}"] = str(value.get(part, ""))
        elif spec["type"] == "yes_no" and isinstance(value, bool):
            data[key] = YES if value else NO
        elif spec["type"] == "multi_choice":
            data[key] = list(value) if isinstance(value, list | tuple) else [value]
        else:
            data[key] = value if isinstance(value, str) else str(value)
    return data


def display_value(spec: Mapping[str, Any], value: Any) -> str:
    """A stored value as a German reader expects it."""
    if value in (None, "", []):
        return "—"
    kind = spec["type"]
    if kind == "yes_no":
        return _("Yes") if value else _("No")
    if kind == "date":
        try:
            return date.fromisoformat(value).strftime("%d.%m.%Y")
        except (TypeError, ValueError):
            return str(value)
    if kind == "number":
        return str(value).replace(".", ",")
    if kind == "multi_choice" and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if kind == "address" and isinstance(value, Mapping):
        return (
            f"{value.get('street', '')} {value.get('house_number', '')}, "
            f"{value.get('postcode', '')} {value.get('city', '')}"
        )
    if kind == "phone":
        return format_phone(str(value))
    if kind == "file" and isinstance(value, Mapping):
        return str(value.get("name", ""))
    return str(value)
