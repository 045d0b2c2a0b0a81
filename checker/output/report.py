"""`archcheck report` (and `audit --format html`): one self-contained HTML page.

The page holds the service graph (inline SVG, forbidden edges red, an edge's import sites on
hover and on click), the findings per service and rule with links to their files, the SSOT
groups, and the audit's metrics with their trend over the history file. Nothing is fetched:
the CSS, the SVG and the one small script are inline. Every name, path and message comes from
a checkout nobody vetted: it is HTML-escaped with its control characters escaped (so no line
of the page starts with it), and the credentials of URLs in messages are masked.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Tuple

import msgspec

from archcheck.fileio import resolved
from archcheck.model import Severity, Violation
from archcheck.output import audit, escape, svg
from archcheck.output.graph import forbidding
from archcheck.project.layout import UnitKind
from archcheck.rule_api.rule import Rule

if TYPE_CHECKING:
    from archcheck.pipeline.engine import Run

_h = escape.html_text
Point = Tuple[str, Dict[str, int]]  # a run of the history: its date and its totals
_SERIES = (
    (audit.SCORE, "SSOT violations", "#e65100"),
    (audit.CROSS_SERVICE_IMPORTS, "cross-service imports", "#6a1b9a"),
)
_LABELS = {audit.CROSS_SERVICE_IMPORTS: "cross-service imports", audit.SCORE: "score"}
_ARROWS = {"up": "\u25b2", "down": "\u25bc"}
_OPEN = 50  # a unit's findings are listed unfolded up to this many


class _Point(msgspec.Struct):
    date: audit.Date
    totals: Dict[str, int]


def history_points(history: Path, root: Path) -> List[Point]:
    """Every run of an audit history file, oldest first (read only: nothing is appended).
    A missing file has no runs; a line that is not a run is an ``audit.HistoryError``.
    ``root`` is the project's (``audit.history_lines``)."""
    lines = audit.history_lines(history, root)
    points: List[Point] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:  # json: lone surrogates round-trip, as the audit writes them
            point = msgspec.convert(json.loads(line.decode("utf-8")), type=_Point)
        except (ValueError, RecursionError, msgspec.ValidationError) as exc:
            raise audit.not_a_run(history, number, exc) from None
        points.append((audit.shown_date(point.date), point.totals))
    return points


_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:1.5em 2em;color:#212121;max-width:84em}"
    "h1{margin:.2em 0}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}"
    ".cards{display:flex;gap:1em;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;"
    "padding:.4em .9em}.card b{font-size:1.4em;display:block}.error{color:#b71c1c}.warning{color:#e65100}"
    ".scope{color:#555}.graph{display:flex;gap:1.2em;align-items:flex-start;flex-wrap:wrap}"
    "#graph{border:1px solid #ddd;border-radius:6px;max-width:100%;height:auto;background:#fff}"
    "#graph text{font-size:13px;text-anchor:middle;pointer-events:none}"
    "#graph .edge{cursor:pointer}#graph .edge circle{fill:#fff}#graph .edge text{font-size:11px}"
    "#graph .hit{stroke:transparent;stroke-width:14;fill:none}"
    "#graph .edge:hover .line,#graph .edge.selected .line,#graph .edge:focus .line{stroke-width:5}"
    "#edge-panel{flex:1;min-width:18em;border:1px solid #ddd;border-radius:6px;padding:.6em}"
    ".legend text,.chart text{font-size:12px}.chart .axis{stroke:#999;fill:none}"
    ".chart .series{fill:none;stroke-width:2}.chart .tick{text-anchor:end}.chart .end{text-anchor:end}"
    "table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #ccc;padding:.2em .6em;"
    "text-align:left;vertical-align:top}td.n{text-align:right}.up{color:#b71c1c}.down{color:#2e7d32}"
    "tr:target{background:#fff8e1}code{word-break:break-all}.new{background:#ffebee;color:#b71c1c;"
    "border-radius:3px;padding:0 .3em;font-size:.85em}summary{cursor:pointer}"
    "ul.findings{margin:.2em 0 .8em}h4{margin:.6em 0 .2em}"
)

