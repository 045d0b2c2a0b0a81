"""The async generator and protocol facts: what one file can pin down, and what its screens skip."""

from __future__ import annotations

import sys
import textwrap
import time
from typing import Any, List, Tuple

import pytest

from archcheck.facts import generators
from archcheck.facts.generators import GeneratorFacts, gather_generators
from archcheck.facts.imports import gather_imports
from archcheck.facts.names import import_aliases
from archcheck.facts.source import ParsedSource, parse


def source(text: str) -> ParsedSource:
    parsed = parse("app/m.py", textwrap.dedent(text).lstrip("\n").encode())
    assert isinstance(parsed, ParsedSource)
    return parsed


def facts(text: str, screen: bool = True) -> GeneratorFacts:
    parsed = source(text)
    return gather_generators(parsed, import_aliases(gather_imports(parsed)), screen=screen)


def uses(text: str) -> List[Tuple[str, str, str, str]]:
    return [(u.kind, u.callee, u.ref.base, u.ref.scope) for u in facts(text).uses]


# text the screens must not miss: marks split by a continuation, renamed names, yields in nested code
TRICKY = [
    """
    from app.db import get_db

    async def run():
        async \\
            with get_db() as session:
            pass
    """,
    """
    from fastapi import Depends as Inject
    from app.db import get_db

    async def route(db=Inject(
            get_db)):
        return db
    """,
    """
    from contextlib import asynccontextmanager as acm

    @acm
    async def scope():
        return make()
    """,
    """
    async def outer(rows):
        async def inner():
            try:
                yield 1
            finally:
                await rows.close()
        return [r async for r in inner()] if (n := len(rows)) else n
    """,
    """
    class Repo:
        async def rows(self):
            try:
                yield 1
            except:
                await self.rollback()
                raise

        def wrap(self):
            return self.rows()
    """,
    """
    def rows(table):
        return [
            row for row in (
                yield table
            )
        ]

    def lines():
        def inner():
            yield 1
        return inner
    """,
]


def test_generator_kinds_come_from_the_function_s_own_yields() -> None:
    found = facts(TRICKY[-1])
    assert [(d.qualname, d.kind) for d in found.defs] == [
        ("rows", "generator"),  # a yield that starts on a line of its own inside an expression
        ("lines.<locals>.inner", "generator"),  # `lines` itself only returns a generator function
    ]


@pytest.mark.parametrize("text", TRICKY)
def test_screens_over_approximate(text: str) -> None:
    assert facts(text) == facts(text, screen=False)
    assert facts(text) != GeneratorFacts()


def test_a_file_without_marks_gets_only_the_statement_scan(monkeypatch: Any) -> None:
    def refuse(*args: Any) -> None:
        raise AssertionError("the full walk ran on a file without marks")

    monkeypatch.setattr(generators._Gatherer, "walk", refuse)
    found = facts("""
        from app.database import get_db
        from app.manager import DatabaseManager

        db_manager = DatabaseManager()
        logger = make_logger()

        def get_db_session():
            '''Kept for old imports.'''
            return get_db()

        class Facade:
            def session(self):
                return self._open()
    """)
    assert [(d.qualname, d.kind, d.ref and d.ref.base) for d in found.defs] == [
        ("get_db_session", "delegate", "module"),
        ("Facade.session", "delegate", "self"),
    ]
    assert found.instances == (("db_manager", "DatabaseManager"),)
    assert found.uses == found.cleanups == ()


def test_uncertain_names_are_not_recorded() -> None:
    text = """
        from app import db
        from app.other import *
        from app.sessions import get_db

        async def get_db():
            yield 1

        async def scoped():
            yield 2

        scoped = wrap(scoped)

        async def run(factory, items):
            async with factory() as a:
                pass
            async with get_db() as b:
                pass
            async with scoped() as c:
                pass
            async with from_star() as d:
                pass
            session = open_session()
            async with session.begin() as e:
                pass
            for f in items:
                async with f() as g:
                    pass
            async with db.get_db() as h:
                pass
    """
    assert uses(text) == [("async with", "db.get_db", "module", "")]
    assert facts(text).defs == ()  # get_db and scoped are bound twice


