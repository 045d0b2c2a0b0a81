"""`asyncio.run()` called inside an `async def`.

## What it does
Flags a call to `asyncio.run(...)`, under any import alias
(`import asyncio as aio`, `from asyncio import run as r`), made directly in the
body of an `async def`. Calls in a nested sync `def` or `lambda`, in sync
functions and under the module's `if __name__ == "__main__":` are not flagged; neither
are calls that run only when no loop is running (an `except RuntimeError:`
around `asyncio.get_running_loop()`, the `else` of `loop.is_running()`), nor
deliberate negative tests inside `with pytest.raises(...)`. A name the function
binds itself (a parameter, an assignment, a lambda's parameter or a comprehension's
target named `asyncio` or `run`) is not the import, so its `.run()` is not flagged.

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

## Fix
`archcheck check --fix` replaces `asyncio.run(x)` with `await x` where the call is a
statement or its value is used by the async function itself (`result = await x`). Not
applied, and reported, where `await` would change what the code means: inside a generator
expression (it would become an async generator), a nested sync `def`, a `lambda` or a class
body, or when the call passes more than the coroutine (`debug=True`). Comments inside the
call's parentheses are kept, with the parentheses (`await (\n    x  # why\n)`); with a
comment on each side of a trailing comma the fix is not made.
"""

from typing import Iterator

from archcheck.facts.loops import LoopCalls
from archcheck.model import Severity, Violation
from archcheck.rule_api.codemods import await_loop_entry
from archcheck.rule_api.examples import example
from archcheck.rule_api.fixes import Offer
from archcheck.rule_api.rule import Rule

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
    example("""
        import asyncio
        from asyncio import run

        async def handler(asyncio, runner):
            asyncio.run(work())
            run = runner.run
            run(work())

        async def outer(asyncio):
            async def inner():
                asyncio.run(work())
            results = [asyncio.run(job) for asyncio in runners]
            return inner, lambda asyncio: asyncio.run(work()), results
    """),
    example("""
        import asyncio
        import pytest

        async def test_nested_run_is_refused():
            with pytest.raises(RuntimeError, match="running event loop"):
                asyncio.run(asyncio.sleep(0))

        async def maybe_run(coro):
            try:
                asyncio.get_running_loop()
                return await coro
            except RuntimeError:
                return asyncio.run(coro)
    """),
    example(
        """
        import asyncio

        async def test_nested_run_is_detected(harness):
            async def bad_func():
                return asyncio.run(asyncio.sleep(0))
            ok, error = await harness.simulate(bad_func)
            assert "running event loop" in str(error)
    """,
        path="services/example-service/tests/test_loops.py",
    ),
]
INVALID = [
    example(
        """
        import asyncio

        async def startup():
            asyncio.run(db.connect())  # expect: ASY001
    """,
        fixed="""
        import asyncio

        async def startup():
            await db.connect()  # expect: ASY001
    """,
    ),
    example(
        """
        import asyncio

        async def ensure_started(service):
            loop = getattr(service, "loop", None)  # maybe none: `not loop` is no guard
            if not loop:
                asyncio.run(service.start())  # expect: ASY001
            loop = asyncio.get_event_loop()
            if not (hasattr(loop, "is_running") and loop.is_running()) or service.forced:
                asyncio.run(service.start())  # expect: ASY001

        async def load(raw):
            try:
                asyncio.get_running_loop()
                return json.loads(raw)  # fails in a running loop too: into the handler
            except Exception:
                return asyncio.run(fetch(raw))  # expect: ASY001
    """
    ),
    example(
        """
        import asyncio as aio
        from asyncio import run as start

        class Worker:
            async def handle(self):
                if self.ready:
                    aio.run(self.flush())  # expect: ASY001
                result = [start(job()) for job in self.jobs]  # expect: ASY001
    """,
        fixed="""
        import asyncio as aio
        from asyncio import run as start

        class Worker:
            async def handle(self):
                if self.ready:
                    await self.flush()  # expect: ASY001
                result = [await job() for job in self.jobs]  # expect: ASY001
    """,
    ),
    example(
        """
        import asyncio

        async def load(ids):
            rows = asyncio.run(  # expect: ASY001
                fetch_all(ids)  # one query
            )
            retried = asyncio.run(  # expect: ASY001
                fetch_all(ids),  # retries inside
            )
            first = asyncio.run(fetch(ids[0])).name  # expect: ASY001
            total = sum(asyncio.run(count(i)) for i in ids)  # expect: ASY001
            asyncio.run(a or b)  # expect: ASY001
            asyncio.run(main=flush())  # expect: ASY001
            return asyncio.run(finish(), debug=True)  # expect: ASY001
    """,
        fixed="""
        import asyncio

        async def load(ids):
            rows = await (  # expect: ASY001
                fetch_all(ids)  # one query
            )
            retried = await (  # expect: ASY001
                fetch_all(ids)  # retries inside
            )
            first = (await fetch(ids[0])).name  # expect: ASY001
            total = sum(asyncio.run(count(i)) for i in ids)  # expect: ASY001
            await (a or b)  # expect: ASY001
            await flush()  # expect: ASY001
            return asyncio.run(finish(), debug=True)  # expect: ASY001
    """,
    ),
    example("""
        async def handler():
            import asyncio
            asyncio.run(work())  # expect: ASY001
    """),
    example("""
        import asyncio

        class Worker:
            asyncio = None  # a class attribute: not a name the methods see

            async def handle(self):
                asyncio.run(work())  # expect: ASY001
    """),
    example(
        """
        import asyncio
        import pytest

        async def test_handler():
            with pytest.raises(ValueError):
                await handler()
            asyncio.run(cleanup())  # expect: ASY001
    """,
        path="services/example-service/tests/test_handler.py",
    ),
]


class AsyncioRunInAsync(
    Rule,
    code="ASY001",
    name="asyncio-run-in-async",
    severity=Severity.ERROR,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
):
    reads = frozenset({"loop_entries"})
    loop_calls = LoopCalls(functions=frozenset({"asyncio.run"}))

    def check(self) -> Iterator[Violation]:
        for path, facts in self.project.facts.items():
            for entry in facts.loop_entries:
                if entry.kind not in self.loop_calls.functions or not self.project.flags_loop_entry(
                    path, entry
                ):
                    continue
                fix = entry.hint()
                function = (entry.function or "").rsplit(".", 1)[-1]
                yield self.violation(entry.location, fix=fix, function=function)

    def autofix(self, violation: Violation) -> Offer:
        return await_loop_entry(self.project, violation, self.loop_calls.functions)
