"""A `DATABASE_URL` that breaks the naming convention of its service.

## What it does
Checks literal `DATABASE_URL` values against `config.database-url-template`
(default `postgresql://{service}_user:{service}_pass@{service_host}-db:5432/{service}_service`,
where `{service}` is the service key in snake_case, `{service_host}` in
kebab-case, and `*` matches any text). Values are checked in assignments to
`DATABASE_URL`/`database_url`, keyword arguments, dictionary entries,
env-lookup defaults, `os.environ["DATABASE_URL"] = ...`, and in the service's
`.env*` files. Values built from variables and files outside services are not
checked. Passwords are masked in messages.

## Why is this bad?
When every service names its database, user and host the same way,
a connection string tells at a glance which service it belongs to, and a
service pointed at another service's database (a copy-pasted URL) stands
out. Drift here is how two services end up sharing one database.

## Example
```python
# services/content-service/app/config.py
DATABASE_URL = "postgresql://postgres:postgres@db:5432/app"
```

## Use instead
```python
DATABASE_URL = "postgresql://content_user:content_pass@content-db:5432/content_service"
```

## Options
- `config.database-url-template`: the convention, with `{service}`, `{service_host}` and `*`.
"""

import re
from dataclasses import dataclass
from typing import List, Optional, Sequence

import libcst as cst

from archcheck.environ import env_lookup, environ_subscript, literal
from archcheck.layout import Unit, UnitKind
from archcheck.model import EnvEntry, Location, Severity, Violation
from archcheck.rule import Example, FileContext, FilePlan, FileRule, RuleSpec
from archcheck.scopes import ImportTracker

CODE = "CFG002"
NAME = "database-url-naming"
SEVERITY = Severity.ERROR
MESSAGE = "DATABASE_URL '{value}' does not follow the convention for service '{service}': expected '{expected}'"
FIX = "use '{expected}'"
KEY = "database_url"
_PASSWORD = re.compile(r"(://[^:/@\s]*:)([^@/\s]+)(@)")

_APP = "services/content-service/app/"
_GOOD = "postgresql://content_user:content_pass@content-db:5432/content_service"
VALID = [
    Example({
        _APP + "config.py": (
            "import os\n"
            f"DATABASE_URL = '{_GOOD}'\n"
            f"database_url: str = os.getenv('DATABASE_URL', '{_GOOD}')\n"
            "DATABASE_URL = f'postgresql://{user}:{password}@{host}:5432/{name}'\n"
            "DATABASE_URL = os.environ['DATABASE_URL']\n"
            "REDIS_URL = 'redis://cache:6379'\n"
            "engine = create_engine(url='postgresql://x@y/z')\n"
        ),
        "services/content-service/.env.example": f"DATABASE_URL={_GOOD}\nREDIS_URL=redis://redis:6379\n",
        "scripts/dev.py": "DATABASE_URL = 'sqlite:///dev.db'\n",
    }),
    Example({
        "services/billing/app/config.py": "DATABASE_URL = 'postgresql+asyncpg://billing:secret@billing-db/billing'\n",
    }, 'services = ["services/*"]\n[config]\ndatabase-url-template = "postgresql*://{service}:*@{service_host}-db*/{service}"\n'),
]
INVALID = [
    Example({
        _APP + "config.py": (
            "import os\n"
            "DATABASE_URL = 'postgresql://postgres:postgres@db:5432/app'  # expect: CFG002\n"
            "class Settings:\n"
            "    database_url: str = 'postgresql://orders_user:orders_pass@orders-db:5432/orders_service'  # expect: CFG002\n"
            "engine = make_engine(database_url='sqlite:///local.db')  # expect: CFG002\n"
            "URL = os.getenv('DATABASE_URL', 'postgresql://u:p@localhost/content')  # expect: CFG002\n"
            "os.environ['DATABASE_URL'] = 'postgresql://u:p@db/content'  # expect: CFG002\n"
            "DEFAULTS = {'DATABASE_URL': 'postgresql://u:p@db/content'}  # expect: CFG002\n"
        ),
        "services/content-service/.env": "REDIS_URL=redis://redis:6379\nDATABASE_URL=postgresql://admin:hunter2@db:5432/content  # expect: CFG002\n",
    }),
]


def expected_url(template: str, service: Unit) -> str:
    return template.format(service=service.snake, service_host=service.kebab)


def _pattern(template: str, service: Unit) -> "re.Pattern[str]":
    pieces = [re.escape(expected_url(piece, service)) for piece in template.split("*")]
    return re.compile(".*".join(pieces))


def mask(url: str) -> str:
    return _PASSWORD.sub(r"\1***\3", url)


@dataclass(frozen=True)
class _Mismatch:
    value: str
    service: str
    expected: str


def _mismatch(value: str, service: Unit, plan: FilePlan) -> Optional[_Mismatch]:
    template = plan.env.database_url_template
    if _pattern(template, service).fullmatch(value):
        return None
    return _Mismatch(mask(value), service.name, mask(expected_url(template, service)))


def _violation(spec: RuleSpec, where: Location, found: _Mismatch) -> Violation:
    return spec.violation(where, spec.fix.format(expected=found.expected), value=found.value,
                          service=found.service, expected=found.expected)  # fmt: skip


def _service(unit: Optional[Unit]) -> Optional[Unit]:
    return unit if unit is not None and unit.kind is UnitKind.SERVICE else None


class Rule(ImportTracker, FileRule):
    def __init__(self, spec: RuleSpec, context: FileContext) -> None:
        FileRule.__init__(self, spec, context)
        ImportTracker.__init__(self, context.module)
        self.service = _service(context.service)

    @classmethod
    def may_match(cls, text: str, plan: FilePlan) -> bool:
        return KEY in text.lower()

    @classmethod
    def check_env_file(cls, spec: RuleSpec, entries: Sequence[EnvEntry],
                       service: Optional[Unit], plan: FilePlan) -> List[Violation]:  # fmt: skip
        unit = _service(service)
        found = []
        for entry in entries:
            mismatch = _mismatch(entry.value, unit, plan) if unit and entry.key.lower() == KEY else None
            if mismatch is not None:
                found.append(_violation(spec, entry.location, mismatch))
        return found

    def _check(self, node: cst.CSTNode, value: Optional[cst.BaseExpression]) -> None:
        text = literal(value)
        if self.service is None or text is None or value is None:
            return
        mismatch = _mismatch(text, self.service, self.context.plan)
        if mismatch is not None:
            self.report(value, fix=self.spec.fix.format(expected=mismatch.expected), value=mismatch.value,
                        service=mismatch.service, expected=mismatch.expected)  # fmt: skip

    @staticmethod
    def _named(target: cst.BaseExpression) -> bool:
        name = target.value if isinstance(target, cst.Name) else (
            target.attr.value if isinstance(target, cst.Attribute) else None)
        return name is not None and name.lower() == KEY

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            subscript = target.target if isinstance(target.target, cst.Subscript) else None
            key = literal(environ_subscript(subscript, self.aliases)) if subscript else None
            if self._named(target.target) or (key or "").lower() == KEY:
                self._check(node, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self._named(node.target):
            self._check(node, node.value)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None and node.keyword.value.lower() == KEY:
            self._check(node, node.value)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        if (literal(node.key) or "").lower() == KEY:
            self._check(node, node.value)

    def visit_Call(self, node: cst.Call) -> None:
        lookup = env_lookup(node, self.aliases)
        if lookup is not None and (literal(lookup.key) or "").lower() == KEY:
            self._check(node, lookup.default)
