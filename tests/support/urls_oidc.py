"""The project's URLs with the OpenID Connect sign-on, as config.urls has them when
ULM_OIDC_CLIENT_ID is set at start-up (the tests switch it on afterwards)."""

from django.urls import include, path

from config.urls import handler400, handler403, handler404  # noqa: F401 - Django reads them
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("sso/oidc/", include("mozilla_django_oidc.urls"))]
