"""A database driver in the shared requirements file.

## What it does
Flags each requirement of the shared requirements file (and the files it
includes) whose package is a database driver (`requirements.database-drivers`:
asyncpg, psycopg2, psycopg2-binary, pymysql, aiosqlite, …), or that asks for one
by an extra named after it (`sqlalchemy[postgresql_asyncpg]`, `databases[asyncpg]`).

## Why is this bad?
Every service installs the shared file, so every service now ships a driver,
often two (asyncpg and psycopg2-binary), including services that own no
database. Which driver a service uses is that service's decision, and a
compiled driver in every image costs build time and attack surface.

## Example
```text
# requirements.shared.txt
fastapi==0.116.1
asyncpg==0.29.0
psycopg2-binary==2.9.9
```

## Use instead
```text
# services/content-service/requirements.txt
-r ../../requirements.shared.txt
asyncpg==0.29.0
```

## Options
- `requirements.database-drivers`: the package names that count as drivers.
"""

import re
from typing import Iterator, Tuple

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from archcheck.config.options import Option
from archcheck.config.validators import package_names
from archcheck.model import Severity, Violation
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import Rule

DRIVERS = (
    "asyncpg",
    "psycopg",
    "psycopg2",
    "psycopg2-binary",
    "psycopg-binary",
    "aiopg",
    "pymysql",
    "mysqlclient",
    "aiomysql",
    "asyncmy",
    "aiosqlite",
    "oracledb",
    "cx-oracle",
    "pyodbc",
    # (beyond SPEC's list, run 123b/09: Cloud SQL's PostgreSQL driver, MySQL's and MariaDB's own,
    # SQL Server's other)
    "pg8000",
    "mysql-connector-python",
    "mariadb",
    "pymssql",
)
MESSAGE = "database driver '{package}' in the shared requirements: every service would install it"
FIX = "move the driver to the requirements of the services that use the database"

_CONFIG = 'services = ["services/*"]\n'
VALID = [
    Example(
        {
            "requirements.shared.txt": "fastapi==0.116.1\nsqlalchemy[asyncio]==2.0.30\nredis[hiredis]==5.0.4\n",
            "services/content/requirements.txt": "-r ../../requirements.shared.txt\nasyncpg==0.29.0\npsycopg2-binary==2.9.9\n",
            "services/content/app/main.py": "",
        },
        _CONFIG,
    ),
]
INVALID = [
    Example(
        {
            "requirements.shared.txt": "fastapi==0.116.1\nasyncpg==0.29.0  # expect: REQ003\n-r drivers.txt\n",
            "drivers.txt": "psycopg2_binary==2.9.9  # expect: REQ003\n"
            "SQLAlchemy[asyncio,postgresql_asyncpg]==2.0.30  # expect: REQ003\n"
            "pg8000==1.31.2  # expect: REQ003\n"
            "cloud-sql-python-connector[pg8000]==1.9.0  # expect: REQ003\n"
            "databases[aiosqlite]==0.9.0  # expect: REQ003\n",
            "services/content/requirements.txt": "-r ../../requirements.shared.txt\n",
            "services/content/app/main.py": "",
        },
        _CONFIG,
    ),
]


class DriverInSharedRequirements(
    Rule,
    code="REQ003",
    name="driver-in-shared-requirements",
    severity=Severity.ERROR,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
    options=(
        Option(
            "requirements", "database-drivers", DRIVERS, package_names, "packages that are database drivers"
        ),
    ),
):
    reads = frozenset({"requirements", "includes", "problems", "imports"})

    def check(self) -> Iterator[Violation]:
        drivers = {canonicalize_name(d) for d in self.option("requirements.database-drivers")}
        words = drivers | {driver.replace("-", "") for driver in drivers}
        requirements = self.project.requirements
        for fact in requirements.requirements_in(requirements.shared_closure()):
            if fact.name in drivers:
                yield self.violation(fact.location, package=fact.name)
                continue
            extra = next((e for e in _extras(fact.text) if words & set(re.split(r"[-_.]", e.lower()))), None)
            if extra is not None:  # (`sqlalchemy[postgresql_asyncpg]`, `databases[asyncpg]`: run 122b/09)
                yield self.violation(fact.location, package=f"{fact.name}[{extra}]")


def _extras(text: str) -> Tuple[str, ...]:
    """The extras a requirement line asks for (none where packaging cannot read it)."""
    try:
        return tuple(sorted(Requirement(text).extras))
    except InvalidRequirement:
        return ()
