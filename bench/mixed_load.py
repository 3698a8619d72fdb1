"""Mixed load against the production topology: citizens and agents at once, for 5 minutes.

    .venv/bin/python bench/mixed_load.py [--minutes 5] [--citizens 50] [--agents 20]
                                         [--tickets 20000] [--seed 1]

Starts the production topology of ``tests/production/topology.py`` (Debian's PostgreSQL 15 on
a loopback port reached through ``DATABASE_URL`` with a password, two gunicorn instances, two
procrastinate workers, SMTP on loopback), loads the demo city with routing and knowledge base,
adds TICKETS tickets of the shared generator (``bench/generate.py``: two years of a city's
requests, so the lists and the search have something to chew on) and AGENTS service-center
agents, then runs locust (headless, in a child process: locust's gevent stays out of the
harness) with the users spread over both web instances:

- **citizens** (``--citizens``): open the contact form, think (the form's time trap wants
  ≥ 3 s), send it, open the confirmation, then read their status page a few times (three
  readings to one new request), 5–15 s between steps (``--citizen-think``);
- **agents** (``--agents``, logged in once): the work list, a search (a word, a name, a
  reference), a ticket page with the knowledge panel's search, the answer taken from the
  knowledge base, the public answer sent (a mail through the outbox), and a capture with its
  panel ending in "Erstauskunft erteilt" (first-contact answer) or "Weiterleiten"; 3–10 s
  between steps (``--agent-think``): a busy agent, several times the pace of a real one.

Measured after the ramp-up (every user started, every agent logged in) and ``--warmup``
seconds (default 30), for ``--minutes``. Prints per action: requests, errors, p50 / p95 (ms)
against the targets (agent actions p95 ≤ 300 ms, form submission p95 ≤ 500 ms), the errors'
first lines, and the outbox at the end of
the load and after the workers had up to 60 s to drain it (target: no backlog). Exit status 1
when a target is missed. ``--json FILE`` keeps the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
AGENT_PASSWORD = "last-test-2026"  # noqa: S105 - throw-away accounts in a throw-away cluster
AGENT_ACTIONS = [
    "agent: work list",
    "agent: search",
    "agent: ticket page",
    "agent: knowledge search",
    "agent: answer from knowledge",
    "agent: send answer",
    "agent: capture screen",
    "agent: capture saved",
]
FORM_POST = "citizen: send contact form"
TARGETS = {**dict.fromkeys(AGENT_ACTIONS, 300.0), FORM_POST: 500.0}
WORDS = ["Laterne", "Sperrmüll", "Personalausweis", "Mülltonne", "Termin", "Geburtsurkunde"]
QUESTIONS = [
    "Mein Perso läuft ab, was brauche ich?",
    "Wann wird der Sperrmüll abgeholt?",
    "Wie melde ich meinen Wohnsitz um?",
    "Was kostet ein Anwohnerparkausweis?",
]

MAKE_AGENTS = """
from django.contrib.auth import get_user_model
users = get_user_model()
anna = users.objects.get(username="anna.agentin")
for n in range({agents}):
    user, _ = users.objects.get_or_create(username=f"last.agent{{n:02d}}",
        defaults={{"is_staff": True, "email": f"last.agent{{n:02d}}@ulm.example"}})
    user.is_staff = True
    user.set_password({password!r})
    user.save()
    user.groups.set(anna.groups.all())
    user.user_permissions.set(anna.user_permissions.all())
