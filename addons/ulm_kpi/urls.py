from django.urls import path

from ulm_kpi import quality_views, report_views, views

app_name = "ulm_kpi"

urlpatterns = [
    path("helpdesk/kennzahlen/", views.dashboard, name="dashboard"),
    path("helpdesk/kennzahlen/export.<slug:fmt>", views.export, name="export"),
    path("helpdesk/kennzahlen/berichte/", report_views.report_list, name="reports"),
    path(
        "helpdesk/kennzahlen/berichte/<int:report_id>/pdf/",
        report_views.report_download,
        name="report_pdf",
    ),
    # quality sampling (Qualitätssicherung)
    path("helpdesk/qualitaet/", quality_views.overview, name="quality"),
    path("helpdesk/qualitaet/meine/", quality_views.mine, name="quality_mine"),
    path("helpdesk/qualitaet/<int:sample_id>/", quality_views.review, name="quality_review"),
]
