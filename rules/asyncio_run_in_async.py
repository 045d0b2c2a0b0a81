"""`asyncio.run()` called inside an `async def`.

## What it does
Flags a call to `asyncio.run(...)`, under any import alias
(`import asyncio as aio`, `from asyncio import run as r`), made directly in the
body of an `async def`. Calls in a nested sync `def` or `lambda`, in sync
functions and under `if __name__ == "__main__":` are not flagged.

## Why is this bad?
An `async def` runs inside an event loop that is already running.
`asyncio.run()` refuses to start a second one and raises
`RuntimeError: asyncio.run() cannot be called from a running event loop`; in
code paths that swallow the error, the work silently never happens. Where it
"works" (nested loop patches), the outer loop is blocked until the inner one
finishes, so every other request handled by the service stalls.

## Example
```python
import asyncio

async def startup():
    asyncio.run(db.connect())
```

## Use instead
```python
async def startup():
    await db.connect()
```
"""

import re

import libcst as cst

from archcheck.model import Severity
from archcheck.rule import FileContext, FilePlan, FileRule, RuleSpec, example
from archcheck.scopes import AsyncScopeTracker, ImportTracker, await_instead, has_async_def

_RUN_CALL = re.compile(r"\brun\s*\(")
_RUN_AS = re.compile(r"\brun\s+as\b")

CODE = "ASY001"
NAME = "asyncio-run-in-async"
SEVERITY = Severity.ERROR
MESSAGE = (
    "asyncio.run() inside async function '{function}': the event loop is already running "
    "(RuntimeError, or a blocked loop)"
)
FIX = "await the coroutine instead of starting a new event loop"

VALID = [
    example("""
        import asyncio

        async def main():
            await serve()

        if __name__ == "__main__":
            asyncio.run(main())
    """),
    example("""
        import asyncio

        def sync_entry():
            return asyncio.run(fetch())

        async def handler():
            def in_thread():
                return asyncio.run(fetch())
            callback = lambda: asyncio.run(fetch())
            return await asyncio.to_thread(in_thread)
    """),
    example("""
        import subprocess
        import trio

        async def handler(app, runner):
            subprocess.run(["ls"])
            app.run()
            runner.run(task())
            trio.run(task)
    """),
    example("""
        def run(coro):
            return coro

        async def handler():
            run(work())
    """),
]
INVALID = [
    example("""
        import asyncio

        async def startup():
            asyncio.run(db.connect())  # expect: ASY001
    """),
    example("""
        import asyncio as aio
        from asyncio import run as start

        class Worker:
            async def handle(self):
                if self.ready:
                    aio.run(self.flush())  # expect: ASY001
                result = [start(job()) for job in self.jobs]  # expect: ASY001
    """),
    example("""
        async def handler():
            import asyncio
            asyncio.run(work())  # expect: ASY001
    """),
]


class Rule(AsyncScopeTracker, ImportTracker, FileRule):
    def __init__(self, spec: RuleSpec, context: FileContext) -> None:
        FileRule.__init__(self, spec, context)
        AsyncScopeTracker.__init__(self)
        ImportTracker.__init__(self, context.module)

    @classmethod
    def may_match(cls, text: str, plan: FilePlan) -> bool:
        # asyncio.run is reachable only through an import that spells "asyncio", and is called
        # as `run(` / `<alias>.run(`, or under a name given by `import run as <name>`
        if "asyncio" not in text or not has_async_def(text):
            return False
        return _RUN_CALL.search(text) is not None or _RUN_AS.search(text) is not None

    def visit_Call(self, node: cst.Call) -> None:
        function = self.async_function
        if function is None or self.aliases.qualified(node.func) != "asyncio.run":
            return
        fix = await_instead(self.context.module, node)
        self.report(node, fix=fix, function=function.name.value)

