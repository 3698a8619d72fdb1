"""The benchmarks' ticket generator moved to ``bench/generate.py`` (one generator for every
benchmark: a city's realistic tickets with a fixed seed). This name stays for scripts that still
import it; ``generate`` is ``generate_city`` with its defaults (two years)."""

from __future__ import annotations

from bench.generate import generate_city

__all__ = ["generate", "generate_city"]


def generate(cursor, tickets: int = 1_000_000, **_former_options: object) -> dict:
    """``tickets`` tickets of the shared generator (the former options — handoffs every n-th,
    callbacks — are the generator's realistic shares now)."""
    return generate_city(cursor, tickets=tickets)
