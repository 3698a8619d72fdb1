"""The production-topology suite (``make test-production``): one topology for the whole run
(PostgreSQL 15 cluster, two gunicorn instances, two workers, SMTP and IMAP on loopback).

It runs only when asked for by path (``pytest tests/production``), never as part of a plain
``pytest`` over the repository (``make test``): it needs minutes and the machine's two cores."""

from __future__ import annotations

import os

import pytest

from tests.production.topology import Topology
from tests.support.imap import ImapServer


def pytest_ignore_collect(collection_path, config):
    asked = any("tests/production" in str(arg) for arg in config.invocation_params.args)
    if not asked:
        return True
    return None


def pytest_collection_modifyitems(items):
    # the first test also waits for the topology to start (migrations on a fresh cluster: about
    # a minute here, several on a machine busy with other work): pytest-timeout's 300 s of the
    # unit tests are too short for that
    for item in items:
        if "tests/production" in str(item.fspath):
            item.add_marker(pytest.mark.timeout(1200))


@pytest.fixture(scope="session")
def imap_server():
    server = ImapServer().start()
    yield server
    server.cleanup()


@pytest.fixture(scope="session")
def topology(imap_server):
    imap_server.mailbox_settings()  # puts the mailbox password into this environment
    env = {
        # many citizens behind one address, in a short time: the rate limit is not under test
        "ULM_CHANNELS_RATE_LIMIT_PER_IP": "100000",
        "ULM_CHANNELS_RATE_LIMIT_PER_EMAIL": "100000",
        "ULM_CHANNELS_MAIL_CAFILE": imap_server.cafile,
        "ULM_TEST_IMAP_PASSWORD": os.environ["ULM_TEST_IMAP_PASSWORD"],
        "PROCRASTINATE_LOG_LEVEL": "INFO",
    }
    with Topology(webs=2, workers=2, env=env) as topo:
        print(f"\n[topology] started: {topo.timings} (seconds)")
        yield topo