def test_scopes_of_callees() -> None:
    assert uses("""
        from app.manager import Manager
        from contextlib import asynccontextmanager

        class Repo:
            async def work(self):
                async with self.session() as s:
                    pass
                def later():
                    return self.session()

            @staticmethod
            async def static(self):
                async with self.session() as s:
                    pass

        async def run():
            from app.db import get_db
            async def rows():
                yield 1
            manager = Manager()
            async with rows() as r, get_db() as s, manager.session() as t, Manager(1).session() as u:
                pass
    """) == [
        ("async with", "self.session", "self", "Repo"),
        ("async with", "rows", "local", "run"),
        ("async with", "get_db", "import", ""),
        ("async with", "manager.session", "instance", "Manager"),
        ("async with", "Manager(1).session", "instance", "Manager"),
    ]


def test_cleanup_clauses() -> None:
    found = facts("""
        async def only_else(resource):
            try:
                prepare()
            except Exception:
                pass
            else:
                yield resource
            finally:
                await resource.close()

        async def unreachable_handler(resource):
            try:
                yield resource
            except BaseException:
                raise
            except GeneratorExit:
                await resource.close()

        async def nested(resource):
            try:
                try:
                    yield resource
                finally:
                    await resource.flush()
            except GeneratorExit:
                pass

        async def comprehension(rows):
            try:
                yield 1
            finally:
                [r async for r in rows]

        async def reraised(session):
            try:
                yield session
            except GeneratorExit:
                log.debug("closed")
                raise
            finally:
                await session.close()

        async def flagged(session):
            closed = False
            try:
                yield session
            except GeneratorExit:
                closed = True
                raise
            finally:
                if not closed:
                    await session.close()

        async def kept_a_local(session):
            try:
                yield session
            except GeneratorExit:
                elapsed = time.monotonic()
                raise
            finally:
                await session.close()

        async def unread_flag(session):
            try:
                yield session
            except GeneratorExit:
                collected = True
                raise
            finally:
                await session.close()

        async def backwards(session):
            try:
                yield session
            except GeneratorExit:
                collected = True
                raise
            finally:
                if collected:
                    await session.close()

        async def walrus(session):
            try:
                yield session
            except GeneratorExit:
                (collected := True)
                raise
            finally:
                if not collected and session:
                    await session.close()

        async def attribute(self):
            try:
                yield self
            except GeneratorExit:
                self.closed = True
                raise
            finally:
                if self.closed is True:
                    pass
                else:
                    await self.session.close()

        async def not_constant(session):
            try:
                yield session
            except GeneratorExit:
                closed_at = time.monotonic()
                raise
            finally:
                if not closed_at:
                    await session.close()

        async def conditional_flag(session):
            try:
                yield session
            except GeneratorExit:
                if fast:
                    closed = True
                raise
            finally:
                if not closed:
                    await session.close()

        async def or_force(session):
            try:
                yield session
            except GeneratorExit:
                closed = True
                raise
            finally:
                if not closed or force:
                    await session.close()

        async def tuple_flag(session):
            try:
                yield session
            except GeneratorExit:
                collected, reason = True, "gc"
                raise
            finally:
                if not collected:
                    await session.close()

        async def leaves_when_collected(session):
            try:
                yield session
            except GeneratorExit:
                collected = True
                raise
            finally:
                if collected:
                    return
                await session.close()
    """)
    assert [(c.function, c.clause, c.location.line) for c in found.cleanups] == [
        ("only_else", "finally", 9),
        ("nested", "finally", 24),
        ("comprehension", "finally", 32),
        ("reraised", "finally", 41),  # run 83b: a handler that only logs and re-raises decides nothing
        # run 86b: a flag the finally does not test, or tests the other way, decides nothing
        ("kept_a_local", "finally", 61),
        ("unread_flag", "finally", 70),
        ("backwards", "finally", 80),
        # run 87b: a flag of unknown value, set only on one branch, or tested with `or`, decides nothing
        ("not_constant", "finally", 112),
        ("conditional_flag", "finally", 123),
        ("or_force", "finally", 133),
    ]


