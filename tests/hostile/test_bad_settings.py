"""A setting that would silently do nothing is exit 2 with one line: a ``services`` glob that keeps
no folder, a folder named as a service that a ``shared`` glob takes, an empty ``--select``, a
``shared-requirements`` file that does not exist, a ``select`` that ``ignore`` cancels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List

import pytest

from archcheck.rule_api.examples import Example
from tests.helpers import write_example
from tests.hostile._project import run

CODE = "x = 1\n"


def _layout(root: Path, config: str) -> Path:
    files = {"a/m.py": CODE, "b/m.py": CODE, "svc/app/m.py": CODE, "svc/requirements.txt": "httpx\n"}
    return write_example(root, Example(files, config))


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            'services = ["a", "b"]\nshared = ["*"]\n',
            "services: 'a' and shared: '*' both match 'a'; a folder is a service or shared, not both",
        ),
        (
            'services = ["svc"]\nshared = ["svc/app"]\n',
            "services: 'svc' matches only shared libraries or folders holding one ('svc/app', shared: 'svc/app')",
        ),
        ('services = ["nope"]\n', "services: 'nope' matches no folder with Python code"),
        # run 122c/03: a typo in a shared library's path, a glob out of the project
        (
            'services = ["svc"]\nshared = ["libs/commn"]\n',
            "shared: 'libs/commn' matches no folder with Python code",
        ),
        (
            'services = ["svc"]\n[per-file-ignores]\n"../**" = ["IMP"]\n',
            "per-file-ignores: bad glob '../**': must not leave the project root (it would match nothing)",
        ),
        (
            'services = ["svc"]\nexclude = ["svc//app/a.py"]\n',
            "exclude: bad glob 'svc//app/a.py': an empty part matches nothing (write the path without it)",
        ),
        (
            'services = ["svc"]\n[per-file-ignores]\n"./" = ["IMP"]\n',
            "per-file-ignores: bad glob './': an empty part matches nothing (write the path without it)",
        ),
        (  # (124c/03: the glob as written)
            'services = ["svc"]\n[per-file-ignores]\n"./svc/*" = "ASY001"\n',
            "per-file-ignores: './svc/*': ",
        ),
        (
            'services = ["svc"]\nexclude = ["a/./x"]\n',
            "exclude: bad glob 'a/./x': a '.' part matches nothing (write the path without it)",
        ),
        (
            'services = ["svc"]\nexclude = ["a/../../x"]\n',
            "exclude: bad glob 'a/../../x': must not leave the project root (it would match nothing)",
        ),
        ('services = ["no*"]\n', "services: 'no*' keep no folder with Python code: nothing to check"),
        (
            'services = ["svc"]\nshared-requirements = "nonexistent.txt"\n',
            "shared-requirements: 'nonexistent.txt': no such file in the project",
        ),
        # run 84a: a folder was an ARC001 finding (exit 1), not a configuration error
        (
            'services = ["svc"]\nshared-requirements = "svc"\n',
            "shared-requirements: 'svc': a folder, not a requirements file",
        ),
        (
            'services = ["svc"]\nshared-requirements = "."\n',
            "shared-requirements: '.': a folder, not a requirements file",
        ),
        # problems found once the project is read still name the file they come from
        (
            'services = ["a", "b"]\n[imports]\nallow = ["a -> nowhere"]\n',
            "imports.allow: unknown service 'nowhere'",
        ),
        (
            'services = ["svc"]\n[ssot.canonical]\nThing = "svc/app/m.py"\n',
            "ssot.canonical: Thing: 'svc/app/m.py' defines no such class",
        ),
        # (run 117b/08: a path written with `./` or `..` is the file it names)
        (
            'services = ["svc"]\n[ssot.canonical]\nThing = "./svc/app/m.py"\n',
            "ssot.canonical: Thing: 'svc/app/m.py' defines no such class",
        ),
        (
            'services = ["svc"]\n[ssot.canonical]\nThing = "svc/../svc/app/m.py"\n',
            "ssot.canonical: Thing: 'svc/app/m.py' defines no such class",
        ),
        # runs 127a/04, 127c/03: a key that is no class name (its text was quoted as the class
        # unmasked: `defines no class DB_PASSWORD=…`, read as a class's header)
        (
            'services = ["svc"]\n[ssot.canonical]\n"" = "svc/app/m.py"\n',
            "ssot.canonical: '' is not a class name",
        ),
        (
            'services = ["svc"]\n[ssot.canonical]\n"DB_PASSWORD=Tr0ub4dor-prod" = "svc/app/m.py"\n',
            "ssot.canonical: 'DB_PASSWORD=***' is not a class name",
        ),
        (
            'services = ["svc"]\n[ssot.canonical]\nThing = "a/m.py"\n',
            "ssot.canonical: Thing: 'a/m.py' is not a Python file of a service",
        ),
        # run 75: every rule off, as an empty select would turn them off
        (
            'services = ["svc"]\nselect = ["ASY001"]\nignore = ["ASY"]\n',
            "select and ignore leave no rule to check",
        ),
        ('services = ["svc"]\nignore = ["ALL"]\n', "select and ignore leave no rule to check"),
    ],
)
def test_a_setting_that_does_nothing_is_exit_2(tmp_path: Path, config: str, message: str) -> None:
    result = run(_layout(tmp_path, config))
    assert result.returncode == 2
    stderr = result.stderr.decode("utf-8")
    assert stderr.startswith(f"archcheck: error: archcheck.toml: {message}") and stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("config", "options", "message"),
    [
        ("", ["--select", "ASY001", "--ignore", "ASY"], "--select and --ignore leave no rule to check"),
        ("", ["--ignore", "ALL"], "--ignore leaves no rule to check"),
        (
            'ignore = ["REQ"]\n',
            ["--select", "REQ001"],
            "--select with the ignore of archcheck.toml leaves no rule",
        ),
        (
            'select = ["REQ"]\n',
            ["--ignore", "REQ"],
            "--ignore with the select of archcheck.toml leaves no rule",
        ),
    ],
)
def test_options_that_leave_no_rule_name_the_options(
    tmp_path: Path, config: str, options: List[str], message: str
) -> None:
    """Run 76: the reason named archcheck.toml when the command line's codes turned every rule off."""
    result = run(_layout(tmp_path, 'services = ["svc"]\n' + config), *options)
    assert result.returncode == 2
    stderr = result.stderr.decode("utf-8")
    assert stderr.startswith(f"archcheck: error: {message}") and stderr.count("\n") == 1


