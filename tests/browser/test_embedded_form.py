"""The embeddable form inside an iframe on the city's website (another origin of the same site,
as www.ulm.de and servicecenter.ulm.de are): it is framed, keeps its CSRF protection (the
cookie is first-party within the site), and files the request; other origins may not frame it."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from helpdesk.models import Ticket

from tests.support.net import free_port
from tests.support.wait import wait_for


@pytest.fixture
def city_website(site):
    """A page of the city's website on another origin (another port of localhost), iframe in it."""
    port = free_port()
    frame_url = site.url + reverse("ulm_channels:contact_embedded")
    html = (
        '<!DOCTYPE html><html lang="de"><head><title>Stadt Ulm</title></head><body>'
        f'<h1>Kontakt</h1><iframe src="{frame_url}" title="Kontaktformular" '
        'style="width:100%;height:1600px"></iframe></body></html>'
    ).encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("localhost", port), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://localhost:{port}"
    yield origin
    server.shutdown()
    server.server_close()


def test_form_in_a_foreign_iframe_keeps_csrf_and_files_the_request(
    site, city_website, page, settings
):
    # the city's website is allowed to frame the form
    settings.ULM_CHANNELS_EMBED_ORIGINS = [city_website]
    page.goto(city_website)
    frame = page.frame_locator("iframe")
    frame.get_by_label("Ihre E-Mail-Adresse").fill("nachbar@example.org")
    frame.get_by_label("Betreff").fill("Aus dem iframe")
    frame.get_by_label("Ihr Anliegen", exact=False).last.fill("Über die Website der Stadt.")
    frame.get_by_label("Ich habe den Datenschutzhinweis gelesen.", exact=False).check()
    frame.get_by_role("button", name="Anliegen absenden").click()
    frame.get_by_role("heading", name="Vielen Dank", exact=False).wait_for()
    assert Ticket.objects.filter(title="Aus dem iframe").exists()
    # the framed page set its CSRF cookie and the post carried it (a post without the token
    # is refused: test_web_form.test_embedded_form_may_be_framed_by_the_city_and_keeps_csrf)
    assert any(cookie["name"] == "csrftoken" for cookie in page.context.cookies())


def test_other_sites_may_not_frame_the_form(site, city_website, page, settings):
    settings.ULM_CHANNELS_EMBED_ORIGINS = ["https://www.ulm.de"]
    # the server answers the frame's request (with its policy) …
    with page.expect_response(lambda r: "/kontakt/eingebettet/" in r.url) as served:
        page.goto(city_website)
    assert served.value.status == 200
    assert (
        "frame-ancestors 'self' https://www.ulm.de"
        in served.value.headers["content-security-policy"]
    )
    # … and Chromium refuses to show it: the frame ends on its error page, never the form
    frame = page.frames[1]

    def refused() -> bool:
        page.wait_for_timeout(100)  # lets Playwright take in the frame's navigation events
        return frame.url == "chrome-error://chromewebdata/"

    assert wait_for(refused, timeout=15), frame.url
    assert "Anliegen absenden" not in frame.content()
