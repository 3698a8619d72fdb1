"""DSGVO Art. 15, the right of access: everything about one citizen across channels, as JSON
(machine-readable) and as a readable German PDF, packed into one ZIP in the private storage.

The data-protection officer asks for a package (``request_package``): the request row and the
worker's job are written in one transaction. The worker (``ulm_privacy.build_access_package``)
calls ``run_access_package``, which collects (``collect``), renders and stores the ZIP; a failure
is written on the request, never lost. Asking, making and each download are in the audit log
(action ``art15``). A search that matched nobody gives an empty package, not an error.

What goes in: the citizen records; every ticket of the person (title, description, resolution,
every follow-up, the internal ones marked, attachments as files, CCs, custom fields, the case
record's typed values, the knowledge answers given); received mails (raw, as .eml files) and
sent mails; calls by the normalised number; held and logged web submissions; satisfaction
ratings; callbacks and handoffs; and the audit events about the citizen and the tickets.
"""

from __future__ import annotations

import functools
import json
import logging
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from helpdesk.models import (
    FollowUp,
    FollowUpAttachment,
    Ticket,
    TicketCC,
    TicketCustomFieldValue,
)

from ulm_channels import services as channels
from ulm_knowledge import services as knowledge
from ulm_privacy.audit import record
from ulm_privacy.models import AccessRequest, AuditEvent
from ulm_privacy.rights.subject import Person, identify
from ulm_routing import services as routing
from ulm_servicepoint import services as platform

log = logging.getLogger(__name__)

JOB = "ulm_privacy.build_access_package"
QUERY_MAX = 200


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


class PackageInvalid(ValueError):
    """A request for a package that cannot be made; the message is German."""


# --- Asking ---------------------------------------------------------------------------------------
@transaction.atomic
def request_package(by: Any, citizen: Any = None, query: str = "", path: str = "") -> AccessRequest:
    """Records a request for the Art. 15 package about ``citizen`` (a Citizen) or, when None,
    about the address, number or name ``query`` (at most 200 characters), asks the worker to
    make it, and writes ``art15`` in the audit log, in one transaction. Raises PackageInvalid
    when neither is given."""
    query = (query or "").strip()
    if citizen is None and not 2 <= len(query) <= QUERY_MAX:
        with translation.override("de"):
            raise PackageInvalid(
                _("Please enter the e-mail address, phone number or name (2 to 200 characters).")
            )
    user = by if getattr(by, "is_authenticated", False) else None
    access = AccessRequest.objects.create(
        citizen=citizen, query="" if citizen is not None else query, requested_by=user
    )
    subject = citizen.pk if citizen else ""
    record(
        by,
        "art15",
        "ulm_servicepoint.citizen",
        subject,
        path,
        step="requested",
        request=str(access.uuid),
    )
    from procrastinate.contrib.django import app

    app.configure_task(JOB, allow_unknown=False).defer(request_id=access.pk)
    return access


def requests_listed(limit: int = 50) -> QuerySet[AccessRequest]:
    return AccessRequest.objects.select_related("citizen", "requested_by")[:limit]


# --- Making it (the worker) -----------------------------------------------------------------------
def run_access_package(request_id: int) -> None:
    """The worker's job: makes the package, or records why it could not. Never raises."""
    access = AccessRequest.objects.select_related("citizen").filter(pk=request_id).first()
    if access is None or access.state == AccessRequest.State.DONE:
        return
    try:
        build_package(access)
    except Exception as error:
        log.exception("Art. 15 package %s failed", request_id)
        AccessRequest.objects.filter(pk=request_id).update(
            state=AccessRequest.State.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )


