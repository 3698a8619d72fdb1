"""The public surface of ulm_knowledge: the verbs other addons, views, commands, jobs, template
tags and tests use.

Our items on the host's KB items (``items``), their versions (``versions``) and lifecycle
(``lifecycle``), imports (``imports``, reading files: ``importers``, ``xzufi``), the links to
request types (``request_type_links``), the German search (``search``: ``vocabulary``,
``index``, ``engine``, ``request_types``), the knowledge base in the ticket (``in_ticket``), on
the citizens' forms (``citizens``), the outputs (``outputs``, ``service_pages``), the
knowledge-gap loop (``gaps``) and the demo (``demo``) live in modules of their own; this module
re-exports what is meant to be called from outside."""

from __future__ import annotations

from ulm_knowledge.citizens import citizen_suggestions, feedback_counts, record_feedback
from ulm_knowledge.demo import load_demo_knowledge
from ulm_knowledge.gaps import Gap, draft_from_ticket, knowledge_gaps
from ulm_knowledge.importers import ImportFileError
from ulm_knowledge.imports import ImportSummary, import_services
from ulm_knowledge.in_ticket import (
    Suggestion,
    answers_told,
    answers_told_in,
    give_answer,
    linked_suggestions,
    published_answer_text,
    record_answer_use,
    record_captured_answer,
    request_types_for_ticket,
    suggestions_for_ticket,
    ticket_suggestions,
)
from ulm_knowledge.items import (
    answer_text,
    compose_answer,
    guard_kbitem_delete,
    item_for,
    kb_category,
    published_services,
    vote_refused,
)
from ulm_knowledge.lifecycle import (
    LifecycleError,
    approve,
    create_item,
    due_for_review,
    edit_item,
    may_approve,
    reject,
    retire_item,
    send_review_reminders,
    submit_for_review,
)
from ulm_knowledge.outputs import export_xzufi, search_services, service_jsonld, services_a_to_z
from ulm_knowledge.request_type_links import link_request_types, services_for_request_type
from ulm_knowledge.search.engine import Hit, query_terms, search
from ulm_knowledge.search.index import index_item, index_request_types, reindex
from ulm_knowledge.search.learning import rebuild_learned_words
from ulm_knowledge.search.request_types import rank_request_types
from ulm_knowledge.search.vocabulary import forget_cached, load_default_synonyms
from ulm_knowledge.versions import ANSWER_FIELDS, SERVICE_FIELDS, version_diff, version_of

__all__ = [
    "ANSWER_FIELDS",
    "SERVICE_FIELDS",
    "Gap",
    "Hit",
    "ImportFileError",
    "ImportSummary",
    "LifecycleError",
    "Suggestion",
    "answer_text",
    "answers_told",
    "answers_told_in",
    "approve",
    "citizen_suggestions",
    "compose_answer",
    "create_item",
    "draft_from_ticket",
    "due_for_review",
    "edit_item",
    "export_xzufi",
    "feedback_counts",
    "forget_cached",
    "give_answer",
    "guard_kbitem_delete",
    "import_services",
    "index_item",
    "index_request_types",
    "item_for",
    "kb_category",
    "knowledge_gaps",
    "link_request_types",
    "linked_suggestions",
    "load_default_synonyms",
    "load_demo_knowledge",
    "may_approve",
    "published_answer_text",
    "published_services",
    "query_terms",
    "rank_request_types",
    "rebuild_learned_words",
    "record_answer_use",
    "record_captured_answer",
    "record_feedback",
    "reindex",
    "reject",
    "request_types_for_ticket",
    "retire_item",
    "search",
    "search_services",
    "send_review_reminders",
    "service_jsonld",
    "services_a_to_z",
    "services_for_request_type",
    "submit_for_review",
    "suggestions_for_ticket",
    "ticket_suggestions",
    "version_diff",
    "version_of",
    "vote_refused",
]
