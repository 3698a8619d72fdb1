"""Admin of ulm_routing (German): calendars with opening hours and closing days, SLA
policies, absences, rule sets and rules (conditions and actions as YAML, history on the rule's
page), the dry run, the what-if replay and the YAML import/export. Saving and deleting rules
goes through ``rulebook`` so that every change is validated and versioned."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from helpdesk.models import Ticket

from ulm_routing import rulebook, services
from ulm_routing.forms import DryRunForm, ImportForm, RuleForm, WhatIfForm
from ulm_routing.models import (
    Absence,
    BusinessCalendar,
    Callback,
    ClockPause,
    ClosingDay,
    DepartmentSettings,
    Escalation,
    Handoff,
    HandoffEvent,
    IntakePolicy,
    OpeningHours,
    PlannedNotification,
    RoutingRecord,
    Rule,
    RuleSet,
    RuleVersion,
    SLAPolicy,
    TicketSLA,
)
from ulm_routing.rules.base import RuleInvalid
from ulm_routing.rules_io import check_document, specs_of


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0
    fields = ["weekday", "opens", "closes"]


class ClosingDayInline(admin.TabularInline):
    model = ClosingDay
    extra = 0
    fields = ["name", "kind", "date", "month", "day", "weekday", "nth", "open_from", "open_until"]


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "queue", "is_default", "holiday_region"]
    inlines = [OpeningHoursInline, ClosingDayInline]


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "calendar",
        "first_response_hours",
        "handoff_feedback_hours",
        "resolution_hours",
        "is_default",
    ]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ["user", "starts_at", "ends_at", "substitute", "note"]
    list_filter = ["starts_at"]
    search_fields = ["user__username", "user__last_name", "substitute__username"]
    autocomplete_fields = ["user", "substitute"]


class RuleInline(admin.TabularInline):
    """The set's rules in order (edited on their own page, where they are validated)."""

    model = Rule
    extra = 0
    fields = ["position", "name", "active", "summary"]
    readonly_fields = ["position", "name", "active", "summary"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("conditions → actions"))
    def summary(self, obj):
        return services_summary(obj)


def services_summary(rule: Rule) -> str:
    from ulm_routing.rules.registry import ACTIONS, CONDITIONS

    conditions = "; ".join(CONDITIONS[c["type"]].describe(c) for c in rule.conditions) or _(
        "always"
    )
    actions = "; ".join(ACTIONS[a["type"]].describe(a) for a in rule.actions)
    return f"{conditions} → {actions}"


def history_table(versions) -> str:
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                v.number,
                v.get_change_display(),
                v.author or "—",
                v.created_at.astimezone().strftime("%d.%m.%Y %H:%M"),
                v.note,
            )
            for v in versions
        ),
    )
    if not rows:
        return _("No versions yet.")
    return format_html(
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
        "</thead><tbody>{}</tbody></table>",
        _("version"),
        _("change"),
        _("changed by"),
        _("when"),
        _("note"),
        rows,
    )


def _each(request, queryset, verb, done: str) -> None:
    for rule_set in queryset:
        try:
            result = verb(rule_set, request.user)
        except RuleInvalid as invalid:
            messages.error(request, " ".join(invalid.messages))
        else:
            messages.success(request, done % {"name": result})


@admin.action(description=gettext_lazy("Create a draft (edit without changing the live rules)"))
def make_draft(modeladmin, request, queryset):
    _each(request, queryset, rulebook.create_draft, _("Draft “%(name)s” ready."))