def build_package(access: AccessRequest) -> AccessRequest:
    """Collects, renders and stores the ZIP of ``access``; marks it done; audit ``art15``."""
    person = identify(access.citizen, access.query)
    with translation.override("de"):
        data, files = collect(person)
        data["request"] = {
            "id": str(access.uuid),
            "requested_at": _iso(access.created_at),
            "citizen": str(access.citizen.uuid) if access.citizen else None,
            "searched_for": access.query,
        }
        pdf = render_pdf(data)
    with tempfile.TemporaryFile() as spool:
        write_zip(spool, data, pdf, files)
        spool.seek(0)
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        access.file.save(f"auskunft-{stamp}-{access.uuid}.zip", File(spool), save=False)
    access.state = AccessRequest.State.DONE
    access.error = ""
    access.summary = {key: len(data[key]) for key in COUNTED if key in data} | {
        key: len(value) for key, value in data["channels"].items()
    }
    access.finished_at = timezone.now()
    access.save()
    subject = access.citizen_id or ""
    record(
        None,
        "art15",
        "ulm_servicepoint.citizen",
        subject,
        step="produced",
        request=str(access.uuid),
        tickets=person.ticket_ids,
    )
    return access


COUNTED = ("citizens", "tickets", "callbacks", "handoffs", "audit_events")

# A file to pack: (name in the ZIP, opener giving a binary file object or bytes)
PackedFile = tuple[str, Callable[[], Any]]


def collect(person: Person) -> tuple[dict[str, Any], list[PackedFile]]:
    """Everything about ``person`` as plain data, and the files to pack beside it."""
    files: list[PackedFile] = []
    ids = person.ticket_ids
    tickets = list(
        Ticket.objects.filter(pk__in=ids).select_related("queue").order_by("created", "pk")
    )
    references = platform.references_of(ids)
    told = knowledge.answers_told_in(ids)
    cases = platform.case_records(ids)
    followups: dict[int, list[dict[str, Any]]] = {}
    for followup in FollowUp.objects.filter(ticket_id__in=ids).order_by("date", "pk"):
        followups.setdefault(followup.ticket_id, []).append(
            {
                "id": followup.pk,
                "at": _iso(followup.date),
                "title": followup.title,
                "text": followup.comment,
                "internal": not followup.public,
                "by_staff": followup.user_id is not None,
                "attachments": [],
            }
        )
    by_followup = {f["id"]: f for rows in followups.values() for f in rows}
    attachments = FollowUpAttachment.objects.filter(followup__ticket_id__in=ids).order_by("pk")
    for attachment in attachments:
        name = _safe_name(f"anhaenge/{attachment.pk}-{attachment.filename}")
        by_followup[attachment.followup_id]["attachments"].append(
            {"name": attachment.filename, "size": attachment.size, "file": name}
        )
        files.append((name, _opener(attachment.file)))
    ccs: dict[int, list[str]] = {}
    for cc in TicketCC.objects.filter(ticket_id__in=ids).exclude(email=None):
        ccs.setdefault(cc.ticket_id, []).append(cc.email or "")
    custom: dict[int, dict[str, str]] = {}
    for value in TicketCustomFieldValue.objects.filter(ticket_id__in=ids).select_related("field"):
        custom.setdefault(value.ticket_id, {})[value.field.label or value.field.name] = (
            value.value or ""
        )
    ticket_rows = []
    for ticket in tickets:
        ticket_rows.append(
            {
                "id": ticket.pk,
                "reference": references.get(ticket.pk, ""),
                "title": ticket.title,
                "description": ticket.description,
                "resolution": ticket.resolution or "",
                "status": ticket.get_status_display(),
                "office": ticket.queue.title,
                "submitter_email": ticket.submitter_email or "",
                "created_at": _iso(ticket.created),
                "modified_at": _iso(ticket.modified),
                "case": cases.get(ticket.pk, {}),
                "custom_fields": custom.get(ticket.pk, {}),
                "cc": ccs.get(ticket.pk, []),
                "follow_ups": followups.get(ticket.pk, []),
                "knowledge_answers": told.get(ticket.pk, []),
            }
        )
    channel = channels.channel_data(ids, person.emails, person.phones)
    for number, mail in enumerate(channel["received_mails"], start=1):
        raw = mail.pop("raw")
        mail["file"] = f"mails/empfangen-{number}.eml" if raw else ""
        if raw:
            files.append((mail["file"], functools.partial(bytes, raw)))
    for held in channel["held_submissions"]:
        for packed in held["files"]:
            stored = packed.pop("file")
            packed["file"] = _safe_name(f"zurueckgehalten/{PurePosixPath(stored).name}")
            files.append((packed["file"], _storage_opener(stored)))
    routed = routing.routing_data(ids, person.phones)
    return {
        "made_at": _iso(timezone.now()),
        "notes": notes(),
        "citizens": platform.citizen_records(person.citizen_ids),
        "emails": person.emails,
        "phones": person.phones,
        "tickets": ticket_rows,
        "channels": channel,
        "callbacks": routed["callbacks"],
        "handoffs": routed["handoffs"],
        "audit_events": audit_events(person),
    }, files


