"""Verbs of ulm_knowledge: import and version services, retire items, keep the search index,
search, record which version of an answer was given. Commands, views and jobs call these."""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Count, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext
from helpdesk.models import KBCategory, KBItem, Queue, Ticket

from ulm_knowledge import conf
from ulm_knowledge.importers import (
    ImportFileError,
    Malformed,
    ServiceData,
    read_dldb,
    read_dldb_locations,
)
from ulm_knowledge.models import (
    Answer,
    AnswerUse,
    Feedback,
    ItemVersion,
    LexiconWord,
    RequestTypeEntry,
    SearchEntry,
    Service,
    Status,
    SuggestionFeedback,
    Synonym,
)
from ulm_knowledge.service_pages import assign_slug, safe_url
from ulm_knowledge.text import (
    BOILERPLATE,
    FILLER,
    Decompounder,
    apply_synonyms,
    light_stem,
    normalise,
    particle_verbs,
    query_words,
    synonym_matches,
    tokens,
)

__all__ = ["ImportFileError"]

SERVICE_FIELDS = [f for f in ServiceData.__dataclass_fields__ if f != "external_id"]
ANSWER_FIELDS = ["question", "answer", "phone_text"]


# --- The host's KBItem underneath ---------------------------------------------------------------
def kb_category() -> KBCategory:
    slug = conf.get("ULM_KNOWLEDGE_KB_CATEGORY")
    category, _ = KBCategory.objects.get_or_create(
        slug=slug,
        defaults={
            "name": "Dienstleistungen",
            "title": "Dienstleistungen und Antworten",
            "description": "Leistungsbeschreibungen und Antworten der Wissensdatenbank.",
            "public": False,
        },
    )
    return category


def _sync_kbitem(kbitem: KBItem | None, title: str, question: str, answer: str, enabled: bool):
    kbitem = kbitem or KBItem(category=kb_category())
    kbitem.title = title if len(title) <= 100 else title[:99] + "…"
    kbitem.question = question or title
    kbitem.answer = answer or title
    kbitem.enabled = enabled
    kbitem.last_updated = timezone.now()
    kbitem.save()
    return kbitem


def guard_kbitem_delete(kbitem: KBItem) -> None:
    """The host deletes a KB item's tickets with it (on_delete=CASCADE): refuse while any ticket
    points to it. Our own items are retired instead (``retire_item``)."""
    tickets = list(Ticket.objects.filter(kbitem=kbitem).values_list("pk", flat=True)[:5])
    if tickets:
        raise ProtectedError(
            f"KB item {kbitem.pk} is linked to tickets {tickets}: retire it instead of deleting.",
            set(Ticket.objects.filter(pk__in=tickets)),
        )


def compose_answer(service: Service) -> str:
    """The answer an agent gives from the structured fields: what it is, what to bring, what it
    costs, where and when."""
    parts = [service.name, service.short_text]
    for label, value in (
        ("Voraussetzungen", service.requirements),
        ("Mitzubringen", service.documents),
        ("Kosten", service.fees),
        ("Bearbeitungsdauer", service.processing_time),
        ("Fristen", service.deadlines),
    ):
        if value:
            parts.append(f"{label}:\n{value}")
    places = [p for p in service.contact_points if p.get("name")]
    if places:
        lines = []
        for p in places[:3]:
            address = (p.get("street"), p.get("postal_code"), p.get("city"))
            where = ", ".join(x for x in address if x)
            when = p.get("opening_hours") or ""
            lines.append("- " + " – ".join(x for x in (p["name"], where, when) if x))
        parts.append("Wo:\n" + "\n".join(lines))
    # only links a citizen may follow (a catalogue may carry javascript: or relative ones)
    booking = next(
        (u for p in service.contact_points if (u := safe_url(p.get("appointment_url")))), ""
    )
    if booking:
        parts.append("Termin vereinbaren: " + booking)
    online = [
        u for f in service.forms if f.get("kind") == "online" and (u := safe_url(f.get("url")))
    ]
    if online:
        parts.append("Online: " + online[0])
    return "\n\n".join(p for p in parts if p)


# --- Versions -----------------------------------------------------------------------------------
def _content(item: Service | Answer) -> dict[str, Any]:
    names = SERVICE_FIELDS if isinstance(item, Service) else ANSWER_FIELDS
    return {name: getattr(item, name) for name in names}


