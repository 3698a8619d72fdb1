"""The import graph (read from the source, imports inside functions included): addons depend
downwards only — the platform, ulm_servicepoint, imports none of the others — and the modules
of an addon import each other without a cycle (jobs call services, never the other way round)."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ADDONS = Path(__file__).resolve().parents[1] / "addons"
# ulm_routing's rule registry imports its conditions and actions, which import the registry's
# base through the engine: not yet listed
ACYCLIC = ["ulm_servicepoint", "ulm_channels", "ulm_knowledge"]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ADDONS).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Every project module (tests and migrations aside) → the project modules it imports."""
    paths = {
        module_name(p): p
        for p in ADDONS.rglob("*.py")
        if "tests" not in p.parts and "migrations" not in p.parts
    }

    def known(name: str) -> str | None:
        while name and name not in paths:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                    base = f"{parent}.{base}".rstrip(".")
                # "from package import module" imports the module
                targets.update(f"{base}.{alias.name}" for alias in node.names)
        graph[name] = {t for t in map(known, targets) if t and t != name}
    return graph


def test_the_platform_imports_no_other_addon_and_addons_form_no_cycle():
    graph = import_graph()
    assert len(graph) > 100, "the addons' modules were read"
    between = {
        (source.split(".")[0], target.split(".")[0])
        for source, targets in graph.items()
        for target in targets
        if source.split(".")[0] != target.split(".")[0]
    }
    assert sorted(target for source, target in between if source == "ulm_servicepoint") == []
    assert ("ulm_channels", "ulm_servicepoint") in between  # the check sees imports at all
    addons: dict[str, set[str]] = {}
    for source, target in between:
        addons.setdefault(source, set()).add(target)
    TopologicalSorter(addons).prepare()  # raises CycleError naming the cycle


@pytest.mark.parametrize("addon", ACYCLIC)
def test_the_modules_of_an_addon_import_each_other_without_a_cycle(addon):
    graph = import_graph()
    inside = {
        name: {t for t in targets if t.split(".")[0] == addon}
        for name, targets in graph.items()
        if name.split(".")[0] == addon
    }
    assert any(inside.values()), "the addon's own imports were read"
    try:
        TopologicalSorter(inside).prepare()
    except CycleError as cycle:
        pytest.fail(f"import cycle: {' imports '.join(reversed(cycle.args[1]))}")
