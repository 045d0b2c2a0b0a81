"""Functional table: (fixture, arguments) -> expected output and exit code.

Each row runs the real command line in a subprocess with the fixture as the
working directory. JSON output is compared without the fields that vary
between machines (root, version, duration). To refresh the expected files
after an intended change, run with ARCHCHECK_UPDATE_EXPECTED=1 and review
the diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from tests.helpers import fixture as shared_fixture

EXPECTED = Path(__file__).parent / "expected"
UPDATE = os.environ.get("ARCHCHECK_UPDATE_EXPECTED") == "1"

# (case, fixture, arguments, exit code); output is expected/<case>.json or .txt (stderr)
TABLE = [
    ("demo", "demo", [], 1),
    ("clean_services", "clean_services", [], 0),
    ("package_services", "package_services", [], 1),
    ("hyphen_services", "hyphen_services", [], 1),
    ("bad_input", "bad_input", [], 1),
    ("demo_select_asy", "demo", ["--select", "ASY"], 1),
    ("demo_warnings_only", "demo", ["--select", "IMP002,SSOT003", "--select", "REQ005"], 0),
    ("demo_warnings_only_strict", "demo", ["--select", "IMP002,SSOT003,REQ005", "--strict"], 1),
    ("demo_ignore", "demo", ["--ignore", "IMP,ASY,SSOT", "--ignore", "REQ00"], 1),
    ("demo_paths", "demo", ["shared/auth.py", "netra_backend"], 1),
    ("demo_exit_zero", "demo", ["--exit-zero"], 0),
    ("bad_config", "bad_config", [], 2),
    ("unknown_option", "demo", ["--frobnicate"], 2),
    ("unknown_code", "demo", ["--select", "XYZ9"], 2),
    ("missing_path", "demo", ["no/such/file.py"], 2),
    ("ssot_duplicates", "ssot_duplicates", [], 1),
    ("config_urls", "config_urls", [], 1),
    ("shared_requirements", "shared_requirements", [], 1),
    ("shared_requirements_one_file", "shared_requirements", ["services/content-service/requirements.txt"], 1),
    ("async_chains", "async_chains", [], 1),
    ("async_chains_sync_only", "async_chains", ["--select", "ASY003", "netra_backend/app/tasks.py"], 0),
    ("async_sessions", "async_sessions", [], 1),
]


def run_cli(cwd: Path, args: List[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "archcheck", "check", "--format", "json", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def comparable(stdout: str) -> dict:
    document = json.loads(stdout)
    assert document["tool"] == "archcheck"
    summary = {k: v for k, v in document["summary"].items() if k != "duration_s"}
    return {"violations": document["violations"], "summary": summary}


@pytest.mark.parametrize(("case", "fixture", "args", "exit_code"), TABLE, ids=[row[0] for row in TABLE])
def test_fixture(case: str, fixture: str, args: List[str], exit_code: int) -> None:
    result = run_cli(shared_fixture(fixture), args)
    assert "Traceback" not in result.stderr
    if exit_code == 2:
        actual_text = result.stderr
        expected_file = EXPECTED / f"{case}.txt"
        if UPDATE:
            expected_file.write_text(actual_text)
        assert actual_text == expected_file.read_text()
        assert len(actual_text.strip().splitlines()) == 1, "errors must be one line"
    else:
        actual = comparable(result.stdout)
        expected_file = EXPECTED / f"{case}.json"
        if UPDATE:
            expected_file.write_text(json.dumps(actual, indent=2) + "\n")
        assert actual == json.loads(expected_file.read_text())
    assert result.returncode == exit_code, result.stderr
