"""`archcheck graph`: the service dependency graph as DOT, Mermaid or JSON.

Nodes are services and shared libraries; an edge carries the number of
imports behind it and is marked forbidden, with the codes of the rules that
say so, when a rule flags it (each rule names its own ``forbidden_edges``).
Names and paths come from directory names: undecodable bytes are escaped,
and DOT and Mermaid lines have their control characters escaped.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Sequence

from archcheck import logsafe
from archcheck.output import escape
from archcheck.project.project import Project
from archcheck.rule_api.rule import Edge, Rule


def forbidding(rules: Sequence[Rule]) -> Dict[Edge, List[str]]:
    """The edges some rule forbids, each with the codes of the rules that forbid it, sorted."""
    found: Dict[Edge, List[str]] = {}
    for rule in rules:
        for edge in rule.forbidden_edges():
            found.setdefault(edge, []).append(rule.code)
    return {edge: sorted(codes) for edge, codes in found.items()}


def describe(project: Project, rules: Sequence[Rule]) -> Dict[str, Any]:
    """Nodes and edges, each edge with its import count and the rules that forbid it, if any."""
    graph = project.unit_graph
    forbidden = forbidding(rules)
    nodes = []
    for name in sorted(graph.nodes):
        unit = graph.nodes[name]["unit"]
        nodes.append(
            {"name": escape.json_text(name), "kind": unit.kind.value, "path": escape.json_text(unit.path)}
        )
    edges: List[Dict[str, Any]] = []
    for source, target in sorted(graph.edges):
        reasons = forbidden.get((source, target), [])
        imports = graph.edges[source, target]["imports"]
        edges.append(
            {
                "source": escape.json_text(source),
                "target": escape.json_text(target),
                "imports": len(imports),
                "forbidden": bool(reasons),
                "rules": reasons,
            }
        )
    return {"nodes": nodes, "edges": edges}


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _lines(lines: List[str]) -> str:
    return "\n".join(escape.text(line) for line in lines) + "\n"


def to_dot(data: Dict[str, Any]) -> str:
    lines = ["digraph archcheck {", "  rankdir=LR;"]
    for node in data["nodes"]:
        shape = "box" if node["kind"] == "service" else "ellipse"
        lines.append(f"  {_quote(node['name'])} [shape={shape}];")
    for edge in data["edges"]:
        rules = " ".join(edge["rules"])
        style = f', color=red, fontcolor=red, tooltip="{rules}"' if edge["forbidden"] else ""
        pair = f"{_quote(edge['source'])} -> {_quote(edge['target'])}"
        lines.append(f"  {pair} [label={edge['imports']}{style}];")
    return _lines([*lines, "}"])


# Mermaid's entity codes: a name is text, never HTML (a folder named `<img onerror=...>`)
# characters a label must not carry as they are: quotes and markup, and `%%{…}%%` (a directive,
# which Mermaid reads anywhere in the text), `'` and `` ` `` (a Markdown string), `|` (an edge's label)
_MERMAID_ENTITIES = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "&": "#amp;",
    "%": "#37;",
    "{": "#123;",
    "}": "#125;",
    "'": "#39;",
    "`": "#96;",
    "|": "#124;",
}


def _mermaid_label(name: str) -> str:
    return "".join(_MERMAID_ENTITIES.get(char, char) for char in name)


def to_mermaid(data: Dict[str, Any]) -> str:
    ids = {node["name"]: f"n{i}" for i, node in enumerate(data["nodes"])}
    lines = ["graph LR"]
    for node in data["nodes"]:
        left, right = ("[", "]") if node["kind"] == "service" else ("([", "])")
        label = _mermaid_label(node["name"])
        lines.append(f'  {ids[node["name"]]}{left}"{label}"{right}')
    for index, edge in enumerate(data["edges"]):
        lines.append(f"  {ids[edge['source']]} -->|{edge['imports']}| {ids[edge['target']]}")
        if edge["forbidden"]:
            lines.append(f"  linkStyle {index} stroke:red")
    return _lines(lines)


def render(project: Project, rules: Sequence[Rule], fmt: str) -> str:
    data = describe(project, rules)
    if fmt == "json":
        return logsafe.json_text(json.dumps(data, indent=2)) + "\n"
    return to_mermaid(data) if fmt == "mermaid" else to_dot(data)
