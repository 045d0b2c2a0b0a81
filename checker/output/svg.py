"""Inline SVG for the HTML report: the service graph, laid out by networkx, and the trend chart.

Nodes are placed by ``networkx.spring_layout`` with a fixed seed, so the same graph is drawn
the same way on every run. Each edge is a curve bent to its own side, so the two directions of
a cycle stay apart; it carries its import count, a ``<title>`` listing its import sites (the
browser's tooltip) and a ``data-edge`` number that the page's script uses to list them on
click. Every name is escaped; text never starts a line of the page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

from archcheck.output import escape

_h = escape.html_text
FORBIDDEN_COLOUR, ALLOWED_COLOUR = "#d32f2f", "#78909c"
_SERVICE = ("#e3f2fd", "#1565c0")  # fill, stroke
_SHARED = ("#e8f5e9", "#2e7d32")
_WIDTH, _NODE_HEIGHT, _CHAR, _PAD = 880, 30, 7.4, 22
_SEED = 7  # a fixed seed: the same graph gets the same picture


@dataclass(frozen=True)
class GraphNode:
    name: str
    shared: bool  # a shared library, else a service
    path: str


@dataclass(frozen=True)
class GraphEdge:
    number: int  # the edge's place in the page (``data-edge``, ``#edge-N``)
    source: str
    target: str
    sites: Tuple[Tuple[str, int, str], ...]  # (path, line, module imported): the imports behind it
    rules: Tuple[str, ...]  # the codes of the rules that forbid it; () when allowed


Point = Tuple[float, float]


def _half(node: GraphNode) -> Point:
    return (len(node.name) * _CHAR + _PAD) / 2, _NODE_HEIGHT / 2


def _height(count: int) -> int:
    return min(1200, 420 + 36 * max(0, count - 8))


SPRING_LIMIT = 500  # nodes from which a graph is drawn as a circle


def layout(nodes: Sequence[GraphNode], edges: Sequence[GraphEdge]) -> Dict[str, Point]:
    """Node centres in page coordinates: networkx's spring layout, scaled to fit every label."""
    import networkx as nx  # lazy: only the report draws

    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(node.name for node in nodes)
    graph.add_edges_from((edge.source, edge.target) for edge in edges)
    if len(graph) == 0:
        return {}
    spread = 2.2 / math.sqrt(len(graph))  # roomier than the default, for the labels
    if len(graph) >= SPRING_LIMIT:
        # from 500 nodes networkx's spring layout needs scipy (not a dependency) and takes time
        # quadratic in nodes (4,000 services: a minute): a circle, whatever is installed
        placed = nx.circular_layout(graph)
    else:
        placed = nx.spring_layout(graph, k=spread, seed=_SEED)
    raw = {name: (float(x), float(y)) for name, (x, y) in placed.items()}
    margin_x = max(_half(node)[0] for node in nodes) + 12
    margin_y = _NODE_HEIGHT + 8
    height = _height(len(nodes))
    xs, ys = [p[0] for p in raw.values()], [p[1] for p in raw.values()]

    def scale(value: float, low: float, high: float, start: float, end: float) -> float:
        return (
            (start + end) / 2 if high - low < 1e-9 else start + (value - low) / (high - low) * (end - start)
        )

    return {
        name: (
            scale(x, min(xs), max(xs), margin_x, _WIDTH - margin_x),
            scale(y, min(ys), max(ys), margin_y, height - margin_y),
        )
        for name, (x, y) in raw.items()
    }


def _border(centre: Point, half: Point, towards: Point) -> Point:
    """Where the line from a node's centre towards a point leaves the node's box."""
    dx, dy = towards[0] - centre[0], towards[1] - centre[1]
    if abs(dx) < 1e-9 and abs(dy) < 1e-9:
        return centre
    t = min(half[0] / abs(dx) if dx else math.inf, half[1] / abs(dy) if dy else math.inf)
    return centre[0] + dx * t, centre[1] + dy * t


def _fmt(point: Point) -> str:
    return f"{point[0]:.1f},{point[1]:.1f}"


