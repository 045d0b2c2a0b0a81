"""The same module-level function defined in two or more modules of one service.

## What it does
Flags a public module-level function name defined in two or more modules of
one service or shared library (or twice in one module), when there is
evidence beyond the name that the definitions are copies: the same
parameters (at least two) with some body lines alike (15 %; or a body left
empty: adapters for different frameworks share only a signature), or bodies
whose lines are mostly the same (half; read as code: a
comment, spaces, the kind of quote, statements joined by `;` or a body on
its `def` line make no difference). Not flagged: dunder
names, `_private` helpers, `main`; route handlers and other framework entry
points (functions under `@router.get(...)`, `@app.route`, `@app.on_event`,
`@celery.task`, `@click.command`, `@mcp.tool()`…); per-module factories
(`register_*`, `create_app`, `build_router`…); test files, generated code,
framework conventions (Alembic's `upgrade` and `downgrade`), `@overload`
signatures (the implementation after them is one definition) and
`ssot.acceptable-duplicates`. Two lazy-singleton getters of one name
(`global _x` / `if _x is None: _x = Cls()` / `return _x`) have alike bodies
even when each builds a class of its own: they are flagged, a known limit
(rename one, or list the name in `ssot.acceptable-duplicates`).

## Why is this bad?
Copies of a helper (`get_db_session`, `parse_token`) diverge: one gets the
fix, the others keep the bug. Callers cannot tell which one is meant.

## Example
```python
# app/db.py
def get_session(): ...
# app/api/deps.py
def get_session(): ...
```

## Use instead
```python
# app/api/deps.py
from app.db import get_session
```

## Options
- `ssot.acceptable-duplicates`: function names or globs allowed to repeat.
"""

import fnmatch
import heapq
import itertools
from collections import Counter
from typing import Dict, Hashable, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

from archcheck.model import ImportKind, Severity, Violation
from archcheck.project.ssot import Site, duplicates, function_sites, similarity, unit_label
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import SHOWN, Rule, listed

MESSAGE = "function '{name}' is defined more than once in {unit}: also at {others}"
FIX = "keep one implementation and import it everywhere else"

# decorators that register a function with a framework: each module has its own, by design
ENTRY_DECORATORS = frozenset(
    {
        "get",
        "post",
        "put",
        "patch",
        "delete",
        "head",
        "options",
        "trace",
        "route",
        "api_route",
        "websocket",
        "websocket_route",
        "on_event",
        "middleware",
        "exception_handler",
        "errorhandler",
        "task",
        "shared_task",
        "periodic_task",
        "command",
        "group",
        "fixture",
        "receiver",
        "listens_for",
        "hookimpl",
        "tool",
        "resource",
        "prompt",
        "subscriber",
        "consumer",
        "job",
        "scheduled_job",
        "event",
        "listener",
        "on",
        "handler",
        "validator",
        "field_validator",
        "model_validator",
        "root_validator",
        "before_request",
        "after_request",
        "callback",
        "cli",
        "webhook",
        "resolver",
        "mutation",
        "query",
        "action",
        "signal",
        "hook",
        "register",
    }
)
_ENTRY_SUFFIXES = ("_handler", "_route", "_task", "_command", "_hook", "_listener", "_tool", "_event")
# per-module factories and registration functions that frameworks look up by name
FACTORIES = (
    "register_*",
    "create_app",
    "create_*_app",
    "make_app",
    "build_app",
    "build_*_app",
    "build_router",
    "build_*_router",
    "create_router",
    "create_*_router",
    "get_router",
    "setup_routes",
    "include_routes",
    "include_routers",
    "init_app",
)
MIN_BODY_SIMILARITY = 0.5
MIN_SHARED_LINES = 0.15  # with the same parameters, bodies must have some lines alike
MIN_BODY_LINES = 2
COMPARED = 64  # distinct definitions of a name one definition is compared with

