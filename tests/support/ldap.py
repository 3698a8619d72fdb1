"""A real LDAP directory on loopback: OpenLDAP (Debian's slapd) with a throwaway configuration
(slapd.conf), an mdb database in a temporary directory and a self-signed certificate for
STARTTLS, loaded with ldapadd and changed with ldapmodify (Debian's ldap-utils), started by the
test itself and removed afterwards.

The directory of the city: ``dc=ulm,dc=example`` with ``ou=people`` (inetOrgPerson, cleartext
test passwords), ``ou=groups`` (groupOfNames) and ``ou=services`` (the account the project binds
as to search, read-only)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.net import free_port, stop_process_group

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SCHEMA_DIR = Path("/etc/ldap/schema")
SUFFIX = "dc=ulm,dc=example"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "ldap-root-test-only"
BIND_DN = f"cn=servicepoint,ou=services,{SUFFIX}"
BIND_PASSWORD = "ldap-bind-test-only"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"


def person_dn(uid: str) -> str:
    return f"uid={uid},{PEOPLE}"


def group_dn(cn: str) -> str:
    return f"cn={cn},{GROUPS}"


class LdapServer:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="ulm-ldap-"))
        self.port = free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"
        self.cafile = str(self.dir / "cert.pem")
        self.process: subprocess.Popen | None = None
        self._configure()

    def _configure(self) -> None:
        d = self.dir
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(d / "key.pem"), "-out", self.cafile],
            check=True, capture_output=True,
        )  # fmt: skip
        (d / "data").mkdir()
        schemas = "\n".join(
            f"include {SCHEMA_DIR / name}.schema"
            for name in ("core", "cosine", "inetorgperson", "nis")
        )
        (d / "slapd.conf").write_text(
            f"""{schemas}
pidfile {d}/slapd.pid
argsfile {d}/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCertificateFile {d}/cert.pem
TLSCertificateKeyFile {d}/key.pem

database mdb
maxsize 10485760
suffix "{SUFFIX}"
rootdn "{ROOT_DN}"
rootpw {ROOT_PASSWORD}
directory {d}/data
access to attrs=userPassword
    by self write
    by anonymous auth
    by * none
access to *
    by users read
    by * none
""",
            encoding="utf-8",
        )

    def start(self) -> LdapServer:
        # -d 0: in the foreground, no debug output; its own process group for stop()
        self.process = subprocess.Popen(
            [SLAPD, "-d", "0", "-h", f"{self.uri}/", "-f", str(self.dir / "slapd.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd exited: {self.process.stderr.read()!r}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"slapd did not listen on {self.port}")
        self._load_city()
        return self

    def stop(self) -> None:
        if self.process is not None:
            stop_process_group(self.process, timeout=15)
        self.process = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- the directory's content, through ldap-utils -------------------------------------------
    def _ldap_tool(self, tool: str, ldif: str) -> None:
        result = subprocess.run(
            [tool, "-x", "-H", self.uri, "-D", ROOT_DN, "-w", ROOT_PASSWORD],
            input=ldif,
            capture_output=True,
            text=True,
            timeout=30,
        )
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed: {result.stderr}\n{ldif}")

    def add(self, ldif: str) -> None:
        self._ldap_tool("ldapadd", ldif)

    def modify(self, ldif: str) -> None:
        self._ldap_tool("ldapmodify", ldif)

    def _load_city(self) -> None:
        self.add(
            f"""dn: {SUFFIX}
objectClass: dcObject
objectClass: organization
dc: ulm
o: Stadt Ulm (Test)

dn: ou=people,{SUFFIX}
objectClass: organizationalUnit
ou: people

dn: ou=groups,{SUFFIX}
objectClass: organizationalUnit
ou: groups

dn: ou=services,{SUFFIX}
objectClass: organizationalUnit
ou: services

dn: {BIND_DN}
objectClass: person
cn: servicepoint
sn: servicepoint
userPassword: {BIND_PASSWORD}
"""
        )

    def add_person(self, uid: str, password: str, given: str, family: str) -> str:
        self.add(
            f"""dn: {person_dn(uid)}
objectClass: inetOrgPerson
uid: {uid}
cn: {given} {family}
givenName: {given}
sn: {family}
mail: {uid}@ulm.example
userPassword: {password}
"""
        )
        return person_dn(uid)

    def add_group(self, cn: str, *members: str) -> str:
        """A groupOfNames (it needs one member at least: the service account stands in)."""
        lines = "\n".join(f"member: {person_dn(uid)}" for uid in members) or f"member: {BIND_DN}"
        self.add(f"dn: {group_dn(cn)}\nobjectClass: groupOfNames\ncn: {cn}\n{lines}\n")
        return group_dn(cn)

    def add_member(self, cn: str, uid: str) -> None:
        self.modify(
            f"dn: {group_dn(cn)}\nchangetype: modify\nadd: member\nmember: {person_dn(uid)}\n"
        )

    def remove_member(self, cn: str, uid: str) -> None:
        self.modify(
            f"dn: {group_dn(cn)}\nchangetype: modify\ndelete: member\nmember: {person_dn(uid)}\n"
        )
