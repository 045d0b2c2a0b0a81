"""Run 63: code every rule family reports, written so that its text hides what its meaning
keeps, passed a screen: the findings with the screens must be those without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile._project import CONFIG, project, unscreened_agree

ASYNC_COMPREHENSIONS = """\
from contextlib import asynccontextmanager


@asynccontextmanager
async def get_db():
    yield 1


def rows():
    yield 1


async def handler():
    sessions = [s async  # one per request
                for s in get_db()]
    return sessions, [r async

                      for r in rows()]
"""


def test_an_async_comprehension_split_after_async_passes_no_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inside brackets ``async`` may end its line, and its ``for`` follow past comment and
    blank lines: the screen for ``async for`` read only blanks and backslash-newlines."""
    screened = unscreened_agree(project(tmp_path, {"a.py": ASYNC_COMPREHENSIONS}, CONFIG), monkeypatch)
    assert [(code, line) for code, _, line in screened] == [("ASY005", 15), ("ASY005", 18)]
