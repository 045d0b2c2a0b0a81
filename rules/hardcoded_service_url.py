"""A URL literal that points at localhost or at one of the project's services.

## What it does
Flags string literals, f-strings included, that contain a URL (any scheme)
whose host is a loopback address (`localhost`, `127.*`, `0.0.0.0`, `::1`), the
name or key of a service of this project (`identity-service`, `identity`), or
matches `config.internal-hosts`. Docstrings, comments, external hosts and the
default argument of an env lookup (`os.getenv`, `os.environ.get`,
`os.environ.setdefault`; see CFG004) are not flagged.

## Why is this bad?
The URL is right on one machine only. In a container `localhost` is the
container itself, and a service's host name differs between compose,
Kubernetes and staging; the code works locally and fails after deployment.

## Example
```python
identity_url = "http://localhost:8001"
billing = httpx.Client(base_url=f"http://billing-service:{port}")
```

## Use instead
```python
identity_url = os.getenv("IDENTITY_SERVICE_URL", "http://identity-service:8001")
```

## Options
- `config.internal-hosts`: host globs that also count as internal (`["*.internal", "redis"]`).
"""

import re
from typing import Dict, Optional, Set, Tuple

import libcst as cst

from archcheck.environ import (
    env_lookup,
    is_loopback,
    matches_internal,
    may_contain_loopback,
    static_text,
    urls,
)
from archcheck.model import Severity
from archcheck.rule import Example, FileContext, FilePlan, FileRule, RuleSpec, example
from archcheck.scopes import ImportTracker

CODE = "CFG001"
NAME = "hardcoded-service-url"
SEVERITY = Severity.ERROR
MESSAGE = "hardcoded URL '{url}' points at {target}"
FIX = "read the URL from the environment, e.g. os.getenv(\"{variable}\")"

_SERVICES = 'services = ["services/*"]\n[config]\ninternal-hosts = ["*.internal"]\n'
_FILES = {"services/identity-service/app/__init__.py": "", "services/orders-service/app/__init__.py": ""}


def _with_services(source: str) -> Example:
    """A one-file example in a project that also has identity-service and orders-service."""
    one = example(source, path="services/gateway/app/clients.py", config=_SERVICES)
    return Example({**_FILES, **one.files}, _SERVICES)

VALID = [
    _with_services('''
        """Talks to http://localhost:8001 in development."""
        import os

        # the old value was http://localhost:8001
        IDENTITY_URL = os.getenv("IDENTITY_SERVICE_URL", "http://identity-service:8001")
        REDIS = os.environ.get("REDIS_URL", default="redis://localhost:6379")
        os.environ.setdefault("BROKER_URL", "amqp://localhost")
        DOCS = "https://docs.python.org/3/library/os.html"
        STRIPE = f"https://api.stripe.com/v1/{path}"
        BUILT = f"http://{host}:{port}/api"
        NOT_A_URL = "localhost:8000"
        SERVICE_NAME = "identity-service"
    '''),
]
INVALID = [
    Example({**_FILES, "services/gateway/app/split.py": (
        'SPLIT = ("http://"  # expect: CFG001\n'
        '         # the host follows in the next literal\n'
        '         "identity-service:8000")\n'
    )}, 'services = ["services/*"]\n'),
    Example({**_FILES, "services/gateway/app/split.py": 'CACHE = ("redis://" "127.0.0.1")  # expect: CFG001\n'},
            'services = ["services/*"]\n'),
    _with_services('''
        import os
        from os import getenv

        IDENTITY = "http://localhost:8001"  # expect: CFG001
        ORDERS = f"http://orders-service:{PORT}/v1"  # expect: CFG001
        CACHE = ("redis://127.0.0.1"  # expect: CFG001
                 ":6379/0")
        V6 = "http://[::1]:9000"  # expect: CFG001

        META = "http://metadata.internal/computeMetadata"  # expect: CFG001
        FALLBACK = getenv("IDENTITY_URL") or "http://identity:8001"  # expect: CFG001

        def client():
            return Client(base_url="http://0.0.0.0:8080")  # expect: CFG001
    '''),
]


class Rule(ImportTracker, FileRule):
    def __init__(self, spec: RuleSpec, context: FileContext) -> None:
        FileRule.__init__(self, spec, context)
        ImportTracker.__init__(self, context.module)
        self.hosts: Dict[str, str] = dict(context.plan.service_hosts)
        self.skip: Set[int] = set()

    @classmethod
    def may_match(cls, text: str, plan: FilePlan) -> bool:
        if "://" not in text:
            return False
        if plan.env.internal_hosts or may_contain_loopback(text):
            return True
        # may_contain_loopback() already accepts split literals ("http://" "host"), so here
        # a service host follows "://" (and userinfo) directly
        hosts = "|".join(re.escape(host) for host, _ in plan.service_hosts)
        pattern = f"(?i)://(?:[^\\s/@'\"]*@)?(?:{hosts})(?![\\w.-]*\\.[a-z])"
        return bool(hosts) and re.search(pattern, text) is not None

    def visit_Expr(self, node: cst.Expr) -> None:
        self.skip.add(id(node.value))  # docstrings and other bare strings are documentation

    def visit_Call(self, node: cst.Call) -> None:
        lookup = env_lookup(node, self.aliases)
        if lookup is not None and lookup.default is not None:
            self.skip.add(id(lookup.default))

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._check(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._check(node)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self._check(node)

    def _check(self, node: cst.BaseExpression) -> None:
        if id(node) in self.skip:
            return
        if isinstance(node, cst.ConcatenatedString):  # checked as a whole, not part by part
            self.skip.update({id(node.left), id(node.right)})
        text = static_text(node)
        if text is None:
            return
        for url, host in urls(text):
            target = self._target(host)
            if target is not None:
                target_text, variable = target
                self.report(node, fix=self.spec.fix.format(variable=variable), url=url, target=target_text)

    def _target(self, host: str) -> Optional[Tuple[str, str]]:
        if is_loopback(host):
            return "a loopback host", "SERVICE_URL"
        service = self.hosts.get(host)
        if service is not None:
            key = host.replace("-", "_").upper()
            variable = key if key.endswith("_SERVICE") else f"{key}_SERVICE"
            return f"service '{service}' by name", f"{variable}_URL"
        if matches_internal(host, self.context.plan.env.internal_hosts):
            return f"internal host '{host}'", f"{host.split('.')[0].replace('-', '_').upper()}_URL"
        return None
