"""Runtime code reads an environment variable named for one deployment.

## What it does
Flags reads of environment variables (`os.getenv`, `os.environ.get`,
`os.environ[...]`, under any import alias) whose literal name ends in a
deployment suffix (`_DEV`, `_STAGING`, `_PROD`, … from
`config.deployment-suffixes`), in the code of a service. Writes are not
flagged, nor a flag that says which deployment runs, whose name before the
suffix is only such words as `IS`, `USE`, `ENABLE`, `RUNNING`, `IN`, `NON`
(`IS_PROD`, `USE_STAGING`, `RUNNING_IN_TEST`, `IS_NON_PROD`: there is no neutral
name to read instead). `_DEV`, `_STAGE` and `_TEST` are words for other things
too (a device or a deviation, `SERIAL_DEV`, `LATENCY_STD_DEV`; a step,
`ETL_STAGE`, `APP_STAGE`; a kind of test, `SMOKE_TEST`, `SELF_TEST`): after them a
name is flagged only where what comes before names a value (its last word
`URL`, `KEY`, `NAME`, `ID`, `BUCKET`, `PROJECT`, `PRICE`, `LEVEL`…:
`DB_NAME_STAGE`, `STRIPE_PRICE_DEV`, `API_KEY_TEST`; a `_STAGE` after one word
is that thing's stage, `PROJECT_STAGE`; a `_TEST` after a flag's first word is a test's
switch, `SKIP_DB_CONNECTION_TEST`, and so is a read that falls back to a boolean's word,
`os.getenv("DB_CONNECTION_TEST", "true")`), or where the file reads the same name
for another deployment too (`REDIS_DEV` beside `REDIS_PROD`). Nor a switch for one
deployment that every deployment reads under one name (`ENABLE_SWAGGER_IN_PRODUCTION`,
`SHOW_BANNER_ON_STAGING` falling back to `"false"`: `_IN`/`_ON` before the suffix). Nor
`PYTEST_CURRENT_TEST`, which pytest sets; nor deployment tooling folders (`scripts/`, `deploy/`,
`deployment/`, `infra/`, `ops/`, `tools/`, `bin/`, `ci/`), code outside
services, or test files.

## Why is this bad?
Code that reads `GOOGLE_OAUTH_CLIENT_ID_STAGING` behaves differently per
environment and cannot be promoted unchanged: it silently uses no value in
production, or the staging value everywhere. Deployments should set one
environment-neutral name to different values.

## Example
```python
client_id = os.getenv("GOOGLE_OAUTH_CLIENT_ID_STAGING")
```

## Use instead
```python
client_id = os.environ["GOOGLE_OAUTH_CLIENT_ID"]  # set per deployment
```

## Options
- `config.deployment-suffixes`: the suffixes that name a deployment.
"""

from typing import Dict, Iterator, Mapping, Sequence, Set

from archcheck.config.options import Option
from archcheck.config.validators import nonempty_strings
from archcheck.model import Severity, Violation
from archcheck.project.layout import UnitKind
from archcheck.rule_api.examples import Example, example
from archcheck.rule_api.rule import Rule

SUFFIXES = ("_DEV", "_DEVELOPMENT", "_STAGING", "_STAGE", "_PROD", "_PRODUCTION", "_TEST", "_QA")
MESSAGE = "runtime code reads deployment-specific variable '{name}'"
FIX = "read the environment-neutral name '{neutral}' and set it per deployment"

