"""``make run`` catches the mail: its supervisor starts a local SMTP catcher on loopback beside
gunicorn and the worker, a citizen's confirmation lands as an .eml file under var/mail/, and
Ctrl-C stops the catcher with the rest."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.support.html import form_fields
from tests.support.net import free_port
from tests.support.processes import BASE_DIR, project_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_make_run_catches_mail_in_files_and_ctrl_c_stops_the_catcher(tmp_path, demo):
    port = free_port()
    env = project_env(PORT=str(port), ULM_VAR_DIR=str(tmp_path), WEB_CONCURRENCY="1")
    env.pop("EMAIL_HOST", None)
    env.pop("EMAIL_PORT", None)
    run = subprocess.Popen(
        [sys.executable, "-m", "config.run"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        assert run.stdout is not None
        for line in run.stdout:  # the banner, up to the demo logins
            output.append(line)
            if line.startswith("Demo logins"):
                break
        banner = "".join(output)
        caught = re.search(r"SMTP catcher on 127\.0\.0\.1:(\d+)", banner)
        assert caught, banner
        catcher_port = int(caught[1])
        assert listening(catcher_port)
        assert str(tmp_path / "mail") in banner

        # a citizen sends the contact form (after the form's time trap)
        base = f"http://127.0.0.1:{port}"
        session = requests.Session()
        deadline = time.monotonic() + 60
        while True:
            try:
                form = session.get(f"{base}/kontakt/", timeout=10)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "the web server did not start"
                time.sleep(0.3)
        data = form_fields(form, "main form")
        data.update(
            name="Rita Run",
            email="rita.run@example.org",
            subject="Laterne vor dem Haus",
            message="Die Laterne ist aus.",
            privacy="on",
        )
        time.sleep(3.2)
        sent = session.post(f"{base}/kontakt/", data=data, allow_redirects=False, timeout=30)
        assert sent.status_code == 302

        # the worker delivers the confirmation to the catcher, which writes it to a file
        deadline = time.monotonic() + 60
        files: list = []
        while time.monotonic() < deadline and not files:
            files = [
                f
                for f in (tmp_path / "mail").glob("*.eml")
                if b"rita.run@example.org" in f.read_bytes()
            ]
            time.sleep(0.3)
        assert files, "no .eml file for the citizen"
        content = files[0].read_bytes()
        assert content.startswith(b"X-Caught-For: rita.run@example.org")
        assert b"Laterne vor dem Haus" in content
    finally:
        run.send_signal(signal.SIGINT)  # Ctrl-C
        rest, _ = run.communicate(timeout=60)
        output.append(rest or "")
    assert run.returncode == 0, "".join(output)[-3000:]
    assert "stopped unexpectedly" not in "".join(output)
    assert not listening(catcher_port)
