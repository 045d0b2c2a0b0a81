"""Generated programs (hypothesmith): no crash, and cached = ``--no-cache`` = ``-j1`` = ``-j2``.

CI runs about 100 examples. For a long run, raise the count:

    ARCHCHECK_HOSTILE_EXAMPLES=5000 python -m pytest tests/hostile/test_generated_programs.py
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import List, Tuple

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings

from archcheck import api
from archcheck.model import Violation

EXAMPLES = int(os.environ.get("ARCHCHECK_HOSTILE_EXAMPLES", "50"))  # per strategy
CHECKED = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 100,  # CI: the same examples every run
    suppress_health_check=list(HealthCheck),
)
# beside the generated file: code that the rules flag, so a crash or a lost fact shows
NEIGHBOUR = 'import asyncio\nURL = "http://localhost:8001"\n\nasync def f():\n    asyncio.run(f())\n'


def _project(root: Path, sources: List[str]) -> Path:
    (root / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["svc"]\n')
    app = root / "svc" / "app"
    app.mkdir(parents=True)
    (root / "svc" / "requirements.txt").write_text("httpx\n")
    (app / "neighbour.py").write_text(NEIGHBOUR)
    for index, source in enumerate(sources):
        (app / f"gen{index}.py").write_text(source, encoding="utf-8", errors="surrogatepass")
    return root


def _findings(root: Path, use_cache: bool, jobs: int) -> List[Tuple[str, str, int, str]]:
    report = api.check(api.load_settings(root), use_cache=use_cache, jobs=jobs)
    return [_key(v) for v in report.violations]


def _key(v: Violation) -> Tuple[str, str, int, str]:
    return v.code, v.location.path, v.location.line, v.message


def _same_everywhere(sources: List[str], jobs: Tuple[int, ...] = (1,)) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = _project(Path(temp), sources)
        fresh = _findings(root, use_cache=False, jobs=1)
        assert any(f[:3] == ("ASY001", "svc/app/neighbour.py", 5) for f in fresh)
        assert _findings(root, use_cache=True, jobs=1) == fresh  # fills the cache
        assert _findings(root, use_cache=True, jobs=1) == fresh  # reads it
        for count in jobs:
            assert _findings(root, use_cache=False, jobs=count) == fresh


@CHECKED
@given(hypothesmith.from_grammar())
def test_programs_from_the_grammar(source: str) -> None:
    _same_everywhere([source])


@CHECKED
@given(hypothesmith.from_node())
def test_programs_from_syntax_trees(source: str) -> None:
    _same_everywhere([source])


@settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_node())
@pytest.mark.skipif(os.cpu_count() == 1, reason="a pool needs two processes")
def test_a_pool_agrees_with_one_process(source: str) -> None:
    _same_everywhere([source] * 70, jobs=(2,))  # 70 files: the pool path
