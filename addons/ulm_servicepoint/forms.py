"""Forms of the agents' capture screens. German messages that name their field."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from helpdesk.models import Queue

from ulm_servicepoint.models.case import Channel
from ulm_servicepoint.models.citizen import ReplyChannel


def _required(label):
    return {"required": _("Please fill in “%(field)s”.") % {"field": label}}


class CitizenForm(forms.Form):
    """The citizen's contact details; all optional (a request may be anonymous)."""

    citizen = forms.UUIDField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), required=False, max_length=200)
    email = forms.CharField(label=_("E-mail address"), required=False, max_length=254)
    phone = forms.CharField(label=_("Phone number"), required=False, max_length=40)
    street = forms.CharField(label=_("Street"), required=False, max_length=200)
    house_number = forms.CharField(label=_("House number"), required=False, max_length=20)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=5)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    preferred_channel = forms.ChoiceField(
        label=_("Preferred reply channel"),
        required=False,
        choices=[("", "—"), *ReplyChannel.choices],
    )
    consent_contact = forms.BooleanField(
        label=_("Agrees to be contacted about this request"), required=False
    )


class QueueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.title


class CaptureMetaForm(forms.Form):
    """How the request came in and what the agent did with it."""

    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[c for c in Channel.choices if c[0] not in (Channel.WEB_FORM, Channel.OTHER)],
        initial=Channel.PHONE,
    )
    message = forms.CharField(
        label=_("Notes on the request"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    answer = forms.CharField(
        label=_("Answer given"),
        required=False,
        max_length=10000,
        help_text=_("Required for “First-contact answer given”."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    scan = forms.FileField(
        label=_("Scan of the letter"),
        required=False,
        help_text=_("PDF or image; required for letters."),
    )
    forward_to = QueueChoiceField(
        label=_("Forward to another department"),
        queryset=Queue.objects.none(),
        required=False,
        empty_label=_("the proposed one"),
        help_text=_("Only when the proposed department is wrong; give the reason below."),
    )
    forward_reason = forms.CharField(
        label=_("Reason for another department"), required=False, max_length=500
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from ulm_servicepoint.services import departments

        cast(forms.ModelChoiceField, self.fields["forward_to"]).queryset = departments()


class CounterForm(forms.Form):
    """Counter mode: a topic (its number in the list, or the start of its name) and minutes."""

    topic = forms.CharField(
        label=_("Topic"),
        max_length=200,
        error_messages=_required(_("Topic")),
        widget=forms.TextInput(attrs={"autofocus": True, "list": "topics", "autocomplete": "off"}),
    )
    minutes = forms.IntegerField(
        label=_("Minutes"),
        initial=5,
        error_messages={
            **_required(_("Minutes")),
            "invalid": _("“%(field)s” must be a whole number from 1 to 480.")
            % {"field": _("Minutes")},
        },
    )
