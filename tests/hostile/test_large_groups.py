"""Thousands of copies of one name in one service: each finding costs a bounded share of the
group, never the whole group (a message names the first few and counts the rest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archcheck.project.ssot import Site
from archcheck.rule_api.rule import SHOWN
from tests.helpers import check


def test_each_copy_of_a_class_names_only_the_copies_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copies = 600
    (tmp_path / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["svc"]\n', encoding="utf-8")
    (tmp_path / "svc" / "app").mkdir(parents=True)
    for i in range(copies):
        (tmp_path / "svc" / "app" / f"m{i}.py").write_text(
            "class DatabaseManager:\n    pass\n", encoding="utf-8"
        )
    spelt = []
    real = Site.where
    monkeypatch.setattr(Site, "where", lambda self: spelt.append(1) or real(self))
    found = check(tmp_path, ["SSOT001"]).violations
    assert len(found) == copies and found[0].message.endswith(f"and {copies - 1 - SHOWN} more")
    assert len(spelt) <= SHOWN * copies
