"""Hundreds of services cost work linear in the project, not in its services squared.

A ring of 1,500 services (each importing the next, and a third-party package) took 39 s:
every unit scanned every file for its module names, every unresolved name looked at every
service, and IMP003 ran one breadth-first search over the whole ring per service.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, List, Tuple

import networkx as nx
import pytest

from archcheck.model import ImportFact, ImportKind, Location
from archcheck.project import import_graph, layout
from archcheck.project.import_graph import build_unit_graph, elementary_cycles
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


class CountingAdjacency(Dict[str, Any]):
    """The successors of one unit, counting how often they are listed."""

    listed = 0

    def __iter__(self) -> Iterator[str]:
        CountingAdjacency.listed += 1
        return super().__iter__()


class CountingGraph(nx.DiGraph):  # type: ignore[type-arg]
    adjlist_inner_dict_factory = CountingAdjacency


def test_a_ring_of_services_is_searched_in_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """One search per unit listed every unit's successors once per search: 90,000 listings for 300."""
    project, imports = ring_project(SERVICES)
    plain = build_unit_graph(project.units, resolved(project, imports))
    graph = CountingGraph(plain)
    monkeypatch.setattr(CountingAdjacency, "listed", 0)
    cycles = elementary_cycles(graph)
    assert CountingAdjacency.listed <= 10 * graph.number_of_nodes()
    assert cycles == [tuple(f"s{i}" for i in range(SERVICES))]


def ring(size: int, reach: int) -> nx.DiGraph[str]:
    """Each of ``size`` units importing the next ``reach``."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_edges_from((f"s{i}", f"s{(i + j) % size}") for i in range(size) for j in range(1, reach + 1))
    return graph


def steps_of(monkeypatch: pytest.MonkeyPatch) -> List[int]:
    """The steps of every search IMP003 makes from now on."""
    steps: List[int] = []
    real = import_graph._Search.paths_back

    def counted(search: Any, target: str, sources: Any) -> Dict[str, List[str]]:
        before = search.steps
        paths = real(search, target, sources)
        steps.append(search.steps - before)
        return paths

    monkeypatch.setattr(import_graph._Search, "paths_back", counted)
    return steps


def edges_on(cycles: List[Tuple[str, ...]]) -> set[Tuple[str, str]]:
    return {(c[i], c[(i + 1) % len(c)]) for c in cycles for i in range(len(c))}


def test_the_search_budget_bounds_the_steps_of_a_huge_component(monkeypatch: pytest.MonkeyPatch) -> None:
    """2,000 units importing the next three: thousands of distinct shortest cycles of 667 units.

    Past the budget, the cycles reported are still real cycles of the graph.
    """
    graph, steps = ring(2000, 3), steps_of(monkeypatch)
    cycles = elementary_cycles(graph)
    size = graph.number_of_nodes() + 2 * graph.number_of_edges()
    assert sum(steps) <= 2 * (import_graph.SEARCH_STEPS_PER_EDGE + 2) * size
    assert cycles and edges_on(cycles) <= set(graph.edges())


def test_past_the_budget_an_edge_covered_by_a_reported_cycle_needs_no_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    graph, steps = ring(3000, 1), steps_of(monkeypatch)
    assert elementary_cycles(graph) == [tuple(f"s{i}" for i in range(3000))]
    assert sum(steps) <= 2 * (import_graph.SEARCH_STEPS_PER_EDGE + 2) * 3 * 3000


def test_services_listed_by_name_are_looked_up_not_matched_against_every_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``init`` lists each service by name: 4,000 names were each matched against every
    folder (32 million matches, about 70 s a run)."""
    from archcheck.config import globs

    matched = []
    real = globs._names_match
    monkeypatch.setattr(globs, "_names_match", lambda parts, names: matched.append(1) or real(parts, names))
    folders = [f"svc_{i}" for i in range(2_000)] + [f"svc_{i}/app" for i in range(2_000)]
    names = [f"svc_{i}" for i in range(0, 2_000, 2)]
    assert globs.match_dir_globs([*names, "svc_1*/app"], folders) == sorted(
        [*names, *(f for f in folders if f.startswith("svc_1") and f.endswith("/app"))]
    )
    assert len(matched) <= len(folders)  # the one glob with a wildcard, against each folder


def test_unit_names_are_counted_once() -> None:
    """Each unit's name was checked against every unit path (1.75 s of a 1,500-service run)."""
    from archcheck.project.discovery import unit_names

    paths = [f"services/s{i}" for i in range(3000)] + ["libs/common", "shared/common"]
    names = unit_names(paths)
    assert names["services/s7"] == "s7" and len(set(names.values())) == len(paths)
    assert names["libs/common"] == "libs/common" and names["shared/common"] == "shared/common"


def test_a_graph_of_hundreds_of_services_is_drawn_without_the_spring_layout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From 500 nodes networkx's spring layout runs on scipy when it is installed, in time
    quadratic in nodes (4,000 services: 62 s for ``report``); without scipy it fell back to a
    circle. The same circle now, whatever is installed."""
    import networkx as nx

    from archcheck.output.svg import SPRING_LIMIT, GraphEdge, GraphNode, layout

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the spring layout ran")

    monkeypatch.setattr(nx, "spring_layout", refuse)
    nodes = [GraphNode(f"s{i}", False, f"s{i}") for i in range(SPRING_LIMIT)]
    edges = [GraphEdge(i, f"s{i}", f"s{i + 1}", (), ()) for i in range(SPRING_LIMIT - 1)]
    placed = layout(nodes, edges)
    assert len(placed) == SPRING_LIMIT and len(set(placed.values())) == SPRING_LIMIT
