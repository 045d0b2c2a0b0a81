from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Dict

import pytest

from tests.helpers import cli

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

archcheck = cli


def make(root: Path, files: dict) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def tool(root: Path) -> Dict[str, Any]:
    return dict(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["archcheck"])


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
    assert first.stdout.splitlines() == [
        "wrote [tool.archcheck] to pyproject.toml",
        "  services (2): auth_service, services/orders-service",
        "  shared libraries (2): shared, libs/*",
        "  shared requirements: requirements.shared.txt (found by its name)",
        "  excluded: docs (tooling folders)",
        '  imports.relative (the relative imports flagged): "all" (the default)',
    ]
    assert tool(root) == {
        "services": ["auth_service", "services/orders-service"],
        "shared": ["shared", "libs/*"],
        "shared-requirements": "requirements.shared.txt",
        "extend-exclude": ["docs"],
    }
    text = (root / "pyproject.toml").read_text()
    assert text.startswith("[project]\nname = 'mono'\n\n[tool.archcheck]\n# written by `archcheck init`")
    assert "# tooling, not deployed code\nextend-exclude" in text
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
    assert "'old'" not in text and "relative" not in text
    assert "[tool.ruff]\nline-length = 100\n" in text and 'services = ["api"]' in text


def test_nested_services_are_found_under_containers_at_any_of_the_first_levels(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            "pyproject.toml": "",
            "core/meetings/services/meeting-api/requirements.txt": "",
            "core/meetings/services/meeting-api/app/main.py": "",
            "platform/services/billing/Dockerfile": "",
            "platform/services/billing/main.py": "",
            "src/worker/pyproject.toml": "",
            "src/worker/worker/__init__.py": "",
            "core/meetings/services/meeting-api/tests/requirements.txt": "",  # inside a service
            "core/meetings/services/meeting-api/tests/test_x.py": "",
            "docs/requirements.txt": "",
            "docs/conf.py": "",
        },
    )
    result = archcheck(root, "init")
    assert result.returncode == 0, result.stderr
    assert tool(root)["services"] == [
        "core/meetings/services/meeting-api",
        "platform/services/billing",
        "src/worker",
    ]


def test_a_platform_folder_holding_services_is_not_one_itself(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            "pyproject.toml": "",
            "backend/requirements.txt": "",
            "backend/app.py": "",
            "services/requirements.shared.txt": "fastapi==0.116.1\n",
            "services/identity-service/requirements.txt": "-r ../requirements.shared.txt\n",
            "services/identity-service/main.py": "",
            "services/content-service/requirements.txt": "-r ../requirements.shared.txt\nhttpx\n",
            "services/content-service/main.py": "",
        },
    )
    result = archcheck(root, "init")
    assert result.returncode == 0, result.stderr
    found = tool(root)
    assert found["services"] == ["backend", "services/content-service", "services/identity-service"]
    # the file the services include with -r, beside them: not at the root
    assert found["shared-requirements"] == "services/requirements.shared.txt"
    assert "services/requirements.shared.txt (included with -r by 2 services)" in result.stdout


def test_compose_build_contexts_are_services(tmp_path: Path) -> None:
    root = make(
        tmp_path,
        {
            "pyproject.toml": "",
            "docker-compose.yml": "services:\n  api:\n    build: ./api\n  web:\n    build:\n      context: web\n",
            "api/main.py": "",
            "web/server.py": "",
            "lib_only/x.py": "",
        },
    )
    assert archcheck(root, "init").returncode == 0
    assert tool(root)["services"] == ["api", "web"]


def test_relative_imports_follow_ruffs_setting(tmp_path: Path) -> None:
    ruff = '[tool.ruff.lint.flake8-tidy-imports]\nban-relative-imports = "parents"\n'
    root = make(tmp_path, {"pyproject.toml": ruff, "api/requirements.txt": "", "api/main.py": ""})
    result = archcheck(root, "init")
    assert result.returncode == 0, result.stderr
    assert tool(root)["imports"] == {"relative": "parents"}
    assert 'pyproject.toml sets ban-relative-imports = "parents"' in result.stdout
    text = (root / "pyproject.toml").read_text()
    assert '# pyproject.toml sets ban-relative-imports = "parents": only imports that climb' in text


