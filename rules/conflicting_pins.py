"""One package required at incompatible versions in what one service installs.

## What it does
Takes everything one service installs: its requirements files and every
file they include with `-r`, the shared requirements file too. Flags each
line of a package whose exact pin (`==`) is another line's pin of a
different version, or falls outside another line's version range
(`fastapi==0.110.0` beside `fastapi>=0.115`). Versions compare as pip compares
them (`1.0` is `1`), and a line whose marker is false where archcheck runs
(`; python_version < "3"`) is skipped, as pip skips it. A conflict with the shared
file is reported at the service's line, which is the one to change. The same
pin repeated is not a conflict (REQ002 says whether it belongs there).

## Why is this bad?
pip refuses the install: `ResolutionImpossible: ... conflicting dependencies`.
The service's image does not build, or, where files are installed one after
the other, the last file silently wins.

## Example
```text
# services/search/requirements/base.txt
-r extra.txt
opensearch-py==3.0.0
# services/search/requirements/extra.txt
opensearch-py==2.8.0
```

## Use instead
Pin the package once, in one file that the others include.
"""

from typing import Dict, Iterator, List, Optional, Set, Tuple

from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet

from archcheck.facts.requirements_txt import installed_here, same_version
from archcheck.model import RequirementFact, Severity, Violation
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import SHOWN, Rule, listed

MESSAGE = "'{requirement}' conflicts with {others}: pip cannot install both for service '{service}'"
# both lines in the shared requirements: every service that installs them fails, not one
SHARED_MESSAGE = (
    "'{requirement}' conflicts with {others}: pip cannot install both, in any service that "
    "includes the shared requirements '{shared}'"
)
FIX = "pin the package once, in one file the others include"

_CONFIG = 'services = ["services/*"]\n'
VALID = [
    Example(
        {
            "requirements.shared.txt": "fastapi==0.116.1\nhttpx>=0.27\n",
            "services/api/requirements.txt": (
                "-r ../../requirements.shared.txt\nfastapi==0.116.1\nhttpx==0.28.1\n"
                "uvicorn[standard]==0.30.0 ; python_version >= '3.9'\n"
            ),
            "services/api/app/main.py": "",
            "services/worker/requirements.txt": "fastapi==0.110.0\n",  # another service: not installed together
            "services/worker/app/main.py": "",
        },
        _CONFIG,
    ),
    Example(  # one release written two ways, and pins for environments that exclude each other
        {
            "requirements.shared.txt": "fastapi==0.116\n",
            "services/api/requirements.txt": (
                "-r ../../requirements.shared.txt\nfastapi==0.116.0\nattrs==23.1.0.post0\nattrs==23.1-0\n"
                "torch==2.3.0\ntorch==2.3.0+cpu\n"
                "numpy==1.26.4 ; python_version < '3.13'\nnumpy==2.1.0 ; python_version >= '3.13'\n"
            ),
            "services/api/app/main.py": "",
        },
        _CONFIG,
    ),
]
INVALID = [
    Example(
        {
            "requirements.shared.txt": "fastapi==0.116.1\nhttpx>=0.27\n",
            "services/api/requirements.txt": (
                "-r ../../requirements.shared.txt\n"
                "fastapi==0.115.0  # expect: REQ006\n"
                "httpx==0.26.0  # expect: REQ006\n"
            ),
            "services/api/app/main.py": "",
            "services/search/requirements/base.txt": "-r extra.txt\nopensearch-py==3.0.0  # expect: REQ006\n",
            "services/search/requirements/extra.txt": "opensearch-py==2.8.0  # expect: REQ006\n",
            "services/search/app/main.py": "",
            "services/jobs/requirements.txt": (  # a marker true everywhere pip runs: both lines count
                "celery==5.3.0 ; python_version >= '3'  # expect: REQ006\ncelery==5.4.0  # expect: REQ006\n"
            ),
            "services/jobs/app/main.py": "",
        },
        _CONFIG,
    ),
    Example(  # both pins in the shared file (beside the services): reported there, for every service
        {
            "services/requirements.shared.txt": "httpx==0.27.0  # expect: REQ006\nhttpx==0.28.0  # expect: REQ006\n",
            "services/a/requirements.txt": "-r ../requirements.shared.txt\n",
            "services/a/app/main.py": "",
            "services/b/requirements.txt": "-r ../requirements.shared.txt\n",
            "services/b/app/main.py": "",
        },
        _CONFIG + 'shared-requirements = "services/requirements.shared.txt"\n',
    ),
]


