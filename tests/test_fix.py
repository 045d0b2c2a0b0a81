"""``archcheck check --fix`` and ``--diff``: what is fixed, what is reported instead, and how files
are written (atomically, never over a file that changed since it was read)."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List

import pytest

from archcheck import api
from archcheck.config.load import with_overrides
from archcheck.model import Location
from archcheck.pipeline import fixer
from archcheck.rule_api.examples import Example
from archcheck.rule_api.fixes import CstFix
from tests.helpers import FIXTURES, cli, copy_fixture, write_example

FIXTURE_NAMES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def sources(root: Path) -> Dict[str, bytes]:
    """Every file of a project but the cache, by relative path."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".archcheck_cache" not in p.parts
    }


def parses(data: bytes) -> bool:
    try:
        ast.parse(data)
    except (SyntaxError, ValueError):
        return False
    return True


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_fix_leaves_nothing_fixable_and_breaks_no_parse(tmp_path: Path, name: str) -> None:
    project = copy_fixture(tmp_path, name)
    before = sources(project)
    fixed = cli(project, "check", "--fix")
    assert "Traceback" not in fixed.stderr
    again = cli(project, "check", "--diff")
    after = sources(project)
    if fixed.returncode == 2:  # a fixture whose configuration is refused: nothing is touched
        assert again.returncode == 2 and after == before
        return
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout == ""
    assert "would fix 0 findings in 0 files" in again.stderr
    assert sorted(after) == sorted(before)  # no file made or removed
    for path, data in after.items():
        if path.endswith(".py") and parses(before[path]):
            assert parses(data), f"{path} no longer parses after --fix"


def test_demo_fixes_every_rule_and_reports_the_rest(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path, "demo")
    result = cli(project, "check", "--fix")
    assert result.returncode == 1  # other findings remain
    summary = result.stderr.strip().splitlines()
    assert summary[-1] == "fixed 5 findings in 3 files; 1 not fixed (1 would change meaning)"
    assert summary[-2].startswith("netra_backend/requirements.txt:2:1: REQ002 not fixed: versions differ")
    assert (
        project / "auth_service/requirements.txt"
    ).read_text() == "-r ../requirements.shared.txt\npyjwt==2.9.0\n"
    startup = (project / "netra_backend/app/startup.py").read_text()
    assert "    await db.connect()\n" in startup and "    await db.preload()\n" in startup
    routes = (project / "services/orders-service/app/api/routes.py").read_text()
    assert routes.startswith("from app.models import Order\n")
    for code in ("IMP002", "ASY001", "ASY002", "REQ001"):
        assert f" {code} " not in result.stdout  # the report after the fixes
    assert "REQ002 'fastapi==0.115.0'" in result.stdout  # not fixed: still reported


def test_diff_writes_nothing_and_applies_as_a_patch(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path, "demo")
    before = sources(project)
    result = cli(project, "check", "--diff", "--select", "IMP002,ASY")
    assert result.returncode == 1
    assert sources(project) == before
    assert result.stdout.startswith(
        "--- a/netra_backend/app/startup.py\n+++ b/netra_backend/app/startup.py\n"
    )
    assert "-    asyncio.run(db.connect())\n+    await db.connect()\n" in result.stdout
    assert result.stderr.strip().endswith("would fix 3 findings in 2 files")
    patch = tmp_path / "fix.patch"
    patch.write_text(result.stdout, encoding="utf-8")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    subprocess.run(["git", "apply", str(patch)], cwd=project, check=True, capture_output=True)
    fixed = copy_fixture(tmp_path / "other", "demo")
    assert cli(fixed, "check", "--fix", "--select", "IMP002,ASY").returncode == 1  # ASY003 has no fix
    assert sources(project) == sources(fixed)


def test_diff_with_nothing_to_fix_exits_0(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path, "demo")
    result = cli(project, "check", "--diff", "--select", "SSOT")
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr.strip() == "would fix 0 findings in 0 files"


def test_fix_edits_only_files_in_the_paths_given(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path, "demo")
    before = sources(project)
    cli(project, "check", "--fix", "services/orders-service")
    changed = sorted(p for p, d in sources(project).items() if before.get(p) != d)
    assert changed == ["services/orders-service/app/api/routes.py"]


def test_findings_in_the_baseline_are_not_fixed(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path, "demo")
    assert cli(project, "baseline").returncode == 0
    before = sources(project)
    result = cli(project, "check", "--fix", "--baseline", "archcheck-baseline.json")
    assert "fixed 0 findings in 0 files" in result.stderr
    assert sources(project) == before


def project_with(tmp_path: Path, files: Dict[str, bytes]) -> Path:
    (tmp_path / "archcheck.toml").write_text('services = ["services/*"]\n', encoding="utf-8")
    for rel, data in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    return tmp_path


APP = {
    "services/orders/app/__init__.py": b"",
    "services/orders/app/models.py": b"class Order: ...\n",
    "services/orders/app/api.py": b"from .models import Order\n",
}


def test_a_file_changed_since_it_was_read_is_left_alone(tmp_path: Path) -> None:
    root = project_with(tmp_path, APP)
    settings = api.load_settings(root)
    run = api.run(settings, jobs=1)
    api_file = root / "services/orders/app/api.py"
    api_file.write_bytes(b"# edited meanwhile\nfrom .models import Order\n")
    outcome = fixer.fix(run, run.report.violations, None, write=True)
    assert outcome.files == ()
    assert [(s.violation.code, s.kind) for s in outcome.skipped] == [("IMP002", fixer.CHANGED)]
    assert api_file.read_bytes() == b"# edited meanwhile\nfrom .models import Order\n"


def test_a_file_changed_while_it_was_fixed_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project_with(tmp_path, APP)
    run = api.run(api.load_settings(root), jobs=1)
    api_file = root / "services/orders/app/api.py"
    edit = fixer._edit_python

    def edit_then_save(files: Dict[str, object], jobs: int) -> object:
        done = edit(files, jobs)  # type: ignore[arg-type]
        api_file.write_bytes(b"from .models import Order  # saved by an editor\n")
        return done

    monkeypatch.setattr(fixer, "_edit_python", edit_then_save)
    outcome = fixer.fix(run, run.report.violations, None, write=True)
    assert outcome.files == () and outcome.skipped[0].kind == fixer.CHANGED
    assert api_file.read_bytes() == b"from .models import Order  # saved by an editor\n"


def test_diff_mode_writes_nothing(tmp_path: Path) -> None:
    root = project_with(tmp_path, APP)
    outcome = api.fix(api.load_settings(root), use_cache=False, jobs=1, write=False)
    assert [f.path for f in outcome.files] == ["services/orders/app/api.py"]
    assert outcome.files[0].after == b"from app.models import Order\n"
    assert (root / "services/orders/app/api.py").read_bytes() == b"from .models import Order\n"