_APP = "services/orders-service/app/"
_ROUTES = (
    "from fastapi import APIRouter\nrouter = APIRouter()\n\n"
    "@router.get('/health')\nasync def health():\n    return {'ok': True}\n\n"
    "def register_routes(app):\n    app.include_router(router)\n"
)
VALID = [
    Example(
        {
            _APP + "a.py": "def main(): ...\ndef _helper(): ...\ndef __getattr__(name): ...\n"
            "def register(linter): ...\ndef init_app(app): ...\n",
            _APP + "b.py": "def main(): ...\ndef _helper(): ...\ndef __getattr__(name): ...\n"
            "def register(linter): ...\ndef init_app(app): ...\n",
            _APP + "alembic/versions/001_init.py": "def upgrade(): ...\ndef downgrade(): ...\n",
            _APP + "alembic/versions/002_more.py": "def upgrade(): ...\ndef downgrade(): ...\n",
            _APP + "parsing.py": (  # signatures for type checkers, then the one implementation
                "from typing import overload as ov\nimport typing\n\n"
                "@ov\ndef parse_amount(value: int, currency: str) -> int: ...\n"
                "@ov\ndef parse_amount(value: bytes, currency: str) -> int: ...\n"
                "@typing.overload\ndef parse_amount(value: str, currency: str) -> float: ...\n"
                "def parse_amount(value, currency):\n    return float(value)\n"
            ),
            "services/billing-service/app/a.py": "def get_session(): ...\n",
            _APP + "db.py": "def get_session(): ...\n",
            # accessors of different things, with nothing in common but the name
            _APP + "database.py": "def get_connection_manager():\n    return _db_manager\n",
            _APP + "websocket.py": "def get_connection_manager():\n    global _ws\n    return _ws\n",
            _APP
            + "breakers.py": "def default_alert_handler(alert):\n    log.warning('breaker %s', alert.name)\n",
            # per-framework adapters: one signature, nothing alike inside
            _APP + "monitoring/fastapi.py": (
                "def setup_monitoring(app, config):\n    app.add_middleware(MetricsMiddleware, config=config)\n"
                "    app.add_route('/metrics', metrics_endpoint)\n"
            ),
            _APP + "monitoring/flask.py": (
                "def setup_monitoring(app, config):\n    app.before_request(start_timer)\n"
                "    app.after_request(record_request)\n"
            ),
            _APP + "resilience.py": "def default_alert_handler(alert):\n    metrics.inc(alert.kind)\n",
        },
        'services = ["services/*"]\n[ssot]\nacceptable-duplicates = ["init_*"]\n',
    ),
    Example(
        {
            _APP + "routes/users.py": _ROUTES,
            _APP + "routes/orders.py": _ROUTES,
            # an endpoint and an LLM tool that share only a name
            _APP + "api/search.py": (
                "async def search(query: str, limit: int):\n"
                "    results = await index.find(query)\n    return results[:limit]\n"
            ),
            _APP + "agents/search.py": (
                "def search(state, config):\n    llm = config.llm\n    return llm.invoke(state.messages)\n"
            ),
            # a sync wrapper around the async original calls it: one implementation
            _APP
            + "checks/core.py": "async def validate_user(user, context):\n    return await rules.check(user)\n",
            _APP + "checks/sync.py": (
                "import asyncio\nfrom app.checks.core import validate_user as _async_validate_user\n\n"
                "def validate_user(user, context):\n    return asyncio.run(_async_validate_user(user, context))\n"
            ),
        }
    ),
]
INVALID = [
    Example(
        {
            _APP
            + "db.py": "def get_session():  # expect: SSOT002\n    factory = make_factory()\n    return factory()\n",
            _APP + "api/deps.py": (
                "async def get_session():  # expect: SSOT002\n    factory = make_factory()\n    return factory()\n"
            ),
            _APP + "tokens.py": (
                "def parse_token(token, secret):  # expect: SSOT002\n"
                "    header, payload, signature = token.split('.')\n"
                "    return decode(payload, secret)\n"
            ),
            _APP + "auth/jwt.py": (
                "def parse_token(raw, key):  # expect: SSOT002\n"
                '    """Parse a JWT."""\n'
                "    header, payload, signature = token.split('.')\n"
                "    return decode(payload, secret)\n"
            ),
            # the same parameters and a line in common: a copy that drifted
            _APP + "errors.py": (
                "def format_error(error, request):  # expect: SSOT002\n    logger.exception(error)\n"
                "    return {'detail': str(error)}\n"
            ),
            _APP + "api/errors.py": (
                "def format_error(error, request):  # expect: SSOT002\n    logger.exception(error)\n"
                "    code = getattr(error, 'code', 500)\n    return {'error': repr(error), 'path': request.url}\n"
            ),
        }
    ),
]


