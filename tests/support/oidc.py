"""A real OpenID Connect provider on loopback: panva's oidc-provider (npm, in node_modules from
package.json) run by Node.js with tests/support/oidc_provider.mjs, one static client and the
accounts of a JSON file (each with a password and a groups claim), started by the test itself.

``set_groups`` rewrites a person's groups; the provider reads the file at every sign-on."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from tests.support.net import free_port

BASE_DIR = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
NODE = shutil.which("node") or "/usr/bin/node"
CLIENT_ID = "servicepoint"
CLIENT_SECRET = "oidc-client-test-only"


class OidcProvider:
    def __init__(self, redirect_uris: list[str], accounts: dict[str, dict]) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="ulm-oidc-"))
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.config_file = self.dir / "provider.json"
        self.config = {
            "port": self.port,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uris": redirect_uris,
            "accounts": accounts,
        }
        self._write()
        self.process: subprocess.Popen | None = None

    def _write(self) -> None:
        partial = self.config_file.with_suffix(".tmp")
        partial.write_text(json.dumps(self.config), encoding="utf-8")
        partial.replace(self.config_file)  # the provider never reads half a file

    def start(self) -> OidcProvider:
        self.process = subprocess.Popen(
            [NODE, str(SCRIPT), str(self.config_file)],
            cwd=BASE_DIR,  # node_modules/oidc-provider
            stdout=subprocess.PIPE,
            stderr=(self.dir / "provider.log").open("w"),
            text=True,
            start_new_session=True,
        )
        line = self.process.stdout.readline()  # "listening <issuer>" once it accepts requests
        if not line.startswith("listening"):
            self.stop()
            log = (self.dir / "provider.log").read_text(errors="replace")
            raise RuntimeError(f"oidc-provider did not start: {line!r} {log}")
        return self

    def stop(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.process = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def set_groups(self, login: str, groups: list[str]) -> None:
        self.config["accounts"][login]["claims"]["groups"] = groups
        self._write()

    def endpoints_env(self) -> dict[str, str]:
        """The project's environment for this provider (README "Single sign-on")."""
        return {
            "ULM_OIDC_CLIENT_ID": CLIENT_ID,
            "ULM_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "ULM_OIDC_AUTHORIZATION_ENDPOINT": f"{self.issuer}/auth",
            "ULM_OIDC_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "ULM_OIDC_USERINFO_ENDPOINT": f"{self.issuer}/me",
            "ULM_OIDC_JWKS_ENDPOINT": f"{self.issuer}/jwks",
        }
