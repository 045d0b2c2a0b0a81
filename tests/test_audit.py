"""The daily SSOT audit: metrics per service and a trend over three runs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Dict

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


def _rise(project: Path) -> None:
    """Two more copies of a class: SSOT001 rises by 2 in content-service."""
    app = project / "services" / "content-service" / "app"
    (app / "cache.py").write_text("class RedisClient:\n    pass\n")
    (app / "cache_v2.py").write_text("class RedisClient:\n    pass\n")


def test_fail_on_increase_says_what_rose(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path, "ssot_duplicates")
    history = tmp_path / "audit.jsonl"
    assert audit(project, "--history", str(history)).returncode == 0
    _rise(project)
    result = audit(project, "--history", str(history), "--fail-on-increase")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "archcheck: SSOT findings rose: content-service SSOT001 2 -> 4",
        "archcheck: SSOT findings rose: content-service score 9 -> 11",
    ]


def test_a_rise_in_cross_service_imports_is_named() -> None:
    from archcheck.output.audit import rises, trend

    def run(files: int, imports: int) -> Dict[str, Any]:
        counts = {"files": files, "cross_service_imports": imports, "ssot_violations": 0}
        return {"date": "d", "services": {"orders": {**counts, "groups": []}}, "totals": counts}

    change = trend(run(2, 3), run(1, 1))
    assert change["increased"]
    assert rises(change) == ["cross-service imports rose: orders 1 -> 3"]  # files: size, not a rise
    assert not trend(run(5, 1), run(1, 1))["increased"]


def test_size_counts_change_neutrally_and_never_fail(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path, "ssot_duplicates")
    history = tmp_path / "audit.jsonl"
    first = audit(project, "--history", str(history))
    assert "| content-service | 18 | 17 | 2 | 2 | 2 | 3 | 0 | 9 |" in first.stdout
    extra = project / "services" / "content-service" / "app" / "fruit.py"
    extra.write_text("class Apple:\n    pass\n\n\nclass Banana:\n    pass\n")
    grown = audit(project, "--history", str(history), "--fail-on-increase")
    assert grown.returncode == 0 and grown.stderr == ""
    assert "| content-service | 19 (+1) | 19 (+2) | 2 | 2 | 2 | 3 | 0 | 9 |" in grown.stdout
    assert "▲" not in grown.stdout
    extra.unlink()
    shrunk = audit(project, "--history", str(history))
    assert "| content-service | 18 (-1) | 17 (-2) | 2 |" in shrunk.stdout and "▼" not in shrunk.stdout


def test_duplicate_functions_are_listed_and_tracked(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path, "ssot_duplicates")
    history = tmp_path / "audit.jsonl"
    first = audit(project, "--history", str(history))
    listed = (
        "## Duplicate functions\n\n- content-service: get_session(): "
        "`services/content-service/app/api/deps.py:4`, `services/content-service/app/db/connection.py:7`\n"
    )
    assert (
        listed in first.stdout
        and "## Duplicate classes\n\n- content-service: DatabaseManager:" in first.stdout
    )
    run = json.loads(history.read_text())
    assert run["services"]["content-service"]["function_groups"] == [
        {
            "names": ["get_session"],
            "sites": [
                "services/content-service/app/api/deps.py:4",
                "services/content-service/app/db/connection.py:7",
            ],
        }
    ]
    # a history written before duplicate functions were listed: none of them is "new"
    for service in run["services"].values():
        del service["function_groups"]
    history.write_text(json.dumps(run) + "\n")
    assert "new duplicate" not in audit(project, "--history", str(history)).stdout

    connection = project / "services" / "content-service" / "app" / "db" / "connection.py"
    connection.write_text(connection.read_text().split("\n\n\ndef get_session")[0] + "\n")
    fixed = audit(project, "--history", str(history))
    assert "- fixed: content-service: get_session()" in fixed.stdout
    assert "## Duplicate functions\n\nNone.\n" in fixed.stdout


def test_html_is_the_report_page_with_the_audit_metrics(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path, "ssot_duplicates")
    history = tmp_path / "audit.jsonl"
    assert audit(project, "--history", str(history)).returncode == 0
    _rise(project)
    page = audit(project, "--history", str(history), "--format", "html").stdout
    assert page.startswith("<!doctype html>") and page.rstrip().endswith("</html>") and "<pre>" not in page
    assert page.count('<table class="metrics">') == 1 and '<svg class="chart"' in page  # 2 runs: a trend
    assert (
        '<tr><td>content-service</td><td class="n">20 (+2)</td><td class="n">19 (+2)</td>'
        '<td class="n up">4 ▲ (was 2)</td>' in page
    )
    assert "<li>new duplicate: content-service: RedisClient</li>" in page
    assert (
        "<li><b>get_session()</b> in content-service: "
        '<a href="services/content-service/app/api/deps.py"><code>services/content-service/app/api/deps.py:4'
        in page
    )
    assert "src=" not in page and "http" not in page  # self-contained: nothing to fetch
    assert len(history.read_text().splitlines()) == 2  # the page read the history; the audit appended


def test_shared_libraries_are_audited_like_services(tmp_path: Path) -> None:
    """A shared library's duplicate classes count, and the report page draws from the audit too."""
    (tmp_path / "archcheck.toml").write_text('services = ["svc"]\nshared = ["shared"]\n')
    for name in ("a", "b"):
        (tmp_path / "shared" / "lib").mkdir(parents=True, exist_ok=True)
        (tmp_path / "shared" / "lib" / f"{name}.py").write_text("class DatabaseManager:\n    pass\n")
    (tmp_path / "svc" / "app").mkdir(parents=True)
    (tmp_path / "svc" / "app" / "m.py").write_text("class Thing:\n    pass\n")
    (tmp_path / "svc" / "requirements.txt").write_text("httpx\n")
    result = audit(tmp_path, "--format", "json")
    assert result.returncode == 0, result.stderr
    run = json.loads(result.stdout)["run"]
    assert run["services"]["shared"]["SSOT001"] == 2 and run["totals"]["SSOT001"] == 2
    assert run["services"]["shared"]["groups"][0]["names"] == ["DatabaseManager"]
    page = cli(tmp_path, "report", "--output", str(tmp_path / "r.html"))
    assert page.returncode == 0, page.stderr
