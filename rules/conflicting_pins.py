"""One package required at incompatible versions in what one service installs.

## What it does
Takes everything one service installs: its requirements files and every
file they include with `-r`, the shared requirements file too. Flags each
line of a package whose exact pin (`==`) is another line's pin of a
different version, or falls outside another line's version range
(`fastapi==0.110.0` beside `fastapi>=0.115`). Versions compare as pip compares
them (`1.0` is `1`; an arbitrary-equality pin such as `===1.0` takes only the
release spelt `1.0`, not `1.0.0`), and a line whose marker is false where archcheck runs
(`; python_version < "3"`) is skipped, as pip skips it. A conflict with the shared
file (or with any file the service includes from outside its folder) is
reported at the service's line, which is the one to change. The same
pin repeated is not a conflict (REQ002 says whether it belongs there). A package
of more distinct lines than can be compared (ranges and odd lines against the
others: over 250,000 comparisons, a line of several clauses, `>=1,<2,!=1.5`,
counting one for each) is one finding, at its first line.

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

import heapq
from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Set, Tuple, cast

from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from archcheck.facts.requirements_txt import installed_here, is_exact_pin, same_version
from archcheck.model import RequirementFact, Severity, Violation
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import SHOWN, Rule, listed

MESSAGE = "'{requirement}' conflicts with {others}: pip cannot install both for service '{service}'"
# both lines in the shared requirements: every service that installs them fails, not one
SHARED_MESSAGE = (
    "'{requirement}' conflicts with {others}: pip cannot install both, in any service that "
    "includes the shared requirements '{shared}'"
)
# more distinct lines of one package than can be compared, in what one service installs
TOO_MANY_MESSAGE = (
    "'{requirement}' is one of {lines:,} distinct lines of '{package}' in what service '{service}' "
    "installs, {compared:,} of them ranges or odd lines: too many to compare each with the others "
    "(over {most:,} comparisons, an odd line's counting {odd}); conflicts among them were not looked for"
)
FIX = "pin the package once, in one file the others include"
# a range is compared with each pin of its package (R x P: 500 x 500 take 0.8 s), clause by
# clause, an odd line (several pins, a version packaging cannot read) with each other line, at
# about ten times the cost: past this, in what one service installs, the package is not
# compared, and said so
MAX_COMPARISONS = 250_000
ODD_LINE_COST = 10

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
                "torch==2.3.0\ntorch==2.3.0+cpu\ntorch===2.3.0+cpu\nredis===5.0\nredis==5.0.0\n"
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
                "redis===5.0  # expect: REQ006\nredis===5.0.0  # expect: REQ006\n"
            ),
            "services/jobs/app/main.py": "",
        },
        _CONFIG,
    ),
    Example(  # a file beside the services that each includes, not configured as the shared one:
        # the conflict is the including service's line, the one to change
        {
            "services/common.txt": "python-dotenv==1.0.1\n",
            "services/a/requirements.txt": "-r ../common.txt\npython-dotenv==1.0.0  # expect: REQ006\n",
            "services/a/app/main.py": "",
            "services/b/requirements.txt": "-r ../common.txt\n",
            "services/b/app/main.py": "",
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


@dataclass
class _Group:
    """Lines of one package that conflict with exactly the same lines: one exact version
    (``1.0`` and ``1.0.0`` alike), one range, or something else (several pins, a version
    packaging cannot read), compared line by line."""

    facts: List[RequirementFact] = field(default_factory=list)
    version: Optional[Version] = None  # the one exact pin
    public: Optional[Version] = None  # that version without its local part (``+cpu``)
    arbitrary: bool = False  # pinned with ``===``: that spelling of the version only
    allowed: Optional[SpecifierSet] = None  # the range of a line without a pin
    own: int = 0  # lines in the service's own files
    elsewhere: int = 0  # lines outside the shared requirements


@dataclass(frozen=True)
class _Clash:
    """What a line conflicts with: how many lines, the first ``SHOWN`` of them in file order,
    whether one is in the service's own files, and whether all are in the shared file."""

    count: int
    shown: List[RequirementFact]
    in_own: bool
    all_shared: bool


_ARBITRARY = "==="


def _group(fact: RequirementFact) -> Tuple[object, _Group]:
    if len(fact.pins) == 1:
        arbitrary = _ARBITRARY + fact.pins[0] in fact.specifier.split(",")
        try:
            version = Version(fact.pins[0])
        except InvalidVersion:
            return ("line", fact.pins, fact.specifier), _Group()
        public = Version(version.public)
        if not arbitrary:
            return ("pin", version), _Group(version=version, public=public)
        # pip compares `===` with a release's normalised spelling: `===1.0` is not `1.0.0`,
        # and a spelling that is not normalised (`===1.0-1`) names no release at all
        spelling = str(version).lower()
        if spelling != fact.pins[0].lower():
            return ("line", fact.pins, fact.specifier), _Group()
        return ("arbitrary", spelling), _Group(version=version, public=public, arbitrary=True)
    if not fact.pins:
        return ("range", fact.specifier), _Group(allowed=_range(fact))
    return ("line", fact.pins, fact.specifier), _Group()


