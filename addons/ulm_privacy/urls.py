from django.urls import include, path

app_name = "ulm_privacy"

urlpatterns: list = [path("", include("ulm_privacy.rights_urls"))]
