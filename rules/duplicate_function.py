"""The same module-level function defined in two or more modules of one service.

## What it does
Flags a public module-level function name defined in two or more modules of
one service (or twice in one module). Dunder names, `_private` helpers, `main`,
test files, generated code, framework conventions (Alembic's `upgrade` and
`downgrade`) and `ssot.acceptable-duplicates` are not flagged.

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

from typing import Iterator

from archcheck.model import Severity, Violation
from archcheck.rule import Example, ProjectRule
from archcheck.ssot import duplicates, function_sites, others

CODE = "SSOT002"
NAME = "duplicate-function"
SEVERITY = Severity.WARNING
MESSAGE = "function '{name}' is defined more than once in service '{service}': also at {others}"
FIX = "keep one implementation and import it everywhere else"

_APP = "services/orders-service/app/"
VALID = [
    Example(
        {
            _APP
            + "a.py": "def main(): ...\ndef _helper(): ...\ndef __getattr__(name): ...\ndef register(linter): ...\ndef init_app(app): ...\n",
            _APP
            + "b.py": "def main(): ...\ndef _helper(): ...\ndef __getattr__(name): ...\ndef register(linter): ...\ndef init_app(app): ...\n",
            _APP + "alembic/versions/001_init.py": "def upgrade(): ...\ndef downgrade(): ...\n",
            _APP + "alembic/versions/002_more.py": "def upgrade(): ...\ndef downgrade(): ...\n",
            "services/billing-service/app/a.py": "def get_session(): ...\n",
            _APP + "db.py": "def get_session(): ...\n",
        },
        'services = ["services/*"]\n[ssot]\nacceptable-duplicates = ["init_*"]\n',
    ),
]
INVALID = [
    Example(
        {
            _APP + "db.py": "def get_session():  # expect: SSOT002\n    return None\n",
            _APP + "api/deps.py": "async def get_session():  # expect: SSOT002\n    return None\n",
        }
    ),
]


class Rule(ProjectRule):
    def check(self) -> Iterator[Violation]:
        for service, sites in function_sites(self.project).items():
            public = [s for s in sites if not s.name.startswith("_") and s.name != "main"]
            for name, group in sorted(duplicates(public).items()):
                for site in group:
                    yield self.spec.violation(site.location, name=name, service=service.name,
                                              others=others(site, group))  # fmt: skip
