"""Admin of ulm_channels: held web submissions (release or discard), the call log, and the
e-mail gateway: mailboxes, received mail with the quarantine, sent mail.

The quarantine is the list of received mail filtered by outcome "quarantined"; its actions
retry a message, open a ticket from it anyway, or discard it (the raw copy stays for the
retention period). Each action is one call into services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ulm_channels import services
from ulm_channels.models import (
    Call,
    HeldFile,
    HeldSubmission,
    InboundMail,
    Mailbox,
    OutboundMail,
    UndeliverableAddress,
)


class HeldFileInline(admin.TabularInline):
    model = HeldFile
    extra = 0
    fields = ("key", "name", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(HeldSubmission)
class HeldSubmissionAdmin(admin.ModelAdmin):
    list_display = ("subject", "email", "request_type", "reason", "state", "created_at")
    list_filter = ("state", "reason")
    search_fields = ("subject", "email", "message")
    readonly_fields = ("ticket", "request_type", "values", "created_at", "updated_at")
    inlines = [HeldFileInline]
    actions = ["release", "discard"]

    @admin.action(description=_("Release as tickets"))
    def release(self, request, queryset):
        tickets = []
        for held in queryset:
            try:
                tickets.append(services.release_held_submission(held))
            except Exception as error:  # e.g. the type's schema changed since: say so, go on
                self.message_user(
                    request,
                    _("“%(subject)s” could not be released: %(error)s")
                    % {"subject": held.subject, "error": error},
                    messages.ERROR,
                )
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


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ["name", "host", "username", "folder", "active", "last_polled_at", "last_error"]
    list_filter = ["active"]
    readonly_fields = ["last_polled_at", "last_error", "created_at", "updated_at"]
    actions = ["poll_now"]

    @admin.action(description=_("Fetch mail now"))
    def poll_now(self, request, queryset):
        services.request_mail_poll()
        self.message_user(request, _("The worker fetches mail now."), messages.SUCCESS)


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "outcome", "sender", "subject", "ticket", "reason"]
    list_filter = ["outcome", "mailbox"]
    search_fields = ["subject", "sender", "message_id"]
    exclude = ["raw"]
    readonly_fields = [
        "source",
        "mailbox",
        "message_id",
        "content_hash",
        "size",
        "subject",
        "sender",
        "outcome",
        "reason",
        "error",
        "attempts",
        "ticket",
        "followup",
        "processed_at",
        "created_at",
        "updated_at",
    ]
    actions = ["retry", "create_ticket", "discard"]

    def has_add_permission(self, request):
        return False

    def _report(self, request, done: int) -> None:
        self.message_user(
            request,
            ngettext("%(count)d message processed.", "%(count)d messages processed.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Process again"))
    def retry(self, request, queryset):
        for record in queryset:
            services.retry_mail(record.pk)
        self._report(request, queryset.count())

    @admin.action(description=_("Create a ticket anyway"))
    def create_ticket(self, request, queryset):
        for record in queryset:
            services.create_ticket_from_mail(record.pk)
        self._report(request, queryset.count())

    @admin.action(description=_("Discard (the raw copy is kept for the retention period)"))
    def discard(self, request, queryset):
        for record in queryset:
            services.discard_mail(record.pk)
        self._report(request, queryset.count())


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "subject", "status", "attempts", "ticket"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "subject", "message_id"]
    readonly_fields = [f.name for f in OutboundMail._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(UndeliverableAddress)
class UndeliverableAddressAdmin(admin.ModelAdmin):
    list_display = ["address", "created_at", "reason"]
    search_fields = ["address"]
