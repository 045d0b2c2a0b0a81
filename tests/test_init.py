from __future__ import annotations

from pathlib import Path

from tests.helpers import cli

archcheck = cli


def make(root: Path, files: dict) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_init_detects_layout_and_refuses_to_overwrite(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            "pyproject.toml": "[project]\nname = 'mono'\n",
            "requirements.shared.txt": "fastapi==0.116.1\n",
            "services/orders-service/requirements.txt": "",
            "services/orders-service/app/main.py": "",
            "auth_service/Dockerfile": "",
            "auth_service/main.py": "",
            "libs/db/db/__init__.py": "",
            "libs/http/http_client/__init__.py": "",
            "shared/__init__.py": "",
            "shared/requirements.txt": "",
            "docs/conf.py": "",
        },
    )
    first = archcheck(root, "init")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == (
        "wrote [tool.archcheck] to pyproject.toml: 2 service(s), 2 shared libraries, "
        "shared requirements requirements.shared.txt"
    )
    assert (root / "pyproject.toml").read_text() == (
        "[project]\nname = 'mono'\n\n[tool.archcheck]\n"
        'services = ["auth_service", "services/orders-service"]\n'
        'shared = ["shared", "libs/*"]\n'
        'shared-requirements = "requirements.shared.txt"\n'
    )
    again = archcheck(root, "init")
    assert again.returncode == 2
    assert (
        again.stderr
        == "archcheck: error: pyproject.toml already has [tool.archcheck]; use --force to replace it\n"
    )
    checked = archcheck(root, "check", "-q", "--no-cache")  # the written section is a valid config
    assert checked.returncode == 1 and checked.stderr == ""
    assert "REQ001" in checked.stdout  # ...that finds what the detected layout implies


def test_force_replaces_only_the_archcheck_tables(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            "pyproject.toml": (
                "[project]\nname = 'mono'\n\n[tool.archcheck]\nservices = ['old']\n\n"
                "[tool.archcheck.imports]\nrelative = 'off'\n\n[tool.ruff]\nline-length = 100\n"
            ),
            "api/requirements.txt": "",
            "api/main.py": "",
        },
    )
    assert archcheck(root, "init", "--force").returncode == 0
    text = (root / "pyproject.toml").read_text()
    assert "old" not in text and "relative" not in text
    assert "[tool.ruff]\nline-length = 100\n" in text and 'services = ["api"]' in text
