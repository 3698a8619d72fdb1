"""Admin of ulm_knowledge: services, answers, synonyms; versions and answers given read-only.
Deleting is not offered for items: they are retired (the host deletes a KB item's tickets)."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ulm_knowledge import services
from ulm_knowledge.list_editors import CONTACT_COLUMNS, FORM_COLUMNS, LEIKA_COLUMNS, RowsField
from ulm_knowledge.models import (
    Answer,
    AnswerUse,
    ItemVersion,
    Service,
    SuggestionFeedback,
    Synonym,
)


def _lifecycle(name, verb, done):
    def action(modeladmin, request, queryset):
        for item in queryset:
            try:
                verb(item, request.user)
            except services.LifecycleError as exc:
                messages.error(request, f"{item}: {exc}")
            else:
                messages.success(request, f"{item}: {done}")

    action.__name__ = name
    return action


submit = admin.action(description=_("Submit for review"))(
    _lifecycle("submit", services.submit_for_review, _("submitted for review"))
)
approve = admin.action(description=_("Approve and publish (four eyes)"))(
    _lifecycle("approve", services.approve, _("published"))
)
reject = admin.action(description=_("Send back to draft"))(
    _lifecycle("reject", services.reject, _("back to draft"))
)
retire = admin.action(description=_("Retire the selected items"))(
    _lifecycle("retire", lambda item, user: services.retire_item(item), _("retired"))
)


class ItemAdmin(admin.ModelAdmin):
    """Content changes go through the services: a new version, back to draft, four eyes to
    publish. The status changes only by the actions; items are retired, never deleted."""

    list_filter = ["status", "department"]
    readonly_fields = [
        "uuid",
        "kbitem",
        "status",
        "submitted_by",
        "version",
        "content_hash",
        "review_reminded_on",
        "citizen_feedback",
        "created_at",
        "updated_at",
    ]
    actions = [submit, approve, reject, retire]
    content_fields: list[str] = []

    def save_model(self, request, obj, form, change):
        if not change:
            services.create_item(obj, request.user)
            return
        content = [name for name in form.changed_data if name in self.content_fields]
        # links to other rows (the service's request types) are saved by save_related
        links = {field.name for field in type(obj)._meta.many_to_many}
        other = [
            name
            for name in form.changed_data
            if name not in self.content_fields and name not in links
        ]
        if other:
            type(obj).objects.filter(pk=obj.pk).update(
                **{name: form.cleaned_data[name] for name in other}
            )
        if content:
            fresh = type(obj).objects.get(pk=obj.pk)
            services.edit_item(
                fresh, {name: form.cleaned_data[name] for name in content}, request.user
            )
        elif other:
            services.index_item(type(obj).objects.get(pk=obj.pk))

    def save_related(self, request, form, formsets, change):
        form.instance = type(form.instance).objects.get(pk=form.instance.pk)
        super().save_related(request, form, formsets, change)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Citizens: “Did this answer your question?”"))
    def citizen_feedback(self, obj):
        counts = services.feedback_counts([obj.kbitem_id]).get(obj.kbitem_id, {})
        return _("%(yes)d × yes, %(no)d × no") % {
            "yes": counts.get("helpful", 0),
            "no": counts.get("not_helpful", 0),
        }


class ServiceAdminForm(forms.ModelForm):
    """The service's lists as rows of inputs instead of JSON text (``list_editors``)."""

    leika_keys = RowsField(LEIKA_COLUMNS, scalar=True, label=_("LeiKa keys"))
    forms = RowsField(FORM_COLUMNS, label=_("forms and online services"))
    contact_points = RowsField(CONTACT_COLUMNS, label=_("contact points (address, opening hours)"))

    class Meta:
        model = Service
        # every field, as the admin's default form has: a list here would become the admin's
        # fields (ModelAdmin.get_form takes the form's own choice)
        fields = "__all__"  # noqa: DJ007


@admin.register(Service)
class ServiceAdmin(ItemAdmin):
    form = ServiceAdminForm
    content_fields = services.SERVICE_FIELDS
    readonly_fields = [*ItemAdmin.readonly_fields, "slug"]  # the public address stays
    list_display = ["name", "external_id", "status", "department", "version", "updated_at"]
    search_fields = ["name", "external_id", "keywords"]
    filter_horizontal = ["request_types"]


@admin.register(Answer)
class AnswerAdmin(ItemAdmin):
    content_fields = services.ANSWER_FIELDS
    list_display = ["question", "status", "department", "version", "updated_at"]
    search_fields = ["question"]
    filter_horizontal = ["services"]


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    list_display = ["term", "expansion", "active"]
    list_editable = ["expansion", "active"]
    search_fields = ["term", "expansion"]


@admin.register(ItemVersion)
class ItemVersionAdmin(admin.ModelAdmin):
    """Every saved state of an item, read only, with what changed against the one before."""

    list_display = ["kbitem", "number", "note", "author", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["kbitem__title"]
    fields = readonly_fields = ("kbitem", "number", "note", "author", "created_at", "changes")

    @admin.display(description=_("Changes against the previous version"))
    def changes(self, obj):
        if obj.number <= 1:
            return _("First version")
        rows = format_html_join(
            "",
            "<dt>{}</dt><dd><pre>{}</pre></dd>",
            (
                (label, "\n".join(lines))
                for label, lines in services.version_diff(obj.kbitem, obj.number - 1, obj.number)
            ),
        )
        return format_html("<dl>{}</dl>", rows) if rows else _("No change of content")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AnswerUse)
class AnswerUseAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kbitem", "version", "user", "created_at"]
    exclude = ["ticket_text"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SuggestionFeedback)
class SuggestionFeedbackAdmin(admin.ModelAdmin):
    """What citizens answered under the suggestions on the forms (anonymous counts)."""

    list_display = ["kbitem", "feedback", "page", "created_at"]
    list_filter = ["feedback", "page"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
