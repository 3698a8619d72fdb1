"""DSGVO Art. 17, the right to erasure, for one citizen on request.

``erasure_check`` lists what stands in the way: for each of the person's tickets, the reasons
``ulm_servicepoint.services.erasure_obstacles`` gives (an open case; the retention obligation
and a pending archive hand-over where the platform adds them). ``erase_citizen`` refuses with
those reasons when there are any; otherwise, in one transaction (half-done rolls back), it
anonymises every ended ticket of the person (``anonymise_ticket``: the statistics stay), deletes
the citizen record, erases what the channels and routing keep under the person's address and
number that is bound to no ticket (and routing's callbacks and handoffs of the tickets), and
deletes the person's Art. 15 packages. The audit log gets
``art17`` with the citizen's id and the ticket ids only, never the erased data."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from helpdesk.models import Ticket

from ulm_channels import services as channels
from ulm_privacy.audit import record
from ulm_privacy.models import AccessRequest
from ulm_privacy.rights.subject import Person, identify
from ulm_routing import services as routing
from ulm_servicepoint import services as platform


class ErasureRefused(Exception):
    """The erasure may not happen now; ``reasons`` are German sentences."""

    def __init__(self, reasons: list[str]):
        super().__init__(" ".join(reasons))
        self.reasons = reasons


@dataclass
class ErasureCheck:
    person: Person
    tickets: list[Ticket] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)


def erasure_check(citizen: Any) -> ErasureCheck:
    """The person's tickets not yet anonymised and every reason against erasing them now."""
    person = identify(citizen)
    tickets = list(
        Ticket.objects.filter(pk__in=person.ticket_ids, anonymised__isnull=True).order_by("pk")
    )
    reasons = [reason for ticket in tickets for reason in platform.erasure_obstacles(ticket)]
    return ErasureCheck(person, tickets, reasons)


def erase_citizen(citizen: Any, by: Any, path: str = "") -> dict[str, Any]:
    """Erases the citizen's personal data everywhere (see the module docstring), or raises
    ErasureRefused with the reasons. Returns what was done (counts and ticket ids)."""
    with transaction.atomic():
        # the tickets are locked while checked, so none reopens between check and erasure
        person = identify(citizen)
        list(Ticket.objects.select_for_update().filter(pk__in=person.ticket_ids))
        check = erasure_check(citizen)
        if check.reasons:
            raise ErasureRefused(check.reasons)
        for ticket in check.tickets:
            platform.anonymise_ticket(ticket)
        about = Q(citizen_id__in=person.citizen_ids)
        for identifier in person.emails + person.phones:
            about |= Q(citizen__isnull=True, query__iexact=identifier)
        packages = AccessRequest.objects.filter(about)
        stored = [(p.file.storage, p.file.name or "") for p in packages if p.file]
        package_count = packages.update(query="", file="", summary={})
        citizens = platform.delete_citizens(person.citizen_ids)
        done: dict[str, Any] = {
            "tickets": [t.pk for t in check.tickets],
            "citizens": citizens,
            "packages": package_count,
            **routing.erase_person(person.ticket_ids, person.phones),
            **channels.erase_person(person.emails, person.phones),
        }
        record(by, "art17", "ulm_servicepoint.citizen", citizen.pk, path, **done)
        for storage, name in stored:
            transaction.on_commit(functools.partial(storage.delete, name))
    return done
