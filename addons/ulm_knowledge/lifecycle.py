"""The lifecycle of an item: draft → in review → published → retired, with four eyes (the
reviewer is neither the submitter nor the author, and belongs to the owner department), and
the reminders of items whose review is due."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from helpdesk.models import KBItem

from ulm_knowledge import conf
from ulm_knowledge.items import answer_text, sync_kbitem
from ulm_knowledge.models import Answer, ItemVersion, SearchEntry, Service, Status
from ulm_knowledge.search.index import index_item
from ulm_knowledge.service_pages import assign_slug
from ulm_knowledge.versions import (
    ANSWER_FIELDS,
    SERVICE_FIELDS,
    content_of,
    hash_content,
    save_version,
)


class LifecycleError(Exception):
    """A step of the lifecycle that is not allowed; the message (translated) says why."""


def _last_author(item: Service | Answer) -> int | None:
    latest = ItemVersion.objects.filter(kbitem_id=item.kbitem_id).order_by("-number").first()
    return latest.author_id if latest else None


@transaction.atomic
def edit_item(
    item: Service | Answer, changes: dict[str, Any], author: User | None, note: str = ""
) -> bool:
    """Changes an item's content. A change makes a new version and sends the item back to
    draft: it is published again only after a second person's approval. Returns whether
    anything changed."""
    names = SERVICE_FIELDS if isinstance(item, Service) else ANSWER_FIELDS
    unknown = set(changes) - set(names)
    if unknown:
        raise LifecycleError(
            gettext("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    for name, value in changes.items():
        setattr(item, name, value)
    digest = hash_content(content_of(item))
    if digest == item.content_hash:
        return False
    item.content_hash = digest
    item.version += 1
    item.status = Status.DRAFT
    item.save()
    save_version(item, author, note or "Bearbeitet")
    index_item(item)
    return True


@transaction.atomic
def create_item(item: Service | Answer, author: User | None, note: str = "") -> None:
    """Stores a new item typed in by an editor: a draft, version 1, on its own KBItem."""
    item.status = Status.DRAFT
    item.version = 1
    item.content_hash = hash_content(content_of(item))
    title = item.name if isinstance(item, Service) else item.question
    if isinstance(item, Service):
        assign_slug(item)
    item.kbitem = sync_kbitem(None, title, title, answer_text(item), enabled=False)
    item.save()
    save_version(item, author, note or "Angelegt")


@transaction.atomic
def submit_for_review(item: Service | Answer, user: User) -> None:
    if item.status != Status.DRAFT:
        raise LifecycleError(gettext("Only drafts can be submitted for review."))
    item.status = Status.IN_REVIEW
    item.submitted_by = user
    item.save(update_fields=["status", "submitted_by", "updated_at"])


def may_approve(user: User, item: Service | Answer) -> bool:
    """An item owned by a department is approved by that department (its own group, not the
    service center's access to every queue); an item without owner by any staff member."""
    from ulm_servicepoint.services import is_department_member

    if item.department_id is None:
        return bool(user.is_staff and user.is_active)
    return is_department_member(user, item.department)


@transaction.atomic
def approve(item: Service | Answer, reviewer: User) -> None:
    """Publishes an item in review. Four eyes: the reviewer is neither who submitted it nor
    who wrote its current version, and belongs to the item's owner department."""
    if item.status != Status.IN_REVIEW:
        raise LifecycleError(gettext("Only items in review can be approved."))
    if reviewer.pk in (item.submitted_by_id, _last_author(item)):
        raise LifecycleError(
            gettext("Four eyes: someone other than the author or the submitter must approve.")
        )
    if not may_approve(reviewer, item):
        raise LifecycleError(
            gettext("Only the responsible department (%(department)s) may approve.")
            % {"department": item.department}
        )
    item.status = Status.PUBLISHED
    item.save(update_fields=["status", "updated_at"])
    KBItem.objects.filter(pk=item.kbitem_id).update(enabled=True)
    index_item(item)


@transaction.atomic
def reject(item: Service | Answer, reviewer: User, note: str = "") -> None:
    if item.status != Status.IN_REVIEW:
        raise LifecycleError(gettext("Only items in review can be sent back."))
    item.status = Status.DRAFT
    item.save(update_fields=["status", "updated_at"])


@transaction.atomic
def retire_item(item: Service | Answer) -> None:
    """Takes an item out of use: no longer searchable or shown; kept for the tickets it answered."""
    item.status = Status.RETIRED
    item.save(update_fields=["status", "updated_at"])
    KBItem.objects.filter(pk=item.kbitem_id).update(enabled=False)
    SearchEntry.objects.filter(kbitem_id=item.kbitem_id).delete()


def due_for_review(today: date | None = None) -> list[Service | Answer]:
    """Published items whose review date has come and whose owner was not reminded today."""
    today = today or timezone.localdate()
    found: list[Service | Answer] = []
    for model in (Service, Answer):
        found.extend(
            model.objects.filter(status=Status.PUBLISHED, review_due__lte=today)
            .exclude(review_reminded_on=today)
            .select_related("department")
        )
    return found


def send_review_reminders(today: date | None = None) -> int:
    """Mails each owner department the items whose review is due; returns how many items."""
    from django.conf import settings
    from django.core.mail import EmailMessage

    today = today or timezone.localdate()
    items = due_for_review(today)
    by_address: dict[str, list[Service | Answer]] = {}
    for item in items:
        address = item.department.email_address if item.department else None
        address = address or conf.get("ULM_KNOWLEDGE_EDITOR_EMAIL")
        if address:
            by_address.setdefault(address, []).append(item)
    for address, due in by_address.items():
        lines = [f"- {item} (fällig seit {item.review_due:%d.%m.%Y})" for item in due]
        EmailMessage(  # through the project's outbox; the header names the kind of mail
            f"Wissensdatenbank: {len(due)} Einträge zur Überprüfung fällig",
            "Guten Tag,\n\nbitte prüfen Sie diese Einträge der Wissensdatenbank:\n\n"
            + "\n".join(lines)
            + "\n",
            settings.DEFAULT_FROM_EMAIL,
            [address],
            headers={"X-Ulm-Kind": "reminder", "Auto-Submitted": "auto-generated"},
        ).send()
        for item in due:
            type(item).objects.filter(pk=item.pk).update(review_reminded_on=today)
    return sum(len(due) for due in by_address.values())
