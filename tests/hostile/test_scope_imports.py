"""Run 77: a name was read through one table of the whole file's imports, the last import of a
name winning, so a function's own ``from asyncio import run`` meant ``trio.run`` when another
function below imported that, and swapping two functions changed the findings. A name is read
through the imports of the scope that binds it (``names.deciding_scope``, ``own_imports``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile._project import beside_other, findings, marked, project, unscreened_agree

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


# run 79: the screens, ASY002's loop factories, ASY004's and ASY006's decorators and ASY003's
# imported functions still read the file-wide table, where a function's import of a name could
# hide the module's, or another function's
ALIASED = """\
async def f():
    from asyncio import run as go
    go(main())  # yes


def k():
    from trio import run as go
"""
FALLBACK_ALIASED = """\
try:
    from asyncio import run as run_coro
except ImportError:
    from trio import run as run_coro


async def f():
    run_coro(main())  # yes
"""
FACTORY = """\
async def f():
    from asyncio import new_event_loop as mk
    loop = mk()
    loop.run_until_complete(main())  # yes
"""
OTHER_FACTORY = """\
def k():
    from mylib import mk
"""
MODULE_FACTORY = """\
import asyncio as aio


async def f():
    loop = aio.new_event_loop()
    loop.run_until_complete(main())  # yes


def k():
    import anyio as aio
"""
DECORATED = """\
from contextlib import asynccontextmanager as acm


@acm
async def gen():
    try:
        yield 1
    finally:
        await cleanup()


def k():
    from mylib import acm
"""
DEPENDED = """\
from contextlib import asynccontextmanager
from fastapi import Depends as D


@asynccontextmanager
async def cm():
    yield 1


def ep(x=D(cm)):  # yes
    pass


def k():
    from mylib import D
"""


# run 80: the one-line form of an entry, and a loop another scope rebinds through its own import
ONE_LINE_OWN = """\
from mylib.loops import new_event_loop


async def f(c):
    from asyncio import new_event_loop
    new_event_loop().run_until_complete(c)  # yes
"""
ONE_LINE_OTHER = """\
from asyncio import new_event_loop


async def f(c):
    from mylib.loops import new_event_loop
    new_event_loop().run_until_complete(c)
"""
REBOUND_GLOBAL = """\
from asyncio import new_event_loop as make
loop = make()


def reset():
    global loop
    from mylib import make
    loop = make()


async def f(c):
    loop.run_until_complete(c)
"""
REBOUND_NONLOCAL = """\
async def f(c):
    from asyncio import new_event_loop as make
    loop = make()

    def reset():
        nonlocal loop
        from mylib import make
        loop = make()

    reset()
    loop.run_until_complete(c)
"""


@pytest.mark.parametrize(
    "code",
    [
        ONE_LINE_OWN,
        ONE_LINE_OTHER,
        REBOUND_GLOBAL,
        REBOUND_NONLOCAL,
        ALIASED,
        FALLBACK_ALIASED,
        FACTORY + "\n\n" + OTHER_FACTORY,
        OTHER_FACTORY + "\n\n" + FACTORY,
        MODULE_FACTORY,
        DECORATED,
        DEPENDED,
    ],
)
def test_every_gatherer_reads_a_name_through_its_scope(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    found = unscreened_agree(beside_other(tmp_path, code), monkeypatch)
    assert [line for rule, _, line in found if rule.startswith("ASY")] == marked(code)


def test_an_imported_function_is_the_module_s_import_not_a_function_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = "from app.h import helper\n\n\nasync def f():\n    helper()  # yes\n\n\ndef k():\n    from mylib import helper\n"
    files = {"h.py": "import asyncio\n\n\ndef helper():\n    asyncio.run(main())\n", "a.py": code}
    found = unscreened_agree(project(tmp_path, files), monkeypatch)
    assert [(path, line) for rule, path, line in found if rule == "ASY003"] == [("svc/app/a.py", 5)]


# found in review after run 80: the running-loop probe of a ``try`` and a method's ``self`` loop
# still read the probe's and the factory's names through the file-wide table
PROBE_OWN = """\
import asyncio


