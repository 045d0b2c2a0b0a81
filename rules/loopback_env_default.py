"""An env lookup whose default is a loopback URL: a silent localhost fallback.

## What it does
Flags a configuration read whose fallback is a loopback target (`localhost`,
`127.*`, `0.0.0.0` however written, `::1`): `os.getenv(X, default)`, `os.environ.get`,
`os.environ.setdefault` (under any import alias, or spelled out: `if "X" not in
os.environ: os.environ["X"] = default`), `os.getenv(X) or default`,
a function of the module that reads the variable its first parameter names
and returns its second or gives it as the lookup's default (`def env_or(name,
fallback): …os.getenv(name)…`), whatever its name, a project's own wrapper (`env.get(X, default)`, `get_env().get(...)`,
`config.get(...)`, `settings.get(...)`: any object so named, so a plain dict
passed in as `config` is read as configuration too, a known limit),
`decouple.config(X, default=...)`, `getattr(settings, X, default)` (not
where a configuration class of the unit declares `X`: its default never
applies), and the
field defaults of a configuration class (named by the variable pydantic reads:
a field's `alias=`/`validation_alias=`, else the class's `env_prefix`, or its
last base's that has one, as pydantic merges them, and its name): a pydantic `BaseSettings` class, or
a class named `*Settings`, `*Config` or `*Configuration` (or deriving from
one); where the environment does not fill its fields (`class
AppConfig(BaseModel)`, a dataclass), the message says a missing value, not a
missing variable, means localhost. A default named by a module
constant (`os.getenv(X, LOCAL_URL)`) or kept in the module's dict of defaults
(`os.getenv(X, DEFAULTS[X])`) is the string it holds. The fallback is a URL
(`redis://localhost:6379`), or a bare host where the name says it is a
connection target (`os.getenv("DB_HOST", "localhost")`,
`OTLP_ENDPOINT="localhost:4317"`; not `BIND_HOST`, nor where a server started
in that call listens: `uvicorn.run(app, host=os.getenv("UVICORN_HOST",
"127.0.0.1"))`, `app.run(host=…)`, `web.run_app(app, host=…)`,
`start_http_server(9100, addr=…)`, `websockets.serve(handler, host, port)`,
`HTTPServer((host, port), Handler)`, `uvicorn.Config(app, host=…)`). Reads inside text for
people (log messages) are not flagged. Only the code services and shared
libraries run is checked, as for CFG001. Credentials in the URL are masked
in the message.

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

from typing import Dict, Iterator, Set

from archcheck.facts.urls import (
    is_allow_list_name,
    is_describing_name,
    is_target_name,
    loopback_targets,
    mask_url,
    names_own_address,
    shortened,
)
from archcheck.model import Severity, Violation
from archcheck.rule_api.examples import Example, example
from archcheck.rule_api.rule import Rule

MESSAGE = "{source} of {key} falls back to '{url}': a missing {missing} silently means localhost"
# the bases whose fields the environment fills (pydantic's and pydantic-settings'): another
# configuration class's fields (`class AppConfig(BaseModel)`, a dataclass) are filled by its
# callers, so what is missing is a value, not a variable
ENVIRONMENT_BASES = frozenset({"BaseSettings"})
FIX = "make the variable required (os.environ[...]) or fail fast when it is missing"

VALID = [
    example("""
        import logging
        import os
        from http.server import HTTPServer

        import socket

        import uvicorn
        import websockets

        REDIS_URL = os.environ["REDIS_URL"]
        CLIENT_IP_ADDRESS = os.getenv("CLIENT_IP_ADDRESS", "127.0.0.1")
        IDENTITY = os.getenv("IDENTITY_SERVICE_URL", "http://identity-service:8001")
        HOST = os.getenv("BIND_HOST", "127.0.0.1")
        SERVER = os.getenv("HOST", "0.0.0.0")
        PORT = os.getenv("PORT", "8000")
        DOCS = os.getenv("DOCS_URL", "https://docs.example.com")
        NO_DEFAULT = os.environ.get("BROKER_URL")
        LOCAL = "http://localhost:8000"
        ping(default="http://localhost")
        logging.info(f"using {os.getenv('CACHE_URL', 'redis://localhost:6379')}")
        ORIGINS = os.getenv("CORS_ORIGINS", "http://localhost:3000")
        OWN_HOST = os.getenv("EXAMPLE_SERVICE_HOST", "localhost")
        uvicorn.run("app.main:app", host=os.getenv("UVICORN_HOST", "127.0.0.1"))  # (where it listens)
        start_http_server(9100, addr=os.getenv("METRICS_ADDR", "127.0.0.1"))
        site = web.TCPSite(runner, os.getenv("METRICS_HOST", "127.0.0.1"), 9100)
        server.add_insecure_port(os.getenv("GRPC_ADDRESS", "localhost:50051"))
        websockets.serve(handler, os.getenv("WS_HOST", "localhost"), 8765)
        socket.create_server((os.getenv("TCP_HOST", "127.0.0.1"), 9000))
        tornado_app.listen(8888, address=os.getenv("TORNADO_HOST", "127.0.0.1"))
        HTTPServer((os.getenv("HTTP_HOST", "127.0.0.1"), 9000), Handler).serve_forever()
        HTTPServer(server_address=(os.getenv("HTTP_HOST", "127.0.0.1"), 9000), RequestHandlerClass=Handler)
        uvicorn.Server(uvicorn.Config("app.main:app", host=os.getenv("API_HOST", "127.0.0.1"))).run()

        def require(name, example):  # (the second parameter only in an error's text: no fallback)
            value = os.getenv(name)
            if value is None:
                raise RuntimeError(f"set {name}, for example {example}")
            return value

        REDIS_URL = require("REDIS_URL", "redis://localhost:6379")
    """),
    Example(
        {  # the settings always have the attribute: `getattr`'s default never applies (the field's is CFG004's)
            "services/example-service/app/config.py": (
                "from pydantic_settings import BaseSettings\nclass AppConfig(BaseSettings):\n"
                "    redis_url: str\n"
            ),
            "services/example-service/app/cache.py": (
                "def cache_url(config):\n    return getattr(config, 'redis_url', 'redis://localhost:6379')\n"
            ),
        }
    ),
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
        DEFAULTS = {"SEARCH_URL": "http://localhost:9200"}  # expect: CFG004
        SEARCH_URL = os.getenv("SEARCH_URL", DEFAULTS["SEARCH_URL"])
        if "PAYMENTS_URL" not in os.environ:  # (a setdefault spelled out)
            os.environ["PAYMENTS_URL"] = "http://localhost:8003"  # expect: CFG004
        AUTH = os.getenv("AUTH_URL") or "http://localhost:8081"  # expect: CFG004
        KAFKA = os.getenv("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")  # expect: CFG004
        SEARCH = os.getenv("ELASTICSEARCH_HOSTS", "localhost:9200")  # expect: CFG004
        CONSUL = os.getenv("CONSUL_HTTP_ADDR", "127.0.0.1:8500")  # expect: CFG004
        DB_HOST = os.getenv("DB_HOST", "localhost")  # expect: CFG004
        OTLP = config("OTEL_EXPORTER_OTLP_ENDPOINT", default="localhost:4317")  # expect: CFG004

        def urls(settings, env):
            identity = getattr(settings, "IDENTITY_URL", "http://localhost:8001")  # expect: CFG004
            return env.get("ORDERS_URL", "http://localhost:8002")  # expect: CFG004

        def env_or(name, fallback=None):  # (the module's own reader, whatever its name)
            value = os.getenv(name)
            return value if value else fallback

        SEARCH = env_or("SEARCH_URL", "http://localhost:9200")  # expect: CFG004

        def cache(redis):  # (a client's `host=`: where it connects)
            return redis.Redis(host=os.getenv("REDIS_HOST", "localhost"))  # expect: CFG004

        ENGINE = create_engine(f"postgresql://app@{os.getenv('PGHOST', 'localhost')}/app")  # expect: CFG004
        BROKER = os.environ.pop("BROKER_URL", "amqp://localhost:5672")  # expect: CFG004

        def work(worker, uvicorn, app):  # (a `run` that starts no server, or another argument)
            worker.run(redis_host=os.getenv("REDIS_HOST", "localhost"))  # expect: CFG004
            uvicorn.run(app(db=os.getenv("DB_HOST", "localhost")), host="0.0.0.0")  # expect: CFG004
            Config(host=os.getenv("DB_HOST", "localhost"))  # expect: CFG004
    """),
    example("""
        from pydantic import Field
        from pydantic_settings import BaseSettings, SettingsConfigDict

        class Settings(BaseSettings):
            auth_service_url: str = "http://localhost:8001"  # expect: CFG004
            redis_host: str = Field(default="127.0.0.1")  # expect: CFG004
            bind_host: str = "0.0.0.0"
            name: str = "localhost"
            bootstrap: str = Field("localhost:9092", alias="KAFKA_BOOTSTRAP_SERVERS")  # expect: CFG004

        class RedisSettings(BaseSettings):  # (the variable read is REDIS_HOST)
            model_config = SettingsConfigDict(env_prefix="REDIS_")
            host: str = "localhost"  # expect: CFG004

        class CacheSettings(RedisSettings):  # (its base's prefix: REDIS_HOST)
            model_config = SettingsConfigDict(env_file=".env")
            host: str = "localhost"  # expect: CFG004

        class Plain(RedisSettings):  # (its own prefix, empty: HOST is no target's name)
            model_config = SettingsConfigDict(env_prefix="")
            host: str = "localhost"

        class LoggingMixin:
            log_level: str = "INFO"

        class Mixed(LoggingMixin, RedisSettings):  # (a base after a plain one: REDIS_HOST)
            host: str = "localhost"  # expect: CFG004

        class ServerSettings(BaseSettings):
            port: int = 8000

        class Composed(RedisSettings, ServerSettings):  # (the last base's config wins: HOST)
            host: str = "localhost"

        PREFIX = "PAYMENTS_"
        DB_CONFIG = SettingsConfigDict(env_prefix="DB_", env_file=".env")

        class Database(BaseSettings):  # (a config kept in a module constant: DB_HOST)
            model_config = DB_CONFIG
            host: str = "localhost"  # expect: CFG004
            replica: Annotated[str, Field(alias="PGHOST")] = "localhost"  # expect: CFG004

        class Payments(BaseSettings):  # (a prefix kept in a module constant: PAYMENTS_HOST)
            model_config = SettingsConfigDict(env_prefix=PREFIX)
            host: str = "localhost"  # expect: CFG004

        class Config(BaseSettings):  # (pydantic 1: its own `Config` inside; REDIS_HOST)
            host: str = "localhost"  # expect: CFG004

            class Config:
                env_prefix = "REDIS_"
    """),
    Example(
        {
            "shared/config.py": "from pydantic_settings import BaseSettings\nclass BaseServiceConfig(BaseSettings): ...\n",
            "services/gateway/app/config.py": (
                "from pydantic import Field\nfrom shared.config import BaseServiceConfig\n"
                "class GatewayConfig(BaseServiceConfig):\n"
                "    ollama_url: str = Field('http://localhost:11434')  # expect: CFG004\n"
                "class Limits:\n    api_url: str = 'http://localhost:8000'\n"
                "class RedisConfig:\n    url: str = 'redis://localhost:6379/2'  # expect: CFG004\n"
                "class DevConfig:  # (a plain constant of a configuration class, annotated or not)\n"
                "    API_URL = 'http://localhost:8004'  # expect: CFG004\n"
            ),
        },
        'services = ["services/*"]\nshared = ["shared"]\n',
    ),
]


