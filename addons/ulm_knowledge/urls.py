"""URLs of ulm_knowledge."""

from django.urls import path

from ulm_knowledge import api, views

app_name = "ulm_knowledge"

urlpatterns = [
    path("api/v1/knowledge/search/", api.SearchView.as_view(), name="api-search"),
    path(
        "wissen/ticket/<int:ticket_id>/antwort/<int:kbitem_id>/",
        views.give_answer,
        name="give-answer",
    ),
]