def _hash(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _save_version(item: Service | Answer, author: User | None, note: str) -> None:
    ItemVersion.objects.create(
        kbitem=item.kbitem,
        number=item.version,
        data=_content(item),
        note=note[:300],
        author=author,
    )


def version_of(kbitem: KBItem, number: int) -> ItemVersion:
    return ItemVersion.objects.get(kbitem=kbitem, number=number)


# --- Imports ------------------------------------------------------------------------------------
@dataclass
class ImportSummary:
    """What an import did."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    linked: int = 0  # new links between services and request types (by LeiKa key)
    malformed: list[Malformed] = field(default_factory=list)
    seconds: float = 0.0


def _upsert_service(data: ServiceData, department: Queue | None, status: str) -> str:
    """Creates or updates one service; a change makes a new version. Returns what happened."""
    content = {name: getattr(data, name) for name in SERVICE_FIELDS}
    digest = _hash(content)
    service = Service.objects.select_related("kbitem").filter(external_id=data.external_id).first()
    if service is not None and service.content_hash == digest:
        return "unchanged"
    created = service is None
    if service is None:
        service = Service(external_id=data.external_id, status=status, department=department)
    else:
        service.version += 1
    for name, value in content.items():
        setattr(service, name, value)
    service.content_hash = digest
    assign_slug(service)
    service.kbitem = _sync_kbitem(
        None if created else service.kbitem,
        service.name,
        service.short_text,
        compose_answer(service),
        enabled=service.status == Status.PUBLISHED,
    )
    service.save()
    _save_version(service, None, "Import" if created else "Import: geändert")
    return "created" if created else "updated"


def import_services(
    path: str | Path,
    fmt: str = "dldb",
    *,
    locations: str | Path | None = None,
    department: Queue | None = None,
    status: str = Status.PUBLISHED,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Imports a service file. Idempotent: an unchanged item is left alone, a changed one is
    updated with a new version, nothing is duplicated. Malformed items are named and skipped;
    each item is stored whole or not at all."""
    started = time.monotonic()
    deleted: list[str] = []
    if fmt == "dldb":
        points = read_dldb_locations(Path(locations)) if locations else None
        total, items = read_dldb(Path(path), points)
    elif fmt == "xzufi":
        from ulm_knowledge.xzufi import read_xzufi

        total, items, deleted = read_xzufi(Path(path))
    else:
        raise ImportFileError(f"unbekanntes Format {fmt!r}")
    summary = ImportSummary(total=total)
    for done, item in enumerate(items, 1):
        if isinstance(item, Malformed):
            summary.malformed.append(item)
        else:
            try:
                with transaction.atomic():
                    outcome = _upsert_service(item, department, status)
            except Exception as exc:  # a database refusal: name the item, keep going
                summary.malformed.append(Malformed(item.external_id, str(exc).strip()))
            else:
                setattr(summary, outcome, getattr(summary, outcome) + 1)
        if progress:
            progress(done, total)
    for gone in Service.objects.filter(external_id__in=deleted).exclude(status=Status.RETIRED):
        retire_item(gone)  # "loesche": retired, never deleted (tickets may point to it)
        summary.retired += 1
    if summary.created or summary.updated or summary.retired:
        reindex()
    summary.linked = link_request_types()
    summary.seconds = time.monotonic() - started
    return summary


# --- Lifecycle: draft → in review → published → retired, four eyes -----------------------------
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
    digest = _hash(_content(item))
    if digest == item.content_hash:
        return False
    item.content_hash = digest
    item.version += 1
    item.status = Status.DRAFT
    item.save()
    _save_version(item, author, note or "Bearbeitet")
    index_item(item)
    return True


@transaction.atomic
def create_item(item: Service | Answer, author: User | None, note: str = "") -> None:
    """Stores a new item typed in by an editor: a draft, version 1, on its own KBItem."""
    item.status = Status.DRAFT
    item.version = 1
    item.content_hash = _hash(_content(item))
    title = item.name if isinstance(item, Service) else item.question
    if isinstance(item, Service):
        assign_slug(item)
    item.kbitem = _sync_kbitem(None, title, title, answer_text(item), enabled=False)
    item.save()
    _save_version(item, author, note or "Angelegt")


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


FIELD_LABELS = {
    "name": "Bezeichnung",
    "leika_keys": "LeiKa-Schlüssel",
    "keywords": "Schlagwörter",
    "short_text": "Kurztext",
    "full_text": "Volltext",
    "requirements": "Voraussetzungen",
    "documents": "Erforderliche Unterlagen",
    "fees": "Kosten",
    "deadlines": "Fristen",
    "processing_time": "Bearbeitungsdauer",
    "procedure": "Verfahrensablauf",
    "forms": "Formulare und Onlinedienste",
    "legal_basis": "Rechtsgrundlagen",
    "hints": "Hinweise",
    "responsible_office": "Zuständige Stelle",
    "contact_points": "Ansprechpunkte",
    "question": "Frage",
    "answer": "Antwort",
    "phone_text": "Kurzfassung fürs Telefon",
}


def version_diff(kbitem: KBItem, old: int, new: int) -> list[tuple[str, list[str]]]:
    """What changed between two versions, field by field, as readable line diffs
    (``-`` removed, ``+`` added)."""
    import difflib

    def as_text(value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=1)

    before, after = version_of(kbitem, old).data, version_of(kbitem, new).data
    changes = []
    for name in after:
        a, b = before.get(name), after.get(name)
        if a == b:
            continue
        lines = [
            line
            for line in difflib.ndiff(as_text(a or "").splitlines(), as_text(b or "").splitlines())
            if line[:1] in "+-"
        ]
        changes.append((FIELD_LABELS.get(name, name), lines))
    return changes


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


# --- Search index -------------------------------------------------------------------------------
_cache: dict[str, tuple[float, Any]] = {}


def _cached(key: str, load: Callable[[], Any]) -> Any:
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is None or now - hit[0] > conf.get("ULM_KNOWLEDGE_CACHE_SECONDS"):
        hit = (now, load())
        _cache[key] = hit
    return hit[1]


def forget_cached() -> None:
    _cache.clear()


def _vocabulary() -> tuple[frozenset[str], Decompounder]:
    """The catalogue's words, and the decompounder over the words of names and keywords."""
    words, names, _ = _decompounders()
    return words, names


def _decompounders() -> tuple[frozenset[str], Decompounder, Decompounder]:
    """Also the decompounder for titles, which may split into longer words of the descriptions
    too (many services have no keywords: Entwässerungsplanvorbesprechung → vorbesprechung);
    keywords, often long lists, keep to names and keywords, or every entry would grow."""

    def load():
        words = frozenset(LexiconWord.objects.values_list("word", flat=True))
        parts = list(
            LexiconWord.objects.filter(in_names=True, word__regex=r"^.{4,}$").values_list(
                "word", flat=True
            )
        )
        # one-word synonym terms are parts too: Krippenplatz → krippe → Kinderbetreuung
        parts += [t[0] for t in _synonyms() if len(t) == 1 and len(t[0]) >= 4]
        text = LexiconWord.objects.filter(
            in_names=False, word__regex=rf"^.{{{TEXT_PARTS_FROM},}}$"
        ).values_list("word", flat=True)
        titles = Decompounder([*parts, *text]) if TEXT_PARTS_FROM else Decompounder(parts)
        return words, Decompounder(parts), titles

    return _cached("vocabulary", load)


@transaction.atomic
def load_default_synonyms(replace: bool = False) -> int:
    """The shipped list (data/synonyms_de.txt): added where missing, or (``replace``) instead
    of the current list."""
    from ulm_knowledge.synonyms import default_synonyms

    if replace:
        Synonym.objects.all().delete()
    for term, expansion in default_synonyms():
        Synonym.objects.get_or_create(term=term, defaults={"expansion": expansion})
    forget_cached()
    return Synonym.objects.count()


def _synonyms() -> dict[tuple[str, ...], list[str]]:
    def load():
        table: dict[tuple[str, ...], list[str]] = {}
        for term, expansion in Synonym.objects.filter(active=True).values_list("term", "expansion"):
            table.setdefault(tuple(tokens(term)), []).extend(tokens(expansion))
        return table

    return _cached("synonyms", load)


def _published() -> list[tuple[KBItem, str, Service | Answer]]:
    rows: list[tuple[KBItem, str, Service | Answer]] = []
    for service in Service.objects.filter(status=Status.PUBLISHED).select_related("kbitem"):
        rows.append((service.kbitem, "service", service))
    for answer in Answer.objects.filter(status=Status.PUBLISHED).select_related("kbitem"):
        rows.append((answer.kbitem, "answer", answer))
    return rows


def _fields(item: Service | Answer) -> tuple[str, str, str, str]:
    """The four weighted parts of an item's search document: A title, B keywords,
    C short text, D the rest."""
    if isinstance(item, Service):
        rest = "\n".join((item.full_text, item.requirements, item.hints))
        return item.name, item.keywords, item.short_text, rest
    return item.question, "", item.phone_text, item.answer


@transaction.atomic
def rebuild_lexicon() -> int:
    """The catalogue's own vocabulary, from every published item: the words compounds are split
    into and typos corrected to, with how many items use each."""
    from ulm_servicepoint.services import request_type_words, request_types_for_agents

    ndoc: dict[str, int] = {}
    in_names: set[str] = set()
    documents = [_fields(item) for _, _, item in _published()]
    # the request types' words are the catalogue's too (found by the same search)
    documents += [
        (w.name, w.keys, w.description, w.fields)
        for w in request_type_words(request_types_for_agents())
    ]
    for title, keywords, short, rest in documents:
        head = set(tokens(title + " " + keywords))
        in_names |= head
        for word in head | set(tokens(short + " " + rest)):
            ndoc[word] = ndoc.get(word, 0) + 1
    words = [w for w in ndoc if 3 <= len(w) <= 100 and not w.isdigit()]
    with connection.cursor() as cur:
        cur.execute("DELETE FROM ulm_knowledge_lexiconword")
        cur.execute(
            "INSERT INTO ulm_knowledge_lexiconword (word, ndoc, in_names, created_at, updated_at)"
            " SELECT w, n, f, now(), now() FROM unnest(%s::text[], %s::int[], %s::bool[])"
            " AS t(w, n, f)",
            [words, [ndoc[w] for w in words], [w in in_names for w in words]],
        )
    forget_cached()
    return len(words)


def _compound_parts(text: str, decompounder: Decompounder) -> list[str]:
    found: list[str] = []
    for word in tokens(text):
        found.extend(decompounder.parts(word))
    return found


INDEX_COLUMNS = ["id", "kind", "ext", "title", "a", "b", "c", "d", "norm", "vf", "vu"]


def _write_entries(rows: list[tuple[KBItem, str, Service | Answer]], replace_all: bool) -> int:
    _, decompounder, title_decompounder = _decompounders()
    columns: dict[str, list[Any]] = {k: [] for k in INDEX_COLUMNS}
    for kbitem, kind, item in rows:
        title, keywords, short, rest = _fields(item)
        title_parts = _compound_parts(title, title_decompounder)
        keyword_parts = _compound_parts(keywords, decompounder)
        columns["id"].append(kbitem.pk)
        columns["kind"].append(kind)
        columns["ext"].append(item.external_id or "")
        columns["title"].append(title[:500])
        columns["a"].append(title + " " + " ".join(title_parts))
        columns["b"].append(keywords + " " + " ".join(keyword_parts))
        columns["c"].append(short)
        columns["d"].append(rest)
        columns["norm"].append(normalise(title))
        columns["vf"].append(item.valid_from)
        columns["vu"].append(item.valid_until)
    with connection.cursor() as cur:
        if replace_all:
            cur.execute("DELETE FROM ulm_knowledge_searchentry")
        cur.execute(
            """
            INSERT INTO ulm_knowledge_searchentry
                (kbitem_id, kind, external_id, title, document, body, name_norm, valid_from,
                 valid_until, uses, created_at, updated_at)
            SELECT id, kind, ext, title,
                   setweight(to_tsvector('ulm_german', a), 'A')
                   || setweight(to_tsvector('ulm_german', b), 'B')
                   || setweight(to_tsvector('ulm_german', c), 'C'),
                   setweight(to_tsvector('ulm_german', d), 'D'),
                   norm, vf, vu,
                   (SELECT count(*) FROM ulm_knowledge_answeruse u WHERE u.kbitem_id = id),
                   now(), now()
            FROM unnest(%s::int[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
                        %s::text[], %s::text[], %s::text[], %s::date[], %s::date[])
                 AS t(id, kind, ext, title, a, b, c, d, norm, vf, vu)
            ON CONFLICT (kbitem_id) DO UPDATE SET
                kind = EXCLUDED.kind, external_id = EXCLUDED.external_id,
                title = EXCLUDED.title, document = EXCLUDED.document, body = EXCLUDED.body,
                name_norm = EXCLUDED.name_norm, valid_from = EXCLUDED.valid_from,
                valid_until = EXCLUDED.valid_until, updated_at = now()
            """,
            [columns[k] for k in INDEX_COLUMNS],
        )
    return len(columns["id"])


@transaction.atomic
def reindex() -> int:
    """Rebuilds the search entries of every published item, the vocabulary and the term
    statistics. Returns the number of entries. (Nightly, and after imports.)"""
    from ulm_knowledge.request_type_search import index_request_types

    rebuild_lexicon()
    count = _write_entries(_published(), replace_all=True)
    index_request_types()
    refresh_term_stats()
    return count


@transaction.atomic
def index_item(item: Service | Answer) -> None:
    """Brings one item's search entry up to date at once: published items are searchable,
    all others not. The vocabulary and term statistics follow in the nightly reindex."""
    if item.status != Status.PUBLISHED:
        SearchEntry.objects.filter(kbitem_id=item.kbitem_id).delete()
        return
    kind = "service" if isinstance(item, Service) else "answer"
    _write_entries([(item.kbitem, kind, item)], replace_all=False)


def refresh_term_stats() -> None:
    """How many entries hold each stemmed term (ts_stat), for the IDF weights of the search."""
    with connection.cursor() as cur:
        cur.execute("DELETE FROM ulm_knowledge_termstat")
        cur.execute(
            "INSERT INTO ulm_knowledge_termstat (lexeme, ndoc, created_at, updated_at)"
            " SELECT word, ndoc, now(), now()"
            " FROM ts_stat($$SELECT document || coalesce(body, ''::tsvector)"
            " FROM ulm_knowledge_searchentry UNION ALL"
            " SELECT document || coalesce(body, ''::tsvector)"
            " FROM ulm_knowledge_requesttypeentry$$)"
            " WHERE length(word) <= 200"
        )
        # Bulk writes leave GIN entries in the pending list, which every search would then
        # scan: move them into the index, and give the planner fresh statistics.
        for index in GIN_INDEXES:
            cur.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        cur.execute(
            "ANALYZE ulm_knowledge_searchentry, ulm_knowledge_requesttypeentry,"
            " ulm_knowledge_lexiconword, ulm_knowledge_termstat"
        )
    forget_cached()


GIN_INDEXES = ["ulm_kb_lex_trgm", "ulm_kb_entry_document", "ulm_kb_entry_body", "ulm_kb_entry_name"]


# --- Search -------------------------------------------------------------------------------------
@dataclass
class Hit:
    """One search result."""

    id: int
    external_id: str
    title: str
    score: float
    kind: str = "service"

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "external_id": self.external_id,
            "title": self.title,
            "score": round(self.score, 4),
        }


