"""The URLs the OpenAPI schema documents: our API alone (not the host's)."""

from django.urls import include, path

from ulm_servicepoint.urls import router

urlpatterns = [path("api/servicepoint/", include(router.urls))]