def test_the_walk_does_not_recurse() -> None:
    branches = "".join(f"    elif x == {i}:\n        await step({i})\n" for i in range(400))
    text = (
        "async def rows(x):\n"
        "    try:\n        yield x\n    finally:\n"
        "        if x is None:\n            pass\n" + textwrap.indent(branches, "    ")
    )
    parsed = parse("app/m.py", text.encode())
    assert isinstance(parsed, ParsedSource)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(120)
    try:
        found = gather_generators(parsed, {})
    finally:
        sys.setrecursionlimit(limit)
    assert [c.location.line for c in found.cleanups] == [8]


def test_a_delegation_in_any_block_of_the_module_is_found() -> None:
    """The statement scan reads every block that holds statements: ``match`` cases and
    ``except`` clauses too, as the module's bindings do."""
    found = facts("""
        import sys

        from app.database import get_db, open_conn

        match sys.platform:
            case "linux":
                def get_session():
                    return get_db()

        try:
            import fast
        except ImportError:
            def get_conn():
                return open_conn()
    """)
    assert [(d.qualname, d.kind) for d in found.defs] == [
        ("get_session", "delegate"),
        ("get_conn", "delegate"),
    ]


def test_nested_generator_exit_handlers_read_their_flags_once() -> None:
    """Run 87b: each ``except GeneratorExit`` walked all the code nested in it for flags: 90
    handlers, one in another, around 100,000 statements took 25 s."""
    depth, inner = 90, "a=1;" * 400 + "a=1\n"
    lines = ["async def rows():"]
    for level in range(depth):
        pad = "    " * (2 * level + 1)
        lines += [f"{pad}try:", f"{pad}    yield 1", f"{pad}except GeneratorExit:"]
    lines += ["    " * (2 * depth + 1) + inner] * 100
    started = time.monotonic()
    found = facts("\n".join(lines) + "\n")
    assert time.monotonic() - started < 5 and found.cleanups == ()


def test_a_flag_is_read_through_the_blocks_of_the_finally_and_the_handler() -> None:
    """Run 88b: the await a flag skips was flagged inside a ``try``, ``with``, ``if True:`` or
    loop of the ``finally``; an await in the flag's own test was missed; a flag set inside a
    ``with`` of the handler, or tested as ``False is collected``, was not read."""
    found = facts("""
async def inside_try(conn):
    try:
        yield 1
    except GeneratorExit:
        collected = True
        raise
    finally:
        try:
            if not collected:
                await conn.close()
        except Exception:
            pass

async def leaves_in_if_true(conn):
    try:
        yield 1
    except GeneratorExit:
        collected = True
        raise
    finally:
        if True:
            if collected:
                return
        await conn.close()

async def matched(conn):
    try:
        yield 1
    except GeneratorExit:
        collected = True
        raise
    finally:
        match collected:
            case True:
                return
        await conn.close()

async def awaits_in_test(conn):
    try:
        yield 1
    except GeneratorExit:
        collected = True
        raise
    finally:
        if await conn.ping() or collected:
            return

async def flag_in_with(conn):
    try:
        yield 1
    except GeneratorExit:
        with lock:
            collected = True
        raise
    finally:
        if False is collected:
            await conn.close()
""")
    assert [(c.function, c.location.line) for c in found.cleanups] == [("awaits_in_test", 45)]


def test_a_flag_is_set_whenever_only_before_the_handler_may_leave_and_until_the_finally_rebinds_it() -> None:
    """Run 89b: ``if pooled: raise`` before ``collected = True`` in the handler left the flag
    taken as set whenever it runs; a ``finally`` that binds the flag again before its test still
    read the handler's value."""
    found = facts("""
async def leaves_first(factory, pooled):
    session = factory()
    try:
        yield session
    except GeneratorExit:
        if pooled:
            raise
        collected = True
        raise
    finally:
        if not collected:
            await session.close()

async def set_first(factory, pooled):
    session = factory()
    try:
        yield session
    except GeneratorExit:
        collected = True
        if pooled:
            raise
        raise
    finally:
        if not collected:
            await session.close()

async def loop_inside(factory, items):
    session = factory()
    try:
        yield session
    except GeneratorExit:
        for item in items:
            if item:
                break
        collected = True
        raise
    finally:
        if not collected:
            await session.close()

async def rebound_in_finally(factory):
    session = factory()
    try:
        yield session
    except GeneratorExit:
        collected = True
        raise
    finally:
        collected = session.in_transaction()
        if not collected:
            await session.close()

async def rebound_after_the_test(factory):
    session = factory()
    try:
        yield session
    except GeneratorExit:
        collected = True
        raise
    finally:
        if not collected:
            await session.close()
        collected = False
""")
    flagged = [(c.function, c.location.line) for c in found.cleanups]
    assert flagged == [("leaves_first", 12), ("rebound_in_finally", 51)]


