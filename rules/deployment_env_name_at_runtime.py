"""Runtime code reads an environment variable named for one deployment.

## What it does
Flags reads of environment variables (`os.getenv`, `os.environ.get`,
`os.environ[...]`, under any import alias) whose literal name ends in a
deployment suffix (`_DEV`, `_STAGING`, `_PROD`, … from
`config.deployment-suffixes`), in the code of a service. Writes are not
flagged, and neither are deployment tooling folders (`scripts/`, `deploy/`,
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

import re
from typing import Optional, Set

import libcst as cst

from archcheck.environ import env_lookup, environ_subscript, literal
from archcheck.model import Severity
from archcheck.rule import Example, FileContext, FilePlan, FileRule, RuleSpec, example
from archcheck.scopes import ImportTracker

CODE = "CFG003"
NAME = "deployment-env-name-at-runtime"
SEVERITY = Severity.WARNING
MESSAGE = "runtime code reads deployment-specific variable '{name}'"
FIX = "read the environment-neutral name '{neutral}' and set it per deployment"
TOOLING_DIRS = frozenset({"scripts", "deploy", "deployment", "deployments", "infra", "ops",
                          "tools", "bin", "ci"})  # fmt: skip

VALID = [
    example("""
        import os

        CLIENT_ID = os.environ["GOOGLE_OAUTH_CLIENT_ID"]
        os.environ["GOOGLE_OAUTH_CLIENT_ID_STAGING"] = CLIENT_ID
        NAME = "DATABASE_URL_PROD"
        env_name = os.getenv("APP_ENV")
        dynamic = os.getenv(f"SECRET_{STAGE}")
        other = config.get("TOKEN_STAGING")
    """),
    Example({
        "services/auth-service/scripts/promote.py": "import os\nold = os.getenv('SECRET_STAGING')\n",
        "tools/release.py": "import os\nold = os.getenv('SECRET_PROD')\n",
    }, 'services = ["services/*"]\n'),
]
INVALID = [
    example("""
        import os
        from os import environ

        CLIENT_ID = os.getenv("GOOGLE_OAUTH_CLIENT_ID_STAGING")  # expect: CFG003
        SECRET = environ["JWT_SECRET_PROD"]  # expect: CFG003
        DB = os.environ.get("DATABASE_URL_DEVELOPMENT", "")  # expect: CFG003
    """),
]


class Rule(ImportTracker, FileRule):
    def __init__(self, spec: RuleSpec, context: FileContext) -> None:
        FileRule.__init__(self, spec, context)
        ImportTracker.__init__(self, context.module)
        self.suffixes = tuple(s.upper() for s in context.plan.env.deployment_suffixes)
        self.written: Set[int] = set()

    @classmethod
    def may_match(cls, text: str, plan: FilePlan) -> bool:
        # only literal keys are checked, so the suffix ends right before a closing quote
        if "getenv" not in text and "environ" not in text:
            return False
        suffixes = "|".join(re.escape(s) for s in plan.env.deployment_suffixes)
        return bool(suffixes) and re.search(f"(?i)(?:{suffixes})[\"']", text) is not None

    def _is_runtime(self) -> bool:
        service = self.context.service
        if service is None or service.kind.value != "service":
            return False
        inside = self.context.path[len(service.path):].split("/")
        return not TOOLING_DIRS.intersection(inside[:-1])

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.written.add(id(node.target))

    def visit_Call(self, node: cst.Call) -> None:
        lookup = env_lookup(node, self.aliases)
        if lookup is not None:
            self._check(node, literal(lookup.key))

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if id(node) not in self.written:
            self._check(node, literal(environ_subscript(node, self.aliases)))

    def _check(self, node: cst.CSTNode, name: Optional[str]) -> None:
        if not name or not self._is_runtime():
            return
        for suffix in self.suffixes:
            if name.upper().endswith(suffix) and len(name) > len(suffix):
                neutral = name[: -len(suffix)]
                self.report(node, fix=self.spec.fix.format(neutral=neutral), name=name)
                return