def is_entry_point(site: Site) -> bool:
    """A function a framework calls: a route handler, a task, a command, a fixture…"""
    for decorator in site.decorators:
        last = decorator.rsplit(".", 1)[-1]
        if last in ENTRY_DECORATORS or last.endswith(_ENTRY_SUFFIXES):
            return True
    return False


def evidence(a: Site, b: Site) -> Optional[str]:
    """Why two same-named functions are copies, beyond the name; None when nothing says so.

    A short parameter list says nothing: every accessor (`get_manager()`) and every
    handler (`default_alert_handler(alert)`) has one.
    """
    alike = similarity(a.body, b.body)
    if min(len(a.body), len(b.body)) >= MIN_BODY_LINES and alike >= MIN_BODY_SIMILARITY:
        return "a similar body"
    if len(a.params) >= 2 and a.params == b.params and (alike >= MIN_SHARED_LINES or not (a.body and b.body)):
        return "the same parameters"  # and some lines alike: per-framework adapters share only a signature
    return None


class DuplicateFunction(
    Rule,
    code="SSOT002",
    name="duplicate-function",
    severity=Severity.WARNING,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
    tags=("ssot",),
    in_tests=False,
):
    reads = frozenset(
        {"classes", "functions", "generated", "imports", "module_instances"}
    )  # (a star binds instances too)

    def check(self) -> Iterator[Violation]:
        groups = [
            (unit, name, group)
            for unit, sites in function_sites(self.project).items()
            for name, group in sorted(duplicates([s for s in sites if _compared(s)]).items())
        ]
        defining: Dict[str, Set[str]] = {}  # file -> the duplicated names it defines
        for _, name, group in groups:
            for site in group:
                defining.setdefault(site.path, set()).add(name)
        delegating = self._delegations(defining)
        for unit, name, group in groups:
            for site, copies, count in _copies(group, delegating.get(name, {})):
                yield self.violation(
                    site.location,
                    related=[o.location for o in copies],
                    name=name,
                    unit=unit_label(unit),
                    others=_places(site, copies, count),
                )

    def _delegations(self, defining: Mapping[str, Set[str]]) -> Dict[str, Dict[str, Set[str]]]:
        """name -> file -> the files it imports ``name`` from or exports it to: a wrapper
        (``from .core import validate as _async_validate``) calls the original, it is no copy.
        Only a copy's file can be a wrapper of another copy: only the files that define a
        duplicated name and import it too are resolved (``defining``: file -> names)."""
        found: Dict[str, Dict[str, Set[str]]] = {}
        for path in sorted(defining):
            names = defining[path]
            if not any(
                f.kind is ImportKind.FROM and names.intersection(f.names)
                for f in self.project.facts[path].imports
            ):
                continue
            for item in self.project.imports_of(path):
                target = item.resolution.target
                if target is None or item.fact.kind is not ImportKind.FROM:
                    continue
                for name in names.intersection(item.fact.names):
                    partners = found.setdefault(name, {})
                    partners.setdefault(item.path, set()).add(target)
                    partners.setdefault(target, set()).add(item.path)
        return found


def _compared(site: Site) -> bool:
    if site.name.startswith("_") or site.name == "main" or is_entry_point(site):
        return False
    if any(d.rsplit(".", 1)[-1] == "overload" for d in site.decorators):
        return False  # a signature for type checkers (`@typing.overload`), not an implementation
    return not any(fnmatch.fnmatchcase(site.name, pattern) for pattern in FACTORIES)


Kind = Tuple[Tuple[int, ...], Tuple[str, ...]]  # a body's sketch and its parameters: all evidence reads


