from django.urls import path

from ulm_kpi import report_views

app_name = "ulm_kpi"

urlpatterns: list = [
    path("helpdesk/kennzahlen/berichte/", report_views.report_list, name="reports"),
    path(
        "helpdesk/kennzahlen/berichte/<int:report_id>/pdf/",
        report_views.report_download,
        name="report_pdf",
    ),
]
