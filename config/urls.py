"""URL map: the helpdesk under /helpdesk/, our addons beside it, the admin, health."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from procrastinate.contrib.django.models import ProcrastinateJob

from ulm_servicepoint.host_guard import host_urlpatterns

# procrastinate's job list in the admin is English through and through (its model, columns and
# states have no translations) and read-only; the worker's state is on /healthz and a failed
# mail in "Ausgehende E-Mails", so the admin, German everywhere, goes without it
if admin.site.is_registered(ProcrastinateJob):
    admin.site.unregister(ProcrastinateJob)

urlpatterns = [
    path(
        "",
        RedirectView.as_view(pattern_name="ulm_channels:request_types", permanent=False),
        name="root",
    ),
    # the host's views, each behind our guards (ulm_servicepoint.host_guard)
    path("helpdesk/", include((host_urlpatterns(), "helpdesk"), namespace="helpdesk")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("ulm_servicepoint.urls")),
    path("", include("ulm_channels.urls")),
    path("", include("ulm_knowledge.urls")),
    path("", include("ulm_routing.urls")),
    path("", include("ulm_kpi.urls")),
    path("", include("ulm_privacy.urls")),
]
# single sign-on over OpenID Connect, only while it is configured (README "Single sign-on"): the
# provider sends the browser back to /sso/oidc/callback/ (a GET by the protocol: it logs in)
if settings.ULM_OIDC_ENABLED:
    urlpatterns.append(path("sso/oidc/", include("mozilla_django_oidc.urls")))

# German error pages, JSON for API clients (ulm_servicepoint.refusals); 500.html is static
handler400 = "ulm_servicepoint.refusals.bad_request"
handler403 = "ulm_servicepoint.refusals.permission_denied"
handler404 = "ulm_servicepoint.refusals.page_not_found"
# the static 500 page, or a German 503 while the database is unreachable (restart, failover)
handler500 = "ulm_servicepoint.refusals.server_error"
