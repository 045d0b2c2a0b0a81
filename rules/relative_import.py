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

## Fix
`archcheck check --fix` rewrites the import as the absolute import of the same module, named
from the file's import root (`from ..models import Order` -> `from app.models import Order`),
keeping its names, comments and formatting. The root is the one the unit's own absolute
imports are written from (`shared.db.x` makes it the project root; `from routes import x`
with `app/routes/` there makes it `app/`: the service runs from there). Not applied, and
reported, when that root is not one archcheck can name the module from, when the absolute
import would resolve elsewhere (another import root holds that name first), when the import
does not resolve to a file of the project, when it climbs out of its service, or when the
file is in no service or shared library (its import root is not known).

## Options
- `imports.relative`: `"all"`, `"parents"` or `"off"`. `archcheck init`
  adopts the project's convention: ruff's `flake8-tidy-imports`
  `ban-relative-imports` where one is configured, otherwise `"parents"` when
  the code already uses sibling relative imports (`from .x import y`) in 10
  files or more, with a comment in the written config saying why.
"""

from __future__ import annotations

import functools
import keyword
import posixpath
import unicodedata
from typing import TYPE_CHECKING, Dict, Iterator, List, Optional, Sequence, Set, Tuple, Union

from archcheck.config.options import Option
from archcheck.config.validators import one_of
from archcheck.model import ImportFact, ImportKind, Severity, Violation
from archcheck.project.layout import STDLIB, Layout, Resolution, ResolvedImport, is_within
from archcheck.rule_api.examples import Example
from archcheck.rule_api.fixes import CstFix, NotFixed, Offer
from archcheck.rule_api.rule import Rule

if TYPE_CHECKING:
    import libcst

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
        },
        fixed={
            "services/orders-service/app/api.py": (
                "from app.models import Order  # expect: IMP002\nfrom app import models  # expect: IMP002\n"
            ),
        },
    ),
    Example(
        {
            **_FILES,
            "services/orders-service/app/api/__init__.py": "",
            "services/orders-service/app/api/routes.py": (
                "import os\n"
                "from ..models import (  # expect: IMP002\n"
                "    Order,  # the aggregate\n"
                "    Order as O,\n"
                ")\n"
                "\n"
                "\n"
                "def handler():\n"
                "    from .. import models  # expect: IMP002\n"
                "    return models, os\n"
            ),
        },
        fixed={
            "services/orders-service/app/api/routes.py": (
                "import os\n"
                "from app.models import (  # expect: IMP002\n"
                "    Order,  # the aggregate\n"
                "    Order as O,\n"
                ")\n"
                "\n"
                "\n"
                "def handler():\n"
                "    from app import models  # expect: IMP002\n"
                "    return models, os\n"
            ),
        },
    ),
    # not fixed: the service runs from its `app/` folder (`from routes import`, `from utils.x
    # import`): `app.middleware.auth` would not import there. Fixed: a shared library that the
    # services import as `shared.db`, though it has no `__init__.py`, is named the same way
    Example(
        {
            "services/auth-service/requirements.txt": "fastapi\n",
            "services/auth-service/app/main.py": "from routes import users\nfrom utils.tokens import sign\n",
            "services/auth-service/app/routes/__init__.py": "",
            "services/auth-service/app/routes/users.py": "",
            "services/auth-service/app/utils/__init__.py": "",
            "services/auth-service/app/utils/tokens.py": "",
            "services/auth-service/app/middleware/__init__.py": "from .auth import guard  # expect: IMP002\n",
            "services/auth-service/app/middleware/auth.py": "def guard(): ...\n",
            "shared/db/__init__.py": "from .connection import connect  # expect: IMP002\n",
            "shared/db/connection.py": "def connect(): ...\n",
            "services/auth-service/app/store.py": "from shared.db.connection import connect\n",
        },
        fixed={
            "services/auth-service/app/middleware/__init__.py": "from .auth import guard  # expect: IMP002\n",
            "shared/db/__init__.py": "from shared.db.connection import connect  # expect: IMP002\n",
        },
        config='services = ["services/*"]\nshared = ["shared"]\n',
    ),
    # not fixed: from the `src/` root the module is `app.models`, but the service's own `app/`
    # folder holds that name first, so the absolute import would load another file
    Example(
        {
            "services/orders-service/src/app/__init__.py": "",
            "services/orders-service/src/app/models.py": "class Order: ...\n",
            "services/orders-service/src/app/api.py": "from .models import Order  # expect: IMP002\n",
            "services/orders-service/app/__init__.py": "",
            "services/orders-service/app/models.py": "class Order: ...\n",
            # nor in a tool outside every service: which root Python imports it from is not known
            "tools/release/__init__.py": "",
            "tools/release/notes.py": "",
            "tools/release/main.py": "from .notes import render  # expect: IMP002\n",
        },
        fixed={
            "services/orders-service/src/app/api.py": "from .models import Order  # expect: IMP002\n",
            "tools/release/main.py": "from .notes import render  # expect: IMP002\n",
        },
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
        fixed={
            "services/orders-service/app/api.py": "from ...billing_service import app  # expect: IMP002\n"
        },
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

    def autofix(self, violation: Violation) -> Offer:
        path = violation.location.path
        facts = self.project.facts.get(path)
        imports = self.project.at("imports", path, lambda: facts.imports if facts else ())
        fact = next((f for f in imports.get(violation.location, ()) if f.level), None)
        if fact is None or fact.kind is not ImportKind.FROM:
            return None
        layout = self.project.layout
        base = layout.relative_base(path, fact.level)
        owner = layout.owner(path)
        if base is None or (owner is not None and not is_within(base, owner.path)):
            return NotFixed("it climbs out of its service: no absolute import names the same module")
        if owner is None:  # a tool or a package of its own, installed from its own folder
            return NotFixed("the file is in no service or shared library: its import root is not known")
        resolved = layout.resolve(path, fact)
        if any(r.target is None for r in resolved):
            return NotFixed(f"'{fact.display}' does not resolve to a file of the project")
        package = posixpath.join(base, *fact.module.split(".")) if fact.module else base
        # the module name comes from the innermost import root that holds it and is no package
        # itself (a package is imported from its parent: `shared/__init__.py` makes it `shared.x`)
        roots = [
            r
            for r in layout.import_roots(path)
            if is_within(package, r) and package != r and posixpath.join(r, "__init__.py") not in layout.files
        ]
        if not roots:
            return NotFixed(f"no import root of the file holds '{fact.display}' under a module name")
        root = max(roots, key=len)
        attested = self.project.derived(
            "imports.written-roots", lambda: written_roots(layout, self.project.imports)
        ).get(owner.name, {})
        if attested:  # how the unit's absolute imports are written says which root Python uses
            best = max(attested, key=lambda r: (attested[r], len(r)))
            if best not in roots:
                return NotFixed(
                    f"most absolute imports of '{owner.name}' are written from '{best or '.'}' "
                    f"({attested[best]}), not from an import root that names '{fact.display}'"
                )
            root = best
        module = ".".join((package[len(root) + 1 :] if root else package).split("/"))
        if not all(_importable(part) for part in module.split(".")):
            return NotFixed(f"'{module}' is not a module name Python can import")
        top = module.split(".")[0]
        if top in STDLIB:  # a built-in or frozen module (`time`, `os`) is found before any file
            return NotFixed(
                f"'{top}' is also a standard-library module, which an absolute import may find instead"
            )
        absolute = ImportFact(module, 0, fact.names, ImportKind.FROM, fact.location)
        found = layout.resolve(path, absolute)
        if found != resolved:
            return NotFixed(f"the absolute import '{module}' would resolve to {_where(found)}")
        change = functools.partial(absolute_import, level=fact.level, module=module)
        return CstFix(path, fact.location, change, f"'{fact.display}' -> '{module}'")


def _importable(name: str) -> bool:
    """Can an import statement name the folder or file ``name``? Python reads an identifier in
    NFKC form, so ``ﬁx`` (a ligature) would import ``fix``, another name."""
    return name.isidentifier() and not keyword.iskeyword(name) and unicodedata.normalize("NFKC", name) == name


def _root_of(target: str, module: str) -> Optional[str]:
    """The folder an absolute import of ``module`` that found ``target`` is written from."""
    stem = target[: -len(".py")] if target.endswith(".py") else target
    stem = stem[: -len("/__init__")] if stem.endswith("/__init__") else stem
    found, parts = stem.split("/"), module.split(".")
    for extra in (0, 1):  # the module itself, or a submodule a from-import names
        end = len(found) - extra
        if end - len(parts) >= 0 and found[end - len(parts) : end] == parts:
            return "/".join(found[: end - len(parts)])
    return None


def written_roots(layout: Layout, imports: Sequence[ResolvedImport]) -> Dict[str, Dict[str, int]]:
    """Per unit, the folders its modules are imported from, by how many absolute imports say so.

    An import that resolves into a unit names the folder above its module path (``shared.db``
    found at ``shared/db.py``: the project root). An import of a unit's own code that resolves
    nowhere names each folder of the unit that holds that top-level name (``from routes import
    x`` with ``app/routes/`` there: the service runs from ``app``), when two names or more agree.
    """
    counts: Dict[str, Dict[str, int]] = {}
    holders: Dict[Tuple[str, str], Set[str]] = {}  # (unit, folder) -> top-level names found there
    names: Dict[str, List[str]] = {}  # a name -> folders that hold it as a package or module
    for item in (*layout.dirs, *(f[: -len(".py")] for f in layout.files if f.endswith(".py"))):
        folder, _, name = item.rpartition("/")
        names.setdefault(name, []).append(folder)
    for imported in imports:
        fact, target = imported.fact, imported.resolution.target
        if fact.level or not fact.module:
            continue
        if target is not None:
            unit = layout.owner(target)
            root = _root_of(target, fact.module)
            if unit is not None and root is not None:
                counts.setdefault(unit.name, {})
                counts[unit.name][root] = counts[unit.name].get(root, 0) + 1
            continue
        top = fact.module.split(".")[0]
        unit = imported.source
        if unit is None or top in STDLIB:
            continue
        for folder in names.get(top, ()):
            if is_within(folder, unit.path):
                holders.setdefault((unit.name, folder), set()).add(top)
    for (unit_name, folder), tops in holders.items():
        if len(tops) >= 2:
            counts.setdefault(unit_name, {})
            counts[unit_name][folder] = counts[unit_name].get(folder, 0) + len(tops)
    return counts


def _where(found: Sequence[Resolution]) -> str:
    targets: List[str] = sorted({r.target for r in found if r.target is not None})
    return ", ".join(f"'{t}'" for t in targets) if targets else "nothing in the project"


def absolute_import(
    node: libcst.CSTNode, around: Sequence[libcst.CSTNode], *, level: int, module: str
) -> Union[libcst.CSTNode, NotFixed]:
    """The codemod: ``from ..models import X`` -> ``from app.models import X``, names, comments
    and parentheses as they were."""
    import libcst as cst

    if not isinstance(node, cst.ImportFrom) or len(node.relative) != level:
        return NotFixed("the import is not where it was read")
    name = cst.parse_expression(module)
    assert isinstance(name, (cst.Name, cst.Attribute))
    space = node.whitespace_after_from
    if isinstance(space, cst.SimpleWhitespace) and not space.value:
        space = cst.SimpleWhitespace(" ")  # `from.models import x`
    before_import = node.whitespace_before_import
    if node.module is None and node.relative:  # `from . import x`: the space after the dot
        after_dot = node.relative[-1].whitespace_after
        if isinstance(after_dot, cst.SimpleWhitespace) and after_dot.value:
            before_import = after_dot
    return node.with_changes(
        relative=[], module=name, whitespace_after_from=space, whitespace_before_import=before_import
    )
