"""An `async def` that calls a sync function which starts or drives an event loop.

## What it does
Builds the call graph of each service and flags a call, inside an
`async def`, to a sync function that reaches `asyncio.run(...)` or
`loop.run_until_complete(...)` through sync calls only, directly or across
modules of the service. The message shows the chain
(`handle_order -> run_sync -> asyncio.run`). Calls are followed only where
the target is certain: same-module and imported functions (absolute or
relative imports, also through a package's `__init__` that re-exports
them), a class's call (its `__init__`) and its methods called through it,
`self.`/`cls.` methods of one class, methods of objects built from a known
class (a local, a `self` attribute, or a module-level instance, also when imported), and
sync functions passed by reference (`validator=self._validate_redis`) to
code that calls them. A method called on an object of unknown type is never
guessed. A loop entry that runs only when no loop is running (an `except
RuntimeError:` around `asyncio.get_running_loop()`, the `else` of
`loop.is_running()`, or after an early return taken while a loop runs) does
not make its function one that enters a loop, and neither does a call made
there of a function that enters one (`except RuntimeError: return
run_in_new_loop(coro)`). Sync entry points (Celery tasks, click commands) that are
not called from async code, sync workers handed to a thread
(`asyncio.to_thread(worker)`), and a sync function a decorator made
awaitable (`@sync_to_async`) that is only awaited or handed to what awaits it
(`asyncio.gather(fetch(a))`, `create_task`), are not flagged.

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

from typing import Iterator, Tuple

from archcheck.facts.loops import LoopCalls
from archcheck.model import Severity, Violation
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import Rule

MESSAGE = "async function '{function}' calls '{callee}', which enters an event loop: {chain}"
FIX = "make '{callee}' async and await it, or run it in a thread with asyncio.to_thread()"

_APP = "services/orders-service/app/"
_HELPERS = "import asyncio\n\ndef run_sync(coro):\n    return asyncio.run(coro)\n"
VALID = [
    Example(
        {
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
        }
    ),
    Example(
        {  # loop entries that run only when no loop is running
            _APP + "background.py": (
                "import asyncio\n\n"
                "def run_in_background(coro):\n"
                "    try:\n"
                "        loop = asyncio.get_event_loop()\n"
                "        if loop.is_running():\n"
                "            asyncio.create_task(coro)\n"
                "        else:\n"
                "            loop.run_until_complete(coro)\n"
                "    except RuntimeError:\n"
                "        asyncio.run(coro)\n\n"
                "def check_available():\n"
                "    try:\n"
                "        asyncio.get_running_loop()\n"
                "        return False\n"
                "    except RuntimeError:\n"
                "        pass\n"
                "    return asyncio.run(ping())\n\n"
                "def sync_or_schedule(coro):\n"
                "    try:\n"
                "        running = asyncio.get_running_loop()\n"
                "    except RuntimeError:\n"
                "        running = None\n"
                "    if running is None:\n"
                "        return asyncio.run(coro)\n"
                "    return running.create_task(coro)\n"
            ),
            _APP + "handlers.py": (
                "from app.background import run_in_background, check_available, sync_or_schedule\n\n"
                "async def logout(token):\n"
                "    run_in_background(revoke(token))\n"
                "    check_available()\n"
                "    sync_or_schedule(audit(token))\n"
            ),
        }
    ),
    Example(
        {  # a method of an imported instance is that class's method, not a same-named function
            _APP + "errors.py": (
                "import asyncio\n\n"
                "class ApiErrorHandler:\n"
                "    async def handle_exception(self, error):\n        return error\n\n"
                "api_error_handler = ApiErrorHandler()\n\n"
                "def handle_exception(error):\n    return asyncio.run(report(error))\n"
            ),
            _APP + "routes.py": (
                "from app.errors import api_error_handler\nfrom app import errors\n\n"
                "async def handle_api_error(error, unknown):\n"
                "    await api_error_handler.handle_exception(error)\n"
                "    unknown.handle_exception(error)\n"
            ),
        }
    ),
    Example(
        {  # a def that a later def of its name replaces is never called (ruff's F811 flags it)
            _APP + "legacy.py": (
                "import asyncio\n\n"
                "def refresh():\n    return asyncio.run(reload())\n\n"
                "def refresh():\n    return None\n\n"
                "class Cache:\n"
                "    def warm(self):\n        return asyncio.run(load())\n\n"
                "    def warm(self):\n        return None\n\n"
                "    async def start(self):\n        self.warm()\n\n"
                "async def on_startup():\n    refresh()\n"
            ),
            _APP + "bridge.py": (  # a bridge that runs a loop only where none runs
                "import asyncio\n\n"
                "def run_sync(coro):\n"
                "    loop = asyncio._get_running_loop()\n"
                "    if loop is None:\n        return asyncio.run(coro)\n"
                "    return loop.create_task(coro)\n\n"
                "async def refresh():\n    run_sync(reload())\n"
            ),
        }
    ),
    Example(
        {  # a relative import names the module beside the importer, not a same-named one elsewhere
            _APP + "helpers.py": _HELPERS,
            _APP + "jobs/__init__.py": "",
            _APP + "jobs/helpers.py": "def run_sync(coro):\n    return coro\n",
            _APP + "jobs/api.py": (
                "from .helpers import run_sync\nfrom . import helpers\n\n"
                "async def handler(job):\n    run_sync(job())\n    helpers.run_sync(job())\n"
            ),
            "services/billing-service/app/__init__.py": "",
            "services/billing-service/app/api.py": (
                "from ...orders_service.app.helpers import run_sync\n\n"
                "async def bill(job):\n    run_sync(job())\n"
            ),
        }
    ),
    Example(
        {  # a sync function a decorator made awaitable runs elsewhere (a thread), not in the loop
            _APP + "legacy.py": (
                "import asyncio\nimport functools\nfrom asgiref.sync import sync_to_async\n\n"
                "def in_thread(fn):\n"
                "    @functools.wraps(fn)\n"
                "    async def wrapper(*args):\n        return await asyncio.to_thread(fn, *args)\n"
                "    return wrapper\n\n"
                "def legacy_call(coro):\n    return asyncio.run(coro)\n\n"
                "@in_thread\ndef fetch_in_thread(coro):\n    return legacy_call(coro)\n\n"
                "@sync_to_async\ndef fetch_via_asgiref(coro):\n    return legacy_call(coro)\n\n"
                "async def handler(coro):\n"
                "    await fetch_in_thread(coro)\n    await fetch_via_asgiref(coro)\n\n"
                "async def many(coros, tg):\n"  # (handed to what awaits it: the same evidence)
                "    await asyncio.gather(fetch_in_thread(coros[0]), *[fetch_via_asgiref(c) for c in coros])\n"
                "    await asyncio.wait_for(fetch_via_asgiref(coros[0]), timeout=5)\n"
                "    tg.create_task(fetch_in_thread(coros[1]))\n"
                "    await asyncio.wait([fetch_via_asgiref(c) for c in coros])\n"
                "    pending = [fetch_via_asgiref(c) for c in coros]\n"  # (held by a local first)
                "    await asyncio.gather(*pending)\n"
                "    one = fetch_in_thread(coros[0])\n    await one\n"
                "    tasks = []\n"  # (collected, unpacked or annotated first)
                "    for c in coros:\n        tasks.append(fetch_via_asgiref(c))\n"
                "    await asyncio.gather(*tasks)\n"
                "    a, b = fetch_via_asgiref(coros[0]), fetch_in_thread(coros[1])\n    await a\n    await b\n"
                "    held: asyncio.Future = fetch_via_asgiref(coros[2])\n    await held\n"
            ),
        }
    ),
    Example(
        {  # a call of a helper that enters a loop, made only when no loop runs
            _APP + "helpers.py": _HELPERS,
            _APP + "bridge.py": (
                "import asyncio\nfrom app.helpers import run_sync\n\n"
                "def submit(coro):\n"
                "    try:\n        asyncio.get_running_loop()\n"
                "    except RuntimeError:\n        return run_sync(coro)\n"
                "    return asyncio.ensure_future(coro)\n\n"
                "def schedule(coro):\n"
                "    loop = asyncio.get_event_loop()\n"
                "    if loop.is_running():\n        return loop.create_task(coro)\n"
                "    return run_sync(coro)\n\n"
                "def dispatch(coro, runner=run_sync):\n"
                "    loop = asyncio.get_event_loop()\n"
                "    return loop.create_task(coro) if loop.is_running() else runner(coro)\n\n"
                "def flagged(coro):\n"
                "    try:\n        asyncio.get_running_loop()\n        in_loop = True\n"
                "    except RuntimeError:\n        in_loop = False\n"
                "    if not in_loop:\n        run_sync(coro)\n\n"
                "def warm_up():\n"
                "    try:\n        asyncio.get_running_loop()\n        return None\n"
                "    except RuntimeError:\n        pass\n"
                "    @run_sync\n    async def result():\n        return 1\n"
                "    return result\n"
            ),
            _APP + "api.py": (
                "from app.bridge import submit, schedule, dispatch, flagged, warm_up\nfrom app.helpers import run_sync\n\n"
                "async def handler(job):\n"
                "    submit(job())\n    schedule(job())\n    dispatch(job(), runner=run_sync)\n    flagged(job())\n"
                "    warm_up()\n"
            ),
        }
    ),
    Example(
        {  # a method an override replaces, or one of several bases (which one runs is not certain)
            _APP + "jobs.py": (
                "import asyncio\n\n"
                "class SyncJob:\n    def run(self):\n        asyncio.run(self.main())\n\n"
                "class Quiet:\n    def run(self):\n        return None\n\n"
                "class Overrides(SyncJob):\n    def run(self):\n        return None\n\n"
                "class Mixed(Quiet, SyncJob):\n    pass\n\n"
                "def _inline(self):\n    return None\n\n"
                "class Bound(SyncJob):\n    run = _inline\n\n"
                "async def handler():\n    Overrides().run()\n    Mixed().run()\n    Bound().run()\n"
            ),
        }
    ),
]
INVALID = [
    Example(
        {  # a method inherited through single bases of the project (run 127b/03)
            _APP
            + "base.py": "import asyncio\n\nclass SyncJob:\n    def run(self):\n        asyncio.run(self.main())\n",
            _APP + "jobs.py": (
                "from app.base import SyncJob\n\n"
                "class ReportJob(SyncJob):\n    pass\n\n"
                "class EmailJob(ReportJob):\n    async def go(self):\n        self.run()  # expect: ASY003\n\n"
                "async def handler():\n    job = ReportJob()\n    job.run()  # expect: ASY003\n\n"
                "class Extended(SyncJob):\n    def run(self):\n        return super().run()\n\n"
                "async def extended():\n    return Extended().run()  # expect: ASY003\n"
            ),
        }
    ),
    Example(
        {  # a decorated one awaited once and called plainly once: the plain call is the finding
            _APP + "legacy.py": (
                "import asyncio\nfrom asgiref.sync import sync_to_async\n\n"
                "def legacy_call(coro):\n    return asyncio.run(coro)\n\n"
                "@sync_to_async\ndef fetch(coro):\n    return legacy_call(coro)\n\n"
                "async def handler(c):\n    await fetch(c)\n"
                "    return [fetch(x) for x in c]  # expect: ASY003\n"
            ),
        }
    ),
    Example(
        {
            _APP + "helpers.py": _HELPERS + "\ndef wrapper(coro):\n    return run_sync(coro)\n",
            _APP + "handlers.py": (
                "import asyncio\nfrom app.helpers import run_sync, wrapper\nfrom app import helpers\n\n"
                "async def handle_order(order):\n"
                "    run_sync(reserve(order))  # expect: ASY003\n"
                "\nasync def handle_orders(orders):\n"  # (an undecorated one runs its body right here)
                "    await asyncio.gather(run_sync(orders[0]))  # expect: ASY003\n"
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
            _APP + "report.py": (
                "import asyncio\n\n"
                "class CommitParser:\n"
                "    def get_commits(self, since):\n        return self._fetch(since)\n"
                "    def _fetch(self, since):\n"
                "        try:\n            return asyncio.run(self._fetch_async(since))\n"
                "        except Exception:\n            return []\n\n"
                "parser = CommitParser()\n\n"
                "class ErrorHandler:\n"
                "    def handle(self, error):\n        return asyncio.run(report(error))\n\n"
                "handler = ErrorHandler()\n\n"
                "class Runner:\n"  # an alternate constructor, and a function nested in a method
                "    def __init__(self, coro):\n        self.result = asyncio.run(coro)\n"
                "    @classmethod\n    def from_coro(cls, coro):\n        return cls(coro)\n"
                "    def flush(self):\n        return asyncio.run(self.drain())\n"
                "    async def stop(self):\n"
                "        def inner():\n            self.flush()\n"
                "        inner()  # expect: ASY003\n\n"
                "async def start(coro):\n    return Runner.from_coro(coro)  # expect: ASY003\n"
            ),
            _APP + "routes.py": (
                "from app.report import parser, handler\n\n"
                "async def generate(hours):\n"
                "    return parser.get_commits(hours)  # expect: ASY003\n\n"
                "async def on_error(error):\n"
                "    handler.handle(error)  # expect: ASY003\n"
            ),
            _APP + "compat.py": (  # a stand-in defined where an optional import failed
                "import asyncio\n\n"
                "try:\n    from fastsync import run_blocking\n"
                "except ImportError:\n"
                "    def run_blocking(coro):\n        return asyncio.run(coro)\n"
            ),
            _APP + "jobs.py": (
                "import asyncio\nfrom app.compat import run_blocking\n\n"
                "async def nightly():\n"
                "    run_blocking(cleanup())  # expect: ASY003\n\n"
                "async def weekly():\n"
                "    def check(token):\n"
                "        loop = asyncio.new_event_loop()\n"
                "        return loop.run_until_complete(verify(token))\n"
                "    check('t')  # expect: ASY003\n"
            ),
            _APP + "redefined.py": (  # the def that replaces another is the one called
                "import asyncio\n\n"
                "def refresh():\n    return None\n\n"
                "def refresh():\n    return asyncio.run(reload())\n\n"
                "def sync_all():\n"
                "    def step():\n        return asyncio.run(reload())\n"
                "    step()  # in a function's body, a call before the next def reaches this one\n\n"
                "    def step():\n        return None\n\n"
                "async def on_startup():\n"
                "    refresh()  # expect: ASY003\n"
                "    sync_all()  # expect: ASY003\n"
            ),
            _APP + "extended.py": (  # a class extended in place keeps its methods
                "import asyncio\n\n"
                "class Client:\n    def get(self):\n        return asyncio.run(fetch())\n"
                "    async def main(self):\n        self.get()  # expect: ASY003\n\n"
                "class Client(Client):\n    timeout = 5\n"
            ),
            _APP + "served.py": (  # both handlers are registered: neither replaces the other
                "import asyncio\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\n\n"
                "def sync_refresh():\n    return asyncio.run(reload())\n\n"
                "@router.get('/users')\nasync def handler():\n"
                "    sync_refresh()  # expect: ASY003\n\n"
                "@router.get('/orders')\nasync def handler():\n    return []\n\n"
                "@router.get('/sync')\nasync def sync_view():\n    return []\n\n"
                "def sync_view():  # the name's last def: sync, and it enters a loop\n"
                "    return asyncio.run(reload())\n\n"
                "async def render():\n    sync_view()  # expect: ASY003\n"
            ),
            _APP + "clients.py": (  # an instance bound by `:=`, by unpacking, with an annotation
                "import asyncio\n\n"
                "class Client:\n    def fetch(self):\n        return asyncio.run(get())\n\n"
                "async def poll():\n"
                "    if (client := Client()) is not None:\n"
                "        client.fetch()  # expect: ASY003\n\n"
                "async def retry():\n"
                "    backup, retries = Client(), 3\n"
                "    backup.fetch()  # expect: ASY003\n\n"
                "async def spare():\n"
                "    spare: Client = Client()\n"
                "    spare.fetch()  # expect: ASY003\n\n"
                "async def once():\n"
                "    Client().fetch()  # expect: ASY003\n\n"
                "async def kept():\n"
                "    (client := Client()).fetch()  # expect: ASY003\n"
            ),
        }
    ),
    Example(
        {  # an awaited sync function with no decorator runs its body in the loop
            _APP + "legacy.py": (
                "import asyncio\n\n"
                "def legacy_call(coro):\n    asyncio.run(coro)\n    return asyncio.sleep(0)\n\n"
                "async def handler(coro):\n    await legacy_call(coro)  # expect: ASY003\n"
            ),
        }
    ),
    Example(
        {  # a class's call runs its `__init__`; a class's own methods; a callback registered
            # where no loop runs is still called later, where one may
            _APP + "settings.py": (
                "import asyncio\n\n"
                "class RemoteConfig:\n"
                "    def __init__(self):\n        self.data = asyncio.run(fetch())\n\n"
                "    @classmethod\n    def load(cls):\n        return asyncio.run(fetch())\n\n"
                "    @staticmethod\n    def load_static():\n        return asyncio.run(fetch())\n"
            ),
            _APP + "api.py": (
                "from app.settings import RemoteConfig\nfrom app import settings\n\n"
                "async def create():\n    RemoteConfig()  # expect: ASY003\n\n"
                "async def update():\n    settings.RemoteConfig()  # expect: ASY003\n\n"
                "async def load():\n    RemoteConfig.load()  # expect: ASY003\n\n"
                "async def load_static():\n    RemoteConfig.load_static()  # expect: ASY003\n"
            ),
            _APP + "health.py": (
                "import asyncio\n\n"
                "class Registry:\n"
                "    def __init__(self):\n        self._validators = {}\n"
                "    def register(self, name, validator):\n        self._validators[name] = validator\n"
                "    async def validate(self):\n"
                "        for name, check in self._validators.items():\n"
                "            check()  # expect: ASY003\n\n"
                "class Health:\n"
                "    def __init__(self):\n        self.registry = Registry()\n"
                "        try:\n            asyncio.get_running_loop()\n"
                "        except RuntimeError:\n"
                "            self.registry.register('redis', validator=self._validate_redis)\n"
                "    def _validate_redis(self):\n        return asyncio.run(ping())\n"
            ),
        }
    ),
    Example(
        {  # relative imports: a function, a module, a class and an instance, re-exported too
            _APP + "__init__.py": "",
            _APP + "helpers.py": (
                _HELPERS + "\nclass Runner:\n    def go(self, coro):\n        return asyncio.run(coro)\n\n"
                "runner = Runner()\n"
            ),
            _APP + "api/__init__.py": "from ..helpers import run_sync as blocking\n",
            _APP + "api/routes.py": (
                "from ..helpers import run_sync, Runner, runner\nfrom .. import helpers\nfrom . import blocking\n\n"
                "async def create(job):\n    run_sync(job())  # expect: ASY003\n\n"
                "async def update(job):\n    helpers.run_sync(job())  # expect: ASY003\n\n"
                "async def start(job):\n    Runner().go(job())  # expect: ASY003\n\n"
                "async def stop(job):\n    runner.go(job())  # expect: ASY003\n\n"
                "async def close(job):\n    blocking(job())  # expect: ASY003\n"
            ),
        }
    ),
    Example(
        {  # a helper called where a loop may run: the guard is elsewhere, or reads the other way
            _APP + "helpers.py": _HELPERS,
            _APP + "bridge.py": (
                "import asyncio\nfrom app.helpers import run_sync\n\n"
                "def submit(coro):\n"
                "    try:\n        asyncio.get_running_loop()\n"
                "    except ValueError:\n        return run_sync(coro)\n\n"
                "def schedule(coro):\n"
                "    loop = asyncio.get_event_loop()\n"
                "    if loop.is_running():\n        return run_sync(coro)\n"
                "    return loop.create_task(coro)\n\n"
                "def first(coro):\n"
                "    try:\n        run_sync(coro)\n        asyncio.get_running_loop()\n"
                "    except RuntimeError:\n        pass\n\n"
                "def later(coro):\n"
                "    try:\n        asyncio.get_running_loop()\n"
                "    except RuntimeError:\n"
                "        def go():\n            return run_sync(coro)\n"
                "        return go\n"
                "    return None\n\n"
                "def dispatch(coro, runner=run_sync):\n"
                "    loop = asyncio.get_event_loop()\n"
                "    return runner(coro) if loop.is_running() else None\n\n"
                "def flagged(coro):\n"
                "    try:\n        asyncio.get_running_loop()\n        in_loop = True\n"
                "    except RuntimeError:\n        in_loop = False\n"
                "    if in_loop:\n        run_sync(coro)\n"
            ),
            _APP + "api.py": (
                "from app.bridge import submit, schedule, first, later, dispatch, flagged\n"
                "from app.helpers import run_sync\n\n"
                "async def handler(job):\n"
                "    submit(job())  # expect: ASY003\n"
                "    schedule(job())  # expect: ASY003\n"
                "    first(job())  # expect: ASY003\n"
                "    later(job())()\n"
                "    dispatch(job(), runner=run_sync)  # expect: ASY003\n"
                "    flagged(job())  # expect: ASY003\n"
            ),
        }
    ),
]


_SHOWN_CALLS = 12  # functions a message names along a chain


def _short(node: Tuple[str, str]) -> str:
    """A function's own name: ``handle`` of ``(path, "Service.handle")``; a class's
    ``__init__`` with its class (``Service.__init__``: what a call of the class runs)."""
    parts = node[1].rsplit(".", 2)
    return ".".join(parts[-2:]) if parts[-1] == "__init__" and len(parts) > 1 else parts[-1]


class BlockingLoopEntryViaCall(
    Rule,
    code="ASY003",
    name="blocking-loop-entry-via-call",
    severity=Severity.ERROR,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
):
    reads = frozenset(
        {"loop_entries", "imports", "classes", "calls", "functions", "module_instances", "contents"}
    )
    # names and what resolves them: its positions come from call facts (``calls``, or those of
    # the files it read), so a body edited elsewhere does not build the call graph again
    reads_attributes = frozenset(
        {
            "functions.name",
            "classes.name",
            "classes.methods",
            "classes.bases",  # (a method inherited through single bases, and what rebinds it)
            "classes.fields",
            "imports.module",
            "imports.level",
            "imports.names",
            "imports.kind",
            "imports.aliases",
            "loop_entries.function",
            "loop_entries.guarded",
            "loop_entries.kind",
            "loop_entries.replaced",
        }
    )
    loop_calls = LoopCalls(
        functions=frozenset({"asyncio.run"}), methods=frozenset({"run_until_complete", "run_forever"})
    )

    def check(self) -> Iterator[Violation]:
        graph = self.project.call_graph
        chains = graph.loop_chains()
        for caller, edge, first in graph.async_calls_into(chains):
            head, length, last = chains.outline(first, _SHOWN_CALLS)
            callee = _short(first)
            entry = graph.entries[last[-1]].kind
            names = [_short(caller), *map(_short, head)]
            if 1 + length > _SHOWN_CALLS:  # a chain of thousands of calls stays one short line
                hidden = 1 + length - _SHOWN_CALLS
                names = [*names[: _SHOWN_CALLS - 2], f"({hidden} more calls)", *map(_short, last)]
            yield self.violation(
                edge.location,
                fix=self.fix.format(callee=callee),
                related=[graph.defs[node].location for node in head],
                function=names[0],
                callee=callee,
                chain=" -> ".join([*names, entry]),
            )
