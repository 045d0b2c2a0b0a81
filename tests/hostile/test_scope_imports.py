"""Run 77: a name was read through one table of the whole file's imports, the last import of a
name winning, so a function's own ``from asyncio import run`` meant ``trio.run`` when another
function below imported that, and swapping two functions changed the findings. A name is read
through the imports of the scope that binds it (``names.deciding_scope``, ``own_imports``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile._project import beside_other, findings, marked

HANDLER = """\
async def handler():
    from asyncio import run
    run(work())  # yes
"""
CLI = """\
def cli():
    from trio import run
    run(work)
"""
MODULE_LEVEL = """\
import asyncio


async def handler():
    asyncio.run(work())  # yes


def cli():
    import trio as asyncio
    asyncio.run(work)
"""
DYNAMIC = """\
def g():
    import importlib

    importlib.import_module("other.app.m")  # yes


def f():
    import mylib as importlib

    importlib.import_module("other.app.m")
"""
FALLBACK = """\
try:
    from asyncio import run
except ImportError:
    from uvloop import run


async def fa(c):
    run(c)  # yes
"""
ALTERNATIVES = """\
def load_c(cond):
    if not cond:
        import importlib
    else:
        import os as importlib
    importlib.import_module("other.app.m")  # yes
"""
ANNOTATED = """\
import importlib


def declared():
    importlib: object
    importlib.import_module("other.app.m")
"""


@pytest.mark.parametrize(
    "code",
    [
        HANDLER + "\n\n" + CLI,
        CLI + "\n\n" + HANDLER,
        MODULE_LEVEL,
        DYNAMIC,
        ANNOTATED,
        FALLBACK,
        ALTERNATIVES,
    ],
)
def test_a_name_is_read_through_its_own_scope_s_imports(tmp_path: Path, code: str) -> None:
    """Each import of a name in its scope is one of its meanings (run 78: the last one in the
    source won, so an ``except ImportError:`` fallback hid the import that runs)."""
    found = findings(beside_other(tmp_path, code))
    assert [line for rule, _, line in found if rule in ("ASY001", "IMP001")] == marked(code)
