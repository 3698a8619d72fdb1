"""The demo city's services and answers (``data/demo_*_de.json``, written by the project)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction
from helpdesk.models import KBItem, Queue

from ulm_knowledge.imports import import_services
from ulm_knowledge.lifecycle import create_item
from ulm_knowledge.models import Answer, Service, Status
from ulm_knowledge.request_type_links import link_request_types
from ulm_knowledge.search.index import reindex

DEMO_DATA = Path(__file__).resolve().parent / "data"
DEMO_PREFIX = "dldb:ulm-demo-"


@transaction.atomic
def load_demo_knowledge() -> bool:
    """The demo city's services and answers (data/demo_*_de.json, written by the project),
    published, owned by the demo departments and linked to the demo request types (by LeiKa
    key, or by the file's ``ulm_request_types``). Once: returns False when they are there."""
    from ulm_servicepoint.services import public_request_type

    if Service.objects.filter(external_id__startswith=DEMO_PREFIX).exists():
        return False
    import_services(
        DEMO_DATA / "demo_services_de.json", locations=DEMO_DATA / "demo_locations_de.json"
    )
    queues = {q.slug: q for q in Queue.objects.all()}
    raw = json.loads((DEMO_DATA / "demo_services_de.json").read_text(encoding="utf-8"))
    for item in raw["data"]:
        service = Service.objects.get(external_id=f"dldb:{item['id']}")
        service.department = queues.get(item.get("ulm_department", ""))
        service.save(update_fields=["department", "updated_at"])
        # request types without LeiKa key are linked by name, as an editor would in the admin
        for slug in item.get("ulm_request_types", []):
            if request_type := public_request_type(slug):
                service.request_types.add(request_type)
    answers = json.loads((DEMO_DATA / "demo_answers_de.json").read_text(encoding="utf-8"))
    for data in answers:
        answer = Answer(
            question=data["question"],
            answer=data["answer"],
            phone_text=data.get("phone_text", ""),
            department=queues.get(data.get("department", "")),
        )
        create_item(answer, None, "Demo")
        answer.status = Status.PUBLISHED
        answer.save(update_fields=["status", "updated_at"])
        KBItem.objects.filter(pk=answer.kbitem_id).update(enabled=True)
        answer.services.set(Service.objects.filter(external_id__in=data.get("services", [])))
    reindex()
    link_request_types()
    return True
