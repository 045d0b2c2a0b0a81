"""Runs 65 and 66: a name bound in a function shadowed nothing, so ``async def f(asyncio): asyncio.run(a)``
was ASY001, and ``--fix`` rewrote the call to ``await a``, changing what the code does.

A parameter, an assignment, a loop target, a lambda's parameter or a comprehension's target in
the scope that uses the name (or a function around it) makes it the function's own, not the
module the file imports; an import in the function keeps it the module's.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.hostile._project import beside_other, findings, marked, project, run, unscreened_agree

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


async def loop_of_a_parameter(asyncio):
    loop = asyncio.new_event_loop()
    loop.run_until_complete(a)


class Holder:
    def __init__(self, asyncio):
        self.loop = asyncio.new_event_loop()

    async def drive(self):
        self.loop.run_until_complete(a)


def enters():
    asyncio.run(a)


async def calls_its_parameter(enters):
    enters()


async def calls_its_local(other):
    enters = other
    enters()


def around(enters):
    async def inner():
        enters()

    return inner


async def in_a_comprehension():
    return [enters() for enters in (print,)]


def rebound():
    asyncio.run(a)


rebound = other


async def calls_the_rebound_name():
    rebound()


async def imported_relatively(c):  # (run 92b/14: the function's own import, relative)
    from .runner import run

    return run(c)
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


async def declared_global():
    global asyncio
    asyncio.run(a)


async def first_iterable():
    return [y for asyncio in asyncio.run(a)]


def closure():
    asyncio = None

    async def inner():
        nonlocal asyncio
        import asyncio
        asyncio.run(a)
    return inner


try:
    import uvloop
except ImportError:
    uvloop = None


async def stand_in():
    uvloop.new_event_loop().run_until_complete(a)
"""

REBOUND_BY_THE_MODULE = """\
import asyncio
from asyncio import run


def run(job):
    return queue.put(job)


asyncio = Runner()


async def handler():
    run(a)
    asyncio.run(a)


async def rebinds_the_global():
    global run
    run = other
    run(a)
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
    assert [f for f in findings(root) if f[0] in ("ASY001", "ASY002")] == [
        ("ASY001", "svc/app/a.py", 8),
        ("ASY001", "svc/app/a.py", 13),
        ("ASY001", "svc/app/a.py", 17),
        ("ASY001", "svc/app/a.py", 22),
        ("ASY001", "svc/app/a.py", 26),
        ("ASY001", "svc/app/a.py", 35),
        ("ASY002", "svc/app/a.py", 46),
    ]


def test_a_name_the_module_rebinds_is_not_the_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run 66: a module's own ``def run`` after ``from asyncio import run`` was asyncio's, and
    ``--fix`` rewrote the call; ``global`` names in a function are the module's."""
    root = project(tmp_path, {"a.py": REBOUND_BY_THE_MODULE})
    assert [f for f in unscreened_agree(root, monkeypatch) if f[0].startswith("ASY")] == []
    before = (root / "svc/app/a.py").read_bytes()
    run(root, "--fix")
    assert (root / "svc/app/a.py").read_bytes() == before


DECLARED_AND_DEFAULTS = """\
import asyncio
from contextlib import contextmanager


@contextmanager
def get_db():
    yield 1


async def uses_global():
    global get_db
    async with get_db() as s:
        return s


async def lambda_default():
    return lambda a=asyncio.run(x()): 0


async def dict_comprehension():
    return {k: v for k, asyncio in asyncio.run(x())}


async def generator_expression():
    return list(asyncio for asyncio in asyncio.run(x()))
"""


def test_declared_names_and_what_runs_outside_a_scope_are_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 66: a ``global`` name in the generators' walk was uncertain (ASY005 lost); a
    lambda's defaults, computed in the async function, were never walked (ASY001 lost)."""
    root = project(tmp_path, {"a.py": DECLARED_AND_DEFAULTS})
    assert [f[::2] for f in unscreened_agree(root, monkeypatch)] == [
        ("ASY005", 12),
        ("ASY001", 17),
        ("ASY001", 21),
        ("ASY001", 25),
    ]


