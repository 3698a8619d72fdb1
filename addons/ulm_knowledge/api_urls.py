"""The URLs the knowledge API's OpenAPI schema documents (``/api/v1/knowledge/schema/``)."""

from django.urls import path

from ulm_knowledge import api

urlpatterns = [
    path("api/v1/knowledge/search/", api.SearchView.as_view()),
    path("api/v1/knowledge/services/", api.ServiceList.as_view()),
    path("api/v1/knowledge/services/<uuid:uuid>/", api.ServiceDetail.as_view()),
    path("api/v1/knowledge/answers/", api.AnswerList.as_view()),
]
