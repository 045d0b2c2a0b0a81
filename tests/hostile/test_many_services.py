"""Hundreds of services cost work linear in the project, not in its services squared.

A ring of 1,500 services (each importing the next, and a third-party package) took 39 s:
every unit scanned every file for its module names, every unresolved name looked at every
service.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, List, Tuple

import pytest

from archcheck.model import ImportFact, ImportKind, Location
from archcheck.project import layout
from archcheck.project.layout import Layout, ResolvedImport, Unit, UnitKind

SERVICES = 300


def ring_project(size: int) -> Tuple[Layout, List[Tuple[str, ImportFact]]]:
    """``services/s<i>/s<i>/main.py`` imports ``s<i+1>.main``, ``requests``, ``utils`` (every third
    service has ``utils/``) and ``shared.models``."""
    files = ["shared/__init__.py", "shared/models.py"]
    units = [Unit("shared", "shared", UnitKind.SHARED)]
    imports = []
    for i in range(size):
        home, main = f"services/s{i}", f"services/s{i}/s{i}/main.py"
        units.append(Unit(home, f"s{i}", UnitKind.SERVICE))
        files += [f"{home}/s{i}/__init__.py", main] + ([f"{home}/utils/__init__.py"] if i % 3 == 0 else [])
        for module in (f"s{(i + 1) % size}.main", "requests", "utils", "shared.models"):
            imports.append((main, ImportFact(module, 0, (), ImportKind.IMPORT, Location(main))))
    return Layout(files, units), imports


def resolved(project: Layout, imports: List[Tuple[str, ImportFact]]) -> Iterator[ResolvedImport]:
    for path, fact in imports:
        for resolution in project.resolve(path, fact):
            yield ResolvedImport(path, fact, project.owner(path), resolution)


def counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, calls: List[int]) -> None:
    real: Callable[..., Any] = getattr(owner, name)

    def counted(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(owner, name, counted)


def test_import_resolution_looks_at_each_file_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Per-unit name scans (``is_within``) and per-service lookups (``_step``) were units x files: 663,300 calls."""
    project, imports = ring_project(SERVICES)
    calls: List[int] = []
    counting(monkeypatch, layout, "is_within", calls)
    counting(monkeypatch, Layout, "_step", calls)
    items = list(resolved(project, imports))
    assert len(calls) <= 4 * (len(project.files) + len(imports))  # 2,900
    targets = {
        (item.source.name if item.source else None, item.fact.module): item.target_unit for item in items
    }
    assert targets[("s0", "s1.main")] == project.unit("s1")
    assert targets[("s0", "requests")] is None
    assert targets[("s1", "utils")] is None  # held by a hundred services: ambiguous
