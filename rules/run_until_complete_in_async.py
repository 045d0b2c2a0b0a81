"""`loop.run_until_complete()` or `loop.run_forever()` called inside an `async def`.

## What it does
Flags `<loop>.run_until_complete(...)` and `<loop>.run_forever()` made
directly in the body of an `async def`, on an object that is certainly an
event loop: `asyncio.get_event_loop()`, `asyncio.new_event_loop()`,
`asyncio.get_running_loop()`, a name or `self` attribute bound from one (by
`=`, `:=` or an unpacking such as `loop, n = asyncio.new_event_loop(), 5`),
or a parameter annotated as an event loop. The same calls in sync code, in a
nested sync `def` or `lambda`, or under the module's `if __name__ == "__main__":` are not
flagged; neither are awaited calls, methods of other objects, calls that run
only when no loop is running (the `else` of `loop.is_running()`, with
`and`, `or` and `not` read as logic; not the `is_running()` of a loop the
function, its module or its class made with `new_event_loop()`), nor deliberate negative tests inside
`with pytest.raises(...)`.

## Why is this bad?
Inside an `async def` the event loop is already running. Asking it (or any
loop) to run until a coroutine completes raises
`RuntimeError: This event loop is already running`, or, with a second loop,
blocks the first one: every other task in the service stops until it returns.

## Example
```python
async def refresh():
    loop = asyncio.get_event_loop()
    loop.run_until_complete(cache.reload())
```

## Use instead
```python
async def refresh():
    await cache.reload()
```

## Fix
`archcheck check --fix` replaces `loop.run_until_complete(x)` with `await x` where the call
is a statement or its value is used by the async function itself. Not applied, and
reported, inside a generator expression, a nested sync `def`, a `lambda` or a class body.
`run_forever()` has no coroutine to await: it has no fix.
"""

from typing import Iterator

from archcheck.facts.loops import LoopCalls
from archcheck.model import Severity, Violation
from archcheck.rule_api.codemods import await_loop_entry
from archcheck.rule_api.examples import example
from archcheck.rule_api.fixes import Offer
from archcheck.rule_api.rule import Rule

MESSAGE = (
    "loop.{method}() inside async function '{function}': the event loop is already running "
    "(RuntimeError, or a blocked loop)"
)
FIX = "await the coroutine, or schedule it with asyncio.create_task(), instead of driving a loop"

