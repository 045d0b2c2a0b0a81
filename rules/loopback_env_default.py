"""An env lookup whose default is a loopback URL: a silent localhost fallback.

## What it does
Flags a configuration read whose fallback is a loopback target (`localhost`,
`127.*`, `0.0.0.0`, `::1`): `os.getenv(X, default)`, `os.environ.get`,
`os.environ.setdefault` (under any import alias), `os.getenv(X) or default`,
a project's own wrapper (`env.get(X, default)`, `get_env().get(...)`),
`decouple.config(X, default=...)`, `getattr(settings, X, default)`, and the
field defaults of a pydantic `BaseSettings` class. The fallback is a URL
(`redis://localhost:6379`), or a bare host where the name says it is a
connection target (`os.getenv("DB_HOST", "localhost")`,
`OTLP_ENDPOINT="localhost:4317"`; not `BIND_HOST`). Reads inside text for
people (log messages) are not flagged. Only the code services and shared
libraries run is checked, as for CFG001.

## Why is this bad?
When the variable is missing in a deployment, the service does not fail: it
quietly talks to `localhost`, where nothing listens (or, worse, something
else does). The mistake shows up as timeouts far from its cause.

## Example
```python
REDIS_URL = os.getenv("REDIS_URL", "redis://localhost:6379/0")
```

## Use instead
```python
REDIS_URL = os.environ["REDIS_URL"]  # fails fast when the deployment forgot it
```
"""

from typing import List

import libcst as cst
import libcst.helpers

from archcheck.environ import (
    BARE_LOOPBACK_HINT,
    config_fallback,
    is_config_read,
    is_runtime_path,
    is_settings_class,
    is_target_name,
    is_text_for_people,
    literal,
    loopback_targets,
    may_contain_loopback,
    static_text,
)
from archcheck.model import Severity
from archcheck.rule import Example, FileContext, FilePlan, FileRule, RuleSpec, example
from archcheck.scopes import ImportTracker

CODE = "CFG004"
NAME = "loopback-env-default"
SEVERITY = Severity.WARNING
MESSAGE = "{source} of {key} falls back to '{url}': a missing variable silently means localhost"
FIX = "make the variable required (os.environ[...]) or fail fast when it is missing"

VALID = [
    example("""
        import logging
        import os

        REDIS_URL = os.environ["REDIS_URL"]
        IDENTITY = os.getenv("IDENTITY_SERVICE_URL", "http://identity-service:8001")
        HOST = os.getenv("BIND_HOST", "127.0.0.1")
        SERVER = os.getenv("HOST", "0.0.0.0")
        PORT = os.getenv("PORT", "8000")
        DOCS = os.getenv("DOCS_URL", "https://docs.example.com")
        NO_DEFAULT = os.environ.get("BROKER_URL")
        LOCAL = "http://localhost:8000"
        ping(default="http://localhost")
        logging.info(f"using {os.getenv('CACHE_URL', 'redis://localhost:6379')}")
    """),
    Example(
        {
            "services/example-service/scripts/dev.py": (
                "import os\nAPI = os.getenv('API_URL', 'http://localhost:8000')\n"
            ),
            "services/example-service/app/main.py": "",
        }
    ),
]
INVALID = [
    example("""
        import os
        from os import environ, getenv as env
        from decouple import config

        REDIS_URL = os.getenv("REDIS_URL", "redis://localhost:6379/0")  # expect: CFG004
        BROKER = environ.get("BROKER_URL", "amqp://127.0.0.1:5672")  # expect: CFG004
        API = env("API_URL", default="http://0.0.0.0:8000")  # expect: CFG004
        os.environ.setdefault("CACHE_URL", "memcached://[::1]:11211")  # expect: CFG004
        AUTH = os.getenv("AUTH_URL") or "http://localhost:8081"  # expect: CFG004
        DB_HOST = os.getenv("DB_HOST", "localhost")  # expect: CFG004
        OTLP = config("OTEL_EXPORTER_OTLP_ENDPOINT", default="localhost:4317")  # expect: CFG004

        def urls(settings, env):
            identity = getattr(settings, "IDENTITY_URL", "http://localhost:8001")  # expect: CFG004
            return env.get("ORDERS_URL", "http://localhost:8002")  # expect: CFG004
    """),
    example("""
        from pydantic import Field
        from pydantic_settings import BaseSettings

        class Settings(BaseSettings):
            auth_service_url: str = "http://localhost:8001"  # expect: CFG004
            redis_host: str = Field(default="127.0.0.1")  # expect: CFG004
            bind_host: str = "0.0.0.0"
            name: str = "localhost"
    """),
]


class Rule(ImportTracker, FileRule):
    def __init__(self, spec: RuleSpec, context: FileContext) -> None:
        FileRule.__init__(self, spec, context)
        ImportTracker.__init__(self, context.module)
        unit = context.service
        self.runtime = unit is not None and is_runtime_path(context.path, unit.path)
        self.people = 0  # depth of calls whose arguments are text for people
        self.settings = 0  # depth of BaseSettings class bodies
        self.saved: List[int] = []  # the class-body depth outside each function

    @classmethod
    def may_match(cls, text: str, plan: FilePlan) -> bool:
        return may_contain_loopback(text) or BARE_LOOPBACK_HINT.search(text) is not None

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.settings += is_settings_class(node)

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.settings -= is_settings_class(original_node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.saved.append(self.settings)
        self.settings = 0  # a method body is not the class body

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.settings = self.saved.pop()

    def visit_Call(self, node: cst.Call) -> None:
        if is_text_for_people(node):
            self.people += 1
            return
        lookup = config_fallback(node, self.aliases)
        if lookup is not None and lookup.default is not None:
            callee = self.aliases.qualified(node.func) or cst.helpers.get_full_name_for_node(node.func) or ""
            source = "env lookup" if "env" in callee.lower() else "config read"
            self._check(node, lookup.key, lookup.default, source)

    def leave_Call(self, original_node: cst.Call) -> None:
        if is_text_for_people(original_node):
            self.people -= 1

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> None:
        if isinstance(node.operator, cst.Or) and is_config_read(node.left, self.aliases):
            key = None
            if isinstance(node.left, cst.Call):
                lookup = config_fallback(node.left, self.aliases)
                key = lookup.key if lookup else None
            self._check(node, key, node.right, "env lookup")

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self.settings and isinstance(node.target, cst.Name) and node.value is not None:
            value = node.value
            if isinstance(value, cst.Call) and value.args and value.args[0].keyword in (None,):
                value = value.args[0].value  # Field("localhost")
            elif isinstance(value, cst.Call):
                value = next(
                    (a.value for a in value.args if a.keyword and a.keyword.value == "default"), value
                )
            self._check(node.value, None, value, "settings field", field=node.target.value)

    def _check(
        self, node: cst.CSTNode, key: object, default: cst.BaseExpression, source: str, field: str = ""
    ) -> None:
        if not self.runtime or self.people:
            return
        text = static_text(default)
        if text is None:
            return
        name = field or literal(key if isinstance(key, cst.BaseExpression) else None) or ""
        for url in loopback_targets(text, named_target=is_target_name(name)):
            shown = f"'{name}'" if name else "a variable"
            self.report(node, key=shown, url=url, source=source)
            return
