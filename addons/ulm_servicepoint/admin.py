from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _

from ulm_servicepoint import services
from ulm_servicepoint.models import (
    ArchiveOffer,
    CaptureField,
    CaptureSchema,
    CaseRecord,
    Citizen,
    CounterVisit,
    RequestType,
    WorkerHeartbeat,
)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["created_at", "source", "worker_pid", "token"]
    list_filter = ["source"]
    readonly_fields = ["created_at", "updated_at", "source", "token", "worker_pid"]

    def has_add_permission(self, request):
        return False


class CaptureFieldInline(admin.StackedInline):
    """A field per block, its settings in four lines (a table of eleven columns made the page
    3,447 px wide on a 1,440 px screen)."""

    model = CaptureField
    extra = 0
    fields = [
        ("position", "key", "label"),
        ("field_type", "required_level", "audience"),
        ("help_text", "help_text_easy"),
        ("choices", "pattern", "pattern_example"),
    ]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}


@admin.register(RequestType)
class RequestTypeAdmin(admin.ModelAdmin):
    """Admins edit a type's fields here; saving publishes them as a new schema version."""

    list_display = [
        "name",
        "topic_group",
        "default_queue",
        "public",
        "active",
        "retention_months",
        "archive_worthy",
        "retention_obligation",
        "schema_version",
    ]
    list_filter = [
        "topic_group",
        "public",
        "active",
        "default_queue",
        "archive_worthy",
        "retention_obligation",
    ]
    search_fields = ["name", "slug", "leika_keys", "topic_group"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CaptureFieldInline]

    @admin.display(description=_("schema version"))
    def schema_version(self, obj: RequestType):
        latest = obj.schemas.first()
        return latest.version if latest else "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.publish_schema(form.instance)


@admin.register(CaptureSchema)
class CaptureSchemaAdmin(admin.ModelAdmin):
    """Published versions are history: read-only."""

    list_display = ["request_type", "version", "created_at"]
    list_filter = ["request_type"]
    readonly_fields = ["request_type", "version", "fields", "created_at", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Citizen)
class CitizenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "email",
        "phone",
        "postcode",
        "city",
        "possible_duplicate_of",
        "created_at",
    ]
    list_filter = [("possible_duplicate_of", admin.EmptyFieldListFilter)]
    search_fields = ["name", "email", "phone"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    raw_id_fields = ["possible_duplicate_of"]
    actions = ["merge_selected"]

    @admin.action(description=_("Merge selected citizens into the oldest record"))
    def merge_selected(self, request, queryset):
        citizens = list(queryset.order_by("created_at", "pk"))
        if len(citizens) < 2:
            self.message_user(request, _("Select at least two citizens to merge."), messages.ERROR)
            return
        kept = services.merge_citizens(citizens[0], citizens[1:])
        self.message_user(
            request,
            _("%(count)d records merged into “%(name)s”.")
            % {"count": len(citizens) - 1, "name": kept},
            messages.SUCCESS,
        )


@admin.register(CaseRecord)
class CaseRecordAdmin(admin.ModelAdmin):
    list_display = [
        "ticket",
        "request_type",
        "channel",
        "level",
        "resolved_at_first_contact",
        "received_at",
    ]
    list_filter = [
        "channel",
        "level",
        "resolved_at_first_contact",
        "archive_worthy",
        "request_type",
    ]
    raw_id_fields = ["ticket", "citizen", "captured_by"]
    readonly_fields = ["schema", "values", "created_at", "updated_at"]

    def get_queryset(self, request):
        visible = services.tickets_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(ticket__in=visible)


@admin.register(CounterVisit)
class CounterVisitAdmin(admin.ModelAdmin):
    list_display = ["created_at", "request_type", "minutes", "captured_by"]
    list_filter = ["request_type"]


@admin.register(ArchiveOffer)
class ArchiveOfferAdmin(admin.ModelAdmin):
    """The offers to the city archive: a failed export is listed here (and on /healthz) until
    a later run succeeds; staff record an answer the archive gave by letter or phone."""

    list_display = ["reference", "state", "offered_at", "decided_at", "attempts", "error"]
    list_filter = ["state"]
    search_fields = ["reference"]
    readonly_fields = [
        "ticket",
        "reference",
        "state",
        "package",
        "offered_at",
        "decided_at",
        "attempts",
        "error",
        "note",
        "created_at",
        "updated_at",
    ]
    actions = ["mark_accepted", "mark_declined"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, accepted: bool) -> None:
        decided = 0
        for offer in queryset.filter(state=ArchiveOffer.State.OFFERED):
            services.decide_archive_offer(offer, accepted, note=str(request.user))
            decided += 1
        skipped = queryset.count() - decided
        self.message_user(
            request,
            _("%(count)d offers recorded as answered.") % {"count": decided},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                _("%(count)d offers were not waiting for an answer and stay as they are.")
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(
        description=_("The archive takes the selected cases over"), permissions=["change"]
    )
    def mark_accepted(self, request, queryset):
        self._decide(request, queryset, True)

    @admin.action(description=_("The archive declines the selected cases"), permissions=["change"])
    def mark_declined(self, request, queryset):
        self._decide(request, queryset, False)
