"""Fixtures of ulm_knowledge's tests."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent / "data" / "dldb_sample.json"


@pytest.fixture
def catalogue(shipped_synonyms):
    """The sample catalogue (5 good services, 3 malformed items), imported and indexed."""
    from ulm_knowledge import services

    services.forget_cached()
    summary = services.import_services(SAMPLE)
    yield summary
    services.forget_cached()


def by_external_id(external_id: str):
    from ulm_knowledge.models import Service

    return Service.objects.get(external_id=external_id)