def test_encodings_line_ends_and_permissions_are_kept(tmp_path: Path) -> None:
    root = project_with(
        tmp_path,
        {
            **APP,
            "services/orders/app/api.py": "# -*- coding: latin-1 -*-\r\nfrom .models import Order  # café\r\n".encode(
                "latin-1"
            ),
            "requirements.shared.txt": b"fastapi==0.116.1\n",
            "services/orders/requirements.txt": "\ufeffstripe==10.1.0\r\n".encode("utf-16-le"),
        },
    )
    (root / "services/orders/app/api.py").chmod(0o640)
    api.fix(api.load_settings(root), use_cache=False, jobs=1)
    python = root / "services/orders/app/api.py"
    assert (
        python.read_bytes()
        == "# -*- coding: latin-1 -*-\r\nfrom app.models import Order  # café\r\n".encode("latin-1")
    )
    assert python.stat().st_mode & 0o777 == 0o640
    requirements = (root / "services/orders/requirements.txt").read_bytes()
    assert requirements == "\ufeff-r ../../requirements.shared.txt\r\nstripe==10.1.0\r\n".encode("utf-16-le")


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_crash_while_fixing_costs_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    root = project_with(
        tmp_path,
        {**APP, "services/orders/app/other.py": b"from .models import Order\n"},
    )
    edit = fixer._edit_module

    def crash_on_api(path: str, data: bytes, fixes: List[CstFix]) -> object:
        if path.endswith("api.py"):
            os._exit(1)  # a native crash in the child process
        return edit(path, data, fixes)

    monkeypatch.setattr(fixer, "_edit_module", crash_on_api)
    run = api.run(api.load_settings(root), jobs=1)
    outcome = fixer.fix(run, run.report.violations, None, write=True, jobs=jobs)
    assert [f.path for f in outcome.files] == ["services/orders/app/other.py"]
    assert [(s.violation.location.path, s.kind) for s in outcome.skipped] == [
        ("services/orders/app/api.py", fixer.FAILED)
    ]
    assert (root / "services/orders/app/api.py").read_bytes() == b"from .models import Order\n"


def test_one_file_is_edited_once_in_its_own_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """The edits of several files are made in one child, and again one child per file if that
    one fails; a file alone goes to its own child at once (an edit that ran out of the shared
    child's CPU time was made again from the start: 32,000 fixes, 55 s for 30)."""
    children: List[str] = []

    def isolated(function: Any, argument: Any, timeout: float = 0.0) -> Any:
        children.append(function.__name__)
        return function(argument)

    monkeypatch.setattr(fixer, "run_isolated", isolated)
    fixer._edit_python({"a.py": (b"x = 1\n", [])}, jobs=1)
    assert children == ["_edit_task"]
    children.clear()
    fixer._edit_python({"a.py": (b"x = 1\n", []), "b.py": (b"y = 2\n", [])}, jobs=1)
    assert children == ["_edit_all"]


def test_an_edit_gets_cpu_time_by_its_tokens_and_fixes(tmp_path: Path) -> None:
    """LibCST's parser is super-linear in one long chain (2,900 subscripts in 9 KB, valid for
    ``ast``: 24 s to parse), so an edit gets 100 µs of CPU time a token and 2 ms a fix (at least
    1 s), not 60 s; a batch that fails is made again file by file, the others' fixes made."""
    chain = b"from .models import Order\n\nx = a" + b"[0]" * 2_500 + b"\n"
    root = project_with(
        tmp_path,
        {
            **APP,
            "services/orders/app/api.py": chain,
            "services/orders/app/other.py": b"from .models import Order\n",
        },
    )
    run = api.run(api.load_settings(root), jobs=1)
    fixable = [v for v in run.report.violations if v.code == "IMP002"]
    outcome = fixer.fix(run, fixable, None, write=False, jobs=1)
    assert [f.path for f in outcome.files] == ["services/orders/app/other.py"]
    assert [(s.violation.location.path, s.reason) for s in outcome.skipped] == [
        ("services/orders/app/api.py", "LibCST could not edit the file: it ran out of its 1 s of CPU time")
    ]


def test_a_budget_of_cpu_time_is_rounded_up_to_whole_seconds() -> None:
    """The CPU-time limit counts whole seconds: an edit's 1.77 s was 1 s, and a fix that
    needed 1.5 s was reported as not made."""
    from archcheck.isolate import _seconds

    assert [_seconds(cpu) for cpu in (0.05, 1.0, 1.01, 1.77, 20.0)] == [1, 1, 2, 2, 20]


def test_a_fix_that_would_not_compile_is_not_made() -> None:
    import libcst as cst

    def awaited(node: object, around: object) -> object:
        return cst.Await(expression=cst.Name("x"))

    span = Location("m.py", 1, 1, 1, 2)
    after, _, outcomes = fixer._edit_module("m.py", b"x\n", [CstFix("m.py", span, awaited, "await")])  # type: ignore[arg-type]
    assert after is None
    assert (
        outcomes[0] is not None and outcomes[0][0] == fixer.FAILED and "would not compile" in outcomes[0][1]
    )


def test_a_meaning_changing_fix_is_reported(tmp_path: Path) -> None:
    root = project_with(
        tmp_path,
        {
            "services/orders/app/__init__.py": b"",
            "services/orders/app/jobs.py": (
                b"import asyncio\n\n\nasync def total(ids):\n    return sum(asyncio.run(count(i)) for i in ids)\n"
            ),
        },
    )
    settings = with_overrides(api.load_settings(root), select=("ASY001",))
    outcome = api.fix(settings, use_cache=False, jobs=1)
    assert outcome.files == ()
    assert [(s.kind, s.reason) for s in outcome.skipped] == [
        (fixer.MEANING, "its value is used in a generator expression, which would become an async generator")
    ]


def test_comments_on_both_sides_of_a_trailing_comma_are_not_dropped(tmp_path: Path) -> None:
    source = b"import asyncio\n\n\nasync def f():\n    asyncio.run(\n        g()  # first\n        ,  # second\n    )\n"
    root = project_with(tmp_path, {"services/orders/app/jobs.py": source})
    settings = with_overrides(api.load_settings(root), select=("ASY001",))
    outcome = api.fix(settings, use_cache=False, jobs=1)
    assert outcome.files == ()
    assert [s.reason for s in outcome.skipped] == [
        "comments sit on both sides of the argument's comma (awaiting would drop one)"
    ]
    assert (root / "services/orders/app/jobs.py").read_bytes() == source


def _relative_imports(root: Path, files: Dict[str, str]) -> Path:
    """A service whose ``files`` (under ``svc/app/``) may import ``.models``; returns ``svc/app``."""
    sources = {"__init__.py": "", "models.py": "X = 1\n", **files}
    service = {"svc/requirements.txt": "httpx\n", **{f"svc/app/{n}": t for n, t in sources.items()}}
    write_example(root, Example(service, 'services = ["svc"]\n'))
    return root / "svc" / "app"


def test_a_read_only_file_is_not_fixed(tmp_path: Path) -> None:
    app = _relative_imports(tmp_path, {"ro.py": "from .models import X\n"})
    (app / "ro.py").chmod(0o444)
    result = cli(tmp_path, "check", "--fix")
    assert (app / "ro.py").read_text() == "from .models import X\n"
    assert "not fixed: the file is read-only: left alone" in result.stderr


def test_a_folder_name_python_reads_as_another_name_is_not_written_into_an_import(tmp_path: Path) -> None:
    """Python reads an identifier in NFKC form: ``from app.\ufb01x import b`` (a ligature)
    imports ``app.fix``, no such package, where ``from . import b`` worked."""
    app = _relative_imports(tmp_path, {"\ufb01x/__init__.py": "", "\ufb01x/b.py": "X = 1\n"})
    (app / "\ufb01x" / "a.py").write_text("from . import b\n", encoding="utf-8")
    result = cli(tmp_path, "check", "--fix", "--select", "IMP002")
    assert (app / "\ufb01x" / "a.py").read_text(encoding="utf-8") == "from . import b\n"
    assert "is not a module name Python can import" in result.stderr, result.stderr


