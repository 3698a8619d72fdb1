"""A real OpenID Connect provider on loopback: panva's oidc-provider (npm, in node_modules from
package.json) run by Node.js with tests/support/oidc_provider.mjs, one static client and the
accounts of a JSON file (each with a password and a groups claim), started by the test itself.

``set_groups`` rewrites a person's groups; the provider reads the file at every sign-on."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.support.net import free_port, stop_process_group

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
            stop_process_group(self.process, timeout=10)
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


# accounts of the test identity provider: login → password and claims
OIDC_ACCOUNTS = {
    "olga": {
        "password": "Olga-Passwort-1",
        "claims": {
            "preferred_username": "olga.oidc",
            "email": "olga.oidc@ulm.example",
            "given_name": "Olga",
            "family_name": "Ostermann",
            "groups": ["servicecenter"],
        },
    },
    "rita": {
        "password": "Rita-Passwort-1",
        "claims": {"preferred_username": "rita.oidc", "groups": ["wissen"]},
    },
    "paul": {
        "password": "Paul-Passwort-1",
        "claims": {"preferred_username": "paul.oidc", "groups": ["kantine"]},
    },
    "fremd-admin": {
        "password": "Fremd-Passwort-1",
        "claims": {"preferred_username": "admin", "groups": ["administration"]},
    },
}
OIDC_GROUP_ROLES = {
    "servicecenter": "Servicecenter",
    "wissen": "Wissensredaktion",
    "datenschutz": "Datenschutz",
    "administration": "Administration",
}
TEST_CLIENT_CALLBACK = "http://testserver/sso/oidc/callback/"


def start_oidc_provider(*redirect_uris: str) -> OidcProvider:
    """The provider with the accounts above, for a client coming back to ``redirect_uris``."""
    return OidcProvider(list(redirect_uris), copy.deepcopy(OIDC_ACCOUNTS)).start()


def configure_oidc(provider: OidcProvider, settings, monkeypatch) -> None:
    """The project configured from the environment as a city would (``config.sso``), with
    the URLs config.urls adds when ``ULM_OIDC_CLIENT_ID`` is set at start-up."""
    from config import sso

    for name, value in provider.endpoints_env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ULM_OIDC_GROUP_ROLE_MAP", json.dumps(OIDC_GROUP_ROLES))
    for name, value in sso.oidc_settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, sso.OIDC_BACKEND]
    settings.ROOT_URLCONF = "tests.support.urls_oidc"
