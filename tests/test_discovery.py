from __future__ import annotations

from pathlib import Path

import pytest

from archcheck.api import load_settings
from archcheck.project.discovery import discover, walk_files


def make(root: Path, files: dict) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_default_excludes_extend_exclude_and_gitignore(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "archcheck.toml": 'extend-exclude = ["legacy", "*.gen.py"]\n',
            ".gitignore": "/generated/\n*.tmp.py\n",
            "pkg/.gitignore": "local_*.py\n!local_keep.py\n",
            "pkg/a.py": "",
            "pkg/local_x.py": "",
            "pkg/local_keep.py": "",
            "pkg/b.tmp.py": "",
            "generated/g.py": "",
            "pkg/generated/kept.py": "",
            ".venv/lib/x.py": "",
            "node_modules/m.py": "",
            "build/b.py": "",
            "x.egg-info/e.py": "",
            "legacy/old.py": "",
            "pkg/c.gen.py": "",
            "pkg/__pycache__/c.py": "",
            "notes.txt": "",
        },
    )
    assert walk_files(load_settings(tmp_path))[0] == [
        "pkg/a.py",
        "pkg/generated/kept.py",
        "pkg/local_keep.py",
    ]


def test_gitignore_can_be_turned_off(tmp_path: Path) -> None:
    make(tmp_path, {"archcheck.toml": "respect-gitignore = false\n", ".gitignore": "*.py\n", "a.py": ""})
    assert walk_files(load_settings(tmp_path))[0] == ["a.py"]


def test_services_are_auto_detected_by_code_plus_marker(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "archcheck.toml": 'shared = ["shared"]\n',
            "auth_service/requirements-dev.txt": "",
            "auth_service/main.py": "",
            "services/orders-service/Dockerfile": "",
            "services/orders-service/app/main.py": "",
            "apps/web/pyproject.toml": "",
            "apps/web/src/web/main.py": "",
            "docs/requirements.txt": "",  # no Python code
            "tools/helper.py": "",  # no marker
            "shared/setup.py": "",
            "shared/x.py": "",  # a shared library, not a service
            "tests/requirements.txt": "",
            "tests/test_x.py": "",
        },
    )
    layout = discover(load_settings(tmp_path))
    assert [(u.path, u.kind.value) for u in layout.units] == [
        ("apps/web", "service"),
        ("auth_service", "service"),
        ("services/orders-service", "service"),
        ("shared", "shared"),
    ]


def test_service_globs_and_name_clashes(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "archcheck.toml": 'services = ["teams/*/api", "gateway"]\n',
            "teams/a/api/x.py": "",
            "teams/b/api/x.py": "",
            "gateway/g.py": "",
            "teams/a/notes.md": "",
        },
    )
    layout = discover(load_settings(tmp_path))
    assert [u.name for u in layout.units] == ["gateway", "teams/a/api", "teams/b/api"]


def test_unit_globs_skip_excluded_and_code_free_directories(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "archcheck.toml": 'services = ["*"]\nshared = ["libs/*"]\n',
            "orders/app.py": "",
            ".archcheck_cache/x.py": "",
            ".venv/lib/y.py": "",
            "docs/index.md": "",
            "libs/common/c.py": "",
            "libs/empty/README": "",
        },
    )
    layout = discover(load_settings(tmp_path))
    assert [u.path for u in layout.units] == ["libs/common", "orders"]


@pytest.mark.parametrize(
    "ignore",
    [
        "*.py\t",  # git keeps trailing whitespace other than spaces: names ending in a tab
        "*.py\x0c",
        "*.py\xa0",
        "*\t",
        "app[!s]",  # a bracket never matches "/": four-character names only
        "app[!_]main.py",
        "*\n!*.py" + " " * 5000,  # trailing spaces trimmed before any length limit
        "main* \t",  # only spaces are trimmed: this line ends in a tab, after a space
        "\\/svc/app/main.py",  # wildmatch's "\/" is a "/" no path starts with
        "\\/**/",
        "app\\/",  # the last "/" is "folders only": "app\" is left, which names nothing
        "svc[.-0]app",  # a bracket never matches "/", also in a range that spans it
        "*[.-0]",
        "svc/app/**/",  # the folders below svc/app, not svc/app itself
        "*/*/**/",
    ],
)
def test_a_gitignore_hides_only_what_git_ignores(tmp_path: Path, ignore: str) -> None:
    """Each of these .gitignore files ignores nothing of svc/app/main.py for git; pathspec read
    them otherwise (it strips a tab or a form feed, and its `[^s]` matches "/")."""
    make(tmp_path, {"svc/app/main.py": "", "svc/app/.gitignore": ignore + "\n", ".gitignore": ""})
    if "[" in ignore or "/" in ignore:
        (tmp_path / "svc/app/.gitignore").unlink()
        (tmp_path / ".gitignore").write_text(ignore + "\n", encoding="utf-8")
    assert walk_files(load_settings(tmp_path))[0] == ["svc/app/main.py"]
    (tmp_path / "svc/app/.gitignore").write_text("*.py   \n", encoding="utf-8")  # trailing spaces: ignored
    assert walk_files(load_settings(tmp_path))[0] == []


@pytest.mark.parametrize(
    ("ignore", "kept"),
    [
        (b"keep.py\n!keep.py\0junk\n", "keep.py"),
        (b"a/*\n!a\\/keep.py\n", "a/keep.py"),
        (b"*.py\n!x[!a].py\n", "xc.py"),
        (b"a\xff.py\n", "a\xef\xbf\xbd.py"),  # git compares bytes: another name is not ignored
    ],
)
def test_a_gitignore_line_pathspec_cannot_follow_errs_on_checking_more(
    tmp_path: Path, ignore: bytes, kept: str
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / kept).write_text("", encoding="utf-8")
    (tmp_path / ".gitignore").write_bytes(ignore)
    assert walk_files(load_settings(tmp_path))[0] == [kept]


def test_a_gitignore_line_is_measured_as_written(tmp_path: Path) -> None:
    """The 4,096-character limit is the line's: each bracket is read out into a longer class."""
    make(tmp_path, {"b" * 197 + ".py": "", "kept.py": "", ".gitignore": "[!a]" * 197 + ".py\n"})
    unreadable: list = []
    assert walk_files(load_settings(tmp_path), unreadable=unreadable)[0] == ["kept.py"]
    assert unreadable == []


def test_a_large_ignore_file_names_its_own_limit_not_max_file_size(tmp_path: Path) -> None:
    """Run 135c/01: a .gitignore over 1 MB was "over max-file-size (1 MB)" whatever that setting."""
    from tests.helpers import cli

    (tmp_path / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["svc"]\nmax-file-size = 10\n')
    (tmp_path / "svc/app").mkdir(parents=True)
    (tmp_path / "svc/app/a.py").write_text("x = 1\n")
    (tmp_path / ".gitignore").write_text(("x" * 70 + "\n") * 21000)
    out = cli(tmp_path, "check", "--no-cache").stdout
    assert "over what archcheck reads of an ignore file (1 MB)" in out and "max-file-size" not in out, out
