"""The CST parser reads files this Python rejects while one run's CPU time for it lasts (N
files it is slow on cost N times its limit each), in path order: the same files are read
cached or not, with one worker or two."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from archcheck.facts.cst_fallback import CST_RUN_SECONDS
from archcheck.rule_api.examples import Example
from tests.helpers import write_example
from tests.hostile._project import CONFIG, run

# a `type` statement is grammar only LibCST reads before 3.12: from 3.12 `ast` parses it
pytestmark = pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12 parses a type statement")

READ = int(CST_RUN_SECONDS)  # files of the least CPU time a child has (1 s) that one run reads
NEWER = "type Alias = int\nimport other.app.m\n"  # a cross-service import LibCST must read


def _project(root: Path, count: int) -> Path:
    files = {f"svc/app/n{i:02}.py": NEWER for i in range(count)}
    files.update(
        {"svc/requirements.txt": "httpx\n", "other/requirements.txt": "httpx\n", "other/app/m.py": "x = 1\n"}
    )
    return write_example(root, Example(files, 'services = ["svc", "other"]\n'))


def _out(root: Path, *args: str) -> str:
    result = run(root, *args)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout.decode()


def _findings(root: Path, *args: str) -> list[tuple[str, str]]:
    return sorted(re.findall(r"^(svc/app/n\d+\.py):\d+:\d+: (\w+)", _out(root, *args), re.M))


def _read(findings: list[tuple[str, str]]) -> list[str]:
    """The files whose import LibCST read (a cross-service import finding)."""
    return sorted({path for path, code in findings if code.startswith("IMP")})


def test_files_past_the_runs_cst_time_are_not_parsed_and_said_so(tmp_path: Path) -> None:
    root = _project(tmp_path, READ + 2)
    out = _out(root, "--no-cache")
    found = sorted(re.findall(r"^(svc/app/n\d+\.py):\d+:\d+: (\w+)", out, re.M))
    assert _read(found) == [f"svc/app/n{i:02}.py" for i in range(READ)]
    for late in (READ, READ + 1):
        assert re.search(rf"n{late:02}\.py:1:1: ARC003 .*was not run on it: the 10 s of CPU time", out), out


def test_which_files_are_read_does_not_depend_on_the_cache_or_the_workers(tmp_path: Path) -> None:
    root = _project(tmp_path, READ + 2)
    expected = _findings(root, "--no-cache")
    assert _findings(root) == expected  # cold cache
    assert _findings(root) == expected  # warm
    assert _findings(root, "--no-cache", "--jobs", "2") == expected
    (root / "svc/app/n00.py").unlink()  # the time it took goes to a file after it
    after = _findings(root)
    assert after == _findings(root, "--no-cache")
    assert f"svc/app/n{READ:02}.py" in _read(after) and f"svc/app/n{READ + 1:02}.py" not in _read(after)


def test_a_syntax_error_with_no_newer_grammar_is_arc001_past_the_runs_cst_time(tmp_path: Path) -> None:
    """Run 132a/04: a plain syntax error after the files that spent the run's CST time was an
    ARC003 warning (exit 0): a file holding nothing newer grammar needs is not left for LibCST."""
    root = _project(tmp_path, READ + 1)
    (root / "svc/app/z_broken.py").write_text("def handler(request:\n    return 1\n")
    out = _out(root, "--no-cache")
    assert re.search(
        r"^svc/app/z_broken\.py:1:\d+: ARC001 cannot check this file: syntax error", out, re.M
    ), out
    assert run(root, "--no-cache").returncode == 1


@pytest.mark.parametrize(
    "source",
    [
        "import sys\nif sys.version_info >= (3, 12): type JSON = dict\n",
        "V = list[float]; type M = list[V]\n",
        "try:\n    pass\nexcept (ValueError), TypeError:\n    pass\n",  # (PEP 758, run 133c/02)
        # (over a line's continuation, run 134b/03)
        "type \\\nPair = tuple[int, int]\n",
        "\x0ctype UserId = int\n",  # (a form feed before it, 134c/02)
        "try:\n    pass\nexcept (\n    ValueError,\n    KeyError,\n), TypeError:\n    pass\n",  # (136b/04)
        "class Box\\\n[T]:\n    pass\n",
        "try:\n    pass\nexcept \\\nValueError, TypeError:\n    pass\n",
        "try:\n    pass\nexcept(ValueError), TypeError:\n    pass\n",
    ],
)
def test_a_type_statement_after_a_colon_or_a_semicolon_is_newer_grammar(tmp_path: Path, source: str) -> None:
    """Run 133a/02: a `type` statement not at a line's start was taken for a syntax error (ARC001)."""
    root = write_example(
        tmp_path, Example({"svc/app/a.py": source, "svc/requirements.txt": "httpx\n"}, CONFIG)
    )
    out = _out(root, "--no-cache")
    assert "svc/app/a.py" in out and "ARC003" in out and "ARC001" not in out, out
