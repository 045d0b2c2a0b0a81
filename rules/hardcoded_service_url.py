"""A URL that the code connects to, hardcoded to localhost or to one of the project's services.

## What it does
Flags a URL literal (any scheme, f-strings and concatenations included) whose
host is a loopback address (`localhost`, `127.*`, `0.0.0.0`, `::1`), the name
or key of a service of this project (`identity-service`, `identity`), a
service or container name from a docker-compose file, or an
`config.internal-hosts` match, when the code uses it as a connection target:

- an argument of an HTTP, database, Redis, AMQP, gRPC or OpenTelemetry client
  (`httpx.get(...)`, `create_engine(...)`, `Redis.from_url(...)`), or a
  keyword argument named like a target (`base_url=`, `endpoint=`, `broker=`);
- a module or class constant (`IDENTITY_URL = "http://identity-service:8001"`),
  a `self.` attribute, or a parameter default named like a target;
- a value written into the environment (`os.environ["X"] = ...`);
- a local variable that is then passed as one of the above.

A loopback target without a scheme (`"localhost:4317"`) counts where the name
says it is one (`endpoint=`, `OTLP_ENDPOINT = ...`). Not flagged: docstrings
and comments, text for people (`print`, logging, exception messages, argparse
help), origin and redirect allow-lists (`allow_origins=[...]`, `CORS_ORIGINS`),
comparisons (`origin.startswith("http://localhost")`), `if __name__ ==
"__main__":` blocks, and every configuration read with a fallback
(`os.getenv(X, url)`, `os.getenv(X) or url`, `getattr(settings, X, url)`, a
`BaseSettings` field default): those are CFG004. Only the code services and
shared libraries run is checked: not tooling folders inside them (`scripts/`,
`deploy/`…), code outside them, or test files.

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
identity_url = os.environ["IDENTITY_SERVICE_URL"]
billing = httpx.Client(base_url=settings.billing_url)
```

## Options
- `config.internal-hosts`: host globs that also count as internal (`["*.internal", "redis"]`).
"""

import re
from typing import Dict, List, Optional, Set, Tuple

import libcst as cst
from libcst.metadata import ParentNodeProvider

from archcheck.environ import (
    ALLOW_LIST_NAME,
    BARE_LOOPBACK_HINT,
    CLIENT_CALLS,
    HTTP_METHODS,
    PLACEHOLDER,
    bare_host,
    callee_last,
    config_fallback,
    environ_subscript,
    is_config_read,
    is_loopback,
    is_runtime_path,
    is_settings_class,
    is_string_test,
    is_target_name,
    is_text_for_people,
    literal,
    loopback_targets,
    matches_internal,
    may_contain_loopback,
    static_text,
    urls,
)
from archcheck.model import Severity
from archcheck.rule import Example, FileContext, FilePlan, FileRule, RuleSpec, example
from archcheck.scopes import ImportTracker, is_main_guard

CODE = "CFG001"
NAME = "hardcoded-service-url"
SEVERITY = Severity.ERROR
MESSAGE = "hardcoded URL '{url}' points at {target}"
FIX = 'read the URL from the environment, e.g. os.environ["{variable}"]'

_SERVICES = 'services = ["services/*"]\n[config]\ninternal-hosts = ["*.internal"]\n'
_FILES = {"services/identity-service/app/__init__.py": "", "services/orders-service/app/__init__.py": ""}


def _with_services(source: str, path: str = "services/gateway/app/clients.py") -> Example:
    """A one-file example in a project that also has identity-service and orders-service."""
    one = example(source, path=path, config=_SERVICES)
    return Example({**_FILES, **one.files}, _SERVICES)