class LoopbackEnvDefault(
    Rule,
    code="CFG004",
    name="loopback-env-default",
    severity=Severity.WARNING,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
    in_tests=False,
):
    reads = frozenset({"fallbacks", "urls", "classes", "imports"})

    def _settings_fields(self) -> Dict[str, Set[str]]:
        """Unit path -> the fields its configuration classes declare (derived once a run)."""

        def collect() -> Dict[str, Set[str]]:
            found: Dict[str, Set[str]] = {}
            for path, facts in self.project.facts.items():
                unit = self.project.layout.owner(path)
                for cls in facts.classes if unit is not None else ():
                    if cls.fields and self.project.is_settings_class(path, cls.name):
                        found.setdefault(unit.path, set()).update(cls.fields)  # type: ignore[union-attr]
            return found

        return self.project.derived("settings-fields", collect)

    def check(self) -> Iterator[Violation]:
        for path, facts in sorted(self.project.facts.items()):
            unit = self.project.runtime_unit(path) if facts.fallbacks else None
            if unit is None:
                continue
            for fact in facts.fallbacks:
                if fact.owner and not self.project.is_settings_class(path, fact.owner):
                    continue  # a field of a plain class: a constant (CFG001), not a fallback
                if is_allow_list_name(fact.key) or names_own_address(fact.key, unit.key, fact.default):
                    continue  # allowed origins, or where the service itself listens: nothing to connect to
                if is_describing_name(fact.key):
                    continue  # `EXAMPLE_URL`, `URL_PATTERN`, `ERROR_MESSAGE`: a URL described, or text
                if self.project.constant_is_target(path, fact):
                    continue  # a module constant also used as it is, a target: CFG001's
                if fact.attribute and fact.key in self._settings_fields().get(unit.path, ()):
                    continue  # `getattr(config, "redis_url", url)`: the settings always have it
                source, missing = fact.source, "variable"
                if fact.owner and not self.project.ancestors(path, fact.owner) & ENVIRONMENT_BASES:
                    source, missing = "config field", "value"
                for url in loopback_targets(fact.default, named_target=is_target_name(fact.key)):
                    key = f"'{fact.key}'" if fact.key else "a variable"
                    url = shortened(mask_url(url))
                    yield self.violation(fact.location, key=key, url=url, source=source, missing=missing)
                    break