@admin.action(description=gettext_lazy("Publish the draft (replaces the live rules)"))
def publish(modeladmin, request, queryset):
    _each(request, queryset, rulebook.publish_draft, _("“%(name)s” is live."))


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "mode", "active", "draft_of"]
    list_filter = ["active", "mode"]
    fields = ["name", "position", "mode", "active", "draft_of", "history"]
    readonly_fields = ["draft_of", "history"]
    inlines = [RuleInline]
    actions = [make_draft, publish]
    change_list_template = "admin/ulm_routing/ruleset/change_list.html"

    @admin.display(description=gettext_lazy("History"))
    def history(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return history_table(obj.versions.filter(rule__isnull=True).select_related("author"))

    def save_model(self, request, obj, form, change):
        rulebook.save_rule_set(obj, request.user)

    def delete_model(self, request, obj):
        rulebook.delete_rule_set(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            rulebook.delete_rule_set(obj, request.user)

    def get_urls(self):
        own = [
            path(
                "probelauf/",
                self.admin_site.admin_view(self.dry_run_view),
                name="ulm_routing_dry_run",
            ),
            path(
                "was-waere-wenn/",
                self.admin_site.admin_view(self.whatif_view),
                name="ulm_routing_whatif",
            ),
            path(
                "import/", self.admin_site.admin_view(self.import_view), name="ulm_routing_import"
            ),
            path(
                "export/", self.admin_site.admin_view(self.export_view), name="ulm_routing_export"
            ),
        ]
        return own + super().get_urls()

    def _context(self, request, title: str, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    def dry_run_view(self, request):
        """What the live rules would do to ticket X, and why (GET: nothing changes)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = DryRunForm(request.GET or None)
        result = None
        status = 200
        if form.is_valid():
            ticket = (
                Ticket.objects.select_related("queue")
                .filter(pk=form.cleaned_data["ticket"])
                .first()
            )
            if ticket is None:
                form.add_error("ticket", _("There is no ticket with this number."))
                status = 404
            else:
                result = services.dry_run(ticket)
        elif form.is_bound:
            status = 400
        return TemplateResponse(
            request,
            "admin/ulm_routing/dry_run.html",
            self._context(request, _("Dry run of the rules"), form=form, result=result),
            status=status,
        )

    def whatif_view(self, request):
        """Replay the last N days against changed rules (POST: a file may be uploaded; the
        replay changes nothing)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = WhatIfForm(request.POST or None, request.FILES or None)
        result, status = None, 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    changed = None
                    upload = form.cleaned_data.get("rules")
                    if upload:
                        changed = specs_of(check_document(upload.read()))
                    result = services.replay(form.cleaned_data["days"], changed)
                except RuleInvalid as invalid:
                    for message in invalid.messages:
                        form.add_error("rules", message)
                    status = 400
                except services.WhatIfInvalid as exc:
                    form.add_error("days", str(exc))
                    status = 400
            else:
                status = 400
        return TemplateResponse(
            request,
            "admin/ulm_routing/whatif.html",
            self._context(
                request,
                _("What-if: replay tickets against changed rules"),
                form=form,
                result=result,
                changed=result.changed[:200] if result else [],
                departments=sorted(result.departments.items()) if result else [],
            ),
            status=status,
        )

    def import_view(self, request):
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    summary = services.import_rules(
                        form.cleaned_data["file"].read(),
                        author=request.user,
                        dry_run=form.cleaned_data["dry_run"],
                    )
                except RuleInvalid as invalid:
                    for message in invalid.messages:
                        form.add_error("file", message)
                    status = 400
                else:
                    messages.success(request, summary.as_text())
                    return redirect(reverse("admin:ulm_routing_ruleset_changelist"))
            else:
                status = 400
        return TemplateResponse(
            request,
            "admin/ulm_routing/import.html",
            self._context(request, _("Import rules (YAML)"), form=form),
            status=status,
        )

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(
            services.export_rules(), content_type="application/yaml; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="weiterleitungsregeln.yaml"'
        return response


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    form = RuleForm
    list_display = ["name", "rule_set", "position", "active", "needs_review", "summary"]
    list_filter = ["needs_review", "rule_set", "active"]
    search_fields = ["name", "description"]
    readonly_fields = ["history"]
    fieldsets = [
        (None, {"fields": ["rule_set", "position", "name", "active", "description"]}),
        (gettext_lazy("Conditions and actions"), {"fields": ["conditions_yaml", "actions_yaml"]}),
        (
            gettext_lazy("Review (a department said “not responsible”)"),
            {"fields": ["needs_review", "review_note"]},
        ),
        (gettext_lazy("History"), {"fields": ["history"]}),
    ]

    @admin.display(description=gettext_lazy("conditions → actions"))
    def summary(self, obj):
        return services_summary(obj)

    @admin.display(description=gettext_lazy("Versions"))
    def history(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return history_table(obj.versions.select_related("author"))

    def save_model(self, request, obj, form, change):
        rulebook.save_rule(obj, request.user)

    def delete_model(self, request, obj):
        rulebook.delete_rule(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            rulebook.delete_rule(obj, request.user)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RuleVersion)
class RuleVersionAdmin(ReadOnlyAdmin):
    list_display = ["label", "number", "change", "author", "created_at", "note"]
    list_filter = ["change", "created_at"]
    search_fields = ["label"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RoutingRecord)
class RoutingRecordAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "department", "created_at", "applied_by"]
    list_select_related = ["ticket", "department", "applied_by"]
    raw_id_fields = ["ticket"]


@admin.register(PlannedNotification)
class PlannedNotificationAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "recipient", "subject", "rule", "created_at", "sent_at"]
    list_select_related = ["ticket", "rule"]
    raw_id_fields = ["ticket"]


@admin.register(TicketSLA)
class TicketSLAAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "policy", "started_at", "first_response_due", "resolution_due"]
    list_select_related = ["ticket", "policy"]
    raw_id_fields = ["ticket"]


@admin.register(ClockPause)
class ClockPauseAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "started_at", "ended_at", "reason"]
    list_select_related = ["ticket"]
    raw_id_fields = ["ticket"]


@admin.register(DepartmentSettings)
class DepartmentSettingsAdmin(admin.ModelAdmin):
    list_display = ["queue", "answer_mode", "notify_citizen_on_escalation"]
    list_select_related = ["queue"]
    filter_horizontal = ["heads"]


@admin.register(IntakePolicy)
class IntakePolicyAdmin(admin.ModelAdmin):
    list_display = ["request_type", "channel", "mode"]
    list_filter = ["mode", "channel"]
    list_select_related = ["request_type"]


class HandoffEventInline(admin.TabularInline):
    model = HandoffEvent
    extra = 0
    fields = ("created_at", "kind", "by", "text")
    readonly_fields = ("created_at", "kind", "by", "text")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Handoff)
class HandoffAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "department", "state", "forwarded_at", "due_at", "owner", "rule"]
    list_filter = ["state", "department"]
    list_select_related = ["ticket", "department", "owner", "rule"]
    raw_id_fields = ["ticket"]
    inlines = [HandoffEventInline]


@admin.register(Callback)
class CallbackAdmin(ReadOnlyAdmin):
    list_display = ["caller_name", "department", "person", "window_end", "state", "attempts"]
    list_filter = ["state", "department"]
    list_select_related = ["department", "person"]
    search_fields = ["caller_name", "subject"]


@admin.register(Escalation)
class EscalationAdmin(ReadOnlyAdmin):
    list_display = ["handoff", "callback", "step", "recipients", "created_at"]
    list_filter = ["step"]
    list_select_related = ["handoff__ticket", "handoff__department", "callback"]
