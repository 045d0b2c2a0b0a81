"""One service requirements file lists an async and a sync driver of one database.

## What it does
Flags a service's requirements file that lists both an async and a sync
driver for the same database: PostgreSQL (`asyncpg`, `aiopg` with
`psycopg2`, `psycopg2-binary`) or MySQL (`aiomysql`, `asyncmy` with
`pymysql`, `mysqlclient`). A service that installs `alembic` is not flagged:
an async application with sync migrations needs both drivers; nor two drivers
whose markers never install them together (`; sys_platform == "win32"` and
`; sys_platform != "win32"`). It is a warning; another deliberate pair says so with a suppression comment.

## Why is this bad?
Two drivers mean two connection pools, two sets of connection settings and
two code paths to the database; often one of them is left over from a
migration to async that never finished.

## Example
```text
asyncpg==0.29.0
psycopg2-binary==2.9.9
```

## Use instead
```text
asyncpg==0.29.0
```
or, where a sync tool needs the second driver:
```text
asyncpg==0.29.0
psycopg2-binary==2.9.9  # archcheck: ignore[REQ004] reason="the reporting job is sync"
```
"""

from typing import Dict, Iterator, List, Tuple

from archcheck.facts.markers import never_together
from archcheck.model import RequirementFact, Severity, Violation
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import Rule

MESSAGE = "'{sync}' (sync) and '{async_}' (async, line {line}) both drive {database} in one file"
FIX = "use one driver per database, or mark the intended pair with a suppression comment"

# packages that are the reason a service needs a sync driver beside an async one
SYNC_REASONS = frozenset({"alembic"})
# database -> (async drivers, sync drivers), canonical names
FAMILIES: Dict[str, Tuple[Tuple[str, ...], Tuple[str, ...]]] = {
    "PostgreSQL": (("asyncpg", "aiopg"), ("psycopg2", "psycopg2-binary")),
    "MySQL": (("aiomysql", "asyncmy"), ("pymysql", "mysqlclient")),
}

# the lines of each driver paired (per-platform pins are a few; thousands would be pairs squared)
_LINES_ASKED = 64

_CONFIG = 'services = ["services/*"]\n'
VALID = [
    Example(
        {
            "services/content/requirements.txt": "asyncpg==0.29.0\naiomysql==0.2.0\n-r sync.txt\n",
            "services/content/sync.txt": "psycopg2-binary==2.9.9\n",
            "services/legacy/requirements.txt": "psycopg2==2.9.9\npymysql==1.1.0\n",
            "services/billing/requirements.txt": "asyncpg==0.29.0\npsycopg2-binary==2.9.9\nalembic==1.13.1\n",
            "services/billing/app/main.py": "",
            "services/content/app/main.py": "",
            "services/legacy/app/main.py": "",
            "services/desktop/requirements.txt": (
                'asyncpg==0.29.0 ; sys_platform != "win32"\npsycopg2-binary==2.9.9 ; sys_platform == "win32"\n'
            ),
            "services/desktop/app/main.py": "",
        },
        _CONFIG,
    ),
]
INVALID = [
    Example(
        {
            "services/content/requirements.txt": "asyncpg==0.29.0\nfastapi\npsycopg2-binary==2.9.9  # expect: REQ004\n",
            "services/content/app/main.py": "",
        },
        _CONFIG,
    ),
]


class ConflictingDatabaseDrivers(
    Rule,
    code="REQ004",
    name="conflicting-database-drivers",
    severity=Severity.WARNING,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
):
    reads = frozenset({"requirements", "includes", "problems", "imports"})

    def check(self) -> Iterator[Violation]:
        requirements = self.project.requirements
        files = set()
        for service in requirements.roots:
            installed = {f.name for f in requirements.requirements_in(requirements.installed(service))}
            if not SYNC_REASONS & installed:  # alembic runs its migrations on the sync driver
                files.update(requirements.service_files(service))
        for path in sorted(files):
            by_name: Dict[str, List[RequirementFact]] = {}  # (each line: one per platform too)
            for fact in requirements.facts[path].requirements:
                by_name.setdefault(fact.name, []).append(fact)
            for database, (async_drivers, sync_drivers) in FAMILIES.items():
                async_found = [
                    fact for name in async_drivers for fact in by_name.get(name, [])[:_LINES_ASKED]
                ]
                for name in sync_drivers:
                    # a sync line and an async one its markers install it with (not `; sys_platform
                    # == "win32"` and `!= "win32"`): the first such pair of the sync driver
                    lines = by_name.get(name, [])[:_LINES_ASKED]
                    pairs = ((s, a) for s in lines for a in async_found if not never_together(s, a))
                    sync, first = next(pairs, (None, None))
                    if sync is not None and first is not None:
                        yield self.violation(
                            sync.location,
                            sync=sync.name,
                            async_=first.name,
                            line=first.location.line,
                            database=database,
                        )