VALID = [
    _with_services('''
        """Talks to http://localhost:8001 in development."""
        import os
        from decouple import config

        # the old value was http://localhost:8001
        IDENTITY_URL = os.getenv("IDENTITY_SERVICE_URL", "http://identity-service:8001")
        REDIS = os.environ.get("REDIS_URL", default="redis://localhost:6379")
        os.environ.setdefault("BROKER_URL", "amqp://localhost")
        FALLBACK = os.getenv("IDENTITY_URL") or "http://identity:8001"
        BROKER = config("BROKER_URL", default="amqp://localhost:5672")
        DOCS = "https://docs.python.org/3/library/os.html"
        STRIPE = f"https://api.stripe.com/v1/{path}"
        BUILT = f"http://{host}:{port}/api"
        LISTEN_ON = "localhost:8000"
        SERVICE_NAME = "identity-service"
        CORS_ORIGINS = ["http://localhost:3000", "http://127.0.0.1:3000"]
    '''),
    _with_services("""
        import argparse
        import logging
        from fastapi.middleware.cors import CORSMiddleware
        from pydantic_settings import BaseSettings

        logger = logging.getLogger(__name__)

        class Settings(BaseSettings):
            auth_service_url: str = "http://localhost:8001"

        def setup(app, settings, origin, request):
            app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:3000"])
            print("open http://localhost:8000/docs")
            logger.info("identity at http://identity-service:8001")
            parser = argparse.ArgumentParser()
            parser.add_argument("--url", help="e.g. http://localhost:8000")
            if origin.startswith("http://localhost") or origin == "http://127.0.0.1:3000":
                return origin
            url = getattr(settings, "IDENTITY_URL", "http://localhost:8001")
            fallback = "http://localhost:8001"
            if not fallback:
                raise ValueError("set IDENTITY_URL, e.g. http://localhost:8001")
            return "http://localhost:8001"

        if __name__ == "__main__":
            import uvicorn
            uvicorn.run("app.main:app", host="0.0.0.0")
            httpx.get("http://localhost:8000/health")
    """),
    Example(
        {
            **_FILES,
            "services/gateway/scripts/smoke.py": 'import httpx\nhttpx.get("http://localhost:8000/health")\n',
            "tools/dev.py": 'API = "http://localhost:8000"\n',
            "services/gateway/app/main.py": "",
        },
        _SERVICES,
    ),
]
INVALID = [
    Example(
        {
            **_FILES,
            "services/gateway/app/split.py": (
                'SPLIT = ("http://"  # expect: CFG001\n'
                "         # the host follows in the next literal\n"
                '         "identity-service:8000")\n'
            ),
        },
        'services = ["services/*"]\n',
    ),
    Example(
        {**_FILES, "services/gateway/app/split.py": 'CACHE = ("redis://" "127.0.0.1")  # expect: CFG001\n'},
        'services = ["services/*"]\n',
    ),
    _with_services("""
        import os

        import httpx
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

        IDENTITY = "http://localhost:8001"  # expect: CFG001
        ORDERS = f"http://orders-service:{PORT}/v1"  # expect: CFG001
        CACHE = ("redis://127.0.0.1"  # expect: CFG001
                 ":6379/0")
        V6 = "http://[::1]:9000"  # expect: CFG001
        UPSTREAMS = {"identity": "http://identity-service:8001"}  # expect: CFG001
        OTLP_ENDPOINT = "localhost:4317"  # expect: CFG001

        META = "http://metadata.internal/computeMetadata"  # expect: CFG001
        os.environ["AUTH_URL"] = "http://localhost:8001"  # expect: CFG001

        class Config:
            api_url = "http://localhost:8000"  # expect: CFG001

        class Client:
            def __init__(self, base_url="http://identity-service:8001"):  # expect: CFG001
                self.health = "http://localhost:8001/health"  # expect: CFG001

        def client(scheme, port):
            exporter = OTLPSpanExporter(endpoint="localhost:4317")  # expect: CFG001
            url = f"{scheme}://localhost:{port}/v1"  # expect: CFG001
            httpx.get(url)
            httpx.post("http://identity-service:8001/login")  # expect: CFG001
            return Client(base_url="http://0.0.0.0:8080")  # expect: CFG001
    """),
    Example(
        {
            **_FILES,
            "docker-compose.yml": (
                "services:\n  orders-api:\n    build: ./services/orders-service\n"
                "  cache:\n    image: redis\n    container_name: shop-cache\n"
            ),
            "services/gateway/app/clients.py": (
                'ORDERS = "http://orders-api:8109"  # expect: CFG001\n'
                'CACHE = "redis://shop-cache:6379/0"  # expect: CFG001\n'
                'EXTERNAL = "https://orders-api.example.com"\n'
            ),
        },
        'services = ["services/*"]\n',
    ),
]

_TRANSPARENT = (
    cst.List,
    cst.Tuple,
    cst.Set,
    cst.Dict,
    cst.Element,
    cst.StarredElement,
    cst.StarredDictElement,
    cst.ConcatenatedString,
    cst.FormattedString,
    cst.FormattedStringExpression,
    cst.BinaryOperation,
    cst.IfExp,
    cst.Subscript,
    cst.SubscriptElement,
    cst.Index,
)
_FIELD_CALLS = frozenset({"Field", "field"})

# how a string is used: as a connection target, kept in a local variable, or neither
_TARGET, _LOCAL, _NONE = "target", "local", "none"
Use = Tuple[str, Optional[str], bool]  # (kind, name, named like a target)


