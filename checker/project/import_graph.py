"""The dependency graph of services and shared libraries (networkx).

Nodes are unit names with their :class:`~archcheck.layout.Unit`; an edge
``a -> b`` exists when a module of ``a`` imports a module of ``b`` and carries
every import that witnesses it, sorted by position.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator, List, Sequence, Set, Tuple

from archcheck.model import Location
from archcheck.project.layout import ResolvedImport, Unit, UnitKind

if TYPE_CHECKING:
    import networkx as nx


def build_unit_graph(units: Iterable[Unit], imports: Iterable[ResolvedImport]) -> nx.DiGraph[str]:
    import networkx as nx  # lazy: warm runs that reuse every finding never load it

    graph: nx.DiGraph[str] = nx.DiGraph()
    for unit in units:
        graph.add_node(unit.name, unit=unit)
    for item in imports:
        if not item.crosses_units:
            continue
        assert item.source is not None and item.target_unit is not None
        edge = (item.source.name, item.target_unit.name)
        if not graph.has_edge(*edge):
            graph.add_edge(*edge, imports=[])
        graph.edges[edge]["imports"].append(item)
    for _, _, data in graph.edges(data=True):
        data["imports"].sort(key=lambda i: (i.path, i.fact.location.line, i.fact.location.column))
    return graph


def witnesses(graph: nx.DiGraph[str], source: str, target: str) -> List[ResolvedImport]:
    return list(graph.edges[source, target]["imports"]) if graph.has_edge(source, target) else []


def imported(item: ResolvedImport) -> List[Location]:
    """The project file an import loads, as a related place of a finding about the import."""
    target = item.resolution.target
    return [Location(target)] if target is not None and target.endswith(".py") else []


def edges_between(
    graph: nx.DiGraph[str], source_kind: UnitKind, target_kind: UnitKind
) -> Iterator[Tuple[str, str, List[ResolvedImport]]]:
    """Edges from units of one kind to units of another, sorted, with their witnesses."""
    for source, target in sorted(graph.edges):
        kinds = (graph.nodes[source]["unit"].kind, graph.nodes[target]["unit"].kind)
        if kinds == (source_kind, target_kind):
            yield source, target, witnesses(graph, source, target)


def _canonical(cycle: Sequence[str]) -> Tuple[str, ...]:
    """Rotate a cycle so it starts at its smallest node, for deduplication."""
    start = min(range(len(cycle)), key=lambda i: cycle[i])
    return tuple(cycle[start:]) + tuple(cycle[:start])


def cyclic_components(graph: nx.DiGraph[str]) -> List[nx.DiGraph[str]]:
    """The parts of a graph whose nodes lie on a cycle together (strongly connected, with an edge)."""
    import networkx as nx  # lazy: warm runs that reuse every finding never load it

    components = [
        c for c in nx.strongly_connected_components(graph) if len(c) > 1 or graph.has_edge(*[*c] * 2)
    ]
    return [graph.subgraph(c) for c in sorted(components, key=min)]


def cycle_edges(graph: nx.DiGraph[str]) -> Set[Tuple[str, str]]:
    """Every edge that lies on some cycle."""
    return {edge for component in cyclic_components(graph) for edge in component.edges}


def elementary_cycles(graph: nx.DiGraph[str]) -> List[Tuple[str, ...]]:
    """One shortest cycle through each edge that lies on a cycle, deduplicated.

    Enumerating every simple cycle can be exponential; this is at most one cycle
    per edge, and still names every edge that takes part in some cycle. One breadth-first
    search per node serves every edge into it (one per edge would be quadratic in the edges).
    """
    import networkx as nx  # lazy: warm runs that reuse every finding never load it

    found = set()
    for sub in cyclic_components(graph):
        for target in sorted(sub):
            paths = nx.single_source_shortest_path(sub, target)
            for source in sub.predecessors(target):
                found.add(_canonical([source, *paths[source][:-1]]))
    return sorted(found)