def _copies(
    group: Sequence[Site], partners: Mapping[str, Set[str]]
) -> Iterator[Tuple[Site, List[Site], int]]:
    """Each site with the first copies of it (in the group's order) and how many there are;
    ``partners`` maps a file to the files it delegates the group's name to, or from.

    Evidence depends only on a body and its parameters, so it is judged once per pair of
    distinct ones that could be copies, and the copies are counted, not listed: a service
    with thousands of definitions of one name costs no more than a few per definition."""
    kinds: Dict[Kind, List[int]] = {}
    for index, site in enumerate(group):
        kinds.setdefault((site.body, site.params), []).append(index)
    members = list(kinds.values())  # each kind's places in the group, in order
    kind_of = {index: kind for kind, places in enumerate(members) for index in places}
    alike = _alike([group[places[0]] for places in members])
    files = [Counter(group[index].path for index in places) for places in members]
    found: Dict[Tuple[int, str], Tuple[int, List[int]]] = {}
    for index, site in enumerate(group):
        kind = kind_of[index]
        if (kind, site.path) not in found:
            skip = partners.get(site.path, set())
            found[kind, site.path] = _outside(group, members, files, alike[kind], skip)
        count, first = found[kind, site.path]
        count -= 1 if kind in alike[kind] else 0  # the site itself
        if count > 0:
            yield site, [group[i] for i in first if i != index][:SHOWN], count


def _outside(
    group: Sequence[Site],
    members: Sequence[Sequence[int]],
    files: Sequence[Mapping[str, int]],
    kinds: Sequence[int],
    skip: Set[str],
) -> Tuple[int, List[int]]:
    """How many sites of ``kinds`` are outside the ``skip`` files, and the first ``SHOWN + 1``
    of them in the group's order (one of them may be the site asking)."""
    count = sum(len(members[kind]) - sum(files[kind].get(path, 0) for path in skip) for kind in kinds)
    merged = heapq.merge(*(members[kind] for kind in kinds))
    return count, list(itertools.islice((i for i in merged if group[i].path not in skip), SHOWN + 1))


def _alike(sites: Sequence[Site]) -> List[List[int]]:
    """For each site (one per kind), the sites with evidence that they are copies of it,
    itself included when it has some.

    Only sites that share a body line, or the same parameters with a body empty, can be
    copies, so a site is compared with those only, and with at most ``COMPARED`` of them
    (in order): exact unless one name has more than that many distinct look-alike bodies."""
    postings: Dict[Hashable, Dict[int, None]] = {}
    for kind, site in enumerate(sites):
        for key in _filed(site):
            postings.setdefault(key, {})[kind] = None
    left = [COMPARED] * len(sites)
    seen: List[Set[int]] = [set() for _ in sites]
    alike = [[kind] if evidence(site, site) else [] for kind, site in enumerate(sites)]
    for kind, site in enumerate(sites):
        for other in list(itertools.islice(_candidates(kind, site, postings, seen[kind]), left[kind])):
            seen[kind].add(other)
            seen[other].add(kind)
            if evidence(site, sites[other]) is not None:
                alike[kind].append(other)
                alike[other].append(kind)
            for compared in (kind, other):
                left[compared] -= 1
                if not left[compared]:  # compared enough: no longer a candidate
                    for key in _filed(sites[compared]):
                        postings[key].pop(compared, None)
    return alike


def _filed(site: Site) -> List[Hashable]:
    """The keys a site is found under: its body's line hashes, its parameters, and its
    parameters again when its body is empty."""
    keys: List[Hashable] = list(site.body)
    if len(site.params) >= 2:
        keys.append(("params", site.params))
        if not site.body:
            keys.append(("no body", site.params))
    return keys


def _candidates(
    kind: int, site: Site, postings: Mapping[Hashable, Mapping[int, None]], seen: Set[int]
) -> Iterator[int]:
    """The sites that could be copies of ``site`` and are not yet compared with it: those
    sharing a body line, or (two or more) parameters when either body is empty."""
    keys: List[Hashable] = list(site.body)
    if len(site.params) >= 2:
        keys.append(("no body", site.params) if site.body else ("params", site.params))
    fresh: Set[int] = set()
    for key in keys:
        for other in postings.get(key, {}):
            if other != kind and other not in seen and other not in fresh:
                fresh.add(other)
                yield other


def _places(site: Site, copies: Sequence[Site], count: int) -> str:
    parts: List[str] = []
    for other in copies[:SHOWN]:
        where = other.where() if other.path != site.path else f"line {other.location.line}"
        parts.append(f"{where} ({evidence(site, other)})")
    return listed(parts, total=count)
