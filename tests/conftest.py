from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import copy_fixture


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """A private copy of the demo monorepo."""
    return copy_fixture(tmp_path, "demo")
