"""Security headers on every response: a Content-Security-Policy without ``'unsafe-inline'``
for scripts, and a Permissions-Policy.

**Scripts.** Every page gets a fresh nonce (``request.csp_nonce``); only scripts from our own
server and inline scripts that carry the nonce run. The nonce is written into the *template
sources* by ``ulm_servicepoint.template_loaders`` (ours and the host's), never into rendered
output, so text a citizen controls can never carry it: an injected ``<script>`` or an event
handler (``onerror=…``) does not run even where escaping failed. The host's few inline event
handlers are replaced by ``static/ulm_servicepoint/host.js``.

**Images.** Markdown a citizen wrote (status-page messages, mail bodies) is rendered by the host
with same-origin images allowed; an image pointing at one of our URLs would make the agent's
browser request it with the agent's rights. Images may therefore only come from our static files
and from the access-checked uploads (``/dateien/``), never from any other path on our server.

**Third parties.** No page loads anything from another server (CDNs, fonts, analytics): that
would disclose who uses the city's service. The host's checklist editor links Sortable from a
CDN; the browser refuses it (drag-and-drop sorting is lost, nothing leaks).

Only ``'self'`` may frame our pages; a view that may be embedded elsewhere (the citizens' form
on the city's website) names further origins in ``response.csp_frame_ancestors``. A view that
sets its own policy (e.g. ``sandbox`` on downloads) keeps it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Every powerful browser feature is off: no page of ours needs them, and a page showing citizen
# content must not be able to ask for them.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


def content_security_policy(
    nonce: str = "", host: str = "", frame_ancestors: Iterable[str] = ()
) -> str:
    """The policy for one response. ``host`` (e.g. ``127.0.0.1:8000``) limits images to our
    static files and access-checked uploads; ``frame_ancestors`` are further origins allowed
    to frame the page."""
    ancestors = " ".join(["'self'", *frame_ancestors])
    scripts = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    if host:
        images = f"{host}{settings.STATIC_URL} {host}{settings.MEDIA_URL} data:"
    else:
        images = "'self' data:"
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "script-src-attr 'none'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src {images}",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {ancestors}",
        ]
    )


def csp_nonce(request: HttpRequest) -> str:
    """The nonce of this request's scripts (made on first use)."""
    nonce = getattr(request, "_csp_nonce", None)
    if nonce is None:
        nonce = secrets.token_urlsafe(18)
        request._csp_nonce = nonce  # type: ignore[attr-defined]
    return nonce


class SecurityHeadersMiddleware:
    """Content-Security-Policy (with the request's script nonce) and Permissions-Policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = csp_nonce(request)
        response = self.get_response(request)
        ancestors = getattr(response, "csp_frame_ancestors", ())
        response.headers.setdefault(
            "Content-Security-Policy",
            content_security_policy(nonce, _host(request), ancestors),
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind ``TRUSTED_PROXY_COUNT`` reverse proxies
    the address the first of them saw (X-Forwarded-For, counted from the right; whatever a
    client writes further left is not trusted). Used by the login throttling and the forms'
    rate limit."""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if proxies <= 0:
        return remote
    chain = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [p for p in chain if p]
    return chain[-proxies] if len(chain) >= proxies else remote


def _host(request: HttpRequest) -> str:
    try:
        return request.get_host()
    except Exception:  # DisallowedHost: Django answers 400 anyway; keep the policy strict
        return ""
