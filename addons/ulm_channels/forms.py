"""The citizen's forms. Every message is German and names its field.

Spam protection without third parties: a hidden field that people leave empty (honeypot) and a
signed time stamp of when the form was shown (time trap). A form sent faster than a person can
fill it in, or from a page open for more than a day, is shown again with a German message and
everything the citizen typed: they just send it again.
"""

from __future__ import annotations

import secrets
import time

from django import forms
from django.core import signing
from django.core.cache import cache
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ulm_channels import conf
from ulm_channels.models.satisfaction import COMMENT_MAX_LENGTH, SatisfactionRating
from ulm_servicepoint.schema_forms import EmailAddressField

STARTED_SALT = "ulm_channels.form-started"
HONEYPOT_FIELD = "homepage"

# What the first bytes of an accepted file type look like: the extension alone proves nothing.
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
}


def now() -> float:
    return time.time()


def started_token() -> str:
    """The time stamp the form carries (signed: a bot cannot backdate it), with a random id
    that makes it good for one submission only."""
    return signing.dumps({"t": now(), "n": secrets.token_urlsafe(12)}, salt=STARTED_SALT)


def check_upload(upload) -> None:
    """Size and type of an uploaded file; raises a German ValidationError naming the file."""
    limit = conf.get("ULM_CHANNELS_UPLOAD_MAX_BYTES")
    if upload.size > limit:
        raise forms.ValidationError(
            _("The file “%(name)s” is too large (%(size)s): at most %(limit)s are allowed."),
            params={
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(limit),
            },
            code="too_large",
        )
    allowed = [ext.lower() for ext in conf.get("ULM_CHANNELS_UPLOAD_EXTENSIONS")]
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    head = upload.read(2048)
    upload.seek(0)
    if extension == "txt":
        content_ok = b"\x00" not in head
    else:
        content_ok = head.startswith(SIGNATURES.get(extension, (b"",)))
    if extension not in allowed or not content_ok or upload.size == 0:
        raise forms.ValidationError(
            _("We cannot accept the file “%(name)s”. Allowed are: %(types)s."),
            params={"name": upload.name, "types": ", ".join(ext.upper() for ext in allowed)},
            code="file_type",
        )


class UploadField(forms.FileField):
    default_error_messages = {
        "empty": _("The chosen file is empty."),
        "invalid": _("No file was sent. Please choose the file again."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Attachment"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("validators", [check_upload])
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ""}))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        extensions = conf.get("ULM_CHANNELS_UPLOAD_EXTENSIONS")
        attrs["accept"] = ",".join(f".{ext}" for ext in extensions)
        return attrs


def upload_help() -> str:
    return str(_("Optional. %(types)s, at most %(limit)s.")) % {
        "types": ", ".join(ext.upper() for ext in conf.get("ULM_CHANNELS_UPLOAD_EXTENSIONS")),
        "limit": filesizeformat(conf.get("ULM_CHANNELS_UPLOAD_MAX_BYTES")),
    }


class SpamProtectedForm(forms.Form):
    """Honeypot and time trap. The view renders ``started_token()`` into the hidden field
    ``started`` each time the form is shown, and the honeypot as ``homepage``."""

    def clean(self):
        cleaned = super().clean()
        max_age = conf.get("ULM_CHANNELS_MAX_FORM_AGE")
        try:
            started = signing.loads(
                self.data.get("started", ""), salt=STARTED_SALT, max_age=max_age
            )
            quick = now() - float(started["t"]) < conf.get("ULM_CHANNELS_MIN_FILL_SECONDS")
            once = str(started["n"])
        except (signing.BadSignature, TypeError, ValueError, KeyError):
            quick, once = True, ""
        if quick:
            raise forms.ValidationError(
                _(
                    "For your protection against automated messages we could not accept the "
                    "form this time. Your entries are kept: please check them and send the "
                    "form again."
                ),
                code="time_trap",
            )
        # each time the form is shown it may be sent once (a script cannot replay one token)
        if not cache.add(f"ulm_channels:form-sent:{once}", True, timeout=max_age):
            raise forms.ValidationError(
                _(
                    "This form was sent already. If you received our confirmation, your "
                    "request has arrived. Otherwise your entries are kept: please send the "
                    "form again."
                ),
                code="sent_twice",
            )
        return cleaned

    @property
    def honeypot_filled(self) -> bool:
        return bool(str(self.data.get(HONEYPOT_FIELD, "")).strip())


