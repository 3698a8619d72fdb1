"""Admin of ulm_knowledge: services, answers, synonyms; versions and answers given read-only.
Deleting is not offered for items: they are retired (the host deletes a KB item's tickets)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ulm_knowledge import services
from ulm_knowledge.models import Answer, AnswerUse, ItemVersion, Service, Synonym


@admin.action(description=_("Retire the selected items"))
def retire(modeladmin, request, queryset):
    for item in queryset:
        services.retire_item(item)
    messages.success(request, _("Items retired."))


class ItemAdmin(admin.ModelAdmin):
    list_filter = ["status", "department"]
    readonly_fields = ["uuid", "kbitem", "version", "content_hash", "created_at", "updated_at"]
    actions = [retire]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Service)
class ServiceAdmin(ItemAdmin):
    list_display = ["name", "external_id", "status", "department", "version", "updated_at"]
    search_fields = ["name", "external_id", "keywords"]


@admin.register(Answer)
class AnswerAdmin(ItemAdmin):
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
    list_display = ["kbitem", "number", "note", "author", "created_at"]

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