def test_a_guard_that_raises_generator_exit_again_keeps_the_rest_of_the_handler_from_close() -> None:
    """Run 111b/07: `except BaseException as e:` whose first statement raises GeneratorExit again
    awaits after it only for other exceptions; an await before the guard, or a guard of
    another name or exception, still counts."""
    found = facts("""
        async def guarded(conn):
            try:
                yield 1
            except BaseException as e:
                if isinstance(e, (GeneratorExit, KeyboardInterrupt)):
                    raise
                await conn.rollback()
                raise

        async def typed(conn):
            try:
                yield 1
            except BaseException as exc:
                if type(exc) is GeneratorExit:
                    raise exc
                await conn.rollback()

        async def awaits_first(conn):
            try:
                yield 1
            except BaseException as e:
                await conn.rollback()
                if isinstance(e, GeneratorExit):
                    raise

        async def other_name(conn, other):
            try:
                yield 1
            except BaseException as e:
                if isinstance(other, GeneratorExit):
                    raise
                await conn.rollback()

        async def other_exception(conn):
            try:
                yield 1
            except BaseException as e:
                if isinstance(e, CancelledError):
                    raise
                await conn.rollback()
    """)
    assert [(c.function, c.location.line) for c in found.cleanups] == [
        ("awaits_first", 22),
        ("other_name", 32),
        ("other_exception", 40),
    ]


def test_a_test_of_the_caught_exception_runs_only_the_branch_generator_exit_takes() -> None:
    """Run 112b/08, 03: a guard that logs before raising, an `else:` of the guard, a negated
    test, are read by the branch GeneratorExit takes; a name bound again decides nothing."""
    found = facts("""
        async def logs_first(conn):
            try:
                yield 1
            except BaseException as e:
                if isinstance(e, GeneratorExit):
                    log.debug("closed")
                    raise
                await conn.rollback()

        async def in_else(conn):
            try:
                yield 1
            except BaseException as e:
                if isinstance(e, GeneratorExit):
                    raise
                else:
                    await conn.rollback()

        async def negated(conn):
            try:
                yield 1
            except BaseException as exc:
                if not isinstance(exc, GeneratorExit):
                    await conn.rollback()

        async def rebound(conn):
            try:
                yield 1
            except BaseException as e:
                e = RuntimeError("wrapped")
                if isinstance(e, GeneratorExit):
                    raise
                await conn.rollback()

        async def awaits_in_its_branch(conn):
            try:
                yield 1
            except BaseException as e:
                if isinstance(e, GeneratorExit):
                    await conn.close()
                    raise
    """)
    assert [(c.function, c.location.line) for c in found.cleanups] == [
        ("rebound", 33),
        ("awaits_in_its_branch", 40),
    ]


def test_a_branch_that_leaves_or_a_test_generator_exit_fails_keeps_the_rest_from_close() -> None:
    """Run 113b/01, 02, 10: `raise e from None`, `raise GeneratorExit`, `return` leave; a test of
    a class GeneratorExit is no instance of (`Exception`, `CancelledError`) takes its `else`;
    `GeneratorExit is type(e)` either way round; a comprehension's `e` binds nothing."""
    found = facts("""
        async def from_none(s):
            try:
                yield 1
            except BaseException as e:
                if isinstance(e, GeneratorExit):
                    raise e from None
                await s.rollback()

        async def returns(s):
            try:
                yield 1
            except BaseException as e:
                if isinstance(e, GeneratorExit):
                    return
                await s.rollback()

        async def other_class(s):
            try:
                yield 1
            except BaseException as e:
                if isinstance(e, asyncio.CancelledError):
                    await s.rollback()

        async def reversed_test(s):
            try:
                yield 1
            except BaseException as e:
                if GeneratorExit is type(e):
                    raise
                await s.rollback()

        async def comprehension(s, extra):
            try:
                yield 1
            except BaseException as e:
                notes = [e for e in extra]
                if isinstance(e, GeneratorExit):
                    raise
                await s.rollback()

        async def base_exception_test(s):
            try:
                yield 1
            except BaseException as e:
                if isinstance(e, BaseException):
                    await s.rollback()
    """)
    assert [(c.function, c.location.line) for c in found.cleanups] == [("base_exception_test", 46)]


