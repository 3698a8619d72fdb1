from django.urls import path

from ulm_channels import views

app_name = "ulm_channels"

urlpatterns = [
    path("kontakt/", views.contact, name="contact"),
    path("kontakt/bestaetigung/<str:token>/", views.confirmation, name="confirmation"),
]
