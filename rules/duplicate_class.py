"""The same class defined in two or more modules of one service.

## What it does
Flags a class name defined at module level (also inside a module-level
`if`, `try`, `with` or `match` block) in two or more modules of one
service (or of one shared library), or twice in one module (where the second
silently replaces the first). Every definition is reported, and each message
names the others. Not flagged: classes with the same name in different
services, test files, generated code, fallbacks under `except ImportError:`
or in the `else` of `if TYPE_CHECKING:` (a runtime stand-in for what only
type checkers import), a backport in the branch of an `if sys.version_info …:` whose other
branch imports it,
framework conventions (Django's `Migration` and `Command`),
`ssot.acceptable-duplicates`, example code (`examples/`, `samples/`), an
exception beside an error-response model of the same name, and a class that
extends the other copy on purpose (`class Storage(ports.Storage)`, its base
resolving to that copy, or `class Client(Client)` below the first in one module).
A class named like a base that lives elsewhere (`class JSONEncoder(json.JSONEncoder)`
in two modules) is still two copies.

## Why is this bad?
Two `DatabaseManager`s in one service drift apart: a fix lands in one, callers
of the other keep the bug, and nobody knows which one is the real one. It
breaks the single source of truth the service's code relies on.

## Example
```python
# app/db/manager.py
class DatabaseManager: ...
# app/services/db.py
class DatabaseManager: ...
```

## Use instead
```python
# app/services/db.py
from app.db.manager import DatabaseManager
```

## Options
- `ssot.acceptable-duplicates`: class names or globs allowed to repeat.
"""

import itertools
from typing import Iterator, Sequence

from archcheck.config.options import Option
from archcheck.config.validators import fnmatch_globs
from archcheck.model import Severity, Violation
from archcheck.project.ssot import Site, class_sites, duplicates, unit_label
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import SHOWN, Rule, listed

MESSAGE = "class '{name}' is defined more than once in {unit}: also at {others}"
FIX = "keep one implementation and import it everywhere else"