class Rule(ImportTracker, FileRule):
    METADATA_DEPENDENCIES = (ParentNodeProvider,)

    def __init__(self, spec: RuleSpec, context: FileContext) -> None:
        FileRule.__init__(self, spec, context)
        ImportTracker.__init__(self, context.module)
        self.hosts: Dict[str, str] = dict(context.plan.service_hosts)
        unit = context.service
        self.runtime = unit is not None and is_runtime_path(context.path, unit.path)
        self.locals: List[Dict[str, List[cst.BaseExpression]]] = []  # per function: name -> literals
        self.used: List[Set[str]] = []  # per function: local names passed as connection targets

    @classmethod
    def may_match(cls, text: str, plan: FilePlan) -> bool:
        if "://" not in text:
            return BARE_LOOPBACK_HINT.search(text) is not None
        if plan.env.internal_hosts or may_contain_loopback(text) or BARE_LOOPBACK_HINT.search(text):
            return True
        # may_contain_loopback() already accepts split literals ("http://" "host"), so here
        # a service host follows "://" (and userinfo) directly
        hosts = "|".join(re.escape(host) for host, _ in plan.service_hosts)
        pattern = f"(?i)://(?:[^\\s/@'\"]*@)?(?:{hosts})(?![\\w.-]*\\.[a-z])"
        return bool(hosts) and re.search(pattern, text) is not None

    # --- scopes: literals kept in locals are judged by how the local is used ---

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.locals.append({})
        self.used.append(set())

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        kept, used = self.locals.pop(), self.used.pop()
        for name in sorted(used & kept.keys()):
            for value in kept[name]:
                self._report(value, named=is_target_name(name))

    def visit_Call(self, node: cst.Call) -> None:
        if not self.used:
            return
        for arg in node.args:
            if isinstance(arg.value, cst.Name) and self._argument_use(node, arg, arg.value)[0] == _TARGET:
                self.used[-1].add(arg.value.value)

    # --- strings ------------------------------------------------------------

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._check(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._check(node)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self._check(node)

    def _parent(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        return self.get_metadata(ParentNodeProvider, node, None)

    def _check(self, node: cst.BaseExpression) -> None:
        if not self.runtime or isinstance(self._parent(node), (cst.ConcatenatedString, cst.FormattedString)):
            return  # outside the code a service runs, or part of a larger string checked as a whole
        text = static_text(node)
        if text is None or ("://" not in text and bare_host(text.replace(PLACEHOLDER, "0")) is None):
            return
        if self._scope(node) is None:
            return  # under `if __name__ == "__main__":`
        kind, name, named = self._use(node)
        if kind == _TARGET:
            self._report(node, named)
        elif kind == _LOCAL and name is not None and self.locals:
            self.locals[-1].setdefault(name, []).append(node)

    def _report(self, node: cst.BaseExpression, named: bool) -> None:
        text = static_text(node)
        if text is None:
            return
        found = [(url, target) for url, host in urls(text) if (target := self._target(host))]
        if not found and named:
            found = [(url, ("a loopback host", "SERVICE_URL")) for url in loopback_targets(text, True)]
        for url, (target, variable) in found:
            self.report(node, fix=self.spec.fix.format(variable=variable), url=url, target=target)

    def _target(self, host: str) -> Optional[Tuple[str, str]]:
        if is_loopback(host):
            return "a loopback host", "SERVICE_URL"
        service = self.hosts.get(host)
        if service is not None:
            key = host.replace("-", "_").replace(".", "_").upper()
            variable = key if key.endswith("_SERVICE") else f"{key}_SERVICE"
            return f"{service} by name", f"{variable}_URL"
        if matches_internal(host, self.context.plan.env.internal_hosts):
            return f"internal host '{host}'", f"{host.split('.')[0].replace('-', '_').upper()}_URL"
        return None

    # --- how a string is used -------------------------------------------------

    def _use(self, node: cst.BaseExpression) -> Use:
        """Walk up from a string through containers and concatenations to what uses it."""
        child: cst.CSTNode = node
        parent = self._parent(node)
        name: Optional[str] = None  # the innermost dict key the value is stored under
        while parent is not None:
            if isinstance(parent, cst.DictElement):
                if child is parent.key:
                    return _NONE, None, False
                key = literal(parent.key)
                if key is not None and ALLOW_LIST_NAME.search(key):
                    return _NONE, None, False
                name = name or key
            elif isinstance(parent, cst.BooleanOperation):
                if child is parent.right and is_config_read(parent.left, self.aliases):
                    return _NONE, None, False  # `getenv(X) or url`: a fallback, CFG004
            elif isinstance(parent, cst.Attribute):
                grand = self._parent(parent)
                if not (
                    parent.attr.value == "format" and isinstance(grand, cst.Call) and grand.func is parent
                ):
                    return _NONE, None, False  # "http://…".startswith: not a value
                child, parent = grand, self._parent(grand)
                continue
            elif isinstance(parent, cst.Arg):
                call = self._parent(parent)
                assert isinstance(call, cst.Call)
                keyword = parent.keyword.value if parent.keyword is not None else "default"
                if callee_last(call) in _FIELD_CALLS and keyword == "default":
                    child, parent = call, self._parent(call)  # `x: str = Field(default=url)`
                    continue
                kind, hint, named = self._argument_use(call, parent, child)
                return kind, hint, named or (name is not None and is_target_name(name))
            elif isinstance(parent, (cst.Assign, cst.AnnAssign)):
                return self._assigned(parent, name)
            elif isinstance(parent, cst.Param):
                return (_TARGET if is_target_name(parent.name.value) else _NONE), None, True
            elif not isinstance(parent, _TRANSPARENT):
                return _NONE, None, False  # return values, comparisons, docstrings, lambdas…
            child, parent = parent, self._parent(parent)
        return _NONE, None, False

    def _argument_use(self, call: cst.Call, arg: cst.Arg, value: cst.CSTNode) -> Use:
        if is_text_for_people(call) or is_string_test(call):
            return _NONE, None, False
        fallback = config_fallback(call, self.aliases)
        if fallback is not None:
            return _NONE, None, False  # the key, or the default of a read with a fallback (CFG004)
        keyword = arg.keyword.value if arg.keyword is not None else None
        if keyword is not None:
            if ALLOW_LIST_NAME.search(keyword):
                return _NONE, None, False
            if is_target_name(keyword):
                return _TARGET, keyword, True
        last = callee_last(call)
        positional = [a for a in call.args if a.keyword is None]
        if last in CLIENT_CALLS:
            return _TARGET, None, True
        first = bool(positional) and positional[0] is arg
        if isinstance(call.func, cst.Attribute) and last in HTTP_METHODS and (first or keyword == "url"):
            return _TARGET, None, True
        receiver = call.func.value if isinstance(call.func, cst.Attribute) else None
        if (
            last in ("set", "setenv", "putenv")
            and len(positional) > 1
            and positional[1] is arg
            and (last != "set" or "env" in (callee_receiver(receiver) or "").lower())
        ):
            key = literal(positional[0].value)
            return _TARGET, key, key is not None and is_target_name(key)  # written into the environment
        return _NONE, None, False

    def _assigned(self, statement: cst.CSTNode, key: Optional[str]) -> Use:
        targets = (
            [t.target for t in statement.targets] if isinstance(statement, cst.Assign) else [statement.target]
        )  # type: ignore[attr-defined]
        names = [n for n in (_target_name(t) for t in targets) if n]
        if any(ALLOW_LIST_NAME.search(n) for n in names):
            return _NONE, None, False
        named = any(is_target_name(n) for n in [*names, *([key] if key else [])])
        if any(
            isinstance(t, cst.Subscript) and environ_subscript(t, self.aliases) is not None for t in targets
        ):
            return _TARGET, None, named  # os.environ["X"] = url
        scope = self._scope(statement)
        if scope is None:
            return _NONE, None, False  # under `if __name__ == "__main__":`
        if isinstance(scope, cst.Module):
            return _TARGET, None, named
        if isinstance(scope, cst.ClassDef):
            return (_NONE if is_settings_class(scope) else _TARGET), None, named
        if any(
            isinstance(t, cst.Attribute)
            and isinstance(t.value, cst.Name)
            and t.value.value in ("self", "cls")
            for t in targets
        ):
            return _TARGET, None, named
        local = next((t.value for t in targets if isinstance(t, cst.Name)), None)
        return (_LOCAL if local else _NONE), local, named

    def _scope(self, node: cst.CSTNode) -> Optional[cst.CSTNode]:
        """The innermost function, class or module around a node; None under a ``__main__`` guard."""
        parent = self._parent(node)
        scope = None
        while parent is not None:
            if isinstance(parent, cst.If) and is_main_guard(parent.test):
                return None
            if scope is None and isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.Module)):
                scope = parent
            parent = self._parent(parent)
        return scope


def _target_name(target: cst.BaseExpression) -> Optional[str]:
    if isinstance(target, cst.Name):
        return target.value
    if isinstance(target, cst.Attribute):
        return target.attr.value
    return None


def callee_receiver(node: Optional[cst.BaseExpression]) -> Optional[str]:
    """The last name of a method's receiver: ``self.env_manager`` -> ``env_manager``."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.Call):
        return callee_receiver(node.func)
    return None