@pytest.mark.parametrize("select", [[""], [","], [" , "]])
def test_an_empty_select_option_is_exit_2(tmp_path: Path, select: List[str]) -> None:
    result = run(_layout(tmp_path, 'services = ["svc"]\n'), *(f"--select={s}" for s in select))
    assert result.returncode == 2 and b"--select: an empty select" in result.stderr


@pytest.mark.parametrize(
    "config",
    [
        'services = ["*"]\nshared = ["b"]\n',  # a wildcard: the shared library is not a service
        'services = ["a", "svc"]\nshared = ["b"]\n',
        'services = ["svc"]\nshared-requirements = "svc/requirements.txt"\n',
    ],
)
def test_settings_that_do_something_still_work(tmp_path: Path, config: str) -> None:
    result = run(_layout(tmp_path, config), "--no-cache")
    assert result.returncode == 0, result.stderr


def test_a_wildcard_that_matches_nothing_yet_beside_others_is_fine(tmp_path: Path) -> None:
    result = run(_layout(tmp_path, 'services = ["svc", "apps/*"]\nshared = ["libs/*"]\n'), "--no-cache")
    assert result.returncode == 0, result.stderr


def test_exclude_globs_too_many_to_match_at_once_are_exit_2(tmp_path: Path) -> None:
    """3,000 globs, each valid, pass RE2's memory budget together: extend-exclude gave a reason
    that named no glob. (Its globs read against each other, ``!`` after the rest, so they are one
    matcher.)"""
    globs = [f"zz{i}/*x*y*/q{i}.py" for i in range(3000)]
    config = 'services = ["svc"]\nextend-exclude = [' + ", ".join(f'"{g}"' for g in globs) + "]\n"
    result = run(_layout(tmp_path, config))
    err = result.stderr.decode("utf-8")
    assert result.returncode == 2 and len(err.splitlines()) == 1, err
    assert "extend-exclude: 3000 globs are more than can be matched at once" in err


