"""Run 90b/12: a callback stored as an attribute (``self.on_done = cb`` then ``self.on_done()``),
appended to a list in a dict (``self.handlers[event].append(cb)``) or inserted
(``self.first.insert(0, cb)``) was not followed to where it is called back."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile._project import project, unscreened_agree

EVENTS = """\
import asyncio
from collections import defaultdict


class Emitter:
    def __init__(self):
        self.handlers = defaultdict(list)
        self.first = []
        self.many = {}
        self.lists = {}
        self.more = []
        self.on_done = None
        self.on_idle = None

    def on(self, event, cb):
        self.handlers[event].append(cb)

    def prepend(self, cb):
        self.first.insert(0, cb)

    def on_many(self, event, cb):  # (run 91b/03)
        self.many.setdefault(event, []).append(cb)
        self.lists[event] = [cb]
        self.more.extend([cb])

    def emit_many(self, event):
        for cb in self.many.get(event, []):
            cb()

    def emit_lists(self, event):
        for cb in self.lists[event]:
            cb()

    def emit_more(self):
        for cb in self.more:
            cb()

    def set_done(self, cb):
        self.on_done = cb

    def emit(self, event):
        for cb in self.handlers[event]:
            cb()

    def emit_first(self):
        for cb in self.first:
            cb()

    def done(self):
        self.on_done()

    def idle(self):
        self.on_idle()  # nothing is stored here but None

    def emit_copied(self, event):  # (run 92b/05: copied, numbered or held by a local first)
        for cb in list(self.handlers[event]):
            cb()

    def emit_numbered(self):
        for _, cb in enumerate(self.first):
            cb()

    def emit_held(self):
        callbacks = self.first.copy()
        for cb in callbacks:
            cb()

    def done_held(self):
        cb = self.on_done
        cb()

    def emit_gathered(self):  # (run 93b/06: from a comprehension)
        return [cb() for cb in self.first]


emitter = Emitter()


def flush():
    return asyncio.run(asyncio.sleep(0))


def setup():
    emitter.on("x", flush)
    emitter.prepend(flush)
    emitter.on_many("y", flush)
    emitter.set_done(flush)


async def a():
    emitter.emit("x")  # yes


async def b():
    emitter.emit_first()  # yes


async def c():
    emitter.done()  # yes


async def d():
    emitter.idle()


async def e():
    emitter.emit_many("y")  # yes


async def f():
    emitter.emit_lists("y")  # yes


async def g():
    emitter.emit_more()  # yes


async def h():
    emitter.emit_copied("x")  # yes
    emitter.emit_numbered()  # yes
    emitter.emit_held()  # yes
    emitter.done_held()  # yes


async def i():
    emitter.emit_gathered()  # yes
"""


def test_stored_callbacks_are_followed_to_where_they_are_called_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, {"events.py": EVENTS})
    found = [line for code, _, line in unscreened_agree(root, monkeypatch) if code == "ASY003"]
    assert found == [n for n, line in enumerate(EVENTS.splitlines(), 1) if line.endswith("# yes")]


CONSTRUCTED = """\
import asyncio


def make_conn():
    return object()


def run_report():
    return asyncio.run(asyncio.sleep(0))


class Pool:
    def __init__(self, factory, on_close):
        self.conn = factory()
        self.on_close = on_close

    async def fire(self):
        self.on_close()  # yes


async def handler():
    return Pool(make_conn, run_report)  # (the first argument is `factory`, which `__init__` calls)


def make_pool():
    return Pool(make_conn, run_report)


async def close(pool: Pool):
    await make_pool().fire()
"""


def test_a_class_call_s_positional_arguments_are_matched_after_self(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 92b/03: ``Pool(make_conn, run_report)`` took ``run_report`` for ``factory`` (one slot
    off: a class call binds ``self`` as a method call does), so ``__init__`` seemed to call it."""
    root = project(tmp_path, {"pool.py": CONSTRUCTED})
    found = [line for code, _, line in unscreened_agree(root, monkeypatch) if code == "ASY003"]
    assert found == [n for n, line in enumerate(CONSTRUCTED.splitlines(), 1) if line.endswith("# yes")]


CLIENT = """\
import asyncio


class Client:
    def get(self, c):
        return asyncio.run(c)


client = Client()
"""


def test_a_module_level_instance_is_followed_through_its_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 93b/07: ``from app.core import client as mod`` then ``mod.client.get(c)``: a call
    through the instance's module (three parts) was not followed; ``client.get(c)`` was."""
    files = {
        "core/__init__.py": "",
        "core/client.py": CLIENT,
        "h1.py": "from app.core import client as mod\n\n\nasync def handle(c):\n    mod.client.get(c)\n",
        "h2.py": "from app.core.client import client\n\n\nasync def handle(c):\n    client.get(c)\n",
        "h3.py": "import app.core.client\n\n\nasync def handle(c):\n    app.core.client.client.get(c)\n",
    }
    root = project(tmp_path, files)
    found = [(path, line) for code, path, line in unscreened_agree(root, monkeypatch) if code == "ASY003"]
    assert found == [("svc/app/h1.py", 5), ("svc/app/h2.py", 5), ("svc/app/h3.py", 5)]


@pytest.mark.parametrize("init", ["from app.clients.impl import http\n", "from .impl import *\n"])
def test_an_instance_imported_by_name_from_another_module_is_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, init: str
) -> None:
    """Run 94b/01: an instance built in another module than its class's (``wiring.py``:
    ``http = Client()``), or re-exported by a package, imported from there by name: its callers
    were never read, as the instance's name was no name looked for."""
    client = "import asyncio\n\n\nclass Client:\n    def get(self):\n        return asyncio.run(None)\n"
    files = {
        "impl.py": client,
        "wiring.py": "from app.impl import Client\n\nhttp = Client()\n",
        "h.py": "from app.wiring import http\n\n\nasync def h():\n    http.get()\n",
        "clients/__init__.py": init,
        "clients/impl.py": client + "\n\nhttp = Client()\n",
        "h_name.py": "from app.clients import http\n\n\nasync def by_name():\n    http.get()\n",
    }
    root = project(tmp_path, files)
    found = [(path, line) for code, path, line in unscreened_agree(root, monkeypatch) if code == "ASY003"]
    assert found == [("svc/app/h.py", 5), ("svc/app/h_name.py", 5)]


def test_an_annotated_module_level_instance_is_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 95b/08: ``client: Client = Client()`` bound no instance, so its method calls were not
    followed; README says an annotated assignment binds one too."""
    files = {
        "clients.py": CLIENT.replace("client = Client()", "client: Client = Client()")
        + "\n\nasync def f():\n    client.get(None)\n",
        "use.py": "from app.clients import client\n\n\nasync def h():\n    client.get(None)\n",
    }
    root = project(tmp_path, files)
    found = [(path, line) for code, path, line in unscreened_agree(root, monkeypatch) if code == "ASY003"]
    assert found == [("svc/app/clients.py", 13), ("svc/app/use.py", 5)]
