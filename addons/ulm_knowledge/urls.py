"""URLs of ulm_knowledge."""

from django.urls import path

from ulm_knowledge import api

app_name = "ulm_knowledge"

urlpatterns = [
    path("api/v1/knowledge/search/", api.SearchView.as_view(), name="api-search"),
]
