from django.urls import path

from ulm_servicepoint import views

app_name = "ulm_servicepoint"

urlpatterns = [
    path("healthz", views.health, name="health"),
    path("ulm/worker-ping/", views.worker_ping, name="worker_ping"),
    path("dateien/<path:name>", views.protected_file, name="protected_file"),
    path("helpdesk/erfassen/", views.capture_start, name="capture_start"),
    path("helpdesk/erfassen/<slug:slug>/", views.capture, name="capture"),
    path("helpdesk/schalter/", views.counter, name="counter"),
    path("helpdesk/fall/<int:ticket_id>/werte/", views.case_edit, name="case_edit"),
]