"""


# --- the driver: locust in a child process -------------------------------------------------
def drive(config: dict) -> dict:
    """Runs the users for ``config["seconds"]``; every request's time and outcome per action."""
    import gevent
    from bs4 import BeautifulSoup
    from locust import HttpUser, between, events, task
    from locust.env import Environment

    sys.path.insert(0, str(BASE_DIR))
    from bench.generate import LAST

    urls = config["urls"]
    timings: dict[str, list[float]] = {}
    errors: dict[str, list[str]] = {}
    counter = {"citizen": 0, "agent": 0}

    @events.request.add_listener
    def record(name, response_time, exception, **_kwargs):
        timings.setdefault(name, []).append(response_time)
        if exception is not None:
            errors.setdefault(name, []).append(str(exception)[:200])

    def token_of(html: str) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return found.group(1) if found else ""

    def check(response, ok=(200,), contains: str | None = None) -> bool:
        if response.status_code not in ok:
            response.failure(f"HTTP {response.status_code} {response.request.url}")
            return False
        if contains and contains not in response.text:
            response.failure(f"{contains!r} missing on {response.request.url}")
            return False
        response.success()
        return True

    class Citizen(HttpUser):
        fixed_count = config["citizens"]
        wait_time = between(*config["citizen_think"])

        def __init__(self, environment):
            counter["citizen"] += 1
            self.number = counter["citizen"]
            self.host = urls[self.number % len(urls)]
            super().__init__(environment)
            self.status_url = ""
            self.round = 0

        @task(1)
        def write(self) -> None:
            self.round += 1
            with self.client.get(
                "/kontakt/", name="citizen: contact form", catch_response=True
            ) as page:
                if not check(page, contains="csrfmiddlewaretoken"):
                    return
                fields = dict(
                    re.findall(r'name="(csrfmiddlewaretoken|started)" value="([^"]+)"', page.text)
                )
            gevent.sleep(3.5)  # reading and typing; the time trap wants ≥ 3 s
            data = {
                **fields,
                "name": f"Bürgerin {self.number}",
                "email": f"buergerin{self.number}.{self.round}@example.org",
                "subject": f"Frage zur Straßenlaterne ({self.number}/{self.round})",
                "message": "Vor unserem Haus ist seit Tagen die Straßenlaterne defekt. "
                "Wann wird sie repariert?",
                "privacy": "on",
            }
            with self.client.post(
                "/kontakt/", data=data, name=FORM_POST, allow_redirects=False, catch_response=True
            ) as sent:
                if not check(sent, ok=(302,)):
                    return
                location = sent.headers.get("Location", "")
            with self.client.get(
                location, name="citizen: confirmation", catch_response=True
            ) as confirmation:
                if not check(confirmation):
                    return
                found = re.search(
                    r'href="(?:https?://[^/"]+)?(/mein-anliegen/[0-9a-f-]+/)"', confirmation.text
                )
                if found:
                    self.status_url = found.group(1)
                else:
                    confirmation.failure("no status link on the confirmation")

        @task(3)
        def read_status(self) -> None:
            if not self.status_url:
                return self.write()
            with self.client.get(
                self.status_url, name="citizen: status page", catch_response=True
            ) as page:
                check(page)

    class Agent(HttpUser):
        fixed_count = config["agents"]
        wait_time = between(*config["agent_think"])

        def __init__(self, environment):
            counter["agent"] += 1
            self.number = counter["agent"] - 1
            self.host = urls[self.number % len(urls)]
            super().__init__(environment)
            self.tickets: list[str] = []
            self.references: list[str] = []
            self.round = 0

        def on_start(self) -> None:
            page = self.client.get("/helpdesk/login/", name="agent: login form")
            self.client.post(
                "/helpdesk/login/",
                data={
                    "csrfmiddlewaretoken": token_of(page.text),
                    "username": f"last.agent{self.number:02d}",
                    "password": AGENT_PASSWORD,
                },
                name="agent: login",
                headers={"Referer": self.host + "/helpdesk/login/"},
            )

        def worklist(self, params: dict, name: str) -> None:
            with self.client.get(
                "/helpdesk/arbeitsliste/", params=params, name=name, catch_response=True
            ) as page:
                if check(page, contains="arbeitsliste"):
                    found = re.findall(r'href="/helpdesk/tickets/(\d+)/"', page.text)
                    if found:
                        self.tickets = found
                    self.references = re.findall(r"\b[A-Z]{2}-\d{4}-\d{6}\b", page.text)[:20]

        @task(4)
        def work_list(self) -> None:
            self.worklist({}, "agent: work list")

        @task(2)
        def search(self) -> None:
            """A word, a citizen's family name, or a reference seen on the list."""
            self.round += 1
            kind = self.round % 3
            if kind == 2 and self.references:
                query = self.references[self.round % len(self.references)]
            elif kind == 1:
                query = LAST[(self.number + self.round) % len(LAST)]
            else:
                query = WORDS[(self.number + self.round) % len(WORDS)]
            self.worklist({"q": query, "zustand": "alle"}, "agent: search")

        @task(4)
        def answer(self) -> None:
            """A ticket of the list: its page, the panel's search, an answer from the
            knowledge base, sent to the citizen."""
            if not self.tickets:
                return self.work_list()
            self.round += 1
            ticket = self.tickets[(self.number * 7 + self.round) % len(self.tickets)]
            with self.client.get(
                f"/helpdesk/tickets/{ticket}/", name="agent: ticket page", catch_response=True
            ) as page:
                if not check(page, contains="data-kb-panel"):
                    return
                html = page.text
            title = re.search(r"<title>([^<]*)</title>", html)
            query = (title.group(1) if title else "Personalausweis")[:200]
            with self.client.get(
                "/api/v1/knowledge/search/",
                params={"limit": 5, "q": query},
                name="agent: knowledge search",
                catch_response=True,
                headers={"Accept": "application/json"},
            ) as found:
                if not check(found):
                    return
                hits = found.json().get("results") or []
            if not hits:
                with self.client.get(
                    "/api/v1/knowledge/search/",
                    params={"limit": 5, "q": "Personalausweis"},
                    name="agent: knowledge search",
                    catch_response=True,
                ) as found:
                    if not check(found):
                        return
                    hits = found.json().get("results") or []
            text = "Vielen Dank für Ihre Nachricht. Wir kümmern uns darum."
            csrf = token_of(html)
            if hits:
                with self.client.post(
                    f"/wissen/ticket/{ticket}/antwort/{hits[0]['id']}/",
                    name="agent: answer from knowledge",
                    headers={
                        "X-CSRFToken": csrf,
                        "Accept": "application/json",
                        "Referer": f"{self.host}/helpdesk/tickets/{ticket}/",
                    },
                    catch_response=True,
                ) as given:
                    if not check(given):
                        return
                    text = given.json().get("text") or text
            soup = BeautifulSoup(html, "html.parser")
            form = next(
                (f for f in soup.find_all("form") if "/update/" in (f.get("action") or "")), None
            )
            if form is None:
                return
            data: dict[str, str] = {}
            for field in form.find_all(["input", "select", "textarea"]):
                name = field.get("name")
                if not name or field.get("type") in ("submit", "button", "file"):
                    continue
                if field.name == "select":
                    chosen = field.find("option", selected=True) or field.find("option")
                    data[name] = chosen.get("value", "") if chosen else ""
                elif field.get("type") in ("checkbox", "radio"):
                    if field.has_attr("checked"):
                        data[name] = field.get("value", "on")
                elif field.name == "textarea":
                    data[name] = field.text
                else:
                    data[name] = field.get("value", "")
            data.update(comment=text[:4000], public="1")
            with self.client.post(
                form["action"],
                data=data,
                name="agent: send answer",
                allow_redirects=False,
                headers={"Referer": f"{self.host}/helpdesk/tickets/{ticket}/"},
                catch_response=True,
            ) as sent:
                check(sent, ok=(302,))

        @task(2)
        def capture(self) -> None:
            """A phone call captured: the screen with its panel, the question searched, the
            answer taken, saved as first-contact answer (or forwarded, one in three)."""
            self.round += 1
            forward = self.round % 3 == 0
            slug = "sperrmuell-abholung" if forward else "allgemeine-auskunft"
            url = f"/helpdesk/erfassen/{slug}/"
            with self.client.get(url, name="agent: capture screen", catch_response=True) as page:
                if not check(page, contains="outcome"):
                    return
                csrf = token_of(page.text)
            question = QUESTIONS[(self.number + self.round) % len(QUESTIONS)]
            with self.client.get(
                "/api/v1/knowledge/search/",
                params={"limit": 5, "q": question},
                name="agent: knowledge search",
                catch_response=True,
            ) as found:
                if not check(found):
                    return
                hits = found.json().get("results") or []
            answer, kbitem = "Auskunft am Telefon gegeben.", ""
            if hits:
                with self.client.get(
                    f"/wissen/antwort/{hits[0]['id']}/",
                    name="agent: answer from knowledge",
                    headers={"Accept": "application/json"},
                    catch_response=True,
                ) as given:
                    if check(given):
                        answer = given.json().get("text") or answer
                        kbitem = str(hits[0]["id"])
            data = {
                "csrfmiddlewaretoken": csrf,
                "channel": "phone",
                "message": question,
                "c-name": f"Anrufer {self.number}-{self.round}",
                "c-phone": f"0731 55{self.number:02d}{self.round:04d}",
            }
            if forward:
                data.update(
                    {
                        "f-abholadresse__street": "Frauenstraße",
                        "f-abholadresse__house_number": str(1 + self.round % 90),
                        "f-abholadresse__postcode": "89073",
                        "f-abholadresse__city": "Ulm",
                        "f-gegenstaende": "1 Sofa, 2 Stühle",
                        "f-menge": "3",
                        "f-elektro": "no",
                        "outcome": "forward",
                    }
                )
            else:
                data.update({"f-thema": "Personalausweis", "answer": answer[:4000],
                             "kbitem": kbitem, "outcome": "first_contact"})  # fmt: skip
            with self.client.post(
                url,
                data=data,
                name="agent: capture saved",
                allow_redirects=False,
                headers={"Referer": self.host + url},
                catch_response=True,
            ) as saved:
                if saved.status_code == 200:
                    problem = re.search(r'class="invalid-feedback[^"]*"[^>]*>([^<]+)', saved.text)
                    saved.failure(
                        "capture not saved: " + (problem.group(1).strip() if problem else "200")
                    )
                else:
                    check(saved, ok=(302,))

    environment = Environment(user_classes=[Citizen, Agent], events=events)
    runner = environment.create_local_runner()
    runner.start(config["citizens"] + config["agents"], spawn_rate=10)
    # the ramp-up is not measured: every user started, every agent logged in, then a warm-up
    ramp = time.monotonic()
    while (
        runner.user_count < config["citizens"] + config["agents"]
        or len(timings.get("agent: login", [])) < config["agents"]
    ) and time.monotonic() - ramp < 300:
        gevent.sleep(0.5)
    gevent.sleep(config["warmup"])
    ramp_up = {name: list(values) for name, values in timings.items()}
    ramp_errors = {name: list(values) for name, values in errors.items()}
    timings.clear()
    errors.clear()
    gevent.sleep(config["seconds"])
    runner.quit()
    for name, values in ramp_errors.items():  # an error while ramping up counts all the same
        errors.setdefault(f"{name} (ramp-up)", values)
    logins = ramp_up.get("agent: login", [])
    return {
        "timings": timings,
        "errors": errors,
        "ramp_up_seconds": round(time.monotonic() - ramp - config["seconds"], 1),
        "logins": logins,
    }


