"""Every rule reads no fact field beyond what it declares in ``reads``.

A rule whose declared inputs did not change is not run again: its findings come
from the last run. So a rule that read an undeclared field could report stale
findings. Here every rule runs on every fixture and on its own examples with
facts that record which fields are read (and whether file text is read beyond
facts), on a fresh project each time, so nothing computed for another rule hides
a read.
"""

from __future__ import annotations

import enum
import typing
from pathlib import Path
from typing import (
    Any,
    Dict,
    FrozenSet,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    Set,
    Tuple,
    Type,
)

import msgspec
import pytest

from archcheck import api
from archcheck.model import CallFacts, FileFacts, Location, Severity, Violation
from archcheck.pipeline import engine
from archcheck.pipeline.filephase import views_of
from archcheck.pipeline.registry import catalogue
from archcheck.project.project import Project
from archcheck.rule_api.rule import Rule
from tests.helpers import FIXTURES, copy_fixture, write_example

FIXTURE_NAMES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "bad_config")


class _Recorded:
    """A file's facts that note every field read."""

    def __init__(self, facts: FileFacts, seen: Set[str]) -> None:
        self._facts, self._seen = facts, seen

    def __getattr__(self, name: str) -> Any:
        self._seen.add(name)
        return getattr(self._facts, name)


class _RecordingFacts(Mapping[str, Any]):
    def __init__(self, facts: Mapping[str, FileFacts], seen: Set[str]) -> None:
        self._facts, self._seen = facts, seen

    def __getitem__(self, path: str) -> Any:
        return _Recorded(self._facts[path], self._seen)

    def __iter__(self) -> Iterator[str]:
        return iter(self._facts)

    def __len__(self) -> int:
        return len(self._facts)


class _RecordingSource:
    def __init__(self, source: Any, seen: Set[str]) -> None:
        self._source, self._seen = source, seen

    def mentioning(self, names: Mapping[str, Sequence[FrozenSet[str]]]) -> List[str]:
        self._seen.add("contents")
        return list(self._source.mentioning(names))

    def load(self, paths: Sequence[str]) -> Mapping[str, CallFacts]:
        self._seen.add("contents")
        return dict(self._source.load(paths))

    def lines(self, path: str) -> Optional[List[str]]:
        self._seen.add("contents")
        return self._source.lines(path)  # type: ignore[no-any-return]


def reads_of(rule: Type[Rule], root: Path) -> Set[str]:
    settings = api.load_settings(root)
    analysis = engine._project(settings, None, 1, False, None)
    base = analysis.project
    seen: Set[str] = set()
    requirements = base.requirements
    requirements.facts = dict(_RecordingFacts(requirements.facts, seen))  # type: ignore[arg-type]
    project = Project(
        settings,
        base.layout,
        _RecordingFacts(analysis.facts, seen),  # type: ignore[arg-type]
        requirements,
        _RecordingSource(analysis.calls, seen),
    )
    list(rule(project).check())
    return seen - {"path"}


def declared(rule: Type[Rule]) -> Set[str]:
    if "*" in rule.reads:
        return set(FileFacts.__struct_fields__) | set(rule.reads)
    return set(rule.reads)


def _roots(tmp_path: Path, rule: Type[Rule]) -> Dict[str, Path]:
    roots: Dict[str, Path] = {}
    for index, example in enumerate([*rule.valid, *rule.invalid]):
        (tmp_path / f"example{index}").mkdir()
        roots[f"example {index}"] = write_example(tmp_path / f"example{index}", example)
    for name in FIXTURE_NAMES:
        roots[name] = copy_fixture(tmp_path, name)
    return roots


@pytest.mark.parametrize("rule", catalogue(), ids=lambda r: r.code)
def test_rule_reads_only_what_it_declares(tmp_path: Path, rule: Type[Rule]) -> None:
    for where, root in _roots(tmp_path, rule).items():
        undeclared = reads_of(rule, root) - declared(rule)
        assert not undeclared, (
            f"{rule.code} reads {sorted(undeclared)} on {where} but declares {sorted(rule.reads)}"
        )


