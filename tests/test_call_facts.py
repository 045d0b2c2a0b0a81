"""Call-graph facts: every function of a file, in any block, and the call graph gathers
them only for the files whose calls it resolves.

A call into another file is resolved against that file's per-file definitions
(module-level functions, methods of module-level classes), so its own calls are
parsed again only when they matter.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, List, Mapping, Sequence

import pytest

from archcheck import api
from archcheck.facts.calls import gather_calls
from archcheck.facts.definitions import gather_definitions
from archcheck.facts.source import ParsedSource
from archcheck.model import CallFacts
from archcheck.pipeline import engine
from archcheck.pipeline.registry import catalogue
from archcheck.pipeline.runner import CallFactFiles
from archcheck.project.call_graph import CallGraph
from archcheck.rule_api.examples import Example
from tests.helpers import FIXTURES, write_example


def _sources() -> Iterator[tuple[str, str]]:
    for spec in catalogue():
        for example in [*spec.valid, *spec.invalid]:
            for path, text in example.files.items():
                if path.endswith(".py"):
                    yield f"{spec.code}:{path}", text
    for path in sorted(FIXTURES.rglob("*.py")):
        yield str(path.relative_to(FIXTURES)), path.read_text(encoding="utf-8", errors="replace")


_NESTED = (
    "try:\n    from fast import run\nexcept ImportError:\n    def run(c):\n        return c\n"
    "else:\n    def other():\n        pass\n"
    "match x:\n    case 1:\n        def in_case():\n            pass\n"
    "class A:\n    if True:\n        def m(self):\n            class B:\n                def n(self):\n"
    "                    def deep():\n                        pass\n"
    "    async def a(self):\n        try:\n            pass\n        except E:\n"
    "            def handler_local():\n                lambda: None\n"
)


def test_what_definitions_name_is_a_function_of_the_call_facts() -> None:
    """A call from another file is resolved against the definitions: each name they give
    must be a function the call facts know (else an edge would lead nowhere)."""
    checked = 0
    for where, text in [("nested", _NESTED), *_sources()]:
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        source = ParsedSource(where, text, tree)
        known = {d.qualname for d in gather_calls(source)}
        classes, functions = gather_definitions(source)
        named = {f.name for f in functions} | {f"{c.name}.{m}" for c in classes for m in c.methods}
        assert named <= known, (where, named - known)
        checked += 1
    assert checked > 100


def test_functions_in_every_kind_of_block_are_named() -> None:
    source = ParsedSource("nested.py", _NESTED, ast.parse(_NESTED))
    assert tuple(d.qualname for d in gather_calls(source)) == (
        "run",
        "other",
        "in_case",
        "A.m",
        "A.m.<locals>.B.n",
        "A.m.<locals>.B.n.<locals>.deep",
        "A.a",
        "A.a.<locals>.handler_local",
    )


class _CountingSource:
    def __init__(self, source: CallFactFiles) -> None:
        self.source = source
        self.loaded: List[str] = []

    def mentioning(self, names: Mapping[str, object]) -> List[str]:
        return self.source.mentioning(names)  # type: ignore[arg-type]

    def load(self, paths: Sequence[str]) -> Mapping[str, CallFacts]:
        self.loaded.extend(paths)
        return self.source.load(paths)

    def lines(self, path: str) -> object:
        return self.source.lines(path)


_APP = "services/orders-service/app/"


@pytest.mark.parametrize("refs", [False, True], ids=["plain call", "function passed on"])
def test_a_file_only_called_into_is_not_parsed_again(tmp_path: Path, refs: bool) -> None:
    files: Dict[str, str] = {
        _APP + "helpers.py": "import asyncio\n\ndef run_sync(coro):\n    return asyncio.run(coro)\n",
        _APP + "formatting.py": "def render(value, hook=None):\n    return str(value)\n",
        _APP + "handlers.py": (
            "from app.helpers import run_sync\nfrom app import formatting\n\n"
            "def check():\n    return True\n\n"
            "async def handle(order):\n"
            f"    formatting.render(order{', hook=check' if refs else ''})\n"
            "    run_sync(reserve(order))\n"
        ),
    }
    root = write_example(tmp_path, Example(files))
    analysis = engine._project(api.load_settings(root), None, 1, False, None)
    counting = _CountingSource(analysis.calls)
    graph = CallGraph(analysis.facts, analysis.project.layout, analysis.project.imports, counting)
    chains = graph.loop_chains()
    calls = list(graph.async_calls_into(chains))
    assert [(caller[1], chain) for caller, _, chain in calls] == [
        ("handle", [(_APP + "helpers.py", "run_sync")])
    ]
    assert (_APP + "formatting.py" in counting.loaded) is refs
