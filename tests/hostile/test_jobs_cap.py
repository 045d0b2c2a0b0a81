"""`--jobs` is capped at the CPUs this process may use, with a warning: `--jobs 100` must not
start 100 worker processes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional

import pytest
from click.testing import CliRunner

from archcheck import api
from archcheck.cli import cli
from archcheck.pipeline.runner import default_jobs


class Stop(Exception):
    """Raised by the fake run: the test only needs the arguments it was given."""


def jobs_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[Optional[int], str]:
    """The ``jobs`` that ``archcheck check ARGS`` hands to the run, and its stderr."""
    (tmp_path / "archcheck.toml").write_text('services = ["svc"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    seen: Dict[str, Any] = {}

    def fake_check(settings: object, **kwargs: Any) -> None:
        seen.update(kwargs)
        raise Stop

    monkeypatch.setattr(api, "check", fake_check)
    result = CliRunner().invoke(cli, ["check", *args])
    assert isinstance(result.exception, Stop), result.output
    return seen["jobs"], result.stderr


def test_more_jobs_than_cpus_are_capped_with_one_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cpus = default_jobs()
    jobs, stderr = jobs_given(tmp_path, monkeypatch, "--jobs", "100000")
    assert jobs == cpus
    assert stderr == f"archcheck: warning: --jobs 100000 capped at {cpus}, the CPUs available\n"


def test_jobs_within_the_cpus_are_kept_silently(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert jobs_given(tmp_path, monkeypatch, "--jobs", "1") == (1, "")
    assert jobs_given(tmp_path, monkeypatch) == (None, "")  # the run picks the CPU count itself
