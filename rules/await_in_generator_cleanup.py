"""An async generator that awaits in the cleanup of a `try` it yields in.

## What it does
Flags an `await` (also `async with`/`async for`) in the cleanup of a `try`
whose body yields, inside an async generator (an `async def` that contains
`yield`): in the `finally:`, or in a handler that catches GeneratorExit (a
bare `except:`, `except BaseException`, `except GeneratorExit`, or a tuple
holding one; of a test of the caught exception, `except BaseException as e:` /
`if isinstance(e, GeneratorExit):` (or `if not isinstance(…)`, `type(e) is
GeneratorExit`, `is not`, `==`, `!=`, `type(e) in (…)`, an `elif`, a union `A | B`, a `match e:`
case of a class with no sub-patterns, `A() | B()`, `A() as x`, a module's name
bound once to the classes or to such names, `CLOSING = (GeneratorExit,
CancelledError)`, `GE2 = GE`; a name the function binds, a parameter or an
imported constant in capitals may hold any class: not known, nor is
`isinstance`, `type` or a builtin class the module, the function or a function
around it binds itself, `def isinstance`, `class GeneratorExit`, an import), only the
branch GeneratorExit takes, read through the handler's blocks as the `finally`
is below, and nothing after one that raises it again; every statement once `e`
is bound again, in a loop from the loop's start; an `except*` handler's name
is a group, which no such test reads).
The first await of each clause is reported. An earlier
`except GeneratorExit:` handler that does not await takes GeneratorExit
first: the handlers after it never see it, and the `finally` acts on what
that handler decided: a flag it sets whenever it runs (`collected = True`,
`self.closed = True`, `(collected := True)`, `collected, why = True, "gc"`,
also in a `with` or `try` of the handler; not under an `if`). The first
await of the `finally` that still runs once the flag is set is reported,
read through the `finally`'s blocks (`try`, `with`, loops, `if True:`, a
`match` of the flag): one under `if not collected:` or after `if collected:
return` (in a loop of the `finally`, `break` or `continue`), in `while not
collected:`, or after what decides an `or`/`and` (`collected or await …`,
`not collected and await …`, in an assignment or under `not` too) or in the
branch of a conditional value the flag does not take (`None if collected else
await …`) does not run; a
`raise` that a `try` inside the `finally` catches does not leave it; one under `if collected:`, under no test of the
flag, under a test that may still hold (`not collected or force`, a flag
set to no constant), in the test itself (`if await conn.ping() or
collected:`), or in a `case` guard does; a flag bound again in a loop of the
`finally` decides nothing from the loop's start. A handler that sets nothing the
`finally` tests (it only re-raises, passes, logs or keeps a local) decides
nothing.

Not flagged: `except Exception:` handlers (GeneratorExit is not an Exception);
sync generators; cleanup that does not await; and generators driven by a
context manager or a test runner: `@asynccontextmanager` (under any import alias,
or applied by a call in the module or the class: `scope = asynccontextmanager(_scope)`)
and pytest fixtures (by the decorator's last name ending in `contextmanager` or
`fixture`, so a project's own wrapper too, `@data_fixture`, a known limit; not
one a parameter or a local names, `def make(contextlib):`).
CPython's `contextlib` resumes an `@asynccontextmanager`
generator with `await anext(gen)` when the `async with` body ends, and with
`await gen.athrow(exc)` when it raised (`_AsyncGeneratorContextManager.__aexit__`):
both run the code after the `yield`, awaits included, in the task that runs
the `async with`, and never throw GeneratorExit in of their own accord.
`aclose()` is called only for a generator that yielded twice, a bug of its
own ("generator didn't stop"). GeneratorExit reaches such a generator only
from its caller: an `async with` inside a plain async generator that is itself
closed by garbage collection passes it on through `athrow()`, and that outer
generator is the one to fix. pytest-asyncio finishes a fixture the same way
(`await anext(gen)`).

## Why is this bad?
A plain async generator (a session provider iterated with `async for` and
left early, a streaming response whose client went away) is closed when it is
garbage collected or its consumer goes away: GeneratorExit is raised at the
`yield`, from the event loop's finalizer in another task, or from `close()`
with no loop at all. Awaiting there runs the cleanup in a task that does not
own the resource, or in none: SQLAlchemy raises `IllegalStateChangeError:
Method 'close()' can't be called here`, and Python raises `RuntimeError:
async generator ignored GeneratorExit` or `aclose(): asynchronous generator is
already running`. The session is left half closed, and the error surfaces far
from its cause, during garbage collection.

A FastAPI dependency (`Depends(get_session)`) is flagged too, although FastAPI
drives it as `@asynccontextmanager` would, in an exit stack of the request's
task: it is a plain function that scripts, tests and background jobs call
directly, which is where it gets abandoned, and its cleanup still awaits when
the request's task is cancelled. The safe shape below costs nothing, in either
use.

## Example
```python
async def get_session() -> AsyncGenerator[AsyncSession, None]:
    async with factory() as session:
        try:
            yield session
            await session.commit()
        except Exception:
            await session.rollback()
            raise
        finally:
            await session.close()
```

## Use instead
Catch GeneratorExit first and leave without awaiting, and let `async with`
close the session:
```python
async def get_session() -> AsyncGenerator[AsyncSession, None]:
    async with factory() as session:
        try:
            yield session
            await session.commit()
        except GeneratorExit:
            pass
        except Exception:
            if session.is_active:
                await session.rollback()
            raise
```
or make it an `@asynccontextmanager` and use it with `async with`.
"""

