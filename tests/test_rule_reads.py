"""Every rule reads no fact field beyond what it declares in ``reads``.

A rule whose declared inputs did not change is not run again: its findings come
from the last run. So a rule that read an undeclared field could report stale
findings. Here every rule runs on every fixture and on its own examples with
facts that record which fields are read (and whether file text is read beyond
facts), on a fresh project each time, so nothing computed for another rule hides
a read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Collection, Dict, Iterator, List, Mapping, Optional, Sequence, Set, Type

import pytest

from archcheck import api
from archcheck.model import CallFacts, FileFacts
from archcheck.pipeline import engine
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

    def mentioning(self, names: Mapping[str, Collection[str]]) -> List[str]:
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


@pytest.mark.parametrize("rule", catalogue(), ids=lambda r: r.code)
def test_rule_reads_only_what_it_declares(tmp_path: Path, rule: Type[Rule]) -> None:
    roots: Dict[str, Path] = {}
    for index, example in enumerate([*rule.valid, *rule.invalid]):
        (tmp_path / f"example{index}").mkdir()
        roots[f"example {index}"] = write_example(tmp_path / f"example{index}", example)
    for name in FIXTURE_NAMES:
        roots[name] = copy_fixture(tmp_path, name)
    for where, root in roots.items():
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
