"""The install lines of README and examples work as written: the distribution installs from the
repository at its release tag, and pre-commit runs the hook at that tag."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from archcheck import __version__

REPO = Path(__file__).resolve().parents[1]
TAG = f"v{__version__}"
INSTALL = re.compile(
    r'pip install "archcheck-monorepo @ git\+https://github\.com/your-org/archcheck@(v[\d.]+)"'
)

pytestmark = pytest.mark.integration


def _tagged() -> bool:
    found = subprocess.run(["git", "tag", "--list", TAG], cwd=REPO, capture_output=True, text=True)
    return found.returncode == 0 and found.stdout.strip() == TAG


def test_every_install_line_names_the_distribution_at_the_current_release() -> None:
    for doc in (REPO / "README.md", *sorted((REPO / "examples").glob("*.yml"))):
        text = doc.read_text()
        assert "pip install archcheck\n" not in text, (
            f"{doc.name}: the PyPI name archcheck is another project"
        )
        for tag in INSTALL.findall(text):
            assert tag == TAG, f"{doc.name} installs {tag}, the release is {TAG}"
    assert f"rev: {TAG}" in (REPO / "README.md").read_text()
    assert 'name = "archcheck-monorepo"' in (REPO / "pyproject.toml").read_text()


@pytest.mark.skipif(not _tagged(), reason=f"this checkout has no tag {TAG}")
def test_the_release_tag_installs_the_distribution(tmp_path: Path) -> None:
    line = f"archcheck-monorepo @ git+file://localhost{REPO}@{TAG}"  # the README line, this checkout as URL
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(tmp_path / "site"), line],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    installed = {p.name for p in (tmp_path / "site").iterdir()}
    assert f"archcheck_monorepo-{__version__}.dist-info" in installed and "archcheck" in installed


@pytest.mark.skipif(not _tagged(), reason=f"this checkout has no tag {TAG}")
def test_pre_commit_runs_the_hook_at_the_release_tag(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "svc" / "app").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["svc"]\n')
    (project / "svc" / "requirements.txt").write_text("")
    (project / "svc" / "app" / "main.py").write_text(
        "import asyncio\n\nasync def f():\n    asyncio.run(g())\n"
    )
    config = f"repos:\n  - repo: {REPO}\n    rev: {TAG}\n    hooks:\n      - id: archcheck\n"
    (project / ".pre-commit-config.yaml").write_text(config)
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(REPO / ".pre-commit-cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=project, check=True, capture_output=True, env=env)
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "svc/app/main.py:4:5: ASY001" in result.stdout
