"""A real IMAP server on loopback: Dovecot (Debian's dovecot-imapd) with a throwaway
configuration, a self-signed TLS certificate and one mailbox, started by the test itself.

As root, Dovecot keeps its own unprivileged users for logins and the mail files belong to
``nobody``; as another user, everything runs as that user."""

from __future__ import annotations

import contextlib
import imaplib
import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.net import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER = "servicecenter"
PASSWORD = "imap-test-only"


class ImapServer:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="ulm-imap-"))
        self.port = free_port()  # IMAPS (implicit TLS)
        self.starttls_port = free_port()  # IMAP with STARTTLS required before login
        self.process: subprocess.Popen | None = None
        self.cafile = str(self.dir / "cert.pem")
        self._configure()

    def _configure(self) -> None:
        d = self.dir
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(d / "key.pem"), "-out", self.cafile],
            check=True, capture_output=True,
        )  # fmt: skip
        root = os.getuid() == 0
        me = pwd.getpwuid(os.getuid()).pw_name
        mail_uid = 65534 if root else os.getuid()
        mail_gid = 65534 if root else os.getgid()
        home = d / "home"
        home.mkdir()
        os.chown(home, mail_uid, mail_gid) if root else None
        (d / "users").write_text(
            f"{USER}:{{PLAIN}}{PASSWORD}:{mail_uid}:{mail_gid}::{home}\n", encoding="utf-8"
        )
        login_user = "dovenull" if root else me
        internal_user = "dovecot" if root else me
        (d / "dovecot.conf").write_text(
            f"""
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{d}/cert.pem
ssl_key = <{d}/key.pem
auth_mechanisms = plain login
disable_plaintext_auth = yes
first_valid_uid = {mail_uid}
last_valid_uid = {mail_uid}
first_valid_gid = 0
default_login_user = {login_user}
default_internal_user = {internal_user}
{"" if root else f"default_internal_group = {me}"}
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {d}/users
}}
userdb {{
  driver = passwd-file
  args = {d}/users
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.starttls_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
""",
            encoding="utf-8",
        )
        os.chmod(d, 0o755)  # noqa: S103 - Dovecot's unprivileged users must read the config

    def start(self) -> ImapServer:
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.dir / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: stop() ends every child too
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {self.process.stderr.read()!r} {self.log()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not listen on {self.port}: {self.log()}")

    def stop(self) -> None:
        """Stops Dovecot and every session it serves (their connections drop)."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self) -> str:
        path = self.dir / "dovecot.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    # --- the test's own client ---------------------------------------------------------------
    def client(self) -> imaplib.IMAP4_SSL:
        context = ssl.create_default_context(cafile=self.cafile)
        client = imaplib.IMAP4_SSL("127.0.0.1", self.port, ssl_context=context, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def deliver(self, *messages: bytes, folder: str = "INBOX") -> None:
        """Puts messages into the mailbox, as the city's mail server would."""
        client = self.client()
        try:
            for message in messages:
                status, data = client.append(folder, None, None, message)
                assert status == "OK", data
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> list[str]:
        """The flags of every message in ``folder``, in order."""
        client = self.client()
        try:
            client.select(folder)
            status, data = client.fetch("1:*", "(FLAGS)")
            if status != "OK" or data == [None]:
                return []
            return [item.decode() for item in data if isinstance(item, bytes)]
        finally:
            client.logout()

    def count(self, folder: str = "INBOX") -> int:
        client = self.client()
        try:
            status, data = client.select(folder)
            return int(data[0]) if status == "OK" else 0
        finally:
            client.logout()

    def create_folder(self, folder: str) -> None:
        client = self.client()
        try:
            client.create(folder)
        finally:
            client.logout()

    def mailbox_settings(self, **extra) -> dict:
        """Fields for a ``Mailbox`` that reads this server (password from the environment)."""
        os.environ["ULM_TEST_IMAP_PASSWORD"] = PASSWORD
        return {
            "name": "Servicecenter",
            "host": "127.0.0.1",
            "port": self.port,
            "use_ssl": True,
            "username": USER,
            "password_env": "ULM_TEST_IMAP_PASSWORD",
            **extra,
        }