def _edge(edge: GraphEdge, places: Dict[str, Point], halves: Dict[str, Point]) -> str:
    start, end = places[edge.source], places[edge.target]
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy) or 1.0
    bend = min(42.0, 0.22 * length)  # to the edge's right: a -> b and b -> a bend apart
    control = ((start[0] + end[0]) / 2 - dy / length * bend, (start[1] + end[1]) / 2 + dx / length * bend)
    begin = _border(start, halves[edge.source], control)
    finish = _border(end, halves[edge.target], control)
    label = tuple(0.25 * b + 0.5 * c + 0.25 * f for b, c, f in zip(begin, control, finish))
    path = f"M{_fmt(begin)} Q{_fmt(control)} {_fmt(finish)}"
    forbidden = bool(edge.rules)
    colour = FORBIDDEN_COLOUR if forbidden else ALLOWED_COLOUR
    count = len(edge.sites)
    width = 1.6 + min(3.0, 0.9 * math.log2(1 + count))
    status = f"forbidden ({', '.join(edge.rules)})" if forbidden else "allowed"
    noun = "import" if count == 1 else "imports"
    tip = "&#10;".join(
        [
            _h(f"{edge.source} \u2192 {edge.target}: {count} {noun}, {status}"),
            *(_h(f"{path}:{line} {module}") for path, line, module in edge.sites),
        ]
    )
    kind = "edge forbidden" if forbidden else "edge"
    marker = "arrow-forbidden" if forbidden else "arrow"
    return (
        f'<g class="{kind}" data-edge="{edge.number}" data-source="{_h(edge.source)}" '
        f'data-target="{_h(edge.target)}" data-imports="{count}" tabindex="0"><title>{tip}</title>'
        f'<path class="line" d="{path}" stroke="{colour}" stroke-width="{width:.1f}" fill="none" '
        f'marker-end="url(#{marker})"/><path class="hit" d="{path}"/>'
        f'<circle cx="{label[0]:.1f}" cy="{label[1]:.1f}" r="{_badge(count):.1f}" stroke="{colour}"/>'
        f'<text x="{label[0]:.1f}" y="{label[1] + 4:.1f}" fill="{colour}">{count}</text></g>'
    )


def _node(node: GraphNode, centre: Point) -> str:
    half = _half(node)
    fill, stroke = _SHARED if node.shared else _SERVICE
    kind = "shared" if node.shared else "service"
    radius = half[1] if node.shared else 4
    described = f"{'shared library' if node.shared else 'service'} {node.name} ({node.path}/)"
    return (
        f'<g class="node" data-kind="{kind}" data-name="{_h(node.name)}"><title>{_h(described)}</title>'
        f'<rect x="{centre[0] - half[0]:.1f}" y="{centre[1] - half[1]:.1f}" width="{2 * half[0]:.1f}" '
        f'height="{2 * half[1]:.1f}" rx="{radius:.1f}" fill="{fill}" stroke="{stroke}"/>'
        f'<text x="{centre[0]:.1f}" y="{centre[1] + 4.5:.1f}">{_h(node.name)}</text></g>'
    )


def _badge(count: int) -> float:
    """The radius of an edge's count badge: wide enough for its digits ("2169" too)."""
    return max(10.0, 4.0 + 3.6 * len(str(count)))


def _marker(name: str, colour: str) -> str:
    return (
        f'<marker id="{name}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="13" markerHeight="13" '
        'markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
    )


def service_graph(nodes: Sequence[GraphNode], edges: Sequence[GraphEdge]) -> List[str]:
    """The graph as one ``<svg>`` element, a line per node and per edge (edges under nodes)."""
    places = layout(nodes, edges)
    halves = {node.name: _half(node) for node in nodes}
    height = _height(len(nodes))
    return [
        f'<svg id="graph" viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" height="{height}" '
        'role="img" aria-label="service dependency graph">',
        f"<defs>{_marker('arrow', ALLOWED_COLOUR)}{_marker('arrow-forbidden', FORBIDDEN_COLOUR)}</defs>",
        *(_edge(edge, places, halves) for edge in edges),
        *(_node(node, places[node.name]) for node in nodes),
        "</svg>",
    ]


