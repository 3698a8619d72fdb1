"""A Content-Security-Policy that keeps every page's resources on our own server.

No citizen's or agent's browser may be sent to a third party (CDNs, fonts, analytics): that would
disclose who uses the city's service to someone else. django-helpdesk still links a few CDN
scripts unconditionally (the checklist editor loads Sortable from unpkg and jsdelivr); this policy
makes the browser refuse them, so such a page loses its drag-and-drop sorting but leaks nothing.
The host's templates use inline scripts and styles, hence 'unsafe-inline' for those two.

Only ``'self'`` may frame our pages; a view that may be embedded elsewhere (the citizens' form
on the city's website) names the further origins in ``response.csp_frame_ancestors``. A view
that sets its own policy (e.g. ``sandbox`` on downloads) keeps it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse


def content_security_policy(frame_ancestors: Iterable[str] = ()) -> str:
    """The policy; ``frame_ancestors`` are further origins allowed to frame the page."""
    ancestors = " ".join(["'self'", *frame_ancestors])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        ancestors = getattr(response, "csp_frame_ancestors", ())
        response.headers.setdefault("Content-Security-Policy", content_security_policy(ancestors))
        return response
