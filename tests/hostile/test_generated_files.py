"""Generated files: thousands of definitions of one name cost linear time."""

from __future__ import annotations

from pathlib import Path

import pytest

from archcheck.rule_api.examples import Example
from tests.helpers import write_example

_APP = "services/orders-service/app/"


def test_copies_of_one_duplicated_class_are_not_compared_with_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A generated file of 300 ``class DatabaseManager`` copies: SSOT001's, never listed by
    SSOT003, so SSOT003 compares them only with the other names of the concept (linear, where
    every pair of copies took minutes for a few thousand)."""
    from archcheck.project import ssot
    from tests.helpers import check

    compared = []
    real = ssot.similar
    monkeypatch.setattr(ssot, "similar", lambda a, b, h: compared.append((a.name, b.name)) or real(a, b, h))
    text = "class DatabaseManager:\n    pass\n" * 300 + "class DatabaseConnectionManager:\n    pass\n"
    root = write_example(tmp_path, Example({_APP + "db.py": text}))
    codes = {v.code for v in check(root, ["SSOT001", "SSOT003"]).violations}
    assert "SSOT001" in codes
    assert compared and len(compared) <= 2 * 300
    assert all(a != b for a, b in compared)


class _CountingFacts(dict):  # type: ignore[type-arg]
    """Facts whose ``classes`` reads are counted: an index per file reads them once."""

    def __init__(self, facts: dict, reads: list) -> None:  # type: ignore[type-arg]
        super().__init__({path: _Counted(value, reads) for path, value in facts.items()})


class _Counted:
    def __init__(self, facts: object, reads: list) -> None:  # type: ignore[type-arg]
        self._facts, self._reads = facts, reads

    def __getattr__(self, name: str) -> object:
        if name in ("classes", "functions", "module_instances"):
            self._reads.append(name)
        return getattr(self._facts, name)


def test_lookups_in_a_file_of_thousands_of_classes_index_it_once(tmp_path: Path) -> None:
    """``ancestors`` of each of 2,000 classes, and 2,000 ``Depends(C<i>)`` resolved: each file's
    classes, functions and instances are read a bounded number of times, not once a lookup."""
    from archcheck import api
    from archcheck.pipeline import engine
    from archcheck.project.callables import Callables

    n = 2000
    text = "from fastapi import Depends\n" + "".join(f"class C{i}: pass\n" for i in range(n))
    text += "".join(f"def h{i}(x=Depends(C{i})): pass\n" for i in range(n))
    root = write_example(tmp_path, Example({_APP + "m.py": text}))
    project = engine._project(api.load_settings(root), None, 1, False, None).project
    reads: list = []  # type: ignore[type-arg]
    project.facts = _CountingFacts(dict(project.facts), reads)  # type: ignore[assignment]
    for i in range(n):
        project.ancestors(_APP + "m.py", f"C{i}")
    assert reads.count("classes") < 10
    reads.clear()
    assert len(list(Callables(project).uses({"Depends"}))) == 0  # classes: resolved, not protocol functions
    assert len(reads) < 100
