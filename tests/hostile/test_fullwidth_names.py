"""Run 57: names spelt with compatibility characters hid findings from the text screens.

Python reads every name NFKC-normalised, so ``asyncio.run()`` written with a fullwidth ``r``
(U+FF52) calls ``asyncio.run``; the screens searched the text for ASCII words, so a pull request could hide
an ``asyncio.run()`` in async code, or a helper's loop entry from ASY003, with one character.
"""

from __future__ import annotations

import io
import keyword
import tokenize
from pathlib import Path

import pytest

from archcheck.pipeline.registry import catalogue
from tests.hostile._project import findings, rewritten, unscreened_agree

FULLWIDTH = 0xFEE0  # "a" + this is U+FF41, which NFKC makes "a" again


def fullwidth(text: str) -> str:
    """``text`` with the first ASCII letter of every name that is no keyword made fullwidth."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return text
    lines = text.splitlines(keepends=True)
    for token in tokens:
        name = token.string
        if token.type != tokenize.NAME or keyword.iskeyword(name) or keyword.issoftkeyword(name):
            continue
        if name[0].isascii() and name[0].isalpha():
            row, column = token.start
            line = lines[row - 1]
            lines[row - 1] = line[:column] + chr(ord(name[0]) + FULLWIDTH) + line[column + 1 :]
    return "".join(lines)


@pytest.mark.parametrize("spec", catalogue(), ids=lambda s: s.code)
def test_names_in_compatibility_characters_pass_no_screen(
    tmp_path: Path, spec, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every rule's examples, their names spelt fullwidth: the same findings with the screens
    as without them, and for the loop rules, the findings of the plain spelling."""
    for index, example in enumerate(spec.invalid + spec.valid):
        screened = unscreened_agree(rewritten(tmp_path / str(index), example, fullwidth), monkeypatch)
        if spec.code in ("ASY001", "ASY002", "ASY003") and example in spec.invalid:
            assert screened == findings(rewritten(tmp_path / f"{index}-plain", example)), index


def test_the_example_spelling_is_python_s_own() -> None:
    """The rewrite changes how names are written, not what they are."""
    import ast

    text = "import asyncio\n\nasync def f():\n    asyncio.run(main())\n"
    written = fullwidth(text)
    assert written != text and "\uff41syncio.\uff52un(\uff4dain())" in written
    assert ast.dump(ast.parse(written)) == ast.dump(ast.parse(text))


def test_files_only_libcst_reads_have_their_names_read_as_python_reads_them(tmp_path: Path) -> None:
    """Run 117b/02: in a file `ast` cannot read (newer syntax), read by LibCST for its imports
    and definitions, a fullwidth letter hid a cross-service import and a duplicated class."""
    from tests.hostile._project import project

    newer = "type Alias = int\n"  # (a 3.12 statement: LibCST's reading on older interpreters too)
    root = project(
        tmp_path,
        {
            "c.py": newer + "from \uff42illing.app import tokens\nclass \uff24atabaseManager:\n    pass\n",
            "manager.py": "class DatabaseManager:\n    pass\n",
        },
        'services = ["svc", "billing"]\n',
    )
    (root / "billing" / "app").mkdir(parents=True)
    (root / "billing" / "app" / "tokens.py").write_text("X = 1\n")
    found = {(code, path, line) for code, path, line, *_ in findings(root)}
    assert ("IMP001", "svc/app/c.py", 2) in found
    assert ("SSOT001", "svc/app/c.py", 3) in found
