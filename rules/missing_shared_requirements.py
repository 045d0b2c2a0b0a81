"""A service's requirements that do not include the shared requirements file.

## What it does
When the project has a shared requirements file (`shared-requirements`, or
`requirements.shared.txt` at the root), flags each service below the shared
file's folder (every service when it is at the root) whose
`requirements.txt` (or each top file of its `requirements/` folder) does
not include it with `-r`, directly or through another included file. A copy of
the shared file inside the service (a file of the same name, or one listing
the same packages, kept because the service's Docker build context is its own
folder) stands for it: whether the copy drifted is REQ002's question. So
does an include archcheck does not read, which may be the shared file: a path
an environment variable names (`-r ${REPO_ROOT}/requirements.shared.txt`,
which pip fills in) or a URL pip fetches.
Nothing is flagged when there is no shared file.

## Why is this bad?
The shared file is where the team pins what every service uses. A service
that does not include it either copies those pins (and drifts) or misses
them (and breaks at import time in its container).

## Example
```text
# services/orders-service/requirements.txt
fastapi==0.116.1
pydantic==2.7.1
```

## Use instead
```text
-r ../../requirements.shared.txt
stripe==10.1.0
```

## Fix
`archcheck check --fix` inserts `-r <path of the shared file, relative to this one>` as the
first line (after a coding comment). Not applied, and reported, when including the shared
file would make pip refuse the service's install (a version here that the shared pin does
not satisfy), or when the path would need quoting.
"""

import functools
import posixpath
import re
from typing import Iterator, List, Sequence, Union

from packaging.specifiers import InvalidSpecifier, SpecifierSet

from archcheck.model import Location, Severity, Violation
from archcheck.rule_api.examples import Example
from archcheck.rule_api.fixes import LineEdit, LineFix, NotFixed, Offer
from archcheck.rule_api.rule import Rule

MESSAGE = "'{path}' does not include the shared requirements file '{shared}'"
FIX = "add '-r {include}' at the top of the file"

_CONFIG = 'services = ["services/*"]\n'
VALID = [
    Example(
        {
            "requirements.shared.txt": "fastapi==0.116.1\npydantic==2.7.1\n",
            "services/orders/requirements.txt": "-r ../../requirements.shared.txt\nstripe==10.1.0\n",
            "services/billing/requirements.txt": "-r base.txt\n",
            "services/billing/base.txt": "-r ../../requirements.shared.txt\n",
            "services/search/requirements/base.txt": "-r ../../../requirements.shared.txt\n",
            "services/search/requirements/dev.txt": "-r base.txt\npytest\n",
            "services/orders/app/main.py": "",
            "services/billing/app/main.py": "",
            "services/search/app/main.py": "",
            # a copy of the shared file in the service's own build context stands for it
            "services/worker/requirements.txt": "-r requirements.shared.txt\ncelery==5.4.0\n",
            "services/worker/requirements.shared.txt": "fastapi==0.116.1\npydantic==2.7.1\n",
            "services/worker/app/main.py": "",
            "services/mailer/requirements.txt": "-r requirements.common.txt\n",
            "services/mailer/requirements.common.txt": "pydantic==2.7.1\nfastapi==0.116.1\n",
            "services/mailer/app/main.py": "",
            # an include pip fills in from the environment, or fetches, may be the shared file
            "services/cart/requirements.txt": "-r ${REPO_ROOT}/requirements.shared.txt\nstripe==10.1.0\n",
            "services/cart/app/main.py": "",
            "services/feed/requirements.txt": "-r base.txt\n",
            "services/feed/base.txt": "-r https://example.com/requirements.shared.txt\n",
            "services/feed/app/main.py": "",
            # unreadable: ARC001 says so, and nothing else is guessed about it
            "services/legacy/requirements.txt": "\udcff",
            "services/legacy/app/main.py": "",
        },
        _CONFIG,
    ),
    Example(
        {  # no shared file: nothing to include
            "services/orders/requirements.txt": "fastapi==0.116.1\n",
            "services/orders/app/main.py": "",
        },
        _CONFIG,
    ),
    Example(
        {  # the shared file in services/ is for the services there, not for the monolith beside them
            "services/requirements.shared.txt": "fastapi==0.116.1\nhttpx==0.28.1\n",
            "services/orders/requirements.txt": "-r ../requirements.shared.txt\n",
            "services/orders/app/main.py": "",
            "backend/requirements.txt": "django==5.0.6\nhttpx==0.28.1\n",
            "backend/app/models.py": "",
        },
        'services = ["services/*", "backend"]\nshared-requirements = "services/requirements.shared.txt"\n',
    ),
]
INVALID = [
    Example(
        {
            "requirements.shared.txt": "fastapi==0.116.1\n",
            "services/orders/requirements.txt": "fastapi==0.116.1  # expect: REQ001\n",
            # a constraint file pip fetches installs nothing
            "services/cart/requirements.txt": "-c ${REPO_ROOT}/constraints.txt  # expect: REQ001\n",
            "services/cart/app/main.py": "",
            "services/search/requirements/base.txt": "-r ../../../requirements.shared.txt\n",
            "services/search/requirements/worker.txt": "celery==5.4.0  # expect: REQ001\n",
            "services/orders/app/main.py": "",
            "services/search/app/main.py": "",
        },
        _CONFIG,
        fixed={
            "services/orders/requirements.txt": (
                "-r ../../requirements.shared.txt\nfastapi==0.116.1  # expect: REQ001\n"
            ),
            "services/cart/requirements.txt": (
                "-r ../../requirements.shared.txt\n-c ${REPO_ROOT}/constraints.txt  # expect: REQ001\n"
            ),
            "services/search/requirements/worker.txt": (
                "-r ../../../requirements.shared.txt\ncelery==5.4.0  # expect: REQ001\n"
            ),
        },
    ),
    Example(
        {
            "requirements.shared.txt": "fastapi==0.116.1\nhttpx>=0.27\n",
            # a coding comment stays first; CRLF line ends stay
            "services/orders/requirements.txt": "# -*- coding: utf-8 -*-  # expect: REQ001\r\nstripe==10.1.0\r\n",
            # not fixed: pip could not install fastapi==0.115.0 and the shared fastapi==0.116.1
            "services/billing/requirements.txt": "fastapi==0.115.0  # expect: REQ001\nhttpx\nstripe==10.1.0\n",
            "services/orders/app/main.py": "",
            "services/billing/app/main.py": "",
        },
        _CONFIG,
        fixed={
            "services/orders/requirements.txt": (
                "# -*- coding: utf-8 -*-  # expect: REQ001\r\n-r ../../requirements.shared.txt\r\nstripe==10.1.0\r\n"
            ),
            "services/billing/requirements.txt": "fastapi==0.115.0  # expect: REQ001\nhttpx\nstripe==10.1.0\n",
        },
    ),
]


