"""A service requirement that the shared requirements file already provides.

## What it does
Flags each requirement in a service's own requirements files whose package
(by canonical name: `Django`, `django` and `python_dotenv`, `python-dotenv` are one each) is already listed
in the shared requirements file or the files it includes. The message says
whether the versions differ. The shared file is for the services below its
folder (all of them when it is at the root) and for any service that
includes it. A copy of the shared file kept inside a service (same file name,
or the same packages) is reported once, and only when it has drifted from
the original, naming the lines that differ. Lines that pip-compile marks as
pulled in by another package (`# via httpx`) are not compared.

## Why is this bad?
Two places now pin one package. When the shared pin moves, the service's
copy stays behind (`python-dotenv==1.0.0` against the shared `1.0.1`), and
pip either fails on the conflict or installs something nobody chose.

## Example
```text
-r ../../requirements.shared.txt
fastapi==0.116.1
```

## Use instead
```text
-r ../../requirements.shared.txt
```

## Fix
`archcheck check --fix` removes the service's line (with its continuation lines and
pip-compile's `# via` annotation) when the shared file asks for the same thing: the same
version specifier (or none here), extras the shared line has, the same marker. Not applied,
and reported, when the versions differ (removing the line would change what the service
installs), when a file of the service that installs the line does not install the shared
file yet (include it first: REQ001's fix), or when the package is a database driver (it
belongs to the service: the shared file should drop it, REQ003). A drifted copy of the shared
file has no fix.
"""

import functools
import itertools
import re
from typing import Dict, FrozenSet, Iterator, List, Mapping, Optional, Sequence, Set, Tuple, Union

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from archcheck.facts.markers import marker_text, never_together
from archcheck.facts.requirements_txt import release
from archcheck.model import Location, RequirementFact, Severity, Violation
from archcheck.rule_api.examples import Example
from archcheck.rule_api.fixes import LineEdit, LineFix, NotFixed, Offer
from archcheck.rule_api.rule import Rule

MESSAGE = "'{requirement}' is already in the shared requirements ({shared}){difference}"
FIX = "remove the line and rely on the shared requirements file"

COPY_MESSAGE = "'{copy}' is a copy of the shared requirements file '{shared}' and has drifted: {changes}"
COPY_FIX = "copy the shared requirements file again (or include it with -r where the build context allows)"