# How much each kind of query term counts: the citizen's own words, what the synonym list adds,
# compound parts, and typo corrections (times their similarity).
OWN, SYNONYM, PART, CORRECTION = 1.0, 0.9, 0.6, 1.0
YEAR = re.compile(r"(19|20)\d\d")
TEXT_PARTS_FROM = 7  # words of the descriptions this long split compounds too (0: names only)
MIN_SIMILARITY = 0.4  # trigram similarity a correction needs
MAX_CORRECTIONS = 8  # unknown words corrected per query
MIN_CORRECTED = 5  # shorter unknown words are left alone (Dach is no typo of danach)
FIELD_WEIGHTS = "{0.05, 0.2, 0.5, 1.0}"  # D, C, B, A
BODY_WEIGHT = 0.05  # the full text, relative to the strongest term
TITLE_SIMILARITY = 1.0
COVERAGE = 0.5  # how much the share of the query's weight an entry holds counts (coordination)
MAX_TERMS = 16
PREFIX_FROM = 6  # stems this long also match as prefix …
PREFIX_WEIGHT = 0.5  # … and count this much
TRIM_FROM = 8  # stems this long match as prefix without their last letter
SAME_CONCEPT = 0.3  # terms of one query word (synonyms, parts) beyond its best one count this much
RANK_CAP = 1.0  # a prefix matching many words of an entry counts no more than one word
TITLE_COVER = 0.3  # an entry whose whole title the query covers scores this much more
MIN_PART_COVER = 4  # a query term this long covers its share of a compound title word
CANDIDATE_TERMS = 12  # the strongest terms select the candidates …
CANDIDATES = 200  # … and this many of them are scored exactly
CANDIDATE_BUDGET = 4000  # entries the candidate terms may reach together