def test_per_file_ignores_globs_too_many_to_match_at_once_are_used_in_parts(tmp_path: Path) -> None:
    """The same 3,000 globs as per-file-ignores were "internal error: GlobError", then exit 2:
    each is read alone, so they are matched in parts RE2 can compile."""
    globs = [f"zz{i}/*x*y*/q{i}.py" for i in range(3000)] + ["svc/app/a.py"]
    config = 'services = ["svc"]\n[per-file-ignores]\n' + "".join(f'"{g}" = ["IMP"]\n' for g in globs)
    root = _layout(tmp_path, config)
    (root / "svc/app/a.py").write_text("from . import m\n")
    (root / "svc/app/b.py").write_text("from . import m\n")
    result = run(root, "--select", "IMP002", "--format", "json")
    assert result.returncode == 0, result.stderr  # IMP002 warns
    assert [v["path"] for v in json.loads(result.stdout)["violations"]] == ["svc/app/b.py"]


def test_a_glob_validated_alone_is_not_compiled_again_for_the_table() -> None:
    """Run 77: 24,000 per-file-ignores globs took 10 s, each compiled once to validate it and
    once more in the table that matches them together; a line's pattern is now made once."""
    from archcheck.config import globs

    lines = [f"zz_run77_{i}/*.py" for i in range(50)]
    before = globs._pattern.cache_info().misses
    for line in lines:
        globs.compile_globs([line])
    globs.GlobTable(lines)
    assert globs._pattern.cache_info().misses - before == len(lines)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('services = ["svc"]\nfoo_token = 1\n', "foo_token: unknown key"),  # run 79: was "foo_token: *** key"
        ('services = ["svc"]\n[imports]\nrelative = "password=hunter2"\n', "got 'password=***'"),
        # run 128b/01: a name that says whose secret it is
        (
            'services = ["svc"]\n[imports]\nallow = ["DB password (prod): hunter2"]\n',
            "got 'DB password (prod): ***'",
        ),
        (
            'services = ["svc"]\n[imports]\nallow = ["Password for admin: hunter2"]\n',
            "got 'Password for admin: ***'",
        ),
    ],
)
def test_a_config_problem_masks_values_not_the_reason_after_a_key(
    tmp_path: Path, config: str, message: str
) -> None:
    result = run(_layout(tmp_path, config))
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2 and message in stderr and "hunter2" not in stderr, stderr


def test_a_glob_written_from_here_is_read_from_the_root(tmp_path: Path) -> None:
    """Run 123c/04: `./svc/app/m.py` in `exclude` or `per-file-ignores` matched nothing, as
    gitignore reads it; it is anchored at the root, as `/svc/app/m.py` is."""
    config = 'services = ["svc"]\nexclude = ["./svc/app/bad.py"]\n[per-file-ignores]\n"./svc/app/*.py" = ["ASY001"]\n'
    root = _layout(tmp_path, config)
    (root / "svc" / "app" / "m.py").write_text("import asyncio\n\nasync def f():\n    asyncio.run(g())\n")
    (root / "svc" / "app" / "bad.py").write_text("def f(:\n")
    result = run(root, "--no-cache", "--select", "ASY001,ARC001", "--format", "json")
    assert result.returncode == 0, result.stdout
