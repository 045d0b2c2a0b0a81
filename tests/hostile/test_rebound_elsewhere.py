"""Run 76: a name that certainly held an event loop (or an instance) stayed one when another
scope rebound it: a function declaring it ``global`` or ``nonlocal``, a method assigning the
``self`` attribute something else, or the function itself binding the name it shadows.

A name counts as a loop (ASY002) or an instance (ASY003) only when every binding of it, in
its own scope and from the scopes that declare it theirs, makes one.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile._project import beside_other, marked, project, unscreened_agree

LOOPS = """\
import asyncio
loop = asyncio.new_event_loop()
kept = asyncio.new_event_loop()


def rebinder():
    global loop
    loop = FakeLoop()


def keeps():
    global kept
    kept = asyncio.new_event_loop()


async def module_loop_rebound(x):
    loop.run_until_complete(x)


async def module_loop_kept(x):
    kept.run_until_complete(x)


async def own_name(x):
    kept = FakeLoop()
    kept.run_until_complete(x)


def closure():
    lp = asyncio.new_event_loop()

    def set_it():
        nonlocal lp
        lp = FakeLoop()

    async def inner(x):
        lp.run_until_complete(x)
    return set_it, inner


def closure_kept():
    lp = asyncio.new_event_loop()

    async def inner(x):
        lp.run_until_complete(x)
    return inner


class Swapped:
    def __init__(self):
        self.loop = asyncio.new_event_loop()

    def swap(self):
        self.loop = FakeLoop()

    async def go(self, x):
        self.loop.run_until_complete(x)


class Kept:
    def __init__(self):
        self.loop = asyncio.new_event_loop()

    async def go(self, x):
        self.loop.run_until_complete(x)
"""

INSTANCES = """\
import asyncio


class Client:
    def get(self):
        return asyncio.run(fetch())


client = Client()
kept = Client()


def reset():
    global client
    client = Other()


async def rebound():
    return client.get()


async def still_an_instance():
    return kept.get()
"""


def test_a_loop_rebound_elsewhere_is_no_certain_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path, {"a.py": LOOPS})
    assert [f for f in unscreened_agree(root, monkeypatch) if f[0] == "ASY002"] == [
        ("ASY002", "svc/app/a.py", 21),
        ("ASY002", "svc/app/a.py", 45),
        ("ASY002", "svc/app/a.py", 65),
    ]


def test_an_instance_rebound_through_global_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, {"a.py": INSTANCES})
    assert [f for f in unscreened_agree(root, monkeypatch) if f[0] == "ASY003"] == [
        ("ASY003", "svc/app/a.py", 23)
    ]


BLOCKS = """\
import asyncio
loop = asyncio.new_event_loop()

match command:
    case "reset":
        def reset():
            global loop
            loop = FakeLoop()
    case _:
        try:
            pass
        except Exception:
            def other():
                global loop
                loop = asyncio.new_event_loop()


async def go(x):
    loop.run_until_complete(x)
"""


def test_a_declaration_inside_match_and_except_blocks_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The corpus run: a ``case`` has no line numbers, so the line screen could not ask it."""
    root = project(tmp_path, {"a.py": BLOCKS})
    assert [f for f in unscreened_agree(root, monkeypatch) if f[0].startswith("ASY")] == []


SELF_ATTRIBUTES = """\
import asyncio


class Client:
    def get(self):
        return asyncio.run(work())


class Rebound:
    def __init__(self):
        self.c = Client()
        self.loop = asyncio.new_event_loop()

    def reset(self, other, loops):
        self.c = other
        for self.loop in loops:
            pass

    async def h(self, x):
        self.loop.run_until_complete(x)
        return self.c.get()


class Augmented:
    def __init__(self):
        self.c = Client()
        self.loop = asyncio.new_event_loop()

    def reset(self, other):
        self.c += other
        with other as self.loop:
            pass

    async def h(self, x):
        self.loop.run_until_complete(x)
        return self.c.get()


class Deleted:
    def __init__(self):
        self.c = Client()
        self.loop = asyncio.new_event_loop()

    def reset(self, name):
        del self.c
        setattr(self, name, None)

    async def h(self, x):
        self.loop.run_until_complete(x)
        return self.c.get()


class Kept:
    def __init__(self):
        self.c = Client()
        self.loop = asyncio.new_event_loop()

    def again(self):
        self.c = Client()

    async def h(self, x):
        self.loop.run_until_complete(x)  # yes
        return self.c.get()  # yes


class Reset:
    global loop
    loop = None


async def work():
    pass
"""


def test_a_self_attribute_bound_otherwise_in_another_method_is_no_certain_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 77: ASY003 followed ``self.c.get()`` whatever another method bound ``self.c`` to,
    and ASY002 read ``self.loop`` rebound by ``for``, ``with``, ``+=``, ``del`` or ``setattr``
    as a loop still."""
    root = project(tmp_path, {"a.py": SELF_ATTRIBUTES})
    expected = marked(SELF_ATTRIBUTES)
    found = unscreened_agree(root, monkeypatch)
    assert sorted(line for code, _, line in found if code in ("ASY002", "ASY003")) == expected


CLASS_DECLARES = """\
import asyncio
loop = asyncio.new_event_loop()