VALID = [
    example("""
        import os

        CLIENT_ID = os.environ["GOOGLE_OAUTH_CLIENT_ID"]
        os.environ["GOOGLE_OAUTH_CLIENT_ID_STAGING"] = CLIENT_ID
        NAME = "DATABASE_URL_PROD"
        env_name = os.getenv("APP_ENV")
        dynamic = os.getenv(f"SECRET_{STAGE}")
        is_prod = os.getenv("IS_PROD") == "1"
        staging = os.getenv("USE_STAGING") or os.getenv("RUNNING_IN_TEST")
        experiment = os.getenv("CHECKOUT_AB_TEST") or os.getenv("SMOKE_TEST") or os.getenv("LOAD_TEST")
        under_pytest = "PYTEST_CURRENT_TEST" in os.environ or os.getenv("PYTEST_CURRENT_TEST")
        other = config.get("TOKEN_STAGING")
        stage = os.getenv("APP_STAGE", "dev") or os.getenv("API_GATEWAY_STAGE")
        jitter = float(os.getenv("RETRY_JITTER_STD_DEV", "0.1")), os.getenv("PRINTER_SERIAL_DEV")
        uart, model = os.getenv("UART_DEV", "/dev/ttyAMA0"), os.getenv("MLFLOW_MODEL_STAGE")
        steps = os.getenv("ETL_STAGE"), os.getenv("PROJECT_STAGE"), os.getenv("SELF_TEST")
        local = os.getenv("IS_PRE_PROD") or os.getenv("IS_LOCAL_DEV") or os.getenv("LOCAL_DEV")
        checks = os.getenv("SKIP_DB_CONNECTION_TEST"), os.getenv("RUN_S3_BUCKET_TEST")
        probe = os.getenv("DB_CONNECTION_TEST", "true").lower() == "true"  # (a switch's fallback)
        docs = os.getenv("ENABLE_SWAGGER_IN_PRODUCTION", "false"), os.getenv("SHOW_BANNER_ON_STAGING", "off")
    """),
    Example(
        {
            "services/auth-service/scripts/promote.py": "import os\nold = os.getenv('SECRET_STAGING')\n",
            "tools/release.py": "import os\nold = os.getenv('SECRET_PROD')\n",
        },
        'services = ["services/*"]\n',
    ),
]
INVALID = [
    example("""
        import os
        from os import environ

        CLIENT_ID = os.getenv("GOOGLE_OAUTH_CLIENT_ID_STAGING")  # expect: CFG003
        SECRET = environ["JWT_SECRET_PROD"]  # expect: CFG003
        DB = os.environ.get("DATABASE_URL_DEVELOPMENT", "")  # expect: CFG003
        CACHE = os.getenv("REDIS_URL_STAGE")  # expect: CFG003
        NAME = os.getenv("DB_NAME_STAGE")  # expect: CFG003
        SWITCH = os.getenv("FEATURE_SEARCH_ENABLED_PROD")  # expect: CFG003
        PRICE = os.getenv("STRIPE_PRICE_DEV")  # expect: CFG003
        PROJECT = os.getenv("GCP_PROJECT_STAGE")  # expect: CFG003
        POOL = int(os.getenv("DB_POOL_SIZE_STAGE", "1"))  # expect: CFG003
        STRIPE = os.environ.pop("STRIPE_SECRET_KEY_PROD", None)  # expect: CFG003
        KEY = os.getenv("OPENAI_API_KEY_TEST")  # expect: CFG003
        if DEBUG:  # (the same name read for another deployment: `_DEV` is one too)
            REDIS = os.getenv("REDIS_DEV")  # expect: CFG003
        else:
            REDIS = os.getenv("REDIS_PROD")  # expect: CFG003
    """),
]


# the words of a flag that says which deployment runs (`IS_PROD`, `RUNNING_IN_TEST`, `IS_NON_PROD`,
# `IS_PRE_PROD`: run 127b/05): no value that one neutral name could hold per deployment
_FLAG_WORDS = frozenset({"IS", "AM", "ARE", "BE", "IN", "ON", "AT", "AS", "NOT", "NO", "USE", "USING", "ENABLE",
                         "ENABLED", "DISABLE", "DISABLED", "ALLOW", "FORCE", "SKIP", "ONLY", "RUN", "RUNNING",
                         "RUNS", "HAS", "NON", "PRE", "LOCAL"})  # fmt: skip
_TOOL_VARIABLES = frozenset({"PYTEST_CURRENT_TEST"})  # set by a tool, read to know it runs
# suffixes that are words for other things too: a device or a deviation (`SERIAL_DEV`, `STD_DEV`),
# a step (`ETL_STAGE`, `APP_STAGE`), a kind of test (`SMOKE_TEST`, `SELF_TEST`). After them a name
# is a deployment's copy only where what comes before names a value (`DB_NAME_STAGE`,
# `STRIPE_PRICE_DEV`, `API_KEY_TEST`) or the file reads the same name for another deployment
# (`REDIS_DEV` beside `REDIS_PROD`): fixed lists of the other meanings kept missing words
# (runs 122b/08 to 127c/04)
_AMBIGUOUS_SUFFIXES = frozenset({"_DEV", "_STAGE", "_TEST"})
# the last words of a name that holds a value a deployment sets
_VALUE_WORDS = frozenset({"URL", "URLS", "URI", "URIS", "DSN", "HOST", "HOSTS", "HOSTNAME", "ADDR", "ADDRESS",
                          "ENDPOINT", "ENDPOINTS", "PORT", "KEY", "KEYS", "SECRET", "SECRETS", "TOKEN", "TOKENS",
                          "PASSWORD", "PASS", "PASSWD", "PWD", "PW", "USER", "USERNAME", "ID", "IDS", "NAME",
                          "BUCKET", "PROJECT", "CLUSTER", "REGION", "ZONE", "ACCOUNT", "PRICE", "PLAN", "QUEUE",
                          "TOPIC", "DATABASE", "DB", "SCHEMA", "TABLE", "INDEX", "DOMAIN", "ORIGIN", "ORIGINS",
                          "WEBHOOK", "CHANNEL", "PATH", "DIR", "FILE", "ARN", "ROLE", "TENANT", "ORG",
                          "WORKSPACE", "NAMESPACE", "CREDENTIALS", "CERT", "CONN", "CONNECTION", "SERVER",
                          "SERVERS", "BROKER", "BROKERS", "CONFIG", "LEVEL", "ENABLED", "DISABLED", "FLAG",
                          "FLAGS", "LIMIT", "TIMEOUT", "TTL", "RATE", "SIZE", "THRESHOLD", "EMAIL", "PHONE",
                          "SENDER", "RECIPIENT", "VHOST", "SID", "SALT"})  # fmt: skip


