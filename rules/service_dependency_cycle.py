"""Services (and shared libraries) that depend on each other in a cycle.

## What it does
Builds the dependency graph of services and shared libraries from their
imports (not one under `if TYPE_CHECKING:`, which loads nothing) and reports each cycle once, at an import that forms one of its
edges. The message shows the whole cycle. Allowed edges (`imports.allow`)
still count: allowing an import does not make a cycle harmless.

## Why is this bad?
Services in a cycle cannot be deployed, tested or versioned on their own:
a change to any of them may break all of them, and start-up order becomes
a puzzle. Cycles are the end state of "just one small cross-service import".

## Example
```python
# services/orders-service/app/main.py
from billing.api import charge        # orders -> billing
# services/billing/billing/api.py
from orders_client import get_order   # billing -> orders
```

## Use instead
Break one edge: move the shared piece into a shared library, or replace the
import with an API call or an event.
"""

from typing import TYPE_CHECKING, Iterator

from archcheck.model import Severity, Violation
from archcheck.project.import_graph import cycle_edges, elementary_cycles, witnesses
from archcheck.project.layout import ResolvedImport
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import Edge, Rule

if TYPE_CHECKING:
    import networkx as nx

MESSAGE = "service dependency cycle: {cycle}"
FIX = "break one edge of the cycle: move the shared code to a shared library or call an API"

_CONFIG = 'services = ["*_service"]\n'
VALID = [
    Example(
        {
            "orders_service/main.py": "import billing_service.api\nimport shared.money\n",
            "billing_service/api.py": "import shared.money\n",
            "shared/money.py": "",
        },
        _CONFIG,
    ),
    Example(
        {  # `import logging` is the standard library, not the shared package's `logging/`
            "auth_service/jwt.py": "import logging\nimport json\n",
            "shared/__init__.py": "",
            "shared/logging/__init__.py": "from auth_service import jwt\n",
            "libs/common/json/__init__.py": "from auth_service import jwt\n",
        },
        'services = ["*_service"]\nshared = ["shared", "libs/*"]\n',
    ),
    Example(
        {  # an import for type checkers only loads nothing: no cycle
            "orders_service/main.py": "import billing_service.api\n",
            "billing_service/api.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from orders_service.main import Order\n"
            ),
        },
        _CONFIG,
    ),
]
INVALID = [
    Example(
        {
            "billing_service/api.py": "from orders_service import lookup  # expect: IMP003\n",
            "orders_service/lookup.py": "",
            "orders_service/main.py": "import billing_service.api\n",
        },
        _CONFIG,
    ),
    Example(
        {
            "a_service/x.py": "import b_service.x  # expect: IMP003\n",
            "b_service/x.py": "import c_service.x  # expect: IMP003\n",
            "c_service/x.py": "import a_service.x\nimport b_service.x\n",
        },
        _CONFIG,
    ),
]


class ServiceDependencyCycle(
    Rule,
    code="IMP003",
    name="service-dependency-cycle",
    severity=Severity.ERROR,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
):
    reads = frozenset({"imports"})

    def forbidden_edges(self) -> Iterator[Edge]:
        yield from sorted(cycle_edges(self._loading()))

    def _loading(self) -> "nx.DiGraph[str]":
        """The graph of units by the imports that run: one under ``if TYPE_CHECKING:`` loads
        nothing, so it is no edge of a cycle (run 135b/02)."""
        units = self.project.unit_graph
        loading = [(a, b) for a, b, data in units.edges(data=True) if any(_loads(i) for i in data["imports"])]
        return units.edge_subgraph(loading)

    def check(self) -> Iterator[Violation]:
        graph = self._loading()
        for cycle in elementary_cycles(graph):
            first = next(filter(_loads, witnesses(graph, cycle[0], cycle[1])))
            text = " -> ".join([*cycle, cycle[0]])
            edges = zip(cycle, [*cycle[1:], cycle[0]])
            related = [
                item.fact.location for a, b in edges for item in witnesses(graph, a, b) if _loads(item)
            ]
            yield self.violation(first.fact.location, related=related, cycle=text)


def _loads(item: ResolvedImport) -> bool:
    """Does the import run (not one under ``if TYPE_CHECKING:``, for type checkers only)?"""
    return not item.fact.typing_only