def _range(fact: RequirementFact) -> Optional[SpecifierSet]:
    try:
        return SpecifierSet(fact.specifier)
    except InvalidSpecifier:
        return None


def _clashes(facts: List[RequirementFact]) -> Dict[Tuple[Tuple[str, ...], str], List[RequirementFact]]:
    """(pins, specifier) -> the lines of one package that conflict with a line saying so.

    A conflict depends only on what two lines allow, so each distinct constraint is compared
    with each other once: a file that repeats one line thousands of times costs no more."""
    kinds: Dict[Tuple[Tuple[str, ...], str], List[RequirementFact]] = {}
    for fact in facts:
        kinds.setdefault((fact.pins, fact.specifier), []).append(fact)
    order = {id(fact): index for index, fact in enumerate(facts)}
    found: Dict[Tuple[Tuple[str, ...], str], List[RequirementFact]] = {}
    for key, group in kinds.items():
        clashing = [other for others in kinds.values() if _conflict(group[0], others[0]) for other in others]
        found[key] = sorted(clashing, key=lambda fact: order[id(fact)])  # in the order of the files
    return found


def _pin_allows(pin: str, version: str) -> bool:
    """Does ``==pin`` accept ``version``, as pip reads it (``==1.0`` takes ``1.0+local`` and ``1``)?"""
    if same_version(pin, version):
        return True
    try:
        return Specifier(f"=={pin}").contains(version, prereleases=True) or Specifier(
            f"=={version}"
        ).contains(pin, prereleases=True)
    except InvalidSpecifier:
        return False


def _conflict(a: RequirementFact, b: RequirementFact) -> bool:
    """Can no single version satisfy both lines? Judged where a line pins one exactly."""
    for pinned, other in ((a, b), (b, a)):
        for version in pinned.pins:
            if other.pins and not any(_pin_allows(pin, version) for pin in other.pins):
                return True
            allowed = _range(other)
            if allowed is not None and not other.pins and not allowed.contains(version, prereleases=True):
                return True
    return False


class ConflictingPins(
    Rule,
    code="REQ006",
    name="conflicting-pins",
    severity=Severity.ERROR,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
):
    reads = frozenset({"requirements", "includes", "problems", "imports"})

    def check(self) -> Iterator[Violation]:
        requirements = self.project.requirements
        reported: Set[Tuple[str, int]] = set()
        shared = set(requirements.shared_closure())
        for service in sorted(requirements.roots):
            own = set(requirements.service_files(service))
            by_name: Dict[str, List[RequirementFact]] = {}
            for fact in requirements.requirements_in(requirements.installed(service)):
                if installed_here(fact):  # pip skips a line whose marker is false (`; python_version < "3"`)
                    by_name.setdefault(fact.name, []).append(fact)
            for facts in by_name.values():
                clashing = _clashes(facts)
                for fact in facts:
                    clashes = clashing.get((fact.pins, fact.specifier), [])
                    where = (fact.location.path, fact.location.line)
                    if not clashes or where in reported:
                        continue
                    if fact.location.path not in own and any(c.location.path in own for c in clashes):
                        continue  # reported at the service's own line, which is the one to change
                    reported.add(where)
                    shown = [f"'{o.text}' ({o.location.path}:{o.location.line})" for o in clashes[:SHOWN]]
                    others = listed(shown, total=len(clashes))
                    in_shared = fact.location.path in shared and all(
                        c.location.path in shared for c in clashes
                    )
                    yield self.violation(
                        fact.location,
                        message=SHARED_MESSAGE if in_shared else None,
                        related=[o.location for o in clashes[:SHOWN]],
                        requirement=fact.text,
                        others=others,
                        service=service,
                        shared=requirements.shared,
                    )
