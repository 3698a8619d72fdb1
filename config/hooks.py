"""Callables handed to django-helpdesk through its settings (its documented extension points).

They import lazily: settings are read before the apps are loaded."""

from __future__ import annotations

# The host's public submission pages, which our citizen form replaces (see ulm_channels).
HOST_SUBMISSION_PAGES = {"home", "submit", "submit_iframe", "success_iframe"}


def public_view_protector(request):
    """HELPDESK_PUBLIC_VIEW_PROTECTOR: citizens who open the host's own submission pages are sent
    to our form. No queue accepts the host's public submissions: a public queue would be listed,
    with its tickets, on every clerk's dashboard, kanban board and reports."""
    from django.shortcuts import redirect

    match = getattr(request, "resolver_match", None)
    if request.user.is_authenticated and request.user.is_staff:
        return None
    if match is not None and match.url_name in HOST_SUBMISSION_PAGES:
        return redirect("ulm_channels:contact")
    if match is not None and match.url_name == "public_view":
        # the host's mails link its public ticket page (also to accept a resolution): web
        # requests have our status page, where the citizen can answer
        from ulm_channels.services import status_path_for_host_link

        query = request.GET
        path = status_path_for_host_link(query.get("ticket"), query.get("email"), query.get("key"))
        if path:
            return redirect(path)
    return None
