from django.contrib import admin

from ulm_servicepoint.models import WorkerHeartbeat


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["created_at", "source", "worker_pid", "token"]
    list_filter = ["source"]
    readonly_fields = ["created_at", "updated_at", "source", "token", "worker_pid"]

    def has_add_permission(self, request):
        return False
