"""A real city's first start (``manage.py init_city``): the configured city is set up in one go,
a second run changes nothing, a faulty file changes nothing and names its fault, and until the
city is there every entry point says so instead of losing what arrives."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from helpdesk.models import Queue, Ticket

from ulm_channels.models import InboundMail
from ulm_routing.models import BusinessCalendar, DepartmentSettings
from ulm_servicepoint import services

# init_city creates queues and their permissions, as a fresh installation does
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sequences_past_the_rows")]


EXAMPLE = Path(__file__).resolve().parents[3] / "config" / "city.example.yaml"


def run(path: Path | str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("init_city", str(path), stdout=out)
    return out.getvalue()


def state() -> dict:
    """What a second run must leave exactly as it is."""
    users = get_user_model().objects
    return {
        "queues": sorted(Queue.objects.values_list("slug", "title", "email_address")),
        "groups": sorted(
            (g.name, tuple(sorted(g.permissions.values_list("codename", flat=True))))
            for g in Group.objects.all()
        ),
        "users": sorted(users.values_list("username", "email", "is_superuser", "password")),
        "hours": sorted(
            BusinessCalendar.objects.values_list(
                "name", "opening_hours__weekday", "opening_hours__opens", "opening_hours__closes"
            )
        ),
        "heads": sorted(DepartmentSettings.objects.values_list("queue__slug", "heads__username")),
    }


def write(tmp_path: Path, config: dict) -> Path:
    path = tmp_path / "city.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def example() -> dict:
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


def test_the_example_city_is_set_up_and_a_second_run_changes_nothing(monkeypatch):
    monkeypatch.setenv("ULM_ADMIN_PASSWORD", "Erstes-Passwort-2026")
    assert services.missing_setup() is not None

    output = run(EXAMPLE)

    assert services.missing_setup() is None
    assert "Stadt Musterstadt" in output
    service_center = Queue.objects.get(slug="servicecenter")
    assert service_center.email_address == "servicecenter@musterstadt.example"
    kfz = Queue.objects.get(slug="kfz-zulassung")
    assert kfz.title == "Kfz-Zulassung"
    assert kfz.email_address == "kfz@musterstadt.example"
    # the department's clerks see their queue alone; the service center sees every queue
    assert set(Group.objects.get(name="Kfz-Zulassung").permissions.all()) == {
        services.queue_permission(kfz)
    }
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password("Erstes-Passwort-2026")
    assert admin.groups.filter(name="Administration").exists()
    # opening hours as written: Thursday afternoon at the registration office
    kfz_hours = BusinessCalendar.objects.get(queue=kfz).opening_hours
    assert set(kfz_hours.filter(weekday=3).values_list("opens", "closes")) == {
        (time(7, 30), time(12, 30)),
        (time(14), time(17, 30)),
    }
    default = BusinessCalendar.objects.get(is_default=True)
    assert default.opening_hours.filter(weekday=5).get().closes == time(12)
    # heads: routing's second escalation step, and the role group
    head = get_user_model().objects.get(username="leitung.kfz")
    assert list(DepartmentSettings.objects.get(queue=kfz).heads.all()) == [head]
    assert head.groups.filter(name="Fachbereichsleitung").exists()
    assert not head.has_usable_password()  # set by the person, never by the file
    assert services.missing_setup() is None
    from ulm_privacy.services import check_roles

    assert check_roles() == []

    before = state()
    again = run(EXAMPLE)
    assert "nothing changed" in again or "nichts geändert" in again
    assert state() == before


def test_a_changed_file_changes_only_what_differs(tmp_path):
    run(EXAMPLE)
    clerk = get_user_model().objects.create_user("kira.kfz", password="x" * 12, is_staff=True)
    clerk.groups.add(Group.objects.get(name="Kfz-Zulassung"))
    config = example()
    config["departments"][1]["title"] = "Zulassungsstelle"
    config["departments"][1]["opening_hours"] = {"Mo-Fr": "08:00-12:00"}
    config["departments"].append({"title": "Standesamt", "slug": "standesamt"})

    output = run(write(tmp_path, config))

    kfz = Queue.objects.get(slug="kfz-zulassung")
    assert kfz.title == "Zulassungsstelle"
    # the renamed department's clerks keep their access
    assert clerk.groups.filter(name="Zulassungsstelle").exists()
    assert (
        services.queue_permission(kfz)
        in Group.objects.get(name="Zulassungsstelle").permissions.all()
    )
    assert not Group.objects.filter(name="Kfz-Zulassung").exists()
    hours = BusinessCalendar.objects.get(queue=kfz).opening_hours
    assert sorted(hours.values_list("weekday", flat=True)) == [0, 1, 2, 3, 4]
    assert Queue.objects.filter(slug="standesamt").exists()
    assert "Standesamt" in output


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (
            lambda c: c["departments"][1].update(email="kfz at musterstadt"),
            ["departments[2]", "kfz at musterstadt"],
        ),
        (
            lambda c: c["departments"][1]["opening_hours"].update(Do="14-17"),
            ["departments[2]", "opening_hours", "14-17"],
        ),
        (
            lambda c: c["departments"][2].update(slug="kfz-zulassung"),
            ["departments[3]", "kfz-zulassung"],
        ),
        (lambda c: c["departments"][0]["opening_hours"].update({"Mo-Xy": "08:00-12:00"}), ["Xy"]),
        (lambda c: c.update(holiday_region="XX"), ["holiday_region", "XX"]),
        (lambda c: c.update(admins="x"), ["admins"]),
        (lambda c: c.pop("admin"), ["admin"]),
        (
            lambda c: c["departments"][0].update(slug="Bürger Dienste"),
            ["departments[1]", "Bürger Dienste"],
        ),
    ],
)
def test_a_faulty_file_names_its_fault_and_changes_nothing(tmp_path, change, words):
    config = example()
    change(config)
    before = state()
    with pytest.raises(CommandError) as refused:
        run(write(tmp_path, config))
    for word in words:
        assert word in str(refused.value)
    assert state() == before  # the faults after the first department roll everything back


def test_unreadable_files_are_refused_in_one_sentence(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("city: [unclosed\n", encoding="utf-8")
    with pytest.raises(CommandError, match="YAML"):
        run(broken)
    with pytest.raises(CommandError, match=r"missing\.yaml"):
        run(tmp_path / "missing.yaml")
    huge = tmp_path / "huge.yaml"
    huge.write_text("city: " + "x" * (1024 * 1024 + 10), encoding="utf-8")
    with pytest.raises(CommandError, match="1 MB"):
        run(huge)


def test_before_the_city_is_set_up_the_web_says_so_and_keeps_what_citizens_send(client):
    from ulm_channels.models import HeldSubmission
    from ulm_channels.tests.web import fill_contact_form

    def submit():
        return fill_contact_form(
            client, name="Eva Ernst", email="eva@example.org", subject="Sperrmüll", message="Wann?"
        )

    # the citizen's request is kept (nothing lost), to be released once the city is there
    assert submit().status_code == 202
    assert HeldSubmission.objects.get().subject == "Sperrmüll"
    # a staff page that needs the service center says what is missing, in German (to the
    # administrator made with createsuperuser before anything else)
    admin = get_user_model().objects.create_superuser("it", "it@example.org", "x" * 12)
    client.force_login(admin)
    refused = client.get("/helpdesk/kennzahlen/")
    assert refused.status_code == 503
    text = refused.content.decode()
    assert "init_city" in text
    assert "nicht eingerichtet" in text
    assert "Traceback" not in text
    assert refused["Retry-After"] == "60"
    health = client.get("/healthz").json()
    assert health["city"]["ok"] is False
    assert "init_city" in health["city"]["missing"]

    run(EXAMPLE)
    client.logout()
    assert submit().status_code == 302
    assert Ticket.objects.get().queue.slug == "servicecenter"
    assert client.get("/healthz").json()["city"] == {"ok": True, "missing": ""}


def test_mail_waits_for_the_city_instead_of_being_quarantined(tmp_path):
    mail = tmp_path / "anfrage.eml"
    mail.write_bytes(
        b"From: Eva Ernst <eva@example.org>\r\nTo: servicecenter@musterstadt.example\r\n"
        b"Subject: Sperrmuell\r\nMessage-ID: <first-start@example.org>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nWann wird abgeholt?\r\n"
    )
    with pytest.raises(CommandError, match="init_city"):
        call_command("ingest_mail", str(mail))
    assert InboundMail.objects.count() == 0  # nothing quarantined

    run(EXAMPLE)
    call_command("ingest_mail", str(mail))
    ticket = Ticket.objects.get(submitter_email="eva@example.org")
    assert ticket.queue.slug == "servicecenter"
    assert not InboundMail.objects.filter(outcome=InboundMail.Outcome.QUARANTINED).exists()


def test_the_worker_leaves_mail_on_the_server_until_the_city_is_set_up(imap):
    from ulm_channels import services as channels
    from ulm_channels.models import Mailbox

    imap.deliver(
        b"From: eva@example.org\r\nSubject: Frage\r\nMessage-ID: <wait@example.org>\r\n"
        b"\r\nHallo\r\n"
    )
    Mailbox.objects.create(**imap.mailbox_settings())
    channels.poll_mailboxes()
    assert "init_city" in Mailbox.objects.get().last_error
    assert InboundMail.objects.count() == 0
    assert imap.count() == 1

    run(EXAMPLE)
    channels.poll_mailboxes()
    assert Ticket.objects.filter(submitter_email="eva@example.org").count() == 1
    assert Mailbox.objects.get().last_error == ""