# shows the import sites of an edge clicked in the graph beside it; ``#graph-edge-N`` names the
# edge shown (a link to it), and matches no element, so the page does not scroll away
_SCRIPT = (
    "(function(){var panel=document.getElementById('edge-panel');"
    "function show(){var m=/^#graph-edge-([0-9]+)$/.exec(location.hash);if(!m)return;"
    "var row=document.getElementById('edge-'+m[1]);if(!row)return;"
    "panel.replaceChildren(row.querySelector('.pair').cloneNode(true),"
    "row.querySelector('.sites').cloneNode(true));"
    "document.querySelectorAll('#graph .edge').forEach(function(e){"
    "e.classList.toggle('selected',e.dataset.edge===m[1]);});}"
    "function pick(e){history.replaceState(null,'','#graph-edge-'+e.dataset.edge);show();}"
    "document.querySelectorAll('#graph .edge').forEach(function(e){"
    "e.addEventListener('click',function(){pick(e);});"
    "e.addEventListener('keydown',function(k){if(k.key==='Enter')pick(e);});});"
    "window.addEventListener('hashchange',show);show();})();"
)


def _link(links: str, path: str, shown: str) -> str:
    """A link to a project file, relative to where the page is written (``links``: the way there
    from the page to the project root)."""
    return f'<a href="{_h(escape.uri(links + path))}"><code>{_h(shown)}</code></a>'


def _site_link(links: str, site: str) -> str:
    """``path:line`` as a link to the file."""
    path, _, line = site.rpartition(":")
    return _link(links, path if line.isdigit() else site, site)


def _edges(run: Run, rules: Sequence[Rule]) -> Tuple[List[svg.GraphNode], List[svg.GraphEdge]]:
    graph = run.project.unit_graph
    forbidden = forbidding(rules)
    nodes = [
        svg.GraphNode(name, graph.nodes[name]["unit"].kind is UnitKind.SHARED, graph.nodes[name]["unit"].path)
        for name in sorted(graph.nodes)
    ]
    edges = []
    for number, (source, target) in enumerate(sorted(graph.edges)):
        sites = tuple(
            (item.path, item.fact.location.line, item.fact.display)
            for item in graph.edges[source, target]["imports"]
        )
        edges.append(svg.GraphEdge(number, source, target, sites, tuple(forbidden.get((source, target), []))))
    return nodes, edges


def _graph_section(nodes: Sequence[svg.GraphNode], edges: Sequence[svg.GraphEdge]) -> List[str]:
    out = ['<section id="service-graph"><h2>Service graph</h2>']
    if not nodes:
        return [*out, "<p>None.</p></section>"]
    out += [
        svg.legend(),
        '<div class="graph">',
        *svg.service_graph(nodes, edges),
        '<div id="edge-panel"><p>Hover over an edge for its imports; click it to list them here.</p></div>',
        "</div>",
        "</section>",
    ]
    return out


def _edges_section(edges: Sequence[svg.GraphEdge], links: str) -> List[str]:
    """Every edge of the graph with its import sites (the list a click on the edge shows)."""
    out = ['<section id="edges"><h2>Edges of the service graph</h2>']
    if not edges:
        return [*out, "<p>None.</p></section>"]
    out.append('<table class="edges"><tr><th>edge</th><th>imports</th><th>forbidden by</th></tr>')
    for edge in edges:
        pair = f"{edge.source} \u2192 {edge.target}"
        items = []
        for path, line, module in edge.sites:
            where = _link(links, path, f"{path}:{line}")
            items.append(f"<li>{where} imports <code>{_h(module)}</code></li>")
        rules_cell = f'<td class="error">{_h(", ".join(edge.rules))}</td>' if edge.rules else "<td>-</td>"
        out.append(
            f'<tr id="edge-{edge.number}"><td><b class="pair">{_h(pair)}</b>'
            f'<ul class="sites">{"".join(items)}</ul></td>'
            f'<td class="n">{len(edge.sites)}</td>{rules_cell}</tr>'
        )
    return [*out, "</table></section>"]


def _unit_kinds(run: Run) -> Dict[str, str]:
    graph = run.project.unit_graph
    return {
        name: "shared library" if graph.nodes[name]["unit"].kind is UnitKind.SHARED else "service"
        for name in graph.nodes
    }


