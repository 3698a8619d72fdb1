"""The roles as an officer signs them off: `manage.py roles create` gives each group exactly its
permissions (and says what it changed), `manage.py roles check` finds every deviation, and each
role can do what it is for and no more (the data-protection officer reads the audit log and
edits no ticket; a head sees their own department's figures only)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.urls import reverse
from helpdesk.models import Queue, Ticket

from ulm_privacy import services
from ulm_privacy.roles import ROLES

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("roles", *args, stdout=out)
    return out.getvalue()


def held(group: str) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Group.objects.get(name=group).permissions.select_related("content_type")
    }


def make_head(user, queue_slug: str) -> None:
    from ulm_routing.models import DepartmentSettings

    row, _new = DepartmentSettings.objects.get_or_create(queue=Queue.objects.get(slug=queue_slug))
    row.heads.add(user)


@pytest.fixture
def roles(demo):
    run("create")
    return demo


def test_create_gives_each_group_exactly_its_permissions(demo):
    output = run("create")
    assert "Gruppe „Datenschutz“ angelegt." in output
    assert "„Wissensredaktion“: Berechtigung ulm_knowledge.change_answer erteilt." in output
    assert held("Datenschutz") == {"ulm_privacy.handle_data_requests", "ulm_privacy.view_audit_log"}
    assert held("Servicecenter-Leitung") == {
        "ulm_kpi.view_kpis",
        "ulm_kpi.review_quality",
        "ulm_channels.view_outboundmail",
        "ulm_channels.change_outboundmail",
    }
    assert held("Verwaltungsleitung") == {"ulm_kpi.view_kpis"}
    assert held("Fachbereichsleitung") == set()
    assert held("Administration") == set()
    # a department's group: its own queue; the service center: every queue
    kfz = Queue.objects.get(slug="kfz-zulassung")
    assert held("Kfz-Zulassung") == {kfz.permission_name}
    assert held("Servicecenter") == {q.permission_name for q in Queue.objects.all()}
    # idempotent: a second run changes nothing and says so
    assert run("create").strip() == "Die Rollen waren wie vorgesehen; nichts geändert."
    assert run("check").strip() == "Alle Rollen sind wie vorgesehen."


def test_create_works_before_any_queue_exists():
    # a fresh installation: no service center, no department yet
    assert not Queue.objects.exists()
    output = run("create")
    assert "Gruppe „Servicecenter“ angelegt." in output
    assert held("Servicecenter") == set()
    assert held("Datenschutz") == {"ulm_privacy.handle_data_requests", "ulm_privacy.view_audit_log"}


def test_create_withdraws_what_a_group_should_not_hold(roles):
    extra = Permission.objects.get(codename="delete_ticket", content_type__app_label="helpdesk")
    Group.objects.get(name="Wissensredaktion").permissions.add(extra)
    output = run("create")
    assert "„Wissensredaktion“: Berechtigung helpdesk.delete_ticket entzogen." in output
    assert "helpdesk.delete_ticket" not in held("Wissensredaktion")


def test_check_lists_every_deviation_and_fails(roles, django_user_model, agent):
    Group.objects.get(name="Wissensredaktion").delete()
    Group.objects.get(name="Servicecenter-Leitung").permissions.remove(
        Permission.objects.get(codename="review_quality")
    )
    Group.objects.get(name="Verwaltungsleitung").permissions.add(
        Permission.objects.get(codename="view_audit_log")
    )
    dora = django_user_model.objects.create_user("dora", is_staff=True)
    dora.groups.add(Group.objects.get(name="Datenschutz"), Group.objects.get(name="Kfz-Zulassung"))
    nostaff = django_user_model.objects.create_user("ohne.status", is_staff=False)
    nostaff.groups.add(Group.objects.get(name="Verwaltungsleitung"))
    plain_admin = django_user_model.objects.create_user("nur.gruppe", is_staff=True)
    plain_admin.groups.add(Group.objects.get(name="Administration"))
    headless = django_user_model.objects.create_user("leitet.nichts", is_staff=True)
    headless.groups.add(Group.objects.get(name="Fachbereichsleitung"))
    head = django_user_model.objects.create_user("kfz.leitung", is_staff=True)
    make_head(head, "kfz-zulassung")

    out = StringIO()
    with pytest.raises(CommandError, match="8 Abweichungen"):
        call_command("roles", "check", stdout=out)
    kfz = Queue.objects.get(slug="kfz-zulassung").permission_name
    assert out.getvalue().splitlines() == [
        "„Servicecenter-Leitung“ fehlt die Berechtigung ulm_kpi.review_quality.",
        "Gruppe „Wissensredaktion“ fehlt.",
        "„Verwaltungsleitung“ hat die Berechtigung ulm_privacy.view_audit_log, die ihre Rolle "
        "nicht braucht.",
        "ohne.status ist in „Verwaltungsleitung“, aber kein Mitarbeiterkonto und kann sich dort "
        "nicht anmelden.",
        "nur.gruppe ist in „Administration“, aber kein Superuser.",
        "leitet.nichts ist in „Fachbereichsleitung“, leitet aber keinen Fachbereich.",
        "kfz.leitung leitet einen Fachbereich, ist aber nicht in „Fachbereichsleitung“.",
        f"dora ist Datenschutzbeauftragte(r) und darf zugleich Tickets bearbeiten ({kfz}).",
    ]
    # create repairs the groups; the people's memberships are for the admin to decide
    run("create")
    remaining = services.check_roles()
    assert not any("Gruppe" in line or "Berechtigung" in line for line in remaining)
    assert len(remaining) == 5


def test_demo_loader_creates_roles_and_people(roles, django_user_model):
    head = django_user_model.objects.create_user("abfallwirtschaft.leitung", is_staff=True)
    make_head(head, "abfallwirtschaft")
    services.load_demo_privacy()
    dora = django_user_model.objects.get(username="dora.datenschutz")
    wilma = django_user_model.objects.get(username="wilma.wissen")
    assert list(dora.groups.values_list("name", flat=True)) == ["Datenschutz"]
    assert list(wilma.groups.values_list("name", flat=True)) == ["Wissensredaktion"]
    assert head.groups.filter(name="Fachbereichsleitung").exists()
    assert services.check_roles() == []
    assert services.load_demo_privacy() == []  # once
    from ulm_servicepoint.services import DEMO_LOGINS

    assert {"dora.datenschutz", "wilma.wissen"} <= {login.username for login in DEMO_LOGINS}


def test_every_role_is_documented_in_the_readme():
    from pathlib import Path

    readme = (Path(services.__file__).parent / "README.md").read_text()
    for each in ROLES:
        assert f"| {each.group or 'Name des Fachbereichs'} |" in readme
        for permission in each.permissions:
            assert permission in readme


def test_dpo_reads_no_ticket_and_edits_none(roles, client, django_user_model):
    services.load_demo_privacy()
    dora = django_user_model.objects.get(username="dora.datenschutz")
    ticket = Ticket.objects.get(title__startswith="Wunschkennzeichen")
    client.force_login(dora)
    assert dora.has_perm("ulm_privacy.view_audit_log")
    assert dora.has_perm("ulm_privacy.handle_data_requests")
    page = client.get(reverse("helpdesk:view", args=[ticket.id]), follow=True)
    assert "UL-AB 123" not in page.content.decode()
    response = client.post(
        reverse("helpdesk:update", args=[ticket.id]),
        {"comment": "Datenschutz", "new_status": str(Ticket.CLOSED_STATUS)},
    )
    assert response.status_code in (302, 403, 404)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.OPEN_STATUS
    assert not ticket.followup_set.filter(comment="Datenschutz").exists()


def test_head_sees_own_department_figures_only(roles, client, django_user_model):
    head = django_user_model.objects.create_user("kfz.leitung", is_staff=True)
    head.groups.add(Group.objects.get(name="Fachbereichsleitung"))
    make_head(head, "kfz-zulassung")
    client.force_login(head)
    own = client.get(reverse("ulm_kpi:dashboard"), {"abteilung": "kfz-zulassung"})
    assert own.status_code == 200
    foreign = client.get(reverse("ulm_kpi:dashboard"), {"abteilung": "abfallwirtschaft"})
    assert foreign.status_code == 403