@pytest.mark.skipif(sys.version_info < (3, 12), reason="type parameters: PEP 695")
def test_type_parameters_and_aliases_are_names_of_their_own(tmp_path: Path) -> None:
    text = (
        "import asyncio\nfrom asyncio import run\n\n\nasync def f[asyncio]():\n    asyncio.run(a)\n\n\n"
        "class K[asyncio]:\n    async def m(self):\n        asyncio.run(a)\n\n\n"
        "type run = int\n\n\nasync def g():\n    run(a)\n\n\n"
        "def helper():\n    asyncio.run(a)\n\n\n"
        "class L[helper]:\n    async def m(self):\n        helper()\n\n"
        "    async def n(self):\n        def inner():\n            helper()\n\n        inner()\n"
    )
    root = project(tmp_path, {"a.py": text})
    assert [f for f in findings(root) if f[0].startswith("ASY")] == []


PROTOCOL_NAMES_OF_THEIR_OWN = """\
from contextlib import asynccontextmanager, contextmanager

from fastapi import Depends


@contextmanager
def cm():
    yield 1


@asynccontextmanager
async def acm():
    yield 1


async def direct():
    async for a in acm():
        pass


async def comprehension_target(factories):
    return [[a async for a in acm()] for acm in factories]


async def lambda_parameter():
    return lambda acm: [a async for a in acm()]


def route(x=(lambda cm: Depends(cm))(print)):
    pass


def route2(deps):
    return [Depends(cm) for cm in deps]
"""

RECEIVERS = """\
import asyncio


class K:
    def helper(this):
        asyncio.run(x())

    async def named_otherwise(this):
        this.helper()

    async def rebound(self):
        for self in others:
            pass
        self.helper()
"""


def test_protocol_uses_of_a_lambda_s_or_comprehension_s_own_name_are_not_judged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 67: ASY005/ASY006 took a lambda's parameter or a comprehension's target for the
    module's function of that name."""
    root = project(tmp_path, {"a.py": PROTOCOL_NAMES_OF_THEIR_OWN})
    assert [f[::2] for f in unscreened_agree(root, monkeypatch) if f[0].startswith("ASY")] == [("ASY005", 17)]


def test_a_method_s_first_parameter_is_its_receiver_whatever_its_name(tmp_path: Path) -> None:
    """Run 67: ASY003 followed ``self.m()`` and ``cls.m()`` only, also after ``for self in …``."""
    root = project(tmp_path, {"a.py": RECEIVERS})
    assert [f[::2] for f in findings(root) if f[0] == "ASY003"] == [("ASY003", 9)]


def test_names_bound_around_an_expression_are_a_chain_not_copies() -> None:
    """Run 67: each nested lambda copied every name bound around it (2,900 lambdas of 125
    parameters: 3.6e8 insertions, 12.5 s); a level holds its own names and a link."""
    from archcheck.facts.names import bind, binds

    chain = None
    for level in range(3_000):
        chain = bind(chain, [f"p{level}_{k}" for k in range(3)])
        assert chain is not None and len(chain.names) == 3
    assert binds(chain, "p0_0") and binds(chain, "p2999_2") and not binds(chain, "asyncio")
    assert bind(chain, []) is chain


COMPREHENSION_SCOPES = """\
import asyncio


def helper():
    asyncio.run(x())
    return []


async def beside_a_comprehension(ys):
    helper()
    return [h for helper in ys]


async def in_the_first_iterable():
    return [h for helper in helper()]


class K:
    def helper(self):
        asyncio.run(x())

    async def receiver_rebound(this, others):
        return [this.helper() for this in others]
"""


def test_a_comprehension_s_names_are_its_own_for_the_call_graph(tmp_path: Path) -> None:
    """Run 68: a comprehension's target hid every call of that name in the function (also
    outside it, and in its first iterable), and did not hide a receiver it rebinds."""
    root = project(tmp_path, {"a.py": COMPREHENSION_SCOPES})
    assert [f[::2] for f in findings(root) if f[0] == "ASY003"] == [("ASY003", 10), ("ASY003", 15)]


