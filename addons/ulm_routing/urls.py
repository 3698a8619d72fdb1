from django.urls import path

from ulm_routing import views

app_name = "ulm_routing"

urlpatterns = [
    path("helpdesk/fall/<int:ticket_id>/weiterleiten/", views.forward, name="forward"),
    path(
        "helpdesk/weiterleitung/<uuid:uuid>/<slug:action>/",
        views.handoff_action,
        name="handoff_action",
    ),
    path("helpdesk/abteilung/", views.worklist, name="worklist"),
    path("helpdesk/weiterleitungen/", views.overview, name="overview"),
    path("helpdesk/rueckrufe/neu/", views.callback_new, name="callback_new"),
    path(
        "helpdesk/rueckrufe/<uuid:uuid>/<slug:action>/",
        views.callback_action,
        name="callback_action",
    ),
]