def test_relative_imports_follow_what_the_code_does(tmp_path: Path) -> None:
    files = {"pyproject.toml": "", "api/requirements.txt": ""}
    files.update({f"api/app/m{i}.py": "from .models import Order\n" for i in range(10)})
    root = make(tmp_path, files)
    assert archcheck(root, "init").returncode == 0
    assert tool(root)["imports"] == {"relative": "parents"}
    few = make(
        tmp_path / "few", {"pyproject.toml": "", "api/requirements.txt": "", "api/a.py": "from . import b\n"}
    )
    assert archcheck(few, "init").returncode == 0
    assert "imports" not in tool(few)


def test_ruff_banning_all_relative_imports_keeps_the_default(tmp_path: Path) -> None:
    files = {
        "ruff.toml": '[lint.flake8-tidy-imports]\nban-relative-imports = "all"\n',
        "api/requirements.txt": "",
    }
    files.update({f"api/app/m{i}.py": "from .models import Order\n" for i in range(12)})
    root = make(tmp_path, {"pyproject.toml": "", **files})
    result = archcheck(root, "init")
    assert "imports" not in tool(root) and 'ruff.toml sets ban-relative-imports = "all"' in result.stdout


def test_init_dir_writes_the_config_in_that_directory(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'outer'\n")
    inner = make(tmp_path / "mono", {"api/requirements.txt": "", "api/main.py": ""})
    result = archcheck(tmp_path, "init", "mono")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("wrote [tool.archcheck] to mono/pyproject.toml\n")
    assert tool(inner)["services"] == ["api"]
    assert "archcheck" not in (tmp_path / "pyproject.toml").read_text()


@pytest.mark.parametrize("name", ["C:", "\\svc"])
def test_a_folder_name_that_reads_as_absolute_gets_a_glob_the_config_accepts(
    tmp_path: Path, name: str
) -> None:
    """``init`` wrote ``C:`` and ``\\svc`` as they are; the next ``check`` refused them as paths
    outside the project."""
    from archcheck.config.globs import validate_dir_glob
    from archcheck.scaffold import literal_glob

    glob = literal_glob(name)
    validate_dir_glob(glob)
    (tmp_path / name).mkdir()
    assert [p.name for p in tmp_path.glob(glob)] == [name]


def test_platform_folders_are_found_in_linear_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every candidate service was compared with every other (12,000 folders: 79 s of init)."""
    from archcheck.project import survey

    n = 300
    for i in range(n):
        (tmp_path / f"s{i}").mkdir()
        (tmp_path / f"s{i}" / "requirements.txt").write_text("x\n")
    (tmp_path / "s0" / "inner").mkdir()
    (tmp_path / "s0" / "inner" / "requirements.txt").write_text("x\n")
    calls = []
    real = survey.is_within
    monkeypatch.setattr(survey, "is_within", lambda *a: calls.append(a) or real(*a))
    dirs = frozenset({*(f"s{i}" for i in range(n)), "s0/inner"})
    found = survey._services(tmp_path, dirs, [], ["s0/inner"], lambda d: False)  # a build context
    assert "s0" not in found and "s0/inner" in found and "s1" in found and len(found) == n
    assert len(calls) < 10 * n


def test_a_long_list_is_written_as_tomlkit_writes_one() -> None:
    import tomlkit

    from archcheck.scaffold import _multiline

    values = ["services/a", 'we"ird', "back\\slash", "x[[]ab]"]
    item = tomlkit.item(values)
    item.multiline(True)
    for built in (item, _multiline(values)):
        document = tomlkit.document()
        document.add("services", built)
        assert (
            tomlkit.dumps(document)
            == 'services = [\n    "services/a",\n    "we\\"ird",\n    "back\\\\slash",\n    "x[[]ab]",\n]\n'
        )