def test_every_spelling_of_a_test_of_the_caught_exception_is_decided() -> None:
    """Run 114b/01, 02: `type(e) is not GeneratorExit` and `!=`, an `elif` that raises it again,
    `match e:` cases, and a module's name for the classes (`CLOSING = (GeneratorExit, …)`,
    `GE = GeneratorExit`) are read as the literal tests are."""
    found = facts("""
        import asyncio
        CLOSING = (GeneratorExit, asyncio.CancelledError)
        GE = GeneratorExit
        OTHERS = (ValueError, KeyError)

        async def is_not(s):
            try:
                yield 1
            except BaseException as e:
                if type(e) is not GeneratorExit:
                    await s.rollback()
                raise

        async def not_equal(s):
            try:
                yield 1
            except BaseException as e:
                if type(e) != GeneratorExit:
                    await s.rollback()
                raise

        async def matched(s):
            try:
                yield 1
            except BaseException as e:
                match e:
                    case GeneratorExit():
                        raise
                await s.rollback()

        async def elif_raises(s):
            try:
                yield 1
            except BaseException as e:
                if isinstance(e, Exception):
                    await s.rollback()
                elif isinstance(e, GeneratorExit):
                    raise
                await s.close()

        async def by_tuple_name(s):
            try:
                yield 1
            except BaseException as e:
                if isinstance(e, CLOSING):
                    await s.close()
                raise

        async def by_alias(s):
            try:
                yield 1
            except BaseException as e:
                if isinstance(e, GE):
                    await s.close()
                raise

        async def by_other_tuple(s):
            try:
                yield 1
            except BaseException as e:
                if isinstance(e, OTHERS):
                    await s.close()
                raise

        async def matched_other(s):
            try:
                yield 1
            except BaseException as e:
                match e:
                    case ValueError():
                        raise
                    case _:
                        await s.close()
    """)
    assert [(c.function, c.location.line) for c in found.cleanups] == [
        ("by_tuple_name", 46),
        ("by_alias", 54),
        ("matched_other", 73),
    ]


def test_a_flag_decides_or_and_and_a_while_of_the_finally() -> None:
    """Run 114b/06: `collected or await …`, `not collected and await …` and `while not
    collected:` skip the await once the flag is set; `collected and await …` does not."""
    found = facts("""
        async def g_or(s):
            collected = False
            try:
                yield s
            except GeneratorExit:
                collected = True
                raise
            finally:
                collected or await s.flush()

        async def g_and(s):
            collected = False
            try:
                yield s
            except GeneratorExit:
                collected = True
                raise
            finally:
                not collected and await s.flush()

        async def g_while(s):
            collected = False
            try:
                yield s
            except GeneratorExit:
                collected = True
                raise
            finally:
                while not collected:
                    await s.flush()
                    break

        async def g_runs(s):
            collected = False
            try:
                yield s
            except GeneratorExit:
                collected = True
                raise
            finally:
                collected and await s.flush()
    """)
    assert [(c.function, c.location.line) for c in found.cleanups] == [("g_runs", 41)]