VALID = [
    example("""
        import asyncio

        def main():
            loop = asyncio.new_event_loop()
            loop.run_until_complete(serve())
            loop.run_forever()

        async def handler():
            loop = asyncio.get_running_loop()
            def blocking():
                return loop.run_until_complete(fetch())
            later = lambda: loop.run_forever()
            return await loop.run_in_executor(None, blocking)
    """),
    example("""
        import asyncio

        async def handler(runner, loop, consumer):
            await runner.run_until_ready()
            loop.call_soon(loop.stop)
            runner.run_until_complete(job())
            await consumer.run_forever()
            return loop.run_until_complete
    """),
    example("""
        import asyncio

        class Scheduler:
            def __init__(self):
                self.loop = asyncio.get_event_loop()  # this thread's loop: is_running() guards

            async def submit(self, coro):
                if self.loop.is_running():
                    return asyncio.ensure_future(coro, loop=self.loop)
                else:
                    return self.loop.run_until_complete(coro)

        async def flush(cached):
            loop = asyncio.get_event_loop()
            if cached or loop.is_running():
                return None
            loop.run_until_complete(write())  # only where no loop runs

        async def cleanup():
            loop = asyncio.get_event_loop()
            if hasattr(loop, "is_running") and callable(loop.is_running) and loop.is_running():
                loop.create_task(sweep())
            else:
                loop.run_until_complete(sweep())  # a loop from get_event_loop() has is_running

        async def refresh(cached):
            loop = asyncio.get_event_loop()
            if cached:
                return
            elif loop.is_running():
                return
            loop.run_until_complete(sweep())  # every branch above leaves while a loop runs

        async def drain():
            loop = asyncio.get_event_loop()
            if not loop.is_running():
                pass
            else:
                return
            running = loop.is_running()
            if not running:
                loop.run_until_complete(sweep())
            if not (again := loop.is_running()):
                loop.run_until_complete(sweep())
    """),
]
INVALID = [
    example(
        """
        import asyncio

        async def refresh():
            loop = asyncio.get_event_loop()
            loop.run_until_complete(cache.reload())  # expect: ASY002
            loop.run_until_complete(future=cache.warm())  # expect: ASY002
    """,
        fixed="""
        import asyncio

        async def refresh():
            loop = asyncio.get_event_loop()
            await cache.reload()  # expect: ASY002
            await cache.warm()  # expect: ASY002
    """,
    ),
    example(
        """
        import asyncio

        async def totals(ids):
            loop = asyncio.get_running_loop()
            rows = loop.run_until_complete(fetch(ids))[0]  # expect: ASY002
            return list(loop.run_until_complete(count(i)) for i in ids)  # expect: ASY002
    """,
        fixed="""
        import asyncio

        async def totals(ids):
            loop = asyncio.get_running_loop()
            rows = (await fetch(ids))[0]  # expect: ASY002
            return list(loop.run_until_complete(count(i)) for i in ids)  # expect: ASY002
    """,
    ),
    example("""
        import asyncio

        class Server:
            def __init__(self):
                self._loop = asyncio.new_event_loop()

            async def start(self):
                asyncio.get_event_loop().run_forever()  # expect: ASY002

            async def stop(self):
                self._loop.run_until_complete(self.drain())  # expect: ASY002

        async def tick(loop: asyncio.AbstractEventLoop):
            loop.run_until_complete(step())  # expect: ASY002
    """),
    example("""
        import asyncio

        async def sync_all(force):
            if (loop := asyncio.new_event_loop()) is not None:
                loop.run_until_complete(step())  # expect: ASY002
            worker, timeout = asyncio.new_event_loop(), 5
            worker.run_until_complete(step())  # expect: ASY002

        async def refresh(force):
            loop = asyncio.get_event_loop()
            if loop.is_running() and not force:
                loop.create_task(step())
            else:
                loop.run_until_complete(step())  # expect: ASY002

        async def warm():
            loop = asyncio.new_event_loop()  # a loop made here has not run: no guard
            if not loop.is_running():
                loop.run_until_complete(step())  # expect: ASY002

        class Scheduler:
            def __init__(self):
                self.loop = asyncio.new_event_loop()  # a loop of its own: not the one running

            async def submit(self, coro):
                if self.loop.is_running():
                    return asyncio.ensure_future(coro, loop=self.loop)
                else:
                    return self.loop.run_until_complete(coro)  # expect: ASY002

        async def reload(cached):
            loop = asyncio.get_event_loop()
            if cached:
                pass  # falls through, loop or not
            elif loop.is_running():
                return
            loop.run_until_complete(step())  # expect: ASY002

        async def restart(server, remote):
            loop = asyncio.get_event_loop()
            running = loop.is_running()
            if remote:
                running = server.is_running()  # another object's: no guard any more
            if running:
                return
            loop.run_until_complete(step())  # expect: ASY002
    """),
]


class RunUntilCompleteInAsync(
    Rule,
    code="ASY002",
    name="run-until-complete-in-async",
    severity=Severity.ERROR,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
):
    reads = frozenset({"loop_entries"})
    loop_calls = LoopCalls(methods=frozenset({"run_until_complete", "run_forever"}))

    def check(self) -> Iterator[Violation]:
        for path, facts in self.project.facts.items():
            for entry in facts.loop_entries:
                if entry.kind not in self.loop_calls.methods or not self.project.flags_loop_entry(
                    path, entry
                ):
                    continue
                fix = entry.hint()
                function = (entry.function or "").rsplit(".", 1)[-1]
                yield self.violation(entry.location, fix=fix, method=entry.kind, function=function)

    def autofix(self, violation: Violation) -> Offer:
        return await_loop_entry(self.project, violation, self.loop_calls.methods)