def _findings_section(run: Run, links: str) -> List[str]:
    by_unit: Dict[str, Dict[str, List[Violation]]] = {}
    for violation in run.report.violations:
        by_unit.setdefault(violation.service or "", {}).setdefault(violation.code, []).append(violation)
    kinds = _unit_kinds(run)
    out = ['<section id="findings"><h2>Findings per service and rule</h2>']
    if not by_unit:
        return [*out, "<p>None.</p></section>"]
    order = sorted(by_unit, key=lambda name: (name == "", name))  # findings outside every unit last
    out.append('<table class="summary"><tr><th>unit</th><th>errors</th><th>warnings</th><th>rules</th></tr>')
    for number, name in enumerate(order):
        found = [v for codes in by_unit[name].values() for v in codes]
        errors = sum(1 for v in found if v.severity is Severity.ERROR)
        per_rule = ", ".join(f"{code} \u00d7{len(vs)}" for code, vs in sorted(by_unit[name].items()))
        out.append(
            f'<tr><td><a href="#unit-{number}">{_h(name or "(outside every unit)")}</a></td>'
            f'<td class="n">{errors}</td><td class="n">{len(found) - errors}</td><td>{_h(per_rule)}</td></tr>'
        )
    out.append("</table>")
    for number, name in enumerate(order):
        codes = by_unit[name]
        total = sum(len(vs) for vs in codes.values())
        kind = kinds.get(name, "") if name else "files outside every service and shared library"
        shown = name or "(outside every unit)"
        opened = " open" if total <= _OPEN else ""  # a long list starts folded
        out.append(
            f'<details id="unit-{number}"{opened}><summary><b>{_h(shown)}</b> '
            f'<span class="scope">{_h(kind)} \u00b7 {total} finding{"s" if total != 1 else ""}</span>'
            "</summary>"
        )
        for code, violations in sorted(codes.items()):
            out.append(f"<h4>{_h(code)} {_h(violations[0].name)} \u00b7 {len(violations)}</h4>")
            out.append('<ul class="findings">')
            for violation in map(escape.masked, violations):
                loc = violation.location
                where = _link(links, loc.path, f"{loc.path}:{loc.line}:{loc.column}")
                severity = violation.severity.value
                out.append(f'<li class="{severity}">{where} {_h(violation.message)}</li>')
            out.append("</ul>")
        out.append("</details>")
    return [*out, "</section>"]


def _groups_section(measured: audit.Run, change: Dict[str, Any], links: str) -> List[str]:
    """Duplicate classes (one name), similar implementations (several names), duplicate functions."""
    new = set(change.get("new_groups", []))
    buckets: Dict[str, List[str]] = {"classes": [], "similar": [], "functions": []}
    for service, data in sorted(measured["services"].items()):
        for key in (audit.GROUPS, audit.FUNCTION_GROUPS):
            for group in data.get(key, []):
                names = " / ".join(group["names"])
                shown = f"{names}()" if key == audit.FUNCTION_GROUPS else names
                badge = ' <span class="new">new</span>' if f"{service}: {shown}" in new else ""
                sites = ", ".join(_site_link(links, site) for site in group["sites"])
                bucket = "functions" if key == audit.FUNCTION_GROUPS else "classes"
                if bucket == "classes" and len(group["names"]) > 1:
                    bucket = "similar"
                buckets[bucket].append(f"<li><b>{_h(shown)}</b> in {_h(service)}{badge}: {sites}</li>")
    out = ['<section id="ssot-groups"><h2>SSOT groups</h2>']
    for bucket, title in (
        ("classes", "Duplicate classes"),
        ("similar", "Similar implementations"),
        ("functions", "Duplicate functions"),
    ):
        items = buckets[bucket]
        out += [f"<h3>{title}</h3>", *(["<ul>", *items, "</ul>"] if items else ["<p>None.</p>"])]
    return [*out, "</section>"]


def _metric_cell(metric: str, value: int, row: Optional[Sequence[Any]]) -> str:
    if row is None or row[2] == "same":
        return f'<td class="n">{value}</td>'
    now, then, direction = row
    if metric in audit.SIZE:  # size: shown, never judged
        return f'<td class="n">{value} ({now - then:+d})</td>'
    return f'<td class="n {direction}">{value} {_ARROWS[direction]} (was {then})</td>'


