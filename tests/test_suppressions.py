from __future__ import annotations

import ast

from archcheck.model import Location, Severity, Violation
from archcheck.suppressions import in_lines, in_python, parse_comment, suppressed


def violation(code: str, line: int) -> Violation:
    return Violation(code, "x", Severity.ERROR, Location("a.py", line), "m")


def test_parse_comment() -> None:
    assert parse_comment("# archcheck: ignore[ASY001, imp002]") == ("ASY001", "IMP002")
    assert parse_comment("#archcheck:ignore") == ()
    assert parse_comment("# archcheck: ignore[REQ002] reason=\"pinned\" until=2027-03-31") == ("REQ002",)
    assert parse_comment("# noqa") is None


def test_python_comments_cover_their_multi_line_statement_only() -> None:
    text = (
        "x = call(  # archcheck: ignore[CFG001]\n"
        "    'http://localhost',\n"
        ")\n"
        "s = '# archcheck: ignore'  # a string, not a comment\n"
        "def f():  # archcheck: ignore\n"
        "    return 1\n"
    )
    found = in_python(text, ast.parse(text))
    assert found == ((1, ("CFG001",)), (2, ("CFG001",)), (3, ("CFG001",)), (5, ()))
    assert suppressed(violation("CFG001", 2), found)
    assert not suppressed(violation("CFG002", 2), found)
    assert not suppressed(violation("CFG001", 4), found)
    assert suppressed(violation("ASY001", 5), found) and not suppressed(violation("ASY001", 6), found)


def test_prefix_codes_and_text_files() -> None:
    found = in_lines([(1, "fastapi==1  # archcheck: ignore[REQ]"), (2, "x==1 # other")])
    assert found == ((1, ("REQ",)),)
    assert suppressed(violation("REQ002", 1), found)
    assert not suppressed(violation("IMP001", 1), found)
