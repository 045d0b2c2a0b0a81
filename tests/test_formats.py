"""SARIF (validated against the official 2.1.0 schema), GitHub annotations, statistics."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict

import jsonschema
import pytest

from archcheck.pipeline.registry import catalogue
from tests.helpers import cli
from tests.helpers import fixture as shared_fixture

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def archcheck(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return cli(cwd, "check", "--no-cache", *args)


@pytest.mark.parametrize("fixture", ["demo", "shared_requirements", "bad_input", "clean_services"])
def test_sarif_is_valid_and_complete(fixture: str) -> None:
    result = archcheck(shared_fixture(fixture), "--format", "sarif")
    document = json.loads(result.stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(document)
    run = document["runs"][0]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert ids == [spec.code for spec in catalogue()]
    for item in run["results"]:
        uri = item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith("/") and "\\\\" not in uri
        assert ids[item["ruleIndex"]] == item["ruleId"]
        assert item["partialFingerprints"]["archcheck/v1"]
    expected = json.loads(archcheck(shared_fixture(fixture), "--format", "json").stdout)
    assert len(run["results"]) == len(expected["violations"])


def test_sarif_columns_are_characters_and_say_so(tmp_path: Path) -> None:
    """SARIF counts columns in UTF-16 code units unless the run says otherwise: an emoji before
    a finding is one character, two code units."""
    (tmp_path / "archcheck.toml").write_text('services = ["svc"]\n', encoding="utf-8")
    (tmp_path / "svc" / "app").mkdir(parents=True)
    line = 'client = httpx.Client(base_url="\U0001f600" and "http://localhost:1")\n'
    (tmp_path / "svc" / "app" / "url.py").write_text("import httpx\n" + line, encoding="utf-8")
    run = json.loads(archcheck(tmp_path, "--format", "sarif", "--select", "CFG001").stdout)["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    (result,) = run["results"]
    assert result["locations"][0]["physicalLocation"]["region"]["startColumn"] == line.index('"http') + 1


def test_fingerprints_survive_a_line_shift(demo: Path) -> None:
    def prints() -> set:
        run = json.loads(archcheck(demo, "--format", "sarif").stdout)["runs"][0]
        return {(r["ruleId"], r["partialFingerprints"]["archcheck/v1"]) for r in run["results"]}

    before = prints()
    startup = demo / "netra_backend" / "app" / "startup.py"
    startup.write_text('"""Start-up hooks."""\n\n' + startup.read_text())
    assert prints() == before


def test_github_annotations(demo: Path) -> None:
    lines = archcheck(demo, "--format", "github", "--select", "ASY001,IMP002").stdout.splitlines()
    assert lines == [
        "::error file=netra_backend/app/startup.py,line=7,col=5,endLine=7,endColumn=30,title=ASY001::"
        "ASY001 asyncio.run() inside async function 'startup': the event loop is already running "
        "(RuntimeError, or a blocked loop)",
        "::warning file=services/orders-service/app/api/routes.py,line=1,col=1,endLine=1,endColumn=27,"
        "title=IMP002::IMP002 relative import '..models'",
    ]


def test_statistics(demo: Path) -> None:
    out = archcheck(demo, "--statistics", "--select", "IMP,ASY001").stdout.splitlines()
    assert out == [
        "    2  IMP001   cross-service-import [error]",
        "    1  ASY001   asyncio-run-in-async [error]",
        "    1  IMP002   relative-import [warning]",
        "    1  IMP003   service-dependency-cycle [error]",
        "    1  IMP004   shared-imports-service [error]",
        "Found 5 errors and 1 warning (24 files, 3 services).",
    ]


def _services_with_findings(root: Path) -> Path:
    """Two services, each with 12 relative imports (warnings) and one asyncio.run (an error)."""
    root.mkdir(exist_ok=True)
    (root / "archcheck.toml").write_text('services = ["services/*"]\n', encoding="utf-8")
    for name in ("a-service", "b-service"):
        app = root / "services" / name / "app"
        app.mkdir(parents=True)
        (app.parent / "requirements.txt").write_text("httpx\n", encoding="utf-8")
        for i in range(12):
            (app / f"m{i:02d}.py").write_text("from . import helpers\n", encoding="utf-8")
        (app / "loop.py").write_text(
            "import asyncio\nasync def f():\n    asyncio.run(g())\n", encoding="utf-8"
        )
    return root


def _github(root: Path, env: Dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """``check --format github`` with the GitHub variables given and no others from this machine."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith("GITHUB_")}
    return subprocess.run(
        [sys.executable, "-m", "archcheck", "check", "--no-cache", "--format", "github", *args],
        cwd=root,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_github_step_summary_is_appended(tmp_path: Path) -> None:
    root = _services_with_findings(tmp_path / "repo")
    summary = tmp_path / "summary.md"
    summary.write_text("an earlier step's summary\n", encoding="utf-8")
    sha = "ab" * 20
    env = {
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "acme/mono",
        "GITHUB_SHA": sha,
        "GITHUB_WORKSPACE": str(tmp_path),
    }
    result = _github(root, env)
    assert result.returncode == 1 and result.stderr == ""
    assert len(result.stdout.splitlines()) == 26  # the annotations are unchanged
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("an earlier step's summary\n\n## archcheck\n")
    assert "**26 findings**: 2 errors and 24 warnings (28 files, 2 services)." in text
    assert (
        "| IMP002 | relative-import | warning | 24 |\n| ASY001 | asyncio-run-in-async | error | 2 |" in text
    )
    assert "14 more not annotated" in text  # 24 warnings - 10
    link = f"https://github.com/acme/mono/blob/{sha}/repo/services/a-service/app/loop.py#L3"
    assert f"- [services/a-service/app/loop.py:3]({link}) error ASY001: " in text
    assert text.count("\n- [") == 26

    _github(root, env)  # a second run appends again
    assert summary.read_text(encoding="utf-8").count("## archcheck") == 2


def test_github_step_summary_lists_changed_files_first(tmp_path: Path) -> None:
    root = _services_with_findings(tmp_path)

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "base")
    git("update-ref", "refs/remotes/origin/main", "HEAD")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "all files")
    (root / "services" / "b-service" / "app" / "m05.py").write_text("from .. import x\n", encoding="utf-8")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-am", "the pull request's change")
    git("update-ref", "refs/remotes/origin/main", "HEAD~1")
    summary = tmp_path / "summary.md"
    _github(root, {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_BASE_REF": "main"})
    text = summary.read_text(encoding="utf-8")
    items = [line for line in text.splitlines() if line.startswith("- ")]
    assert "Findings in the files this pull request changes come first." in text
    assert items[0].startswith(
        "- services/b-service/app/m05.py:1 warning IMP002: "
    )  # no links without GitHub's
    assert items[1].startswith("- services/a-service/app/loop.py:3 error ASY001: ")  # then as reported


def test_step_summary_is_capped_escaped_and_puts_paths_given_first() -> None:
    from archcheck.model import Location, Report, Severity, Violation
    from archcheck.output import step_summary

    def finding(path: str, message: str = "relative import") -> Violation:
        return Violation("IMP002", "relative-import", Severity.WARNING, Location(path), message)

    hostile = finding("svc/a|b`<img>`.py", "x | y\n# heading <script>")
    report = Report("/repo", (hostile, *(finding(f"svc/m{i:03d}.py") for i in range(300))), 301, 1)
    text = step_summary.render(report, given=["svc/m299.py"], budget=8192)
    assert len(text.encode("utf-8")) <= 8192
    items = [line for line in text.splitlines() if line.startswith("- ")]
    assert items[0].startswith("- svc/m299.py:1 ")  # the path given on the command line first
    assert items[1] == "- svc/a\\|b\\`\\<img\\>\\`.py:1 warning IMP002: x \\| y `#` heading \\<script\\>"
    assert f"{301 - len(items)} more not listed" in text and "291 more not annotated" in text
    assert not [line for line in text.splitlines() if line.startswith("# ")]


def test_an_unwritable_step_summary_is_a_warning(tmp_path: Path) -> None:
    root = _services_with_findings(tmp_path / "repo")
    result = _github(root, {"GITHUB_STEP_SUMMARY": str(tmp_path)})  # a directory
    assert result.returncode == 1 and len(result.stdout.splitlines()) == 26
    assert result.stderr.startswith("archcheck: warning: cannot write the step summary ")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("message", ["plain", 'café \u2028 \x1b \\ " \t', "lone \ud800 surrogate"])
def test_json_is_laid_out_as_json_dumps_with_indent_2(message: str) -> None:
    """The report is encoded by json's C encoder and laid out by msgspec, byte for byte as
    ``json.dumps(indent=2)`` writes it (which msgspec cannot do for a lone surrogate's escape)."""
    from archcheck.model import Location, Report, Severity, Violation
    from archcheck.output import text

    found = Violation("X001", "x", Severity.ERROR, Location("a.py", 1, 1), message)
    report = Report(root="/p", files=1, services=0, violations=(found,), duration_s=0.1)
    document = json.loads(text.to_json(report))
    assert text.to_json(report) == json.dumps(document, indent=2) + "\n"
    assert document["summary"]["by_code"] == {"X001": 1} and document["violations"][0]["related"] == []
