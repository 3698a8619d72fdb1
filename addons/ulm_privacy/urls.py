from django.urls import include, path

from ulm_privacy import audit_views

app_name = "ulm_privacy"

urlpatterns = [
    # the data-protection officer's pages live under /helpdesk/datenschutz/
    path("helpdesk/datenschutz/protokoll/", audit_views.audit_log_page, name="audit_log"),
    path(
        "helpdesk/datenschutz/protokoll/export.csv",
        audit_views.audit_log_export,
        name="audit_export",
    ),
    path("", include("ulm_privacy.rights_urls")),
]
