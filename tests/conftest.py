"""Fixtures of the cross-addon tests (tests/): the demo city with its routing (``city``) and
Sachbearbeiterin Abfallwirtschaft (``berta``), from ``tests.support.routing``."""

from tests.support.routing import berta, city  # noqa: F401 - fixtures for tests/
