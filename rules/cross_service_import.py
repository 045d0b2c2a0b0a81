"""A module of one service imports a module of another service.

## What it does
Flags every import, at module level or inside a function, including
`importlib.import_module("literal")` (under any alias, `name=` too, and a
relative name with its literal package: `import_module(".roles",
"auth_service")`), that resolves into a different service
than the one the importing file belongs to. Imports of shared libraries,
third-party packages and edges listed in `imports.allow` are not flagged.

## Why is this bad?
Services are deployed on their own. An import across services only works
when both happen to be on the same `PYTHONPATH`, which is true on a developer
laptop and false in the container; it also couples release schedules and
database schemas. Services should talk over their APIs or share code through
a shared library.

## Example
```python
# services/orders-service/app/checkout.py
from billing_service.app.invoices import create_invoice
```

## Use instead
```python
# call the billing service over its API, or move shared code to shared/
from shared.clients.billing import BillingClient
```

## Options
- `imports.allow`: service edges that are allowed, e.g. `["gateway -> auth"]`.
"""

from typing import Iterator

from archcheck.config.options import Option
from archcheck.config.validators import edges
from archcheck.model import Severity, Violation
from archcheck.project.import_graph import edges_between, imported, witnesses
from archcheck.project.layout import UnitKind
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import Edge, Rule

MESSAGE = "service '{source}' imports '{module}' from service '{target}'"
ALLOW = Option("imports", "allow", (), edges, 'service edges that are allowed, e.g. ["gateway -> auth"]')
FIX = "call the other service over its API, or move the shared code into a shared library"

_CONFIG = 'services = ["services/*", "auth_service"]\n'
VALID = [
    Example(
        {
            "services/orders-service/app/__init__.py": "",
            "services/orders-service/app/main.py": (
                "import requests\nfrom app.models import Order\nfrom shared.db import session\n"
                "import os.path\n"
            ),
            "services/orders-service/app/models.py": "class Order: ...\n",
            "services/billing-service/app/models.py": "class Invoice: ...\n",
            "shared/db.py": "session = None\n",
            "auth_service/__init__.py": "",
        },
        _CONFIG,
    ),
    Example(
        {
            "services/gateway/app/main.py": "from auth_service.tokens import verify\n",
            "auth_service/tokens.py": "def verify(token): ...\n",
        },
        _CONFIG + '[imports]\nallow = ["gateway -> auth"]\n',
    ),
    Example(
        {  # never a guess: a module the importer holds itself, or a path that does not exist
            "services/orders-service/scripts/telemetry.py": "",
            "services/orders-service/tests/test_telemetry.py": "import telemetry\n",
            "services/orders-service/app/main.py": "import core.discovery\nimport auth_service.gone\n",
            "services/billing-service/telemetry.py": "",
            "services/billing-service/core/registry.py": "",
            "auth_service/tokens.py": "",
        },
        _CONFIG,
    ),
]
INVALID = [
    Example(
        {
            "services/orders-service/app/main.py": (
                "import importlib\n"
                "from auth_service.tokens import verify  # expect: IMP001\n"
                "def load():\n"
                "    import auth_service.users  # expect: IMP001\n"
                "    return importlib.import_module('auth_service.roles')  # expect: IMP001\n"
                "def load_users():\n"
                "    from importlib import import_module as load\n"
                "    load('.users', package='auth_service')  # expect: IMP001\n"
            ),
            "auth_service/tokens.py": "def verify(token): ...\n",
            "auth_service/users.py": "",
            "auth_service/roles.py": "",
        },
        _CONFIG,
    ),
]


class CrossServiceImport(
    Rule,
    code="IMP001",
    name="cross-service-import",
    severity=Severity.ERROR,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
    options=(ALLOW,),
    tags=("cross-service",),
):
    reads = frozenset({"imports"})

    def forbidden_edges(self) -> Iterator[Edge]:
        allowed = self.project.allowed_edges
        for source, target, _ in edges_between(self.project.unit_graph, UnitKind.SERVICE, UnitKind.SERVICE):
            if (source, target) not in allowed:
                yield source, target

    def check(self) -> Iterator[Violation]:
        graph = self.project.unit_graph
        for source, target in self.forbidden_edges():
            for item in witnesses(graph, source, target):
                yield self.violation(
                    item.fact.location,
                    related=imported(item),
                    source=source,
                    target=target,
                    module=item.fact.display,
                )