def _terms(query: str) -> dict[str, tuple[float, int]]:
    """Query words with their weights, after synonyms, compound splitting and typo correction,
    and the concept group of each: the query word it came from (a word, its parts, synonyms
    and corrections all speak of one thing)."""
    words, ends = query_words(query[:5000])
    words, ends = words[:300], ends[:300]
    vocabulary, decompounder = _vocabulary()
    synonyms = _synonyms()
    synonym_terms = {light_stem(term[0]) for term in synonyms if len(term) == 1}
    weights: dict[str, tuple[float, int]] = {}

    def add(word: str, weight: float, group: int) -> None:
        if weight > weights.get(word, (0.0, 0))[0]:
            weights[word] = (weight, group)

    unknown: dict[str, int] = {}
    for group, word in enumerate(words):
        if word in FILLER or YEAR.fullmatch(word):
            continue
        # a number is rarely what a request is about (dates, ages, house numbers)
        add(word, PART if word.isdigit() else OWN, group)
        parts = decompounder.parts(word)
        for part in parts:
            add(part, PART, group)
            for synonym in apply_synonyms([part], synonyms):
                add(synonym, PART, group)
        # a word only partly known (a known end) may still be a typo of a known word:
        # Gewerbeanmledung → gewerbeanmeldung, not just gewerbe
        # a word of the synonym list is no typo either (gestorben is not gestohlen)
        known = word in vocabulary or decompounder.splits(word) or light_stem(word) in synonym_terms
        if not known and len(word) >= MIN_CORRECTED and not word.isdigit():
            unknown.setdefault(word, group)
    # "melde … an" means anmelden: the verb counts, its two halves only as parts
    for group, at, verb in particle_verbs(words, vocabulary, ends):
        for half in (words[group], words[at]):
            if weights.get(half, (0.0, 0))[0] == OWN:
                weights[half] = (PART, group)
        add(verb, OWN, group)
        for synonym in apply_synonyms([verb], synonyms):
            add(synonym, SYNONYM, group)
    for group, meant in synonym_matches(words, synonyms):
        for synonym in meant:
            add(synonym, SYNONYM, group)
    if unknown:
        with transaction.atomic(), connection.cursor() as cur:
            # a tighter threshold lets the trigram index skip most of the vocabulary; the
            # planner would scan the (small) table instead, computing trigrams for every word
            cur.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [str(MIN_SIMILARITY)])
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute(
                """
                SELECT w.t, best.word, best.sim
                FROM (SELECT t FROM unnest(%s::text[]) AS t
                      WHERE ts_lexize('german_stem', t) <> '{}') AS w
                CROSS JOIN LATERAL (
                    SELECT word, similarity(word, w.t) AS sim FROM ulm_knowledge_lexiconword
                    WHERE word %% w.t ORDER BY sim DESC, ndoc DESC LIMIT 1
                ) AS best
                """,
                [list(unknown)[:MAX_CORRECTIONS]],
            )
            for typed, word, sim in cur.fetchall():
                group = unknown[typed]
                add(word, CORRECTION * sim, group)
                for part in decompounder.parts(word):
                    add(part, PART * sim, group)
                for synonym in apply_synonyms([word], synonyms):
                    add(synonym, SYNONYM * sim, group)
    return weights


@dataclass
class Term:
    """A stemmed query term: its weight (IDF × how the word came in) and how many entries it
    and, as prefix, its derivations reach."""

    lexeme: str
    weight: float
    ndoc: int
    prefix_ndoc: int
    group: int = 0

    def tsqueries(self) -> list[tuple[str, float, int]]:
        """The term as exact tsquery; a long one also as prefix with less weight, so that a
        stem finds its derivations (einburg → einburger from Einbürgerung)."""
        quoted = "'" + self.lexeme.replace("'", "''") + "'"
        found = [(quoted, self.weight, self.ndoc)]
        if len(self.lexeme) >= PREFIX_FROM:
            # a long stem without its last letter: beglaubigt → beglaubig(ung)
            stem = self.lexeme[:-1] if len(self.lexeme) >= TRIM_FROM else self.lexeme
            prefix = "'" + stem.replace("'", "''") + "':*"
            found.append((prefix, self.weight * PREFIX_WEIGHT, self.prefix_ndoc))
        return found


