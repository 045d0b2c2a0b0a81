"""Classes of one service that implement one concept under different names.

## What it does
Compares the classes of each service (and of each shared library) by
concept: the words of the class name, in order, after expanding
abbreviations (`DB` → database, `Conn` → connection, `Mgr` → manager, `Cfg` →
config, `Repo` → repository…) and dropping qualifiers (`Unified`, `Base`,
`Async`, `Legacy`, `New`, `V2`… (not `Fixed` or `Global`, a kind or a scope:
`FixedWindowRateLimiter`, `GlobalRateLimiter`, nor `Primary` or `Master`, a role or a kind:
`PrimaryDatabaseClient`, `MasterKeyManager`; a version only between classes that are no
API schemas: `AgentExecuteV2Request` beside `AgentExecuteRequest` is another
version's contract); not `Default`, which names a thing of its
own: `DefaultLogTableSettings` holds the default log table). Two classes implement one concept when
their last word (the role: manager, client, repository) is the same and the
words before it are equal, or one is the other with one word added (in order)
and their public method names overlap by at least half. Each class is
reported with the classes it matches directly: a match never chains through
a third class.

Not compared: classes in compatibility modules (`*compat*`, `*shim*`,
`*alias*`, `*deprecated*`), which re-create old names on purpose; classes of different kinds (an exception, a pydantic schema,
an ORM model, an enum, a plain class), classes linked by inheritance or
implementing a common base of the service, a class that names the other in
its body (a facade and the class it wraps), protocols, mixins and stand-ins
(`FakeClient`), word orders that mean different things (`TaskTemplateCreate`,
`TemplateTaskCreate`), and names SSOT001 already reports as duplicates.

## Why is this bad?
`DatabaseManager`, `DatabaseConnectionManager` and `UnifiedDBConnectionManager`
in one service are three answers to one question. Each new one is written
because the others were not found; each gets its own bugs and its own
connection pool.

## Example
```python
class DatabaseManager:
    def connect(self): ...
    def execute(self, sql): ...

class UnifiedDBConnectionManager:
    def connect(self): ...
    def execute(self, sql): ...
```

## Use instead
Keep one implementation, import it everywhere, and record it in
`[tool.archcheck.ssot] canonical` so SSOT004 guards it.
"""

from typing import Iterator

from archcheck.model import Severity, Violation
from archcheck.project.concepts import concept
from archcheck.project.ssot import class_sites, similar_pairs, unit_label
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import SHOWN, Rule, listed

MESSAGE = "class '{name}' implements the same concept ({concept}) as {others} in {unit}"
FIX = "merge them into one implementation and import it everywhere"