class MissingSharedRequirements(
    Rule,
    code="REQ001",
    name="missing-shared-requirements",
    severity=Severity.ERROR,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
):
    reads = frozenset({"requirements", "includes", "unread_includes", "problems", "imports"})

    def check(self) -> Iterator[Violation]:
        requirements = self.project.requirements
        shared = requirements.shared
        if shared is None or shared not in requirements.facts:
            return
        for service in sorted(requirements.sharing & requirements.roots.keys()):
            for path in self._tops(requirements.roots[service]):
                facts = requirements.facts.get(path)
                if facts is None or (facts.problems and not facts.requirements and not facts.includes):
                    continue  # a file that could not be read is ARC001's
                if not requirements.provides_shared(path) and not self._unread_include(path):
                    include = posixpath.relpath(shared, posixpath.dirname(path))
                    where = Location(path, 1, 1, 1, 1)
                    yield self.violation(
                        where,
                        fix=self.fix.format(include=include),
                        related=[Location(shared)],
                        path=path,
                        shared=shared,
                    )

    def autofix(self, violation: Violation) -> Offer:
        requirements = self.project.requirements
        path, shared = violation.location.path, requirements.shared
        if shared is None or violation.location.line != 1 or requirements.provides_shared(path):
            return None
        include = posixpath.relpath(shared, posixpath.dirname(path))
        if not _PLAIN_PATH.fullmatch(include):
            return NotFixed(f"the path '{include}' would need quoting in a requirements file")
        shared_facts = {f.name: f for f in requirements.requirements_in(requirements.shared_closure())}
        for fact in requirements.requirements_in(requirements.closure(path)):
            other = shared_facts.get(fact.name)
            if other is not None and not (
                _allows(fact.specifier, other.pins) and _allows(other.specifier, fact.pins)
            ):
                return NotFixed(
                    f"'{fact.text}' here and '{other.text}' in the shared file: pip would refuse to install both"
                )
        change = functools.partial(insert_include, line=f"-r {include}")
        return LineFix(path, change, f"include '{include}'")

    def _unread_include(self, path: str) -> bool:
        """Does a file ``path`` includes name an include archcheck does not read, the shared
        file maybe (`-r ${REPO_ROOT}/requirements.shared.txt`, `-r https://…`)?"""
        requirements = self.project.requirements
        return any(requirements.facts[f].unread_includes for f in requirements.closure(path))

    def _tops(self, roots: List[str]) -> List[str]:
        """Files of the service that no other file of the service includes."""
        included = {t for r in roots for t in self.project.requirements.closure(r)[1:]}
        return [r for r in roots if r not in included]


_PLAIN_PATH = re.compile(r"[A-Za-z0-9_.+/@-]+")
_CODING = re.compile(r"^#.*coding[:=]")


def _allows(specifier: str, pins: Sequence[str]) -> bool:
    """Does a specifier (as packaging prints it) accept every pinned version?"""
    try:
        allowed = SpecifierSet(specifier, prereleases=True)
    except InvalidSpecifier:
        return False
    return all(allowed.contains(pin, prereleases=True) for pin in pins)


def insert_include(lines: Sequence[str], *, line: str) -> Union[LineEdit, NotFixed]:
    """The codemod: ``line`` first in the file, after a coding comment pip reads in the first two lines."""
    codings = [number for number in (1, 2) if number <= len(lines) and _CODING.match(lines[number - 1])]
    first = codings[-1] + 1 if codings else 1  # a coding comment on line 2 must stay on line 2
    return LineEdit(first, first - 1, (line,))
