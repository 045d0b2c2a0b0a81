"""MASTER_INDEX.md (``archcheck index``): service, class and path names from the checkout are
escaped as in the audit, so none makes raw HTML, a comment, a table cell or a broken code span."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.helpers import cli

NAMES = ["<img src=x onerror=alert(1)>", "c|d", "<!-- hide", "```fence"]
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)")


@pytest.mark.skipif(sys.platform == "win32", reason="such names are POSIX only")
def test_hostile_service_names_are_inert_in_the_index(tmp_path: Path) -> None:
    services = ", ".join(f'"{name}"' for name in ["svc", *NAMES])
    (tmp_path / "pyproject.toml").write_text(
        f"[tool.archcheck]\nservices = [{services}]\n"
        '[tool.archcheck.ssot]\ncanonical = { Manager = "<!-- hide/app/a.py" }\n',
        encoding="utf-8",
    )
    for name in NAMES:
        app = tmp_path / name / "app"
        app.mkdir(parents=True)
        (tmp_path / name / "requirements.txt").write_text("httpx\n", encoding="utf-8")
        for module in ("a", "b"):  # a duplicate class in every service
            (app / f"{module}.py").write_text("class Manager:\n    pass\n", encoding="utf-8")
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "requirements.txt").write_text("httpx\n", encoding="utf-8")
    (tmp_path / "svc" / "main.py").write_text("x = 1\n", encoding="utf-8")  # a service has Python code
    result = cli(tmp_path, "index", "--output", "-")
    assert result.returncode == 0, result.stderr
    markdown = result.stdout
    assert CODE_SPAN.findall(markdown)  # paths are still code spans
    text = CODE_SPAN.sub("", markdown)  # what is not literal: no raw HTML, comment or stray backtick
    assert not re.search(r"(?<!\\)[<`]", text), text
    table = [line for line in markdown.splitlines() if line.startswith("|")]
    assert len({len(UNESCAPED_PIPE.findall(line)) for line in table}) == 1, table
    assert "- c\\|d: Manager: `c|d/app/a.py:1`, `c|d/app/b.py:1`" in markdown
    assert "- \\`\\`\\`fence: Manager: ```` ```fence/app/a.py:1 ````" in markdown