# --- the orchestrator: the topology, the data, the report ---------------------------------
def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else 0.0


def outbox_backlog(topo) -> int:
    return topo.sql(
        "SELECT count(*) FROM ulm_channels_outboundmail WHERE status IN ('queued', 'failed')"
    )[0][0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--citizens", type=int, default=50)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--tickets", type=int, default=20_000, help="generated tickets first")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--citizen-think",
        default="5,15",
        help="seconds between a citizen's steps, from,to (writing the form: 3.5 more)",
    )
    parser.add_argument("--agent-think", default="3,10", help="seconds between an agent's steps")
    parser.add_argument(
        "--warmup",
        type=float,
        default=30,
        help="seconds after the ramp-up (all users started, agents logged in) not measured",
    )
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--drive", help=argparse.SUPPRESS)  # the child: a config file
    args = parser.parse_args()
    if args.drive:
        config = json.loads(Path(args.drive).read_text())
        Path(config["out"]).write_text(json.dumps(drive(config)))
        return 0

    sys.path.insert(0, str(BASE_DIR))
    from tests.production.topology import Topology

    env = {"ULM_CHANNELS_RATE_LIMIT_PER_IP": "1000000"}
    with Topology(webs=2, workers=2, env=env, city_config=None) as topo:  # the demo city
        started = time.monotonic()
        topo.manage("load_demo_routing")
        topo.manage("load_demo_knowledge")
        topo.manage("shell", "-c", MAKE_AGENTS.format(agents=args.agents, password=AGENT_PASSWORD))
        if args.tickets:
            subprocess.run(
                [
                    sys.executable,
                    str(BASE_DIR / "bench" / "generate.py"),
                    "--tickets",
                    str(args.tickets),
                    "--seed",
                    str(args.seed),
                    "--database",
                    "ulm",
                ],
                cwd=BASE_DIR,
                env=topo.env(),
                check=True,
                timeout=3600,
            )
        print(
            f"topology up {topo.timings}; data {time.monotonic() - started:.0f} s; "
            f"{args.citizens} citizens and {args.agents} agents for {args.minutes:g} min on "
            f"{', '.join(topo.web_urls)}",
            flush=True,
        )
        mails_before = topo.sql("SELECT count(*) FROM ulm_channels_outboundmail")[0][0]
        with tempfile.TemporaryDirectory() as folder:
            config_file, out = Path(folder) / "config.json", Path(folder) / "out.json"
            config_file.write_text(
                json.dumps(
                    {
                        "urls": topo.web_urls,
                        "citizens": args.citizens,
                        "agents": args.agents,
                        "seconds": args.minutes * 60,
                        "citizen_think": [float(x) for x in args.citizen_think.split(",")],
                        "agent_think": [float(x) for x in args.agent_think.split(",")],
                        "warmup": args.warmup,
                        "out": str(out),
                    }
                )
            )
            began = time.monotonic()
            subprocess.run(
                [sys.executable, __file__, "--drive", str(config_file)],
                cwd=BASE_DIR,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
                check=True,
                timeout=args.minutes * 60 + 600,
            )
            elapsed = time.monotonic() - began
            result = json.loads(out.read_text())
        backlog_end = outbox_backlog(topo)
        waited = time.monotonic()
        while outbox_backlog(topo) and time.monotonic() - waited < 60:
            time.sleep(1)
        backlog_after = outbox_backlog(topo)
        drained = time.monotonic() - waited
        mails = topo.sql("SELECT count(*) FROM ulm_channels_outboundmail")[0][0] - mails_before
        tickets = topo.sql("SELECT count(*) FROM helpdesk_ticket")[0][0]
        load = os.getloadavg()
    return report(result, elapsed, backlog_end, backlog_after, drained, mails, tickets, load, args)