def legend() -> str:
    """What the shapes and colours of the graph mean, as a small SVG."""
    service_fill, service_stroke = _SERVICE
    shared_fill, shared_stroke = _SHARED
    return (
        '<svg class="legend" viewBox="0 0 720 34" width="720" height="34" role="img" aria-label="legend">'
        f'<rect x="2" y="6" width="60" height="22" rx="4" fill="{service_fill}" stroke="{service_stroke}"/>'
        '<text x="70" y="22">service</text>'
        f'<rect x="130" y="6" width="60" height="22" rx="11" fill="{shared_fill}" stroke="{shared_stroke}"/>'
        '<text x="198" y="22">shared library</text>'
        f'<path d="M300,17 H340" stroke="{ALLOWED_COLOUR}" stroke-width="2" marker-end="url(#arrow)"/>'
        '<text x="346" y="22">allowed import</text>'
        f'<path d="M446,17 H486" stroke="{FORBIDDEN_COLOUR}" stroke-width="2.5" '
        'marker-end="url(#arrow-forbidden)"/><text x="492" y="22">forbidden import</text>'
        f'<circle cx="612" cy="17" r="10" fill="#fff" stroke="{ALLOWED_COLOUR}"/>'
        f'<text x="612" y="21" text-anchor="middle" fill="{ALLOWED_COLOUR}">n</text>'
        '<text x="628" y="22">imports</text></svg>'
    )


_CHART_WIDTH, _CHART_HEIGHT, _LEFT, _TOP, _BOTTOM = 640, 190, 44, 26, 30


def trend_chart(points: Sequence[Tuple[str, Dict[str, int]]], series: Sequence[Tuple[str, str, str]]) -> str:
    """A line chart of ``series`` (metric, label, colour) over ``points`` (date, totals), oldest first."""
    plot_width, plot_height = _CHART_WIDTH - _LEFT - 16, _CHART_HEIGHT - _TOP - _BOTTOM
    top = max([1, *(totals.get(metric, 0) for _, totals in points for metric, _, _ in series)])
    step = plot_width / (len(points) - 1) if len(points) > 1 else 0.0

    def x(index: int) -> float:
        return _LEFT + (index * step if len(points) > 1 else plot_width / 2)

    def y(value: int) -> float:
        return _TOP + plot_height * (1 - value / top)

    out = [
        f'<svg class="chart" viewBox="0 0 {_CHART_WIDTH} {_CHART_HEIGHT}" width="{_CHART_WIDTH}" '
        f'height="{_CHART_HEIGHT}" role="img" aria-label="audit trend">'
        f'<path d="M{_LEFT},{_TOP} V{_TOP + plot_height} H{_LEFT + plot_width}" class="axis"/>'
        f'<text x="{_LEFT - 6}" y="{_TOP + 4}" class="tick">{top}</text>'
        f'<text x="{_LEFT - 6}" y="{_TOP + plot_height + 4}" class="tick">0</text>'
    ]
    for index, (metric, label, colour) in enumerate(series):
        values = [totals.get(metric, 0) for _, totals in points]
        line = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        out.append(f'<polyline points="{line}" stroke="{colour}" class="series" data-metric="{metric}"/>')
        out += [
            f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}">'
            f"<title>{_h(date)}: {_h(label)} {v}</title></circle>"
            for i, ((date, _), v) in enumerate(zip(points, values))
        ]
        out.append(
            f'<text x="{_LEFT + 10 + 190 * index}" y="14" fill="{colour}" class="key">'
            f"\u25cf {_h(label)}</text>"
        )
    if points:
        first, last = points[0][0][:10], points[-1][0][:10]
        baseline = _TOP + plot_height + 18
        out.append(f'<text x="{_LEFT}" y="{baseline}" class="date">{_h(first)}</text>')
        if len(points) > 1:
            out.append(f'<text x="{_LEFT + plot_width}" y="{baseline}" class="date end">{_h(last)}</text>')
    return "".join(out) + "</svg>"