_APP = "services/content-service/app/"
_DB_METHODS = "    def connect(self): ...\n    def disconnect(self): ...\n    def execute(self, sql): ...\n"
VALID = [
    Example(
        {
            _APP + "repos.py": (
                "class UserRepository:\n    def get(self): ...\n    def add(self): ...\n"
                "class OrderRepository:\n    def get(self): ...\n    def add(self): ...\n"
            ),
            _APP + "config.py": "class DatabaseConfig:\n" + _DB_METHODS,
            _APP + "base.py": "class BaseRedisClient:\n    def get(self): ...\n",
            _APP
            + "redis.py": "from app.base import BaseRedisClient\nclass RedisClient(BaseRedisClient): ...\n",
            _APP + "proto.py": "from typing import Protocol\nclass CacheClientProtocol(Protocol): ...\n"
            "class CacheClient(Protocol): ...\nclass CacheClientMixin: ...\n"
            "class FakeCacheClient: ...\nclass NullCacheClient: ...\n",
            _APP
            + "errors.py": "class DatabaseError(Exception): ...\nclass DatabaseConnectionError(Exception): ...\n",
            "services/other-service/app/db.py": "class UnifiedDBManager:\n" + _DB_METHODS,
            _APP + "tasks.py": (
                "class TaskTemplateCreate:\n    def run(self): ...\nclass TemplateTaskCreate:\n    def run(self): ...\n"
            ),
            _APP + "facade.py": (
                "from app.db.manager import DatabaseManager\n"
                "class UnifiedDatabaseManager:\n    def __init__(self):\n        self._inner = DatabaseManager()\n"
                + _DB_METHODS
            ),
            _APP + "db/manager.py": "class DatabaseManager:\n" + _DB_METHODS,
            _APP + "compatibility_aliases.py": (
                "from app.db.manager import DatabaseManager\n"
                "class UnifiedDatabaseManager(DatabaseManagerBase):\n" + _DB_METHODS
            ),
            _APP + "schemas.py": (
                "from pydantic import BaseModel, validator\n"
                "class AgentUpdate(BaseModel):\n    name: str\n"
                "    @validator('name')\n    def name_must_not_be_empty(cls, v): ...\n"
                "    @validator('name')\n    def strip(cls, v): ...\n"
                "class AgentTemplateUpdate(BaseModel):\n    name: str\n"
                "    @validator('name')\n    def name_must_not_be_empty(cls, v): ...\n"
                "    @validator('name')\n    def strip(cls, v): ...\n"
                # versioned API models: each version's contract, fields in common or not
                "class AgentExecuteResponse(BaseModel):\n    result: str\n    run_id: str\n"
                "class AgentExecuteV2Response(BaseModel):\n    events: list\n    trace: dict\n"
                "class AgentExecuteRequest(BaseModel):\n    message: str\n    context: dict\n"
                "class AgentExecuteV2Request(BaseModel):\n    message: str\n    thread_id: str\n"
            ),
            _APP + "guard.py": (  # a guard that is never built, beside the class it points to
                "class WebSocketManagerFactory:\n    def create(self): ...\n"
                "class _WebSocketManagerFactory:\n    def __init__(self):\n"
                "        raise RuntimeError('use get_websocket_manager()')\n"
            ),
            _APP + "limits.py": (  # kinds and scopes of limits: `Fixed`, `Global` are words of them
                "class FixedWindowRateLimiter:\n    def allow(self): ...\n    def reset(self): ...\n"
                "class SlidingWindowRateLimiter:\n    def allow(self): ...\n    def reset(self): ...\n"
                "class GlobalRateLimiter:\n    def allow(self): ...\n    def reset(self): ...\n"
                "class UserRateLimiter:\n    def allow(self): ...\n    def reset(self): ...\n"
            ),
            # a common base and a wrapped class, under aliases a package's `__init__` gives them
            _APP + "repos/__init__.py": (
                "from .base import Repository as RepoBase\nfrom .store import DatabaseStore as Store\n"
            ),
            _APP
            + "repos/base.py": "class Repository:\n    def get(self, id): ...\n    def save(self, obj): ...\n",
            _APP
            + "repos/store.py": "class DatabaseStore:\n    def read(self): ...\n    def write(self): ...\n",
            _APP + "repos/users.py": (
                "from app.repos import RepoBase\n"
                "class UserRepository(RepoBase):\n    def get(self, id): ...\n    def save(self, obj): ...\n"
                "class SqlUserRepository(RepoBase):\n    def get(self, id): ...\n    def save(self, obj): ...\n"
            ),
            _APP + "repos/facade.py": (
                "from app.repos import Store as _Impl\n"
                "class UnifiedDatabaseStore:\n    def __init__(self):\n        self._impl = _Impl()\n"
                "    def read(self): return self._impl.read()\n    def write(self): return self._impl.write()\n"
            ),
            _APP + "roles.py": (  # roles and kinds: `Primary`, `Master` are words of them too
                "class PrimaryDatabaseClient:\n    def query(self): ...\n    def execute(self): ...\n"
                "class ReplicaDatabaseClient:\n    def query(self): ...\n    def execute(self): ...\n"
                "class MasterKeyManager:\n    def rotate(self): ...\n    def wrap(self): ...\n"
                "class KeyManager:\n    def get(self): ...\n    def put(self): ...\n"
            ),
            _APP + "collectors.py": (
                "class MetricsCollector:\n    def record_latency(self): ...\n    def flush(self): ...\n"
                "class CoreMetricsCollector:\n    def count_corpus_ops(self): ...\n    def snapshot(self): ...\n"
            ),
            _APP + "abstract.py": (
                "from abc import ABC\nclass AbstractProgressTracker(ABC):\n    def track(self): ...\n"
                "class ProgressTracker:\n    def report(self): ...\n"
            ),
            _APP + "monitors.py": (
                "class HealthMonitor:\n    def start_monitoring(self): ...\n    def stop_monitoring(self): ...\n"
                "class ComprehensiveHealthMonitor:\n    def start_monitoring(self): ...\n    def stop_monitoring(self): ...\n"
                "    def check_database(self): ...\n    def check_pool(self): ...\n    def report(self): ...\n"
            ),
            _APP + "validation.py": (
                "from pydantic import BaseModel\nclass ConfigValidationError(BaseModel):\n    field: str\n"
                "class ConfigurationValidationError(Exception): ...\n"
            ),
            _APP + "kinds.py": (
                "from pydantic import BaseModel\nfrom app.orm import Base\n"
                "class UserRecord(Base): ...\nclass UnifiedUserRecord(BaseModel): ...\n"
                "class UserRecordError(Exception): ...\n"
            ),
            # two request bodies: a log table, and the default log table of a context
            _APP + "admin.py": (
                "from pydantic import BaseModel\nclass LogTableSettings(BaseModel):\n    log_table: str\n"
                "class DefaultLogTableSettings(BaseModel):\n    context: str\n    log_table: str\n"
            ),
        }
    ),
]
INVALID = [
    Example(
        {
            _APP + "db/manager.py": "class DatabaseManager:  # expect: SSOT003\n" + _DB_METHODS,
            _APP + "db/connection.py": (
                "class DatabaseConnectionManager:  # expect: SSOT003\n"
                + _DB_METHODS
                + "    def get_session(self): ...\n"
            ),
            _APP + "core/unified.py": "class UnifiedDBConnectionManager:  # expect: SSOT003\n" + _DB_METHODS,
            _APP + "cache.py": (
                "class CacheClient: ...  # expect: SSOT003\nclass AsyncCacheClient: ...  # expect: SSOT003\n"
                "class LegacyCacheClientV2: ...  # expect: SSOT003\n"
            ),
            # a copy of a duplicated name: SSOT001 reports the duplicates, SSOT003 the third copy
            _APP + "dups.py": "class SessionStore: ...\nclass UnifiedSessionStore: ...  # expect: SSOT003\n",
            _APP + "dups2.py": "class SessionStore: ...\n",
        }
    ),
]


class SimilarImplementation(
    Rule,
    code="SSOT003",
    name="similar-implementation",
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
        {"classes", "functions", "generated", "imports", "contents", "module_instances"}
    )  # class bodies

    def check(self) -> Iterator[Violation]:
        for unit, sites in class_sites(self.project).items():
            for site, matches in similar_pairs(sites).items():
                names = [f"'{o.name}' ({o.where()})" for o in matches[:SHOWN]]
                yield self.violation(
                    site.location,
                    related=[o.location for o in matches[:SHOWN]],
                    name=site.name,
                    unit=unit_label(unit),
                    concept=str(concept(site.name)),
                    others=listed(names, total=len(matches)),
                )