def _names_a_value(neutral: str, key: str) -> bool:
    """Is ``neutral`` (a read name without its deployment suffix) the name of a value, not the
    words of a flag (``IS``, ``USE_``, ``IS_NON_``) nor a tool's own variable?"""
    words = [word for word in neutral.upper().split("_") if word]
    return (
        bool(words) and not all(word in _FLAG_WORDS for word in words) and key.upper() not in _TOOL_VARIABLES
    )


def _copy_after_ambiguous_suffix(
    neutral: str, suffix: str, siblings: Mapping[str, Set[str]], switch: bool = False
) -> bool:
    """After ``_DEV``, ``_STAGE``, ``_TEST``: does ``neutral`` name a value (a ``_STAGE`` after one
    word is the stage of that thing, `PROJECT_STAGE`; not a read that falls back to a boolean's
    word, a switch: `os.getenv("DB_CONNECTION_TEST", "true")`, run 130b/04), or does the file
    read it for another deployment too?"""
    base = neutral.upper()
    if siblings.get(base, set()) - {
        suffix
    }:  # (looked up: a scan of them all per read was quadratic, 130c/01)
        return True
    if switch:
        return False
    words = [word for word in base.split("_") if word]
    if suffix == "_STAGE" and len(words) == 1:
        return False
    if suffix == "_TEST" and words and words[0] in _FLAG_WORDS:
        return False  # a switch of a test, `SKIP_DB_CONNECTION_TEST`, `RUN_S3_BUCKET_TEST` (run 129b/03)
    return bool(words) and words[-1] in _VALUE_WORDS


def _policy_in(neutral: str, switch: bool) -> bool:
    """A switch that says what to do in one deployment, read under one name in every deployment:
    a name ending `_IN`/`_ON` before the suffix that a flag's word starts or whose read falls back
    to a boolean's word (`ENABLE_SWAGGER_IN_PRODUCTION`, `SHOW_BANNER_ON_STAGING`: run 132b/03)."""
    words = [word for word in neutral.upper().split("_") if word]
    return len(words) > 1 and words[-1] in ("IN", "ON") and (switch or words[0] in _FLAG_WORDS)


class _Suffixes:
    """Deployment suffixes by length: a name is looked up once per distinct length, not per suffix."""

    def __init__(self, suffixes: Sequence[str]) -> None:
        self._order: dict[str, int] = {}
        for index, suffix in enumerate(suffixes):
            self._order.setdefault(suffix.upper(), index)
        self._lengths = sorted({len(suffix) for suffix in self._order})

    def first_ending(self, name: str) -> str | None:
        """The earliest configured suffix that `name` ends in (ignoring case) and is longer than."""
        upper = name.upper()
        found = [
            (self._order[upper[-length:]], upper[-length:])
            for length in self._lengths
            if length < len(name) and upper[-length:] in self._order
        ]
        return min(found)[1] if found else None


class DeploymentEnvNameAtRuntime(
    Rule,
    code="CFG003",
    name="deployment-env-name-at-runtime",
    severity=Severity.WARNING,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
    options=(
        Option(
            "config", "deployment-suffixes", SUFFIXES, nonempty_strings, "suffixes that name a deployment"
        ),
    ),
    in_tests=False,
):
    reads = frozenset({"env_reads"})

    def check(self) -> Iterator[Violation]:
        suffixes = _Suffixes(self.option("config.deployment-suffixes"))
        for path, facts in sorted(self.project.facts.items()):
            unit = self.project.runtime_unit(path) if facts.env_reads else None
            if unit is None or unit.kind is not UnitKind.SERVICE:
                continue
            endings = [(read, suffixes.first_ending(read.key)) for read in facts.env_reads]
            siblings: Dict[str, Set[str]] = {}  # a name without its suffix -> the suffixes it is read with
            for read, suffix in endings:
                if suffix:
                    siblings.setdefault(read.key[: -len(suffix)].upper(), set()).add(suffix)
            for read, suffix in endings:
                neutral = read.key[: -len(suffix)] if suffix is not None else ""
                if (
                    suffix is None
                    or not _names_a_value(neutral, read.key)
                    or _policy_in(neutral, read.switch)
                ):
                    continue
                if suffix in _AMBIGUOUS_SUFFIXES and not _copy_after_ambiguous_suffix(
                    neutral, suffix, siblings, read.switch
                ):
                    continue
                yield self.violation(read.location, fix=self.fix.format(neutral=neutral), name=read.key)
