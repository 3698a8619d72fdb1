"""Settings of ulm_knowledge, read at call time with their defaults (checked in checks.py)."""

from django.conf import settings

DEFAULTS = {
    # the host KB category our items sit in (created on first use; not public: citizens use our
    # own accessible pages)
    "ULM_KNOWLEDGE_KB_CATEGORY": "dienstleistungen",
    # results a search returns when no limit is given, and the most it returns
    "ULM_KNOWLEDGE_SEARCH_LIMIT": 10,
    "ULM_KNOWLEDGE_SEARCH_MAX_LIMIT": 50,
    # how much the usage signal (items given in tickets like the query) can raise a score
    "ULM_KNOWLEDGE_USAGE_WEIGHT": 0.15,
    # where review reminders go for items without a department (or one without e-mail)
    "ULM_KNOWLEDGE_EDITOR_EMAIL": "",
    # seconds a process keeps the synonyms and the vocabulary before reading them again
    "ULM_KNOWLEDGE_CACHE_SECONDS": 60,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
