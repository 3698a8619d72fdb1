"""The dashboard as its users meet it: the lead sees every department, a department's head only
their own, a clerk nothing; bad periods and filters are refused in German; names from the data
never execute; exports carry the same figures."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from ulm_kpi import services as kpi
from ulm_kpi.tests import data
from ulm_routing.models import DepartmentSettings

URL = "/helpdesk/kennzahlen/"


@pytest.fixture
def lead(demo, django_user_model):
    user = django_user_model.objects.create_user("kpi.lead", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_kpis"))
    return user


@pytest.fixture
def head(demo, django_user_model):
    """The head of Kfz-Zulassung (not a member of any queue's group)."""
    from helpdesk.models import Queue

    user = django_user_model.objects.create_user("kfz.chefin", password="x", is_staff=True)
    settings_row, _new = DepartmentSettings.objects.get_or_create(
        queue=Queue.objects.get(slug="kfz-zulassung")
    )
    settings_row.heads.add(user)
    return user


def german(client):
    client.cookies["django_language"] = "de"
    return client


def test_the_lead_sees_the_figures_of_every_department(client, lead):
    office = data.queue("kpi-amt", "KPI-Amt")
    data.case("2026-03-02 09:10", office, "phone")
    kpi.refresh()
    client.force_login(lead)
    page = german(client).get(URL, {"von": "2026-03-01", "bis": "2026-03-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kennzahlen" in html
    assert "1 Kontakt im Zeitraum" in html
    assert "Beim Erstkontakt erledigt" in html
    assert 'value="kfz-zulassung"' in html  # every department to choose from
    assert "Ziel verfehlt" in html  # 0 % first-contact resolution against 65 %


def test_a_head_of_department_sees_their_department_only(client, head):
    client.force_login(head)
    page = german(client).get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<option value="kfz-zulassung" selected>' in html
    assert 'value="abfallwirtschaft"' not in html
    other = german(client).get(URL, {"abteilung": "abfallwirtschaft"})
    assert other.status_code == 403
    assert "nur die Kennzahlen Ihrer Abteilung" in other.content.decode()
    csv = client.get(reverse("ulm_kpi:export", args=["csv"]), {"abteilung": "abfallwirtschaft"})
    assert csv.status_code == 403


def test_a_clerk_sees_no_figures(client, kfz_clerk):
    client.force_login(kfz_clerk)
    page = german(client).get(URL)
    assert page.status_code == 403
    assert "Kennzahlen" in page.content.decode()
    assert client.get(reverse("ulm_kpi:export", args=["csv"])).status_code == 403


def test_without_login_the_page_asks_to_log_in(client, demo):
    page = client.get(URL)
    assert page.status_code == 302
    assert "login" in page["Location"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"von": "2026-03-31", "bis": "2026-03-01"}, "endet vor seinem Anfang"),
        ({"von": "1900-01-01", "bis": "1900-02-01"}, "vor dem Jahr 2000"),
        ({"von": "x" * 5000, "bis": "2026-03-01"}, "TT.MM.JJJJ"),
        ({"kanal": "fax"}, "keinen Kanal"),
        ({"abteilung": "gibt-es-nicht"}, "keine Abteilung"),
        ({"anliegenart": "<b>x</b>"}, "keine Anliegenart"),
    ],
)
def test_bad_periods_and_filters_are_refused_in_german(client, lead, query, message):
    client.force_login(lead)
    page = german(client).get(URL, query)
    assert page.status_code == 400
    html = page.content.decode()
    assert message in html
    assert "<b>x</b>" not in html


def test_names_from_the_data_never_execute(client, lead):
    hostile = data.queue("kpi-boese", '<img src=x onerror="alert(1)">Amt')
    case = data.case("2026-03-02 09:10", hostile, "email")
    data.handoff(case, hostile, "2026-03-02 09:20", "2026-03-03 09:20", "2026-03-02 12:00")
    kpi.refresh()
    client.force_login(lead)
    html = german(client).get(URL, {"von": "2026-03-01", "bis": "2026-03-31"}).content.decode()
    assert '<img src=x onerror="alert(1)">' not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;Amt" in html


def test_an_empty_period_says_so(client, lead):
    kpi.refresh()
    client.force_login(lead)
    html = german(client).get(URL, {"von": "2020-02-01", "bis": "2020-02-29"}).content.decode()
    assert "0 Kontakte im Zeitraum" in html
    assert "Keine Daten für diesen Zeitraum." in html
    assert "keine Daten" in html  # the rates


def test_the_city_management_sees_the_figures_but_reviews_nothing(client, demo, django_user_model):
    from django.contrib.auth.models import Group

    vera = django_user_model.objects.create_user("vera.test", password="x", is_staff=True)
    vera.groups.add(Group.objects.get(name="Verwaltungsleitung"))
    client.force_login(vera)
    assert german(client).get(URL).status_code == 200
    assert 'value="kfz-zulassung"' in german(client).get(URL).content.decode()
    assert client.get("/helpdesk/qualitaet/").status_code == 403
    assert client.get("/helpdesk/kennzahlen/berichte/").status_code == 200


def test_who_sees_no_queue_lands_on_the_key_figures(client, head, agent, kfz_clerk):
    client.force_login(head)
    landing = client.get("/helpdesk/arbeitsliste/")
    assert landing.status_code == 302
    assert landing["Location"] == URL
    for user in (agent, kfz_clerk):  # whoever has a queue keeps the work list
        client.force_login(user)
        assert client.get("/helpdesk/arbeitsliste/").status_code == 200
