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


_GUARD = ["if loop.is_running():", "    return"]


def _wrapped(wrapper: List[str], inner: List[str]) -> str:
    """``wrapper``'s lines, with ``{guard}`` replaced by the guard (indented as the marker is),
    then a loop entry after the wrapper."""
    lines = [
        "import asyncio",
        "import contextlib",
        "",
        "async def f(x, lock):",
        "    loop = asyncio.get_event_loop()",
    ]
    for line in wrapper:
        if line.strip() == "{guard}":
            indent = line[: len(line) - len(line.lstrip())]
            lines += ["    " + indent + g for g in inner]
        else:
            lines.append("    " + line)
    lines.append("    loop.run_until_complete(g())")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "wrapper, guarded",
    [
        (["try:", "    {guard}", "finally:", "    lock.release()"], True),
        (["try:", "    pass", "finally:", "    {guard}"], True),
        (["try:", "    {guard}", "except ValueError:", "    return"], True),
        (["try:", "    {guard}", "except ValueError:", "    pass"], False),  # the handler may come first
        (["if True:", "    {guard}"], True),
        (["if 1:", "    {guard}", "else:", "    pass"], True),
        (["if x:", "    {guard}"], False),
        (["with lock:", "    {guard}"], True),
        (["with contextlib.suppress(KeyError):", "    {guard}"], False),  # a raise skips the guard
        (["match x:", "    case 1:", "        return", "    case _:", "        {guard}"], True),
        (["match x:", "    case 1:", "        return", "    case (_ as y) | 2:", "        {guard}"], True),
        (["match x:", "    case 1:", "        return", "    case 2:", "        {guard}"], False),  # no match
        (["match x:", "    case 1:", "        pass", "    case _:", "        {guard}"], False),
        (["match x:", "    case 1:", "        return", "    case _ if x:", "        {guard}"], False),
    ],
)
def test_a_guard_inside_a_block_guards_what_follows_every_way_out_of_it(
    wrapper: List[str], guarded: bool
) -> None:
    """Run 82b: a guard inside ``try``/``finally``, ``if True:`` or ``match`` did not guard what
    follows the statement, though every way out of it passes the guard."""
    text = _wrapped(wrapper, _GUARD)
    calls = LoopCalls(frozenset({"asyncio.run"}), frozenset({"run_until_complete"}))
    entries = gather_loop_entries(ParsedSource("m.py", text, ast.parse(text)), {"asyncio": "asyncio"}, calls)
    assert [entry.guarded for entry in entries] == [guarded], text


def test_dead_code_under_if_false_is_no_loop_entry_that_runs() -> None:
    text = "import asyncio\n\nasync def f():\n    if False:\n        asyncio.run(g())\n    if 0:\n        pass\n    else:\n        asyncio.run(g())\n"
    calls = LoopCalls(frozenset({"asyncio.run"}), frozenset({"run_until_complete"}))
    entries = gather_loop_entries(ParsedSource("m.py", text, ast.parse(text)), {"asyncio": "asyncio"}, calls)
    assert [entry.guarded for entry in entries] == [True, False]


def _nested(levels: int, ifs: int) -> str:
    """``levels`` blocks (``with``, ``try``/``finally``, ``match``/``case _:`` in turn), each
    opening with ``ifs`` tests that guard nothing, the innermost ending in a guard and a loop
    entry; then a loop entry after them all."""
    lines = ["import asyncio", "", "async def f(x, m):", "    loop = asyncio.get_event_loop()"]
    closers: List[str] = []
    indent = "    "
    for level in range(levels):
        kind = level % 3
        lines.append(indent + ("with m:", "try:", "match x:")[kind])
        if kind == 2:
            lines.append(indent + "    case _:")
        inner = indent + ("        " if kind == 2 else "    ")
        if kind == 1:
            closers.append(indent + "finally:\n" + indent + "    pass")
        else:
            closers.append("")
        lines += [inner + f"if x == {i}:" + "\n" + inner + "    return" for i in range(ifs)]
        indent = inner
    lines += [
        indent + "if loop.is_running():",
        indent + "    return",
        indent + "loop.run_until_complete(g())",
    ]
    lines += [c for c in reversed(closers) if c]
    lines.append("    loop.run_until_complete(g())")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels, guarded", [(16, True), (17, False)])
def test_a_guard_is_looked_for_in_16_nested_blocks_each_judged_once(
    monkeypatch: pytest.MonkeyPatch, levels: int, guarded: bool
) -> None:
    """Each test is judged once, whatever the depth its statement is met at (judging each
    again from every block around it cost 16 times as much)."""
    judged: List[ast.expr] = []
    meaning = loops._Gatherer.meaning
    monkeypatch.setattr(
        loops._Gatherer, "meaning", lambda self, test, ctx: judged.append(test) or meaning(self, test, ctx)
    )
    text = _nested(levels, 10)
    calls = LoopCalls(frozenset({"asyncio.run"}), frozenset({"run_until_complete"}))
    entries = gather_loop_entries(ParsedSource("m.py", text, ast.parse(text)), {"asyncio": "asyncio"}, calls)
    assert [entry.guarded for entry in entries] == [True, guarded]
    assert len(judged) == len({id(test) for test in judged}) == levels * 10 + 1


def test_a_context_manager_that_swallows_a_raise_is_known_under_an_import_alias() -> None:
    """Run 84b: ``suppress`` and ``pytest.raises`` were known by the name as written only: a
    guard inside ``with quietly(...)`` guarded, and ``with expect(RuntimeError):`` was no test."""
    text = (
        "import asyncio\nfrom contextlib import suppress as quietly\nfrom pytest import raises as expect\n\n"
        "async def f():\n    loop = asyncio.get_event_loop()\n    with quietly(KeyError):\n"
        "        if loop.is_running():\n            return\n    loop.run_until_complete(g())\n\n"
        "async def test_f():\n    with expect(RuntimeError):\n        asyncio.run(g())\n"
    )
    calls = LoopCalls(frozenset({"asyncio.run"}), frozenset({"run_until_complete"}))
    entries = gather_loop_entries(ParsedSource("m.py", text, ast.parse(text)), {"asyncio": "asyncio"}, calls)
    assert [(entry.location.line, entry.guarded, entry.expected) for entry in entries] == [
        (10, False, False),
        (14, False, True),
    ]
