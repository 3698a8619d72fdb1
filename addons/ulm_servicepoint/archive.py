"""Hand-over to the city archive before erasure (Landesarchivgesetz Baden-Württemberg).

Public bodies offer their records to the competent archive before they destroy them; the
archive appraises them and takes over what is of lasting value. For a due request of an
archive-worthy type (or a case marked archive-worthy by hand) the retention run writes one
**package directory** per case into ``ULM_SERVICEPOINT_ARCHIVE_DIR``::

    SC-2026-000123/
        akte.pdf          the case as PDF/A-2B (fpdf2, DejaVu fonts embedded, sRGB intent, XMP)
        metadaten.json    reference, type, department, channel, dates, citizen, values, history
        anlagen/          the attachments as they were uploaded (1-ausweis.pdf, …)

It is written under a hidden temporary name and renamed when complete, so the archive never
sees half a package. The offer (``ArchiveOffer``) is then "offered" and the case's data stay.

**The archive's answer.** The archive's staff (who can reach that directory: a share or an
SFTP drop) leave a receipt file ``quittung.json`` in the package directory::

    {"entscheidung": "übernommen", "bemerkung": "Bestand B 12"}      (or "abgelehnt")

(``"decision": "accepted"/"declined"`` and ``"note"`` are read too). The next retention run
(or ``manage.py apply_retention``) reads it; staff can also record an answer given by letter
or phone in the admin (Archivangebote → action). Accepted or declined, the case is anonymised
in the same run; the package stays where it is, it is the archive's. Without an answer within
``ULM_SERVICEPOINT_ARCHIVE_WAIT_DAYS`` the offer expires and the data go.

**A failed export** (directory missing or not writable, disk full) keeps the data: the offer
is "failed" with the error, logged as an error, counted on ``/healthz`` (``"archive"``) and
listed in the admin; the next run tries again.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket

from ulm_servicepoint import conf
from ulm_servicepoint.models import CaseRecord
from ulm_servicepoint.models.retention import ArchiveOffer
from ulm_servicepoint.reference import reference_of

logger = logging.getLogger(__name__)

# an offer that lets the data go: the archive took its copy, declined, or did not answer in time
RELEASED = (ArchiveOffer.State.ACCEPTED, ArchiveOffer.State.DECLINED, ArchiveOffer.State.EXPIRED)
RECEIPT = "quittung.json"
ACCEPTED_WORDS = {"accepted", "übernommen", "uebernommen", "angenommen"}
DECLINED_WORDS = {"declined", "abgelehnt", "nicht archivwürdig"}
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT = "DejaVu Sans"


def archive_dir() -> Path | None:
    value = conf.get("ULM_SERVICEPOINT_ARCHIVE_DIR")
    return Path(value) if value else None


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "datei"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def metadata(ticket: Ticket) -> dict[str, Any]:
    """What the package's ``metadaten.json`` holds (also the PDF's content)."""
    case = (
        CaseRecord.objects.filter(ticket=ticket)
        .select_related("request_type", "citizen", "schema")
        .first()
    )
    labels = {}
    if case and case.schema:
        labels = {spec.get("key"): spec.get("label") for spec in case.schema.fields}
    citizen = case.citizen if case else None
    followups = FollowUp.objects.filter(ticket=ticket).select_related("user").order_by("date")
    attachments = FollowUpAttachment.objects.filter(followup__ticket=ticket).order_by("pk")
    return {
        "format": "ulm-servicepoint-archivpaket/1",
        "reference": reference_of(ticket),
        "title": ticket.title,
        "request_type": case.request_type.name if case and case.request_type else None,
        "request_type_slug": case.request_type.slug if case and case.request_type else None,
        "archive_worthy_by_hand": bool(case and case.archive_worthy),
        "department": ticket.queue.title,
        "status": ticket.get_status_display(),
        "channel": case.get_channel_display() if case else None,
        "created": _iso(ticket.created),
        "closed": _iso(case.closed_at if case and case.closed_at else ticket.modified),
        "description": ticket.description,
        "resolution": ticket.resolution or "",
        "submitter_email": ticket.submitter_email or "",
        "citizen": (
            {
                "name": citizen.name,
                "email": citizen.email,
                "phone": citizen.phone,
                "address": " ".join(
                    part
                    for part in (
                        citizen.street,
                        citizen.house_number,
                        citizen.postcode,
                        citizen.city,
                    )
                    if part
                ),
            }
            if citizen
            else None
        ),
        "values": [
            {"key": key, "label": labels.get(key, key), "value": value}
            for key, value in (case.values if case else {}).items()
        ],
        "history": [
            {
                "date": _iso(followup.date),
                "by": followup.user.get_full_name() or followup.user.get_username()
                if followup.user
                else "",
                "public": followup.public,
                "title": followup.title or "",
                "text": followup.comment or "",
            }
            for followup in followups
        ],
        "attachments": [
            {"file": f"anlagen/{n}-{_safe(a.filename)}", "name": a.filename, "size": a.size}
            for n, a in enumerate(attachments, start=1)
        ],
    }


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if v not in ("", None))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return "" if value is None else str(value)


def render_pdf(data: dict[str, Any]) -> bytes:
    """The case as PDF/A-2B (German: call it with German active). fpdf2 writes the XMP
    metadata with the PDF/A identification and an sRGB output intent and refuses fonts that
    are not embedded; the DejaVu fonts are embedded."""
    from fpdf import FPDF

    folder = Path(getattr(settings, "ULM_SERVICEPOINT_ARCHIVE_FONT_DIR", FONT_DIR))
    pdf = FPDF(orientation="P", unit="mm", format="A4", enforce_compliance="PDF/A-2B")
    pdf.add_font(FONT, "", str(folder / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(folder / "DejaVuSans-Bold.ttf"))
    heading = _("Case %(reference)s") % {"reference": data["reference"]}
    pdf.set_lang("de")
    pdf.set_title(heading)
    pdf.set_author(conf.get("ULM_SERVICEPOINT_CITY_NAME"))
    pdf.set_creator("ulm-servicepoint")
    pdf.set_creation_date(timezone.now())
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 6, data["title"], new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    def row(label: str, value: Any) -> None:
        pdf.set_font(FONT, "B", 10)
        pdf.cell(50, 6, label)
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(0, 6, _text(value) or "–", new_x="LMARGIN", new_y="NEXT")

    def section(title: str) -> None:
        pdf.ln(3)
        pdf.set_font(FONT, "B", 12)
        pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")

    row(_("Request type"), data["request_type"] or _("none"))
    row(_("Department"), data["department"])
    row(_("Status"), data["status"])
    row(_("Channel"), data["channel"])
    row(_("Received"), data["created"])
    row(_("Closed"), data["closed"])
    citizen = data["citizen"] or {}
    section(_("Citizen"))
    row(_("Name"), citizen.get("name"))
    row(_("E-mail address"), citizen.get("email") or data["submitter_email"])
    row(_("Phone number"), citizen.get("phone"))
    row(_("Postal address"), citizen.get("address"))
    if data["values"]:
        section(_("Details of the request"))
        for value in data["values"]:
            row(value["label"], value["value"])
    section(_("Description"))
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5, data["description"] or "–", new_x="LMARGIN", new_y="NEXT")
    if data["resolution"]:
        section(_("Resolution"))
        pdf.set_font(FONT, "", 10)
        pdf.multi_cell(0, 5, data["resolution"], new_x="LMARGIN", new_y="NEXT")
    section(_("History"))
    for entry in data["history"]:
        pdf.set_font(FONT, "B", 9)
        visibility = _("public") if entry["public"] else _("internal")
        pdf.multi_cell(
            0,
            5,
            f"{entry['date']} · {entry['by'] or '–'} · {visibility} · {entry['title']}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(0, 5, entry["text"] or "–", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    if data["attachments"]:
        section(_("Attachments"))
        pdf.set_font(FONT, "", 10)
        for item in data["attachments"]:
            pdf.multi_cell(
                0, 5, f"{item['file']} ({item['size']} Bytes)", new_x="LMARGIN", new_y="NEXT"
            )
    return bytes(pdf.output())


def write_package(ticket: Ticket, target: Path) -> Path:
    """Writes the case's package below ``target`` and returns its directory. Complete or not
    at all: built in a hidden temporary directory and renamed at the end."""
    with translation.override(settings.LANGUAGE_CODE):
        data = metadata(ticket)
        pdf = render_pdf(data)
    final = target / _safe(data["reference"])
    work = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=target))
    try:
        (work / "akte.pdf").write_bytes(pdf)
        (work / "metadaten.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        attachments = FollowUpAttachment.objects.filter(followup__ticket=ticket).order_by("pk")
        if data["attachments"]:
            (work / "anlagen").mkdir()
        for item, attachment in zip(data["attachments"], attachments, strict=True):
            with attachment.file.open("rb") as source, open(work / item["file"], "wb") as out:
                shutil.copyfileobj(source, out)
        # the archive's group reads the package (mkdtemp made it private to us)
        os.chmod(work, 0o750)  # noqa: S103  # nosec B103
        if final.exists():  # an earlier, failed or repeated offer: replaced by this one
            shutil.rmtree(final)
        os.rename(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


def offer_to_archive(ticket: Ticket) -> ArchiveOffer:
    """Writes the package of ``ticket`` and records the offer ("offered"); a failure keeps
    the data and records "failed" with the error (an alert: /healthz, admin, log). Also for an
    erasure on request of an archive-worthy case before its period ran out."""
    offer, _created = ArchiveOffer.objects.get_or_create(
        ticket=ticket,
        defaults={"reference": reference_of(ticket), "state": ArchiveOffer.State.FAILED},
    )
    if offer.state in (ArchiveOffer.State.OFFERED, *RELEASED):
        return offer
    offer.attempts += 1
    target = archive_dir()
    try:
        if target is None:
            raise OSError(_("No archive directory is configured (ULM_SERVICEPOINT_ARCHIVE_DIR)."))
        package = write_package(ticket, target)
    except Exception as exc:
        logger.error("archive export of ticket %s failed: %s", ticket.pk, exc, exc_info=True)
        offer.state = ArchiveOffer.State.FAILED
        offer.error = str(exc)[:2000]
        offer.save()
        return offer
    offer.state = ArchiveOffer.State.OFFERED
    offer.package = str(package)
    offer.offered_at = timezone.now()
    offer.error = ""
    offer.save()
    return offer


def decide_archive_offer(offer: ArchiveOffer, accepted: bool, note: str = "") -> ArchiveOffer:
    """Records the archive's answer to an open offer (the admin's action, a receipt)."""
    if offer.state != ArchiveOffer.State.OFFERED:
        return offer
    offer.state = ArchiveOffer.State.ACCEPTED if accepted else ArchiveOffer.State.DECLINED
    offer.decided_at = timezone.now()
    offer.note = note[:2000]
    offer.save()
    return offer


def read_archive_receipts() -> dict[str, int]:
    """Reads the receipt files the archive left in the packages of open offers. A receipt
    that cannot be read or names no decision is logged and left (the offer stays open)."""
    counts = {"accepted": 0, "declined": 0}
    for offer in ArchiveOffer.objects.filter(state=ArchiveOffer.State.OFFERED).exclude(package=""):
        receipt = Path(offer.package) / RECEIPT
        if not receipt.is_file():
            continue
        try:
            content = json.loads(receipt.read_text(encoding="utf-8")[:100_000])
            decision = str(content.get("entscheidung") or content.get("decision") or "")
            note = str(content.get("bemerkung") or content.get("note") or "")
        except (OSError, ValueError, AttributeError) as exc:
            logger.warning("receipt %s cannot be read: %s", receipt, exc)
            continue
        decision = decision.strip().lower()
        if decision in ACCEPTED_WORDS:
            decide_archive_offer(offer, True, note)
            counts["accepted"] += 1
        elif decision in DECLINED_WORDS:
            decide_archive_offer(offer, False, note)
            counts["declined"] += 1
        else:
            logger.warning("receipt %s names no decision: %r", receipt, decision)
    return counts


def expire_offers(now: datetime | None = None) -> int:
    """Offers without an answer for ``ULM_SERVICEPOINT_ARCHIVE_WAIT_DAYS`` expire."""
    now = now or timezone.now()
    waited = now - timedelta(days=int(conf.get("ULM_SERVICEPOINT_ARCHIVE_WAIT_DAYS")))
    return ArchiveOffer.objects.filter(
        state=ArchiveOffer.State.OFFERED, offered_at__lt=waited
    ).update(state=ArchiveOffer.State.EXPIRED, decided_at=now, updated_at=now)


def archive_status() -> dict[str, object]:
    """What /healthz reports about the hand-over: failed exports are an alert."""
    failed = ArchiveOffer.objects.filter(state=ArchiveOffer.State.FAILED).count()
    waiting = ArchiveOffer.objects.filter(state=ArchiveOffer.State.OFFERED).count()
    return {"failed": failed, "waiting": waiting, "ok": failed == 0}
