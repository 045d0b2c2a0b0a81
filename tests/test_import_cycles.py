"""IMP003's cycles: one shortest cycle per edge on a cycle, found in time linear in the edges per node."""

from __future__ import annotations

import networkx as nx
import pytest

from archcheck.project import import_graph


def ring_with_chords(nodes: int, chords: int) -> nx.DiGraph:
    graph: nx.DiGraph = nx.DiGraph()
    graph.add_edges_from((f"s{i}", f"s{(i + j) % nodes}") for i in range(nodes) for j in range(1, chords + 1))
    return graph


def test_every_edge_on_a_cycle_is_named_by_a_shortest_cycle() -> None:
    graph = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a"), ("c", "d")])
    assert import_graph.elementary_cycles(graph) == [("a", "b"), ("a", "b", "c")]


def test_one_search_per_node_not_per_edge(monkeypatch: pytest.MonkeyPatch) -> None:
    """300 services each importing the next 12 took 16 s with one search per edge."""
    graph = ring_with_chords(60, 6)
    searches = []
    real = nx.single_source_shortest_path

    def counted(sub: nx.DiGraph, source: str) -> dict:
        searches.append(source)
        return real(sub, source)

    monkeypatch.setattr(nx, "single_source_shortest_path", counted)
    monkeypatch.setattr(nx, "shortest_path", counted)
    cycles = import_graph.elementary_cycles(graph)
    assert len(searches) == graph.number_of_nodes()
    on_cycles = {(c[i], c[(i + 1) % len(c)]) for c in cycles for i in range(len(c))}
    assert on_cycles == set(graph.edges())
    assert max(len(c) for c in cycles) == 11  # shortest: the edge, then 59 steps back in 10