def _clauses(group: _Group) -> int:
    """How many clauses a line's specifier holds (``>=1,<2``: 2): each is compared on its own."""
    return group.facts[0].specifier.count(",") + 1


class _Clashes:
    """The conflicts among the lines of one package in what one service installs.

    A conflict depends only on what two lines allow. Exact pins, the common case, are grouped
    by version and compared through what makes two versions installable together (the same
    version, or one without a local part that the other extends): thousands of distinct pins
    cost a pass each, never a comparison of each with every other. Only a range or an odd
    line is compared with each group."""

    def __init__(self, facts: Sequence[RequirementFact], own: Set[str], shared: Set[str]) -> None:
        self.order = {id(fact): index for index, fact in enumerate(facts)}
        groups: Dict[object, _Group] = {}
        self.group_of: Dict[int, _Group] = {}
        for fact in facts:
            key, new = _group(fact)
            group = groups.setdefault(key, new)
            group.facts.append(fact)
            group.own += fact.location.path in own
            group.elsewhere += fact.location.path not in shared
            self.group_of[id(fact)] = group
        self.pinned = [g for g in groups.values() if g.version is not None]
        self.others = [g for g in groups.values() if g.version is None]
        self.lines = len(groups)
        odd = sum(_clauses(group) for group in self.others if group.facts[0].pins)
        ranges = sum(_clauses(group) for group in self.others if not group.facts[0].pins)
        self.comparisons = ranges * len(self.pinned) + odd * len(groups) * ODD_LINE_COST
        self.total = _tally(self.pinned)
        self.same_public: Dict[Version, List[_Group]] = {}
        self.plain: Dict[Version, _Group] = {}  # public version -> its `==` group without a local part
        self.exact: Dict[Version, _Group] = {}  # version -> its `==` group
        self.arbitrary: Dict[Version, List[_Group]] = {}  # version -> its `===` groups (`1.0`, `1.0.0`)
        for group in self.pinned:
            version = cast(Version, group.version)
            self.same_public.setdefault(cast(Version, group.public), []).append(group)
            if group.arbitrary:
                self.arbitrary.setdefault(version, []).append(group)
                continue
            self.exact[version] = group
            if version.local is None:
                self.plain[cast(Version, group.public)] = group
        # clashes with a range or an odd line, judged one pair of groups at a time
        self.beside: Dict[int, List[_Group]] = {}
        for other in self.others if self.comparisons <= MAX_COMPARISONS else ():
            if other.facts[0].pins:  # an odd line: against every group
                for group in [*self.pinned, *self.others]:
                    if group is not other and _conflict(other.facts[0], group.facts[0]):
                        self.beside.setdefault(id(other), []).append(group)
                        if group.version is not None or not group.facts[0].pins:  # no turn of its own
                            self.beside.setdefault(id(group), []).append(other)
                continue
            allowed = other.allowed  # a range: against each pin (ranges never conflict)
            if allowed is None:
                continue
            for group in self.pinned:
                if not allowed.contains(cast(Version, group.version), prereleases=True):
                    self.beside.setdefault(id(other), []).append(group)
                    self.beside.setdefault(id(group), []).append(other)
        self.firsts = self._firsts(facts)
        self.known: Dict[int, _Clash] = {}

    def _firsts(self, facts: Sequence[RequirementFact]) -> List[RequirementFact]:
        """The lines in file order, each group's first ``SHOWN`` only: the first ``SHOWN`` lines
        of any set of groups are among them."""
        seen: Dict[int, int] = {}
        kept = []
        for fact in facts:
            group = id(self.group_of[id(fact)])
            seen[group] = seen.get(group, 0) + 1
            if seen[group] <= SHOWN:
                kept.append(fact)
        return kept

    def of(self, fact: RequirementFact) -> _Clash:
        group = self.group_of[id(fact)]
        if id(group) not in self.known:
            found = self._of_pin(group) if group.version is not None else self._of_other(group)
            self.known[id(group)] = found
        return self.known[id(group)]

    def _compatible(self, group: _Group) -> List[_Group]:
        """The pinned groups whose version pip can install as ``group``'s."""
        public, version = cast(Version, group.public), cast(Version, group.version)
        plain = self.plain.get(public)
        found = [group] if plain is None or plain is group else [group, plain]
        if group.arbitrary:  # `===1.0+cpu`: that release, which `==1.0` and `==1.0+cpu` take
            exact = self.exact.get(version) if version.local is not None else None
            return found if exact is None else [*found, exact]
        if version.local is None:  # `==1.0` takes `1.0+cpu` and `===1.0.0`
            return self.same_public[public]
        return [*found, *self.arbitrary.get(version, ())]  # `==1.0+cpu` takes `===1.0+cpu`

    def _of_pin(self, group: _Group) -> _Clash:
        compatible = self._compatible(group)
        extra = self.beside.get(id(group), [])
        count, own, elsewhere = self.total
        for sign, part in ((-1, compatible), (1, extra)):
            tally = _tally(part)
            count, own, elsewhere = (
                count + sign * tally[0],
                own + sign * tally[1],
                elsewhere + sign * tally[2],
            )
        skipped, wanted = {id(g) for g in compatible}, {id(g) for g in extra}
        shown = []
        for fact in self.firsts:
            other = self.group_of[id(fact)]
            if id(other) in wanted or (other.version is not None and id(other) not in skipped):
                shown.append(fact)
                if len(shown) == SHOWN:
                    break
        return _Clash(count, shown, own > 0, elsewhere == 0)

    def _of_other(self, group: _Group) -> _Clash:
        clashing = self.beside.get(id(group), [])
        count, own, elsewhere = _tally(clashing)
        firsts = (fact for other in clashing for fact in other.facts[:SHOWN])
        shown = heapq.nsmallest(SHOWN, firsts, key=lambda fact: self.order[id(fact)])
        return _Clash(count, shown, own > 0, elsewhere == 0)


