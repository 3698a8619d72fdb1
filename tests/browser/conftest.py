"""Headless Chromium (Debian's /usr/bin/chromium, never a downloaded browser) driven by
Playwright against pytest-django's live server, with axe-core (npm) injected into the page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("ULM_CHROMIUM", "/usr/bin/chromium"))
AXE = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    """Browser tests are marked, and run last: one Chromium serves them all, and no other test
    runs while its event loop lives in the thread (see ``browser``)."""
    browser_tests = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser_tests:
        item.add_marker(pytest.mark.browser)
    others = [item for item in items if "tests/browser/" not in str(item.fspath)]
    items[:] = others + browser_tests


@pytest.fixture(scope="session")
def browser():
    """One Chromium per test run (per worker with ``-n``). While Playwright's sync API runs, an
    event loop lives in this thread; the tests' own ORM calls are synchronous all the same, so
    Django's async guard is relaxed from here on, while only browser tests remain (they run
    last); the live server answers in its own thread."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: `make setup` installs Debian's chromium"
    assert AXE.exists(), f"{AXE} is missing: `make setup` runs npm ci"
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
            )
            yield browser
            browser.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def site(live_server, demo, settings):
    """The live server with the demo city; cookies over plain http on loopback."""
    settings.CSRF_COOKIE_SECURE = False
    settings.SESSION_COOKIE_SECURE = False
    # the time trap has its own tests (test_web_form); a script fills forms within a second
    settings.ULM_CHANNELS_MIN_FILL_SECONDS = 0
    return live_server


@pytest.fixture
def agent_page(site, page, agent, client):
    """The page of a logged-in Servicecenter-Agentin."""
    client.force_login(agent)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site.url}]
    )
    return page


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page, within: str = "") -> list[str]:
    """WCAG 2.1 A/AA violations axe-core finds on the page (or only ``within`` a CSS selector,
    e.g. our panel on a host page), one line each. axe-core is evaluated through the DevTools
    protocol: our Content-Security-Policy refuses an injected inline <script>, as it should."""
    page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate(
        "([tags, within]) => axe.run(within || document, {runOnly: {type: 'tag', values: tags}})",
        [WCAG_21_AA, within],
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
    ]


def screenshot(page, name: str) -> None:
    """Kept for a person to look at (var/screenshots/), like a citizen would see the page."""
    folder = BASE_DIR / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
