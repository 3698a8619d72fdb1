from django.urls import path

from ulm_channels import views

app_name = "ulm_channels"

urlpatterns = [
    path("anliegen/", views.request_types, name="request_types"),
    path("anliegen/<slug:slug>/", views.typed_request, name="typed_request"),
    path("kontakt/", views.contact, name="contact"),
    path("kontakt/bestaetigung/<str:token>/", views.confirmation, name="confirmation"),
    path("kontakt/eingebettet/", views.contact_embedded, name="contact_embedded"),
    path(
        "kontakt/eingebettet/bestaetigung/<str:token>/",
        views.embed_confirmation,
        name="embed_confirmation",
    ),
    path("mein-anliegen/<uuid:token>/", views.status, name="status"),
    path(
        "mein-anliegen/<uuid:token>/datei/<int:attachment_id>/",
        views.status_file,
        name="status_file",
    ),
    path("mein-anliegen/<uuid:token>/bewertung/", views.rating, name="rating"),
    path("mein-anliegen/<uuid:token>/bewertung/danke/", views.rating_thanks, name="rating_thanks"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("telefon/", views.calls, name="calls"),
    path("telefon/ereignis/", views.phone_event, name="phone_event"),
]
