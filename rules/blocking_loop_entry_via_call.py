"""An `async def` that calls a sync function which starts or drives an event loop.

## What it does
Builds the call graph of each service and flags a call, inside an
`async def`, to a sync function that reaches `asyncio.run(...)` or
`loop.run_until_complete(...)` through sync calls only, directly or across
modules of the service. The message shows the chain
(`handle_order -> run_sync -> asyncio.run`). Calls are followed only where
the target is certain: same-module and imported functions, `self.`/`cls.`
methods of one class, methods of objects built from a known class, and sync
functions passed by reference (`validator=self._validate_redis`) to code
that calls them. Sync entry points (Celery tasks, click commands) that are
not called from async code, and sync workers handed to a thread
(`asyncio.to_thread(worker)`), are not flagged.

## Why is this bad?
This is ASY001 one call away, and it is where the bug usually lives: a sync
helper wraps `asyncio.run()` for scripts, and later an async handler calls
it. Inside the running loop it raises `RuntimeError`, or, with a nested
loop, blocks every other request until it returns.

## Example
```python
# app/helpers.py
def run_sync(coro):
    return asyncio.run(coro)

# app/handlers.py
async def handle_order(order):
    run_sync(reserve_stock(order))
```

## Use instead
```python
async def handle_order(order):
    await reserve_stock(order)
```
"""

import re
from typing import Iterator

from archcheck.model import Severity, Violation
from archcheck.rule import Example, ProjectRule

CODE = "ASY003"
NAME = "blocking-loop-entry-via-call"
SEVERITY = Severity.ERROR
MESSAGE = "async function '{function}' calls '{callee}', which enters an event loop: {chain}"
FIX = "make '{callee}' async and await it, or run it in a thread with asyncio.to_thread()"

_APP = "services/orders-service/app/"
_HELPERS = "import asyncio\n\ndef run_sync(coro):\n    return asyncio.run(coro)\n"
VALID = [
    Example({
        _APP + "helpers.py": _HELPERS,
        _APP + "tasks.py": (
            "import asyncio\nimport click\nfrom celery import shared_task\nfrom app.helpers import run_sync\n\n"
            "@shared_task\ndef sync_orders():\n    return run_sync(fetch())\n\n"
            "@click.command()\ndef cli():\n    asyncio.run(main())\n\n"
            "def sync_caller():\n    sync_orders()\n"
        ),
        _APP + "handlers.py": (
            "import asyncio\nfrom app import tasks\n\n"
            "async def handler(job):\n"
            "    tasks.sync_orders.delay()\n"
            "    job.run_sync()\n"
            "    await tasks.sync_orders_async() if False else None\n"
        ),
        _APP + "tests/test_worker.py": (
            "import asyncio\n\nasync def test_in_thread():\n"
            "    def worker():\n        return asyncio.run(asyncio.sleep(0))\n"
            "    await asyncio.to_thread(worker)\n"
        ),
        "services/other-service/app/helpers.py": _HELPERS,
        "services/other-service/app/api.py": "from app.helpers import run_sync\n\ndef sync_api():\n    run_sync(1)\n",
    }),
]
INVALID = [
    Example({
        _APP + "helpers.py": _HELPERS + "\ndef wrapper(coro):\n    return run_sync(coro)\n",
        _APP + "handlers.py": (
            "from app.helpers import run_sync, wrapper\nfrom app import helpers\n\n"
            "async def handle_order(order):\n"
            "    run_sync(reserve(order))  # expect: ASY003\n"
            "\nasync def handle_refund(order):\n"
            "    helpers.wrapper(refund(order))  # expect: ASY003\n"
            "\nclass Service:\n"
            "    def _flush(self):\n        return wrapper(flush())\n"
            "    async def stop(self):\n        self._flush()  # expect: ASY003\n"
        ),
        _APP + "health.py": (
            "import asyncio\n\n"
            "class Registry:\n"
            "    def __init__(self):\n        self._validators = {}\n"
            "    def register(self, name, validator):\n        self._validators[name] = validator\n"
            "    async def validate(self):\n"
            "        for name, check in self._validators.items():\n"
            "            check()  # expect: ASY003\n"
            "\nclass Health:\n"
            "    def __init__(self):\n        self.registry = Registry()\n"
            "        self.registry.register('redis', validator=self._validate_redis)\n"
            "    def _validate_redis(self):\n        loop = asyncio.new_event_loop()\n"
            "        return loop.run_until_complete(ping())\n"
        ),
    }),
]


class Rule(ProjectRule):
    # a chain needs an async def and a loop entry (asyncio.run is reached through an import of
    # asyncio); patterns start with a literal so the regex engine can scan for it quickly
    CALL_FACTS_WHERE = (
        (re.compile(rb"async(?:[ \t\f]|\\\r?\n)+def\b"),),
        (re.compile(rb"asyncio"), re.compile(rb"run_until_complete")),
    )

    def check(self) -> Iterator[Violation]:
        graph = self.project.call_graph
        for caller, edge, chain in graph.async_calls_into(graph.loop_chains()):
            callee = chain[0][1].rsplit(".", 1)[-1]
            sink = graph.defs[chain[-1]].loop_entries[0].target.rsplit(".", 1)[-1]
            names = [caller[1].rsplit(".", 1)[-1], *(n[1].rsplit(".", 1)[-1] for n in chain)]
            entry = "asyncio.run" if sink == "run" else sink
            yield self.spec.violation(edge.location, fix=self.spec.fix.format(callee=callee),
                                      function=names[0], callee=callee,
                                      chain=" -> ".join([*names, entry]))  # fmt: skip