def test_the_recorder_sees_reads() -> None:
    """The check above can fail: a rule that reads a field it does not declare is caught."""
    seen: Set[str] = set()
    facts = _RecordingFacts({"a.py": FileFacts("a.py")}, seen)
    assert facts["a.py"].imports == ()
    assert seen == {"imports"}


# --- reads_attributes: a rule that reads some attributes of a field takes nothing else from it


def _changed(value: Any) -> Any:
    """Another value of the same kind: moved lines, a flipped flag, one more name."""
    if isinstance(value, Location):
        return Location(
            value.path, value.line + 100, value.column + 3, value.end_line + 100, value.end_column + 3
        )
    if isinstance(value, enum.Enum):
        members = list(type(value))
        return members[(members.index(value) + 1) % len(members)]
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 7
    if isinstance(value, str):
        return value + "_q"
    if isinstance(value, tuple):
        return tuple(_changed(item) for item in value) if value else ("q_",)
    if isinstance(value, msgspec.Struct):
        return msgspec.structs.replace(
            value, **{name: _changed(getattr(value, name)) for name in value.__struct_fields__}
        )
    return value


def _scrambled(facts: FileFacts, views: Sequence[Tuple[str, Tuple[str, ...]]]) -> FileFacts:
    """``facts`` with every attribute beyond each view's changed, in the view's field."""
    changes = {}
    for name, kept in views:
        changes[name] = tuple(
            msgspec.structs.replace(
                item, **{a: _changed(getattr(item, a)) for a in item.__struct_fields__ if a not in kept}
            )
            for item in getattr(facts, name)
        )
    return msgspec.structs.replace(facts, **changes)


def findings_of(rule: Type[Rule], root: Path, scramble: bool) -> List[Violation]:
    settings = api.load_settings(root)
    analysis = engine._project(settings, None, 1, False, None)
    base = analysis.project
    views = views_of(rule.reads_attributes) if scramble else ()
    facts = {path: _scrambled(analysis.facts[path], views) for path in analysis.facts}
    project = Project(settings, base.layout, facts, base.requirements, analysis.calls)
    return list(rule(project).check())


PARTIAL_READERS = [rule for rule in catalogue() if rule.reads_attributes]


@pytest.mark.parametrize("rule", PARTIAL_READERS, ids=lambda r: r.code)
def test_a_rule_takes_nothing_from_a_field_beyond_the_attributes_it_declares(
    tmp_path: Path, rule: Type[Rule]
) -> None:
    """Its findings do not change when every other attribute of those facts does (positions
    moved by 100 lines, flags flipped, names lengthened): a run that sees only those change
    reuses its last findings."""
    for where, root in _roots(tmp_path, rule).items():
        assert findings_of(rule, root, scramble=True) == findings_of(rule, root, scramble=False), where


def test_every_declared_attribute_is_one_of_a_read_fields_facts() -> None:
    hints = typing.get_type_hints(FileFacts)
    for rule in PARTIAL_READERS:
        for name, attributes in views_of(rule.reads_attributes):
            assert name in rule.reads, f"{rule.code}: {name} is not in reads"
            (kind,) = set(typing.get_args(hints[name])) - {Ellipsis}
            assert set(attributes) <= set(kind.__struct_fields__), f"{rule.code}: {name}.{attributes}"


class _ImportPlaces(Rule, code="TST001", name="import-places", severity=Severity.ERROR, message="import",
                    fix="", docs="", valid=(), invalid=()):  # fmt: skip
    """A rule that reports where imports are, but declares it reads only their modules."""

    reads = frozenset({"imports"})
    reads_attributes = frozenset({"imports.module"})

    def check(self) -> Iterator[Violation]:
        for path in self.project.facts:
            for fact in self.project.facts[path].imports:
                yield self.violation(fact.location)


def test_the_scramble_catches_a_position_taken_from_a_partly_read_field(tmp_path: Path) -> None:
    """The check above can fail: a finding at an import's position differs once it moved."""
    root = copy_fixture(tmp_path, "demo")
    plain = findings_of(_ImportPlaces, root, scramble=False)
    assert plain and findings_of(_ImportPlaces, root, scramble=True) != plain
