"""`archcheck find --limit 0` and SSOT003 on thousands of classes: each costs a bounded share,
never a pass over every other hit, canonical or ancestor."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest

from archcheck import api
from archcheck.model import Location
from archcheck.output import find as finder
from archcheck.project.project import ANCESTOR_WALK
from archcheck.project.ssot import Hierarchy, Site

CLASSES = 300


def _project(root: Path, canonicals: int = 0) -> Path:
    (root / "svc" / "app").mkdir(parents=True)
    table = "".join(f'DatabaseManager{i} = "svc/app/m.py"\n' for i in range(canonicals))
    (root / "pyproject.toml").write_text(
        '[tool.archcheck]\nservices = ["svc"]\n'
        + ("[tool.archcheck.ssot.canonical]\n" + table if table else ""),
        encoding="utf-8",
    )
    body = "".join(
        f'class DatabaseManager{i}:\n    """Manages database {i}."""\n    def connect(self): ...\n\n'
        for i in range(CLASSES)
    )
    (root / "svc" / "app" / "m.py").write_text(body, encoding="utf-8")
    return root


def test_each_file_is_read_once_for_the_docstrings_of_its_hits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each hit read, decoded and split its whole file (8,000 classes in one file: 77 s)."""
    root = _project(tmp_path)
    index = api.find_index(api.load_settings(root), jobs=1)
    read: List[str] = []
    real = finder.read_project_file
    monkeypatch.setattr(
        finder, "read_project_file", lambda top, path, *a: read.append(path) or real(top, path, *a)
    )
    hits = finder.search(index, root, "database manager", limit=0)
    assert len(hits) == CLASSES and hits[0].doc.startswith("Manages database")
    assert {h.doc for h in hits} == {f"Manages database {i}." for i in range(CLASSES)}
    assert read == ["svc/app/m.py"]


def test_canonicals_are_matched_to_hits_by_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each canonical scanned and rebuilt the whole hit list (8,000 of each: 18 s)."""
    root = _project(tmp_path, canonicals=CLASSES)
    index = api.find_index(api.load_settings(root), jobs=1)
    compared: List[int] = []
    real = finder.Hit.__eq__
    monkeypatch.setattr(finder.Hit, "__eq__", lambda a, b: compared.append(1) or real(a, b))
    hits = finder.search(index, root, "database manager", limit=0)
    assert len(hits) == CLASSES and all(h.canonical for h in hits)
    assert len(compared) < CLASSES


def test_an_inheritance_chain_keeps_a_bounded_ancestry_per_class() -> None:
    """Every class kept its whole ancestry: a chain of 8,000 classes took 13 s and 1.9 GB."""
    chain = [
        Site(
            f"Manager{i}",
            "svc/app/m.py",
            Location("svc/app/m.py", i + 1),
            bases=(f"Manager{i - 1}",) if i else (),
        )
        for i in range(2_000)
    ]
    hierarchy = Hierarchy(chain)
    assert len(hierarchy.ancestors("Manager1999")) == ANCESTOR_WALK
    assert hierarchy.ancestors("Manager5") == {f"Manager{i}" for i in range(5)}
    assert hierarchy.designed_together("Manager1999", "Manager1950")


def test_a_long_docstring_line_is_masked_up_to_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run 92a/14: the first line of a docstring went whole to the code reading, whose
    tokenizer is quadratic on a line of escaped quotes (80 KB: 30 s). Only what can reach the
    shown part is read; a secret there is still masked."""
    from archcheck.facts import secret_strings

    read: List[int] = []
    original = secret_strings.masked_code
    monkeypatch.setattr(
        secret_strings,
        "masked_code",
        lambda text, nested=False: read.append(len(text)) or original(text, nested),
    )
    line = '    """password = \\"S3cret\\" ' + '\\"password\\": \\"' * 5_000 + '"""'
    shown = finder._first_line(["class A:", line, "    pass"], 1)
    assert read and max(read) <= finder._MASKED_LENGTH
    assert "S3cret" not in shown and shown.startswith("password = ")