class Reset:
    global loop
    loop = None


async def go(x):
    loop.run_until_complete(x)
"""


def test_a_class_body_that_rebinds_a_global_loop_makes_it_uncertain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, {"a.py": CLASS_DECLARES})
    assert [f for f in unscreened_agree(root, monkeypatch) if f[0] == "ASY002"] == []


MORE = """\
import asyncio


class Client:
    def get(self):
        return asyncio.run(work())


async def typed(x):
    loop: asyncio.AbstractEventLoop
    loop = asyncio.new_event_loop()
    loop.run_until_complete(x)  # yes


async def typed_client():
    c: Client
    c = Client()
    c.get()  # yes


async def outer(x):
    loop = asyncio.new_event_loop()

    def middle():
        nonlocal loop
        loop = asyncio.new_event_loop()

        def inner():
            nonlocal loop
            loop = object()

        return inner

    loop.run_until_complete(x)


class S:
    def __init__(self):
        self.loop = asyncio.new_event_loop()

    def reset(this):
        this.loop = object()

    async def go(self, x):
        self.loop.run_until_complete(x)


async def shared(x):
    global only_here
    only_here = asyncio.new_event_loop()
    only_here.run_until_complete(x)  # yes


def setup():
    global set_up
    set_up = asyncio.new_event_loop()


async def uses_it(x):
    set_up.run_until_complete(x)  # yes


def other_setup():
    global made_twice
    made_twice = asyncio.new_event_loop()


def fake_setup():
    global made_twice
    made_twice = object()


async def uses_either(x):
    made_twice.run_until_complete(x)


async def work():
    pass
"""


def test_run_78_declarations_chains_and_receivers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run 78: ``x: T`` before ``x = make()`` made ``x`` uncertain; a ``nonlocal`` rebinding
    was credited to a function that is itself ``nonlocal``; another method's ``this.loop``
    was not read as ``self.loop``; a name only functions bind, through ``global``, was never
    a loop."""
    root = project(tmp_path, {"a.py": MORE})
    expected = marked(MORE)
    found = unscreened_agree(root, monkeypatch)
    assert sorted(line for code, _, line in found if code in ("ASY002", "ASY003")) == expected


FACTORY_REBOUND = """\
import asyncio


def use_fake():
    global asyncio
    asyncio = FakeAsyncio()


def setup():
    global loop
    loop = asyncio.new_event_loop()


async def f(x):
    loop.run_until_complete(x)


def outer():
    from asyncio import new_event_loop as make

    def mid():
        nonlocal make
        make = object

    def setup_inner():
        global inner_loop
        inner_loop = make()


async def g(x):
    inner_loop.run_until_complete(x)


def setup_own():
    global own_loop
    import asyncio

    asyncio = FakeAsyncio()
    own_loop = asyncio.new_event_loop()


async def h(x):
    own_loop.run_until_complete(x)
"""

FACTORY_REIMPORTED = """\
import asyncio


def lazy():
    global asyncio
    import asyncio


def setup():
    global loop
    loop = asyncio.new_event_loop()


async def f(x):
    loop.run_until_complete(x)  # yes
"""


@pytest.mark.parametrize("code", [FACTORY_REBOUND, FACTORY_REIMPORTED])
def test_a_loop_bound_through_global_reads_its_factory_with_what_other_functions_rebind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    """Run 82b: a loop a function binds through ``global`` was read through the factory's
    import though another function rebinds that factory (``global asyncio; asyncio = Fake()``,
    or ``nonlocal make``), while the same loop bound at module level was not."""
    root = project(tmp_path, {"a.py": code})
    found = [f[2] for f in unscreened_agree(root, monkeypatch) if f[0] == "ASY002"]
    assert found == marked(code)


IMPORTED_THROUGH_NONLOCAL = """\
import asyncio
from importlib import import_module


def with_trio():
    asyncio = None

    def setup():
        nonlocal asyncio
        import trio as asyncio

    async def main():
        asyncio.run(work())
        loop = asyncio.new_event_loop()
        loop.run_until_complete(work())

    class K:
        def setup(self):
            nonlocal asyncio
            import trio as asyncio


def plugin_loader():
    import_module = None

    def setup():
        nonlocal import_module
        from mylib.plugins import import_module

    def load():
        return import_module("other.app.m")


def still_asyncio():
    async def main():
        asyncio.run(work())  # yes
        import_module("other.app.m")  # yes
"""


def test_a_name_a_nested_function_imports_through_nonlocal_has_no_known_meaning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 83b: ``asyncio = None`` then a helper's ``nonlocal asyncio; import trio as asyncio``
    was read through the module's ``import asyncio``: a false ASY001, ASY002 and IMP001."""
    root = beside_other(tmp_path, IMPORTED_THROUGH_NONLOCAL)
    found = unscreened_agree(root, monkeypatch)
    assert sorted((f[0], f[2]) for f in found if f[0] in ("ASY001", "ASY002", "IMP001")) == [
        ("ASY001", marked(IMPORTED_THROUGH_NONLOCAL)[0]),
        ("IMP001", marked(IMPORTED_THROUGH_NONLOCAL)[1]),
    ]
