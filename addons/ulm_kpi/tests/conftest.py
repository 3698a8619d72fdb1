"""The routing tests' demo city, for the edge cases that forward with the real verbs."""

from tests.support.routing import city  # noqa: F401 - a fixture