_CONFIG = 'services = ["services/*"]\n'
VALID = [
    Example(
        {
            "requirements.shared.txt": (
                'fastapi==0.116.1\n-r shared/base.txt\nuvloop==0.19.0; sys_platform != "win32"\n'
            ),
            "shared/base.txt": "pydantic==2.7.1\n",
            "services/orders/requirements.txt": (
                "-r ../../requirements.shared.txt\nstripe==10.1.0\n-c constraints.txt\n"
                # (markers never true together: each line installs it where the other does not)
                'uvloop==0.17.0; sys_platform == "win32"\n'
            ),
            "services/orders/constraints.txt": "fastapi==0.116.1\n",
            "services/orders/app/main.py": "",
            # a copy kept in the service's own build context, identical to the shared file
            "services/worker/requirements.txt": "-r requirements.shared.txt\ncelery==5.4.0\n",
            "services/worker/requirements.shared.txt": (
                'fastapi==0.116.1\n-r ../../shared/base.txt\nuvloop==0.19.0; sys_platform != "win32"\n'
            ),
            "services/worker/app/main.py": "",
            # a pip-compile lock file: pins pulled in by other packages repeat the shared ones by nature
            "services/search/requirements.txt": (
                "-r ../../requirements.shared.txt\nopensearch-py==3.0.0\n    # via -r requirements.in\n"
                "pydantic==2.7.1\n    # via\n    #   opensearch-py\n"
            ),
            "services/search/app/main.py": "",
        },
        _CONFIG,
    ),
]
INVALID = [
    Example(
        {
            "requirements.shared.txt": "FastAPI==0.116.1\npython-dotenv==1.0.1\nhttpx==0.27.0\n-r shared/base.txt\n",
            "shared/base.txt": "pydantic==2.7.1\n",
            "services/orders/requirements.txt": (
                "-r ../../requirements.shared.txt\n"
                "fastapi==0.116.1  # expect: REQ002\n"
                "python_dotenv==1.0.0  # expect: REQ002\n"
                "Pydantic  # expect: REQ002\n"
                "stripe==10.1.0\n"
                "httpx==0.27.0  # archcheck: ignore[REQ002]\n"
            ),
            "services/billing/requirements.txt": "fastapi==0.116.1  # expect: REQ002\n",
            "services/orders/app/main.py": "",
            "services/billing/app/main.py": "",
            # a copy that drifted: one finding, at its first line that differs
            "services/worker/requirements.txt": "-r requirements.shared.txt\n",
            "services/worker/requirements.shared.txt": (
                "FastAPI==0.116.1\npython-dotenv==1.0.0  # expect: REQ002\nhttpx==0.27.0\n-r ../../shared/base.txt\n"
            ),
            "services/worker/app/main.py": "",
        },
        _CONFIG,
        fixed={
            "services/orders/requirements.txt": (
                "-r ../../requirements.shared.txt\n"
                "python_dotenv==1.0.0  # expect: REQ002\n"
                "stripe==10.1.0\n"
                "httpx==0.27.0  # archcheck: ignore[REQ002]\n"
            ),
            # not fixed: it does not install the shared file yet (REQ001 would include it)
            "services/billing/requirements.txt": "fastapi==0.116.1  # expect: REQ002\n",
            "services/worker/requirements.shared.txt": (
                "FastAPI==0.116.1\npython-dotenv==1.0.0  # expect: REQ002\nhttpx==0.27.0\n-r ../../shared/base.txt\n"
            ),
        },
    ),
    Example(
        {
            "requirements.shared.txt": (
                "fastapi[all]==0.116.1\nuvicorn==0.30.1 ; python_version >= '3.9'\nasyncpg==0.30.0\n"
            ),
            "services/orders/requirements.txt": (
                "-r ../../requirements.shared.txt\n"
                "fastapi==0.116.1 --hash=sha256:00  # expect: REQ002\n"
                "    # via -r requirements.in\n"
                "uvicorn==0.30.1  # expect: REQ002\n"
                "stripe==10.1.0\n"
                "asyncpg==0.30.0  # expect: REQ002\n"
            ),
            "services/orders/app/main.py": "",
        },
        _CONFIG,
        fixed={
            # uvicorn stays: the shared line installs it only on some Pythons; asyncpg stays: a
            # driver belongs to the service (the shared file should drop it)
            "services/orders/requirements.txt": (
                "-r ../../requirements.shared.txt\nuvicorn==0.30.1  # expect: REQ002\nstripe==10.1.0\n"
                "asyncpg==0.30.0  # expect: REQ002\n"
            ),
        },
    ),
]


def describe(fact: RequirementFact) -> str:
    return f"{fact.text} in {fact.location.path}:{fact.location.line}"