async def f(c):
    from asyncio import get_running_loop
    try:
        get_running_loop()
    except RuntimeError:
        asyncio.run(c)


def k():
    from mylib import get_running_loop
"""
PROBE_OTHER = """\
import asyncio


async def f(c):
    from mylib import get_running_loop
    try:
        get_running_loop()
    except RuntimeError:
        asyncio.run(c)  # yes


def k():
    from asyncio import get_running_loop
"""
PROBE_FLAG = """\
import asyncio


async def f(c):
    from asyncio import get_running_loop
    try:
        get_running_loop()
        inside = True
    except RuntimeError:
        inside = False
    if inside:
        return
    asyncio.run(c)


def k():
    from mylib import get_running_loop
"""
SELF_LOOP = """\
class Runner:
    def __init__(self):
        from asyncio import new_event_loop as mk
        self.loop = mk()

    async def go(self, c):
        self.loop.run_until_complete(c)  # yes


def k():
    from mylib import mk
"""


# run 81b: a probe named by a parameter; a loop bound only through `global`, its factory read
# through the rebinding function's imports or those of a function around it
PROBE_PARAMETER = """\
import asyncio
from asyncio import get_running_loop


async def g(get_running_loop):
    try:
        get_running_loop()
    except RuntimeError:
        asyncio.run(work())  # yes
"""
GLOBAL_OWN_IMPORT = """\
def setup():
    global loop
    from asyncio import new_event_loop
    loop = new_event_loop()


async def h():
    loop.run_until_complete(x())  # yes
"""
GLOBAL_AROUND_IMPORT = """\
from asyncio import new_event_loop


def outer():
    from mylib import new_event_loop

    def setup():
        global loop
        loop = new_event_loop()

    return setup


async def h():
    loop.run_until_complete(x())
"""
# run 81b: a nested function's decorator and `Depends` read through its scope's imports
NESTED_DECORATOR_OWN = """\
from mylib import asynccontextmanager
from fastapi import Depends


def factory():
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def get_db():
        yield 1

    async def route(db=Depends(get_db)):  # yes
        async for s in get_db():  # yes
            pass

    return route
"""
NESTED_DECORATOR_OTHER = """\
from contextlib import asynccontextmanager
from fastapi import Depends


def factory():
    from mylib import asynccontextmanager, Depends

    @asynccontextmanager
    async def get_db():
        yield 1

    async def route(db=Depends(get_db)):
        async for s in get_db():
            pass

    return route
"""
CLASS_COMPREHENSION = """\
from asyncio import run


async def k(cs):
    class C:
        run = print
        v = [run(c) for c in cs]  # yes
        w = run("the class's own: print")
"""
GLOBAL_AROUND_REAL = """\
from mylib import new_event_loop


def outer():
    from asyncio import new_event_loop

    def setup():
        global loop
        loop = new_event_loop()

    return setup


async def h():
    loop.run_until_complete(x())  # yes
"""


@pytest.mark.parametrize(
    "code",
    [
        PROBE_OWN,
        PROBE_OTHER,
        PROBE_FLAG,
        SELF_LOOP,
        PROBE_PARAMETER,
        GLOBAL_OWN_IMPORT,
        GLOBAL_AROUND_IMPORT,
        GLOBAL_AROUND_REAL,
        CLASS_COMPREHENSION,
        NESTED_DECORATOR_OWN,
        NESTED_DECORATOR_OTHER,
    ],
)
def test_probes_and_self_loops_read_names_through_their_scope(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    found = unscreened_agree(beside_other(tmp_path, code), monkeypatch)
    assert [line for rule, _, line in found if rule.startswith("ASY")] == marked(code)
