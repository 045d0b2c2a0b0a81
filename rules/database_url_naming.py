"""A `DATABASE_URL` that breaks the naming convention of its service.

## What it does
Checks literal `DATABASE_URL` values against the project's naming
convention, `config.database-url-template` (for example
`postgresql://{service}_user:{service}_pass@{service_host}-db:5432/{service}_service`,
where `{service}` is the service key in snake_case, `{service_host}` in
kebab-case, and `*` matches any text; matching takes time linear in the
value, whatever the number of `*`). Values are checked in assignments to
`DATABASE_URL`/`database_url`, keyword arguments, dictionary entries,
env-lookup defaults, `os.environ["DATABASE_URL"] = ...`, and in the service's
`.env*` files.

The rule fires only where a convention exists: when the template is set in
the configuration, or when most services that have a `DATABASE_URL` already
follow the default template (then the ones that do not are the outliers).
Only URLs are judged: empty or masked values (`""`, `"***hidden***"`),
values built from variables (in a `.env` file too: `${DB_USER}`, which
python-dotenv fills in) and files outside services are not. A driver
suffix (`postgresql+asyncpg://`) and the `postgres://` spelling are the same
scheme. Credentials (passwords, `?password=`) are masked in messages.

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

import functools
import re
from typing import Dict, Iterator, List, Tuple

from archcheck.config.options import Option
from archcheck.config.validators import format_template
from archcheck.facts.urls import mask_credentials, mask_url, shortened
from archcheck.model import Location, Severity, Violation
from archcheck.project.layout import Unit, UnitKind
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import Rule

# what python-dotenv fills in from the environment or the file's earlier keys: `${NAME}`, `${NAME:-default}`
_DOTENV_VARIABLE = re.compile(r"\$\{[^}:]*(?::-[^}]*)?\}")

DEFAULT_DATABASE_URL_TEMPLATE = (
    "postgresql://{service}_user:{service}_pass@{service_host}-db:5432/{service}_service"
)


def template(value: object) -> str:
    """A naming template: text with ``{service}``, ``{service_host}`` and ``*`` only; not empty."""
    text = format_template(value, ("service", "service_host"))
    if not text.strip():
        raise ValueError("an empty template; leave the key out to use the default")
    return text


MESSAGE = (
    "DATABASE_URL '{value}' does not follow the convention for service '{service}': expected '{expected}'"
)
FIX = "use '{expected}'"
KEY = "database_url"

_APP = "services/content-service/app/"
_GOOD = "postgresql://content_user:content_pass@content-db:5432/content_service"
_TEMPLATE = (
    "[config]\ndatabase-url-template = "
    '"postgresql://{service}_user:{service}_pass@{service_host}-db:5432/{service}_service"\n'
)
_CONFIG = 'services = ["services/*"]\n' + _TEMPLATE
VALID = [
    Example(
        {
            _APP + "config.py": (
                "import os\n"
                f"DATABASE_URL = '{_GOOD}'\n"
                f"database_url: str = os.getenv('DATABASE_URL', '{_GOOD}')\n"
                "DATABASE_URL = f'postgresql://{user}:{password}@{host}:5432/{name}'\n"
                "DATABASE_URL = os.environ['DATABASE_URL']\n"
                "REDIS_URL = 'redis://cache:6379'\n"
                "engine = create_engine(url='postgresql://x@y/z')\n"
                "SHOWN = {'database_url': '***hidden***', 'DATABASE_URL': ''}\n"
                "ASYNC_URL = {'database_url': 'postgresql+asyncpg://content_user:content_pass@content-db:5432/content_service'}\n"
            ),
            "services/content-service/.env.example": f"DATABASE_URL={_GOOD}\nREDIS_URL=redis://redis:6379\n",
            "services/content-service/.env": (
                "DB_USER=content_user\n"
                "DATABASE_URL=postgresql://${DB_USER}:${DB_PASS}@${DB_HOST:-db}:5432/content\n"
            ),
            "scripts/dev.py": "DATABASE_URL = 'sqlite:///dev.db'\n",
        },
        _CONFIG,
    ),
    Example(
        {
            "services/billing/app/config.py": "DATABASE_URL = 'postgresql+asyncpg://billing:secret@billing-db/billing'\n",
        },
        'services = ["services/*"]\n[config]\ndatabase-url-template = "postgresql*://{service}:*@{service_host}-db*/{service}"\n',
    ),
    Example(
        {  # no template set, and the services do not follow the default one: no convention to break
            "services/billing/app/config.py": "DATABASE_URL = 'postgresql://postgres:postgres@db:5432/billing'\n",
            "services/orders/app/config.py": "DATABASE_URL = 'postgresql://app:secret@orders-db/orders'\n",
        },
        'services = ["services/*"]\n',
    ),
]
INVALID = [
    Example(
        {
            _APP + "config.py": (
                "import os\n"
                "DATABASE_URL = 'postgresql://postgres:postgres@db:5432/app'  # expect: CFG002\n"
                "class Settings:\n"
                "    database_url: str = 'postgresql://orders_user:orders_pass@orders-db:5432/orders_service'  # expect: CFG002\n"
                "engine = make_engine(database_url='sqlite:///local.db')  # expect: CFG002\n"
                "URL = os.getenv('DATABASE_URL', 'postgresql://u:p@localhost/content')  # expect: CFG002\n"
                "os.environ['DATABASE_URL'] = 'postgresql://u:p@db/content'  # expect: CFG002\n"
                "DEFAULTS = {'DATABASE_URL': 'postgresql://u:p@db/content'}  # expect: CFG002\n"
                "class FieldSettings:\n"
                "    db_url: str = Field('postgresql://u:p@db/content', alias='DATABASE_URL')  # expect: CFG002\n"
                "    database_url: str = Field(default='postgresql://u:p@db/content')  # expect: CFG002\n"
                "    db: Annotated[str, Field(alias='DATABASE_URL')] = 'postgresql://u:p@db/content'  # expect: CFG002\n"
            ),
            "services/content-service/.env": "REDIS_URL=redis://redis:6379\nDATABASE_URL=postgresql://admin:hunter2@db:5432/content  # expect: CFG002\n",
        },
        _CONFIG,
    ),
    Example(
        {  # the default template, followed by most services: the outlier is flagged
            "services/billing/app/config.py": "DATABASE_URL = 'postgresql://billing_user:billing_pass@billing-db:5432/billing_service'\n",
            "services/orders/.env": "DATABASE_URL=postgresql+asyncpg://orders_user:orders_pass@orders-db:5432/orders_service\n",
            "services/search/app/config.py": "DATABASE_URL = 'postgresql://postgres:postgres@db:5432/search'  # expect: CFG002\n",
            "services/orders/app/main.py": "",
        },
        'services = ["services/*"]\n',
    ),
]

_SCHEME = re.compile(r"^([a-z][a-z0-9.-]*)(?:\+[a-z0-9_.-]+)?://", re.IGNORECASE)


def expected_url(template: str, service: Unit) -> str:
    return template.format(service=service.snake, service_host=service.kebab)


def _normal(url: str) -> str:
    """The URL with a driver suffix dropped and ``postgres`` spelled ``postgresql``."""
    match = _SCHEME.match(url)
    if match is None:
        return url
    scheme = match.group(1).lower()
    return ("postgresql" if scheme == "postgres" else scheme) + "://" + url[match.end() :]


@functools.lru_cache(maxsize=256)
def _pieces(template: str, service: Unit) -> List[str]:
    """The literal text between the template's ``*`` wildcards, for ``service``: once per
    service, not once per value (1,000 wildcards beside 20,000 values took 50 s)."""
    return [
        _normal(expected_url(piece, service)) if i == 0 else expected_url(piece, service)
        for i, piece in enumerate(template.split("*"))
    ]


def _wildcard_match(pieces: List[str], text: str) -> bool:
    """Does ``text`` read as ``pieces`` joined by ``*`` (any text but a line break)?

    Each piece is taken at its leftmost place after the one before, which is right for
    ``*``-only patterns: linear in the text whatever the number of ``*``, where a regular
    expression of ``.*`` would backtrack (``*a*a*a*a…`` took minutes on 60 characters).
    """
    if len(pieces) == 1:
        return text == pieces[0]
    first, *middle, last = pieces
    end = len(text) - len(last)
    if end < len(first) or not text.startswith(first) or not text.endswith(last):
        return False
    position = len(first)
    for piece in middle:
        found = text.find(piece, position, end)
        if found < 0 or "\n" in text[position:found]:
            return False
        position = found + len(piece)
    return "\n" not in text[position:end]


def _follows(value: str, template: str, unit: Unit) -> bool:
    """Does a value match the convention? A masked password (``***``) matches whatever it says."""
    if _MASKED.search(value):
        template = _TEMPLATE_PASSWORD.sub(r"\1*\3", template)
    return _wildcard_match(_pieces(template, unit), _normal(value))


_MASKED = re.compile(r"://[^:/@\s]*:\*+@")
_TEMPLATE_PASSWORD = re.compile(r"(://[^:/@\s]*:)([^@/\s]+)(@)")
Value = Tuple[str, Location]


class DatabaseUrlNaming(
    Rule,
    code="CFG002",
    name="database-url-naming",
    severity=Severity.ERROR,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
    options=(
        Option("config", "database-url-template", None, template, "the DATABASE_URL naming convention"),
    ),
    in_tests=False,
):
    reads = frozenset({"database_urls", "env_entries"})

    def check(self) -> Iterator[Violation]:
        values = self._values()
        configured = self.option("config.database-url-template")
        template = configured or DEFAULT_DATABASE_URL_TEMPLATE
        if configured is None:  # the default convention counts only where most services follow it
            followers = sum(any(_follows(v, template, u) for v, _ in found) for u, found in values.items())
            if followers * 2 <= len(values):
                return
        for unit, found in sorted(values.items()):
            expected = shortened(mask_credentials(expected_url(template, unit)))
            for value, where in found:
                if not _follows(value, template, unit):
                    yield self.violation(
                        where,
                        fix=self.fix.format(expected=expected),
                        value=shortened(mask_url(value)),
                        service=unit.name,
                        expected=expected,
                    )

    def _values(self) -> Dict[Unit, List[Value]]:
        """Each service's literal DATABASE_URL values that are URLs, in code and in .env files."""
        values: Dict[Unit, List[Value]] = {}
        for path, facts in sorted(self.project.facts.items()):
            if not (facts.database_urls or facts.env_entries):
                continue
            owner = self.project.layout.owner(path) if facts.env_entries else self.project.runtime_unit(path)
            if owner is None or owner.kind is not UnitKind.SERVICE:
                continue
            found = [(f.value, f.location) for f in facts.database_urls]
            found += [
                (e.value, e.location)
                for e in facts.env_entries
                if e.key.lower() == KEY and not _DOTENV_VARIABLE.search(e.value)
            ]
            urls = [(value, where) for value, where in found if _SCHEME.match(value.strip())]
            if urls:
                values.setdefault(owner, []).extend(urls)
        return values
