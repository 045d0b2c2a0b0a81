"""Run 75: ``try`` statements nested 98 deep around a large body took time in depth times size
(698 KB: 43.8 s), since the loop-entry gatherer looked for a running-loop probe in each
``try``'s body, and the generator gatherer for the first ``yield`` and ``await`` of each,
walking the same nodes once per ``try`` around them. Now one walk marks the ``try`` statements
that probe, and the first ``yield`` or ``await`` of a block is a search in source order.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import List

import pytest

from archcheck.facts import generators, loops, names
from archcheck.facts.source import ParsedSource
from tests.hostile._project import project, unscreened_agree

DEPTH = 60
WIDTH = 400


def _nested(cleanup: str, entry: str) -> str:
    lines = ["import asyncio", "", "async def f(c):", " loop = asyncio.get_event_loop()"]
    lines += [" " * (i + 1) + "try:" for i in range(DEPTH)]
    inner = " " * (DEPTH + 1)
    lines += [
        inner + "x = [" + ", ".join(["c"] * WIDTH) + "]",
        inner + "asyncio.get_running_loop()",
        inner + entry,
    ]
    for i in reversed(range(DEPTH)):
        lines += [" " * (i + 1) + cleanup, " " * (i + 2) + "await c.close()"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "cleanup, entry",
    [("except RuntimeError:", "loop.run_until_complete(c)"), ("finally:", "yield x")],
)
def test_nested_tries_are_walked_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch, cleanup: str, entry: str
) -> None:
    text = _nested(cleanup, entry)
    walked: List[ast.AST] = []
    real = names.child_nodes

    def counted(node: ast.AST) -> List[ast.AST]:
        walked.append(node)
        return real(node)

    for module in (names, loops, generators):
        monkeypatch.setattr(module, "child_nodes", counted)
    aliases = {"asyncio": "asyncio"}
    calls = loops.LoopCalls(frozenset({"asyncio.run"}), frozenset({"run_until_complete"}))
    source = ParsedSource("m.py", text, ast.parse(text))
    loops.gather_loop_entries(source, aliases, calls)
    facts = generators.gather_generators(source, aliases)
    every = sum(1 for _ in ast.walk(source.ast_tree))  # type: ignore[arg-type]
    assert len(walked) < 12 * every  # a few walks of the file, not one per try around a node
    assert len(facts.cleanups) == (DEPTH if entry.startswith("yield") else 0)


def test_nested_tries_still_give_every_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "probe.py": _nested("except RuntimeError:", "loop.run_until_complete(c)"),
        "gen.py": _nested("finally:", "yield x"),
    }
    found = unscreened_agree(project(tmp_path, files), monkeypatch)
    assert [code for code, path, _ in found if path.endswith("probe.py") and code.startswith("ASY")] == [
        "ASY002"
    ]
    assert sum(code == "ASY004" and path.endswith("gen.py") for code, path, _ in found) == DEPTH