def report(result, elapsed, backlog_end, backlog_after, drained, mails, tickets, load, args) -> int:
    timings, errors = result["timings"], result["errors"]
    rows = []
    missed = []
    print(f"\n{'action':<34} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} target")
    for name in sorted(timings, key=lambda n: (not n.startswith("citizen"), n)):
        values = timings[name]
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        target = TARGETS.get(name)
        verdict = "" if target is None else ("ok" if p95 <= target else f"MISSED (≤ {target:g})")
        if target is not None and p95 > target:
            missed.append(name)
        failed = len(errors.get(name, []))
        rows.append(
            {"action": name, "requests": len(values), "errors": failed, "p50": p50, "p95": p95}
        )
        print(f"{name:<34} {len(values):>8} {failed:>6} {p50:>8.0f} {p95:>8.0f} {verdict}")
    total = sum(len(v) for v in errors.values())
    requests = sum(len(v) for v in timings.values())
    print(
        f"\n{requests} requests in {elapsed:.0f} s ({requests / elapsed:.1f}/s), errors: {total} "
        f"(target 0); {mails} mails queued; outbox backlog at the end {backlog_end}, after "
        f"{drained:.0f} s {backlog_after} (target 0); {tickets} tickets in the database; "
        f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
    )
    for name, messages in errors.items():
        print(f"  {name}: {len(messages)} × e.g. {messages[0]}")
    logins = result.get("logins") or [0]
    print(
        f"not measured: the ramp-up and warm-up ({result.get('ramp_up_seconds')} s; the agents' "
        f"logins p50 {percentile(logins, 0.5):.0f} ms, max {max(logins):.0f} ms)"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "rows": rows,
                    "errors": errors,
                    "backlog_end": backlog_end,
                    "backlog_after": backlog_after,
                    "mails": mails,
                    "seconds": elapsed,
                },
                indent=1,
            )
        )
    return 1 if total or missed or backlog_after else 0


if __name__ == "__main__":
    raise SystemExit(main())
