"""Addresses of the citizens' rights (DSGVO Art. 15, 17) under /helpdesk/datenschutz/auskunft/;
included by ulm_privacy.urls (namespace ``ulm_privacy``)."""

from django.urls import path

from ulm_privacy import rights_views

urlpatterns = [
    path("helpdesk/datenschutz/auskunft/", rights_views.rights_index, name="rights"),
    path(
        "helpdesk/datenschutz/auskunft/anfordern/",
        rights_views.rights_request,
        name="rights_request",
    ),
    path(
        "helpdesk/datenschutz/auskunft/<uuid:uuid>/zip/",
        rights_views.rights_download,
        name="rights_download",
    ),
    path(
        "helpdesk/datenschutz/auskunft/buerger/<uuid:uuid>/loeschen/",
        rights_views.rights_erasure,
        name="rights_erasure",
    ),
]
