"""Clicks and keystrokes of an information call, counted in headless Chromium against a live server.

    .venv/bin/python bench/information_call.py [--runs 3]

The call: a citizen asks "Mein Perso läuft ab, was brauche ich?"; the agent answers from the
knowledge base and closes the request as "Erstauskunft erteilt". Counted from the agent's
landing page (the page the login leads to: the work list) and from the capture start, for two
ways:

- **information**: "Allgemeine Auskunft" (navigation or capture start), the question typed into
  the notes (they have the focus), "Als Antwort übernehmen" on the suggestion, "Erstauskunft
  erteilt";
- **typed**: "Anliegen erfassen", "Perso" + Enter (the one match opens), a click into the notes,
  the question, the suggestion, "Erstauskunft erteilt" — the way issue 13 measured (7 clicks,
  51 keystrokes, 8 of them for a date of birth), now without the date of birth and the reason,
  which are required only for processing.

Sets up its own database ``ulm_bench_info`` on the embedded PostgreSQL (migrated, demo city and
demo knowledge base) and gunicorn on a free loopback port; drives Debian's Chromium with
Playwright (as ``tests/browser/``). Each way is checked to end on the closed ticket. Clicks are
mouse clicks, keystrokes are keys pressed (each character typed, Enter); navigation the server
does by itself (redirects) counts nothing. Prints the counts and the wall time of each way
(script speed: no human think time).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.demo_server import demo_env, prepare_demo, start_gunicorn, wait_healthy  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from tests.support.net import free_port  # noqa: E402

QUESTION = "Mein Perso läuft ab, was brauche ich?"
ANSWER_FROM = "Personalausweis beantragen"  # the service the knowledge base should offer
AGENT, PASSWORD = "anna.agentin", "ulm-demo-2026"
BEFORE = "issue 13, before the required levels: 7 clicks, 51 keystrokes (8 for a date of birth)"


class CountingAgent:
    """The agent's hands: every click and key goes through here and is counted."""

    def __init__(self, page) -> None:
        self.page = page
        self.clicks = 0
        self.keys = 0

    def click(self, locator) -> None:
        locator.click()
        self.clicks += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.keys += len(text)

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.keys += 1

    def type_into(self, selector: str, text: str) -> None:
        """Types into a field, clicking it first unless it has the focus already."""
        if not self.page.evaluate(
            "s => document.activeElement === document.querySelector(s)", selector
        ):
            self.click(self.page.locator(selector))
        self.type(text)


def take_the_answer_and_close(agent: CountingAgent) -> None:
    """The suggestion for the question, one click; then "Erstauskunft erteilt"; the ticket page
    must show the request closed."""
    page = agent.page
    suggestion = page.locator("#kb-capture-results li", has_text=ANSWER_FROM).first
    suggestion.wait_for(state="visible", timeout=15000)
    agent.click(suggestion.get_by_role("button", name="Als Antwort übernehmen"))
    page.wait_for_function(
        "() => document.getElementById('id_answer').value.length > 0", timeout=15000
    )
    agent.click(page.get_by_role("button", name="Erstauskunft erteilt"))
    page.wait_for_url(re.compile(r"/helpdesk/tickets/\d+/"), timeout=15000)
    status = page.locator("body").inner_text()
    if "Geschlossen" not in status:
        raise SystemExit("the ticket page does not show the request closed")


def information_way(agent: CountingAgent) -> None:
    page = agent.page
    agent.click(page.get_by_role("link", name="Allgemeine Auskunft").first)
    page.wait_for_url("**/helpdesk/erfassen/allgemeine-auskunft/**")
    agent.type_into("#id_message", QUESTION)
    take_the_answer_and_close(agent)


def typed_way(agent: CountingAgent) -> None:
    page = agent.page
    if not page.url.rstrip("/").endswith("/helpdesk/erfassen"):
        agent.click(page.get_by_role("link", name="Anliegen erfassen").first)
        page.wait_for_url("**/helpdesk/erfassen/")
    agent.type_into("#q", "Perso")
    agent.press("Enter")
    page.wait_for_url("**/helpdesk/erfassen/personalausweis/**")
    agent.type_into("#id_message", QUESTION)
    take_the_answer_and_close(agent)


WAYS = {"information": information_way, "typed": typed_way}


def serve() -> tuple[str, list[subprocess.Popen]]:
    port = free_port()
    env = demo_env(port, "ulm_bench_info")
    prepare_demo(env, "load_demo_knowledge")
    server = start_gunicorn(env, port, workers=2)
    base = f"http://127.0.0.1:{port}"
    wait_healthy(base)
    return base, [server]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each way and start")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    base, processes = serve()
    results: dict[tuple[str, str], list[tuple[int, int, float]]] = {}
    landing_path = ""
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
            )
            context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            # the login is not counted: the agent is logged in for the day
            page.goto(f"{base}/helpdesk/login/")
            page.fill("input[name=username]", AGENT)
            page.fill("input[name=password]", PASSWORD)
            page.locator("form").filter(has=page.locator("input[name=password]")).locator(
                "[type=submit]"
            ).click()
            page.wait_for_load_state()
            landing = page.url
            landing_path = landing.removeprefix(base)
            starts = {"landing page": landing, "capture start": f"{base}/helpdesk/erfassen/"}
            for _ in range(args.runs):
                for start_name, start_url in starts.items():
                    for way_name, way in WAYS.items():
                        page.goto(start_url)
                        agent = CountingAgent(page)
                        began = time.monotonic()
                        way(agent)
                        elapsed = time.monotonic() - began
                        results.setdefault((way_name, start_name), []).append(
                            (agent.clicks, agent.keys, elapsed)
                        )
            browser.close()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)

    print(f"question: “{QUESTION}” ({len(QUESTION)} characters), answered from „{ANSWER_FROM}“")
    print(f"landing page after login: {landing_path}")
    for (way_name, start_name), runs in results.items():
        counts = sorted({(clicks, keys) for clicks, keys, _ in runs})
        seconds = statistics.median(elapsed for _, _, elapsed in runs)
        label = f"{way_name:<11} from the {start_name:<13}"
        shown = ", ".join(f"{c} clicks, {k} keystrokes" for c, k in counts)
        print(f"{label}: {shown}  (median {seconds:.1f} s at script speed, {len(runs)} runs)")
    print(f"before: {BEFORE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
