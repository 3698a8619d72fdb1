"""Admin of ulm_channels: held submissions (release or discard) and the call log."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ulm_channels import services
from ulm_channels.models import Call, HeldSubmission


@admin.register(HeldSubmission)
class HeldSubmissionAdmin(admin.ModelAdmin):
    list_display = ("subject", "email", "reason", "state", "created_at")
    list_filter = ("state", "reason")
    search_fields = ("subject", "email", "message")
    readonly_fields = ("ticket", "created_at", "updated_at")
    actions = ["release", "discard"]

    @admin.action(description=_("Release as tickets"))
    def release(self, request, queryset):
        tickets = [services.release_held_submission(held) for held in queryset]
        count = len(tickets)
        self.message_user(
            request,
            ngettext("%(count)d ticket created.", "%(count)d tickets created.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Discard as spam"))
    def discard(self, request, queryset):
        for held in queryset:
            services.discard_held_submission(held)


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("started_at", "caller", "direction", "answered_at", "ended_at", "agent")
    list_filter = ("direction",)
    search_fields = ("call_id", "caller", "caller_normalised")
    readonly_fields = ("created_at", "updated_at")
