from django.urls import path  # noqa: F401

app_name = "ulm_kpi"

urlpatterns: list = []
