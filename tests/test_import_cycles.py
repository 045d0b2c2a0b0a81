"""IMP003's cycles: one shortest cycle per edge on a cycle, found in time linear in the edges per node."""

from __future__ import annotations

import random
from typing import Any, Dict, List, Set, Tuple

import networkx as nx
import pytest

from archcheck.project import import_graph


def ring_with_chords(nodes: int, chords: int) -> nx.DiGraph:
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_edges_from((f"s{i}", f"s{(i + j) % nodes}") for i in range(nodes) for j in range(1, chords + 1))
    return graph


def one_search_per_node(graph: nx.DiGraph) -> List[Tuple[str, ...]]:
    """The cycles IMP003 reported before its search had a budget: networkx, one search per node."""
    found: Set[Tuple[str, ...]] = set()
    for sub in import_graph.cyclic_components(graph):
        for target in sorted(sub):
            paths = nx.single_source_shortest_path(sub, target)
            for source in sub.predecessors(target):
                found.add(import_graph._canonical([source, *paths[source][:-1]]))
    return sorted(found)


def random_graph(seed: int, nodes: int, edges: int) -> nx.DiGraph:
    rnd = random.Random(seed)
    names = [f"u{i}" for i in range(nodes)]
    rnd.shuffle(names)  # insertion order decides ties between shortest paths
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(names)
    graph.add_edges_from((rnd.choice(names), rnd.choice(names)) for _ in range(edges))
    return graph


def test_every_edge_on_a_cycle_is_named_by_a_shortest_cycle() -> None:
    graph = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a"), ("c", "d")])
    assert import_graph.elementary_cycles(graph) == [("a", "b"), ("a", "b", "c")]


def test_a_unit_importing_itself_is_a_cycle_of_one() -> None:
    graph = nx.DiGraph([("a", "a"), ("a", "b"), ("b", "a")])
    assert import_graph.elementary_cycles(graph) == [("a",), ("a", "b")]


@pytest.mark.parametrize("seed", range(200))
def test_small_graphs_keep_their_cycles(seed: int) -> None:
    graph = random_graph(seed, nodes=1 + seed % 40, edges=seed % 160)
    assert import_graph.elementary_cycles(graph) == one_search_per_node(graph)


def test_a_dense_component_of_64_units_is_searched_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    def over_budget(*args: object) -> None:
        raise AssertionError("a component of 64 units fits the search budget")

    monkeypatch.setattr(import_graph, "_uncovered_edges", over_budget)
    graph = random_graph(7, nodes=64, edges=64 * 63)
    assert len(import_graph.cyclic_components(graph)) == 1
    assert import_graph.elementary_cycles(graph) == one_search_per_node(graph)


def test_one_search_per_node_not_per_edge(monkeypatch: pytest.MonkeyPatch) -> None:
    """300 services each importing the next 12 took 16 s with one search per edge."""
    graph = ring_with_chords(60, 6)
    searches = []
    real = import_graph._Search.paths_back

    def counted(search: Any, target: str, sources: List[str]) -> Dict[str, List[str]]:
        searches.append(target)
        return real(search, target, sources)

    monkeypatch.setattr(import_graph._Search, "paths_back", counted)
    cycles = import_graph.elementary_cycles(graph)
    assert len(searches) == graph.number_of_nodes()
    on_cycles = {(c[i], c[(i + 1) % len(c)]) for c in cycles for i in range(len(c))}
    assert on_cycles == set(graph.edges())
    assert max(len(c) for c in cycles) == 11  # shortest: the edge, then 59 steps back in 10
    assert cycles == one_search_per_node(graph)