def audit_events(person: Person) -> list[dict[str, Any]]:
    """Who accessed or changed the person's data (the recipients, Art. 15 (1) c): audit events
    about the citizen records and the tickets, when and what, without the staff member's name
    (see the README: EuGH C-579/21; the officer reads the names in the audit log)."""
    about = Q(object_type__iendswith="citizen", object_id__in=[str(i) for i in person.citizen_ids])
    about |= Q(object_type__iendswith="ticket", object_id__in=[str(i) for i in person.ticket_ids])
    if not (person.citizen_ids or person.ticket_ids):
        return []
    return [
        {
            "at": _iso(event.at),
            "action": event.action,
            "object": f"{event.object_type} {event.object_id}",
        }
        for event in AuditEvent.objects.filter(about).order_by("at", "pk")
    ]


def notes() -> list[str]:
    return [
        _(
            "This is the information under Art. 15 GDPR about the personal data the city's "
            "citizens' service processes about you: the stored contact details, your requests "
            "with every note (internal notes included), attachments, mails, calls, "
            "callbacks, forwardings to departments and who accessed the data."
        ),
        _(
            "Purpose: handling your requests (Art. 6 (1) e GDPR). Recipients: the service "
            "center and the departments your request was forwarded to. Storage period: the "
            "data of a request is deleted or anonymised after the period stated on the form "
            "once the request is closed."
        ),
        _(
            "You have the right to rectification (Art. 16), erasure (Art. 17), restriction "
            "(Art. 18) and objection (Art. 21), and may complain to the supervisory authority "
            "(the State Commissioner for Data Protection Baden-Württemberg)."
        ),
        _(
            "The file auskunft.json holds the same data in machine-readable form; the folders "
            "hold the attachments and received mails as files."
        ),
    ]


def _opener(field_file: Any) -> Callable[[], Any]:
    return lambda: field_file.open("rb")


def _storage_opener(name: str) -> Callable[[], Any]:
    from django.core.files.storage import default_storage

    return lambda: default_storage.open(name, "rb")


def _safe_name(name: str) -> str:
    """A ZIP member name without directories of its own or odd characters."""
    folder, _sep, base = name.partition("/")
    base = "".join(c if c.isalnum() or c in "._- " else "_" for c in base)[:150] or "datei"
    return f"{folder}/{base}"


