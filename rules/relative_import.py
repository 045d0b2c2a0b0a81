"""A relative import (`from . import x`, `from ..pkg import y`).

## What it does
Flags relative imports, as `imports.relative` selects: `"all"` (the
default) flags every one, `"parents"` only those that climb to a parent
package (two dots or more), `"off"` none. A relative import that climbs out of
its service (or out of the project) is always flagged, as an error.

## Why is this bad?
Relative imports hide which package a module belongs to, break when a module
moves, and make ownership hard to see in review. One that climbs out of the
service reaches into code that is not deployed with it: it works in the
monorepo checkout and fails in the container.

## Example
```python
# services/orders-service/app/api/routes.py
from ..models import Order
from ....billing_service.app import invoices
```

## Use instead
```python
from app.models import Order
```

## Options
- `imports.relative`: `"all"`, `"parents"` or `"off"`. `archcheck init`
  adopts the project's convention: ruff's `flake8-tidy-imports`
  `ban-relative-imports` where one is configured, otherwise `"parents"` when
  the code already uses sibling relative imports (`from .x import y`) in 10
  files or more, with a comment in the written config saying why.
"""

from typing import Iterator

from archcheck.config.options import Option
from archcheck.config.validators import one_of
from archcheck.model import Severity, Violation
from archcheck.project.layout import is_within
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import Rule

MESSAGE = "relative import '{module}'{detail}"
FIX = "use an absolute import of the module"

_FILES = {
    "services/orders-service/app/__init__.py": "",
    "services/orders-service/app/models.py": "class Order: ...\n",
}
VALID = [
    Example({**_FILES, "services/orders-service/app/api.py": "from app.models import Order\n"}),
    Example(
        {**_FILES, "services/orders-service/app/api.py": "from .models import Order\n"},
        'services = ["services/*"]\n[imports]\nrelative = "parents"\n',
    ),
    Example(
        {**_FILES, "services/orders-service/app/sub/api.py": "from ..models import Order\n"},
        'services = ["services/*"]\n[imports]\nrelative = "off"\n',
    ),
    # climbs to the service directory itself, not out of it
    Example(
        {
            **_FILES,
            "services/orders-service/app/api.py": "from .. import settings\n",
            "services/orders-service/settings.py": "",
        },
        'services = ["services/*"]\n[imports]\nrelative = "off"\n',
    ),
]
INVALID = [
    Example(
        {
            **_FILES,
            "services/orders-service/app/api.py": (
                "from .models import Order  # expect: IMP002\nfrom . import models  # expect: IMP002\n"
            ),
        }
    ),
    Example(
        {
            **_FILES,
            "services/orders-service/app/sub/api.py": (
                "from .. import models  # expect: IMP002\nfrom . import x\n"
            ),
        },
        'services = ["services/*"]\n[imports]\nrelative = "parents"\n',
    ),
    Example(
        {
            **_FILES,
            "services/orders-service/app/api.py": ("from ...billing_service import app  # expect: IMP002\n"),
        },
        'services = ["services/*"]\n[imports]\nrelative = "off"\n',
    ),
]


class RelativeImport(
    Rule,
    code="IMP002",
    name="relative-import",
    severity=Severity.WARNING,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
    options=(
        Option(
            "imports", "relative", "all", one_of("all", "parents", "off"), "which relative imports to flag"
        ),
    ),
):
    reads = frozenset({"imports"})

    def check(self) -> Iterator[Violation]:
        layout = self.project.layout
        mode = self.option("imports.relative")
        for path in sorted(self.project.facts):
            owner = layout.owner(path)
            for fact in self.project.facts[path].imports:
                if not fact.level:
                    continue
                base = layout.relative_base(path, fact.level)
                if base is None or (owner is not None and not is_within(base, owner.path)):
                    where = f"its {owner.kind.value} '{owner.name}'" if owner else "the project"
                    detail = f" climbs out of {where}"
                    yield self.violation(
                        fact.location, severity=Severity.ERROR, module=fact.display, detail=detail
                    )
                elif mode == "all" or (mode == "parents" and fact.level > 1):
                    yield self.violation(fact.location, module=fact.display, detail="")