def test_a_module_named_like_the_standard_library_is_not_imported_absolutely(tmp_path: Path) -> None:
    """``from .time import now`` at the import root became ``from time import now``: Python
    finds its built-in ``time`` (and frozen ``os``) before any file on the path."""
    write_example(
        tmp_path,
        Example(
            {
                "svc/requirements.txt": "",
                "svc/time.py": "def now():\n    return 1\n",
                "svc/main.py": "from .time import now\n",
            },
            'services = ["svc"]\n',
        ),
    )
    result = cli(tmp_path, "check", "--fix", "--select", "IMP002")
    assert (tmp_path / "svc" / "main.py").read_text(encoding="utf-8") == "from .time import now\n"
    assert "'time' is also a standard-library module" in result.stderr, result.stderr


def test_line_ends_at_the_end_of_a_file_are_kept(tmp_path: Path) -> None:
    files = {
        "cr.py": "import os\rfrom .models import X\rx = 1\r",
        "mixed.py": "import os\r\nfrom .models import X\nx = 1\r",
    }
    app = _relative_imports(tmp_path, files)
    cli(tmp_path, "check", "--fix")
    assert (app / "cr.py").read_bytes() == b"import os\rfrom app.models import X\rx = 1\r"
    assert (app / "mixed.py").read_bytes() == b"import os\r\nfrom app.models import X\nx = 1\r"


def test_a_file_libcst_would_not_write_back_as_it_is_is_not_fixed(tmp_path: Path) -> None:
    """LibCST drops a form feed that starts a line (a page break): the file is left alone."""
    source = "from .models import X\n\x0cy = 1\n"
    app = _relative_imports(tmp_path, {"ff.py": source})
    result = cli(tmp_path, "check", "--fix")
    assert (app / "ff.py").read_text() == source
    assert "not fixed: LibCST would not write this file back as it is" in result.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_diff_applies_when_a_line_holds_what_splitlines_breaks_at(tmp_path: Path) -> None:
    """Form feeds, \\x1c and \\u2028 inside a line end no line: ``git apply`` reads the diff."""
    source = "import os  # a\x0cb\nfrom .models import X\nx = 1  # c\x1cd\u2028e\n"
    app = _relative_imports(tmp_path, {"ff.py": source})
    subprocess.run(["git", "init", "-q", "."], cwd=tmp_path, check=True)
    diff = cli(tmp_path, "check", "--diff").stdout
    assert "No newline at end of file" not in diff
    (tmp_path / "d.patch").write_text(diff, encoding="utf-8")
    subprocess.run(["git", "apply", "d.patch"], cwd=tmp_path, check=True)
    assert (app / "ff.py").read_text(encoding="utf-8") == source.replace(".models", "app.models")


def _apply_diff(root: Path) -> subprocess.CompletedProcess[bytes]:
    """``archcheck check --diff`` in a new git repository at ``root``, applied by ``git apply``."""
    subprocess.run(["git", "init", "-q", "."], cwd=root, check=True)
    result = subprocess.run(
        [sys.executable, "-m", "archcheck", "check", "--diff"], cwd=root, capture_output=True
    )
    (root / "d.patch").write_bytes(result.stdout)
    subprocess.run(["git", "apply", "d.patch"], cwd=root, check=True)
    return result


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_diff_applies_to_files_in_their_own_bytes_and_odd_names(tmp_path: Path) -> None:
    """A BOM, a latin-1 file, a name that is not UTF-8, one with an escape character or a
    space: the diff carries the files' bytes and git's quoting of names."""
    names = ["bom.py", "lat.py", os.fsdecode(b"caf\xe9.py"), "a\x1b[31m.py", "sp ace.py"]
    app = _relative_imports(tmp_path, {name: "from .models import X\n" for name in names})
    (app / "bom.py").write_bytes(b"\xef\xbb\xbfimport os\nfrom .models import X\n")
    (app / "lat.py").write_bytes(b'# -*- coding: latin-1 -*-\ns = "caf\xe9"\nfrom .models import X\n')
    (app / "cr.py").write_bytes(b"x = 1\rfrom .models import X\r")  # one line to git
    _apply_diff(tmp_path)
    assert (app / "bom.py").read_bytes() == b"\xef\xbb\xbfimport os\nfrom app.models import X\n"
    assert (
        app / "lat.py"
    ).read_bytes() == b'# -*- coding: latin-1 -*-\ns = "caf\xe9"\nfrom app.models import X\n'
    assert all((app / name).read_text() == "from app.models import X\n" for name in names[2:])
    assert (app / "cr.py").read_bytes() == b"x = 1\rfrom app.models import X\r"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-32"])
def test_a_utf16_file_is_left_out_of_the_diff_and_the_rest_applies(tmp_path: Path, encoding: str) -> None:
    """pip reads a UTF-16 requirements file; printed decoded, its hunk made ``git apply``
    reject the whole patch (the other files' fixes too)."""
    wide = ("\ufeff" if encoding == "utf-16-le" else "") + "stripe==10.1.0\r\n"
    root = project_with(
        tmp_path,
        {
            **APP,
            "requirements.shared.txt": b"fastapi==0.116.1\n",
            "services/orders/requirements.txt": wide.encode(encoding),
        },
    )
    result = _apply_diff(root)
    assert (root / "services/orders/app/api.py").read_bytes() == b"from app.models import Order\n"
    assert (root / "services/orders/requirements.txt").read_bytes() == wide.encode(encoding)
    assert b"services/orders/requirements.txt: not in the diff: a UTF-" in result.stderr
    assert b"would fix 2 findings in 2 files" in result.stderr


def test_a_parenthesised_call_is_fixed(tmp_path: Path) -> None:
    """LibCST's positions, like ``ast``'s spans, leave out an expression's parentheses."""
    source = (
        b"import asyncio\n\n\nasync def f(x):\n    w = (asyncio.run(x))\n    return ((asyncio.run(x)), w)\n"
    )
    root = project_with(
        tmp_path, {"services/orders/app/__init__.py": b"", "services/orders/app/jobs.py": source}
    )
    settings = with_overrides(api.load_settings(root), select=("ASY001",))
    outcome = api.fix(settings, use_cache=False, jobs=1)
    assert outcome.skipped == () and len(outcome.files) == 1
    assert outcome.files[0].after.endswith(b"    w = (await x)\n    return ((await x), w)\n")


def test_a_class_body_in_an_async_function_is_named_after_it_and_not_fixed(tmp_path: Path) -> None:
    """A class body runs in its host function's frame: the finding names that function."""
    source = b"import asyncio\n\n\nasync def handler():\n    class Job:\n        done = asyncio.run(work())\n"
    root = project_with(
        tmp_path, {"services/orders/app/__init__.py": b"", "services/orders/app/jobs.py": source}
    )
    settings = with_overrides(api.load_settings(root), select=("ASY001",))
    (finding,) = api.check(settings, use_cache=False, jobs=1).violations
    assert "async function 'handler'" in finding.message
    outcome = api.fix(settings, use_cache=False, jobs=1)
    assert outcome.files == ()
    assert [(s.kind, s.reason) for s in outcome.skipped] == [
        (fixer.MEANING, "the call is in a class body, which cannot await")
    ]


