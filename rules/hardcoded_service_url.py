"""A URL that the code connects to, hardcoded to localhost or to one of the project's services.

## What it does
Flags a URL literal (any scheme, f-strings and concatenations included) whose
host is a loopback address (`localhost`, `localhost.`, `127.*` also as the C
resolver reads it, `127.1`, `0x7f.1`, with leading zeros too, `017700000001`;
`0.0.0.0`, also as `0`, `0x0` or
`[::]`, which a client reaches this host by; `::1`), the name
or key of a service of this project (`identity-service`, `identity`, also
fully qualified, `identity.`, or as a Kubernetes service,
`identity.default.svc.cluster.local`), a
service or container name from a docker-compose file, or an
`config.internal-hosts` match, when the code uses it as a connection target:

- an argument of an HTTP, database, Redis, AMQP, gRPC or OpenTelemetry client
  (`httpx.get(...)`, `create_engine(...)`, `Redis.from_url(...)`; under any
  import alias, `from httpx import AsyncClient as AC`), or a keyword argument
  named like a target (`base_url=`, `endpoint=`, `broker=`);
- a module or class constant (`IDENTITY_URL = "http://identity-service:8001"`,
  also bound by `:=`), or a `self.` attribute;
- a value written into the environment (`os.environ["X"] = ...`,
  `os.environ.update(X=...)`, `os.environ.update({"X": ...})` or of pairs,
  `os.environ |= {"X": ...}`);
- a local variable that is then passed as one of the above (bound by `=`,
  `:=`, an unpacking that spells each value, or a chained assignment).

A loopback target without a scheme (`"localhost:4317"`) counts where the name
says it is one (`endpoint=`, `OTLP_ENDPOINT = ...`). Not flagged: docstrings
and comments, text for people (`print`, logging, exception messages, argparse
help, a constant whose last word says so: `ERROR_MSG`, `USAGE`, `LOGIN_PROMPT`;
not `USAGE_API`, `MESSAGE_QUEUE`), origin and redirect allow-lists (`allow_origins=[...]`, `CORS_ORIGINS`),
comparisons (`origin.startswith("http://localhost")`), `if __name__ ==
"__main__":` blocks, parameter defaults (a caller overrides them, as it
would a fallback), and every configuration read with a fallback (also
`os.environ["X"] if "X" in os.environ else url`, the same as an `if`
statement, `(v := os.getenv("X")) or url`, `try: os.environ["X"]` /
`except KeyError: url`, and a name bound to a read, after it in its block or
a block nested there:
`X = X or url`, `url if not X else X`, `if not X: X = url`, `X is None`,
`X in (None, "")`, or `if X:` / `else: X = url`, also of a tidied read,
`os.getenv("X", "").strip()`; and a module constant an env lookup falls back to,
`os.getenv("X", LOCAL_URL)`)
(`os.getenv(X, url)`, `os.getenv(X) or url`, `getattr(settings, X, url)`, a
`BaseSettings` field default): those are CFG004. Only the code services and
shared libraries run is checked: not tooling folders inside them (`scripts/`,
`deploy/`…), code outside them, or test files. Credentials in the URL
(`user:password@`, `?password=`) are masked in the message.

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

from typing import Iterator, Optional, Tuple

from archcheck.config.options import Option
from archcheck.config.validators import fnmatch_globs
from archcheck.facts.urls import (
    SELF_CHECK_PATH,
    connected_urls,
    is_loopback,
    loopback_targets,
    mask_url,
    matches_internal,
    names_own_address,
    service_name_of,
    shortened,
)
from archcheck.model import Severity, UrlFact, Violation
from archcheck.rule_api.examples import Example, example
from archcheck.rule_api.rule import Rule

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
        REDIS_CACHE = "redis://" + (os.getenv("REDIS_HOST") or "localhost") + ":6379/0"
        BROKER = config("BROKER_URL", default="amqp://localhost:5672")
        DOCS = "https://docs.python.org/3/library/os.html"
        ERROR_MSG = "Cannot reach http://localhost:8000, is the API server running?"
        USAGE, LOGIN_PROMPT = "orders-cli --api http://localhost:8000", "Log in at http://localhost:8080"
        EXTERNAL = "https://identity.eu.svc.example.com/login"  # (another domain's svc)
        STRIPE = f"https://api.stripe.com/v1/{path}"
        BUILT = f"http://{host}:{port}/api"
        LISTEN_ON = "localhost:8000"
        ANY_HOST = "0.0.0.0"
        DEFAULT_IP_ADDRESS = "127.0.0.1"
        SERVICE_NAME = "identity-service"
        CORS_ORIGINS = ["http://localhost:3000", "http://127.0.0.1:3000"]
        CORS_ALLOWED_ORIGIN_REGEXES = [r"^http://localhost:\\d+$"]  # (django-cors-headers' allow-list)
        CSP = "default-src 'self'; connect-src 'self' http://localhost:5173"  # (where a browser may load from)
        CSP_CONNECT_SRC = ("'self'", "http://localhost:8000")  # (django-csp's settings)
        SECURE_CSP_REPORT_ONLY = {"connect-src": ["'self'", "http://localhost:8000"]}  # (Django 6's)
        HEADERS = {"Content-Security-Policy": "connect-src 'self' ws://localhost:3000"}
    '''),
    _with_services("""
        import argparse
        import logging
        from fastapi.middleware.cors import CORSMiddleware
        from pydantic_settings import BaseSettings

        logger = logging.getLogger(__name__)

        class Settings(BaseSettings):
            auth_service_url: str = "http://localhost:8001"

        class ModelSettings(ServiceSettings):  # a settings class through a shared base
            ollama_url: str = "http://localhost:11434"

        class LocalSettings(ModelSettings):
            cache_url: str = "redis://localhost:6379"

        class ServerConfig:
            service_host: str = "localhost"  # where this service listens

        class RedisConfig:  # a configuration class: its defaults are fallbacks (CFG004)
            url: str = "redis://localhost:6379/2"

        _DEFAULT_GATEWAY_URL = "http://orders-service:8000"  # a declared fallback
        DEFAULT_BOTS_URL = "http://localhost:8080/bots"

        def create_app(agent_api_url: str = "http://agent-api", client_base_url="http://localhost:8001"):
            return App(agent_api_url)  # a caller's to override: a default, not a target

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
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost")
            httpx.get(f"http://localhost:{settings.port}/health")
            httpx.get(f"{settings.auth_url}/login?redirect_uri=http://localhost:3000/cb")  # (carried)
            CHECKS = {"forbidden_patterns": ["redis://localhost:6379"]}
            info = ServiceInfo(name="api", url="http://localhost:8000", ws_url="ws://localhost:8000/ws")
            if not fallback:
                raise ValueError("set IDENTITY_URL, e.g. http://localhost:8001")
            return "http://localhost:8001"

        if __name__ == "__main__":
            import uvicorn
            uvicorn.run("app.main:app", host="0.0.0.0")
            server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=8000))
            httpx.get("http://localhost:8000/health")
    """),
    Example(
        {
            **_FILES,
            "services/gateway/scripts/smoke.py": 'import httpx\nhttpx.get("http://localhost:8000/health")\n',
            "tools/dev.py": 'API = "http://localhost:8000"\n',
            "services/gateway/app/main.py": "",
            # a settings class through a base class in a shared library: its defaults are CFG004's
            "shared/config.py": "from pydantic_settings import BaseSettings\nclass BaseServiceConfig(BaseSettings): ...\n",
            "services/gateway/app/config.py": (
                "from pydantic import Field\nfrom shared.config import BaseServiceConfig\n"
                "class GatewayConfig(BaseServiceConfig):\n"
                "    ollama_url: str = Field('http://localhost:11434', description='Ollama API')\n"
            ),
        },
        'services = ["services/*"]\nshared = ["shared"]\n',
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
        USAGE_API = "http://localhost:9100/usage"  # expect: CFG001
        SAMPLES_API = "http://localhost:9101"  # expect: CFG001
        MESSAGE_QUEUE = "amqp://localhost:5672/"  # expect: CFG001
        ORDERS = f"http://orders-service:{PORT}/v1"  # expect: CFG001
        CACHE = ("redis://127.0.0.1"  # expect: CFG001
                 ":6379/0")
        V6 = "http://[::1]:9000"  # expect: CFG001
        UPSTREAMS = {"identity": "http://identity-service:8001"}  # expect: CFG001
        OTLP_ENDPOINT = "localhost:4317"  # expect: CFG001

        META = "http://metadata.internal/computeMetadata"  # expect: CFG001
        os.environ["AUTH_URL"] = "http://localhost:8001"  # expect: CFG001

        class Endpoints:
            api_url = "http://localhost:8000"  # expect: CFG001

        class Client:
            def __init__(self, base_url):
                self.login = "http://localhost:8001/login"  # expect: CFG001
                self.reports = httpx.post(CSP_REPORT_COLLECTOR_URL)

        CSP_REPORT_COLLECTOR_URL = "http://localhost:9000/collect"  # expect: CFG001

        def client(scheme, port):
            exporter = OTLPSpanExporter(endpoint="localhost:4317")  # expect: CFG001
            telemetry = TelemetryConfig(jaeger_agent_host="localhost")  # expect: CFG001
            url = f"{scheme}://localhost:{port}/v1"  # expect: CFG001
            httpx.get(url)
            httpx.post("http://identity-service:8001/login")  # expect: CFG001
            httpx.post("http://identity-service.:8001/login")  # expect: CFG001
            httpx.post("http://identity-service.prod.svc.cluster.local:8001/login")  # expect: CFG001
            httpx.get("http://" + ("localhost" if DEBUG else "orders.internal") + ":8000/x")  # expect: CFG001
            httpx.get("http://" + (scheme or "localhost") + ":8000/x")  # expect: CFG001
            return Client(base_url="http://0.0.0.0:8080")  # expect: CFG001

        def stores():
            cache = redis.Redis(host="localhost", port=6379)  # expect: CFG001
            return psycopg2.connect(host="127.0.0.1", dbname="orders")  # expect: CFG001
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


class HardcodedServiceUrl(
    Rule,
    code="CFG001",
    name="hardcoded-service-url",
    severity=Severity.ERROR,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
    options=(Option("config", "internal-hosts", (), fnmatch_globs, "host globs that count as internal"),),
    in_tests=False,
):
    reads = frozenset({"urls", "fallbacks", "classes", "imports"})

    def check(self) -> Iterator[Violation]:
        for path, facts in sorted(self.project.facts.items()):
            if not facts.urls or self.project.runtime_unit(path) is None:
                continue
            unit = self.project.runtime_unit(path)
            # a module constant a lookup falls back to is CFG004's, unless it is used as it is too
            fallbacks = {f.location: f for f in facts.fallbacks if f.constant}
            imported = self.project.imported_from(path)
            for fact in facts.urls:
                if fact.owner and self.project.is_settings_class(path, fact.owner):
                    continue  # a settings field's default is a fallback: CFG004
                if fact.tested_as and fact.tested_as not in imported and "*" not in imported:
                    continue  # hosts only tested against, here and nowhere else (`host in DEV_HOSTS`)
                fallback = fallbacks.get(fact.location)
                if fallback is not None and not self.project.constant_is_target(path, fallback):
                    continue
                if unit is not None and names_own_address(fact.name, unit.key, fact.text):
                    continue  # `service_host = "localhost"`: where the service itself listens
                # one finding per string, however many URLs it joins (`f"http://a" f"http://b"`)
                found = next(self._targets(fact), None)
                if found is not None:
                    url, target, variable = found
                    yield self.violation(
                        fact.location,
                        fix=self.fix.format(variable=variable),
                        url=shortened(mask_url(url)),
                        target=target,
                    )

    def _targets(self, fact: UrlFact) -> Iterator[Tuple[str, str, str]]:
        if "://" not in fact.text:  # a bare `localhost:4317` is a target only where the name says so
            for url in loopback_targets(fact.text, fact.named):
                yield url, "a loopback host", "SERVICE_URL"
            return
        for url, host in connected_urls(fact.text):  # (not `…?redirect_uri=http://localhost/cb`)
            found = self._target(host, url)
            if found is not None:
                yield url, *found

    def _target(self, host: str, url: str) -> Optional[Tuple[str, str]]:
        if is_loopback(host):
            path = "/" + url.split("://", 1)[-1].partition("/")[2]
            # a container probing its own health endpoint is right to use localhost
            return None if SELF_CHECK_PATH.match(path) else ("a loopback host", "SERVICE_URL")
        name = service_name_of(host)
        service = self.project.service_hosts.get(name)
        if service is not None:
            key = name.replace("-", "_").replace(".", "_").upper()
            variable = key if key.endswith("_SERVICE") else f"{key}_SERVICE"
            return f"{service} by name", f"{variable}_URL"
        if matches_internal(host, self.option("config.internal-hosts")):
            return f"internal host '{host}'", f"{host.split('.')[0].replace('-', '_').upper()}_URL"
        return None