def _audit_section(
    measured: audit.Run, change: Dict[str, Any], history: Optional[Sequence[Point]]
) -> List[str]:
    out = ['<section id="audit"><h2>SSOT audit</h2>']
    if history is None:
        out.append("<p>No trend: pass <code>--history FILE</code>, the audit's history file.</p>")
    else:
        points = [*history, (measured["date"], measured["totals"])]
        out += [
            f"<p>{len(points)} runs, the last one this run.</p>",
            svg.trend_chart(points, _SERIES),
        ]
    totals = measured["totals"]
    out.append(
        f"<p>Run: {_h(measured['date'])}. Score: SSOT violations per service (target 0). "
        f"Total SSOT violations: {totals[audit.SCORE]}; "
        f"cross-service imports: {totals[audit.CROSS_SERVICE_IMPORTS]}.</p>"
    )
    columns = audit.metrics(measured)
    header = "".join(f"<th>{_h(_LABELS.get(m, m))}</th>" for m in columns)
    out.append(f'<table class="metrics"><tr><th>service</th>{header}</tr>')
    for name, data in sorted(measured["services"].items()):
        rows = change["services"].get(name, {})
        cells = "".join(_metric_cell(m, data[m], rows.get(m)) for m in columns)
        out.append(f"<tr><td>{_h(name)}</td>{cells}</tr>")
    out.append("</table>")
    if change["new_groups"] or change["fixed_groups"]:
        items = [f"<li>new duplicate: {_h(g)}</li>" for g in change["new_groups"]]
        items += [f"<li>fixed: {_h(g)}</li>" for g in change["fixed_groups"]]
        out += ["<h3>Since the last run</h3>", "<ul>", *items, "</ul>"]
    return [*out, "</section>"]


def to_html(
    run: Run,
    rules: Sequence[Rule],
    measured: audit.Run,
    change: Dict[str, Any],
    history: Optional[Sequence[Point]] = None,
    *,
    links: str = "",
    title: str = "archcheck report",
    scope: str = "",
) -> str:
    """The page. ``rules`` (bound to the project) say which edges are forbidden; ``measured`` and
    ``change`` are the audit's run and trend; ``history`` the earlier runs for the chart (None
    when no history file was given); ``links`` leads from the page to the project root."""
    report = run.report
    nodes, edges = _edges(run, rules)
    cards = [
        ("files", report.files, ""),
        ("services", report.services, ""),
        ("errors", report.errors, "error"),
        ("warnings", report.warnings, "warning"),
    ]
    out = [
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{_h(title)}</title>',
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{_h(title)}</h1>",
        f'<p class="scope">{_h(Path(report.root).name)} \u00b7 {_h(measured["date"])}'
        + (f" \u00b7 {_h(scope)}" if scope else "")
        + "</p>",
        '<div class="cards">'
        + "".join(f'<div class="card {css}"><b>{value}</b>{label}</div>' for label, value, css in cards)
        + "</div>",
        *_graph_section(nodes, edges),
        *_audit_section(measured, change, history),
        *_findings_section(run, links),
        *_groups_section(measured, change, links),
        *_edges_section(edges, links),
        f"<script>{_SCRIPT}</script>",
    ]
    return "\n".join(out) + "\n</body></html>\n"


def links_to_root(root: Path, page: Optional[Path]) -> str:
    """The relative way from the folder the page is written to, to the project root (``""``
    when they are one, or when the page goes to stdout: its links then read from the root)."""
    if page is None:
        return ""
    try:
        way = os.path.relpath(root, resolved(page).parent)
    except OSError:  # (a folder the system cannot follow: the write says why)
        way = os.path.relpath(root, os.path.abspath(page.parent))
    except ValueError:  # another drive: no relative way
        return root.as_posix().rstrip("/") + "/"
    return "" if way == "." else Path(way).as_posix() + "/"


def renderer(
    run: Run,
    history: Optional[Path],
    page: Optional[Path],
    *,
    title: str = "archcheck report",
    scope: str = "",
) -> Callable[[audit.Run, Dict[str, Any]], str]:
    """The page of ``run`` as an audit renderer: (the audit's run, its trend) -> HTML. The trend
    chart reads ``history`` (never writes it); links lead from ``page``, where it is written.
    Forbidden edges are those every rule forbids, as ``archcheck graph`` draws them."""
    from archcheck.pipeline.registry import catalogue

    def render(measured: audit.Run, change: Dict[str, Any]) -> str:
        points = history_points(history, run.project.settings.root) if history is not None else None
        rules = [rule(run.project) for rule in catalogue()]
        links = links_to_root(run.project.settings.root, page)
        return to_html(run, rules, measured, change, points, links=links, title=title, scope=scope)

    return render