def test_a_keyword_argument_coroutine_is_awaited(tmp_path: Path) -> None:
    source = (
        b"import asyncio\n\n\nasync def f(loop):\n    asyncio.run(main=go())\n"
        b"    asyncio.run(main= # why\n        go())\n"
    )
    root = project_with(
        tmp_path, {"services/orders/app/__init__.py": b"", "services/orders/app/jobs.py": source}
    )
    settings = with_overrides(api.load_settings(root), select=("ASY001",))
    outcome = api.fix(settings, use_cache=False, jobs=1)
    assert outcome.files[0].after.endswith(b"    await go()\n    asyncio.run(main= # why\n        go())\n")
    assert [s.reason for s in outcome.skipped] == [
        "a comment sits beside the keyword's '=' (awaiting would drop it)"
    ]


def test_a_call_whose_coroutine_is_given_under_another_keyword_says_why_it_is_not_fixed(
    tmp_path: Path,
) -> None:
    """Run 120c/02: `asyncio.run(coro=g())` offered no fix and said nothing (no "not fixed"
    line, nor in the summary)."""
    source = b"import asyncio\n\n\nasync def f():\n    return asyncio.run(coro=g())\n"
    root = project_with(
        tmp_path, {"services/orders/app/__init__.py": b"", "services/orders/app/jobs.py": source}
    )
    settings = with_overrides(api.load_settings(root), select=("ASY001",))
    outcome = api.fix(settings, use_cache=False, jobs=1)
    assert outcome.files == ()
    assert [(s.kind, s.reason) for s in outcome.skipped] == [
        (fixer.MEANING, "the call passes more than the coroutine (awaiting it would drop the rest)")
    ]


@pytest.mark.skipif(os.name != "posix", reason="symbolic links as POSIX has them")
def test_a_file_read_under_two_names_is_not_fixed(tmp_path: Path) -> None:
    """Two services share one requirements file through a link: an ``-r`` line relative to one
    service's folder would break the other's."""
    root = project_with(
        tmp_path,
        {
            "requirements.shared.txt": b"httpx==0.27.0\n",
            "services/a/requirements.txt": b"pinb==1.0\n",
            "services/a/app/m.py": b"x = 1\n",
            "services/b/app/n.py": b"y = 1\n",
        },
    )
    (root / "services" / "b" / "requirements.txt").symlink_to("../a/requirements.txt")
    settings = with_overrides(api.load_settings(root), select=("REQ001",))
    outcome = api.fix(settings, use_cache=False, jobs=1)
    assert outcome.files == ()
    assert sorted(s.violation.location.path for s in outcome.skipped) == [
        "services/a/requirements.txt",
        "services/b/requirements.txt",
    ]
    assert all("also read as" in s.reason for s in outcome.skipped)
    assert (root / "services" / "a" / "requirements.txt").read_bytes() == b"pinb==1.0\n"


@pytest.mark.parametrize("end", ["\x0c", "\x0b", "\x1c", "\u2028"])
def test_a_requirements_fix_removes_the_line_pip_numbers(tmp_path: Path, end: str) -> None:
    """pip (and the facts) end a requirements line at a form feed or U+2028; the fixer counted
    only \\n, \\r\\n and \\r, so REQ002's fix removed ``types-redis==5.0.1.1`` (its text holds
    ``redis==5.0``) and kept the duplicate."""
    files = {
        "requirements.shared.txt": "redis==5.0\n",
        "svc/app/main.py": "import redis\n",
        "svc/requirements.txt": f"# requirements{end}\n-r ../requirements.shared.txt\n"
        "celery==5.3\nredis==5.0\ntypes-redis==5.0.1.1\n",
    }
    write_example(tmp_path, Example(files, 'services = ["svc"]\n'))
    cli(tmp_path, "check", "--fix", "--select", "REQ002")
    after = (tmp_path / "svc/requirements.txt").read_text(encoding="utf-8")
    assert after == f"# requirements{end}\n-r ../requirements.shared.txt\ncelery==5.3\ntypes-redis==5.0.1.1\n"


def test_a_requirement_line_is_matched_whole_before_it_is_removed() -> None:
    from archcheck.rule_api.fixes import NotFixed
    from archcheck.rules.duplicated_shared_requirement import remove_requirement

    assert isinstance(remove_requirement(["types-redis==5.0.1.1"], line=1, text="redis==5.0"), NotFixed)
    assert not isinstance(remove_requirement(["redis==5.0  # cache"], line=1, text="redis==5.0"), NotFixed)


@pytest.mark.parametrize(
    "lines",
    [
        ["fastapi==0.116.1 \\", "#pinned \\", "stripe==10.1.0"],  # a comment line ends the continuation
        ["fastapi==0.116.1  # see C:\\tmp\\ ", "stripe==10.1.0"],  # a space after the backslash: none
    ],
)
def test_a_removed_requirement_ends_where_pip_ends_it(lines: List[str]) -> None:
    """REQ002's fix removed ``stripe==10.1.0`` too: it read a continuation where pip reads none."""
    from archcheck.rules.duplicated_shared_requirement import remove_requirement

    edit = remove_requirement(lines, line=1, text="fastapi==0.116.1")
    assert not isinstance(edit, fixer.NotFixed) and lines[edit.last :] == ["stripe==10.1.0"]


def _duplicated(root: Path, data: bytes) -> Path:
    files = {"requirements.shared.txt": "fastapi==0.116.1\n", "svc/app/main.py": "import fastapi\n"}
    write_example(root, Example(files, 'services = ["svc"]\n'))
    (root / "svc/requirements.txt").write_bytes(data)
    return root / "svc/requirements.txt"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (  # utf-7 writes `~` back as `+AH4-`: a line no fix touches would change
            b"# coding: utf-7\n-r ../requirements.shared.txt\nrequests~=2.0\nfastapi==0.116.1\n",
            "would not write the file's other bytes back",
        ),
        (  # removing line 2 brings an ignored coding comment into the two lines pip reads it from
            b"-r ../requirements.shared.txt\nfastapi==0.116.1\n# coding: cp037\nstripe==10.1.0\n",
            "would change the encoding pip reads",
        ),
    ],
)
def test_a_requirements_fix_changes_no_other_byte_nor_the_encoding(
    tmp_path: Path, data: bytes, reason: str
) -> None:
    target = _duplicated(tmp_path, data)
    result = cli(tmp_path, "check", "--fix", "--select", "REQ002")
    assert reason in result.stderr and target.read_bytes() == data


