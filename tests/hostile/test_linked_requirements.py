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


def test_a_folder_link_higher_up_the_include_s_path_is_followed(tmp_path: Path) -> None:
    """Run 92a/12: only the file or its own folder was looked at as a link: ``-r
    linked/reqs/base.txt`` with ``linked -> ../common`` read the shared file as a second file
    (no REQ002)."""
    root = write_example(
        tmp_path,
        Example(
            {
                "common/reqs/base.txt": "fastapi==0.116.1\n",
                "svc/requirements.txt": "-r linked/reqs/base.txt\nfastapi==0.116.1\n",
                "svc/app/m.py": "import fastapi\n",
            },
            'services = ["svc"]\nshared-requirements = "common/reqs/base.txt"\n',
        ),
    )
    os.symlink("../common", root / "svc" / "linked")
    assert [f[0] for f in findings(root) if f[0].startswith("REQ")] == ["REQ002"]


def test_a_link_the_include_passes_through_is_watched_by_the_cache(tmp_path: Path) -> None:
    """Run 91a/10: the link a `-r` passes through was not among what the cached report depends
    on: pointed at another file, the cached run kept the old result (exit 0 where `--no-cache`
    failed)."""
    from tests.hostile._project import run

    root = write_example(
        tmp_path,
        Example(
            {
                "requirements.shared.txt": "fastapi==0.116.1\n",
                "deps/other.txt": "httpx==0.27.0\n",
                "svc/requirements.txt": "-r ../deps/shared.txt\n",
                "svc/app/m.py": "import fastapi\n",
            },
            'services = ["svc"]\n',
        ),
    )
    os.symlink("../requirements.shared.txt", root / "deps" / "shared.txt")
    for _ in range(2):  # (the report is kept from the second run on)
        assert run(root).returncode == 0
    os.symlink("other.txt", root / "deps" / "new.txt")
    os.replace(root / "deps" / "new.txt", root / "deps" / "shared.txt")  # (as `ln -sfn` does)
    cached, fresh = run(root), run(root, "--no-cache")
    assert fresh.returncode == 1 and b"REQ001" in fresh.stdout, fresh.stdout
    assert (cached.returncode, cached.stdout) == (fresh.returncode, fresh.stdout)


@pytest.mark.parametrize("listed", ["fastapi==0.116.1\npydantic==2.7.1\n", "fastapi==0.116.1\n"])
def test_a_shared_file_that_is_a_link_is_the_file_it_leads_to(tmp_path: Path, listed: str) -> None:
    """Run 124c/02: `requirements.shared.txt -> requirements/base.txt`: a service's `-r` reached
    `base.txt`, not the shared file: REQ001 (no shared file included), REQ002 of the file against
    itself, or no REQ002 at all. Now as with a regular file: each line the service repeats."""
    root = write_example(
        tmp_path,
        Example(
            {
                "requirements/base.txt": listed,
                "svc/requirements.txt": "-r ../requirements.shared.txt\n" + listed,
                "svc/app/m.py": "import fastapi\n",
            },
            'services = ["svc"]\n',
        ),
    )
    (root / "requirements.shared.txt").symlink_to("requirements/base.txt")
    expected = [("REQ002", "svc/requirements.txt", n) for n in range(2, 2 + listed.count("\n"))]
    assert findings(root) == expected
