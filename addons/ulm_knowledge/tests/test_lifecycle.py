"""Lifecycle: draft → in review → published → retired with four eyes, versions with a
readable diff, validity dates, review reminders to the owner department."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from helpdesk.models import Queue

from tests.support.html import soup, visible_text
from tests.support.outbox import deliver_outbox
from ulm_knowledge import services
from ulm_knowledge.list_editors import RowsField
from ulm_knowledge.models import ItemVersion, Status
from ulm_knowledge.tests.conftest import by_external_id


def top(query: str) -> list[str]:
    return [hit.external_id for hit in services.search(query, 3)]


def test_edit_needs_a_second_person_to_publish(catalogue, agent, kfz_clerk):
    perso = by_external_id("dldb:9001")
    services.edit_item(perso, {"fees": "46,00 Euro"}, author=agent, note="Neue Gebühr")
    assert (perso.status, perso.version) == (Status.DRAFT, 2)
    assert "dldb:9001" not in top("Personalausweis")  # a draft is not searchable

    services.submit_for_review(perso, agent)
    with pytest.raises(services.LifecycleError, match="Vier-Augen-Prinzip"):
        services.approve(perso, agent)
    assert perso.status == Status.IN_REVIEW

    services.approve(perso, kfz_clerk)
    assert perso.status == Status.PUBLISHED
    assert top("Personalausweis")[0] == "dldb:9001"


def test_unchanged_edit_makes_no_version(catalogue, agent):
    perso = by_external_id("dldb:9001")
    assert services.edit_item(perso, {"fees": perso.fees}, author=agent) is False
    assert (perso.status, perso.version) == (Status.PUBLISHED, 1)


def test_rejected_review_goes_back_to_draft(catalogue, agent, kfz_clerk):
    perso = by_external_id("dldb:9001")
    services.edit_item(perso, {"hints": "Termin nötig"}, author=agent)
    services.submit_for_review(perso, agent)
    services.reject(perso, kfz_clerk, "Bitte Quelle angeben")
    assert perso.status == Status.DRAFT
    with pytest.raises(services.LifecycleError):
        services.approve(perso, kfz_clerk)


def test_readable_diff_between_versions(catalogue, agent):
    perso = by_external_id("dldb:9001")
    services.edit_item(perso, {"fees": "46,00 Euro"}, author=agent)
    assert services.version_diff(perso.kbitem, 1, 2) == [
        ("Kosten", ["- 37,00 Euro", "+ 46,00 Euro"])
    ]


def test_validity_dates_apply_from_a_day_on(catalogue):
    perso = by_external_id("dldb:9001")
    perso.valid_from = date.today() + timedelta(days=30)
    perso.save()
    services.index_item(perso)
    assert "dldb:9001" not in top("Personalausweis")
    perso.valid_from = date.today()
    perso.save()
    services.index_item(perso)
    assert top("Personalausweis")[0] == "dldb:9001"


def test_review_reminder_mailed_to_owner_department_once_a_day(catalogue, demo, smtp):
    department = Queue.objects.get(slug="buergerdienste")
    perso = by_external_id("dldb:9001")
    perso.department = department
    perso.review_due = date(2026, 11, 1)
    perso.save()

    assert services.send_review_reminders(today=date(2026, 11, 24)) == 1
    assert services.send_review_reminders(today=date(2026, 11, 24)) == 0

    assert deliver_outbox() == {"sent": 1}  # what the worker does after the commit
    (message,) = smtp.messages
    assert message["To"] == "buergerdienste@ulm.example"
    assert "Personalausweis (fällig seit 01.11.2026)" in message.get_payload(decode=True).decode()


def test_admin_edit_is_versioned_and_needs_review(catalogue, admin_user, client):
    perso = by_external_id("dldb:9001")
    client.force_login(admin_user)
    url = f"/admin/ulm_knowledge/service/{perso.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    fields = [name for name in form.fields if name != "request_types"]  # links: not posted
    data: dict[str, object] = {}
    for name in fields:
        value, field = form.initial.get(name), form.fields[name]
        if isinstance(field, RowsField):  # LeiKa keys, forms, contact points: rows of inputs
            rows = field.widget.format_value(value)
            data[f"{name}-count"] = len(rows)
            for index, row in enumerate(rows):
                data.update({f"{name}-{index}-{key}": text for key, text in row.items()})
        else:
            data[name] = json.dumps(value) if isinstance(value, list | dict) else (value or "")
    data.update(fees="46,00 Euro", department="")
    assert perso.request_types.exists()  # linked to the demo's request type by its LeiKa key
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not perso.request_types.exists()  # the links removed as posted, beside the edit
    perso.refresh_from_db()
    assert (perso.fees, perso.version, perso.status) == ("46,00 Euro", 2, Status.DRAFT)
    assert services.version_diff(perso.kbitem, 1, 2) == [
        ("Kosten", ["- 37,00 Euro", "+ 46,00 Euro"])
    ]


def test_admin_shows_what_a_version_changed(catalogue, admin_user, client):
    perso = by_external_id("dldb:9001")
    services.edit_item(perso, {"fees": "46,00 Euro"}, author=admin_user, note="Neue Gebühr")
    version = ItemVersion.objects.get(kbitem=perso.kbitem, number=2)
    client.force_login(admin_user)

    page = client.get(f"/admin/ulm_knowledge/itemversion/{version.pk}/change/")

    assert page.status_code == 200
    text = visible_text(page)
    assert "Änderungen gegenüber der vorigen Version" in text
    assert "Kosten" in text
    assert "- 37,00 Euro\n+ 46,00 Euro" in soup(page).find("pre").get_text()