TERM_CACHE_SIZE = 50_000  # words whose term statistics a process keeps


def _term_stats(words: list[str]) -> dict[str, list[tuple[str, int, int | None]]]:
    """Per query word its stems with how many entries hold them (and, for long stems, their
    derivations as prefix). Kept per process like the vocabulary: both change only with the
    index (``ULM_KNOWLEDGE_CACHE_SECONDS``); citizens' words repeat, the statement is costly."""
    known: dict[str, list[tuple[str, int, int | None]]] = _cached("term_stats", dict)
    missing = [w for w in dict.fromkeys(words) if w not in known]
    if missing:
        with connection.cursor() as cur:
            cur.execute(
                """
                SELECT t, lex, s.ndoc,
                       CASE WHEN length(lex) >= %s THEN
                           (SELECT sum(p.ndoc) FROM ulm_knowledge_termstat p
                            WHERE p.lexeme LIKE replace(replace(
                                CASE WHEN length(lex) >= %s THEN left(lex, -1) ELSE lex END,
                                '_', '\\_'), '%%', '\\%%') || '%%')
                       END
                FROM unnest(%s::text[]) AS t,
                     LATERAL unnest(ts_lexize('german_stem', t)) AS lex
                JOIN ulm_knowledge_termstat s ON s.lexeme = lex
                """,
                [PREFIX_FROM, TRIM_FROM, missing],
            )
            rows = cur.fetchall()
        if len(known) > TERM_CACHE_SIZE:
            known.clear()
        for word in missing:
            known[word] = []
        for word, lex, ndoc, prefix_ndoc in rows:
            known[word].append((lex, ndoc, prefix_ndoc))
    return {w: known[w] for w in words}


def _entry_count() -> int:
    """Searchable documents: the items' entries and the request types' (for the IDF)."""
    return SearchEntry.objects.count() + RequestTypeEntry.objects.count()


def _lexemes(terms: dict[str, tuple[float, int]]) -> list[Term]:
    """Stemmed terms (stop words dropped) with their weights, the strongest first."""
    if not terms:
        return []
    total = _cached("total", _entry_count)
    best: dict[str, Term] = {}
    for term, stats in _term_stats(list(terms)).items():
        for lex, ndoc, prefix_ndoc in stats:
            idf = math.log(1 + (total - ndoc + 0.5) / (ndoc + 0.5))
            weight = idf * terms[term][0]
            if lex not in best or weight > best[lex].weight:
                best[lex] = Term(lex, weight, ndoc, int(prefix_ndoc or ndoc), terms[term][1])
    return sorted(best.values(), key=lambda t: -t.weight)[:MAX_TERMS]


def query_terms(query: str) -> list[Term]:
    """The stemmed, weighted terms of a query (synonyms, compound parts, corrections), the
    strongest first: what every search of the knowledge base ranks by."""
    return _lexemes(_terms(query))


def search(query: str, limit: int | None = None) -> list[Hit]:
    """Published, currently valid items best matching ``query`` (German words, colloquial
    terms, typos, compounds, whole e-mails), best first.

    Two steps in one statement: the GIN index finds the entries holding one of the strongest
    terms and keeps the best ``CANDIDATES`` by a plain rank; those are scored exactly: per term
    its IDF × weight × field-weighted rank, the full text a little, and the title's trigram
    similarity to the query (ties, typos)."""
    max_limit = conf.get("ULM_KNOWLEDGE_SEARCH_MAX_LIMIT")
    limit = max(1, min(limit or conf.get("ULM_KNOWLEDGE_SEARCH_LIMIT"), max_limit))
    return search_terms(query_terms(query), query, limit)


def search_terms(terms: list[Term], query: str, limit: int) -> list[Hit]:
    """``search`` with the query's terms already made (``query_terms``)."""
    if not terms:
        return []
    # candidates come from the strongest terms, as long as they reach few enough entries
    # together: in a large catalogue a term in thousands ("beantragen") would only make the
    # index return everything, while it still counts for the candidates it is in
    selected: list[str] = []
    reach = 0
    for query_part, _, ndoc in (part for term in terms for part in term.tsqueries()):
        if not selected or (reach + ndoc <= CANDIDATE_BUDGET and len(selected) < CANDIDATE_TERMS):
            selected.append(query_part)
            reach += ndoc
    strongest = " | ".join(selected)
    today = date.today()
    candidates = f"""
        SELECT e.kbitem_id, e.external_id, e.title, e.kind, e.document, e.body, e.name_norm
        FROM ulm_knowledge_searchentry e
        WHERE e.document @@ %s::tsquery
          AND (e.valid_from IS NULL OR e.valid_from <= %s)
          AND (e.valid_until IS NULL OR e.valid_until >= %s)
        ORDER BY ts_rank('{FIELD_WEIGHTS}', e.document, %s::tsquery) DESC
        LIMIT {CANDIDATES}
    """  # noqa: S608  # nosec B608 - this module's constants; the values go as parameters
    hits = rank_entries(terms, query, candidates, [strongest, today, today, strongest], limit)
    return _usage_boost(hits, strongest)[:limit]


