"""A baseline the config names is a file of the project: never a path or a link out of it."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Tuple

import pytest

from tests.hostile._project import CONFIG, project, run


@pytest.mark.parametrize("value", ['"/etc/passwd"', '"../outside.json"'])
def test_a_config_baseline_outside_the_project_is_a_config_error(tmp_path: Path, value: str) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"}, CONFIG + f"baseline = {value}\n")
    result = run(root)
    assert result.returncode == 2 and b"baseline" in result.stderr and b"inside the project" in result.stderr
    assert b"root:" not in result.stderr  # nothing of the file is quoted


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_a_config_baseline_linked_out_of_the_project_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "secret.json"
    outside.write_text('{"auths": {"registry": "token"}}')
    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p", {"a.py": "x = 1\n"}, CONFIG + 'baseline = "known.json"\n')
    (root / "known.json").symlink_to(outside)
    result = run(root)
    assert result.returncode == 2 and b"leads outside the project" in result.stderr
    assert b"auths" not in result.stderr
    pruned = subprocess.run(  # `baseline --prune` read it (and quoted its keys) before refusing to write
        [sys.executable, "-m", "archcheck", "baseline", "--prune"], cwd=root, capture_output=True, timeout=300
    )
    assert pruned.returncode == 2 and b"leads outside the project" in pruned.stderr
    assert b"auths" not in pruned.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
@pytest.mark.parametrize("into", ["outside", "git"])
@pytest.mark.parametrize(
    "command", [["check", "--baseline", "known.json"], ["baseline", "--prune", "--output", "known.json"]]
)
def test_a_baseline_named_on_the_command_line_is_not_read_through_a_link(
    tmp_path: Path,
    into: str,
    command: list,  # type: ignore[type-arg]
) -> None:
    """``check --baseline NAME`` (the README's CI form) and ``baseline --prune --output NAME``
    read a committed link out of the checkout or into ``.git`` (its entries hid findings, and
    a value of the file was quoted), where the same name in the config was refused."""
    outside = tmp_path / "secret.json"
    outside.write_text('{"tool": "SECRET-VALUE", "entries": []}')
    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p", {"a.py": "x = 1\n"}, CONFIG)
    (root / ".git").mkdir()
    (root / ".git" / "config.json").write_text('{"tool": "SECRET-VALUE", "entries": []}')
    (root / "known.json").symlink_to(outside if into == "outside" else root / ".git" / "config.json")
    result = subprocess.run(
        [sys.executable, "-m", "archcheck", *command], cwd=root, capture_output=True, timeout=300
    )
    reason = b"leads outside the project" if into == "outside" else b"version-control folder"
    assert result.returncode == 2 and reason in result.stderr and b"not read" in result.stderr, result.stderr
    assert b"SECRET" not in result.stderr + result.stdout
    assert command[-2].encode() in result.stderr  # the option named


def _archcheck(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "archcheck", *args], cwd=cwd, capture_output=True, timeout=300
    )


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_files_named_on_the_command_line_are_judged_against_the_project_not_the_working_folder(
    tmp_path: Path,
) -> None:
    """The boundary was the working folder: from a subfolder, the project's own baseline
    (``../../archcheck-baseline.json``, no link) was refused; from the folder above the
    checkout, a committed link ``proj/base.json`` to a file outside it was read."""
    (tmp_path / "outside.json").write_text('{"tool": "archcheck", "entries": []}')
    (tmp_path / "proj").mkdir()
    root = project(
        tmp_path / "proj", {"a.py": "import asyncio\nasync def f():\n    asyncio.run(f())\n"}, CONFIG
    )
    assert _archcheck(root, "baseline").returncode == 0
    sub = root / "svc" / "app"
    for args in (["check", "--baseline", "../../archcheck-baseline.json"],
                 ["baseline", "--prune", "--output", "../../archcheck-baseline.json"],
                 ["check", "--exit-zero", "--output", "../../report.txt"]):  # fmt: skip
        result = _archcheck(sub, *args)
        assert result.returncode == 0, (args, result.stderr)
    assert (root / "report.txt").is_file()
    (root / "base.json").symlink_to("../outside.json")
    (root / "h.jsonl").symlink_to("../outside.json")
    for cwd, named in ((tmp_path, "proj/base.json"), (root, str(root / "base.json"))):
        result = _archcheck(cwd, "check", "proj" if cwd == tmp_path else ".", "--baseline", named)
        assert result.returncode == 2 and b"leads outside the project" in result.stderr, (
            named,
            result.stderr,
        )
    result = _archcheck(tmp_path, "audit", "proj", "--history", "proj/h.jsonl")
    assert result.returncode == 2 and b"leads outside the project" in result.stderr, result.stderr


def test_a_value_of_a_file_that_is_no_baseline_is_not_quoted(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"}, CONFIG)
    (root / "b.json").write_text('{"tool": "SECRET-VALUE", "entries": []}')
    result = run(root, "--baseline", "b.json")
    assert result.returncode == 2 and b"not an archcheck baseline" in result.stderr, result.stderr
    assert b"SECRET" not in result.stderr


_HOOK = b"#!/bin/sh\necho the developer's hook\n"
_NAMED = "svc/app/$(touch PWNED).py"  # a baseline written over a hook is JSON a shell runs


def _draft_due(tmp_path: Path) -> Path:
    """A project with an audit history whose next run drafts a mistake entry (a class copied)."""
    root = project(tmp_path, {"a.py": "class DatabaseManager:\n    pass\n"}, CONFIG)
    assert _archcheck(root, "audit", "--history", "h.jsonl").returncode == 0
    (root / "svc" / "app" / "b.py").write_text("class DatabaseManager:\n    pass\n")
    return root


def _hooked(root: Path) -> Path:
    """A git checkout with a pre-commit hook, and one finding in a file named like a command."""
    (root / ".git" / "hooks").mkdir(parents=True)
    hook = root / ".git" / "hooks" / "pre-commit"
    hook.write_bytes(_HOOK)
    hook.chmod(0o755)
    (root / _NAMED).parent.mkdir(parents=True, exist_ok=True)
    (root / _NAMED).write_text("import asyncio\n\n\nasync def f():\n    asyncio.run(g())\n")
    return hook


def _baseline(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "archcheck", "baseline", *args], cwd=root, capture_output=True, timeout=300
    )


@pytest.mark.parametrize("value", [".git/hooks/pre-commit.json", ".GIT/config.json", "sub/.hg/hgrc.json"])
def test_a_config_baseline_in_a_version_control_folder_is_a_config_error(tmp_path: Path, value: str) -> None:
    """``baseline = ".git/hooks/pre-commit"`` made ``archcheck baseline`` replace the hook (its
    mode kept) with JSON that a shell ran at the next commit."""
    root = project(tmp_path, {"a.py": "x = 1\n"}, CONFIG + f'baseline = "{value}"\n')
    hook = _hooked(root)
    result = _baseline(root)
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1, result.stderr
    assert b"inside a version-control folder" in result.stderr
    assert hook.read_bytes() == _HOOK


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
@pytest.mark.parametrize("args", [(), ("--prune",)])
def test_a_committed_link_into_git_is_not_written_through(tmp_path: Path, args: tuple) -> None:  # type: ignore[type-arg]
    """A committed ``archcheck-baseline.json -> .git/hooks/pre-commit`` stays in the project,
    so it was followed: the hook was replaced."""
    root = project(tmp_path, {"a.py": "x = 1\n"}, CONFIG)
    hook = _hooked(root)
    (root / "archcheck-baseline.json").symlink_to(".git/hooks/pre-commit")
    result = _baseline(root, *args)
    assert result.returncode == 2 and b"version-control folder" in result.stderr, result.stderr
    assert hook.read_bytes() == _HOOK and not (root / "PWNED").exists()
    (root / "out").symlink_to(".git/hooks")
    result = run(root, "--output", "out/pre-commit")
    assert result.returncode == 2 and b"version-control folder" in result.stderr, result.stderr
    assert hook.read_bytes() == _HOOK


def test_a_write_the_project_names_never_lands_in_its_repository_folder(tmp_path: Path) -> None:
    from archcheck.fileio import WriteError, write_atomic

    (tmp_path / ".Git").mkdir()
    with pytest.raises(WriteError, match="version-control folder"):
        write_atomic(tmp_path / ".Git" / "config", "{}", inside=tmp_path)
    write_atomic(tmp_path / "git.json", "{}", inside=tmp_path)  # a name that only looks like it
    write_atomic(tmp_path / ".Git" / "config", "{}")  # a path the user gave: their choice
    assert (tmp_path / ".Git" / "config").read_text() == "{}"


@pytest.mark.parametrize("value", [".env", ".venv/bin/pip", "conftest.py", "known"])
def test_a_config_baseline_is_a_json_file(tmp_path: Path, value: str) -> None:
    """``baseline = ".env"`` made ``archcheck baseline`` replace a developer's untracked
    secrets (or a script) with JSON."""
    root = project(tmp_path, {"a.py": "x = 1\n"}, CONFIG + f'baseline = "{value}"\n')
    (root / ".env").write_text("TOKEN=secret\n")
    result = _baseline(root)
    assert result.returncode == 2 and b"must name a .json file" in result.stderr, result.stderr
    assert (root / ".env").read_text() == "TOKEN=secret\n"


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
@pytest.mark.parametrize(
    ("link", "command"),
    [
        ("archcheck-baseline.json", ("baseline",)),
        ("known.json", ("baseline", "--output", "known.json")),
        ("report.txt", ("check", "--output", "report.txt")),
        ("MASTER_INDEX.md", ("index",)),
        ("out/report.txt", ("check", "--output", "out/report.txt")),
    ],
)
def test_no_writer_follows_a_committed_link_inside_the_project(
    tmp_path: Path, link: str, command: Tuple[str, ...]
) -> None:
    """A committed link to an in-project virtualenv's ``bin/pip`` (or a ``.pth`` file) was
    followed and the file replaced, its execute bit kept: the findings ran as a program."""
    root = project(tmp_path, {"a.py": "x = 1\n"}, CONFIG)
    _hooked(root)
    pip = root / ".venv" / "bin" / "pip"
    pip.parent.mkdir(parents=True)
    pip.write_text("#!/bin/sh\necho pip\n")
    pip.chmod(0o755)
    if link.startswith("out/"):
        (root / "out").symlink_to(".venv/bin")
        link = "out/pip"
        command = (*command[:-1], "out/pip")
    else:
        (root / link).symlink_to(".venv/bin/pip")
    result = subprocess.run(
        [sys.executable, "-m", "archcheck", *command], cwd=root, capture_output=True, timeout=300
    )
    assert result.returncode == 2 and b"is a link, or in a folder that is one" in result.stderr, result.stderr
    assert pip.read_text() == "#!/bin/sh\necho pip\n" and os.access(pip, os.X_OK)


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
@pytest.mark.parametrize(
    "command",
    [
        ("check", "--output", "reports/out/../bin/pip"),
        ("index", "--output", "reports/out/../bin/pip"),
        ("baseline", "--output", "reports/out/../bin/pip"),
        ("audit", "--history", "reports/out/../bin/h.jsonl"),
        ("audit", "--history", "h.jsonl", "--mistakes", "reports/out/../bin/drafts"),
    ],
)
def test_no_writer_follows_a_committed_link_that_a_dot_dot_comes_after(
    tmp_path: Path, command: Tuple[str, ...]
) -> None:
    """``reports/out/../bin/pip`` with a committed ``reports/out -> ../.venv/lib``: the path
    was collapsed to ``reports/bin/pip`` before its links were looked at, and the in-project
    virtualenv's ``pip`` was replaced."""
    root = _draft_due(tmp_path)
    pip = root / ".venv" / "bin" / "pip"
    pip.parent.mkdir(parents=True)
    (root / ".venv" / "lib").mkdir()
    pip.write_text("#!/bin/sh\necho pip\n")
    (root / "reports").mkdir()
    (root / "reports" / "out").symlink_to("../.venv/lib")
    result = _archcheck(root, *command)
    assert result.returncode == 2 and b"is a link, or in a folder that is one" in result.stderr, result.stderr
    assert pip.read_text() == "#!/bin/sh\necho pip\n" and sorted(os.listdir(pip.parent)) == ["pip"]


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
@pytest.mark.parametrize(
    "command",
    [("check", "--output", "{ws}/reports/out/tool"), ("check", "--baseline", "{ws}/reports/out/tool")],
)
def test_a_path_into_the_project_through_a_linked_workspace_is_the_projects(
    tmp_path: Path, command: Tuple[str, ...]
) -> None:
    """A workspace reached through a link (``$PWD`` on a CI runner, ``/tmp`` on macOS):
    ``--output "$PWD/reports/out/tool"`` counted as named outside the project, so the committed
    link ``reports/out`` was followed out of it and the file there replaced."""
    (tmp_path / "real").mkdir()
    root = project(tmp_path / "real", {"a.py": "x = 1\n"}, CONFIG)
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "tool").write_text('{"tool": "archcheck", "entries": []}')
    (root / "reports").mkdir()
    (root / "reports" / "out").symlink_to(victim)
    (tmp_path / "ws").symlink_to("real")
    result = _archcheck(root, *(a.format(ws=tmp_path / "ws") for a in command))
    assert result.returncode == 2 and b"leads outside the project" in result.stderr, result.stderr
    assert (victim / "tool").read_text() == '{"tool": "archcheck", "entries": []}'


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
@pytest.mark.parametrize(
    "command",
    [
        ("check", "--output", "{root}/a/../../x"),
        ("index", "--output", "{root}/a/../../x"),
        ("audit", "--history", "{root}/a/../../y"),
        ("audit", "--history", "h.jsonl", "--mistakes", "a/../../m"),
    ],
)
def test_a_path_that_climbs_out_as_written_but_back_in_through_a_link_is_the_projects(
    tmp_path: Path, command: Tuple[str, ...]
) -> None:
    """``proj/a/../../x`` names a place above the project as written, so it was the user's own
    choice and written unchecked; with ``a`` a committed link to ``deep/deeper`` the kernel
    takes the ``..`` through it, back to ``proj/x``, a committed link into ``.git/hooks``."""
    root = _draft_due(tmp_path)
    hook = _hooked(root)
    (root / "deep" / "deeper").mkdir(parents=True)
    (root / "a").symlink_to("deep/deeper")
    (root / "x").symlink_to(".git/hooks/pre-commit")
    (root / "y").symlink_to(".git/hooks/post-checkout")
    (root / "m").symlink_to(".git/hooks")
    result = _archcheck(root, *(a.format(root=root) for a in command))
    assert result.returncode == 2 and (b"not written" in result.stderr or b"not read" in result.stderr)
    assert hook.read_bytes() == _HOOK
    assert sorted(p.name for p in hook.parent.iterdir()) == ["pre-commit"]


