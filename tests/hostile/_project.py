"""A miniature of the issue's repro project: ``svc`` with ``requirements.txt`` and ``app/*.py``."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Callable, Dict, List, Tuple

import pytest

from archcheck.rule_api.examples import Example
from tests.helpers import check, write_example

CONFIG = 'services = ["svc"]\n'
TEMPLATE = '[config]\ndatabase-url-template = "postgresql://{service}_user:{service}_pass@{service_host}-db/{service}"\n'


def project(root: Path, files: Dict[str, str], config: str = CONFIG) -> Path:
    """``files`` under ``svc/app/`` (a ``"\\udcff"`` in a name writes the byte 0xff)."""
    sources = {f"svc/app/{name}": text for name, text in files.items()}
    return write_example(root, Example({"svc/requirements.txt": "httpx\n", **sources}, config))


def beside_other(root: Path, code: str) -> Path:
    """``code`` as ``svc/app/a.py`` beside a second service, ``other``, whose ``other/app/m.py``
    a cross-service import can name."""
    files = {
        "svc/requirements.txt": "httpx\n",
        "svc/app/a.py": code,
        "other/requirements.txt": "httpx\n",
        "other/app/m.py": "x = 1\n",
    }
    return write_example(root, Example(files, 'services = ["svc", "other"]\n'))


def marked(code: str, mark: str = "# yes") -> List[int]:
    """The lines of ``code`` that end with ``mark``: where a finding is expected."""
    return [n for n, line in enumerate(code.splitlines(), 1) if line.endswith(mark)]


def run(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """``archcheck check ARGS`` in ``root``; the output as bytes, to check it is valid UTF-8."""
    return subprocess.run(
        [sys.executable, "-m", "archcheck", "check", *args], cwd=root, capture_output=True, timeout=300
    )


def cli_bytes(root: Path, *args: str) -> bytes:
    """The standard output of ``archcheck ARGS``, which must succeed."""
    result = subprocess.run(
        [sys.executable, "-m", "archcheck", *args], cwd=root, capture_output=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


Finding = Tuple[str, str, int]  # code, path, line


def findings(root: Path) -> List[Finding]:
    return [(v.code, v.location.path, v.location.line) for v in check(root).violations]


def unscreened_agree(root: Path, monkeypatch: pytest.MonkeyPatch) -> List[Finding]:
    """The findings in ``root``, once asserted the same without the text screens."""
    screened = findings(root)
    monkeypatch.setenv("ARCHCHECK_NO_PREFILTERS", "1")
    assert screened == findings(root), root
    monkeypatch.delenv("ARCHCHECK_NO_PREFILTERS")
    return screened


def rewritten(root: Path, example: Example, rewrite: Callable[[str], str] = str) -> Path:
    """``example`` written in a new folder ``root``, each Python file's text rewritten."""
    root.mkdir()
    files = {p: rewrite(t) if p.endswith(".py") else t for p, t in example.files.items()}
    return write_example(root, replace(example, files=files))