def write_zip(target: Any, data: dict[str, Any], pdf: bytes, files: list[PackedFile]) -> None:
    """The ZIP: auskunft.json, auskunft.pdf and the files. A file that is gone from the storage
    is listed in fehlende-dateien.txt instead of failing the package."""
    missing = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("auskunft.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr("auskunft.pdf", pdf)
        seen = set()
        for name, opener in files:
            if name in seen:
                continue
            seen.add(name)
            try:
                content = opener()
            except (FileNotFoundError, OSError):
                missing.append(name)
                continue
            if isinstance(content, bytes):
                archive.writestr(name, content)
                continue
            with content, archive.open(name, "w") as member:
                while chunk := content.read(1024 * 1024):
                    member.write(chunk)
        if missing:
            archive.writestr("fehlende-dateien.txt", "\n".join(missing) + "\n")


def render_pdf(data: dict[str, Any]) -> bytes:
    """The package as a readable German PDF (call it with German active)."""
    from ulm_privacy.rights.pdf import Document

    title = _("Information under Art. 15 GDPR")
    doc = Document(title, _("City of Ulm, citizens' service"), _("Page %(page)s"))
    doc.heading(title, 0)
    doc.paragraph(_("Made on %(date)s") % {"date": _local(data["made_at"])}, 10)
    for note in data["notes"]:
        doc.paragraph(note)
    empty = not (data["citizens"] or data["tickets"] or any(data["channels"].values()))
    if empty:
        doc.heading(_("Result"))
        doc.paragraph(_("We hold no personal data about the person searched for."), 10)
    if data["citizens"]:
        doc.heading(_("Stored contact details"))
        for citizen in data["citizens"]:
            for key, label in CITIZEN_LABELS.items():
                value = citizen.get(key)
                if isinstance(value, bool):
                    value = _("yes") if value else _("no")
                doc.field(str(label), value)
            doc.field(_("Recorded on"), _local(citizen["created_at"]))
            doc.paragraph("")
    if data["tickets"]:
        doc.heading(_("Your requests (%(count)s)") % {"count": len(data["tickets"])})
        for ticket in data["tickets"]:
            _ticket_section(doc, ticket)
    channel = data["channels"]
    if channel["received_mails"]:
        doc.heading(_("Mails received from you"))
        for mail in channel["received_mails"]:
            doc.field(_("Received"), _local(mail["received_at"]))
            doc.field(_("Sender"), mail["sender"])
            doc.field(_("Subject"), mail["subject"])
            doc.field(_("File"), mail["file"])
            doc.paragraph("")
    if channel["sent_mails"]:
        doc.heading(_("Mails sent to you"))
        for mail in channel["sent_mails"]:
            doc.field(_("Sent"), _local(mail["sent_at"] or mail["recorded_at"]))
            doc.field(_("To"), ", ".join(mail["recipients"]))
            doc.field(_("Subject"), mail["subject"])
            doc.paragraph(mail["body"])
    if channel["calls"]:
        doc.heading(_("Calls"))
        for call in channel["calls"]:
            doc.paragraph(
                _("%(start)s, %(direction)s, from %(caller)s, %(state)s")
                % {
                    "start": _local(call["started_at"]),
                    "direction": call["direction"],
                    "caller": call["caller"] or "–",
                    "state": _("answered") if call["answered_at"] else _("not answered"),
                }
            )
    if channel["held_submissions"]:
        doc.heading(_("Web submissions kept for review"))
        for held in channel["held_submissions"]:
            doc.field(_("Received"), _local(held["received_at"]))
            doc.field(_("Reason"), held["reason"])
            doc.field(_("State"), held["state"])
            doc.field(_("Subject"), held["subject"])
            doc.paragraph(held["message"])
    if channel["web_submissions"]:
        doc.heading(_("Use of the web forms"))
        for row in channel["web_submissions"]:
            doc.paragraph(
                _("%(at)s from IP address %(ip)s")
                % {"at": _local(row["at"]), "ip": row["ip_address"] or "–"}
            )
    if channel["satisfaction_ratings"]:
        doc.heading(_("Your ratings"))
        for rating in channel["satisfaction_ratings"]:
            doc.field(_("Rating"), rating["rating"])
            doc.field(_("Comment"), rating["comment"])
    if channel["undeliverable_addresses"]:
        doc.heading(_("Addresses mail could not be delivered to"))
        for row in channel["undeliverable_addresses"]:
            doc.field(row["address"], row["reason"])
    if data["callbacks"]:
        doc.heading(_("Callbacks"))
        for callback in data["callbacks"]:
            doc.field(_("Caller"), callback["caller_name"])
            doc.field(_("Phone number"), callback["phone"])
            doc.field(_("Subject"), callback["subject"])
            doc.field(_("Office"), callback["department"])
            doc.field(_("State"), callback["state"])
            doc.field(_("Note"), callback["note"])
            doc.paragraph("")
    if data["handoffs"]:
        doc.heading(_("Forwardings to departments"))
        for handoff in data["handoffs"]:
            doc.field(_("Department"), handoff["department"])
            doc.field(_("Forwarded"), _local(handoff["forwarded_at"]))
            doc.field(_("State"), handoff["state"])
            doc.field(_("Summary"), handoff["summary"])
            doc.field(_("Question"), handoff["question"])
            doc.field(_("Answer"), handoff["answer"])
            doc.paragraph("")
    if data["audit_events"]:
        doc.heading(_("Who accessed the data"))
        for event in data["audit_events"]:
            doc.paragraph(
                f"{_local(event['at'])}  {ACTIONS.get(event['action'], event['action'])}  "
                f"{event['object']}"
            )
    return doc.output()


def _ticket_section(doc: Any, ticket: dict[str, Any]) -> None:
    doc.heading(f"{ticket['reference']}: {ticket['title']}", 2)
    case = ticket["case"]
    doc.field(_("Received"), _local(ticket["created_at"]))
    doc.field(_("Request type"), case.get("request_type"))
    doc.field(_("Channel"), case.get("channel"))
    doc.field(_("Office"), ticket["office"])
    doc.field(_("State"), ticket["status"])
    doc.field(_("E-mail address"), ticket["submitter_email"])
    for label, value in case.get("values_shown", []):
        doc.field(label, value)
    for label, value in ticket["custom_fields"].items():
        doc.field(label, value)
    doc.paragraph(ticket["description"])
    for followup in ticket["follow_ups"]:
        kind = _("internal note") if followup["internal"] else _("visible to you")
        doc.field(_local(followup["at"]), f"{followup['title']} ({kind})")
        doc.paragraph(followup["text"])
        for attachment in followup["attachments"]:
            doc.field(_("Attachment"), f"{attachment['name']} ({attachment['file']})")
    doc.field(_("Resolution"), ticket["resolution"])
    if ticket["knowledge_answers"]:
        doc.field(_("Information given"), "; ".join(ticket["knowledge_answers"]))


def _local(iso: str | None) -> str:
    if not iso:
        return ""
    from datetime import datetime

    return timezone.localtime(datetime.fromisoformat(iso)).strftime("%d.%m.%Y %H:%M")


def _labels() -> dict[str, Any]:
    from django.utils.translation import gettext_lazy

    return {
        "name": gettext_lazy("Name"),
        "email": gettext_lazy("E-mail address"),
        "phone": gettext_lazy("Phone number"),
        "street": gettext_lazy("Street"),
        "house_number": gettext_lazy("House number"),
        "postcode": gettext_lazy("Postcode"),
        "city": gettext_lazy("City"),
        "preferred_channel": gettext_lazy("Preferred channel"),
        "consent_contact": gettext_lazy("Agrees to be contacted"),
        "consent_store_contact": gettext_lazy("Agrees that the contact details are kept"),
    }


CITIZEN_LABELS = _labels()


def _actions() -> dict[str, Any]:
    from django.utils.translation import gettext_lazy

    return {
        "view": gettext_lazy("viewed"),
        "search": gettext_lazy("searched"),
        "export": gettext_lazy("exported"),
        "change": gettext_lazy("changed"),
        "delete": gettext_lazy("deleted"),
        "correct": gettext_lazy("corrected"),
        "art15": gettext_lazy("information (Art. 15)"),
        "art17": gettext_lazy("erasure (Art. 17)"),
    }


ACTIONS = _actions()


# --- Download -------------------------------------------------------------------------------------
def open_package(access: AccessRequest, by: Any, path: str = "") -> Any:
    """The ZIP of a ready package, opened for reading; the download is written in the audit
    log. FileNotFoundError when the file is gone."""
    handle = access.file.open("rb")
    subject = access.citizen_id or ""
    record(
        by,
        "art15",
        "ulm_servicepoint.citizen",
        subject,
        path,
        step="downloaded",
        request=str(access.uuid),
    )
    return handle


def download_name(access: AccessRequest) -> str:
    return f"auskunft-art15-{timezone.localtime(access.created_at):%Y-%m-%d}-{access.pk}.zip"
