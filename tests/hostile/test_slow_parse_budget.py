"""Run 82a: before Python 3.12, a file this Python may be slow to parse (an f-string of
thousands of placeholders) was parsed in a child with 5 s of CPU time each, with no budget for
the run: twelve 0.4 MB files took 63 s. Such files are now left for later, as those for LibCST
are, and share that run's CPU time in path order: the same files are read cached or not, with
one worker or two."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from archcheck.facts.cst_fallback import CST_RUN_SECONDS
from archcheck.facts.source import SLOW_PARSE_CPU
from archcheck.rule_api.examples import Example
from tests.helpers import write_example
from tests.hostile._project import run

pytestmark = pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12 parses f-strings in linear time")

READ = int(CST_RUN_SECONDS // SLOW_PARSE_CPU)  # such files one run reads
# a line an f-string prefix starts, with thousands of `{`: maybe slow to parse, in fact quick
MAYBE_SLOW = 'x = f"a", [' + "{}, " * 15_000 + "]\nimport other.app.m\n"


def _findings(root: Path, *args: str) -> list[tuple[str, str]]:
    result = run(root, *args)
    assert result.returncode in (0, 1), result.stderr
    return sorted(re.findall(r"^(svc/app/s\d+\.py):\d+:\d+: (\w+)", result.stdout.decode(), re.M))


def test_files_maybe_slow_to_parse_share_one_budget_in_path_order(tmp_path: Path) -> None:
    files = {f"svc/app/s{i}.py": MAYBE_SLOW for i in range(READ + 2)}
    files.update(
        {"svc/requirements.txt": "x\n", "other/requirements.txt": "x\n", "other/app/m.py": "x = 1\n"}
    )
    root = write_example(tmp_path, Example(files, 'services = ["svc", "other"]\n'))
    expected = _findings(root, "--no-cache")
    assert expected == sorted(
        [(f"svc/app/s{i}.py", "IMP001") for i in range(READ)]
        + [(f"svc/app/s{i}.py", "ARC003") for i in range(READ, READ + 2)]
    )
    assert _findings(root) == expected  # cold cache
    assert _findings(root) == expected  # warm
    assert _findings(root, "--no-cache", "-j2") == expected
