"""Forms of the staff pages: forwarding, the department's actions on a handoff, callbacks.
Every input is bounded; messages are German and name their field."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ulm_routing.handoffs import MAX_REASON, MAX_TEXT
from ulm_servicepoint.services import departments

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d.%m.%Y %H:%M"]


def _local_datetime(label, required=True):
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ChoicesMixin:
    fields: dict

    def _choices(self, name: str) -> forms.ModelChoiceField:
        return cast(forms.ModelChoiceField, self.fields[name])


class DepartmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.title


class ForwardForm(ChoicesMixin, forms.Form):
    department = DepartmentChoice(
        label=_("Department"),
        queryset=departments(),
        required=False,
        empty_label=_("as the rules propose"),
    )
    reason = forms.CharField(
        label=_("Reason for another department"), required=False, max_length=MAX_REASON
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._choices("department").queryset = departments()


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("Text"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )


class AskForm(TextForm):
    to = forms.ChoiceField(
        label=_("Ask"),
        choices=[("first_level", _("the service center")), ("citizen", _("the citizen"))],
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )


class PassOnForm(ChoicesMixin, ReasonForm):
    department = DepartmentChoice(label=_("Department"), queryset=departments())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._choices("department").queryset = departments()


class CallbackForm(ChoicesMixin, forms.Form):
    caller_name = forms.CharField(label=_("Who called"), max_length=200)
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    subject = forms.CharField(label=_("Subject"), max_length=500)
    department = DepartmentChoice(label=_("Office wanted"), queryset=departments())
    person = forms.ModelChoiceField(
        label=_("Employee wanted (optional)"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("anyone in the office"),
    )
    window_start = _local_datetime(_("Call back from"))
    window_end = _local_datetime(_("Call back until"))
    reference = forms.CharField(label=_("Reference (optional)"), max_length=30, required=False)
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._choices("department").queryset = departments()
        self._choices("person").queryset = (
            get_user_model()
            .objects.filter(is_active=True, is_staff=True, is_superuser=False)
            .order_by("last_name", "username")
        )
        self.fields["person"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class NotReachedForm(forms.Form):
    retry_until = _local_datetime(_("Try again until"), required=False)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class DoneForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)
