"""Second round: a committed or restored cache folder, and project files that are not what they seem."""

from __future__ import annotations

import os
from pathlib import Path

import msgspec
import pytest

from archcheck.rule_api.examples import Example
from tests.helpers import refuse_listing, write_example
from tests.hostile._project import CONFIG, project, run

POSIX = pytest.mark.skipif(os.name != "posix", reason="FIFOs and symlinks as POSIX has them")
LOOP = "import asyncio\n\nasync def f():\n    asyncio.run(f())\n"


def _out(root: Path, *args: str) -> str:
    result = run(root, *args)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout.decode("utf-8")


def _cache_names(root: Path) -> list[str]:
    _out(root)
    return sorted(p.name for p in (root / ".archcheck_cache").iterdir() if p.name != ".gitignore")


@POSIX
def test_links_in_the_cache_are_replaced_not_followed(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p", {"a.py": LOOP})
    names = _cache_names(root)
    victim = tmp_path / "precious.txt"
    victim.write_text("precious\n")
    for name in names:
        entry = root / ".archcheck_cache" / name
        entry.unlink()
        entry.symlink_to(victim)
    root.joinpath("svc/app/a.py").write_text(LOOP + "# edited\n")  # so every entry is rewritten
    assert "ASY001" in _out(root)
    assert victim.read_text() == "precious\n"


@POSIX
@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_a_cache_entry_that_is_not_a_file_is_not_read(tmp_path: Path, kind: str) -> None:
    root = project(tmp_path, {"a.py": LOOP})
    for name in _cache_names(root):
        entry = root / ".archcheck_cache" / name
        entry.unlink()
        if kind == "fifo":
            os.mkfifo(entry)
        else:
            entry.symlink_to("/dev/zero")
    assert "ASY001" in _out(root)  # and it returned, without reading /dev/zero for good


@POSIX
def test_a_cache_folder_that_is_a_link_is_not_used(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p", {"a.py": LOOP})
    (root / ".archcheck_cache").symlink_to(outside)
    assert "ASY001" in _out(root)
    assert list(outside.iterdir()) == []


def test_a_cache_dir_on_source_code_leaves_it_alone(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": LOOP}, CONFIG + 'cache-dir = "svc/app"\n')
    first, second = _out(root), _out(root)
    assert "ASY001" in first and first == second
    assert not (root / "svc" / "app" / ".gitignore").exists()


def test_a_refused_cache_dir_is_named_in_a_warning(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": LOOP}, CONFIG + 'cache-dir = "svc/app"\n')
    refused = run(root)
    assert b"warning: cache directory 'svc/app' not used" in refused.stderr
    assert b"warning" not in run(root, "--no-cache").stderr  # no cache asked for: nothing to say
    (tmp_path / "ok").mkdir()
    ok = project(tmp_path / "ok", {"a.py": LOOP})
    assert b"warning" not in run(ok).stderr and b"warning" not in run(ok).stderr


@POSIX
def test_a_gitignore_fifo_does_not_block(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": LOOP})
    os.mkfifo(root / ".gitignore")
    os.mkfifo(root / "svc" / "app" / ".gitignore")
    assert "ASY001" in _out(root, "--no-cache")


_BACKTRACKING = "a*a*a*a*a*a*a*a*a*a*a*a*a*a*c.py"  # with `re`: C(150, 13) steps on the first name


@pytest.mark.parametrize("where", [".gitignore", "extend-exclude"])
def test_a_backtracking_glob_is_matched_in_linear_time(tmp_path: Path, where: str) -> None:
    config = CONFIG + (f'extend-exclude = ["{_BACKTRACKING}"]\n' if where == "extend-exclude" else "")
    root = project(tmp_path, {"a" * 150 + ".py": LOOP, "a" * 150 + "c.py": LOOP}, config)
    if where == ".gitignore":
        (root / ".gitignore").write_text(_BACKTRACKING + "\n")
    out = _out(root, "--no-cache")  # within the run's timeout: `re` took hours
    assert out.count("ASY001") == 1 and "a" * 150 + ".py" in out  # the glob applies, to the second name


@POSIX
def test_a_requirements_file_linked_out_of_the_project_is_reported(tmp_path: Path) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:SECRET\n")
    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p", {"a.py": "x = 1\n"})
    (root / "svc" / "requirements.txt").unlink()
    (root / "svc" / "requirements.txt").symlink_to(secret)
    out = _out(root, "--no-cache")
    assert "svc/requirements.txt:1:1: ARC001" in out and "leads outside the project" in out
    assert "SECRET" not in out


def test_a_remote_include_is_neither_read_nor_printed(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / "svc" / "requirements.txt").write_text("-r https://u:S3cr3t@example.com/r.txt\nhttpx\n")
    assert "S3cr3t" not in _out(root, "--no-cache")


def test_thousands_of_joined_urls_give_bounded_messages(tmp_path: Path) -> None:
    source = "URL = " + " ".join(["'http://localhost:1/'"] * 5000) + "\n"
    root = project(tmp_path, {"a.py": source})
    lines = _out(root, "--no-cache").splitlines()
    assert "CFG001" in lines[0] and max(len(line) for line in lines) < 5000


@POSIX
def test_a_requirements_fifo_is_reported_not_skipped(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / "svc" / "requirements.txt").unlink()
    os.mkfifo(root / "svc" / "requirements.txt")
    assert "svc/requirements.txt:1:1: ARC001" in _out(root, "--no-cache")


def test_a_url_inside_another_url_has_its_password_masked(tmp_path: Path) -> None:
    source = (
        'import requests\nrequests.get("http://localhost/?next=https://c:pwTWO@h/")\n'
        'requests.get("http://a:pwZERO@localhost/x" "http://b:pwONE@localhost/y")\n'
    )
    out = _out(project(tmp_path, {"a.py": source}), "--no-cache")
    assert "CFG001" in out and "pwTWO" not in out and "pwONE" not in out and "pwZERO" not in out


@POSIX
@pytest.mark.parametrize(
    "command, name", [("index", "MASTER_INDEX.md"), ("baseline", "archcheck-baseline.json")]
)
def test_writing_to_a_fifo_nobody_reads_fails_at_once(tmp_path: Path, command: str, name: str) -> None:
    import subprocess
    import sys

    root = project(tmp_path, {"a.py": "class A: ...\n"})
    os.mkfifo(root / name)
    result = subprocess.run(
        [sys.executable, "-m", "archcheck", command], cwd=root, capture_output=True, timeout=60
    )
    assert result.returncode == 2 and len(result.stderr.decode().strip().splitlines()) == 1


@POSIX
@pytest.mark.parametrize(
    "command, name", [("index", "MASTER_INDEX.md"), ("baseline", "archcheck-baseline.json")]
)
def test_an_output_the_project_names_is_not_written_through_a_link_out(
    tmp_path: Path, command: str, name: str
) -> None:
    import subprocess
    import sys

    victim = tmp_path / "precious.txt"
    victim.write_text("precious\n")
    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p", {"a.py": "class A: ...\n"})
    (root / name).symlink_to(victim)
    result = subprocess.run(
        [sys.executable, "-m", "archcheck", command], cwd=root, capture_output=True, timeout=60
    )
    assert result.returncode == 2 and b"leads outside the project" in result.stderr
    assert victim.read_text() == "precious\n"


def test_a_long_word_run_before_a_scheme_is_scanned_in_linear_time(tmp_path: Path) -> None:
    words = "svc-" * 200_000  # 800 kB: quadratic scanning would outlast the run timeout
    source = f'DATABASE_URL = "{words}"\nX = "{words}://localhost:1/"\n'
    out = _out(project(tmp_path, {"c.py": source}), "--no-cache")  # minutes when quadratic
    assert "Found" in out or "passed" in out


def test_an_error_is_one_line_whatever_the_value_holds(tmp_path: Path) -> None:
    result = run(project(tmp_path, {"a.py": "x = 1\n"}), "--select", "X1\n::error::pwn")
    lines = result.stderr.decode().splitlines()
    assert (
        result.returncode == 2 and len(lines) == 1 and "X1\\n::error::pwn" in lines[0]
    )  # (as written, escaped)


@pytest.mark.parametrize(
    "table",
    ['[config]\ninternal-hosts = ["a\\u0000b"]\n', '[ssot]\nacceptable-duplicates = ["a\\n::error::x"]\n'],
)
def test_control_characters_in_any_config_value_are_an_error(tmp_path: Path, table: str) -> None:
    result = run(project(tmp_path, {"a.py": "x = 1\n"}, CONFIG + table))
    assert result.returncode == 2 and b"control characters" in result.stderr


@POSIX
def test_unreadable_files_are_counted_once_with_or_without_a_cache(tmp_path: Path) -> None:
    root = project(tmp_path, {"main.py": "x = 1\n"})
    os.mkfifo(root / "svc" / ".env")
    (root / "svc" / ".env.local").symlink_to("/dev/zero")
    summaries = []
    for args in ((), ("--no-cache",)):
        summaries.append(_out(root, *args).splitlines()[-1])  # a cold cache
        summaries.append(_out(root, *args).splitlines()[-1])  # the report cache
        (root / "svc" / "app" / "main.py").write_text(f"x = {len(summaries)}\n", encoding="utf-8")
        summaries.append(_out(root, *args).splitlines()[-1])  # the fact cache
    assert len(set(summaries)) == 1 and "(4 files, 1 service)" in summaries[0], summaries


def test_a_non_utf8_file_name_leaves_the_rest_of_the_cache_stored(tmp_path: Path) -> None:
    from archcheck.pipeline.cache import CacheDir

    cache = CacheDir(tmp_path / ".archcheck_cache", tmp_path)
    cache.store("t.msgpack", "paths", {"good.py": 1, "bad\udcff.py": 2})
    assert cache.load("t.msgpack", "paths", dict) == {"good.py": 1}


def _edit_levels(value: object, level: int) -> None:
    """Set the level of every stored import of ``models`` (msgpack arrays: module, level, …)."""
    if isinstance(value, list):
        if len(value) >= 2 and value[0] == "models" and value[1] == 1:
            value[1] = level
        for item in value:
            _edit_levels(item, level)
    elif isinstance(value, dict):
        for item in value.values():
            _edit_levels(item, level)


@pytest.mark.parametrize("level", [2**31, 2**40])
def test_a_cached_count_no_file_can_hold_is_discarded(tmp_path: Path, level: int) -> None:
    """A well-typed cache edit (an import's level set to 2**31) must not become a 2 GB message."""
    root = project(tmp_path, {"__init__.py": "", "models.py": "X = 1\n", "rel.py": "from .models import X\n"})
    fresh = _out(root)
    cache = root / ".archcheck_cache"
    for entry in cache.glob("files-*-facts-*.msgpack"):
        header, payload = msgspec.msgpack.decode(entry.read_bytes())
        _edit_levels(payload, level)
        entry.write_bytes(msgspec.msgpack.encode([header, payload]))
    for entry in [*cache.glob("report-*"), *cache.glob("rules-*")]:
        entry.unlink()
    assert _out(root) == fresh and "IMP002" in fresh


@pytest.mark.parametrize(("gitignore", "ignored"), [
    ("*.log\x0cbad.py\n", False),  # git splits at "\n" only: one pattern, "*.log<FF>bad.py"
    ("*.log\u2028bad.py\n", False),
    ("build\x0c*\n", False),  # not "build" and "*": the service is not ignored whole
    ("*.log\r\nbad.py\r\n", True),  # a CRLF line end is dropped, as git does
    ("\ufeffbad.py\n", True),  # and so is a BOM
])  # fmt: skip
def test_a_gitignore_is_split_into_patterns_as_git_splits_it(
    tmp_path: Path, gitignore: str, ignored: bool
) -> None:
    root = project(tmp_path, {"bad.py": LOOP, "ok.py": "x = 1\n"})
    (root / "svc" / ".gitignore").write_bytes(gitignore.encode("utf-8"))
    assert ("ASY001" in _out(root, "--no-cache")) is not ignored


def test_a_deeper_gitignore_decides_as_in_git(tmp_path: Path) -> None:
    """A ``!keep.py`` in ``svc/app/.gitignore`` brings back what ``svc/.gitignore`` leaves out."""
    root = project(tmp_path, {"keep.py": LOOP, "other.py": LOOP})
    (root / "svc" / ".gitignore").write_text("*.py\n!lib.py\n")
    (root / "svc" / "lib.py").write_text("x = 1\n")
    (root / "svc" / "app" / ".gitignore").write_text("!keep.py\n")
    out = _out(root, "--no-cache")
    assert "svc/app/keep.py" in out and "other.py" not in out


def test_a_requirements_file_in_a_folder_named_like_a_drive_is_read(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"}, 'services = ["svc", "v:2"]\n')
    (root / "v:2" / "app").mkdir(parents=True)
    (root / "v:2" / "app" / "m.py").write_text("x = 1\n")
    (root / "v:2" / "requirements.txt").write_text("httpx\n")
    (root / "svc" / "requirements.txt").write_text("-r c:d.txt\n")
    (root / "svc" / "c:d.txt").write_text("anyio\n")
    assert "outside the project" not in _out(root, "--no-cache")


def test_python_m_archcheck_imports_nothing_from_the_checkout(tmp_path: Path) -> None:
    """``-m`` puts the working directory (the checkout) first on the import path."""
    root = project(tmp_path, {"a.py": LOOP})
    for module in ("click", "dotenv", "msgspec", "networkx", "pathspec", "packaging", "re2", "libcst"):
        (root / f"{module}.py").write_text(f"open('RAN-{module}', 'w').write('project code ran')\n")
    (root / "svc" / ".env").write_text("A=1\n")  # python-dotenv is imported for .env files
    assert "ASY001" in _out(root, "--no-cache")  # run() is `python -m archcheck check` in the checkout
    assert not list(root.glob("RAN-*"))


@pytest.mark.parametrize("lines", [["app/**", "!app/keep.py"], ["app/**", "!app/sub/", "!app/sub/**"]])
def test_a_file_a_negation_brings_back_under_dir_stars_is_checked(tmp_path: Path, lines: list) -> None:
    """Git: ``app/**`` leaves out what is inside ``app``, not ``app``: a negation re-includes."""
    root = project(tmp_path, {"ok.py": "x = 1\n", "sub/keep.py": LOOP, "keep.py": LOOP, "junk.py": LOOP})
    (root / "svc" / ".gitignore").write_text("\n".join(lines) + "\n")
    out = _out(root, "--no-cache")
    kept = "svc/app/keep.py" if lines[1] == "!app/keep.py" else "svc/app/sub/keep.py"
    assert kept in out and "junk.py" not in out and out.count("ASY001") == 1


@POSIX
def test_a_gitignore_that_is_a_link_is_not_followed_as_in_git(tmp_path: Path) -> None:
    """git (2.32+) refuses a ``.gitignore`` that is a symbolic link, and checks what it names."""
    root = project(tmp_path, {"a.py": LOOP})
    (root / "svc" / "app" / "ignore-list").write_text("a.py\n")
    (root / "svc" / "app" / ".gitignore").symlink_to("ignore-list")
    out = _out(root, "--no-cache")
    assert "svc/app/a.py:4:5: ASY001" in out
    assert "svc/app/.gitignore:1:1: ARC001" in out and "symbolic link" in out


def test_an_input_changed_during_a_run_leaves_no_report_to_reuse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``-r`` target outside the service, edited after the run read it: the report of its old
    content must not be kept under its new signature."""
    from archcheck import api

    root = project(tmp_path, {"main.py": "import httpx\n"})
    (root / "common").mkdir()
    base = root / "common" / "base.txt"
    base.write_text("pinb==1.0\n")
    (root / "svc" / "requirements.txt").write_text("-r ../common/base.txt\npina==1.0\n")
    real = api.run

    def edited_during(*args: object, **kwargs: object) -> object:
        done = real(*args, **kwargs)  # type: ignore[arg-type]
        base.write_text("pina==2.0\n")
        return done

    settings = api.load_settings(root)
    monkeypatch.setattr(api, "run", edited_during)
    assert [v.code for v in api.check(settings, jobs=1).violations] == []
    monkeypatch.setattr(api, "run", real)
    # (reported at the service's own line: the included file is outside its folder)
    assert [v.code for v in api.check(settings, jobs=1).violations] == ["REQ006"]


def test_the_repositorys_own_excludes_are_honoured_below_every_gitignore(tmp_path: Path) -> None:
    """``.git/info/exclude`` ignores as a root ``.gitignore`` would, and a ``.gitignore`` overrules it."""
    root = project(tmp_path, {"local.py": LOOP, "kept.py": LOOP})
    (root / ".git" / "info").mkdir(parents=True)
    (root / ".git" / "info" / "exclude").write_text("local.py\nkept.py\n")
    (root / ".gitignore").write_text("!kept.py\n")
    out = _out(root, "--no-cache")
    assert "svc/app/kept.py" in out and "local.py" not in out


def test_a_root_inside_a_larger_work_tree_reads_what_git_reads_above_it(tmp_path: Path) -> None:
    """The project is ``proj/`` of a repository: the top's ``.gitignore`` and
    ``.git/info/exclude`` apply to it, relative to the top, as in git."""
    (tmp_path / ".git" / "info").mkdir(parents=True)
    (tmp_path / ".git" / "info" / "exclude").write_text("excl_*.py\n")
    (tmp_path / ".gitignore").write_text("gen_*.py\nproj/svc/app/local_only.py\n!proj/svc/app/gen_kept.py\n")
    (tmp_path / "proj").mkdir()
    root = project(
        tmp_path / "proj",
        {n: LOOP for n in ("gen_a.py", "gen_kept.py", "local_only.py", "excl_b.py", "main.py")},
    )
    out = _out(root, "--no-cache")
    assert sorted(line.split(":")[0] for line in out.splitlines() if "ASY001" in line) == [
        "svc/app/gen_kept.py",
        "svc/app/main.py",
    ]


def test_an_include_of_a_python_file_never_replaces_its_python_facts(tmp_path: Path) -> None:
    """``-r app/main.py`` would have read the file as requirements, over its Python facts: its
    findings gone (whatever its suppressions said), and a cache that kept them gone."""
    root = project(tmp_path, {"main.py": LOOP})
    (root / "svc" / "requirements.txt").write_text("httpx\n-r app/main.py\n")
    out = _out(root)
    assert "svc/app/main.py:4:5: ASY001" in out
    assert "svc/requirements.txt:2:1: ARC001" in out and "checks as code" in out
    (root / "svc" / "requirements.txt").write_text("httpx\n")
    assert _out(root) == _out(root, "--no-cache")


@pytest.mark.parametrize("marker", ["Dockerfile", "pyproject.toml", "requirements-dev.txt"])
def test_a_folder_that_becomes_a_service_is_seen_by_the_report_cache(tmp_path: Path, marker: str) -> None:
    """Services detected from marker files: a marker added to a folder of code makes it a
    service, and an import into it an IMP001, on a warm cache as without one."""
    files = {
        "pyproject.toml": "[tool.archcheck]\n",
        "orders/requirements.txt": "httpx\n",
        "orders/app/main.py": "from billing.app.api import charge\n",
        "billing/app/__init__.py": "",
        "billing/app/api.py": "def charge():\n    return 1\n",
    }
    root = write_example(tmp_path, Example(files, ""))
    (root / "archcheck.toml").unlink()
    assert "IMP001" not in _out(root)
    (root / "billing" / marker).write_text("", encoding="utf-8")
    assert "IMP001" in _out(root) and "IMP001" in _out(root, "--no-cache")


def test_a_folder_that_can_no_longer_be_listed_is_seen_by_the_report_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty folder that becomes unlistable changes no file list; its ARC001 must still come."""
    from archcheck import api

    root = project(tmp_path, {"main.py": "x = 1\n"})
    (root / "svc" / "app" / "hidden").mkdir()
    settings = api.load_settings(root)
    assert api.check(settings, jobs=1).violations == ()
    refuse_listing(monkeypatch, "hidden")
    found = [(v.code, v.location.path) for v in api.check(settings, jobs=1).violations]
    assert found == [("ARC001", "svc/app/hidden")]


@pytest.mark.parametrize("named", ["svc/app/main.py", "svc/.env"])
def test_a_setting_that_names_a_checked_file_does_not_change_its_cached_facts(
    tmp_path: Path, named: str
) -> None:
    """A run whose ``shared-requirements`` names a Python or ``.env`` file reports that, beside
    the file's own findings; the next runs, with the setting gone, still find what the file
    holds (its refusal was cached as its facts: the findings were lost until it changed)."""
    from tests.hostile._project import CONFIG, TEMPLATE, project, run

    files = {"main.py": "import asyncio\nasync def f():\n    asyncio.run(g())\n"}
    root = project(tmp_path, files, CONFIG + TEMPLATE)
    (root / "svc" / ".env").write_text("DATABASE_URL=postgresql://postgres:pw@db/app\n", encoding="utf-8")
    clean = run(root).stdout.decode("utf-8")
    assert "ASY001" in clean and "CFG002" in clean
    config = root / "archcheck.toml"
    kept = config.read_text(encoding="utf-8")
    config.write_text(f'shared-requirements = "{named}"\n' + kept, encoding="utf-8")
    named_run = run(root).stdout.decode("utf-8")
    assert "ARC001" in named_run and "ASY001" in named_run and "CFG002" in named_run
    config.write_text(kept, encoding="utf-8")
    assert run(root).stdout.decode("utf-8") == clean


def test_a_cache_folder_whose_mark_cannot_be_written_is_not_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first run on a full disk made the folder and failed to write its ``.gitignore``: the
    empty folder stayed, and every later run refused it as no cache of archcheck's (run 57)."""
    from archcheck.pipeline import cache

    def full(target: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    folder = tmp_path / ".archcheck_cache"
    monkeypatch.setattr(cache, "replace_file", full)
    assert not cache.CacheDir(folder, tmp_path).ensure() and not folder.exists()
    monkeypatch.undo()
    assert cache.CacheDir(folder, tmp_path).ensure() and cache.is_cache_folder(folder)


def test_an_output_named_outside_the_project_is_not_said_to_be_a_link(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p", {"a.py": "x = 1\n"})
    result = subprocess.run(
        [sys.executable, "-m", "archcheck", "check", "-o", "../x.txt"],
        cwd=root,
        capture_output=True,
        timeout=60,
    )
    assert (
        result.returncode == 2 and b"../x.txt: not written: it leads outside the project\n" in result.stderr
    )


@POSIX
def test_an_unreadable_exclude_file_is_named_from_the_project_s_root(tmp_path: Path) -> None:
    """Run 113c/04: it was ARC001 at `info/exclude`, a path the project does not have."""
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / ".git" / "info").mkdir(parents=True)
    os.mkfifo(root / ".git" / "info" / "exclude")  # (unreadable for root too: not a regular file)
    assert ".git/info/exclude:1:1: ARC001" in _out(root, "--no-cache")


def test_a_container_of_services_that_cannot_be_listed_is_arc001_when_services_are_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 113c/05: with services found (no `services` setting), `services/` that cannot be listed
    was "internal error: PermissionError" for every command."""
    from archcheck import api
    from archcheck.project import discovery

    root = project(tmp_path, {"a.py": "x = 1\n"}, "")
    (root / "services").mkdir()
    real = Path.iterdir

    def refusing(path: Path):  # type: ignore[no-untyped-def]
        if path == root / "services":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "iterdir", refusing)
    layout = discovery.discover(api.load_settings(root))
    assert [u.path for u in layout.units] == ["svc"]
