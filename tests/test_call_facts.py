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
    graph = CallGraph(analysis.project.files, analysis.project.layout, analysis.project.imports, counting)
    chains = graph.loop_chains()
    calls = list(graph.async_calls_into(chains))
    assert [(caller[1], callee) for caller, _, callee in calls] == [
        ("handle", (_APP + "helpers.py", "run_sync"))
    ]
    assert (_APP + "formatting.py" in counting.loaded) is refs


def test_a_chain_is_outlined_with_its_length_and_ends() -> None:
    from archcheck.project.call_graph import Chains

    nodes = [("a.py", f"f{i}") for i in range(30)]
    chains = Chains({n: nxt for n, nxt in zip(nodes, [*nodes[1:], None])})
    head, length, last = chains.outline(nodes[0], 12)
    assert (head, length, last) == (nodes[:12], 30, (nodes[28], nodes[29]))
    assert chains.outline(nodes[27], 12) == (nodes[27:], 3, (nodes[28], nodes[29]))
    assert chains.outline(nodes[29], 12) == ([nodes[29]], 1, (nodes[29],))


def test_deep_expressions_in_a_file_the_call_graph_reads(tmp_path: Path) -> None:
    """An attribute chain 1,500 deep (CPython compiles it) in a file whose calls ASY003
    resolves: a finding, not an internal error, and no ARC001 for the file."""
    files = {
        _APP + "helpers.py": "import asyncio\n\ndef run_sync():\n    asyncio.run(x())\n",
        _APP + "a.py": (
            "from app.helpers import run_sync\n\nclass A(a" + ".b" * 1500 + "):\n    pass\n\n"
            "async def f():\n    run_sync()\n    y = a" + ".b" * 1500 + "()\n    z = g" + "()" * 1500 + "\n"
        ),
    }
    root = write_example(tmp_path, Example(files))
    from tests.helpers import cli

    result = cli(root, "check", "--no-cache")
    assert result.returncode == 1, result.stderr
    assert "a.py:7:5: ASY003" in result.stdout and "ARC001" not in result.stdout


def test_a_long_chain_is_one_short_line(tmp_path: Path) -> None:
    chain = [f"def f{i}():\n    f{i + 1}()\n" for i in range(300)]
    text = "import asyncio\n\n" + "".join(chain) + "def f300():\n    asyncio.run(x())\n\n"
    text += "".join(f"async def a{i}():\n    f0()\n" for i in range(50))
    root = write_example(tmp_path, Example({_APP + "a.py": text}))
    from tests.helpers import cli

    lines = [line for line in cli(root, "check", "--no-cache").stdout.splitlines() if "ASY003" in line]
    assert len(lines) == 50
    assert lines[0].endswith(
        "a0 -> f0 -> f1 -> f2 -> f3 -> f4 -> f5 -> f6 -> f7 -> f8 -> (290 more calls) -> f299 -> f300 -> asyncio.run"
    )


def test_a_function_passed_into_a_file_only_libcst_reads(tmp_path: Path) -> None:
    """Its definitions name the callee, its call facts are empty (newer syntax than this
    Python's ast reads): the reference leads nowhere, and the run goes on."""
    files = {
        _APP
        + "helpers.py": 'label = f"{"callbacks"}"\n\ntype Alias = int\n\ndef run_with(cb):\n    return cb()\n',
        _APP + "a.py": (
            "import asyncio\nfrom app.helpers import run_with\n\n"
            "def blocking():\n    asyncio.run(x())\n\nasync def handler():\n    run_with(blocking)\n"
        ),
    }
    root = write_example(tmp_path, Example(files))
    from tests.helpers import cli

    result = cli(root, "check", "--no-cache")
    assert result.returncode in (0, 1) and "internal error" not in result.stderr, result.stderr
