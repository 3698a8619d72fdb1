"""Latency of the pages that cause a mail, with the SMTP server up, down and hanging.

    .venv/bin/python bench/outbox_latency.py [--requests 60] [--scenarios up,down,hanging]
                                             [--project DIR] [--email-timeout 5]

Pages: the citizen's contact form (POST /kontakt/: the ticket, the host's CC notification and
our confirmation to the citizen) and an agent's public reply on the helpdesk's ticket page (POST
/helpdesk/tickets/<id>/update/: the host's mail to the citizen and its notifications). Each is
sent ``--requests`` times one after the other, and the time to the response is measured.

Scenarios: ``up`` — a real SMTP server (aiosmtpd) on loopback; ``idle`` — the same, but no
worker runs beside the web server (the request's own cost, without the worker's delivery
competing for the CPU); ``down`` — nothing listens on the
configured port (connection refused at once); ``hanging`` — a server accepts the connection and
never answers (what a stuck relay or a dropped packet filter does; ``EMAIL_TIMEOUT`` is set to
``--email-timeout`` seconds for it).

``--project DIR`` runs gunicorn and the worker from another checkout of the project (e.g. an
export of ``main`` before the outbox) against its own database ``ulm_bench_outbox_<dirname>``,
so today's synchronous path and the outbox are measured the same way. Everything runs on
127.0.0.1; the run stops by itself.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.support.html import form_fields  # noqa: E402
from tests.support.net import free_port  # noqa: E402
from tests.support.smtp import SmtpServer  # noqa: E402

DEMO_PASSWORD = "ulm-demo-2026"  # noqa: S105 - the demo city's published demo password


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class HangingServer:
    """Accepts TCP connections on loopback and never says a word (a stuck SMTP relay)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def stop(self) -> None:
        self.running = False
        self.sock.close()
        for conn in self.held:
            conn.close()


class Stack:
    """gunicorn (3 workers) and the procrastinate worker of ``project`` on a free port."""

    def __init__(self, project: Path, env: dict[str, str], worker: bool = True) -> None:
        self.project = project
        self.worker = worker
        self.port = free_port()
        self.env = dict(env, SITE_URL=f"http://127.0.0.1:{self.port}")
        self.base = f"http://127.0.0.1:{self.port}"
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> Stack:
        manage = [sys.executable, str(self.project / "manage.py")]
        gunicorn = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "3"]
        self.processes = [
            subprocess.Popen(
                [*gunicorn, "--bind", f"127.0.0.1:{self.port}"], cwd=self.project, env=self.env
            ),
            *(
                [
                    subprocess.Popen(
                        [*manage, "procrastinate", "worker"], cwd=self.project, env=self.env
                    )
                ]
                if self.worker
                else []
            ),
        ]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise SystemExit("the web server did not start")

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def submit_forms(base: str, count: int, tag: str) -> tuple[list[float], list[str]]:
    """``count`` citizens open the contact form; 3.5 s later (the form's time trap) each sends
    it; the POSTs go one after the other."""
    prepared = []
    for number in range(count):
        session = requests.Session()
        page = session.get(f"{base}/kontakt/", timeout=30)
        data = form_fields(page, "main form")
        data.update(
            name=f"Bürgerin {number}",
            email=f"messung{number}.{tag}@example.org",
            subject=f"Messung {tag} {number}",
            message="Wann wird die Laterne in der Frauenstraße repariert?",
            privacy="on",
        )
        prepared.append((session, data))
    time.sleep(3.5)
    latencies: list[float] = []
    errors: list[str] = []
    for session, data in prepared:
        timed_post(session, f"{base}/kontakt/", data, latencies, errors)
    return latencies, errors


def timed_post(session, url: str, data: dict, latencies: list, errors: list) -> None:
    """One POST that should redirect (302); its time goes to ``latencies``, else an error."""
    started = time.monotonic()
    try:
        response = session.post(url, data=data, allow_redirects=False, timeout=120)
    except requests.RequestException as error:
        errors.append(type(error).__name__)
        return
    latencies.append(time.monotonic() - started)
    if response.status_code != 302:
        errors.append(f"POST {url.split('/', 3)[-1]} {response.status_code}")


def agent_replies(base: str, ticket_ids: list[int], tag: str) -> tuple[list[float], list[str]]:
    """Anna (service center) answers each ticket publicly from the host's ticket page."""
    session = requests.Session()
    login = session.get(f"{base}/helpdesk/login/", timeout=30)
    data = form_fields(login, "form")
    data.update(username="anna.agentin", password=DEMO_PASSWORD)
    session.post(f"{base}/helpdesk/login/", data=data, timeout=30)
    latencies: list[float] = []
    errors: list[str] = []
    for ticket_id in ticket_ids:
        page = session.get(f"{base}/helpdesk/tickets/{ticket_id}/", timeout=60)
        if page.status_code != 200:
            errors.append(f"GET ticket {page.status_code}")
            continue
        form = form_fields(page, "form#ticket_update_form, form[action$='update/']")
        form.update(comment=f"Antwort {tag}: die Laterne wird diese Woche repariert.", public="1")
        timed_post(session, f"{base}/helpdesk/tickets/{ticket_id}/update/", form, latencies, errors)
    return latencies, errors


