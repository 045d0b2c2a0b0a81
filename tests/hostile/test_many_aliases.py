"""Run 75: one import of thousands of aliases (``from asyncio import (run as a0, run as a1,
…)``) took time in the square of their count (30,000: 14.7 s for 600 KB): the line screen
compiled a pattern for each alias and searched the whole text with each. More than a few
words are now found in one pass over the text's identifiers.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from archcheck.facts import source as source_module
from archcheck.facts.imports import gather_imports
from archcheck.facts.source import ParsedSource
from tests.hostile._project import project, unscreened_agree

COUNT = 3_000


def test_many_words_are_found_in_one_pass_where_each_would_be(monkeypatch: pytest.MonkeyPatch) -> None:
    words = [f"a{i}" for i in range(COUNT)] + ["Run", "b·c"]  # any case; a word \\w does not cover
    text = "".join(f"x = a{i * 7}(y)  # a{i}b\n" for i in range(COUNT // 7)) + "RUN()\nb·c()\nb·cd()\n"
    parsed = ParsedSource("m.py", text, ast.parse(text))
    compiled = []
    real_word = source_module._word.__wrapped__
    monkeypatch.setattr(source_module, "_word", lambda word: compiled.append(word) or real_word(word))
    one_pass = parsed.marked_where((), words).lines
    assert compiled == ["b·c"]  # a pattern for the one word a pass over identifiers cannot see
    each = ParsedSource("m.py", text, ast.parse(text))
    expected = sorted({line for word in words for line in each._lines_holding(real_word(word.lower()))})
    assert one_pass == expected
    assert len(expected) == COUNT // 7 + 2  # every `x = ...` line, `RUN()` and `b·c()`


def test_thousands_of_aliases_still_give_every_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    aliases = ", ".join(f"run as a{i}" for i in range(COUNT))
    calls = "".join(f"    a{i}(x)\n" for i in range(0, COUNT, 100))
    loaders = ", ".join(f"import_module as load{i}" for i in range(COUNT))
    files = {
        "runs.py": f"from asyncio import ({aliases})\n\n\nasync def f(x):\n{calls}",
        "loads.py": f"from importlib import ({loaders})\n\nload{COUNT - 1}('other.mod')\n",
    }
    root = project(tmp_path, files, 'services = ["svc", "other"]\n')
    (root / "other").mkdir()
    (root / "other" / "mod.py").write_text("")
    found = unscreened_agree(root, monkeypatch)
    assert sum(code == "ASY001" for code, _, _ in found) == COUNT // 100
    assert sum(code == "IMP001" for code, _, _ in found) == 1


def test_an_alias_of_import_module_is_read_in_a_file_of_many() -> None:
    text = "from importlib import import_module as load\n" + "x = 1\n" * 50 + "load('svc.mod')\n"
    parsed = ParsedSource("m.py", text, ast.parse(text))
    assert [fact.module for fact in gather_imports(parsed)] == ["importlib", "svc.mod"]