def _tally(groups: Iterable[_Group]) -> Tuple[int, int, int]:
    """Lines, lines in the service's own files, lines outside the shared file."""
    lines = own = elsewhere = 0
    for group in groups:
        lines, own, elsewhere = lines + len(group.facts), own + group.own, elsewhere + group.elsewhere
    return lines, own, elsewhere


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
    if a.specifier == b.specifier:
        return False  # the same constraint repeated (REQ002 says whether it belongs there)
    if _ARBITRARY in a.specifier and a.specifier.lower() == b.specifier.lower():
        return False  # (`===FOOBAR` is `===foobar`: pip compares arbitrary versions so)
    if _ARBITRARY in a.specifier or _ARBITRARY in b.specifier:
        return not _installable_together(a, b)
    for pinned, other in ((a, b), (b, a)):
        for version in pinned.pins:
            if other.pins and not any(_pin_allows(pin, version) for pin in other.pins):
                return True
            allowed = _range(other)
            if allowed is not None and not other.pins and not allowed.contains(version, prereleases=True):
                return True
    return False


def _pinned(fact: RequirementFact) -> Optional[SpecifierSet]:
    """What a line takes, judged by its exact pins where it has any (as everywhere here)."""
    allowed = _range(fact)
    if allowed is None or not fact.pins:
        return allowed
    return SpecifierSet(",".join(str(s) for s in allowed if is_exact_pin(s)))


def _installable_together(a: RequirementFact, b: RequirementFact) -> bool:
    """Does a release that one of the lines pins satisfy both, as pip checks a release (a
    ``===`` pin takes only the release whose normalised spelling it is)? Exact where a line
    pins with ``===``: that line takes no other release."""
    allowed, other = _pinned(a), _pinned(b)
    if allowed is None or other is None:
        return True  # packaging cannot read one: no conflict is claimed
    for pin in (*a.pins, *b.pins):
        try:
            version = Version(pin)
        except InvalidVersion:
            continue  # no release is spelt so: pip installs only releases with valid versions
        if allowed.contains(version, prereleases=True) and other.contains(version, prereleases=True):
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
            # (a file several services include from outside their folders is no one's own line
            # to change, though it is not the configured shared file)
            files = requirements.service_files(service)
            own = {f for f in files if self._inside(f, service)} or set(files)
            by_name: Dict[str, List[RequirementFact]] = {}
            for fact in requirements.requirements_in(requirements.installed(service)):
                if installed_here(fact):  # pip skips a line whose marker is false (`; python_version < "3"`)
                    by_name.setdefault(fact.name, []).append(fact)
            for name, facts in by_name.items():
                clashing = _Clashes(facts, own, shared)
                if clashing.comparisons > MAX_COMPARISONS:
                    yield self._too_many(name, facts, clashing, own, service)
                    continue
                for fact in facts:
                    clash = clashing.of(fact)
                    where = (fact.location.path, fact.location.line)
                    if not clash.count or where in reported:
                        continue
                    if fact.location.path not in own and clash.in_own:
                        continue  # reported at the service's own line, which is the one to change
                    reported.add(where)
                    shown = [f"'{o.text}' ({o.location.path}:{o.location.line})" for o in clash.shown]
                    others = listed(shown, total=clash.count)
                    in_shared = fact.location.path in shared and clash.all_shared
                    yield self.violation(
                        fact.location,
                        message=SHARED_MESSAGE if in_shared else None,
                        related=[o.location for o in clash.shown],
                        requirement=fact.text,
                        others=others,
                        service=service,
                        shared=requirements.shared,
                    )

    def _inside(self, path: str, service: str) -> bool:
        unit = self.project.layout.owner(path)
        return unit is not None and unit.name == service

    def _too_many(
        self, name: str, facts: List[RequirementFact], clashing: _Clashes, own: Set[str], service: str
    ) -> Violation:
        """One finding for a package of more distinct lines than are compared: at its first line in
        the service's own files (else its first)."""
        first = next((fact for fact in facts if fact.location.path in own), facts[0])
        return self.violation(
            first.location,
            message=TOO_MANY_MESSAGE,
            requirement=first.text,
            lines=clashing.lines,
            package=name,
            service=service,
            compared=len(clashing.others),
            most=MAX_COMPARISONS,
            odd=ODD_LINE_COST,
        )
