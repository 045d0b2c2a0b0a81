"""Run 90a/10: a service including the shared requirements file through a link inside the
project (``-r shared.txt``, ``shared.txt -> ../requirements.shared.txt``) was REQ001 (no shared
file included) with a REQ002 on every line of the file, against itself; ``--fix`` could not
clear them. An include of a link to a file of the project includes that file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archcheck.rule_api.examples import Example
from tests.helpers import write_example
from tests.hostile._project import findings

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink"), reason="links")


def test_the_shared_file_included_through_a_link_is_the_shared_file(tmp_path: Path) -> None:
    root = write_example(
        tmp_path,
        Example(
            {
                "requirements.shared.txt": "fastapi==0.116.1\n",
                "svc/requirements.txt": "-r shared.txt\nhttpx==0.27.0\n",
                "svc/app/m.py": "import fastapi\nimport httpx\n",
            },
            'services = ["svc"]\n',
        ),
    )
    os.symlink("../requirements.shared.txt", root / "svc" / "shared.txt")
    assert [f for f in findings(root) if f[0].startswith("REQ")] == []
    # a link to another file that repeats a shared requirement is still that file's duplicate
    (root / "svc" / "extra.txt").write_text("fastapi==0.116.1\n")
    (root / "svc" / "shared.txt").unlink()
    os.symlink("extra.txt", root / "svc" / "shared.txt")
    found = {f[0] for f in findings(root)}
    assert "REQ001" in found and "REQ002" in found
