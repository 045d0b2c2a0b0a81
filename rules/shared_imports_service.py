"""A shared library imports a service.

## What it does
Flags every import in a shared library (the `shared` setting) that resolves
into a service.

## Why is this bad?
Every service may import a shared library. If the library imports a service,
each service that uses it now depends on that service too, every deployment
must ship it, and a cycle is one import away.

## Example
```python
# shared/auth.py
from auth_service.tokens import decode_token
```

## Use instead
```python
# shared/auth.py holds the code itself, and the service imports it from here
def decode_token(token: str) -> dict: ...
```
"""

from typing import Iterator

from archcheck.model import Severity, Violation
from archcheck.project.import_graph import edges_between, imported
from archcheck.project.layout import UnitKind
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import Edge, Rule

MESSAGE = "shared library '{source}' imports '{module}' from service '{target}'"
FIX = "move the code the library needs into the library, or pass it in from the service"

_CONFIG = 'services = ["services/*", "auth_service"]\nshared = ["shared", "libs/*"]\n'
VALID = [
    Example(
        {
            "shared/auth.py": "import jwt\nfrom shared.settings import KEY\nfrom common.util import x\n",
            "shared/settings.py": "KEY = 'k'\n",
            "libs/common/common/util.py": "x = 1\n",
            "auth_service/tokens.py": "from shared.auth import jwt\n",
            "services/orders-service/app/main.py": "from app import models\n",
            "services/orders-service/app/models.py": "",
        },
        _CONFIG,
    ),
]
INVALID = [
    Example(
        {
            "shared/auth.py": "from auth_service.tokens import decode_token  # expect: IMP004\n",
            "auth_service/tokens.py": "def decode_token(token): ...\n",
        },
        _CONFIG,
    ),
]


class SharedImportsService(
    Rule,
    code="IMP004",
    name="shared-imports-service",
    severity=Severity.ERROR,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
):
    reads = frozenset({"imports"})

    def forbidden_edges(self) -> Iterator[Edge]:
        for source, target, _ in edges_between(self.project.unit_graph, UnitKind.SHARED, UnitKind.SERVICE):
            yield source, target

    def check(self) -> Iterator[Violation]:
        graph = self.project.unit_graph
        for source, target, imports in edges_between(graph, UnitKind.SHARED, UnitKind.SERVICE):
            for item in imports:
                yield self.violation(
                    item.fact.location,
                    related=imported(item),
                    source=source,
                    target=target,
                    module=item.fact.display,
                )