def test_names_of_names_groups_loops_guards_and_values_are_read() -> None:
    """Run 115b/01-05: a module name for a name (`CLOSING = (GE, …)`, `GE2 = GE`); `except*`
    binds a group no test of GeneratorExit passes; a flag or `e` bound again later in a loop
    is unknown from the loop's start; a case guard may run; `or`/`and` decided by a flag in an
    assignment, under `not`, in a handler."""
    found = facts("""
        import asyncio
        GE = GeneratorExit
        CLOSING = (GE, asyncio.CancelledError)
        GE2 = GE

        async def via_tuple(c):
            try:
                yield c
            except BaseException as e:
                if isinstance(e, CLOSING):
                    await c.close()
                raise

        async def via_alias(c):
            try:
                yield c
            except BaseException as e:
                match e:
                    case GE2():
                        await c.close()
                raise

        async def star(c):
            try:
                yield c
            except* BaseException as eg:
                if isinstance(eg, GeneratorExit):
                    raise
                await c.close()

        async def retried(c):
            try:
                yield c
            except BaseException as e:
                for attempt in range(2):
                    if not isinstance(e, GeneratorExit):
                        await c.close()
                    e = ValueError("retry")
                raise

        async def guarded(c, mode):
            try:
                yield c
            except BaseException as e:
                match mode:
                    case "pooled" if await c.ping():
                        pass
                raise

        async def assigned(c):
            collected = False
            try:
                yield c
            except GeneratorExit:
                collected = True
                raise
            finally:
                closed = collected or await c.close()
                if not (collected or await c.flush()):
                    pass

        async def in_handler(c):
            try:
                yield c
            except BaseException as e:
                done = isinstance(e, GeneratorExit) or await c.close()
                raise
    """)
    assert [c.function for c in found.cleanups] == ["via_tuple", "via_alias", "star", "retried", "guarded"]


_HANDLER_TESTS = """
async def get_session(s):
    try:
        yield s
    except BaseException as e:
        if not {test}:
            await s.rollback()
        raise
"""


@pytest.mark.parametrize(
    ("module", "test", "flagged"),
    [
        ("class GeneratorExit(Exception):\n    pass\n", "isinstance(e, GeneratorExit)", True),
        ("from builtins import ValueError as GeneratorExit\n", "isinstance(e, GeneratorExit)", True),
        ("def isinstance(obj, kinds):\n    return False\n", "isinstance(e, GeneratorExit)", True),
        ("isinstance = lambda obj, kinds: False\n", "isinstance(e, GeneratorExit)", True),
        ("def type(obj):\n    return object\n", "type(e) is GeneratorExit", True),
        # (look-alikes: the builtins, named through their module too; the module's own classes)
        ("import builtins\n", "isinstance(e, builtins.GeneratorExit)", False),
        ("class ClosedError(Exception):\n    pass\n", "isinstance(e, (GeneratorExit, ClosedError))", False),
        ("def helper():\n    return 1\n", "type(e) is GeneratorExit", False),
    ],
)
def test_a_builtin_the_module_binds_itself_is_not_known(module: str, test: str, flagged: bool) -> None:
    """Run 117b/07: `isinstance`, `type` and `GeneratorExit` were read as the builtins where the
    module binds them itself (a def, a lambda, a class, an import): the await that runs on
    close was not reported."""
    found = facts(module + _HANDLER_TESTS.format(test=test))
    assert [c.function for c in found.cleanups] == (["get_session"] if flagged else [])


def test_a_builtin_a_function_around_binds_is_not_known() -> None:
    """Run 118b/02: a generator nested in a function that binds `isinstance` or
    `GeneratorExit` reads that binding (a closure), not the builtin."""
    found = facts("""
        def factory():
            isinstance = lambda obj, kinds: False

            async def get_session(s):
                try:
                    yield s
                except BaseException as e:
                    if not isinstance(e, GeneratorExit):
                        await s.close()
                    raise
            return get_session

        class Holder:
            isinstance = staticmethod(lambda obj, kinds: False)

            async def method(self, s):  # (a class body binds nothing for the code of its methods)
                try:
                    yield s
                except BaseException as e:
                    if not isinstance(e, GeneratorExit):
                        await s.close()
                    raise
    """)
    assert [c.function for c in found.cleanups] == ["factory.<locals>.get_session"]