from typing import Iterator

from archcheck.model import Severity, Violation
from archcheck.rule_api.examples import example
from archcheck.rule_api.rule import Rule

MESSAGE = (
    "async generator '{function}' awaits in its '{clause}' cleanup after a yield: closed by garbage "
    "collection or a client disconnect, GeneratorExit is raised at the yield and the awaited cleanup "
    "fails (IllegalStateChangeError, 'async generator ignored GeneratorExit')"
)
FIX = (
    "catch GeneratorExit first and leave without awaiting ('except GeneratorExit: pass'), and let "
    "'async with' close the resource; or make it an @asynccontextmanager"
)

# generators that a context manager or a test runner resumes with anext()/athrow()
_DRIVERS = ("contextmanager", "fixture")
_LOCAL = "<local>."  # (a decorator named by a parameter or a local: none a library gives)


def _drives(decorator: str) -> bool:
    """Is a decorator (as the facts resolved it) one that drives its generator: a context
    manager's or a fixture's, also a project's own so named; not one a parameter or a local
    names (`def make(contextlib): @contextlib.asynccontextmanager`, run 118b/05)."""
    return not decorator.startswith(_LOCAL) and decorator.rsplit(".", 1)[-1].endswith(_DRIVERS)


VALID = [
    example("""
        import pytest

        class Fixtures:  # (a decorator a class body binds: the library's, read from there)
            db_fixture = pytest.fixture(scope="session")

            @db_fixture
            async def session(self, conn):
                try:
                    yield conn
                finally:
                    await conn.close()
    """),
    example("""
        async def pooled(conns):
            collected = False
            try:
                yield conns
            except GeneratorExit:
                collected = True
                raise
            finally:
                for conn in conns:
                    if collected:
                        break  # (or `continue`: the rest of the loop's body never runs then)
                    await conn.close()
                for conn in conns:
                    try:
                        if collected:
                            break  # (a handler around it catches no `break`)
                    except Exception:
                        pass
                    await conn.close()
                try:
                    if collected:
                        raise RuntimeError("collected")  # (no handler of it catches a RuntimeError)
                except ValueError:
                    pass
                await conns.close()

        async def pooled_else(conns):
            collected = False
            try:
                yield conns
            except GeneratorExit:
                collected = True
                raise
            finally:
                try:
                    conns.flush()
                except ValueError:
                    pass
                else:
                    if collected:
                        raise  # (the `else` runs outside the handlers: nothing below runs)
                await conns.close()
    """),
    example("""
        from typing import AsyncGenerator

        async def get_session() -> AsyncGenerator[object, None]:
            async with factory() as session:
                try:
                    yield session
                    await session.commit()
                except GeneratorExit:
                    pass
                except Exception:
                    if session.is_active:
                        await session.rollback()
                    raise
    """),
    example("""
        async def get_connection(pool):
            connection = await pool.acquire()
            collected = False
            try:
                yield connection
            except GeneratorExit:
                collected = True
                raise
            finally:
                if not collected:
                    await pool.release(connection)
    """),
    example("""
        from contextlib import asynccontextmanager as acm
        import contextlib

        @acm
        async def session_scope():
            session = factory()
            try:
                yield session
            finally:
                await session.close()

        @contextlib.asynccontextmanager
        async def transaction(session):
            try:
                yield session
            except BaseException:
                await session.rollback()
                raise
    """),
    example("""
        def sync_rows(cursor):
            try:
                yield from cursor
            finally:
                cursor.close()

        async def rows(cursor):
            try:
                async for row in cursor:
                    yield row
            except Exception:
                await cursor.rollback()
                raise
            finally:
                cursor.close()
                log("done")
    """),
    example("""
        async def stream(source):
            try:
                await source.open()
            finally:
                await source.close()
            yield 1

        async def later(source):
            try:
                yield 1
            finally:
                async def close_later():
                    await source.close()
                schedule(close_later)
    """),
    example(
        """
        import pytest_asyncio

        @pytest_asyncio.fixture
        async def client(app):
            client = await app.start()
            try:
                yield client
            finally:
                await client.aclose()
    """,
        path="services/example-service/tests/conftest.py",
    ),
    example("""
        import contextlib

        async def _scope():
            session = make_session()
            try:
                yield session
            finally:
                await session.close()

        session_scope = contextlib.asynccontextmanager(_scope)  # (the decorator, applied by a call)

        class Repository:
            async def _session(self):
                session = make_session()
                try:
                    yield session
                finally:
                    await session.close()

            session = contextlib.asynccontextmanager(_session)  # (in a class body too)
    """),
]
INVALID = [
    example("""
        def make(contextlib):  # (a parameter: not the library's context manager)
            @contextlib.asynccontextmanager
            async def scope(conn):
                try:
                    yield conn
                finally:
                    await conn.close()  # expect: ASY004
            return scope

        def make_local(pool, pool_fixture):  # (a local and a parameter, no import of either)
            asynccontextmanager = pool.wrap

            @asynccontextmanager
            async def scope(conn):
                try:
                    yield conn
                finally:
                    await conn.close()  # expect: ASY004

            @pool_fixture
            async def fixture(conn):
                try:
                    yield conn
                finally:
                    await conn.close()  # expect: ASY004
            return scope, fixture
    """),
    example("""
        import contextlib

        class Repository:  # (the class wraps one method; the other is iterated as it is)
            async def _session(self):
                try:
                    yield self
                finally:
                    await self.close()

            async def rows(self):
                try:
                    yield self
                finally:
                    await self.close()  # expect: ASY004

            session = contextlib.asynccontextmanager(_session)
    """),
    example("""
        import contextlib

        class Skip(Exception): ...

        async def caught(conn):
            collected = False
            try:
                yield conn
            except GeneratorExit:
                collected = True
                raise
            finally:
                try:
                    if collected:
                        raise Skip
                except Skip:  # (caught here: the code after the `try` still runs)
                    pass
                await conn.close()  # expect: ASY004

        async def caught_by_base(conn):
            collected = False
            try:
                yield conn
            except GeneratorExit:
                collected = True
                raise
            finally:
                try:
                    if collected:
                        raise KeyError("x")
                except LookupError:  # (a KeyError is a LookupError)
                    pass
                await conn.close()  # expect: ASY004

        async def suppressed(conn):
            collected = False
            try:
                yield conn
            except GeneratorExit:
                collected = True
                raise
            finally:
                with contextlib.suppress(RuntimeError):
                    if collected:
                        raise RuntimeError("collected")  # (swallowed: the code below still runs)
                await conn.close()  # expect: ASY004
    """),
    example("""
        from typing import AsyncGenerator

        async def get_session() -> AsyncGenerator[object, None]:
            async with factory() as session:
                try:
                    yield session
                    await session.commit()
                except Exception:
                    await session.rollback()
                    raise
                finally:
                    await session.close()  # expect: ASY004
    """),
    example("""
        class Database:
            async def session(self):
                session = self.factory()
                try:
                    yield session
                except:
                    await session.rollback()  # expect: ASY004
                    raise

            async def stream(self):
                try:
                    yield await self.fetch()
                except (GeneratorExit, ValueError):
                    await self.cancel()  # expect: ASY004
                finally:
                    async with self.lock:  # expect: ASY004
                        self.open = False

        async def events(queue):
            while True:
                try:
                    yield await queue.get()
                except BaseException:
                    await queue.put(None)  # expect: ASY004
                    raise
    """),
    example("""
        async def get_db():
            session = make_session()
            try:
                yield session
            except BaseException:
                log("closing")
                raise
            except GeneratorExit:
                pass
            finally:
                await session.close()  # expect: ASY004
    """),
]


class AwaitInGeneratorCleanup(
    Rule,
    code="ASY004",
    name="await-in-generator-cleanup",
    severity=Severity.ERROR,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
):
    reads = frozenset({"generator_cleanups"})

    def check(self) -> Iterator[Violation]:
        for facts in self.project.facts.values():
            for fact in facts.generator_cleanups:
                if any(_drives(d) for d in fact.decorators):
                    continue
                function = fact.function.replace(".<locals>", "")
                yield self.violation(
                    fact.location, related=[fact.yield_location], function=function, clause=fact.clause
                )
