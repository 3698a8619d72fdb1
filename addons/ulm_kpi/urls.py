from django.urls import path

from ulm_kpi import views

app_name = "ulm_kpi"

urlpatterns = [
    path("helpdesk/kennzahlen/", views.dashboard, name="dashboard"),
    path("helpdesk/kennzahlen/export.<slug:fmt>", views.export, name="export"),
]
