from __future__ import annotations

import os
from pathlib import Path
from typing import List, Set

import pytest

from tests.helpers import FIXTURES, copy_fixture


def _tree(root: Path) -> Set[str]:
    return {os.path.join(d, name) for d, dirs, files in os.walk(root) for name in dirs + files}


_FIXTURES_BEFORE = _tree(FIXTURES)


@pytest.fixture(autouse=True)
def _not_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test runs as on a developer's machine, wherever the suite runs: CI variables change
    what ``--diff`` and the GitHub outputs print, and a test that wants them sets them."""
    from archcheck.logsafe import CI_VARIABLES

    for name in ("CI", *CI_VARIABLES, "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A private copy of the demo monorepo."""
    return copy_fixture(tmp_path, "demo")


@pytest.fixture
def parsed_files(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """The paths the per-file phase parses from now on (a cache hit parses none)."""
    from archcheck.pipeline import filephase

    parsed: List[str] = []
    real = filephase.analyse_file
    monkeypatch.setattr(
        filephase, "analyse_file", lambda path, *rest: parsed.append(path) or real(path, *rest)
    )
    return parsed


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Tests never write into fixtures/: a file left there fails the run."""
    added = sorted(_tree(FIXTURES) - _FIXTURES_BEFORE)
    if added:
        print(f"\ntests wrote into fixtures/: {added[:5]}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