REBOUND_OTHERWISE = """\
import asyncio


def helper():
    asyncio.run(x())


def third():
    asyncio.run(x())


third = make()


async def built_locally():
    helper = make()
    helper()


async def a_local_class():
    class helper:
        pass

    helper()


async def rebound_by_the_module():
    third()


async def declared_global():
    global third
    third()


async def loop_bound_twice():
    loop = asyncio.get_event_loop()
    loop = FakeLoop()
    loop.run_until_complete(x())


async def loop_bound_by_a_for(others):
    loop = asyncio.new_event_loop()
    for loop in others:
        pass
    loop.run_until_complete(x())


async def control():
    helper()
    loop = asyncio.new_event_loop()
    loop.run_until_complete(x())
"""


def test_names_rebound_by_a_call_a_class_or_the_module_are_not_the_def(tmp_path: Path) -> None:
    """Run 69: ASY003 took ``helper = make()``, a local class and a module's ``third = make()``
    (also through ``global third``) for the def; ASY002 took a name bound to a loop factory
    and to something else for a certain loop."""
    root = project(tmp_path, {"a.py": REBOUND_OTHERWISE})
    assert [f[::2] for f in findings(root) if f[0] in ("ASY002", "ASY003")] == [
        ("ASY003", 50),
        ("ASY002", 52),
    ]


COMPUTED_WHERE_DEFINED = """\
import asyncio


def helper(*args):
    asyncio.run(x())


async def a_decorator():
    @helper
    def inner():
        pass


async def a_default():
    def inner(value=helper()):
        pass


async def a_lambda_default():
    return lambda value=helper(): value


async def a_class_body():
    class Inner(Base):
        value = helper()


async def a_class_base():
    class Inner(helper()):
        pass


async def only_when_called():
    def inner():
        helper()

    return inner, lambda: helper()


async def bound_in_the_class_body():
    class Inner:
        def helper(self):
            pass

        value = helper()


async def a_class_name_unseen_in_its_comprehension():
    class Inner:
        helper = None
        values = [helper() for _ in range(3)]


async def imported_in_the_function():
    from json import loads as helper

    helper()
"""


def test_what_a_nested_definition_computes_where_it_is_defined_is_the_function_s_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ASY003 skipped every nested definition: a nested def's decorators (``@helper`` calls it)
    and defaults, a lambda's defaults, a class's bases and body run in the function that defines
    them. A class body's names are its own (but not inside a comprehension in it), and a
    function's own import of a name the module defines is not the module's def."""
    root = project(tmp_path, {"a.py": COMPUTED_WHERE_DEFINED})
    assert [f[::2] for f in unscreened_agree(root, monkeypatch) if f[0] == "ASY003"] == [
        ("ASY003", 9),
        ("ASY003", 15),
        ("ASY003", 20),
        ("ASY003", 25),
        ("ASY003", 29),
        ("ASY003", 51),
    ]


RUN_70 = """\
import asyncio
from asyncio import run


def helper():
    asyncio.run(x())


async def mapping_rest(msg, coro):
    match msg:
        case {"kind": "x", **run}:
            return run(coro)


async def mapping_rest_called(msg):
    match msg:
        case {**helper}:
            helper()


async def walrus_in_a_default():
    def inner(a=(helper := make())):
        return a

    helper()


async def walrus_in_a_lambda_default():
    f = lambda a=(helper := make()): a
    helper()


async def read_before_the_class_binds_it():
    class Cached:
        helper = helper()


async def read_before_a_later_binding():
    class Cached:
        value = helper()
        helper = None


async def bound_before_the_read():
    class Cached:
        helper = None
        value = helper()


async def bound_in_a_loop_of_the_class_body(items):
    class Cached:
        for item in items:
            value = helper()
            helper = item


async def annotations_are_not_computed_here():
    def inner(a: helper() = 1) -> helper():
        return a


async def walrus_of_the_import_in_a_default(coro, make):
    def inner(a=(run := make())):
        return a

    return run(coro)
"""


def test_run_70_captures_walruses_and_class_bodies_are_read_as_python_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 70: a mapping pattern's ``**rest`` binds a name (ASY001, a meaning-changing fix, and
    ASY003 took it for the import or the def); a walrus in a nested def's or a lambda's default
    binds in the function around; a class body reads a name it has not bound yet around it
    (``helper = helper()`` calls the module's). Annotations are not computed where a def is
    (``from __future__ import annotations``, 3.14), so they are no calls."""
    root = project(tmp_path, {"a.py": RUN_70})
    assert [f[::2] for f in unscreened_agree(root, monkeypatch) if f[0].startswith("ASY")] == [
        ("ASY003", 35),
        ("ASY003", 40),
    ]
    assert b"await" not in run(root, "--diff").stdout