def rank_entries(
    terms: list[Term], query: str, candidates: str, params: list[Any], limit: int
) -> list[Hit]:
    """Scores the entries the SQL ``candidates`` selects (columns: id, external id, title,
    kind, document, body, normalised title; its placeholders filled from ``params``) for the
    query's terms, best first: per concept its best term fully and the others a little, each
    term IDF × weight × field-weighted rank (capped), the full text a little, the share of
    the query's weight an entry holds, the title's trigram similarity, then the title cover."""
    parts = [part for term in terms for part in term.tsqueries()]
    queries, weights = [p[0] for p in parts], [p[1] for p in parts]
    groups = [term.group for term in terms for _ in term.tsqueries()]
    with connection.cursor() as cur:
        cur.execute(
            f"""
            WITH q AS (SELECT t::tsquery AS tq, w, g
                       FROM unnest(%s::text[], %s::float8[], %s::int[]) AS u(t, w, g)),
            c (kbitem_id, external_id, title, kind, document, body, name_norm) AS ({candidates})
            SELECT s.*, tsvector_to_array(to_tsvector('ulm_german', s.name_norm)) FROM (
            SELECT c.kbitem_id, c.external_id, c.title, c.kind, c.name_norm,
                   ((SELECT sum(m + {SAME_CONCEPT} * (s - m))
                     FROM (SELECT max(x) AS m, sum(x) AS s
                           FROM (SELECT q.g, q.w * least({RANK_CAP},
                                        ts_rank('{FIELD_WEIGHTS}', c.document, q.tq)) AS x
                                 FROM q) AS r
                           GROUP BY r.g) AS per_concept)
                    + {BODY_WEIGHT} * %s * ts_rank(c.body, %s::tsquery))
                   * ({1 - COVERAGE} + {COVERAGE} * (
                        SELECT coalesce(sum(q.w) FILTER (WHERE c.document @@ q.tq), 0) / sum(q.w)
                        FROM q))
                   + {TITLE_SIMILARITY} * similarity(c.name_norm, %s) AS score
            FROM c
            ORDER BY score DESC, c.title
            LIMIT %s
            ) AS s
            ORDER BY s.score DESC, s.title
            """,  # noqa: S608  # nosec B608
            [
                queries,
                weights,
                groups,
                *params,
                weights[0],
                " | ".join(queries),
                normalise(query)[:200],
                max(limit, 20),
            ],
        )
        rows = cur.fetchall()
    lexemes = [term.lexeme for term in terms]
    hits = [
        Hit(r[0], r[1], r[2], float(r[5]) * (1 + TITLE_COVER * _title_cover(r[6], lexemes)), r[3])
        for r in rows
    ]
    hits.sort(key=lambda h: (-h.score, h.title))
    return hits


def _title_cover(title: list[str], lexemes: list[str]) -> float:
    """The share of a title's words the query speaks of: of sibling services (Gewerbe-Anmeldung,
    -Ummeldung, -Abmeldung) the one whose name says no more than the query wins. A title word
    counts whole when a query term is it or its stem's prefix, in part when a query term is a
    part of it (sterbeurkund ⊃ urkund)."""
    if not title:
        return 0.0
    total = 0.0
    for word in title:
        best = 0.0
        for lexeme in lexemes:
            if lexeme == word or (
                min(len(word), len(lexeme)) >= PREFIX_FROM
                and (word.startswith(lexeme) or lexeme.startswith(word))
            ):
                best = 1.0
                break
            if len(lexeme) >= MIN_PART_COVER and lexeme in word:
                best = max(best, len(lexeme) / len(word))
        total += best
    return total / len(title)


def _usage_boost(hits: list[Hit], tsquery: str) -> list[Hit]:
    """Items that answered tickets like this query rank higher (log of how many)."""
    weight = conf.get("ULM_KNOWLEDGE_USAGE_WEIGHT")
    if not hits or not weight:
        return hits
    with connection.cursor() as cur:
        cur.execute(
            "SELECT kbitem_id, count(*) FROM ulm_knowledge_answeruse"
            " WHERE kbitem_id = ANY(%s) AND ticket_text @@ %s::tsquery GROUP BY kbitem_id",
            [[h.id for h in hits], tsquery],
        )
        uses = dict(cur.fetchall())
    if not uses:
        return hits
    for hit in hits:
        hit.score *= 1 + weight * math.log1p(uses.get(hit.id, 0))
    return sorted(hits, key=lambda h: -h.score)


def ticket_text(ticket: Ticket) -> str:
    return f"{ticket.title}\n{ticket.description or ''}"


def suggestions_for_ticket(ticket: Ticket, limit: int = 5) -> list[Hit]:
    """What the agent sees beside a ticket: the items best matching its text."""
    return search(ticket_text(ticket)[:2000], limit)


@transaction.atomic
def answers_told(ticket: Ticket) -> list[str]:
    """What the citizen was told from the knowledge base: each item given, with its version
    (for the summary of a handoff; ulm_servicepoint's ``register_told_citizen``)."""
    uses = AnswerUse.objects.filter(ticket=ticket).select_related("kbitem").order_by("pk")
    return [
        gettext("“%(title)s”, version %(version)d")
        % {"title": use.kbitem.title, "version": use.version}
        for use in uses
    ]


def record_answer_use(ticket: Ticket, kbitem: KBItem, user: User | None = None) -> AnswerUse:
    """Proof of what the citizen was told: the item and its current version, linked to the
    ticket (``Ticket.kbitem``); also feeds the usage signal."""
    item: Service | Answer | None = Service.objects.filter(kbitem=kbitem).first()
    item = item or Answer.objects.filter(kbitem=kbitem).first()
    version = item.version if item else 1
    use = AnswerUse.objects.create(ticket=ticket, kbitem=kbitem, version=version, user=user)
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE ulm_knowledge_answeruse SET ticket_text = to_tsvector('ulm_german', %s)"
            " WHERE id = %s",
            [ticket_text(ticket), use.pk],
        )
    Ticket.objects.filter(pk=ticket.pk).update(kbitem=kbitem)
    SearchEntry.objects.filter(kbitem=kbitem).update(
        uses=AnswerUse.objects.filter(kbitem=kbitem).count()
    )
    return use


# --- In the ticket ------------------------------------------------------------------------------
@dataclass
class Suggestion:
    """A suggestion beside a ticket: the hit, and the answer one click would insert."""

    hit: Hit
    text: str
    linked: bool = False  # linked to the request type (not found by the text)
    phone: str = ""  # what to read out on the phone: an answer's short version, a short text


def _suggestion(item: Service | Answer, hit: Hit, linked: bool = False) -> Suggestion:
    phone = item.short_text if isinstance(item, Service) else item.phone_text
    return Suggestion(hit, answer_text(item), linked=linked, phone=phone)


def item_for(kbitem: KBItem) -> Service | Answer | None:
    service = Service.objects.filter(kbitem=kbitem).first()
    return service or Answer.objects.filter(kbitem=kbitem).first()


def vote_refused(kbitem_id: int) -> str | None:
    """Why the host's vote on this KB item is refused (German), or None: only published
    services and answers are voted on, never drafts or items under review."""
    item = item_for(KBItem(pk=kbitem_id))
    if item is not None and item.status != Status.PUBLISHED:
        return gettext("Only published knowledge base items can be rated.")
    return None


