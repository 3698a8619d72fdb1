from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from ulm_servicepoint import api, views

router = DefaultRouter()
router.register("anliegenarten", api.RequestTypeViewSet, basename="api-request-type")
router.register("anliegen", api.CaseRecordViewSet, basename="api-case")

app_name = "ulm_servicepoint"

urlpatterns = [
    path("healthz", views.health, name="health"),
    path("ulm/worker-ping/", views.worker_ping, name="worker_ping"),
    path("dateien/<path:name>", views.protected_file, name="protected_file"),
    path("helpdesk/erfassen/", views.capture_start, name="capture_start"),
    path("helpdesk/auskunft/", views.information, name="information"),
    path("helpdesk/erfassen/<slug:slug>/", views.capture, name="capture"),
    path("helpdesk/schalter/", views.counter, name="counter"),
    path("helpdesk/fall/<int:ticket_id>/werte/", views.case_edit, name="case_edit"),
    path("helpdesk/arbeitsliste/", views.worklist, name="worklist"),
    path("helpdesk/arbeitsliste/sammel/", views.worklist_bulk, name="worklist_bulk"),
    path("helpdesk/arbeitsliste/ansicht/", views.worklist_save_view, name="worklist_save_view"),
    path(
        "helpdesk/arbeitsliste/ansicht/<int:view_id>/loeschen/",
        views.worklist_delete_view,
        name="worklist_delete_view",
    ),
    path("api/servicepoint/", include(router.urls)),
    path(
        "api/servicepoint/schema/",
        SpectacularAPIView.as_view(urlconf="ulm_servicepoint.api_urls"),
        name="api_schema",
    ),
]

# Triage (Sichtung): untyped tickets get their request type
urlpatterns += [
    path("helpdesk/sichtung/", views.triage, name="triage"),
    path("helpdesk/sichtung/<int:ticket_id>/", views.triage_case, name="triage_case"),
]