CLASS_BODY_IMPORT = """\
async def caller():
    class Task:
        from app.h import helper

        value = helper()


async def caller_plain():
    from app.h import helper

    helper()
"""


def test_a_class_body_s_import_is_followed(tmp_path: Path) -> None:
    """Run 70: a class body's own import hid the name from the call graph; it is followed as a
    function's own import is."""
    helper = "import asyncio\n\n\ndef helper():\n    asyncio.run(work())\n"
    root = project(tmp_path, {"a.py": CLASS_BODY_IMPORT, "h.py": helper})
    assert [f[::2] for f in findings(root) if f[0] == "ASY003"] == [("ASY003", 5), ("ASY003", 11)]


LAZY_IMPORT = """\
asyncio = None


def _ensure():
    global asyncio
    import asyncio


async def h():
    _ensure()
    asyncio.run(x())  # yes
"""


def test_a_name_a_function_imports_through_global_is_the_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 81b: the lazy-import idiom (``asyncio = None``, then ``global asyncio; import
    asyncio`` in a function) made the module's ``asyncio`` a plain name, though IMP001 read the
    same idiom as the import."""
    found = unscreened_agree(project(tmp_path, {"a.py": LAZY_IMPORT}), monkeypatch)
    assert [line for code, _, line in found if code == "ASY001"] == marked(LAZY_IMPORT)


NOT_THE_KNOWN_DECORATOR = """\
import contextlib
import fastapi
from contextlib import asynccontextmanager
from mylib import Depends


@asynccontextmanager
async def get_db():
    yield 1


def route_for(fastapi):
    async def h(db=fastapi.Depends(get_db)):
        return db


def provider(contextlib):
    @contextlib.asynccontextmanager
    async def session():
        yield 1

    async def h2(db=fastapi.Depends(session)):
        return db


async def plain(db=fastapi.Depends(get_db)):  # yes
    return db


class Routes:
    from fastapi import Depends

    deps = [Depends(get_db) for _ in range(1)]
    make = lambda self: Depends(get_db)  # noqa: E731
    direct = Depends(get_db)  # yes
"""


def test_a_name_bound_otherwise_or_unseen_from_a_class_body_is_not_the_known_decorator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 83b: ``fastapi.Depends`` where ``fastapi`` is a parameter was read as written, which
    is the known name; and a lambda or a comprehension in a class body read ``Depends`` through
    the class body's import, which Python never lets it see."""
    root = project(tmp_path, {"a.py": NOT_THE_KNOWN_DECORATOR})
    found = unscreened_agree(root, monkeypatch)
    assert [f[2] for f in found if f[0] in ("ASY005", "ASY006")] == marked(NOT_THE_KNOWN_DECORATOR)


RUNNERS = """\
import asyncio.runners
from asyncio.runners import run as start


async def f():
    start(g())  # yes
    asyncio.runners.run(g())  # yes


async def not_the_module(asyncio):
    asyncio.runners.run(g())
"""


def test_asyncio_run_is_known_by_the_module_that_defines_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 84b: ``from asyncio.runners import run`` was no ASY001, where ``asyncio.events``'
    loop factories are known."""
    found = unscreened_agree(project(tmp_path, {"a.py": RUNNERS}), monkeypatch)
    assert [line for code, _, line in found if code == "ASY001"] == marked(RUNNERS)


F_STRINGS = """\
import importlib


def f(name):
    importlib.import_module(f"other.app.m")  # yes
    __import__(f"other.app.m")  # yes
    importlib.import_module(f"other.app.{name}")
"""


def test_a_dynamic_import_of_an_f_string_of_text_only_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 84b: ``import_module(f"other.app.m")``, an f-string without placeholders, was no IMP001."""
    found = unscreened_agree(beside_other(tmp_path, F_STRINGS), monkeypatch)
    assert [line for code, _, line in found if code == "IMP001"] == marked(F_STRINGS)
