"""Runtime code reads an environment variable named for one deployment.

## What it does
Flags reads of environment variables (`os.getenv`, `os.environ.get`,
`os.environ[...]`, under any import alias) whose literal name ends in a
deployment suffix (`_DEV`, `_STAGING`, `_PROD`, … from
`config.deployment-suffixes`), in the code of a service. Writes are not
flagged, nor a flag that says which deployment runs, whose name before the
suffix is only such words as `IS`, `USE`, `ENABLE`, `RUNNING`, `IN`
(`IS_PROD`, `USE_STAGING`, `RUNNING_IN_TEST`: there is no neutral name to read
instead), nor a name whose `_TEST` follows a kind of test (`ENABLE_AB_TEST`,
`SMOKE_TEST`, `LOAD_TEST`: a test, not the test deployment), nor a `_STAGE` after
what runs at a stage (`APP_STAGE`, `API_GATEWAY_STAGE`, `MLFLOW_MODEL_STAGE`: the stage itself,
read as `APP_ENV` is; `DATABASE_URL_STAGE`, `DB_NAME_STAGE` are flagged), nor a `_DEV` that
names a device or a deviation (`SERIAL_DEV`, `UART_DEV`, `LATENCY_STD_DEV`), nor
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

from typing import Iterator, Sequence

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
    """),
]


# the words of a flag that says which deployment runs (`IS_PROD`, `RUNNING_IN_TEST`): no value
# that one neutral name could hold per deployment
_FLAG_WORDS = frozenset({"IS", "AM", "ARE", "BE", "IN", "ON", "AT", "AS", "NOT", "NO", "USE", "USING", "ENABLE",
                         "ENABLED", "DISABLE", "DISABLED", "ALLOW", "FORCE", "SKIP", "ONLY", "RUN", "RUNNING",
                         "RUNS", "HAS"})  # fmt: skip
_TOOL_VARIABLES = frozenset({"PYTEST_CURRENT_TEST"})  # set by a tool, read to know it runs
# the kinds of test a `_TEST` after them names (`ENABLE_AB_TEST`, `SMOKE_TEST`), not a deployment
_TEST_KINDS = frozenset({"AB", "SPLIT", "MULTIVARIATE", "SMOKE", "LOAD", "STRESS", "SOAK", "PERF", "PERFORMANCE",
                         "CHAOS", "UNIT", "INTEGRATION", "E2E", "SYSTEM", "REGRESSION", "ACCEPTANCE", "CONTRACT",
                         "FUNCTIONAL", "CANARY", "SANITY"})  # fmt: skip


# the words `_STAGE` after which names the stage something runs at (`APP_STAGE`, `API_GATEWAY_STAGE`,
# `MLFLOW_MODEL_STAGE`: run 122b/08), read as `APP_ENV` is; after any other word it is a deployment's
# copy of a value (`DATABASE_URL_STAGE`, `DB_NAME_STAGE`, `SLACK_WEBHOOK_STAGE`: run 125b/08)
_STAGE_OF = frozenset({"APP", "APPLICATION", "DEPLOY", "DEPLOYMENT", "ENV", "ENVIRONMENT", "RELEASE", "MODEL",
                       "GATEWAY", "API", "PIPELINE", "BUILD", "CURRENT", "LIFECYCLE", "RUNTIME", "SERVICE",
                       "LAMBDA", "SERVERLESS", "SLS", "STACK", "PROJECT", "PLATFORM", "CLUSTER", "SYSTEM",
                       "SITE", "ACTIVE", "TARGET", "ROLLOUT", "WORKFLOW", "JOB", "TASK", "PHASE"})  # fmt: skip
# the words a `_DEV` after which is a device or a deviation (`SERIAL_DEV`, `LATENCY_STD_DEV`, `UART_DEV`:
# runs 124b/06, 125b/03)
_DEVICE_WORDS = frozenset({"STD", "SERIAL", "USB", "TTY", "BLOCK", "INPUT", "AUDIO", "VIDEO", "CAMERA", "NET",
                           "DISK", "GPU", "CHAR", "LOOP", "RAW", "MEAN", "ABS", "UART", "GPIO", "I2C", "SPI",
                           "CAN", "MODEM", "WATCHDOG", "PRINTER", "ETH", "TUN", "TAP", "ALSA", "V4L2", "PWM",
                           "TPM", "SOUND", "MIDI", "BLUETOOTH", "BT", "HCI", "WLAN", "WIFI", "LTE", "GPS",
                           "NVME", "SCSI", "ADC", "DAC", "SENSOR", "DEVICE", "HID", "FB", "DRI", "KVM",
                           "NETWORK", "CUDA", "PCI", "VIRTIO", "MMC", "CONSOLE", "PTY", "DISPLAY", "MAX", "MIN",
                           "TOLERANCE", "VARIANCE", "ALLOWED", "PRICE"})  # fmt: skip


def _names_a_value(neutral: str, key: str) -> bool:
    """Is ``neutral`` (a read name without its deployment suffix) the name of a value, not the
    words of a flag (``IS``, ``USE_``), a kind of test before `_TEST` (``SMOKE_``), a subject
    whose `_STAGE` is the stage it runs at (``APP_``) nor a tool's own variable?"""
    words = [word for word in neutral.upper().split("_") if word]
    kind_of_test = bool(words) and words[-1] in _TEST_KINDS and key.upper().endswith("TEST")
    its_stage = bool(words) and words[-1] in _STAGE_OF and key.upper().endswith("_STAGE")
    a_device = bool(words) and words[-1] in _DEVICE_WORDS and key.upper().endswith("_DEV")
    return (
        bool(words)
        and not all(word in _FLAG_WORDS for word in words)
        and not kind_of_test
        and not its_stage
        and not a_device
        and key.upper() not in _TOOL_VARIABLES
    )


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
            for read in facts.env_reads:
                suffix = suffixes.first_ending(read.key)
                neutral = read.key[: -len(suffix)] if suffix is not None else ""
                if suffix is not None and _names_a_value(neutral, read.key):
                    yield self.violation(read.location, fix=self.fix.format(neutral=neutral), name=read.key)
