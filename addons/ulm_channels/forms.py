"""The citizen's contact form. Every message is German and names its field."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ContactForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send the confirmation and our answer to this address."),
        error_messages={
            "required": _("Please enter your e-mail address."),
            "invalid": _("Please enter a valid e-mail address, e.g. name@example.com."),
        },
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
    privacy = forms.BooleanField(
        label=_("I have read the privacy notice."),
        error_messages={"required": _("Please confirm that you have read the privacy notice.")},
    )
