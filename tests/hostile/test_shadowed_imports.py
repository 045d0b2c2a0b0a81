"""Run 65: a name bound in a function shadowed nothing, so ``async def f(asyncio): asyncio.run(a)``
was ASY001, and ``--fix`` rewrote the call to ``await a``, changing what the code does.

A parameter, an assignment, a loop target, a lambda's parameter or a comprehension's target in
the scope that uses the name (or a function around it) makes it the function's own, not the
module the file imports; an import in the function keeps it the module's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile._project import findings, project, run, unscreened_agree

SHADOWED = """\
import asyncio
from asyncio import run


async def parameter(asyncio):
    asyncio.run(a)


async def assigned(runner):
    asyncio = runner
    asyncio.run(a)


async def looped(runners):
    for run in runners:
        run(a)


async def outer(asyncio):
    async def inner():
        asyncio.get_event_loop().run_until_complete(a)
    return inner, lambda asyncio: asyncio.run(a), [asyncio.run(c) for asyncio in runners]


def helper(asyncio):
    return asyncio.run(a)


async def caller():
    return helper(runner)
"""

STILL_THE_MODULE = """\
import asyncio


class Worker:
    asyncio = None

    async def handle(self):
        asyncio.run(a)


async def imported_here():
    import asyncio
    asyncio.run(a)


async def other_target(runners):
    return [asyncio.run(c) for runner in runners]
"""


def test_a_name_bound_in_the_function_is_not_the_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, {"a.py": SHADOWED})
    assert [f for f in unscreened_agree(root, monkeypatch) if f[0].startswith("ASY")] == []
    before = (root / "svc/app/a.py").read_bytes()
    run(root, "--fix")
    assert (root / "svc/app/a.py").read_bytes() == before


def test_a_class_attribute_or_another_name_shadows_nothing(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": STILL_THE_MODULE})
    assert [f for f in findings(root) if f[0] == "ASY001"] == [
        ("ASY001", "svc/app/a.py", 8),
        ("ASY001", "svc/app/a.py", 13),
        ("ASY001", "svc/app/a.py", 17),
    ]