def test_a_replaced_report_loses_its_execute_bits_and_a_fixed_script_keeps_them(tmp_path: Path) -> None:
    from archcheck.fileio import write_atomic

    report, script = tmp_path / "report.txt", tmp_path / "tool.py"
    for path in (report, script):
        path.write_text("old\n")
        path.chmod(0o755)
    write_atomic(report, "new\n", inside=tmp_path)
    write_atomic(script, "new\n", inside=tmp_path, edit=True)
    assert stat.S_IMODE(report.stat().st_mode) == 0o644
    assert stat.S_IMODE(script.stat().st_mode) == 0o755


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
@pytest.mark.parametrize(
    ("link", "target", "folder"),
    [("mistakes", ".git/hooks", "mistakes"), ("reports", ".git", "reports/drafts")],
)
def test_mistake_drafts_are_not_written_through_a_committed_link(
    tmp_path: Path, link: str, target: str, folder: str
) -> None:
    """``audit --mistakes mistakes`` with a committed ``mistakes -> .git/hooks`` wrote its
    drafts into .git (the links were looked at only from the linked folder down)."""
    root = _draft_due(tmp_path)
    (root / ".git" / "hooks").mkdir(parents=True)
    (root / link).symlink_to(target)
    result = _archcheck(root, "audit", "--history", "h.jsonl", "--mistakes", folder)
    assert result.returncode == 2 and b"is a link, or in a folder that is one" in result.stderr, result.stderr
    assert not [p for p in (root / ".git").rglob("*") if p.is_file()]


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_init_reads_no_ruff_config_a_link_leads_out_to(tmp_path: Path) -> None:
    outside = tmp_path / "outside.toml"
    outside.write_text('[lint.flake8-tidy-imports]\nban-relative-imports = "parents"\n')
    root = tmp_path / "p"
    (root / "svc" / "app").mkdir(parents=True)
    (root / "svc" / "requirements.txt").write_text("x==1\n")
    (root / "svc" / "app" / "m.py").write_text("import os\n")
    (root / "ruff.toml").symlink_to(outside)
    result = subprocess.run(
        [sys.executable, "-m", "archcheck", "init"], cwd=root, capture_output=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "parents" not in (root / "pyproject.toml").read_text()


def test_the_baseline_name_is_escaped_when_printed(tmp_path: Path) -> None:
    """``baseline = "x\\u202ey.json"`` (a bidi override) was printed raw in "wrote …"."""
    root = project(tmp_path, {"a.py": "x = 1\n"}, CONFIG + 'baseline = "x\\u202ey.json"\n')
    result = _baseline(root)
    assert result.returncode == 0, result.stderr
    assert "\u202e".encode() not in result.stdout and b"wrote x\\u202ey.json" in result.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks")
def test_a_service_glob_reads_no_folder_beyond_the_walk(tmp_path: Path) -> None:
    """``services = ["svc", "**/worker", "out/**"]`` was expanded by ``Path.glob``: a folder
    1,100 levels deep in the checkout was RecursionError, and a committed ``out -> /usr`` was
    walked. The globs are matched against the folders the walk found."""
    (tmp_path / "outside" / "worker").mkdir(parents=True)
    (tmp_path / "outside" / "worker" / "m.py").write_text("x = 1\n")
    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p", {"a.py": "x = 1\n"}, 'services = ["svc", "**/worker", "out/**"]\n')
    (root / "out").symlink_to(tmp_path / "outside")
    here = os.getcwd()
    try:
        try:  # step by step: the whole path is longer than the system lets one call name
            os.chdir(root)
            for _ in range(1100):
                os.mkdir("d")
                os.chdir("d")
            Path("m.py").write_text("x = 1\n")
        finally:
            os.chdir(here)
        result = run(root, "--no-cache", "--format", "json")
    finally:  # pytest removes old temporary folders recursively: leave none this deep
        subprocess.run(["rm", "-rf", "d"], cwd=root, check=False)
    assert result.returncode == 0 and b"internal error" not in result.stderr, result.stderr
    assert b"worker" not in result.stdout
