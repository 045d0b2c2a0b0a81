"""The daily SSOT audit: metrics per service and a trend over three runs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.helpers import cli, copy_fixture, fixture


def audit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return cli(cwd, "audit", *args)


def test_history_over_three_runs_shows_the_trend(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path, "ssot_duplicates")
    history = tmp_path / "audit.jsonl"
    app = project / "services" / "content-service" / "app"

    first = audit(project, "--history", str(history), "--fail-on-increase")
    assert first.returncode == 0, first.stderr  # nothing to compare with yet
    assert "| content-service | 18 | 17 | 2 | 2 | 2 | 3 | 0 | 9 |" in first.stdout

    (app / "cache.py").write_text("class RedisClient:\n    pass\n")
    (app / "cache_v2.py").write_text("class RedisClient:\n    pass\n")
    second = audit(project, "--history", str(history), "--fail-on-increase")
    assert second.returncode == 1  # a count rose
    assert "| 2 ▲ (was 0) |" not in second.stdout
    assert "4 ▲ (was 2)" in second.stdout and "11 ▲ (was 9)" in second.stdout
    assert "- new duplicate: content-service: RedisClient" in second.stdout

    (app / "cache_v2.py").unlink()
    (app / "legacy" / "db.py").unlink()
    third = audit(project, "--history", str(history), "--format", "json", "--fail-on-increase")
    assert third.returncode == 0
    change = json.loads(third.stdout)["trend"]
    assert change["services"]["content-service"]["SSOT001"] == [0, 4, "down"]
    assert change["fixed_groups"] == ["content-service: DatabaseManager", "content-service: RedisClient"]
    runs = [json.loads(line) for line in history.read_text().splitlines()]
    assert [r["totals"]["ssot_violations"] for r in runs] == [11, 13, 9]


def test_html_and_output_file(tmp_path: Path) -> None:
    out = tmp_path / "audit.html"
    result = audit(fixture("clean_services"), "--format", "html", "--output", str(out))
    assert result.returncode == 0 and result.stdout == ""
    text = out.read_text()
    assert text.startswith("<!doctype html>") and "SSOT audit" in text and "None." in text
