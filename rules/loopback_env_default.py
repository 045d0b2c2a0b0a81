"""An env lookup whose default is a loopback URL: a silent localhost fallback.

## What it does
Flags `os.getenv(...)`, `os.environ.get(...)` and `os.environ.setdefault(...)`
(under any import alias) whose default is a literal URL with a loopback host
(`localhost`, `127.*`, `0.0.0.0`, `::1`).

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

import libcst as cst

from archcheck.environ import env_lookup, is_loopback, literal, may_contain_loopback, urls
from archcheck.model import Severity
from archcheck.rule import FileContext, FilePlan, FileRule, RuleSpec, example
from archcheck.scopes import ImportTracker

CODE = "CFG004"
NAME = "loopback-env-default"
SEVERITY = Severity.WARNING
MESSAGE = "env lookup of {key} falls back to '{url}': a missing variable silently means localhost"
FIX = "make the variable required (os.environ[...]) or fail fast when it is missing"

VALID = [
    example("""
        import os

        REDIS_URL = os.environ["REDIS_URL"]
        IDENTITY = os.getenv("IDENTITY_SERVICE_URL", "http://identity-service:8001")
        HOST = os.getenv("BIND_HOST", "127.0.0.1")
        PORT = os.getenv("PORT", "8000")
        DOCS = os.getenv("DOCS_URL", "https://docs.example.com")
        NO_DEFAULT = os.environ.get("BROKER_URL")
        LOCAL = "http://localhost:8000"
        ping(default="http://localhost")
    """),
]
INVALID = [
    example("""
        import os
        from os import environ, getenv as env

        REDIS_URL = os.getenv("REDIS_URL", "redis://localhost:6379/0")  # expect: CFG004
        BROKER = environ.get("BROKER_URL", "amqp://127.0.0.1:5672")  # expect: CFG004
        API = env("API_URL", default="http://0.0.0.0:8000")  # expect: CFG004
        os.environ.setdefault("CACHE_URL", "memcached://[::1]:11211")  # expect: CFG004
    """),
]


class Rule(ImportTracker, FileRule):
    def __init__(self, spec: RuleSpec, context: FileContext) -> None:
        FileRule.__init__(self, spec, context)
        ImportTracker.__init__(self, context.module)

    @classmethod
    def may_match(cls, text: str, plan: FilePlan) -> bool:
        return "://" in text and ("getenv" in text or "environ" in text) and may_contain_loopback(text)

    def visit_Call(self, node: cst.Call) -> None:
        lookup = env_lookup(node, self.aliases)
        if lookup is None:
            return
        default = literal(lookup.default)
        if default is None:
            return
        for url, host in urls(default):
            if is_loopback(host):
                key = literal(lookup.key)
                self.report(node, key=f"'{key}'" if key else "a variable", url=url)
                return