class ContactForm(SpamProtectedForm):
    name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = EmailAddressField(
        label=_("Your e-mail address"),
        help_text=_("We send the confirmation and our answer to this address."),
        error_messages={"required": _("Please enter your e-mail address.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        error_messages={
            "required": _("Please enter a subject."),
            "max_length": _("The subject may be at most %(limit_value)d characters long."),
        },
    )
    message = forms.CharField(
        label=_("Your request"),
        help_text=_("Describe your request as precisely as you can."),
        max_length=10000,
        error_messages={
            "required": _("Please describe your request."),
            "max_length": _("Your request may be at most %(limit_value)d characters long."),
        },
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    attachment = UploadField()
    privacy = forms.BooleanField(
        label=_("I have read the privacy notice."),
        error_messages={"required": _("Please confirm that you have read the privacy notice.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "attachment" in self.fields:
            self.fields["attachment"].help_text = upload_help()


class FeedbackForm(ContactForm):
    """Feedback on the accessibility of our pages (BITV 2.0 § 7): a request like any other."""

    subject = None  # type: ignore[assignment]
    attachment = None  # type: ignore[assignment]
    message = forms.CharField(
        label=_("Which barrier did you meet?"),
        help_text=_("Tell us the page and what did not work for you."),
        max_length=10000,
        error_messages={
            "required": _("Please describe the barrier."),
            "max_length": _("Your message may be at most %(limit_value)d characters long."),
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class TypedRequestForm(ContactForm):
    """The contact part of a typed form (``/anliegen/<slug>/``): the request type's own fields
    come from ulm_servicepoint's schema form beside it; here name, e-mail, phone, a remark and
    the privacy notice, with the same spam protection as the contact form."""

    subject = None  # type: ignore[assignment]
    attachment = None  # type: ignore[assignment]
    phone = forms.CharField(
        label=_("Your phone number"),
        required=False,
        max_length=40,
        help_text=_("Optional, for questions about your request."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    message = forms.CharField(
        label=_("Anything else you want to tell us"),
        required=False,
        max_length=10000,
        error_messages={
            "max_length": _("Your remark may be at most %(limit_value)d characters long."),
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    field_order = ["name", "email", "phone", "message", "privacy"]

    def clean_phone(self) -> str:
        from ulm_servicepoint.schema_forms import normalise_phone

        phone = self.cleaned_data.get("phone", "").strip()
        if not phone:
            return ""
        try:
            return normalise_phone(phone)
        except ValueError:
            raise forms.ValidationError(
                _("Please enter a valid phone number for “%(field)s”, e.g. 0731 161-0."),
                params={"field": self.fields["phone"].label},
            ) from None


class CitizenMessageForm(forms.Form):
    """On the status page: a message, a file, or both."""

    message = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=10000,
        error_messages={
            "max_length": _("Your message may be at most %(limit_value)d characters long."),
        },
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachment = UploadField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = upload_help()

    def clean(self):
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("message") and not cleaned.get("attachment"):
            self.add_error("message", _("Please write a message or choose a file."))
        return cleaned


class RatingForm(forms.Form):
    """The citizen's satisfaction rating: five levels in words, and an optional comment."""

    level = forms.TypedChoiceField(
        label=_("How satisfied are you with the answer to your request?"),
        choices=[],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose how satisfied you are."),
            "invalid_choice": _("The rating must be a number from 1 to 5."),
        },
    )
    comment = forms.CharField(
        label=_("Your comment"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        error_messages={
            "max_length": _(
                "Your comment may be at most %(limit_value)d characters long "
                "(it has %(show_value)d)."
            ),
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].help_text = gettext(
            "Optional, at most %(limit)d characters. Please do not include personal details."
        ) % {"limit": COMMENT_MAX_LENGTH}
        # best first, as in the mail; the words are the labels (not stars or colours)
        self.fields["level"].choices = [  # type: ignore[attr-defined]
            (level, f"{level} – {label}")
            for level, label in reversed(SatisfactionRating.Level.choices)
        ]
