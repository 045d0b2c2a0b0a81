"""Prefilters are sound: with them off, every rule example and fixture gives the same findings.

A prefilter lets the engine skip LibCST (or call-graph facts) for files that
cannot produce a finding; if it ever skipped a file that could, this test
would show a difference.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archcheck.pipeline.registry import catalogue
from tests.helpers import check, write_example
from tests.helpers import fixture as shared_fixture

REPO = Path(__file__).resolve().parents[1]
FIXTURES = sorted(p.name for p in (REPO / "fixtures").iterdir() if p.is_dir() and p.name != "bad_config")


def findings(report) -> list:
    return [(v.code, v.location, v.message) for v in report.violations]


@pytest.mark.parametrize("spec", catalogue(), ids=lambda s: s.code)
def test_rule_examples_are_unchanged_without_prefilters(tmp_path: Path, spec, monkeypatch) -> None:
    for index, example in enumerate(spec.invalid + spec.valid):
        (tmp_path / str(index)).mkdir()
        root = write_example(tmp_path / str(index), example)
        with_prefilters = findings(check(root))
        monkeypatch.setenv("ARCHCHECK_NO_PREFILTERS", "1")
        without = findings(check(root))
        monkeypatch.delenv("ARCHCHECK_NO_PREFILTERS")
        assert with_prefilters == without


@pytest.mark.parametrize("fixture", FIXTURES)
def test_fixtures_are_unchanged_without_prefilters(fixture: str) -> None:
    def run(env: dict) -> list:
        result = subprocess.run(
            [sys.executable, "-m", "archcheck", "check", "--no-cache", "--format", "json", "--exit-zero"],
            cwd=shared_fixture(fixture),
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, **env},
        )
        return json.loads(result.stdout)["violations"]

    assert run({}) == run({"ARCHCHECK_NO_PREFILTERS": "1"})


# real code nobody here wrote: stdlib packages full of URLs, env lookups and event loops
STDLIB_SLICE = ("asyncio", "urllib", "http", "email", "logging", "xmlrpc", "concurrent", "wsgiref", "venv")


def test_real_code_is_unchanged_without_prefilters(tmp_path: Path, monkeypatch) -> None:
    stdlib = Path(os.__file__).parent
    present = [name for name in STDLIB_SLICE if (stdlib / name).is_dir()]
    assert len(present) >= 5, "the stdlib slice is missing"
    for name in present:
        service = tmp_path / "services" / f"{name}-service"
        service.mkdir(parents=True)
        (service / "requirements.txt").write_text("httpx==0.27.0\n")
        for source in (stdlib / name).glob("*.py"):
            (service / source.name).write_bytes(source.read_bytes())
    (tmp_path / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["services/*"]\n')
    with_prefilters = findings(check(tmp_path))
    monkeypatch.setenv("ARCHCHECK_NO_PREFILTERS", "1")
    without = findings(check(tmp_path))
    assert with_prefilters, "the slice should hold findings, or it proves nothing"
    assert with_prefilters == without


def test_a_run_without_the_screens_answers_no_run_with_them(tmp_path: Path, monkeypatch) -> None:
    """Run 62: the report cache did not know the screens were off, so a run with them reused
    the findings of one without (and a soundness check on a warm cache proved nothing). A
    screen made wrong on purpose shows which run answered."""
    from archcheck import api
    from archcheck.facts import config_values
    from archcheck.facts.source import LineMarks

    (tmp_path / "svc" / "app").mkdir(parents=True)
    (tmp_path / "svc" / "requirements.txt").write_text("httpx\n")
    (tmp_path / "svc" / "app" / "a.py").write_text('URL = "http://localhost:8000"\n')
    (tmp_path / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["svc"]\n')
    for path in tmp_path.rglob("*"):
        os.utime(path, (1_600_000_000, 1_600_000_000))  # old enough for the cache to trust
    monkeypatch.setattr(config_values, "config_marks", lambda source, aliases: LineMarks(()))
    settings = api.load_settings(tmp_path)
    monkeypatch.setenv("ARCHCHECK_NO_PREFILTERS", "1")
    for _ in range(2):  # (the run that makes the cache folder keeps no report)
        assert [v.code for v in api.check(settings, jobs=1).violations] == ["CFG001"]
    monkeypatch.delenv("ARCHCHECK_NO_PREFILTERS")
    assert [v.code for v in api.check(settings, jobs=1).violations] == []