_APP = "services/orders-service/app/"
VALID = [
    Example(
        {
            "services/orders-service/app/models.py": "class Order: ...\n",
            "services/billing-service/app/models.py": "class Order: ...\n",  # another service
            _APP + "tests/test_models.py": "class Order: ...\n",
            _APP + "migrations/0001_initial.py": "class Migration: ...\n",
            _APP + "migrations/0002_more.py": "class Migration: ...\n",
            _APP + "management/commands/seed.py": "class Command: ...\n",
            _APP + "management/commands/purge.py": "class Command: ...\n",
            _APP + "proto/orders_pb2.py": "class Order: ...\n",
            _APP + "compat.py": (
                "try:\n    from ujson import Encoder\nexcept ImportError:\n    class Encoder: ...\n"
                "import sys\nif sys.version_info >= (3, 11):\n    class Clock: ...\nelse:\n    class Clock: ...\n"
            ),
            _APP + "json_tools.py": "class Encoder: ...\n",
            _APP + "repo.py": (
                "from typing import TYPE_CHECKING\nimport typing\n\n"
                "if TYPE_CHECKING:\n    from app.json_tools import Encoder\nelse:\n    class Encoder: ...\n"
                "if not typing.TYPE_CHECKING:\n    class Storage: ...\n"
            ),
            _APP + "ports.py": "class Storage: ...\n",
            # (a backport beside what a newer Python imports: run 134b/02)
            _APP + "compat_typing.py": (
                "import sys\nif sys.version_info >= (3, 11):\n    from typing import Self\nelse:\n    class Self: ...\n"
            ),
            _APP + "more_typing.py": (
                "import sys\nif sys.version_info < (3, 11):\n    class Self: ...\nelse:\n    from typing import Self\n"
            ),
            _APP + "adapters.py": "from app.ports import Storage as _Storage\nclass Storage(_Storage): ...\n",
            _APP + "ports2/__init__.py": "from .cache import Cache as CachePort\n",  # (an alias given there)
            _APP + "ports2/cache.py": "class Cache: ...\n",
            _APP + "ports3/__init__.py": "from .queue import *\n",  # (a star re-export)
            _APP + "ports3/queue.py": "class Queue: ...\n",
            _APP + "queue_adapter.py": "from app import ports3\nclass Queue(ports3.Queue): ...\n",
            _APP + "cache_adapter.py": "from app.ports2 import CachePort\nclass Cache(CachePort): ...\n",
            _APP + "sub/__init__.py": "",
            _APP + "sub/ports.py": "class Reader: ...\n",
            _APP + "sub/impl.py": "from . import ports\nclass Reader(ports.Reader): ...\n",
            # the class above, extended in place under its own name
            _APP + "client.py": "class Client: ...\nclass Client(Client):\n    timeout = 5\n",
            # an exception and an error-response model share a name, not a concept
            _APP + "errors.py": "class ValidationError(Exception): ...\n",
            _APP
            + "models.py": "from pydantic import BaseModel\nclass ValidationError(BaseModel):\n    detail: str\n",
            # example code shipped beside the real code
            _APP + "examples/quickstart.py": "class Order: ...\n",
            # two API versions' schemas, by the version in their modules' paths
            _APP
            + "api/v1/schemas.py": "from pydantic import BaseModel\nclass OrderOut(BaseModel):\n    id: str\n",
            _APP
            + "api/v2/schemas.py": "from pydantic import BaseModel\nclass OrderOut(BaseModel):\n    ref: str\n",
            # a table and the API schema of one feature, through bases in a shared library
            "shared/models.py": (
                "from pydantic import BaseModel\nfrom sqlalchemy.orm import DeclarativeBase\n"
                "class APIModel(BaseModel): ...\nclass Base(DeclarativeBase): ...\n"
            ),
            _APP
            + "models/tables.py": "from shared.models import Base\nclass ToolRequest(Base):\n    id: int\n",
            _APP
            + "models/api.py": "from shared.models import APIModel\nclass ToolRequest(APIModel):\n    name: str\n",
            _APP + "shims.py": "class Settings: ...\n",
            _APP + "settings.py": "class Settings: ...\n",
        },
        'services = ["services/*"]\n[ssot]\nacceptable-duplicates = ["Sett*"]\n',
    ),
]
INVALID = [
    Example(
        {
            _APP
            + "encoders.py": "import json\n\nclass JSONEncoder(json.JSONEncoder):  # expect: SSOT001\n    pass\n",
            _APP + "api/encoders.py": (
                "from json import JSONEncoder as Base\n\nclass JSONEncoder(Base):  # expect: SSOT001\n    pass\n"
            ),
            "shared/models.py": "class Money: ...  # expect: SSOT001\n",
            "shared/types.py": "class Money: ...  # expect: SSOT001\n",
            # copies that drifted apart, down to nothing in common: still one concept twice
            _APP
            + "health.py": "class HealthStatus:  # expect: SSOT001\n    healthy: bool\n    latency: float\n",
            _APP
            + "api/health.py": "class HealthStatus:  # expect: SSOT001\n    up: bool\n    checked_at: str\n",
        }
    ),
    Example(
        {
            _APP + "db/manager.py": "class DatabaseManager:  # expect: SSOT001\n    pass\n",
            _APP + "services/db.py": "import os\n\nclass DatabaseManager:  # expect: SSOT001\n    pass\n",
            _APP + "cache.py": (
                "class Cache:  # expect: SSOT001\n    pass\n\nclass Cache:  # expect: SSOT001\n    pass\n"
            ),
        }
    ),
]


def others(site: Site, group: Sequence[Site]) -> str:
    """The other sites of a group, for a message: ``a.py:3, b.py:10``; only those shown are
    spelt (thousands of copies of one class made every message cost the whole group)."""
    shown = itertools.islice((o for o in group if o is not site), SHOWN)
    return listed(
        [o.where() if o.path != site.path else f"line {o.location.line}" for o in shown], len(group) - 1
    )


class DuplicateClass(
    Rule,
    code="SSOT001",
    name="duplicate-class",
    severity=Severity.ERROR,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
    options=(Option("ssot", "acceptable-duplicates", (), fnmatch_globs, "names or globs allowed to repeat"),),
    tags=("ssot",),
    in_tests=False,
):
    reads = frozenset(
        {"classes", "functions", "generated", "imports", "module_instances"}
    )  # (a star binds instances too)

    def check(self) -> Iterator[Violation]:
        for service, sites in class_sites(self.project).items():
            for name, group in sorted(duplicates(sites).items()):
                for site in group:
                    yield self.violation(
                        site.location,
                        related=[o.location for o in group[: SHOWN + 1]],
                        name=name,
                        unit=unit_label(service),
                        others=others(site, group),
                    )
