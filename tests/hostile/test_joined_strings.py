"""One string is one finding: implicitly joined f-strings holding many URLs give one CFG001,
with a message of bounded length."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile._project import project, run


@pytest.mark.parametrize("count", [2, 3, 2000])
def test_joined_f_strings_give_one_bounded_finding(tmp_path: Path, count: int) -> None:
    parts = " ".join('f"http://localhost:{x}/a"' for _ in range(count))
    root = project(tmp_path, {"m.py": f"import httpx\nx = 1\nhttpx.Client(base_url={parts})\n"})
    result = run(root, "--no-cache", "--select", "CFG001", "--format", "json")
    found = json.loads(result.stdout)["violations"]
    assert [v["code"] for v in found] == ["CFG001"]
    assert len(found[0]["message"]) < 300
