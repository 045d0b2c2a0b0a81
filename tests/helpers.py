"""Build small projects on disk and run archcheck on them."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import pytest

from archcheck import api
from archcheck.config.load import with_overrides
from archcheck.model import Report
from archcheck.rule_api.examples import Example


def write_example(root: Path, example: Example) -> Path:
    (root / "archcheck.toml").write_text(example.config, encoding="utf-8")
    for rel, text in example.files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8", "surrogateescape"))  # "\udcff" writes the byte 0xff
    return root


def check(root: Path, select_codes: Sequence[str] = (), paths: Optional[List[str]] = None) -> Report:
    settings = api.load_settings(root)
    if select_codes:
        settings = with_overrides(settings, select=tuple(select_codes))
    return api.run(settings, paths=paths, jobs=1).report


REPO = Path(__file__).resolve().parents[1]


FIXTURES = REPO / "fixtures"
_SHARED_COPIES = Path(tempfile.mkdtemp(prefix="archcheck-fixtures-")).resolve()
atexit.register(shutil.rmtree, _SHARED_COPIES, ignore_errors=True)


def copy_fixture(tmp_path: Path, name: str) -> Path:
    """A private copy of a fixture monorepo (without any cache), for tests that edit it."""
    target = tmp_path / name
    shutil.copytree(FIXTURES / name, target, ignore=shutil.ignore_patterns(".archcheck_cache"))
    return target


@functools.cache
def fixture(name: str) -> Path:
    """A copy of a fixture monorepo shared by the tests that only read it: archcheck writes
    its cache where it runs, and tests never write into ``fixtures/``."""
    return copy_fixture(_SHARED_COPIES, name)


def cli(cwd: Path, *args: str, env: Optional[Dict[str, str]] = None) -> subprocess.CompletedProcess[str]:
    """Run the real command line (``python -m archcheck ARGS``) in ``cwd``, with ``env`` added to
    the environment."""
    return subprocess.run(
        [sys.executable, "-m", "archcheck", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def within_cpu(code: str, seconds: int) -> subprocess.CompletedProcess[bytes]:
    """Python ``code``, then ``print('done')``, in a child limited to ``seconds`` of CPU time: a
    cost the square of an input's size would pass the limit (a limit, not a clock)."""
    limit = f"import resource; resource.setrlimit(resource.RLIMIT_CPU, ({seconds}, {seconds}))\n"
    script = limit + code + "print('done')\n"
    return subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=300)


def refuse_listing(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Make discovery's listing of every folder called ``name`` fail as an unreadable one does
    (as root, a chmod would not stop it)."""
    from archcheck.project import discovery

    listing = os.scandir

    def refuse(path: str) -> object:
        if os.path.basename(str(path)) == name:
            raise PermissionError(13, "Permission denied", str(path))
        return listing(path)

    monkeypatch.setattr(discovery.os, "scandir", refuse)
