"""`archcheck graph`: the service dependency graph as DOT, Mermaid or JSON.

Nodes are services and shared libraries; an edge carries the number of
imports behind it and is marked forbidden when a rule would flag it: a
service importing another service outside ``imports.allow`` (IMP001), a
shared library importing a service (IMP004), or an edge on a cycle (IMP003).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

import networkx as nx

from archcheck.project.layout import UnitKind
from archcheck.project.project import Project


def describe(project: Project) -> Dict[str, Any]:
    """Nodes and edges, each edge with its import count and why it is forbidden, if it is."""
    graph = project.unit_graph
    allowed = project.allowed_edges
    cyclic = {edge for component in nx.strongly_connected_components(graph) if len(component) > 1
              for edge in graph.subgraph(component).edges}  # fmt: skip
    nodes = []
    for name in sorted(graph.nodes):
        unit = graph.nodes[name]["unit"]
        nodes.append({"name": name, "kind": unit.kind.value, "path": unit.path})
    edges: List[Dict[str, Any]] = []
    for source, target in sorted(graph.edges):
        kinds = (graph.nodes[source]["unit"].kind, graph.nodes[target]["unit"].kind)
        reasons = []
        if kinds == (UnitKind.SERVICE, UnitKind.SERVICE) and (source, target) not in allowed:
            reasons.append("IMP001")
        if kinds == (UnitKind.SHARED, UnitKind.SERVICE):
            reasons.append("IMP004")
        if (source, target) in cyclic:
            reasons.append("IMP003")
        imports = graph.edges[source, target]["imports"]
        edges.append({"source": source, "target": target, "imports": len(imports),
                      "forbidden": bool(reasons), "rules": reasons})  # fmt: skip
    return {"nodes": nodes, "edges": edges}


def _quote(name: str) -> str:
    return '"' + name.replace('"', '\\"') + '"'


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
    return "\n".join([*lines, "}"]) + "\n"


def to_mermaid(data: Dict[str, Any]) -> str:
    ids = {node["name"]: f"n{i}" for i, node in enumerate(data["nodes"])}
    lines = ["graph LR"]
    for node in data["nodes"]:
        left, right = ("[", "]") if node["kind"] == "service" else ("([", "])")
        lines.append(f'  {ids[node["name"]]}{left}"{node["name"]}"{right}')
    for index, edge in enumerate(data["edges"]):
        lines.append(f"  {ids[edge['source']]} -->|{edge['imports']}| {ids[edge['target']]}")
        if edge["forbidden"]:
            lines.append(f"  linkStyle {index} stroke:red")
    return "\n".join(lines) + "\n"


def render(project: Project, fmt: str) -> str:
    data = describe(project)
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    return to_mermaid(data) if fmt == "mermaid" else to_dot(data)