def test_a_python_file_whose_encoding_does_not_round_trip_is_not_edited() -> None:
    """cp932 decodes \\x87\\x90 and writes the same character back as \\x81\\xe0."""

    def unchanged(node: object, around: object) -> object:
        return node

    data = b"# -*- coding: cp932 -*-\n" + b"# \x87\x90\nx = 1\n"
    span = Location("m.py", 3, 1, 3, 2)
    after, _, outcomes = fixer._edit_module("m.py", data, [CstFix("m.py", span, unchanged, "x")])  # type: ignore[arg-type]
    assert after is None and outcomes[0] is not None and "would not write" in outcomes[0][1]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_diff_of_thousands_of_separate_fixes_is_found_without_difflibs_matcher(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """difflib's matcher takes time quadratic in the hunks of a file (8,000 fixes, each in its
    own function: 21 s of a 26 s ``--diff``); the diff is a patience diff, and still applies."""
    import difflib

    from archcheck.output import fixes

    searches = []
    real = difflib.SequenceMatcher.find_longest_match
    monkeypatch.setattr(
        difflib.SequenceMatcher, "find_longest_match", lambda self, *a: searches.append(1) or real(self, *a)
    )
    before = "import asyncio\n" + "".join(f"async def f{i}(x):\n    asyncio.run(x)\n\n" for i in range(1_000))
    after = before.replace("asyncio.run(x)", "await x")
    change = fixer.FileFix("m.py", before.encode(), after.encode(), "utf-8", ())
    diff = fixes.to_diff(fixer.Outcome((change,))).text
    assert len(searches) < 100
    (tmp_path / "m.py").write_text(before)
    (tmp_path / "d.patch").write_bytes(diff)
    subprocess.run(["git", "apply", "d.patch"], cwd=tmp_path, check=True)
    assert (tmp_path / "m.py").read_text() == after


def test_thousands_of_copies_of_a_shared_line_are_fixed_reading_each_copy_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """REQ002's fix of each copy listed every other line of the package (20,000 copies of
    ``fastapi==0.1``: a 24 s ``--diff``); the distinct lines are indexed once per service."""
    from archcheck.rules.duplicated_shared_requirement import DuplicatedSharedRequirement

    class Counted(list):  # type: ignore[type-arg]
        def __iter__(self):  # type: ignore[no-untyped-def]
            for item in super().__iter__():
                read.append(1)
                yield item

    read: List[int] = []
    real = DuplicatedSharedRequirement._by_name
    counted: Dict[str, Dict[str, Counted]] = {}

    def by_name(self: DuplicatedSharedRequirement, start: str) -> Dict[str, Counted]:
        if start not in counted:
            counted[start] = {name: Counted(facts) for name, facts in real(self, start).items()}
        return counted[start]

    monkeypatch.setattr(DuplicatedSharedRequirement, "_by_name", by_name)
    copies = 600
    files = {
        "requirements.shared.txt": "fastapi==0.1\n",
        "svc/app/main.py": "import fastapi\n",
        "svc/requirements.txt": "-r ../requirements.shared.txt\n" + "fastapi==0.1\n" * copies,
    }
    write_example(tmp_path, Example(files, 'services = ["svc"]\n'))
    settings = with_overrides(api.load_settings(tmp_path), select=("REQ002",))
    outcome = api.fix(settings, use_cache=False, jobs=1, write=False)
    assert outcome.fixed == copies and outcome.skipped == ()
    assert len(read) < 20 * copies


@pytest.mark.parametrize(
    "environ, context",
    [
        ({}, 3),
        ({"CI": "true"}, 0),
        ({"CI": "1"}, 0),
        ({"CI": "false"}, 3),
        ({"CI": "0"}, 3),
        ({"CI": ""}, 3),
        ({"GITHUB_ACTIONS": "true"}, 0),
        ({"TF_BUILD": "True"}, 0),
        ({"JENKINS_URL": "https://jenkins.example/"}, 0),
        ({"GITLAB_CI": "true", "CI": "false"}, 0),
    ],
)
def test_a_diff_has_context_lines_outside_ci_only(environ: Dict[str, str], context: int) -> None:
    from archcheck.output.fixes import context_lines

    assert context_lines(environ) == context


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_a_diff_in_ci_shows_only_the_lines_a_fix_changes_and_applies(tmp_path: Path) -> None:
    """A CI log keeps what it shows: the code around a fix, and a secret in it that no masking
    reads (a password as a command's plain argument), is not printed there at all."""
    project = copy_fixture(tmp_path, "demo")
    startup = project / "netra_backend/app/startup.py"
    secret = '    setup = ["htpasswd", "-b", "users", "bob", "Hunter2Plain"]\n'
    head = "async def startup() -> None:\n"
    with_secret = startup.read_text(encoding="utf-8").replace(head, head + secret)
    startup.write_text(with_secret, encoding="utf-8")
    local = cli(project, "check", "--diff")
    assert "Hunter2Plain" in local.stdout  # on the terminal of the one whose code it is
    result = cli(project, "check", "--diff", "--select", "IMP002,ASY", env={"CI": "true"})
    assert result.returncode == 1 and "Hunter2Plain" not in result.stdout
    changed = [line for line in result.stdout.splitlines() if not line.startswith(("--- ", "+++ ", "@@ "))]
    assert changed and all(line[0] in "+-\\" for line in changed)
    assert "-    asyncio.run(db.connect())\n+    await db.connect()\n" in result.stdout
    (tmp_path / "fix.patch").write_text(result.stdout, encoding="utf-8")
    subprocess.run(["git", "apply", "--unidiff-zero", str(tmp_path / "fix.patch")], cwd=project, check=True)
    fixed = copy_fixture(tmp_path / "other", "demo")
    (fixed / startup.relative_to(project)).write_text(with_secret, encoding="utf-8")
    cli(fixed, "check", "--fix", "--select", "IMP002,ASY")
    assert sources(project) == sources(fixed)


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs GNU patch")
def test_a_diff_with_no_context_names_the_line_before_a_hunk_that_only_adds_or_removes(
    tmp_path: Path,
) -> None:
    """REQ001 adds a first line, REQ002 removes one: with no context, each empty side of a hunk
    names the line before it (``-0,0``), as GNU diff writes it, and ``patch`` applies them."""
    files = {
        "requirements.shared.txt": "redis==5.0\nhttpx==0.27\n",
        "services/a/app/main.py": "import redis\n",
        "services/a/requirements.txt": "celery==5.3\n",
        "services/b/app/main.py": "import redis\n",
        "services/b/requirements.txt": "-r ../../requirements.shared.txt\ncelery==5.3\nredis==5.0\nrich==13\n",
    }
    root = project_with(tmp_path, {name: text.encode() for name, text in files.items()})
    diff = cli(root, "check", "--diff", "--select", "REQ001,REQ002", env={"CI": "true"}).stdout
    assert "@@ -0,0 +1,1 @@\n+-r ../../requirements.shared.txt\n" in diff
    assert "@@ -3,1 +2,0 @@\n-redis==5.0\n" in diff
    (tmp_path / "d.patch").write_text(diff, encoding="utf-8")
    subprocess.run(["patch", "-s", "-p1", "-i", "d.patch"], cwd=root, check=True)
    assert (
        root / "services/a/requirements.txt"
    ).read_text() == "-r ../../requirements.shared.txt\ncelery==5.3\n"
    assert (
        root / "services/b/requirements.txt"
    ).read_text() == "-r ../../requirements.shared.txt\ncelery==5.3\nrich==13\n"


def _applied_zero_context(tmp_path: Path, before: str, after: str) -> bytes:
    """The diff with no context of one Python file's change, checked by ``git apply --unidiff-zero``."""
    from archcheck.output import fixes

    change = fixer.FileFix("m.py", before.encode(), after.encode(), "utf-8", ())
    diff = fixes.to_diff(fixer.Outcome((change,)), context=0).text
    if shutil.which("git") is not None:
        (tmp_path / "m.py").write_text(before)
        (tmp_path / "d.patch").write_bytes(diff)
        subprocess.run(["git", "apply", "--unidiff-zero", "d.patch"], cwd=tmp_path, check=True)
        assert (tmp_path / "m.py").read_text() == after
    return diff


def test_repeated_lines_between_fixes_are_not_shown_as_changed(tmp_path: Path) -> None:
    """Run 114a/02: patience anchors on lines unique on both sides; with none between two
    fixes it replaced the whole stretch, so a CI diff showed unchanged lines (a secret in them)."""
    line = 'client.connect("bastion", 22, "deploy", "Deploy!2024pw")\n'
    before = f"import paramiko\nfrom .models import Host\n{line}from .models import Key\n{line}from .models import User\n"
    after = before.replace("from .models", "from svc.app.models")
    diff = _applied_zero_context(tmp_path, before, after).decode()
    assert "Deploy!2024pw" not in diff and diff.count("\n-from .models") == 3


def test_a_long_stretch_of_repeated_lines_is_matched_by_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Too long for difflib's quadratic matcher (1,200 lines a side), a stretch with as many
    lines on each side is matched line by line."""
    import difflib

    searches = []
    real = difflib.SequenceMatcher.find_longest_match
    monkeypatch.setattr(
        difflib.SequenceMatcher, "find_longest_match", lambda self, *a: searches.append(1) or real(self, *a)
    )
    before = "from .m import A\nsame = 1\n" * 600
    diff = _applied_zero_context(tmp_path, before, before.replace("from .m", "from app.m")).decode()
    assert "same = 1" not in diff and diff.count("\n+from app.m import A") == 600 and not searches


@pytest.mark.parametrize(
    "name, data",
    [
        ("svc/app/cr.py", b'import os\rfrom .models import X\rSECRET = "Kept0ut!"\r'),
        (
            "svc/app/stray.py",
            b'import os\nDB = connect("db", "app", "Kept0ut!")\rfrom .models import X\nY = 2\n',
        ),
        ("svc/requirements.txt", b"-r ../requirements.shared.txt\rstripe==1\r# Kept0ut!\rfastapi==1\r"),
        ("svc/requirements.txt", b"-r ../requirements.shared.txt\nstripe==1\x0c# Kept0ut!\x0cfastapi==1\n"),
        # run 115a/02: latin-1's 0x85 is NEL, where pip ends a line
        (
            "svc/requirements.txt",
            b"# -*- coding: latin-1 -*-\n-r ../requirements.shared.txt\nfastapi==1\x85# Kept0ut!\x85stripe==1\n",
        ),
    ],
)
def test_a_ci_diff_leaves_out_a_file_whose_changed_line_is_several_of_its_lines(
    tmp_path: Path, name: str, data: bytes
) -> None:
    """Run 114a/01: git splits lines at "\\n" only, so lines that end with a lone CR (Python's
    line end; a form feed is pip's too) are one line to a patch, and a CI diff showed the lines
    around the fix. Such a file is left out, with a line on stderr; the others are shown."""
    root = _relative_imports(tmp_path, {"plain.py": "from .models import X\n"})
    (root.parent.parent / "requirements.shared.txt").write_text("fastapi==1\n")
    (root.parent / "requirements.txt").write_text("-r ../requirements.shared.txt\nhttpx\n")
    (tmp_path / name).write_bytes(data)
    result = cli(tmp_path, "check", "--diff", "--select", "IMP002,REQ002", env={"CI": "true"})
    assert "Kept0ut" not in result.stdout and "+from app.models import X" in result.stdout
    assert f"{name}: not in the diff: a line end in the lines it changes" in result.stderr
    assert (
        "fixes it" in result.stderr
        and "not in the diff" not in cli(tmp_path, "check", "--diff", "-o", "d.patch").stderr
    )


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs GNU patch")
def test_a_name_with_a_space_ends_with_a_tab_as_git_writes_it(tmp_path: Path) -> None:
    """Run 114c/01: ``patch -p1`` ends a name at white space unless a tab ends it, as git
    writes a name that holds a space; without it, patch found no file to patch."""
    app = _relative_imports(
        tmp_path, {"my file.py": "from .models import X\n", "b.py": "from .models import X\n"}
    )
    diff = cli(tmp_path, "check", "--diff").stdout
    assert "--- a/svc/app/my file.py\t\n+++ b/svc/app/my file.py\t\n" in diff
    assert "--- a/svc/app/b.py\n" in diff
    (tmp_path / "d.patch").write_text(diff, encoding="utf-8")
    subprocess.run(["patch", "-s", "-p1", "-i", "d.patch"], cwd=tmp_path, check=True)
    assert (app / "my file.py").read_text() == (app / "b.py").read_text() == "from app.models import X\n"


@pytest.mark.parametrize(
    "annotation, kept",
    [
        (["    # via -r requirements.in"], []),
        (["    # via", "    #   httpx", "    #   starlette"], []),
        (["    # NOTE for ops: the mirror needs PIP_INDEX_URL", "    # (see runbook 12)"], 2),
        (["    # via httpx", "    # NOTE: pinned for the mirror"], 1),
    ],
)
def test_a_removed_requirement_takes_only_pip_compiles_via_lines(annotation: List[str], kept: Any) -> None:
    """Run 114a/05: every indented comment after the line was removed as an annotation, a
    team's note too; only pip-compile's `# via` and its reasons are the line's."""
    from archcheck.rules.duplicated_shared_requirement import remove_requirement

    lines = ["requests==2", *annotation, "uvicorn==1"]
    edit = remove_requirement(lines, line=1, text="requests==2")
    assert not isinstance(edit, fixer.NotFixed)
    assert lines[edit.last :] == [*(annotation[len(annotation) - kept :] if kept else []), "uvicorn==1"]


def test_lines_removed_between_long_runs_of_repeated_lines_show_alone(tmp_path: Path) -> None:
    """Run 115c/01: three requirements removed between runs of 600 repeated comment lines made
    one stretch too long for difflib and of unequal sides: all 1,200 lines showed as changed."""
    from archcheck.output import fixes

    notes = "# internal note\n" * 600
    before = f"-r ../requirements.shared.txt\n# unchanged\nrequests==2.0\n{notes}flask==1.0\n{notes}click==8.0\n{notes}"
    after = f"-r ../requirements.shared.txt\n# unchanged\n{notes}{notes}{notes}"
    change = fixer.FileFix("r.txt", before.encode(), after.encode(), "utf-8", ())
    diff = fixes.to_diff(fixer.Outcome((change,)), context=0).text.decode()
    assert diff.count("\n-") == 3 and "# internal note" not in diff and "\n+" not in diff.replace("\n+++", "")
    if shutil.which("git") is not None:
        (tmp_path / "r.txt").write_text(before)
        (tmp_path / "d.patch").write_text(diff)
        subprocess.run(["git", "apply", "--unidiff-zero", "d.patch"], cwd=tmp_path, check=True)
        assert (tmp_path / "r.txt").read_text() == after


@pytest.mark.parametrize("seed", range(3))
def test_the_fewest_edits_are_found_and_rebuild_the_file(seed: int) -> None:
    """The stretch matcher against a plain longest-common-subsequence count, on small random
    files of a few repeated lines."""
    import random

    from archcheck.output.fixes import _fewest_edits

    chance = random.Random(seed)
    for _ in range(300):
        a = [chance.choice("xyz") for _ in range(chance.randint(0, 10))]
        b = [chance.choice("xyz") for _ in range(chance.randint(0, 10))]
        codes = _fewest_edits(a, b)
        assert codes is not None and [line for c in codes for line in b[c[3] : c[4]]] == b
        assert all(a[i1:i2] == b[j1:j2] for tag, i1, i2, j1, j2 in codes if tag == "equal")
        common = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
        for i in range(len(a) - 1, -1, -1):
            for j in range(len(b) - 1, -1, -1):
                common[i][j] = (
                    common[i + 1][j + 1] + 1 if a[i] == b[j] else max(common[i + 1][j], common[i][j + 1])
                )
        edits = sum(i2 - i1 + j2 - j1 for tag, i1, i2, j1, j2 in codes if tag != "equal")
        assert edits == len(a) + len(b) - 2 * common[0][0]


def test_lines_matched_by_place_make_one_hunk_per_change(tmp_path: Path) -> None:
    """Run 115c/04: lines matched by place came one opcode each; with no context each equal
    line became an empty hunk (`@@ -4,0 +4,0 @@`) that `git apply` and `patch` reject."""
    before = "same = 1\nsame = 1\nfrom .m import A\n" * 1_100  # (more changes than the matcher takes)
    diff = _applied_zero_context(tmp_path, before, before.replace("from .m", "from app.m")).decode()
    assert diff.count("@@ -") == 1_100 and ",0 +" not in diff


def test_thousands_of_distinct_marker_lines_are_fixed_in_linear_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 115c/02: REQ002's fix compared each service line with every shared line of its
    package (twice): 2,000 distinct marker lines took 26 s in `--diff`; the line written the
    same is looked up, the rest bounded."""
    from archcheck.rules import duplicated_shared_requirement as rule

    calls = []
    real = rule._removal_changes
    monkeypatch.setattr(rule, "_removal_changes", lambda *a: calls.append(1) or real(*a))
    n = 600
    shared = [f'requests==2.0 ; sys_platform == "linux" and platform_release != "s{i}"' for i in range(n)]
    shared += [f'requests==2.0 ; sys_platform == "win32" and platform_release != "w{i}"' for i in range(n)]
    files = {
        "requirements.shared.txt": "\n".join(shared) + "\n",
        "svc/requirements.txt": "-r ../requirements.shared.txt\n" + "\n".join(shared[n:]) + "\n",
        "svc/app/m.py": "",
    }
    root = write_example(tmp_path, Example(files, 'services = ["svc"]\n'))
    settings = with_overrides(api.load_settings(root), select=("REQ002",))
    outcome = api.fix(settings, use_cache=False, write=False)
    assert outcome.fixed == n and len(calls) < 10 * n  # (720,000 before)


def test_a_ci_diff_shows_the_changed_lines_code_never_their_text(tmp_path: Path) -> None:
    """Run 118a: each run found a secret of a shape no masking reading knew on a line a fix
    changes (`-p***!…`, `<password>…</password>`, a webhook's path, `IDENTIFIED WITH '…' BY`).
    In CI a changed line shows its code with every string's and comment's text elided."""
    from archcheck.output import fixes

    before = (
        'import os\nfrom .models import X; cmd = "mysql -uroot -p***!Pr0dS3cret app"  # was: Hunter2pw\n'
        'S = f"""<password>{os.sep}Pr0dS3cret</password>\n'
        '  https://hooks.slack.com/services/T0/B0/Pr0dWebhook"""; from .models import Y\nz = ""\n'
    )
    after = before.replace("from .models", "from svc.app.models")
    change = fixer.FileFix("m.py", before.encode(), after.encode(), "utf-8", ())
    diff = fixes.to_diff(fixer.Outcome((change,)), context=0).text.decode()
    assert "Pr0d" not in diff and "Hunter2" not in diff and "hooks.slack" not in diff
    assert '+from svc.app.models import X; cmd = "***"  # ***\n' in diff
    assert '+***"""; from svc.app.models import Y\n' in diff  # (the string's text on its later line)


def test_a_ci_diff_shows_no_number(tmp_path: Path) -> None:
    """Run 130a/04: a key or a PIN kept as a number was shown on the changed lines."""
    from archcheck.output import fixes

    before = "from .models import X; sign(key=0x9f86d0818, pin=48213977, n=1.5e3, j=4j)\n"
    after = before.replace("from .models", "from svc.app.models")
    change = fixer.FileFix("m.py", before.encode(), after.encode(), "utf-8", ())
    diff = fixes.to_diff(fixer.Outcome((change,)), context=0).text.decode()
    assert "+from svc.app.models import X; sign(key=***, pin=***, n=***, j=***)\n" in diff


def test_a_ci_diff_of_requirements_shows_names_versions_and_markers_only() -> None:
    from archcheck.output import fixes

    before = (
        "-r ../requirements.shared.txt\nfastapi==0.116.1  # pinned: token ghp_Pr0dT0ken\n"
        'psycopg2-binary==2.9.9; sys_platform != "win32"\n'
        "mylib @ git+https://ghp_Pr0dT0ken@github.com/o/mylib.git@v1\n"
        "--extra-index-url https://ci:Pr0dPw@nexus.example/simple\nkeep==1\n"
    )
    after = "-r ../requirements.shared.txt\nkeep==1\n"
    change = fixer.FileFix("requirements.txt", before.encode(), after.encode(), "utf-8", ())
    diff = fixes.to_diff(fixer.Outcome((change,)), context=0).text.decode()
    assert "Pr0d" not in diff and "nexus" not in diff and "github" not in diff
    assert (
        "-fastapi==0.116.1  # ***\n" in diff and '-psycopg2-binary==2.9.9; sys_platform != "win32"\n' in diff
    )
    assert "-mylib @ ***\n" in diff and "---extra-index-url ***\n" in diff


def test_a_ci_diff_leaves_out_python_its_tokenizer_cannot_read() -> None:
    from archcheck.output import fixes

    before = 'from .models import X\ns = """never closed\n'
    change = fixer.FileFix(
        "m.py", before.encode(), before.replace(".models", "svc.models").encode(), "utf-8", ()
    )
    shown = fixes.to_diff(fixer.Outcome((change,)), context=0)
    assert shown.text == b"" and "this interpreter does not read" in shown.left_out[0]


@pytest.mark.parametrize("encoding", ["shift_jis", "big5", "iso2022_jp"])
def test_a_ci_diff_leaves_out_a_file_whose_ascii_bytes_may_be_part_of_a_character(encoding: str) -> None:
    """Run 119a/01: a Shift_JIS kanji's second byte may be `\\`, and ISO-2022-JP's shifted
    bytes are ASCII ones: the bytes read as UTF-8 ended a string early, and its text showed."""
    from archcheck.output import fixes

    body = '# -*- coding: {0} -*-\nfrom .models import X\nc = connect("表", "postgresql://app:S3cretPw@db/app")\n'
    before = body.format(encoding).encode(encoding)
    after = body.format(encoding).replace(".models", "svc.models").encode(encoding)
    shown = fixes.to_diff(fixer.Outcome((fixer.FileFix("m.py", before, after, encoding, ()),)), context=0)
    assert shown.text == b"" and "may hide an ASCII byte in another character" in shown.left_out[0]


def test_a_ci_diff_leaves_out_a_file_with_a_lone_cr_anywhere() -> None:
    """Run 119a/02: a lone CR on an unchanged line ends a line to Python, not to the tokenizer
    here: every later string and code swapped places, a string's text shown."""
    from archcheck.output import fixes

    before = b'# generated\rNOTE = """\nfrom .models import X\nc = f(dsn="""host=db\npassword=S3cretTQ""")\nEND = \'"""\'\n'
    after = before.replace(b".models", b"svc.models")
    shown = fixes.to_diff(fixer.Outcome((fixer.FileFix("m.py", before, after, "utf-8", ()),)), context=0)
    assert shown.text == b"" and "a lone CR" in shown.left_out[0]


def test_a_ci_diff_of_requirements_reads_comments_and_markers_as_pip() -> None:
    """Run 119a/03, 04: a comment after a no-break space showed its words; markers and
    versions written without blanks (or with one after a comma) were masked."""
    from archcheck.output.elide import elided

    lines = [
        "fastapi==0.116.1\u00a0# mirror token ghp_16C7e42F292c6912E7710c83\n",
        "httpx==0.27.0\u3000# password Zq9S3cretNbsp\n",
        'pywin32==306; sys_platform=="win32"\n',
        'importlib-metadata>=4.0;python_version<"3.10"\n',
        "sqlparse >= 0.4, < 0.6\n",
        "pkg (>=1.0)\n",
        "    --global-option hunter2token \\\n",  # (119c/05: an option's value after a blank)
    ]
    assert elided(lines, python=False) == [
        "fastapi==0.116.1\u00a0# ***\n",
        "httpx==0.27.0\u3000# ***\n",
        *lines[2:-1],
        "    --global-option *** \\\n",
    ]


def test_a_ci_diff_shows_no_text_of_newer_f_strings_and_reads_a_bom() -> None:
    """A file of 3.12's f-strings fixed on an older Python (read by LibCST): the tokenizer here
    ended the string at the quote in its field, and the words after showed as code; a BOM
    first is no reason to leave a file out."""
    from archcheck.output import fixes

    before = 'from .models import X; s = f"{d["my secret text here"]}"\n'
    change = fixer.FileFix(
        "m.py", before.encode(), before.replace(".models", "svc.models").encode(), "utf-8", ()
    )
    assert b"secret" not in fixes.to_diff(fixer.Outcome((change,)), context=0).text
    bom = '\ufefffrom .models import X  # token ghp_Pr0d\nx = "Pr0dS3cret"\n'
    change = fixer.FileFix("b.py", bom.encode(), bom.replace(".models", "svc.models").encode(), "utf-8", ())
    diff = fixes.to_diff(fixer.Outcome((change,)), context=0).text.decode()
    assert "+\ufefffrom svc.models import X  # ***\n" in diff and "Pr0d" not in diff


def test_a_ci_diff_of_requirements_reads_the_file_s_encoding_and_pip_s_continuations() -> None:
    """Run 120a/01: latin-1's 0xA0 before `#` is white space to pip, not to the bytes read as
    UTF-8; 02: pip joins a line ending in `\\` to the next before it strips comments, so a
    comment (or an option's value) goes on there."""
    from archcheck.output.elide import elided

    latin = "requests==2.31.0\xa0# deploy token ghp_R3alT0ken\n".encode("latin-1").decode(
        "utf-8", "surrogateescape"
    )
    assert elided([latin], python=False, encoding="latin-1") == ["requests==2.31.0\xa0# ***\n"]
    lines = [
        "requests==2.31.0  # mirror token: \\\n",
        "    pypi-AgEIcHlwaS5vcmcCJGFi\n",
        "x==1 --global-option \\\n",
        "    ghp_R3alT0kenAbCdEf\n",
        "# a comment alone \\\n",
        "fastapi==0.116.1\n",
    ]
    assert elided(lines, python=False) == [
        "requests==2.31.0  # ***\n",
        " ***\n",
        "x==1 --global-option \\\n",
        "    ***\n",
        "# ***\n",
        "fastapi==0.116.1\n",
    ]


def test_a_ci_diff_leaves_out_a_file_whose_name_holds_a_runner_command() -> None:
    """Run 120a/03: a diff's header holds the path as it is (`git apply` reads it), and Azure
    Pipelines' agent reads `##vso[…]` anywhere in a line."""
    from archcheck.output import fixes

    before = b"from .models import X\n"
    change = fixer.FileFix(
        "##vso[task.complete]x.py", before, before.replace(b".models", b"svc.models"), "utf-8", ()
    )
    shown = fixes.to_diff(fixer.Outcome((change,)), context=0)
    assert shown.text == b"" and "#\\x23vso[task.complete]x.py: not in the diff" in shown.left_out[0]


def test_a_ci_diff_of_requirements_masks_quoted_option_values_and_whole_urls() -> None:
    """Run 121a/01: the words of an option's quoted value (`--global-option="--password …"`)
    and a value shaped like an option (`-pS3cret`) showed; 02: a URL cut at `(`, `)` or `;`
    showed the password's middle."""
    from archcheck.output.elide import elided

    lines = [
        'fastapi==0.116.1 --global-option="--password S3cretPw9 --verbose"\n',
        'uvicorn==0.30.0 --config-settings "--build-option=--token ghp_AbCdEf0123 x"\n',
        "httpx==0.27.0 --global-option -pHunterHunterHunter\n",
        "mylib @ git+https://oauth2:glpat(S3cretPw9)x@gitlab.example.com/g/mylib.git\n",
        "otherlib @ https://deploy:Pa;S3cretTok8;x@files/x.whl\n",
        'x==1 --global-option "-u admin \\\n',
        '   -pS3cret9"\n',
        'uvicorn[standard]>=0.30,<1 ; python_version < "3.12" and os_name == "posix"\n',
    ]
    shown = "".join(elided(lines, python=False))
    assert "S3cret" not in shown and "ghp_" not in shown and "Hunter" not in shown and "admin" not in shown
    assert "mylib @ ***\n" in shown and "otherlib @ ***\n" in shown and lines[-1] in shown


def test_a_ci_diff_of_requirements_shows_a_name_only_where_pip_reads_one() -> None:
    """Run 122a/01: a comment after a quoted option value closed on a continuation line showed
    its words (each looked like a name); 03: a BOM hid the first line's comment from the
    comment's pattern. pip strips comments before it reads quotes, and reads a name only first."""
    from archcheck.output.elide import elided

    lines = [
        "\ufeff# index password: Tr0ub4dor token ghp_R3alT0kenAbcdef\n",
        'requests==2.31.0 --global-option "--build \\\n',
        '    -j4" # deploy token ghp_R3alT0kenAbcdef\n',
        "httpx==0.27.0 --no-index deploy Tr0ub4dor\n",
        "uvicorn deploy Tr0ub4dor >= 0.30, < 1\n",
        'fastapi==0.116.1 --global-option "a # b" Tr0ub4dor\n',
        "requests 8f3aTr0ub4dor9\n",  # (a version is PEP 440's: digits first is not enough)
        "requests==8f3aTr0ub4dor\n",
        "x==1.0rc1.post2.dev3+abc.1 ; python_version >= '3.8'\n",
    ]
    shown = elided(lines, python=False)
    assert "Tr0ub4dor" not in "".join(shown) and "deploy" not in "".join(shown)
    assert shown == [
        "\ufeff# ***\n",
        "requests==2.31.0 --global-option *** \\\n",
        "    *** # ***\n",
        "httpx==0.27.0 --no-index *** ***\n",
        "uvicorn *** *** >= 0.30, < 1\n",
        "fastapi==0.116.1 --global-option *** # ***\n",
        "requests ***\n",
        "***\n",
        lines[-1],
    ]


def test_a_ci_diff_of_requirements_reads_versions_without_backtracking() -> None:
    """Run 123c/01: `!===1` read as `!=` then `==1` or as `===` by a pattern of nested repeats:
    each more of them took 2.5 times as long (28: over 90 s) in a valid requirement line."""
    from archcheck.output.elide import elided

    lines = ["weird" + "===1!" * 40 + "@\n", "x==1" + "rc" * 40 + "@\n", "x " + "v1" + "rc" * 40 + "@\n"]
    started = time.monotonic()
    assert elided(lines, python=False) == ["***\n", "***\n", "x ***\n"]
    assert time.monotonic() - started < 10  # (hours before; a millisecond after)
