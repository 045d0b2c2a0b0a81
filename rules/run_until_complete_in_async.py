"""`loop.run_until_complete()` or `loop.run_forever()` called inside an `async def`.

## What it does
Flags `<loop>.run_until_complete(...)` and `<loop>.run_forever()` made
directly in the body of an `async def`. The same calls in sync code, in a
nested sync `def` or `lambda`, or under `if __name__ == "__main__":` are not
flagged.

## Why is this bad?
Inside an `async def` the event loop is already running. Asking it (or any
loop) to run until a coroutine completes raises
`RuntimeError: This event loop is already running`, or, with a second loop,
blocks the first one: every other task in the service stops until it returns.

## Example
```python
async def refresh(loop):
    loop.run_until_complete(cache.reload())
```

## Use instead
```python
async def refresh():
    await cache.reload()
```
"""

import libcst as cst

from archcheck.model import Severity
from archcheck.rule import FileContext, FilePlan, FileRule, RuleSpec, example
from archcheck.scopes import AsyncScopeTracker, await_instead, has_async_def

CODE = "ASY002"
NAME = "run-until-complete-in-async"
SEVERITY = Severity.ERROR
MESSAGE = (
    "loop.{method}() inside async function '{function}': the event loop is already running "
    "(RuntimeError, or a blocked loop)"
)
FIX = "await the coroutine, or schedule it with asyncio.create_task(), instead of driving a loop"
METHODS = ("run_until_complete", "run_forever")

VALID = [
    example("""
        import asyncio

        def main():
            loop = asyncio.new_event_loop()
            loop.run_until_complete(serve())
            loop.run_forever()

        async def handler(loop):
            def blocking():
                return loop.run_until_complete(fetch())
            later = lambda: loop.run_forever()
            return await loop.run_in_executor(None, blocking)
    """),
    example("""
        async def handler(runner, loop):
            await runner.run_until_ready()
            loop.call_soon(loop.stop)
            return loop.run_until_complete
    """),
]
INVALID = [
    example("""
        import asyncio

        async def refresh(loop):
            loop.run_until_complete(cache.reload())  # expect: ASY002
    """),
    example("""
        import asyncio

        class Server:
            async def start(self):
                asyncio.get_event_loop().run_forever()  # expect: ASY002
    """),
]


class Rule(AsyncScopeTracker, FileRule):
    def __init__(self, spec: RuleSpec, context: FileContext) -> None:
        FileRule.__init__(self, spec, context)
        AsyncScopeTracker.__init__(self)

    @classmethod
    def may_match(cls, text: str, plan: FilePlan) -> bool:
        return any(method in text for method in METHODS) and has_async_def(text)

    def visit_Call(self, node: cst.Call) -> None:
        function = self.async_function
        func = node.func
        if function is None or not isinstance(func, cst.Attribute) or func.attr.value not in METHODS:
            return
        fix = await_instead(self.context.module, node)
        self.report(node, fix=fix, method=func.attr.value, function=function.name.value)