def answer_text(item: Service | Answer) -> str:
    """What the agent inserts into the reply: composed from a service's structured fields, or
    an answer's text."""
    return compose_answer(item) if isinstance(item, Service) else item.answer


def ticket_suggestions(ticket: Ticket, limit: int = 5) -> list[Suggestion]:
    """The services linked to the ticket's request type first, then the best matches of its
    text, ``limit`` in all."""
    from ulm_servicepoint.services import request_type_of

    request_type = request_type_of(ticket)
    found = linked_suggestions(request_type, limit) if request_type else []
    shown = {s.hit.id for s in found}
    hits = [h for h in suggestions_for_ticket(ticket, limit) if h.id not in shown]
    return found + _suggestions(hits)[: limit - len(found)]


def _hit_of(service: Service) -> Hit:
    return Hit(service.kbitem_id, service.external_id or "", service.name, 0.0, "service")


def _suggestions(hits: list[Hit]) -> list[Suggestion]:
    """The hits with the answer text one click would insert."""
    ids = [h.id for h in hits]
    items: dict[int, Service | Answer] = {
        s.kbitem_id: s for s in Service.objects.filter(kbitem_id__in=ids)
    }
    items.update({a.kbitem_id: a for a in Answer.objects.filter(kbitem_id__in=ids)})
    return [_suggestion(items[h.id], h) for h in hits if h.id in items]


def published_answer_text(kbitem_id: int) -> tuple[KBItem, int, str]:
    """What the capture screen inserts for an item found while typing (nothing is recorded
    yet: the ticket does not exist): the item, its current version and the composed text."""
    kbitem = KBItem.objects.get(pk=kbitem_id)
    item = item_for(kbitem)
    if item is None or item.status != Status.PUBLISHED:
        raise ValueError("not a published knowledge item")
    return kbitem, item.version, answer_text(item)


def linked_suggestions(request_type: Any, limit: int = 5) -> list[Suggestion]:
    """The services linked to a request type, as suggestions: what the capture screen shows
    before the agent types, and what a typed ticket's panel starts with."""
    return [
        _suggestion(service, _hit_of(service), linked=True)
        for service in services_for_request_type(request_type, limit)
    ]


def record_captured_answer(case: Any) -> AnswerUse | None:
    """After a capture in which the agent inserted a knowledge answer (``Ticket.kbitem`` set
    by the capture): the version given is recorded, as with the click in the ticket."""
    ticket = case.ticket
    if not ticket.kbitem_id:
        return None
    return record_answer_use(ticket, ticket.kbitem, case.captured_by)


def give_answer(ticket: Ticket, kbitem: KBItem, user: User | None) -> tuple[AnswerUse, str]:
    """One click in the ticket: the composed answer for the reply, the item linked to the ticket
    and the version given recorded."""
    item = item_for(kbitem)
    if item is None or item.status != Status.PUBLISHED:
        raise ValueError("not a published knowledge item")
    return record_answer_use(ticket, kbitem, user), answer_text(item)


# --- Request types -------------------------------------------------------------------------------
def link_request_types() -> int:
    """Links each service to the request types that share one of its LeiKa keys. Links are
    only added (those made by hand in the admin stay); returns how many were added."""
    from ulm_servicepoint.services import request_types_by_leika_key

    by_key = request_types_by_leika_key()
    if not by_key:
        return 0
    link = Service.request_types.through
    existing = set(link.objects.values_list("service_id", "requesttype_id"))
    new = []
    for service_id, keys in Service.objects.exclude(leika_keys=[]).values_list("pk", "leika_keys"):
        for key in keys:
            for request_type in by_key.get(key, []):
                if (service_id, request_type.pk) not in existing:
                    existing.add((service_id, request_type.pk))
                    new.append(link(service_id=service_id, requesttype_id=request_type.pk))
    link.objects.bulk_create(new)
    return len(new)


def services_for_request_type(request_type: Any, limit: int = 5) -> list[Service]:
    """The published services linked to a request type, by name."""
    return list(
        published_services()
        .filter(request_types=request_type)
        .select_related("kbitem")
        .order_by("name")[:limit]
    )


# --- Citizens: suggestions before they submit, "Hat das Ihre Frage beantwortet?" -----------------
CITIZEN_SUGGESTIONS = 3


def citizen_suggestions(query: str, limit: int = CITIZEN_SUGGESTIONS) -> list[Service]:
    """Services that may already answer what a citizen is typing into a form."""
    return search_services(query[:2000], limit) if len(query.strip()) >= 3 else []


def record_feedback(kbitem_id: int, feedback: str, page: str = "") -> SuggestionFeedback:
    """Counts a citizen's answer to "Hat das Ihre Frage beantwortet?" for a published item.
    Anonymous: nothing about the citizen or what they typed is kept."""
    if feedback not in Feedback.values:
        raise ValueError("unknown feedback")
    item = item_for(KBItem.objects.get(pk=kbitem_id))
    if item is None or item.status != Status.PUBLISHED:
        raise ValueError("not a published knowledge item")
    return SuggestionFeedback.objects.create(
        kbitem_id=kbitem_id, feedback=feedback, page=page[:100]
    )


