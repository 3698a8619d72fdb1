"""Admin of ulm_channels: held web submissions (release or discard), the call log, and the
e-mail gateway: mailboxes, received mail with the quarantine, and the outbox (every mail sent,
with "send again"); the citizens' satisfaction ratings (read only).

The quarantine is the list of received mail filtered by outcome "quarantined"; its actions
retry a message, open a ticket from it anyway, or discard it (the raw copy stays for the
retention period). Each action is one call into services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from helpdesk.models import Ticket

from ulm_channels import services
from ulm_channels.models import (
    Call,
    HeldFile,
    HeldSubmission,
    InboundMail,
    Mailbox,
    OutboundMail,
    SatisfactionRating,
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


class TicketFilter(admin.SimpleListFilter):
    """Per ticket: ``?ticket=<id>`` (the link on the ticket's page)."""

    title = _("ticket")
    parameter_name = "ticket"

    def lookups(self, request, model_admin):
        value = self.value() or ""
        if not value:
            return []
        ticket = Ticket.objects.filter(pk=value).first() if value.isdigit() else None
        return [(value, str(ticket) if ticket else f"#{value}")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(ticket_id=int(value)) if value.isdigit() else queryset.none()


OUTBOX_STATE = (
    "ticket_link",
    "kind",
    "status",
    "last_error",
    "attempts",
    "next_attempt_at",
    "sent_at",
    "created_at",
)
OUTBOX_ENVELOPE = ("sender", "recipients", "to_citizen", "automatic")
OUTBOX_MESSAGE = ("message_id", "in_reply_to", "references", "headers", "text", "files")


@admin.register(OutboundMail)
class OutboundMailAdmin(admin.ModelAdmin):
    """The outbox: every mail the product sends, read-only, with "send again" for the failed
    ones. Seen by whoever has the permission ``view_outboundmail`` (and is staff); sending
    again needs ``change_outboundmail``."""

    list_display = [
        "created_at",
        "status",
        "kind",
        "recipient",
        "subject",
        "ticket",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "kind", "to_citizen", TicketFilter]
    list_select_related = ["ticket"]
    search_fields = ["recipient", "subject", "message_id", "=ticket__id"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    change_form_template = "admin/ulm_channels/outboundmail/change_form.html"
    fieldsets = [
        (None, {"fields": OUTBOX_STATE}),
        (_("Envelope"), {"fields": OUTBOX_ENVELOPE}),
        (_("Message"), {"fields": OUTBOX_MESSAGE}),
    ]
    readonly_fields = (*OUTBOX_STATE, *OUTBOX_ENVELOPE, *OUTBOX_MESSAGE)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            queryset = queryset.defer("raw", "body")
        return queryset

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a record of what was sent: read-only

    def has_delete_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request, obj=None):
        return request.user.has_perm("ulm_channels.change_outboundmail")

    @admin.display(description=_("ticket"))
    def ticket_link(self, mail):
        if mail.ticket_id is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("helpdesk:view", args=[mail.ticket_id]), mail.ticket
        )

    @admin.display(description=_("headers"))
    def headers(self, mail):
        message = services.outbound_message(mail)
        if message is None:
            return "—"
        return format_html(
            '<pre style="white-space: pre-wrap">{}</pre>',
            "\n".join(f"{name}: {value}" for name, value in message.items()),
        )

    @admin.display(description=_("text"))
    def text(self, mail):
        message = services.outbound_message(mail)
        body = message.get_body(preferencelist=("plain",)) if message is not None else None
        content = body.get_content() if body is not None else mail.body
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', content or "—")

    @admin.display(description=_("attachments"))
    def files(self, mail):
        message = services.outbound_message(mail)
        names = [
            f"{part.get_filename()} ({filesizeformat(len(part.get_payload(decode=True) or b''))})"
            for part in (message.iter_attachments() if message is not None else [])
        ]
        return ", ".join(names) or "—"

    @admin.action(description=_("Send again"), permissions=["resend"])
    def send_again(self, request, queryset):
        queued = sum(services.send_mail_again(mail) for mail in queryset)
        skipped = queryset.count() - queued
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail queued to be sent again.",
                "%(count)d e-mails queued to be sent again.",
                queued,
            )
            % {"count": queued},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d e-mail not queued: it was sent already (or cannot be sent).",
                    "%(count)d e-mails not queued: they were sent already (or cannot be sent).",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    def get_urls(self):
        resend = self.admin_site.admin_view(self.send_again_view)
        return [
            path("<int:pk>/erneut-senden/", resend, name="ulm_channels_outboundmail_resend"),
            *super().get_urls(),
        ]

    def send_again_view(self, request, pk: int):
        """The "send again" button on a mail's page (POST only)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_resend_permission(request):
            raise PermissionDenied
        mail = get_object_or_404(OutboundMail, pk=pk)
        self.send_again(request, OutboundMail.objects.filter(pk=mail.pk))
        return redirect(reverse("admin:ulm_channels_outboundmail_change", args=[pk]))

    def render_change_form(self, request, context, *args, **kwargs):
        obj = context.get("original")
        context["may_resend"] = (
            obj is not None
            and self.has_resend_permission(request)
            and obj.status != OutboundMail.Status.SENT
            and bool(obj.raw)
        )
        return super().render_change_form(request, context, *args, **kwargs)


@admin.register(UndeliverableAddress)
class UndeliverableAddressAdmin(admin.ModelAdmin):
    list_display = ["address", "created_at", "reason"]
    search_fields = ["address"]


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(admin.ModelAdmin):
    """The citizens' ratings, read only (seen with ``view_satisfactionrating``): level, comment
    (blank once the ticket was anonymised) and the ticket."""

    list_display = ("created_at", "level", "ticket", "comment_start")
    list_filter = ("level", "created_at")
    list_select_related = ("ticket",)
    fields = ("ticket", "level", "comment", "created_at")
    readonly_fields = fields
    date_hierarchy = "created_at"

    @admin.display(description=_("comment"))
    def comment_start(self, obj):
        return obj.comment[:80] + ("…" if len(obj.comment) > 80 else "")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
