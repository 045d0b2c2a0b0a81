"""`async with` on a generator function, or `async for` over a context manager or a sync generator.

## What it does
Flags `async with f(...)` where `f` is an async generator function (an
`async def` that yields) not decorated with `@asynccontextmanager`, a plain
generator function (a `def` that yields) or a `@contextmanager` function; and
`async for x in f(...)` (also in a comprehension) where `f` is decorated with
`@asynccontextmanager` or `@contextmanager` (`contextlib`'s, under any import alias),
or is a plain generator function.
`f` is resolved only where it is certain: a function of the same module, one
imported from inside the project (through re-exports), a nested function, a
method called through `self.`/`cls.`, through its class (`Database.session()`),
on an object built from a known class in the same function or at module level
(`db = Database()`, also imported), or on `Database().session()`. One level of
plain delegation is followed: `def get_db_session(): return get_db()` has
the kind of `get_db`.

A name that cannot be resolved with certainty is never guessed: a parameter,
a name bound twice (two definitions, a definition and an assignment, imports
of different things), a function with a decorator that may change what it
returns, a method of an object of unknown type, a module outside the project.

## Why is this bad?
The protocols do not mix, and the mistake fails on the first call:
`async with` on an async generator raises `TypeError: 'async_generator' object
does not support the asynchronous context manager protocol` (on a sync
generator or a `@contextmanager` function: `'generator'` /
`'_GeneratorContextManager' object does not support ...`), and `async for`
over an `@asynccontextmanager` function raises `TypeError: 'async for' requires
an object with __aiter__ method, got _AsyncGeneratorContextManager`. It tends to
happen when a session provider changes its shape (a decorator added or
removed, `def` turned into `async def` or back) and some of its callers are
missed, often in code paths that tests do not reach.

## Example
```python
# app/database.py
async def get_db():
    async with SessionLocal() as session:
        yield session

# app/jobs.py
from app.database import get_db

async def cleanup():
    async with get_db() as session:
        await session.execute(DELETE_EXPIRED)
```

## Use instead
Decorate the provider, and keep a plain async generator for FastAPI's
`Depends()` if it needs one:
```python
@asynccontextmanager
async def get_db():
    async with SessionLocal() as session:
        yield session
```
or iterate the generator: `async for session in get_db(): ...`.
"""

from typing import Iterator

from archcheck.facts.generators import ASYNC_CONTEXT_MANAGER, ASYNC_GENERATOR, CONTEXT_MANAGER, GENERATOR
from archcheck.model import Severity, Violation
from archcheck.project.callables import Callables
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import Rule

MESSAGE = (
    "'async with {callee}()': {what} is {kind}, not an async context manager "
    "(TypeError: '{made}' object does not support the asynchronous context manager protocol)"
)
FOR_MESSAGE = (
    "'async for' over '{callee}()': {what} is {kind}, not an async iterator "
    "(TypeError: 'async for' requires an object with __aiter__ method, got {made})"
)
FIX = "decorate '{name}' with @asynccontextmanager, or iterate it with 'async for'"
# (statement, kind of the callee) -> how the kind reads, what calling it makes, the fix
_MISMATCHES = {
    ("async with", ASYNC_GENERATOR): ("an async generator function", "async_generator", FIX),
    ("async with", GENERATOR): (
        "a generator function",
        "generator",
        "use 'with {callee}()', or make '{name}' an @asynccontextmanager async function",
    ),
    ("async with", CONTEXT_MANAGER): (
        "a @contextmanager function",
        "_GeneratorContextManager",
        "use 'with {callee}()', or make '{name}' an @asynccontextmanager async function",
    ),
    ("async for", ASYNC_CONTEXT_MANAGER): (
        "an @asynccontextmanager function",
        "_AsyncGeneratorContextManager",
        "use it as a context manager: 'async with {callee}() as ...'",
    ),
    ("async for", CONTEXT_MANAGER): (
        "a @contextmanager function",
        "_GeneratorContextManager",
        "use it as a context manager: 'with {callee}() as ...'",
    ),
    ("async for", GENERATOR): ("a generator function", "generator", "iterate it with 'for'"),
}