def test_a_long_elif_chain_of_a_handler_is_read_in_a_loop() -> None:
    """Run 115b/07: the handler's reading recursed once per `elif`: 400 of them, valid Python,
    made the file ARC001 "nested too deeply"."""
    chain = "".join(f"        elif x == {n}:\n            pass\n" for n in range(800))
    found = facts(
        "async def stream(c, x):\n    try:\n        yield c\n    except BaseException as e:\n"
        f"        if x == -1:\n            pass\n{chain}        await c.close()\n        raise\n"
    )
    assert [c.function for c in found.cleanups] == ["stream"]


def test_or_patterns_unions_and_names_that_may_hold_anything() -> None:
    """Run 115b/08, 09: `case GeneratorExit() | CancelledError():`, `case GeneratorExit() as x:`
    and `isinstance(e, GeneratorExit | CancelledError)` are taken by GeneratorExit; a name the
    function binds, a parameter or an imported constant (`CLOSING`) may hold it: not known."""
    found = facts("""
        from asyncio import CancelledError
        from app.errors import CLOSING as IMPORTED
        CLOSING = (CancelledError,)

        async def match_or(c):
            try:
                yield c
            except BaseException as e:
                match e:
                    case GeneratorExit() | CancelledError():
                        raise
                    case GeneratorExit() as closing:
                        raise
                await c.rollback()
                raise

        async def union(c):
            try:
                yield c
            except BaseException as e:
                if isinstance(e, GeneratorExit | CancelledError):
                    raise
                await c.rollback()
                raise

        async def local(c):
            CLOSING = (GeneratorExit, CancelledError)
            try:
                yield c
            except BaseException as e:
                if isinstance(e, CLOSING):
                    await c.close()
                raise

        async def parameter(c, KINDS=(GeneratorExit,)):
            try:
                yield c
            except BaseException as e:
                if isinstance(e, KINDS):
                    await c.close()
                raise

        async def imported(c):
            try:
                yield c
            except BaseException as e:
                if isinstance(e, IMPORTED):
                    await c.close()
                raise
    """)
    assert [c.function for c in found.cleanups] == ["local", "parameter", "imported"]


def test_readings_with_flags_have_a_budget_per_function(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run 115b/11: each handler that binds its exception is read with it, so 95 nested ones
    around 20,000 statements read them 95 times (16 s); past a budget of steps a function's
    cleanups are read without flags, every await counting."""
    from archcheck.facts import generators

    code = """
        async def g(c):
            collected = False
            try:
                yield c
            except GeneratorExit:
                collected = True
                raise
            finally:
                if not collected:
                    await c.flush()
    """
    assert facts(code).cleanups == ()
    monkeypatch.setattr(generators, "_READING_STEPS", 1)
    assert [c.function for c in facts(code).cleanups] == ["g"]
    monkeypatch.undo()
    nest = "".join(
        f"{chr(9) * (d + 1)}try:\n{chr(9) * (d + 2)}yield c\n{chr(9) * (d + 1)}except BaseException as e:\n"
        for d in range(95)
    )
    body = chr(9) * 96 + "; ".join("v = e" for _ in range(20_000)) + "\n" + chr(9) * 96 + "await c.close()\n"
    started = time.monotonic()
    assert len(facts("async def gen(c):\n" + nest + body).cleanups) == 95
    assert time.monotonic() - started < 8  # (16 s before, 1 s after on a quiet machine)


def test_a_conditional_value_and_a_type_among_several_are_decided() -> None:
    """Run 115b/05, 09: `None if collected else await …` runs the branch the flag takes;
    `type(e) in (GeneratorExit, …)` is taken by GeneratorExit, `not in` is not."""
    found = facts("""
        async def conditional(c):
            collected = False
            try:
                yield c
            except GeneratorExit:
                collected = True
                raise
            finally:
                x = None if collected else await c.close()

        async def among(c):
            try:
                yield c
            except BaseException as e:
                if type(e) in (GeneratorExit, ValueError):
                    raise
                await c.rollback()

        async def not_among(c):
            try:
                yield c
            except BaseException as e:
                if type(e) not in (GeneratorExit, ValueError):
                    await c.rollback()
                raise

        async def other_branch(c):
            collected = False
            try:
                yield c
            except GeneratorExit:
                collected = True
                raise
            finally:
                x = await c.close() if collected else None
    """)
    assert [c.function for c in found.cleanups] == ["other_branch"]
