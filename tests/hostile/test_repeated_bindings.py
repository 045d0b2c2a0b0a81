"""Run 71: a name bound thousands of times in one scope and used as often took quadratic time
(``import asyncio`` and ``asyncio.run(x)`` 20,000 times each: 40 s for 680 KB), since every
use read a list with one entry per binding. A name's list of kinds now holds each kind twice
at most, and 50 constructors, whatever the count of bindings.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import List

import pytest

from archcheck.facts.names import scope_bindings
from tests.hostile._project import project, unscreened_agree

TIMES = 2_000


def _kinds(source: str, name: str) -> List[str]:
    return scope_bindings(ast.parse(source).body, None)[name]


@pytest.mark.parametrize(
    "statement, name, kinds",
    [
        ("import asyncio\n", "asyncio", ["import", "import"]),
        ("global helper\n", "helper", ["global", "global"]),
        ("loop = asyncio.get_event_loop()\n", "loop", ["instance:asyncio.get_event_loop"] * 2),
        ("def helper(): pass\n", "helper", ["def", "def"]),
    ],
)
def test_a_name_bound_thousands_of_times_keeps_a_short_list(
    statement: str, name: str, kinds: List[str]
) -> None:
    assert _kinds(statement * TIMES, name) == kinds
    assert _kinds(statement, name) == kinds[:1]  # once is still once


def test_many_constructors_of_one_name_end_as_other() -> None:
    kinds = _kinds("".join(f"x = Maker{i}()\n" for i in range(TIMES)), "x")
    assert len(kinds) <= 66 and kinds[-1] == "other"
    assert _kinds("x = A()\nx = B()\n", "x") == ["instance:B", "instance:A"]


def test_repeated_bindings_still_give_every_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repeated = "".join("    import asyncio\n    asyncio.run(x)\n" for _ in range(300))
    looped = "".join(
        "    loop = asyncio.new_event_loop()\n    loop.run_until_complete(x)\n" for _ in range(300)
    )
    files = {
        "repeated.py": f"async def f(x):\n{repeated}",
        "looped.py": f"import asyncio\n\n\nasync def f(x):\n{looped}",
    }
    found = unscreened_agree(project(tmp_path, files), monkeypatch)
    assert sum(code == "ASY001" and path.endswith("repeated.py") for code, path, _ in found) == 300
    assert sum(code == "ASY002" and path.endswith("looped.py") for code, path, _ in found) == 300


def test_a_comprehension_of_many_clauses_binds_its_names_once() -> None:
    """Run 72: inside a function, a comprehension of N ``for`` clauses gave each of its 2N inner
    parts a set of all N names of its own, for the ASY003 call facts: memory in N² (119 KB:
    a MemoryError under 6 GB). The inner parts share one."""
    from archcheck.facts.calls import _run_code

    clauses = "".join(f"for a{i} in y " for i in range(300))
    function = ast.parse(f"def f():\n    v = [g(a0) {clauses}]\n").body[0]
    assert isinstance(function, ast.FunctionDef)
    bounds = {id(bound) for node, (bound, _) in _run_code(function.body) if bound is not None}
    assert len(bounds) == 1


def test_thirty_spellings_of_a_loop_factory_still_make_a_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 72: with room for 10 constructors of a name, the 25th spelling of a loop factory (one
    alias of asyncio each) made ``loop`` no certain loop, and ASY002 was lost."""
    aliases = "".join(f"import asyncio as a{i}\n" for i in range(30))
    branches = "".join(f"    if c == {i}:\n        loop = a{i}.new_event_loop()\n" for i in range(30))
    source = f"{aliases}\n\nasync def f(c):\n{branches}    loop.run_until_complete(x())  # expect\n"
    found = unscreened_agree(project(tmp_path, {"aliases.py": source}), monkeypatch)
    assert [(code, line) for code, _, line in found] == [("ASY002", source.count("\n"))]


def test_a_loop_assigned_to_two_names_is_a_loop_under_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 73: ``a = b = asyncio.new_event_loop()`` bound both names as "other" (one target alone
    was a constructor's instance), so ``a.run_until_complete()`` in async code was no ASY002."""
    assert _kinds("a = b = make()\n", "b") == ["instance:make"]
    assert _kinds("a, b = make()\n", "b") == ["other"]
    source = "import asyncio\n\n\nasync def f():\n    a = b = asyncio.new_event_loop()\n    a.run_until_complete(x())\n"
    found = unscreened_agree(project(tmp_path, {"twice.py": source}), monkeypatch)
    assert [(code, line) for code, _, line in found] == [("ASY002", 6)]
