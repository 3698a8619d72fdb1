"""Sign-on against a real OpenLDAP directory (slapd on loopback, STARTTLS), through the login
form as an agent uses it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from tests.support.html import visible_text
from ulm_privacy.tests.conftest import LDAP_PEOPLE

LOGIN = "/helpdesk/login/"
WRONG = "Der Benutzername und das Passwort stimmen nicht überein"


@pytest.fixture
def roles(demo):
    """The role groups the mapping names that the demo city lacks (the roles command makes
    them in a real installation)."""
    for name in ("Fachbereichsleitung", "Administration", "Datenschutz"):
        Group.objects.get_or_create(name=name)


def login(client: Client, username: str, password: str | None = None):
    password = password if password is not None else LDAP_PEOPLE[username][0]
    return client.post(LOGIN, {"username": username, "password": password})


def groups_of(django_user_model, username: str) -> set[str]:
    user = django_user_model.objects.get(username=username)
    return set(user.groups.values_list("name", flat=True))


def test_a_mapped_person_signs_on_with_the_directory_password(
    client, ldap_sso, roles, django_user_model
):
    response = login(client, "lena.ldap")
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")
    user = django_user_model.objects.get(username="lena.ldap")
    assert (user.first_name, user.last_name, user.email) == (
        "Lena",
        "Lindner",
        "lena.ldap@ulm.example",
    )
    assert user.is_staff
    assert not user.is_superuser
    assert not user.has_usable_password()  # the directory keeps the password
    assert groups_of(django_user_model, "lena.ldap") == {"Servicecenter"}
    worklist = client.get(response["Location"])
    assert worklist.status_code == 200


def test_groups_map_by_dn_or_name_and_to_several_roles(client, ldap_sso, roles, django_user_model):
    assert login(client, "fritz.ldap").status_code == 302
    assert groups_of(django_user_model, "fritz.ldap") == {
        "Kfz-Zulassung",
        "Fachbereichsleitung",
        "Verwaltungsleitung",
    }


def test_names_longer_than_the_account_holds_are_cut_not_refused(
    client, ldap_sso, roles, django_user_model
):
    assert login(client, "lang.ldap").status_code == 302
    user = django_user_model.objects.get(username="lang.ldap")
    assert user.first_name == ("Maximiliane-" * 20)[:150]


def test_a_wrong_password_is_refused_in_german(client, ldap_sso, roles, django_user_model):
    response = login(client, "lena.ldap", "falsch")
    assert response.status_code == 200
    assert WRONG in visible_text(response)
    assert "_auth_user_id" not in client.session
    assert not django_user_model.objects.filter(username="lena.ldap").exists()


def test_a_person_in_no_mapped_group_cannot_use_the_helpdesk(
    client, ldap_sso, roles, django_user_model
):
    response = login(client, "otto.ldap")
    assert response.status_code == 200
    assert WRONG in visible_text(response)
    assert "_auth_user_id" not in client.session
    assert not django_user_model.objects.filter(username="otto.ldap").exists()
    assert client.get(reverse("ulm_servicepoint:worklist")).status_code == 302  # to the login page


def test_group_changes_in_the_directory_show_at_the_next_login(
    client, ldap_sso, roles, django_user_model
):
    assert login(client, "gerd.ldap").status_code == 302
    user = django_user_model.objects.get(username="gerd.ldap")
    local_group = Group.objects.create(name="Gerds Arbeitskreis")  # given by hand, not mapped
    user.groups.add(local_group)
    client.logout()

    ldap_sso.add_member("datenschutz", "gerd.ldap")
    ldap_sso.remove_member("servicecenter", "gerd.ldap")
    try:
        assert login(client, "gerd.ldap").status_code == 302
        assert groups_of(django_user_model, "gerd.ldap") == {"Datenschutz", "Gerds Arbeitskreis"}
        client.logout()

        # out of every mapped group: no longer staff, refused, and the hand-given group stays
        ldap_sso.remove_member("datenschutz", "gerd.ldap")
        refused = login(client, "gerd.ldap")
        assert refused.status_code == 200
        assert "_auth_user_id" not in client.session
        user.refresh_from_db()
        assert not user.is_staff
        assert groups_of(django_user_model, "gerd.ldap") == {"Gerds Arbeitskreis"}
    finally:
        ldap_sso.add_member("servicecenter", "gerd.ldap")


def test_role_changes_by_sign_on_are_in_the_audit_log(client, ldap_sso, roles):
    from ulm_privacy.models import AuditEvent

    assert login(client, "lena.ldap").status_code == 302
    event = AuditEvent.objects.get(username="lena.ldap", object_type="auth.user")
    assert event.action == "change"
    assert event.detail["roles_added"] == ["Servicecenter"]
    client.logout()
    assert login(client, "lena.ldap").status_code == 302  # no change, no second event
    assert AuditEvent.objects.filter(username="lena.ldap", object_type="auth.user").count() == 1


def test_the_local_admin_still_logs_in_and_is_not_taken_over(client, ldap_sso, roles, admin_user):
    from ulm_servicepoint.demo import DEMO_PASSWORD

    groups_before = set(admin_user.groups.all())
    # the directory's "admin" is another person: its password opens nothing here
    refused = login(client, "admin", LDAP_PEOPLE["admin"][0])
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session
    admin_user.refresh_from_db()
    assert admin_user.is_superuser
    assert admin_user.has_usable_password()
    assert set(admin_user.groups.all()) == groups_before
    assert admin_user.first_name != "Anton"

    response = login(Client(), "admin", DEMO_PASSWORD)
    assert response.status_code == 302


def test_the_login_throttling_applies_to_directory_accounts(client, ldap_sso, roles, settings):
    from axes.models import AccessAttempt

    for attempt in range(settings.AXES_FAILURE_LIMIT):
        assert login(client, "sperre.ldap", f"falsch{attempt}").status_code in (200, 429)
    locked = login(client, "sperre.ldap")
    assert locked.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in visible_text(locked)
    assert "_auth_user_id" not in client.session
    AccessAttempt.objects.filter(username="sperre.ldap").delete()
    assert login(client, "sperre.ldap").status_code == 302


def test_without_ulm_ldap_uri_nothing_of_ldap_is_configured(monkeypatch):
    from config import sso

    monkeypatch.delenv("ULM_LDAP_URI", raising=False)
    assert sso.ldap_settings() == {}
