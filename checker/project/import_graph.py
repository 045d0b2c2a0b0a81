"""The dependency graph of services and shared libraries (networkx).

Nodes are unit names with their :class:`~archcheck.layout.Unit`; an edge
``a -> b`` exists when a module of ``a`` imports a module of ``b`` and carries
every import that witnesses it, sorted by position.
"""

from __future__ import annotations

import posixpath
from collections import deque
from typing import (
    TYPE_CHECKING,
    Callable,
    Dict,
    FrozenSet,
    Iterable,
    Iterator,
    List,
    Optional,
    Sequence,
    Set,
    Tuple,
)

from archcheck.model import Location
from archcheck.project.layout import Layout, ResolvedImport, Unit, UnitKind, is_within, parent

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


def services_loading(
    layout: Layout, imports: Iterable[ResolvedImport], is_test_file: Callable[[str], bool]
) -> Dict[str, FrozenSet[str]]:
    """Each file of a shared library that the running code of services loads -> those services.
    A service's file (not a test's) loads what it imports (not under ``if TYPE_CHECKING:``) and
    the package ``__init__`` files above it in its library, and a shared file so loaded loads
    what it imports in turn (a graph of files, its cycles condensed: each import is followed
    once)."""
    import networkx as nx  # lazy: warm runs that reuse every finding never load it

    graph: nx.DiGraph[str] = nx.DiGraph()
    seeds: Dict[str, Set[str]] = {}
    for item in imports:
        owner, source = item.target_unit, item.source
        if owner is None or owner.kind is not UnitKind.SHARED or source is None or is_test_file(item.path):
            continue
        if item.fact.typing_only:  # (read by type checkers only: it loads nothing)
            continue
        loaded = _loaded_with_packages(layout, item.resolution.target or "", owner)
        if source.kind is UnitKind.SERVICE:
            for path in loaded:
                seeds.setdefault(path, set()).add(source.name)
        elif source.kind is UnitKind.SHARED:
            graph.add_edges_from((item.path, path) for path in loaded if path != item.path)
    graph.add_nodes_from(seeds)
    condensed = nx.condensation(graph)
    members: Dict[int, List[str]] = {c: data["members"] for c, data in condensed.nodes(data=True)}
    reached: Dict[int, FrozenSet[str]] = {}
    interned: Dict[FrozenSet[str], FrozenSet[str]] = {}  # (one set per distinct set of services)
    for component in nx.topological_sort(condensed):
        services: Set[str] = set()
        for path in members[component]:
            services.update(seeds.get(path, ()))
        for before in condensed.predecessors(component):
            if not reached[before] <= services:
                services.update(reached[before])
        found = frozenset(services)
        reached[component] = interned.setdefault(found, found)
    return {path: reached[c] for c, paths in members.items() for path in paths if reached[c]}


def _loaded_with_packages(layout: Layout, target: str, library: Unit) -> List[str]:
    """The files an import of ``target`` runs in ``library``: the module (a package's
    ``__init__.py``) and the ``__init__.py`` of each package above it there."""
    init = posixpath.join(target, "__init__.py")
    loaded = [target] if target in layout.files else [init] if init in layout.files else []
    folder = parent(target)
    while is_within(folder, library.path):
        init = posixpath.join(folder, "__init__.py")
        if init in layout.files and init not in loaded:
            loaded.append(init)
        if not folder:
            break
        folder = parent(folder)
    return loaded


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


SEARCH_STEPS_PER_EDGE = 64
"""The search budget: a component of U units and E edges gets this x (U + 2E) steps (README)."""

Adjacency = Dict[str, List[str]]
Cycle = Tuple[str, ...]


class _Search:
    """Breadth-first searches inside one component, counting their steps (edges scanned, path nodes)."""

    def __init__(self, adjacency: Adjacency) -> None:
        self.adjacency = adjacency
        self.steps = 0

    def paths_back(self, target: str, sources: Iterable[str]) -> Dict[str, List[str]]:
        """A shortest path from ``target`` to each source, as networkx's BFS would pick it."""
        parents = self._parents(target, set(sources))
        return {source: self._path(parents, source) for source in sources}

    def _parents(self, start: str, goals: Set[str]) -> Dict[str, str]:
        """The BFS tree from ``start`` (node -> the node first reaching it), until every goal is reached."""
        parents = {start: start}
        missing = goals - {start}
        queue = deque([start])
        while missing and queue:
            node = queue.popleft()
            for successor in self.adjacency[node]:
                self.steps += 1
                if successor not in parents:
                    parents[successor] = node
                    queue.append(successor)
                    missing.discard(successor)
        return parents

    def _path(self, parents: Dict[str, str], node: str) -> List[str]:
        path = [node]
        while parents[path[-1]] != path[-1]:
            path.append(parents[path[-1]])
        self.steps += len(path)
        return path[::-1]


def _cycle(source: str, path: Sequence[str]) -> Cycle:
    """The cycle of edge ``source -> path[0]`` closed by ``path`` (which ends at ``source``)."""
    return _canonical([source, *path[:-1]])


def _every_edge(adjacency: Adjacency, budget: int) -> Optional[Set[Cycle]]:
    """One shortest cycle through each edge, one search per node; None once over ``budget`` steps."""
    predecessors: Dict[str, List[str]] = {node: [] for node in adjacency}
    for node, successors in adjacency.items():
        for successor in successors:
            predecessors[successor].append(node)
    search, found = _Search(adjacency), set()
    for target in sorted(adjacency):
        for source, path in search.paths_back(target, predecessors[target]).items():
            found.add(_cycle(source, path))
        if search.steps > budget:
            return None
    return found


def _uncovered_edges(adjacency: Adjacency, budget: int) -> Set[Cycle]:
    """One shortest cycle through each edge no found cycle covers, in edge order, within ``budget`` steps."""
    search, found = _Search(adjacency), set()
    covered: Set[Tuple[str, str]] = set()
    edges = sorted((node, successor) for node, successors in adjacency.items() for successor in successors)
    for source, target in edges:
        if (source, target) in covered:
            continue
        if search.steps > budget:
            break
        path = search.paths_back(target, [source])[source]
        covered.update(zip([source, *path[:-1]], path))
        found.add(_cycle(source, path))
    return found


def elementary_cycles(graph: nx.DiGraph[str]) -> List[Cycle]:
    """One shortest cycle through each edge that lies on a cycle, deduplicated.

    Enumerating every simple cycle can be exponential; this is at most one cycle per edge,
    and still names every edge that takes part in some cycle. One breadth-first search per
    node serves every edge into it, and stops once it reached them all. That is quadratic
    for one huge component (a ring of 1,500 services), so a component gets at most
    ``SEARCH_STEPS_PER_EDGE`` steps per unit and edge (a component of up to 64 units always
    fits): past that, it gets one shortest cycle per edge that no reported cycle covers yet,
    in edge order, within the same budget.
    """
    found: Set[Cycle] = set()
    for sub in cyclic_components(graph):
        adjacency = {node: list(sub.successors(node)) for node in sub}
        budget = SEARCH_STEPS_PER_EDGE * (len(adjacency) + 2 * sub.number_of_edges())
        exact = _every_edge(adjacency, budget)
        found |= exact if exact is not None else _uncovered_edges(adjacency, budget)
    return sorted(found)