_APP = "services/orders-service/app/"
_DATABASE = (
    "from contextlib import asynccontextmanager\n\n"
    "async def get_db():\n"
    "    async with SessionLocal() as session:\n"
    "        yield session\n\n"
    "@asynccontextmanager\n"
    "async def session_scope():\n"
    "    async with SessionLocal() as session:\n"
    "        yield session\n\n"
    "def get_db_session():\n"
    "    return get_db()\n\n"
    "def get_session_scope():\n"
    "    return session_scope()\n"
)
VALID = [
    Example(
        {
            _APP + "database.py": _DATABASE,
            _APP + "jobs.py": (
                "from app.database import get_db, session_scope, get_session_scope\n\n"
                "async def cleanup():\n"
                "    async with session_scope() as session:\n"
                "        await session.execute('DELETE')\n"
                "    async with get_session_scope() as session:\n"
                "        await session.commit()\n"
                "    async for session in get_db():\n"
                "        await session.commit()\n"
                "    rows = [s async for s in get_db()]\n"
            ),
        }
    ),
    Example(
        {  # a decorator imported under an alias; a name two modules define, one of them imported
            _APP + "db/aliased.py": (
                "import contextlib as ctx\n"
                "from contextlib import asynccontextmanager as acm\n\n"
                "@acm\n"
                "async def get_db():\n    yield 1\n\n"
                "@ctx.asynccontextmanager\n"
                "async def transaction():\n    yield 2\n"
            ),
            _APP + "db/legacy.py": "async def get_db():\n    yield 0\n",
            _APP + "jobs.py": (
                "from app.db.aliased import get_db, transaction\n\n"
                "async def run():\n"
                "    async with get_db() as session, transaction() as tx:\n"
                "        pass\n"
            ),
        }
    ),
    Example(
        {  # what is not certain is not guessed
            _APP + "database.py": (
                "from contextlib import asynccontextmanager\n"
                "from app.tracing import traced\n\n"
                "async def get_db():\n    yield 1\n\n"
                "get_db = asynccontextmanager(get_db)\n\n"
                "@traced\n"
                "async def traced_session():\n    yield 2\n\n"
                "async def stream():\n    yield 3\n"
            ),
            _APP + "jobs.py": (
                "import httpx\n"
                "from app.database import get_db, traced_session, stream\n\n"
                "async def run(stream, manager):\n"
                "    async with get_db() as session:\n        pass\n"
                "    async with traced_session() as session:\n        pass\n"
                "    async with stream() as s:\n        pass\n"
                "    async with manager.session() as s:\n        pass\n"
                "    async with httpx.AsyncClient() as client:\n        pass\n"
            ),
            _APP + "tracing.py": "def traced(f):\n    return f\n",
        }
    ),
    Example(
        {  # a name two imports bind to different functions
            _APP + "fast.py": (
                "from contextlib import asynccontextmanager\n\n"
                "@asynccontextmanager\nasync def get_db():\n    yield 1\n"
            ),
            _APP + "slow.py": "async def get_db():\n    yield 2\n",
            _APP + "jobs.py": (
                "try:\n    from app.fast import get_db\nexcept ImportError:\n    from app.slow import get_db\n\n"
                "async def run():\n    async with get_db() as session:\n        pass\n"
            ),
        }
    ),
]
_SYNC = (
    "from contextlib import contextmanager\n\n"
    "def get_db_session():\n"
    "    session = SessionLocal()\n"
    "    try:\n"
    "        yield session\n"
    "    finally:\n"
    "        session.close()\n\n"
    "@contextmanager\n"
    "def transaction():\n"
    "    yield SessionLocal()\n\n"
    "def rows():\n"
    "    return (row for row in TABLE)\n\n"
    "async def outer():\n"
    "    def inner():\n"
    "        yield 1\n"
    "    return inner\n"
)
VALID.append(
    Example(
        {  # sync providers used as they are meant to; a function whose nested function yields
            _APP + "database.py": _SYNC,
            _APP + "jobs.py": (
                "from app.database import get_db_session, transaction, rows, outer\n\n"
                "async def cleanup():\n"
                "    with transaction() as tx:\n"
                "        pass\n"
                "    for session in get_db_session():\n"
                "        session.commit()\n"
                "    async with outer() as o:\n"
                "        pass\n"
                "    async for r in rows():\n"
                "        pass\n"
            ),
        }
    )
)
INVALID = [
    Example(
        {  # sync generators and @contextmanager functions under the async protocols
            _APP + "database.py": _SYNC,
            _APP + "jobs.py": (
                "from app.database import get_db_session, transaction\n\n"
                "async def cleanup():\n"
                "    async with get_db_session() as session:  # expect: ASY005\n"
                "        session.commit()\n"
                "    async with transaction() as tx:  # expect: ASY005\n"
                "        pass\n"
                "    async for session in get_db_session():  # expect: ASY005\n"
                "        pass\n"
                "    async for tx in transaction():  # expect: ASY005\n"
                "        pass\n"
            ),
        }
    ),
    Example(
        {
            _APP + "database.py": _DATABASE,
            _APP + "jobs.py": (
                "from app.database import get_db, session_scope, get_db_session\n"
                "from app import database as db\n\n"
                "async def cleanup():\n"
                "    async with get_db() as session:  # expect: ASY005\n"
                "        await session.execute('DELETE')\n"
                "    async with db.get_db_session() as session:  # expect: ASY005\n"
                "        await session.commit()\n"
                "    async for session in session_scope():  # expect: ASY005\n"
                "        await session.commit()\n"
                "    sessions = [s async for s in db.session_scope()]  # expect: ASY005\n"
            ),
            _APP + "scopes.py": (  # the decorator applied by a call
                "from contextlib import asynccontextmanager\n\n"
                "async def _scope():\n    async with SessionLocal() as session:\n        yield session\n\n"
                "request_scope = asynccontextmanager(_scope)\n\n"
                "async def run():\n"
                "    async with request_scope() as session:\n        await session.commit()\n"
                "    async for session in request_scope():  # expect: ASY005\n        pass\n"
                "    async with _scope() as session:  # expect: ASY005\n        pass\n"
            ),
            _APP + "aliased.py": (  # a module imported under an alias by its dotted path
                "import app.scopes as scopes_module\n\n"
                "async def run():\n"
                "    async for session in scopes_module.request_scope():  # expect: ASY005\n        pass\n"
            ),
            _APP + "wrapped.py": (  # ... to a generator another module defines
                "from contextlib import asynccontextmanager\n"
                "from .scopes import _scope\n\n"
                "wrapped_scope = asynccontextmanager(_scope)\n\n"
                "async def run():\n"
                "    async with wrapped_scope() as session:\n        await session.commit()\n"
                "    async for session in wrapped_scope():  # expect: ASY005\n        pass\n"
            ),
        }
    ),
    Example(
        {  # methods through self, the class, an object built here, a module-level instance
            _APP + "manager.py": (
                "from contextlib import asynccontextmanager\n\n"
                "class DatabaseManager:\n"
                "    async def get_session(self):\n        yield 1\n\n"
                "    @staticmethod\n"
                "    @asynccontextmanager\n"
                "    async def scoped():\n        yield 2\n\n"
                "    async def work(self):\n"
                "        async with self.get_session() as session:  # expect: ASY005\n"
                "            pass\n\n"
                "db_manager = DatabaseManager()\n"
            ),
            _APP + "__init__.py": "",
            _APP + "db/__init__.py": "from app.manager import DatabaseManager, db_manager\n",
            _APP + "jobs.py": (
                "from app.db import DatabaseManager, db_manager\n\n"
                "async def run():\n"
                "    manager = DatabaseManager()\n"
                "    async with manager.get_session() as session:  # expect: ASY005\n"
                "        pass\n"
                "    async with DatabaseManager().get_session() as session:  # expect: ASY005\n"
                "        pass\n"
                "    async with db_manager.get_session() as session:  # expect: ASY005\n"
                "        pass\n"
                "    async for session in DatabaseManager.scoped():  # expect: ASY005\n"
                "        pass\n"
                "\nasync def nested():\n"
                "    async def rows():\n        yield 1\n"
                "    async with rows() as r:  # expect: ASY005\n"
                "        pass\n"
            ),
        }
    ),
    Example(
        {  # relative imports, through a package that re-exports
            _APP + "sessions/__init__.py": "from .provider import get_db\n",
            _APP + "sessions/provider.py": "async def get_db():\n    yield 1\n",
            _APP + "sessions/jobs.py": (
                "from . import provider\n\n"
                "async def run():\n"
                "    async with provider.get_db() as session:  # expect: ASY005\n"
                "        pass\n"
            ),
            _APP + "jobs.py": (
                "from .sessions import get_db\n\n"
                "async def run():\n"
                "    async with get_db() as session:  # expect: ASY005\n"
                "        pass\n"
            ),
        }
    ),
]


class AsyncProtocolMismatch(
    Rule,
    code="ASY005",
    name="async-protocol-mismatch",
    severity=Severity.ERROR,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
):
    reads = frozenset(
        {"protocol_uses", "protocol_defs", "module_instances", "imports", "functions", "classes"}
    )

    def check(self) -> Iterator[Violation]:
        for use, target in Callables.of(self.project).uses({"async with", "async for"}):
            mismatch = _MISMATCHES.get((use.kind, target.kind))
            if mismatch is None:
                continue
            kind, made, fix = mismatch
            yield self.violation(
                use.location,
                fix=fix.format(callee=use.callee, name=target.name),
                message=MESSAGE if use.kind == "async with" else FOR_MESSAGE,
                related=target.related,
                callee=use.callee,
                what=target.described,
                kind=kind,
                made=made,
            )
