"""Run 88b: a probing ``try`` whose body leaves inside an ``if True:``, a ``with`` or a
``match`` that ends every way by leaving was not read as leaving, so the loop entry after it,
reached only when the probe raised (no loop runs), was flagged. A body that may still reach
its end (an ``if`` of another test, a ``with`` that swallows a raise, a ``case`` that goes on)
keeps the entry flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile._project import marked, project, unscreened_agree

CODE = """\
import asyncio
import contextlib
import threading

lock = threading.Lock()


async def inside_if_true():
    try:
        asyncio.get_running_loop()
        if True:
            return None
    except RuntimeError:
        pass
    return asyncio.run(fetch())


async def inside_with():
    try:
        asyncio.get_running_loop()
        with lock:
            return None
    except RuntimeError:
        pass
    return asyncio.run(fetch())


async def inside_match(kind):
    try:
        asyncio.get_running_loop()
        match kind:
            case 1:
                return 1
            case _:
                return 2
    except RuntimeError:
        pass
    return asyncio.run(fetch())


async def inside_both_branches(kind):
    try:
        asyncio.get_running_loop()
        if kind:
            return 1
        else:
            return 2
    except RuntimeError:
        pass
    return asyncio.run(fetch())


async def under_another_test(kind):
    try:
        asyncio.get_running_loop()
        if kind:
            return None
    except RuntimeError:
        pass
    return asyncio.run(fetch())  # yes


async def inside_a_swallowing_with():
    try:
        asyncio.get_running_loop()
        with contextlib.suppress(ValueError):
            raise ValueError
    except RuntimeError:
        pass
    return asyncio.run(fetch())  # yes


async def a_case_that_goes_on(kind):
    try:
        asyncio.get_running_loop()
        match kind:
            case 1:
                return 1
            case _:
                pass
    except RuntimeError:
        pass
    return asyncio.run(fetch())  # yes
"""


def test_a_probe_that_leaves_inside_a_nested_block_guards_what_follows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, {"a.py": CODE})
    found = unscreened_agree(root, monkeypatch)
    assert sorted(line for code, _, line in found if code == "ASY001") == marked(CODE)
