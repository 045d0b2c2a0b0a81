"""A class that re-implements a concept whose canonical implementation is recorded.

## What it does
For each `[tool.archcheck.ssot] canonical` entry (`DatabaseManager =
"netra_backend/app/db/database_manager.py"`), flags every other class in the
canonical's service with the same name or the same concept (see SSOT003).
The canonical class itself is never flagged.

## Why is this bad?
The team has decided where the one implementation lives. A new
`DatabaseConnectionManager` next to it is a second source of truth in the
making; catching it at review time is cheaper than consolidating it later.

## Example
```toml
[tool.archcheck.ssot]
canonical = { DatabaseManager = "app/db/manager.py" }
```
```python
# app/services/pool.py
class UnifiedDBManager: ...
```

## Use instead
```python
from app.db.manager import DatabaseManager
```

## Options
- `ssot.canonical`: table of concept (class name) → path of its canonical implementation.
"""

from typing import Iterator

from archcheck.config.options import Option
from archcheck.config.validators import class_path_table
from archcheck.model import Severity, Violation
from archcheck.project.ssot import canonical_matches
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import Rule

MESSAGE = "class '{name}' re-implements '{canonical}', whose canonical implementation is {where}"
FIX = "use the canonical implementation instead of a new one"

_APP = "services/content-service/app/"
_CONFIG = (
    'services = ["services/*"]\n[ssot.canonical]\n'
    'DatabaseManager = "services/content-service/app/db/manager.py"\n'
)
_METHODS = "    def connect(self): ...\n    def execute(self, sql): ...\n"
VALID = [
    Example(
        {
            _APP + "db/manager.py": "class DatabaseManager:\n" + _METHODS,
            _APP + "db/config.py": "class DatabaseConfig:\n" + _METHODS,
            _APP + "db/pool.py": "from app.db.manager import DatabaseManager\n"
            "class PooledDatabaseManager(DatabaseManager): ...\n",
            "services/other-service/app/db.py": "class DatabaseManager:\n" + _METHODS,
        },
        _CONFIG,
    ),
]
INVALID = [
    Example(
        {
            _APP + "db/manager.py": "class DatabaseManager:\n" + _METHODS,
            _APP + "services/pool.py": "class UnifiedDBManager:  # expect: SSOT004\n" + _METHODS,
            _APP + "legacy.py": "class DatabaseManager:  # expect: SSOT004\n    pass\n",
            _APP + "conn.py": "class DatabaseConnectionManager:  # expect: SSOT004\n" + _METHODS,
        },
        _CONFIG,
    ),
]


class NonCanonicalImplementation(
    Rule,
    code="SSOT004",
    name="non-canonical-implementation",
    severity=Severity.ERROR,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
    options=(
        Option("ssot", "canonical", (), class_path_table, "concept -> path of its canonical implementation"),
    ),
    tags=("ssot",),
    in_tests=False,
):
    reads = frozenset(
        {"classes", "functions", "generated", "imports", "contents", "module_instances", "problems"}
    )  # class bodies; a canonical file's problems (one that could not be checked is not judged)

    def check(self) -> Iterator[Violation]:
        for name, path in self.option("ssot.canonical"):
            found = canonical_matches(self.project, name, path)
            if found is None:
                continue  # (the file's own ARC001 says why it was not checked)
            canonical, matches = found
            for site in matches:
                yield self.violation(
                    site.location,
                    related=[canonical.location],
                    name=site.name,
                    canonical=name,
                    where=canonical.where(),
                )