def ticket_ids(env: dict[str, str], project: Path, tag: str) -> list[int]:
    script = (
        "from helpdesk.models import Ticket;"
        f"print(' '.join(str(i) for i in Ticket.objects.filter(title__startswith='Messung {tag} ')"
        ".order_by('id').values_list('id', flat=True)))"
    )
    output = subprocess.run(
        [sys.executable, str(project / "manage.py"), "shell", "-v", "0", "-c", script],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [int(part) for part in output.strip().splitlines()[-1].split()] if output.strip() else []


def empty_outbox(env: dict[str, str], project: Path) -> None:
    """Each scenario starts with nothing waiting (mail left from a scenario with the server
    down would otherwise be delivered during the next one's measurement)."""
    script = (
        "from django.db import connection; c = connection.cursor();"
        "c.execute(\"DELETE FROM ulm_channels_outboundmail WHERE status <> 'sent'\");"
        "c.execute(\"DELETE FROM procrastinate_jobs WHERE status = 'todo'\")"
    )
    subprocess.run(
        [sys.executable, str(project / "manage.py"), "shell", "-v", "0", "-c", script],
        cwd=project,
        env=env,
        check=True,
    )


def line(page: str, scenario: str, latencies: list[float], errors: list[str]) -> str:
    if not latencies:
        return f"{page:<22} {scenario:<8} n=0 errors {len(errors)} {sorted(set(errors))}"
    return (
        f"{page:<22} {scenario:<8} n={len(latencies):<4} "
        f"p50 {statistics.median(latencies) * 1000:7.0f} ms  "
        f"p95 {percentile(latencies, 0.95) * 1000:7.0f} ms  "
        f"max {max(latencies) * 1000:7.0f} ms  errors {len(errors)} {sorted(set(errors))[:3]}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--scenarios", default="up,down,hanging")
    parser.add_argument("--project", type=Path, default=BASE_DIR)
    parser.add_argument("--email-timeout", type=int, default=5)
    args = parser.parse_args()
    project = args.project.resolve()

    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings",
        ULM_DB_NAME=f"ulm_bench_outbox_{re.sub(r'[^a-z0-9]', '_', project.name.lower())}",
        # one PostgreSQL server for every checkout measured (this one's var/pg)
        ULM_PG_DIR=os.environ.get("ULM_PG_DIR", str(BASE_DIR / "var" / "pg")),
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(40),
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        ULM_CHANNELS_RATE_LIMIT_PER_IP="1000000",
        LOG_LEVEL="ERROR",
        EMAIL_HOST="127.0.0.1",
    )
    env.pop("EMAIL_BACKEND", None)
    manage = [sys.executable, str(project / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=project, env=env, check=True)
    subprocess.run([*manage, "load_demo"], cwd=project, env=env, check=True, capture_output=True)

    print(f"project {project}, {os.cpu_count()} cores, {args.requests} requests per page")
    report = []
    for scenario in args.scenarios.split(","):
        smtp = SmtpServer().start() if scenario in ("up", "idle") else None
        hanging = HangingServer() if scenario == "hanging" else None
        port = smtp.port if smtp else hanging.port if hanging else free_port()
        scenario_env = dict(env, EMAIL_PORT=str(port))
        if hanging:
            scenario_env["EMAIL_TIMEOUT"] = str(args.email_timeout)
        tag = f"{scenario}{secrets.token_hex(3)}"
        empty_outbox(scenario_env, project)
        try:
            with Stack(project, scenario_env, worker=scenario != "idle") as stack:
                posts, post_errors = submit_forms(stack.base, args.requests, tag)
                ids = ticket_ids(scenario_env, project, tag)
                replies, reply_errors = agent_replies(stack.base, ids, tag)
                if smtp and scenario == "up":  # the worker delivers what the outbox holds
                    expected = 2 * len(ids)
                    deadline = time.monotonic() + 60
                    while time.monotonic() < deadline and len(smtp.messages) < expected:
                        time.sleep(0.2)
        finally:
            if smtp:
                smtp.stop()
            if hanging:
                hanging.stop()
        report.append(line("POST /kontakt/", scenario, posts, post_errors))
        report.append(line("agent reply (update)", scenario, replies, reply_errors))
        if smtp and scenario == "up":
            citizens = sum(1 for m in smtp.messages if "messung" in str(m["To"]))
            report.append(f"{'':<22} {scenario:<8} mails to the citizens received: {citizens}")
        print("\n".join(report[-3 if smtp and scenario == "up" else -2 :]), flush=True)
    print("\n" + "\n".join(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
