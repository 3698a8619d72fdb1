"""Fixtures shared by the cross-addon tests (tests/) and each addon's own tests."""

from __future__ import annotations

import logging

import pytest

from tests.support.imap import ImapServer
from tests.support.smtp import SmtpServer

logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """The demo city's staff get their passwords hashed anew in every test that loads it:
    with the production hasher (PBKDF2, a million rounds) that is seconds per test. The tests
    check who may log in, not the hash's strength (Django's testing documentation advises
    this)."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def outbox_backend(settings):
    """Mail goes through the project's own backend, the outbox, as in production (Django's
    test set-up would switch it to its in-memory backend)."""
    settings.EMAIL_BACKEND = "ulm_channels.mail.backend.OutboxBackend"


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback; the worker's deliveries from the outbox go there during
    the test (``tests.support.outbox.deliver_outbox`` delivers what waits, as the worker does
    after the commit). Mail is recorded by the project's own backend, the outbox."""
    server = SmtpServer().start()
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()


CATCH_UP_SEQUENCES = """
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT c.relname AS tab, pg_get_serial_sequence(quote_ident(c.relname), 'id') AS seq
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'id'
           WHERE n.nspname = 'public' AND c.relkind = 'r' LOOP
    IF r.seq IS NOT NULL THEN
      EXECUTE format('SELECT setval(%L, greatest((SELECT last_value FROM %s),'
                     ' coalesce((SELECT max(id) FROM %I), 1)))', r.seq, r.seq, r.tab);
    END IF;
  END LOOP;
END $$;
"""


@pytest.fixture
def sequences_past_the_rows(db):
    """Every id sequence moved past its table's rows, never back. A demo snapshot's restore sets
    the sequences as they were (``tests.support.demo``), and sequences do not roll back with the
    test: rows a later live-server test's flush made since may lie beyond them. A test that
    creates queues and permissions in committed data (init_city, a backup's city) needs this."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(CATCH_UP_SEQUENCES)


@pytest.fixture
def host_mail_templates(db):
    """The host's German mail templates: rows its migrations load, which a transactional test
    before this one may have flushed away (without them the host sends no mail at all)."""
    from django.core.management import call_command

    call_command("loaddata", "emailtemplate", app_label="helpdesk", verbosity=0)


@pytest.fixture
def shipped_synonyms(db):
    """The shipped synonym list: rows the data migrations load, which a transactional test
    before this one may have flushed away (without them the search splits and expands less)."""
    from ulm_knowledge import services

    services.load_default_synonyms()


@pytest.fixture
def imap(settings):
    """A real IMAP server (Dovecot) on loopback with TLS and one empty mailbox; the project
    trusts its self-signed certificate during the test."""
    server = ImapServer().start()
    settings.ULM_CHANNELS_MAIL_CAFILE = server.cafile
    yield server
    server.cleanup()


@pytest.fixture(scope="session", autouse=True)
def demo_city_snapshots(django_db_setup, django_db_blocker):
    """The migrated test database as the run begins; the demo city, loaded once per run for
    each combination of its parts a test asks for (``tests.support.demo``)."""
    from tests.support.demo import DemoCity, Snapshot

    with django_db_blocker.unblock():
        return DemoCity(base=Snapshot.take())


@pytest.fixture(autouse=True)
def demo_city_first(request):
    """A test that uses the demo city gets it before any other fixture adds its own rows (the
    demo is copied back over every table)."""
    if "demo" in request.fixturenames:
        request.getfixturevalue("demo")


@pytest.fixture
def demo(db, request):
    """The demo city: service center, eight departments, their groups, personas, tickets."""
    from tests.support.demo import give_demo_city
    from ulm_servicepoint import services

    give_demo_city(request)
    return services


@pytest.fixture
def demo_knowledge(demo, request):
    """The demo city's knowledge base: services, answers, linked to the demo request types."""
    from tests.support.demo import give_demo_city
    from ulm_knowledge import services

    give_demo_city(request)
    yield services
    services.forget_cached()


@pytest.fixture
def agent(demo, django_user_model):
    """Servicecenter-Agentin (1st level)."""
    return django_user_model.objects.get(username="anna.agentin")


@pytest.fixture
def kfz_clerk(demo, django_user_model):
    """Sachbearbeiter Kfz-Zulassung (2nd level)."""
    return django_user_model.objects.get(username="karl.kfz")


@pytest.fixture
def admin_user(demo, django_user_model):
    return django_user_model.objects.get(username="admin")