def feedback_counts(kbitem_ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """Per item how often citizens said a suggestion answered their question, and how often not."""
    rows = SuggestionFeedback.objects.all()
    if kbitem_ids is not None:
        rows = rows.filter(kbitem_id__in=kbitem_ids)
    counts: dict[int, dict[str, int]] = {}
    for kbitem_id, feedback, n in (
        rows.values_list("kbitem_id", "feedback").annotate(n=Count("pk")).order_by()
    ):
        counts.setdefault(kbitem_id, dict.fromkeys(Feedback.values, 0))[feedback] = n
    return counts


# --- Demo ----------------------------------------------------------------------------------------
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


# --- Outputs: public pages, JSON-LD ---------------------------------------------------------------
def published_services():
    """Services citizens may see: published and valid today."""
    from django.db.models import Q

    today = timezone.localdate()
    return (
        Service.objects.filter(status=Status.PUBLISHED)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    )


def services_a_to_z() -> list[tuple[str, list[Service]]]:
    """Published services grouped by their initial (Ä with A …), for "Dienstleistungen A–Z"."""
    groups: dict[str, list[Service]] = {}
    rows = published_services().only("slug", "name", "short_text")
    for service in sorted(rows, key=lambda s: normalise(s.name)):
        initial = normalise(service.name[:1]).upper() or "#"
        groups.setdefault(initial if initial.isalpha() else "#", []).append(service)
    return sorted(groups.items())


def search_services(query: str, limit: int = 20) -> list[Service]:
    """The best matching services citizens may see (answers among the hits give way to the
    next services: ``limit`` services where there are so many)."""
    hits = [h for h in search(query, limit + 10) if h.kind == "service"][:limit]
    by_kbitem = {
        s.kbitem_id: s for s in published_services().filter(kbitem_id__in=[h.id for h in hits])
    }
    return [by_kbitem[h.id] for h in hits if h.id in by_kbitem]


def service_jsonld(service: Service, url: str, city: str) -> dict[str, Any]:
    """schema.org GovernmentService for a service page."""
    channels = []
    for point in service.contact_points:
        if not point.get("name"):
            continue
        place: dict[str, Any] = {"@type": "Place", "name": point["name"]}
        if point.get("street") or point.get("city"):
            place["address"] = {
                "@type": "PostalAddress",
                "streetAddress": point.get("street", ""),
                "postalCode": point.get("postal_code", ""),
                "addressLocality": point.get("city", ""),
                "addressCountry": "DE",
            }
        channel: dict[str, Any] = {"@type": "ServiceChannel", "serviceLocation": place}
        if point.get("phone"):
            channel["servicePhone"] = {"@type": "ContactPoint", "telephone": point["phone"]}
        if point.get("opening_hours"):
            place["openingHours"] = point["opening_hours"]
        channels.append(channel)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": service.name,
        "description": service.short_text or service.name,
        "url": url,
        "inLanguage": "de",
        "provider": {"@type": "GovernmentOrganization", "name": city},
        "areaServed": {"@type": "City", "name": city},
    }
    if service.leika_keys:
        data["identifier"] = [
            {"@type": "PropertyValue", "propertyID": "LeiKa", "value": key}
            for key in service.leika_keys
        ]
    if service.keywords:
        data["keywords"] = service.keywords
    if channels:
        data["availableChannel"] = channels
    if service.fees:
        data["termsOfService"] = f"Kosten: {service.fees}"
    return data


def export_xzufi(version: str = "2.2.0") -> bytes:
    """Our published services as an XZuFi transfer message."""
    from ulm_knowledge.xzufi import write_xzufi

    return write_xzufi(published_services().order_by("name"), version)


# --- Knowledge-gap loop -------------------------------------------------------------------------
@dataclass
class Gap:
    """Tickets with similar text that no knowledge item answered: a proposal for a new item."""

    department: Queue
    tickets: list[Ticket]

    @property
    def title(self) -> str:
        return self.tickets[0].title


def _trigrams(text: str) -> set[str]:
    padded = f"  {' '.join(tokens(text))} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _content_words(text: str) -> set[str]:
    """What a ticket's text is about: its longer words, without greetings and the filler words
    of a request (the search's lists), lightly stemmed."""
    return {
        light_stem(w)
        for w in tokens(text)
        if len(w) >= 5 and w not in BOILERPLATE and w not in FILLER
    }


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(len(a | b), 1)


MIN_TEXT_WORDS = 3  # a description with fewer content words leaves the decision to the title
TEXT_OVERLAP = 0.3  # share of the shorter text's content words both must have (at least two)
TITLE_OVERLAP = 0.35  # trigram overlap of two titles


@dataclass
class _GapSeed:
    """The first ticket of a gap group, as the others are compared with it."""

    queue: Queue
    title: set[str]
    words: set[str]
    has_text: bool
    tickets: list[Ticket]

    def takes(self, queue_id: int, title: set[str], words: set[str], has_text: bool) -> bool:
        if queue_id != self.queue.pk:
            return False
        shared = len(words & self.words)
        similar_text = shared >= 2 and shared / max(min(len(words), len(self.words)), 1) >= (
            TEXT_OVERLAP
        )
        if has_text and self.has_text:  # generic titles ("Anfrage"): the texts decide
            return similar_text
        return similar_text or _jaccard(title, self.title) >= TITLE_OVERLAP


def knowledge_gaps(tickets, limit: int = 500) -> list[Gap]:
    """Gap proposals from ``tickets`` (pass ``tickets_visible_to(user)``): tickets forwarded to
    a department (not in the service center's queue) or closed without a knowledge item,
    grouped per department by similar text: where both have a description, by the content
    words they share (title and the beginning of the description), else by similar titles
    (trigram overlap); the largest groups first."""
    from ulm_servicepoint.services import service_center_queue

    center = service_center_queue()
    candidates = (
        tickets.filter(kbitem__isnull=True)
        .exclude(queue=center, status__in=[Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS])
        .select_related("queue")
        .order_by("-created")[:limit]
    )
    groups: list[_GapSeed] = []
    for ticket in candidates:
        description = (ticket.description or "")[:500]
        title = _trigrams(ticket.title)
        words = _content_words(f"{ticket.title} {description}")
        has_text = len(_content_words(description)) >= MIN_TEXT_WORDS
        for group in groups:
            if group.takes(ticket.queue_id, title, words, has_text):
                group.tickets.append(ticket)
                break
        else:
            groups.append(_GapSeed(ticket.queue, title, words, has_text, [ticket]))
    gaps = [Gap(group.queue, group.tickets) for group in groups]
    return sorted(gaps, key=lambda g: (-len(g.tickets), g.title))


@transaction.atomic
def draft_from_ticket(ticket: Ticket, user: User | None) -> Answer:
    """A department's answer to a ticket becomes an article draft in one click: the ticket's
    title as question, the department's last public reply as answer, owned by its queue."""
    from helpdesk.models import FollowUp

    reply = (
        FollowUp.objects.filter(ticket=ticket, public=True, user__isnull=False)
        .exclude(comment="")
        .order_by("-date")
        .first()
    )
    if reply is None:
        raise LifecycleError(gettext("This ticket has no answer yet that could become a draft."))
    answer = Answer(
        question=ticket.title[:500],
        answer=reply.comment,
        department=ticket.queue,
        status=Status.DRAFT,
    )
    answer.content_hash = _hash(_content(answer))
    answer.kbitem = _sync_kbitem(None, answer.question, answer.question, answer.answer, False)
    answer.save()
    _save_version(answer, user, f"Entwurf aus Ticket #{ticket.pk}")
    return answer
