"""A context-manager function handed to FastAPI's `Depends()`.

## What it does
Flags `Depends(f)` (also `Depends(dependency=f)`, inside
`Annotated[T, Depends(f)]`, and `Security(f, scopes=[…])`, a `Depends` with
scopes; imported from FastAPI under any import alias) where `f` is an `@asynccontextmanager` or `@contextmanager` function,
directly or through one level of plain delegation
(`def get_session(): return session_scope()`). `f` is resolved as ASY005
resolves a callee: in the same module or through an import inside the project,
never by guessing. Plain async generators (an `async def` that yields) are
what `Depends()` expects and are not flagged.

## Why is this bad?
FastAPI calls the dependency and injects what the call returns. A plain
generator function is recognised and driven (FastAPI enters it as a context
manager itself and injects what it yields), but an `@asynccontextmanager`
function is an ordinary function returning an `_AsyncGeneratorContextManager`,
so that object is injected instead of the session, and the request fails with
`AttributeError: '_AsyncGeneratorContextManager' object has no attribute
'execute'` (or `_GeneratorContextManager` for `@contextmanager`). The session
is never opened, nor closed. This happens when one session provider serves
both `async with` callers and `Depends()`, and someone adds the decorator for
the former.

## Example
```python
@asynccontextmanager
async def get_db():
    async with SessionLocal() as session:
        yield session

@router.get("/orders")
async def list_orders(db: AsyncSession = Depends(get_db)):
    return await db.execute(select(Order))
```

## Use instead
A separate plain async generator for FastAPI:
```python
async def get_db_for_fastapi():
    async with get_db() as session:
        yield session

@router.get("/orders")
async def list_orders(db: AsyncSession = Depends(get_db_for_fastapi)):
    return await db.execute(select(Order))
```
"""

from typing import Iterator

from archcheck.facts.generators import ASYNC_CONTEXT_MANAGER, CONTEXT_MANAGER
from archcheck.model import Severity, Violation
from archcheck.project.callables import Callables
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import Rule

MESSAGE = (
    "{injector}({callee}): {what} is an @{decorator} function; FastAPI injects the context-manager "
    "object, not what it yields ('{cm_type}' object has no attribute ...)"
)
FIX = (
    "hand Depends() a plain async generator: 'async def {name}_for_fastapi(): "
    "async with {name}() as session: yield session'"
)

_APP = "services/orders-service/app/"
_DATABASE = (
    "from contextlib import asynccontextmanager, contextmanager\n\n"
    "@asynccontextmanager\n"
    "async def get_db():\n"
    "    async with SessionLocal() as session:\n"
    "        yield session\n\n"
    "@contextmanager\n"
    "def get_sync_db():\n"
    "    with SyncSession() as session:\n"
    "        yield session\n\n"
    "async def get_db_for_fastapi():\n"
    "    async with get_db() as session:\n"
    "        yield session\n\n"
    "def get_session():\n"
    "    return get_db()\n"
)
VALID = [
    Example(
        {
            _APP + "database.py": _DATABASE,
            _APP + "routes.py": (
                "from typing import Annotated\n"
                "from fastapi import APIRouter, Depends\n"
                "from app.database import get_db_for_fastapi, get_db\n\n"
                "router = APIRouter()\n"
                "Session = Annotated[object, Depends(get_db_for_fastapi)]\n\n"
                "@router.get('/orders')\n"
                "async def orders(db: Session, other=Depends(get_db_for_fastapi)):\n"
                "    async with get_db() as session:\n"
                "        return await session.execute('SELECT 1')\n"
            ),
        }
    ),
    Example(
        {  # not FastAPI's Depends; a name that cannot be resolved
            _APP + "routes.py": (
                "from app.database import get_db\n"
                "from app.di import Depends\n\n"
                "async def orders(db=Depends(get_db)):\n"
                "    return db\n"
            ),
            _APP + "handlers.py": (
                "from fastapi import Depends\n"
                "from sessions import get_db\n\n"
                "async def orders(get_current_user, db=Depends(get_db), user=Depends()):\n"
                "    return db\n"
            ),
            _APP + "database.py": _DATABASE,
            _APP + "di.py": "def Depends(f):\n    return f\n",
        }
    ),
]
INVALID = [
    Example(
        {
            _APP + "database.py": _DATABASE,
            _APP + "routes.py": (
                "from typing import Annotated\n"
                "import fastapi\n"
                "from fastapi import Depends as Inject\n"
                "from app import database\n"
                "from app.database import get_db, get_session\n\n"
                "Session = Annotated[object, Inject(get_db)]  # expect: ASY006\n\n"
                "async def orders(db: Session):\n"
                "    return db\n\n"
                "async def refunds(db=fastapi.Depends(dependency=get_session)):  # expect: ASY006\n"
                "    return db\n\n"
                "def report(db=Inject(database.get_sync_db)):  # expect: ASY006\n"
                "    return db\n\n"
                "def scoped(db=fastapi.Security(get_db, scopes=['read'])):  # expect: ASY006\n"
                "    return db\n"
            ),
            _APP + "scopes.py": (  # (its only mark is `Security`)
                "from fastapi import Security\n"
                "from app.database import get_db\n\n"
                "def me(db=Security(get_db, scopes=['me'])):  # expect: ASY006\n"
                "    return db\n"
            ),
        }
    ),
]


class ContextManagerAsDependency(
    Rule,
    code="ASY006",
    name="context-manager-as-dependency",
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
        for use, target in Callables.of(self.project).uses({"Depends", "Security"}):
            if target.kind not in (ASYNC_CONTEXT_MANAGER, CONTEXT_MANAGER):
                continue
            asynchronous = target.kind == ASYNC_CONTEXT_MANAGER
            yield self.violation(
                use.location,
                fix=self.fix.format(name=target.name),
                related=target.related,
                injector=use.kind,
                callee=use.callee,
                what=target.described,
                decorator="asynccontextmanager" if asynchronous else "contextmanager",
                cm_type="_AsyncGeneratorContextManager" if asynchronous else "_GeneratorContextManager",
            )
