"""URLs of ulm_knowledge."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from ulm_knowledge import api, views

app_name = "ulm_knowledge"

urlpatterns = [
    path("api/v1/knowledge/search/", api.SearchView.as_view(), name="api-search"),
    path("api/v1/knowledge/services/", api.ServiceList.as_view(), name="api-services"),
    path(
        "api/v1/knowledge/services/<uuid:uuid>/",
        api.ServiceDetail.as_view(),
        name="api-service",
    ),
    path("api/v1/knowledge/answers/", api.AnswerList.as_view(), name="api-answers"),
    path(
        "api/v1/knowledge/schema/",
        # public, like the API it describes (only published content)
        SpectacularAPIView.as_view(
            urlconf="ulm_knowledge.api_urls",
            permission_classes=[AllowAny],
            custom_settings={
                "TITLE": "ulm-servicepoint knowledge API",
                "DESCRIPTION": "Search and the published services and answers.",
            },
        ),
        name="api-schema",
    ),
    path("dienstleistungen/", views.service_index, name="services"),
    path("dienstleistungen/vorschlaege/", views.citizen_suggestions, name="suggestions"),
    path("dienstleistungen/rueckmeldung/", views.suggestion_feedback, name="feedback"),
    # the old addresses by uuid redirect for good to the readable ones (service_pages.py)
    path("dienstleistungen/<uuid:uuid>/", views.service_by_uuid, name="service-by-uuid"),
    path("dienstleistungen/<slug:slug>/", views.service_detail, name="service"),
    path("wissen/antwort/<int:kbitem_id>/", views.answer_text, name="answer-text"),
    path("wissen/luecken/", views.knowledge_gaps, name="gaps"),
    path("wissen/ticket/<int:ticket_id>/entwurf/", views.draft_from_ticket, name="draft"),
    path(
        "wissen/ticket/<int:ticket_id>/antwort/<int:kbitem_id>/",
        views.give_answer,
        name="give-answer",
    ),
]
