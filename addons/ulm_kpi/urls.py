from django.urls import path

from ulm_kpi import quality_views

app_name = "ulm_kpi"

urlpatterns: list = []

# Quality sampling (Qualitätssicherung)
urlpatterns += [
    path("helpdesk/qualitaet/", quality_views.overview, name="quality"),
    path("helpdesk/qualitaet/meine/", quality_views.mine, name="quality_mine"),
    path("helpdesk/qualitaet/<int:sample_id>/", quality_views.review, name="quality_review"),
]
