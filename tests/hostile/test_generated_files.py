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
