from __future__ import annotations

from pathlib import Path

import pytest

from archcheck.api import load_settings
from archcheck.config.load import find_config
from archcheck.config.settings import ConfigError
from archcheck.pipeline.registry import not_in_tests


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems(root: Path) -> list:
    with pytest.raises(ConfigError) as info:
        load_settings(root)
    return info.value.problems


def test_root_is_nearest_dir_with_archcheck_settings(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.archcheck]\nstrict = true\n")
    write(tmp_path / "services/a/pyproject.toml", "[project]\nname = 'a'\n")
    root, config = find_config(tmp_path / "services/a")
    assert (root, config) == (tmp_path, tmp_path / "pyproject.toml")
    assert load_settings(tmp_path / "services/a").strict is True


def test_archcheck_toml_wins_over_pyproject_in_same_dir(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.archcheck]\nstrict = true\n")
    write(tmp_path / "archcheck.toml", "strict = false\n")
    assert load_settings(tmp_path).strict is False


def test_falls_back_to_nearest_pyproject_or_git(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    assert find_config(sub) == (tmp_path, None)
    settings = load_settings(sub)
    assert settings.root == tmp_path and settings.services is None


def test_explicit_config_sets_root(tmp_path: Path) -> None:
    config = write(tmp_path / "conf" / "archcheck.toml", "shared = ['libs/*']\n")
    settings = load_settings(tmp_path, config)
    assert settings.root == tmp_path / "conf" and settings.shared == ("libs/*",)


def test_every_problem_is_reported_with_file_and_key(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        """
[tool.archcheck]
sevices = ["services/*"]
select = "ASY"
per-file-ignores = { "tests/**" = "CFG" }

[tool.archcheck.imports]
allow = ["a => b"]

[tool.archcheck.config]
database-url-template = "postgresql://{svc}@db"

[tool.archcheck.ssot]
canonical = { DatabaseManager = 3 }
""",
    )
    assert problems(tmp_path) == [
        "pyproject.toml: sevices: unknown key (did you mean 'services'?)",
        "pyproject.toml: select: expected a list of strings, got a string",
        "pyproject.toml: per-file-ignores: 'tests/**': expected a list of strings, got a string",
        "pyproject.toml: imports.allow: expected 'a -> b', got 'a => b'",
        "pyproject.toml: config.database-url-template: unknown placeholder {svc}; "
        "use {service} or {service_host}",
        'pyproject.toml: ssot.canonical: expected a table of class name = "path", got a table',
    ]


@pytest.mark.parametrize(
    ("glob", "reason"),
    [
        ("/srv/services/*", "must be relative to the project root"),
        ("C:/services/*", "must be relative to the project root"),
        ("c:", "must be relative to the project root"),
        ("../other/*", "must not leave the project root"),
        ("services/**x", "'**' can only be an entire path component"),
        ("", "empty glob"),
    ],
)
def test_bad_service_globs(tmp_path: Path, glob: str, reason: str) -> None:
    write(tmp_path / "archcheck.toml", f"services = [{glob!r}]\n")
    [problem] = problems(tmp_path)
    assert problem.startswith("archcheck.toml: services: ") and reason in problem


def test_a_folder_named_like_a_drive_letter_and_more_is_a_service(tmp_path: Path) -> None:
    (tmp_path / "v:2" / "app").mkdir(parents=True)
    (tmp_path / "v:2" / "app" / "m.py").write_text("x = 1\n")
    write(tmp_path / "archcheck.toml", 'services = ["v:2"]\n')
    assert load_settings(tmp_path).services == ("v:2",)


def test_unknown_section_key_and_non_table_section(tmp_path: Path) -> None:
    write(tmp_path / "archcheck.toml", "imports = 3\n[requirements]\ndrivers = []\n")
    assert problems(tmp_path) == [
        "archcheck.toml: imports: expected a table, got int",
        "archcheck.toml: requirements.drivers: unknown key (did you mean 'requirements.database-drivers'?)",
    ]


def test_invalid_toml_is_one_problem(tmp_path: Path) -> None:
    write(tmp_path / "archcheck.toml", "services = [\n")
    [problem] = problems(tmp_path)
    assert problem.startswith("archcheck.toml: invalid TOML:")


def test_valid_config_is_typed(tmp_path: Path) -> None:
    write(
        tmp_path / "archcheck.toml",
        """
services = ["services/*"]
extend-exclude = ["legacy"]
respect-gitignore = false
[imports]
allow = ["gateway -> auth"]
relative = "parents"
""",
    )
    settings = load_settings(tmp_path)
    assert settings.option("imports.allow") == (("gateway", "auth"),)
    assert settings.option("imports.relative") == "parents"
    assert "legacy" in settings.all_excludes and ".venv" in settings.all_excludes
    assert settings.respect_gitignore is False


def test_test_files_include_test_infrastructure_and_drive_the_default_ignores(tmp_path: Path) -> None:
    from archcheck.project.project import Project

    write(tmp_path / "archcheck.toml", 'extend-test-files = ["qa/**"]\n')
    settings = load_settings(tmp_path)
    project = Project(settings, None, {})  # type: ignore[arg-type]
    for path in (
        "test_framework/ssot/base.py",
        "svc/testing/helpers.py",
        "svc/tests/fixtures/db.py",
        "fixtures/data.py",
        "svc/conftest.py",
        "qa/smoke.py",
        "svc/app/test_api.py",
    ):
        assert project.is_test_file(path), path
    for path in ("svc/app/testimonials.py", "svc/app/contest.py", "scripts/run.py"):
        assert not project.is_test_file(path), path
    assert ("qa/**", ("CFG", "SSOT")) in settings.all_per_file_ignores(not_in_tests())
    write(tmp_path / "archcheck.toml", 'test-files = ["qa/**"]\n[per-file-ignores]\n"x/**" = ["IMP"]\n')
    settings = load_settings(tmp_path)
    assert settings.all_per_file_ignores(not_in_tests()) == (
        ("x/**", ("IMP",)),
    )  # per-file-ignores replaces the default
