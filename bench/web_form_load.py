"""Load test of the public forms (contact form or a typed form) against gunicorn and the worker.

    .venv/bin/python bench/web_form_load.py [--citizens 50] [--seconds 60] [--think 3.5]
                                            [--form kontakt|typed]

``--form typed`` sends the typed form /anliegen/strassenschaden/ (schema validation, the
citizen deduplicated, a typed case record through ulm_servicepoint's capture_request).

Sets up its own database ``ulm_bench`` on the embedded PostgreSQL (migrated, demo city), a real
SMTP server on loopback for the confirmation mails, gunicorn (WEB_CONCURRENCY workers, default 3)
and the procrastinate worker on a free loopback port. Each simulated citizen loops: open the form
(GET), think (the form's time trap wants ≥ 3 s), send it (POST, expects the redirect to the
confirmation). The per-IP rate limit is lifted for the run: every citizen comes from 127.0.0.1.
Prints error count, throughput and p50/p95 latency of GET and POST. Traffic goes to 127.0.0.1
only; the run is bounded by --seconds and stops by itself.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.demo_server import demo_env, prepare_demo, start_gunicorn, wait_healthy  # noqa: E402
from tests.support.net import free_port  # noqa: E402
from tests.support.smtp import SmtpServer  # noqa: E402

TOKEN = re.compile(r'name="(csrfmiddlewaretoken|started)" value="([^"]+)"')


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def contact_data(number: int, round_: int) -> dict[str, str]:
    return {
        "name": f"Bürgerin {number}",
        "email": f"buergerin{number}.{round_}@example.org",
        "subject": f"Lasttest {number}/{round_}",
        "message": "Wann wird die Laterne in der Frauenstraße repariert?",
        "privacy": "on",
    }


def typed_data(number: int, round_: int) -> dict[str, str]:
    return {
        "f-art": "Straßenlaterne",
        "f-ort": f"Frauenstraße {number}",
        "f-gefahr": "no",
        "name": f"Bürgerin {number}",
        "email": f"buergerin{number}.{round_}@example.org",
        "phone": "0731 161-0",
        "message": f"Lasttest {number}/{round_}",
        "privacy": "on",
    }


FORMS = {
    "kontakt": ("/kontakt/", contact_data),
    "typed": ("/anliegen/strassenschaden/", typed_data),
}


def citizen(
    number: int, url: str, deadline: float, think: float, results: dict, fill=contact_data
) -> None:
    session = requests.Session()
    round_ = 0
    while time.monotonic() < deadline:
        round_ += 1
        try:
            started = time.monotonic()
            page = session.get(url, timeout=30)
            results["get"].append(time.monotonic() - started)
            fields = dict(TOKEN.findall(page.text))
            if page.status_code != 200 or len(fields) != 2:
                results["errors"].append(f"GET {page.status_code}")
                continue
            time.sleep(think)
            data = {**fields, **fill(number, round_)}
            started = time.monotonic()
            sent = session.post(url, data=data, allow_redirects=False, timeout=30)
            results["post"].append(time.monotonic() - started)
            if sent.status_code != 302:
                results["errors"].append(f"POST {sent.status_code}")
        except requests.RequestException as error:
            results["errors"].append(type(error).__name__)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", type=float, default=3.5)
    parser.add_argument("--form", choices=sorted(FORMS), default="kontakt")
    args = parser.parse_args()
    path, fill = FORMS[args.form]

    smtp = SmtpServer().start()
    port = free_port()
    env = demo_env(
        port,
        "ulm_bench",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        ULM_CHANNELS_RATE_LIMIT_PER_IP="1000000",
    )
    prepare_demo(env)
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    workers = os.environ.get("WEB_CONCURRENCY", "3")
    processes = [
        start_gunicorn(env, port, workers),
        subprocess.Popen([*manage, "procrastinate", "worker"], cwd=BASE_DIR, env=env),
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base)
        results: dict[str, list] = {"get": [], "post": [], "errors": []}
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=citizen, args=(n, base + path, deadline, args.think, results, fill)
            )
            for n in range(args.citizens)
        ]
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
        # the worker sends the confirmations from the outbox after each commit: let it finish
        deadline = time.monotonic() + 120
        while len(smtp.messages) < len(results["post"]) and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        smtp.stop()

    posts, gets, errors = results["post"], results["get"], results["errors"]
    print(
        f"citizens {args.citizens}, {elapsed:.0f} s, think time {args.think} s, "
        f"gunicorn workers {workers}, {os.cpu_count()} cores"
    )
    print(f"submissions sent {len(posts)}, errors {len(errors)} {sorted(set(errors))}")
    print(f"submissions per second {len(posts) / elapsed:.1f}")
    print(
        f"POST {path} latency  p50 {statistics.median(posts) * 1000:.0f} ms  "
        f"p95 {percentile(posts, 0.95) * 1000:.0f} ms  max {max(posts) * 1000:.0f} ms"
    )
    print(
        f"GET  {path} latency  p50 {statistics.median(gets) * 1000:.0f} ms  "
        f"p95 {percentile(gets, 0.95) * 1000:.0f} ms"
    )
    print(f"confirmation mails received {len(smtp.messages)} (sent by the worker from the outbox)")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
