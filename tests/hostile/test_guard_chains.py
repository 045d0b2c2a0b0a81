"""An ``elif`` chain is judged as a guard once, from its end: each link's test is read a
bounded number of times, not once for every link above it (which would be quadratic in a
chain of thousands of links), and the answer is the same as for a short chain.
"""

from __future__ import annotations

import ast
from typing import List

import pytest

from archcheck.facts import loops
from archcheck.facts.loops import LoopCalls, gather_loop_entries
from archcheck.facts.source import ParsedSource

LINKS = 600


def _chain(links: int, falls_through: bool) -> str:
    lines: List[str] = ["import asyncio", "", "async def f(x):", "    loop = asyncio.get_event_loop()"]
    for i in range(links):
        lines += [f"    {'if' if i == 0 else 'elif'} x == {i}:", "        return"]
    if falls_through:
        lines += ["    elif x is None:", "        pass"]
    lines += ["    elif loop.is_running():", "        return", "    loop.run_until_complete(g())"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("falls_through", [False, True])
def test_an_elif_chain_is_judged_once(monkeypatch: pytest.MonkeyPatch, falls_through: bool) -> None:
    judged: List[ast.expr] = []
    meaning = loops._Gatherer.meaning
    monkeypatch.setattr(
        loops._Gatherer, "meaning", lambda self, test, ctx: judged.append(test) or meaning(self, test, ctx)
    )
    text = _chain(LINKS, falls_through)
    calls = LoopCalls(frozenset({"asyncio.run"}), frozenset({"run_until_complete"}))
    entries = gather_loop_entries(ParsedSource("m.py", text, ast.parse(text)), {"asyncio": "asyncio"}, calls)
    assert [entry.guarded for entry in entries] == [not falls_through]
    assert len(judged) <= 2 * (LINKS + 2)


@pytest.mark.parametrize("wrappers", [0, 15, 16, 40])
def test_the_nesting_bound_counts_from_the_guard_not_from_the_function(wrappers: int) -> None:
    """Run 76: a guard's answer was remembered from the depth it was first judged at, so one
    inside 16 plain ``if True:`` blocks stopped guarding what follows it."""
    lines = ["import asyncio", "", "async def f(x):", "    loop = asyncio.get_event_loop()"]
    indent = "    "
    for _ in range(wrappers):
        lines.append(indent + "if True:")
        indent += "    "
    guard = ["if x:", "    if loop.is_running():", "        return", "else:", "    return"]
    lines += [indent + line for line in guard] + [indent + "loop.run_until_complete(g())"]
    text = "\n".join(lines) + "\n"
    calls = LoopCalls(frozenset({"asyncio.run"}), frozenset({"run_until_complete"}))
    entries = gather_loop_entries(ParsedSource("m.py", text, ast.parse(text)), {"asyncio": "asyncio"}, calls)
    assert [entry.guarded for entry in entries] == [True]