class DuplicatedSharedRequirement(
    Rule,
    code="REQ002",
    name="duplicated-shared-requirement",
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
        shared: Dict[str, List[RequirementFact]] = {}  # (a package's lines, each with its marker)
        for fact in requirements.requirements_in(requirements.shared_closure()):
            shared.setdefault(fact.name, []).append(fact)
        if not shared:
            return
        # (the shared line a service's line repeats, else the first installed where it is)
        same = {_spec(fact): fact for lines in shared.values() for fact in reversed(lines)}
        markers: Dict[str, List[RequirementFact]] = {}
        for name, lines in shared.items():
            firsts: Dict[Optional[str], RequirementFact] = {}
            for line in lines:
                firsts.setdefault(marker_text(line.text), line)
            markers[name] = list(firsts.values())
        for service in sorted(requirements.sharing & requirements.roots.keys()):
            for fact in requirements.requirements_in(requirements.service_files(service)):
                if not fact.direct:
                    continue  # a lock file's transitive pins repeat the shared ones by nature
                # (the shared line installed where this one is: not `; sys_platform == "win32"`
                # here and `!= "win32"` shared, each line its own; the same line first)
                other = same.get(_spec(fact)) if fact.name in shared else None
                if other is None and fact.name in shared:  # (a marker's first line asked, in order)
                    asked = markers[fact.name]
                    other = next((o for o in asked[:_MARKERS_ASKED] if not never_together(fact, o)), None)
                if other is None:
                    continue
                difference = ""
                ranges = fact.specifier and other.specifier and fact.specifier != other.specifier
                if _source(fact) != _source(other):  # (`hh @ https://…/hh-1.0.tar.gz` and `hh==1.0`)
                    difference = f"; sources differ: '{fact.text}' here, '{other.text}' shared"
                elif fact.pins and other.pins and not _same_pins(fact.pins, other.pins):
                    difference = (
                        f"; versions differ: {', '.join(fact.pins)} here, {', '.join(other.pins)} shared"
                    )
                elif ranges and _versions(fact) != _versions(other):
                    # (ranges, `~=1.0` and `~=1.0.0`, or `===1.0` and `===1.0.0`)
                    difference = f"; versions differ: {fact.specifier} here, {other.specifier} shared"
                yield self.violation(
                    fact.location,
                    related=[other.location],
                    requirement=fact.text,
                    shared=describe(other),
                    difference=difference,
                )
        yield from self._drifted_copies(shared)

    def autofix(self, violation: Violation) -> Offer:
        requirements = self.project.requirements
        path = violation.location.path
        if path in requirements.copies or path not in requirements.facts or requirements.shared is None:
            return None  # a drifted copy is copied again by hand
        here = self.project.at("requirements", path, lambda: requirements.facts[path].requirements)
        fact = next(iter(here.get(violation.location, ())), None)
        if fact is None:
            return None
        lines = self._by_name(requirements.shared).get(fact.name, ())
        # the shared line written as this one (looked up: thousands of lines of one package, each
        # compared with every other, took minutes), else one of the first lines that installs it
        # as this one does, else the first installed where this one is, to say why not
        same = self.project.derived(
            f"requirements.shared-lines:{fact.name}",
            lambda: {(_source(s), _spec(s)): s for s in reversed(lines)},
        )
        asked = lines[:_MARKERS_ASKED]
        together = next((s for s in asked if not never_together(fact, s)), next(iter(lines), None))
        shared = same.get((_source(fact), _spec(fact))) or next(
            (s for s in asked if _removal_changes(fact, s) is None), together
        )
        if shared is None:
            return None
        drivers = {canonicalize_name(d) for d in self.option("requirements.database-drivers")}
        if fact.name in drivers:
            return NotFixed(
                f"'{fact.name}' is a database driver: it belongs to the service, and the shared file "
                "should drop it (REQ003)"
            )
        reason = _removal_changes(fact, shared)
        if reason is not None:
            return NotFixed(reason)
        installers = self.project.derived(
            f"requirements.installers:{path}",
            lambda: sorted(
                r for roots in requirements.roots.values() for r in roots if path in requirements.closure(r)
            ),
        )
        for root in installers:
            texts = self._by_text(root).get(fact.name, {})
            written = texts.get(fact.text)  # (the line itself elsewhere, looked up first)
            if written is not None and any(place != fact.location for place in written[1]):
                continue
            others = (
                first
                for text, (first, places) in itertools.islice(texts.items(), _MARKERS_ASKED)
                if text != fact.text or any(place != fact.location for place in places)
            )
            if not any(_removal_changes(fact, other) is None for other in others):
                return NotFixed(
                    f"'{root}' does not install the shared requirements file yet: removing the line would "
                    "drop the package (include the shared file first)"
                )
        if not installers:
            return None
        change = functools.partial(remove_requirement, line=fact.location.line, text=fact.text)
        return LineFix(path, change, f"remove '{fact.text}'")

    def _by_name(self, start: str) -> Mapping[str, Sequence[RequirementFact]]:
        """The requirements of the files ``start`` includes (itself first) by name, in order,
        indexed once: an autofix per line of a long file looked them up by a scan."""
        requirements = self.project.requirements

        def index() -> Dict[str, List[RequirementFact]]:
            found: Dict[str, List[RequirementFact]] = {}
            for fact in requirements.requirements_in(requirements.closure(start)):
                found.setdefault(fact.name, []).append(fact)
            return found

        return self.project.derived(f"requirements.by-name:{start}", index)

    def _by_text(self, start: str) -> Mapping[str, Mapping[str, Tuple[RequirementFact, List[Location]]]]:
        """Name -> each distinct line of that package in what ``start`` installs: its first fact
        and its first two places. Whether removing a line keeps the package depends only on
        the other lines' text, so a file of thousands of copies of one line is one line to
        compare with, not thousands per finding."""

        def index() -> Dict[str, Dict[str, Tuple[RequirementFact, List[Location]]]]:
            found: Dict[str, Dict[str, Tuple[RequirementFact, List[Location]]]] = {}
            for name, facts in self._by_name(start).items():
                for fact in facts:
                    _, places = found.setdefault(name, {}).setdefault(fact.text, (fact, []))
                    if len(places) < 2:
                        places.append(fact.location)
            return found

        return self.project.derived(f"requirements.by-text:{start}", index)

    def _drifted_copies(self, shared: Dict[str, List[RequirementFact]]) -> Iterator[Violation]:
        """One finding per copy of the shared file whose requirements differ from it (a
        package's lines compared as a set: each marker's line)."""
        requirements = self.project.requirements
        # (each package's lines read once, however many lines a copy holds of it)
        shared_specs = {name: _specs(facts) for name, facts in shared.items()} if requirements.copies else {}
        for path in sorted(requirements.copies):
            copy: Dict[str, List[RequirementFact]] = {}
            for fact in requirements.requirements_in(requirements.closure(path)):
                copy.setdefault(fact.name, []).append(fact)
            changes = [
                f"{_texts(facts)} here, {_texts(shared[name])} shared"
                for name, facts in sorted(copy.items())
                if name in shared and _specs(facts) != shared_specs[name]
            ]
            changes += [
                f"{_texts(facts)} only here" for name, facts in sorted(copy.items()) if name not in shared
            ]
            changes += [
                f"{_texts(facts)} missing" for name, facts in sorted(shared.items()) if name not in copy
            ]
            if changes:
                drifted = (
                    f
                    for name, facts in copy.items()
                    for f in facts
                    if _spec(f) not in shared_specs.get(name, ())
                )
                first = min(drifted, key=_line, default=None)
                where = first.location if first else Location(path, 1, 1, 1, 1)
                yield self.violation(
                    where,
                    message=COPY_MESSAGE,
                    fix=COPY_FIX,
                    copy=path,
                    shared=requirements.shared,
                    changes="; ".join(changes),
                )


def _spec(fact: RequirementFact) -> object:
    """What a line asks pip for, as parsed: its name, extras, versions (`==0.110` is `==0.110.0`),
    marker and URL, in any order and spelling (`python_dotenv` is `python-dotenv`); as written,
    spaces and case aside, where it does not parse."""
    return _parsed_spec(fact.text)


@functools.lru_cache(maxsize=16384)  # (--fix asks for each pair of a package's lines)
def _parsed_spec(text: str) -> object:
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return text.replace(" ", "").lower()
    versions = frozenset(_version_spec(s.operator, s.version) for s in requirement.specifier)
    marker = _marker_key(requirement)
    return (
        canonicalize_name(requirement.name),
        _extras(requirement),
        versions,
        marker,
        requirement.url,
    )


def _source(fact: RequirementFact) -> object:
    """Where a line installs from: its URL (`name @ https://…`, pip's `git+https://…#egg=name`),
    None from an index."""
    spec = _spec(fact)
    if isinstance(spec, tuple):
        return _without_egg(spec[4]) if isinstance(spec[4], str) else None
    text = fact.text.strip()
    # (a URL, or a local path as written, its case kept: `./Wheels/…` is not `./wheels/…`)
    return _without_egg(text) if "://" in text or text.startswith((".", "/", "~")) else None


def _without_egg(url: str) -> str:
    """A URL without its fragment's `egg=`, which names the package, not where it is
    (`…#egg=foo&subdirectory=foo` is `foo @ …#subdirectory=foo`'s source)."""
    url, _, fragment = url.partition("#")
    kept = "&".join(p for p in sorted(fragment.split("&")) if p and not p.startswith("egg="))
    return f"{url}#{kept}" if kept else url


def _versions(fact: RequirementFact) -> object:
    """A line's version clauses as pip reads them (``_parsed_spec``'s)."""
    spec = _spec(fact)
    return spec[2] if isinstance(spec, tuple) else spec


def _extras(requirement: Requirement) -> FrozenSet[str]:
    """A requirement's extras as pip reads them (PEP 685: `Standard` is `standard`, `a_b` is `a-b`)."""
    return frozenset(canonicalize_name(extra) for extra in requirement.extras)


def _marker_key(requirement: Requirement) -> object:
    """A marker as its clauses, in any order (`a and b` is `b and a`, and so for `or` and in
    brackets), each as parsed (quotes and spaces aside); "" for no marker. Two markers true in
    the same modelled environments may still differ where none is modelled
    (`python_full_version >= "3.8.1"` and `>= "3.8.5"`), so that is no sameness."""
    if requirement.marker is None:
        return ""
    parsed = getattr(requirement.marker, "_markers", None)  # (packaging's parse; as written without it)
    return _clauses(parsed) if isinstance(parsed, list) else str(requirement.marker)


def _clauses(parsed: List[object]) -> FrozenSet[FrozenSet[object]]:
    """A parsed marker (packaging nests a bracket as a list, at most 200 deep) as the `or` of
    its `and`s, each clause as its parts' kinds and values; brackets that change nothing are
    read through (`(a and b) and c` is `a and b and c`, `a or (b or c)` is `a or b or c`)."""
    alternatives: Set[FrozenSet[object]] = set()
    groups: List[List[object]] = [[]]  # each `and` group, the `or`s between them
    for item in parsed:
        if item == "or":
            groups.append([])
        elif isinstance(item, list):
            inner = _clauses(item)
            # (an `and` in brackets: its clauses; an `or`: one clause of this `and`)
            groups[-1].extend(next(iter(inner))) if len(inner) == 1 else groups[-1].append(inner)
        elif isinstance(item, tuple):
            groups[-1].append(tuple((type(part).__name__, getattr(part, "value", part)) for part in item))
    for group in groups:
        alone = group[0] if len(group) == 1 else None  # (an `or` in brackets alone: its alternatives)
        alternatives.update(alone) if isinstance(alone, frozenset) else alternatives.add(frozenset(group))
    return frozenset(alternatives)


def _version_spec(operator: str, version: str) -> Tuple[str, object]:
    """A version clause as pip reads it: `==0.110` is `==0.110.0`, but `~=0.110` (below 1)
    is not `~=0.110.0` (below 0.111): there the release's length counts; nor is `===1.0`
    `===1.0.0` (arbitrary equality: the version as written but for its case, as pip compares it)."""
    if operator == "===":
        return operator, version.lower()
    try:
        parsed = Version(version)
    except InvalidVersion:  # (`==1.*`)
        return operator, version
    return operator, (parsed, len(parsed.release)) if operator == "~=" else parsed


def _specs(facts: Sequence[RequirementFact]) -> FrozenSet[object]:
    return frozenset(map(_spec, facts))


def _texts(facts: Sequence[RequirementFact]) -> str:
    return ", ".join(fact.text for fact in facts)


# a package's shared markers asked for one line (past them, none is taken as installed where
# the line is: a finding only where one is known)
_MARKERS_ASKED = 256


def _same_pins(mine: Tuple[str, ...], theirs: Tuple[str, ...]) -> bool:
    return {release(v) for v in mine} == {release(v) for v in theirs}


def _line(fact: RequirementFact) -> int:
    return fact.location.line


def _removal_changes(fact: RequirementFact, shared: RequirementFact) -> Optional[str]:
    """Why removing ``fact`` would change what is installed next to ``shared``; None if it would not."""
    where = f"'{fact.text}' here, '{shared.text}' shared"
    if _source(fact) != _source(shared):  # (`name @ URL`, pip's `git+…#egg=name`)
        return f"sources differ ({where})"
    if _spec(fact) == _spec(shared):
        return None  # (the same line, also one packaging cannot read: `git+…#egg=name`)
    mine, theirs = _spec(fact), _spec(shared)  # (as parsed, each line once: --fix asks every pair)
    if not isinstance(mine, tuple) or not isinstance(theirs, tuple):
        return f"'{fact.text}' cannot be compared with '{shared.text}'"
    if fact.specifier and mine[2] != theirs[2]:  # `==1` is `==1.0`, `===A` `===a`
        return f"versions differ ({where}): removing the line changes what is installed"
    if not mine[1] <= theirs[1]:
        return f"extras differ ({where}): removing the line drops extras"
    if theirs[3] != "" and mine[3] != theirs[3]:
        return f"markers differ ({where}): the shared line does not install it everywhere this one does"
    return None


# pip-compile's annotation of the line above: `    # via httpx`, or `    # via` then one
# `    #   -r requirements.in` line per reason (not another comment: a team's note stays)
_VIA = re.compile(r"[ \t]+#[ \t]*via\b")
_VIA_REASON = re.compile(r"[ \t]+#[ \t]{2,}\S")


def _continues(line: str) -> bool:
    """Whether pip joins the next line to this one (as ``requirements_txt._logical_lines``)."""
    return line.endswith("\\") and not line.lstrip().startswith("#")


def remove_requirement(lines: Sequence[str], *, line: int, text: str) -> Union[LineEdit, NotFixed]:
    """The codemod: remove the requirement at ``line``, its continuation lines and its annotation."""
    last = line  # pip's continuation: a line ending in a backslash (nothing after it), not a
    while last <= len(lines) and _continues(lines[last - 1]):  # comment; the line after ends it
        last += 1
    joined = "".join(part[:-1] if _continues(part) else part for part in lines[line - 1 : last])
    if line > len(lines) or not re.search(rf"(?<![\w.-]){re.escape(text)}(?![\w.-])", joined):
        return NotFixed("the line is not where it was read")  # `redis==5.0` is no `types-redis==5.0.1`
    last = min(last, len(lines))
    if last < len(lines) and _VIA.match(lines[last]):
        last += 1
        while last < len(lines) and _VIA_REASON.match(lines[last]):
            last += 1
    return LineEdit(line, last, ())
