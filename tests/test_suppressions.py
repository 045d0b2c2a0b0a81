from __future__ import annotations

import ast

from archcheck.facts.source import ParsedSource
from archcheck.facts.suppressions import in_lines, in_python, parse_comment
from archcheck.model import Location, Severity, Violation
from archcheck.pipeline.suppress import apply, covers


def violation(code: str, line: int, path: str = "a.py") -> Violation:
    return Violation(code, "x", Severity.ERROR, Location(path, line), "m")


def everything(code: str) -> bool:
    return True


def test_parse_comment() -> None:
    assert parse_comment("# archcheck: ignore[ASY001, imp002]") == (("ASY001", "IMP002"), "")
    assert parse_comment("#archcheck:ignore") == ((), "")
    assert parse_comment('# archcheck: ignore[REQ002] reason="pinned" until=2027-03-31') == (
        ("REQ002",),
        "2027-03-31",
    )
    assert parse_comment("# noqa") is None
    # run 89a: a list in another bracket or after another mark silenced every code; it names none
    assert parse_comment("# archcheck: ignore(IMP001)") == (("(IMP001)",), "")
    assert parse_comment("# archcheck: ignore:IMP001") == ((":IMP001",), "")
    assert parse_comment("# archcheck: ignore=IMP001, ASY001 until=2030-01-01") == (
        ("=IMP001,",),
        "2030-01-01",
    )
    # run 90a/01: any other mark attached to the word, or text after the list, or codes after a
    # space, silenced every code too; they name none
    assert parse_comment("# archcheck: ignore(ASY002): migrating") == (("(ASY002):",), "")
    assert parse_comment("# archcheck: ignore:ASY002.") == ((":ASY002.",), "")
    assert parse_comment("# archcheck: ignore=[ASY002]") == (("=[ASY002]",), "")
    assert parse_comment("# archcheck: ignore-ASY002 until=2030-01-01") == (("-ASY002",), "2030-01-01")
    assert parse_comment("# archcheck: ignore\uff3bASY002\uff3d") == (("\uff3bASY002\uff3d",), "")
    assert parse_comment("# archcheck: ignore ASY002, IMP001") == (("ignore ASY002, IMP001",), "")
    assert parse_comment("# archcheck: ignore legacy, see ASY")[0] != ()  # a code's prefix: no words
    # run 91a/05, 11: any white space or mark before codes, a code's prefix, a misspelt word
    assert parse_comment("# archcheck: ignore\u00a0ASY002") == (("ignore ASY002",), "")
    assert parse_comment("# archcheck: ignore - ASY002") == (("ignore - ASY002",), "")
    assert parse_comment("# archcheck: ignore , ASY002") == (("ignore , ASY002",), "")
    assert parse_comment("# archcheck: ignore REQ") == (("ignore REQ",), "")
    assert parse_comment("# archcheck: Ignore[ASY001]") == (("Ignore[ASY001]",), "")
    assert parse_comment("# archcheck: ignore_ASY001") == (("ignore_ASY001",), "")
    assert parse_comment("# archcheck: ignore until=2030-01-01") == ((), "2030-01-01")
    assert parse_comment("# archcheck: ignore  # why") == ((), "")
    # run 92a/01: a code in another case, a non-ASCII space or a mark before a list, quotes:
    # each silenced every code; they name none
    for written in (
        "ignore asy001",
        "ignore Asy001",
        "ignore\u00a0[ASY001]",
        "ignore\u3000[ASY001]",
        "ignore\x0c[ASY001]",
        "ignore \u2014 ASY001",
        "ignore 'ASY001'",
        "ignore `ASY001`",
        "ignore / ASY001",
        "ignore >ASY001",
        "ignore #ASY001",
        "ignore = [ASY001]",
        "ignore - [ASY001]",
        "ignore : [ASY001]",
        'ignore "[ASY001]"',
        "ignore rules=[ASY001]",
        "ignore req002",
    ):
        codes, until = parse_comment("# archcheck: " + written)  # type: ignore[misc]
        assert codes and codes != ((),) and until == "", written
    assert parse_comment("# archcheck: ignore legacy startup path until=2030-01-01") == ((), "2030-01-01")


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
    assert [(s.line, s.codes, s.last_line) for s in found] == [(1, ("CFG001",), 3), (5, (), 5)]
    suppressions = {"a.py": found}
    applied = apply(
        [
            violation("CFG001", 2),
            violation("CFG002", 2),
            violation("CFG001", 4),
            violation("ASY001", 5),
            violation("ASY001", 6),
        ],
        suppressions,
        "2026-01-01",
        everything,
    )
    assert [(v.code, v.location.line) for v in applied.kept] == [("CFG002", 2), ("CFG001", 4), ("ASY001", 6)]
    assert applied.unused == []


def test_a_statement_comment_stops_where_the_statement_ends_on_its_last_line() -> None:
    """``1]; asyncio.run(x)``: the statement after the ``;`` is not the commented one, also
    past characters of several bytes (columns count characters)."""
    text = "x = [  # archcheck: ignore[ASY001]\n    'é', run(a)]; run(b)\n"
    tree = ast.parse(text)
    source = ParsedSource("a.py", text, tree)
    found = in_python(text, tree, char_column=source.char_column)
    assert [(s.line, s.last_line, s.end_column) for s in found] == [(1, 2, 16)]
    inside, after = (source.location(call) for call in ast.walk(tree) if isinstance(call, ast.Call))
    kept = apply(
        [
            Violation("ASY001", "x", Severity.ERROR, inside, "m"),
            Violation("ASY001", "x", Severity.ERROR, after, "m"),
        ],
        {"a.py": found},
        "2026-01-01",
        everything,
    ).kept
    assert [(v.location.line, v.location.column) for v in kept] == [(2, 19)]


def test_a_compound_statement_comment_covers_its_own_line_only() -> None:
    text = (
        "match x:  # archcheck: ignore[ASY001]\n"
        "    case 1:\n"
        "        run()\n"
        "try:  # archcheck: ignore\n"
        "    run()\n"
        "finally:\n"
        "    pass\n"
    )
    assert [(s.line, s.last_line) for s in in_python(text, ast.parse(text))] == [(1, 1), (4, 4)]


def test_comments_of_a_file_only_libcst_parses_come_from_its_tree() -> None:
    """Newer f-string syntax (PEP 701) that this Python's tokenizer misreads: a real comment
    after it counts, and ``#`` inside a nested string is no comment."""
    import libcst

    from archcheck.facts.source import ParsedSource

    text = (
        'import other  # archcheck: ignore[IMP001]\nQUOTE = f"{"\'\'\'"}"\ns = f"{"#"}# archcheck: ignore"\n'
    )
    found = in_python(text, None, ParsedSource("x.py", text, None, libcst.parse_module(text)).cst_positions())
    assert [(s.line, s.codes) for s in found] == [(1, ("IMP001",))]


def test_a_file_only_libcst_parses_spreads_a_comment_over_its_statement() -> None:
    """Run 75: such a file's suppressions were single-line, so 3.11 and 3.12.1 (which sends
    the valid ``f"{x:{y=}}"`` to LibCST) disagreed on one file."""
    import libcst

    from archcheck.facts.source import ParsedSource

    text = 'modules = [  # archcheck: ignore[IMP001]\n    __import__("é"), 1]; import other\nf"{"a"}"\n'
    found = in_python(text, None, ParsedSource("x.py", text, None, libcst.parse_module(text)).cst_positions())
    assert [(s.line, s.last_line, s.end_column) for s in found] == [(1, 2, 23)]  # characters


def test_unused_expired_and_unjudged() -> None:
    suppressions = {
        "r.txt": in_lines(
            [
                (1, "fastapi==1  # archcheck: ignore[REQ] until=2026-01-31"),
                (2, "x==1  # archcheck: ignore[REQ002]"),
                (3, "y==1  # archcheck: ignore[IMP001]"),
            ]
        )
    }
    before = apply(
        [violation("REQ002", 1, "r.txt")], suppressions, "2026-01-31", lambda code: code.startswith("REQ")
    )
    assert before.kept == []
    assert [s.line for _, s in before.unused] == [2]  # line 3 names a code this run does not check
    after = apply(
        [violation("REQ002", 1, "r.txt")], suppressions, "2026-02-01", lambda code: code.startswith("REQ")
    )
    assert [v.message for v in after.kept] == ["m (suppression expired on 2026-01-31)"]


def test_suppression_covers_prefixes() -> None:
    assert covers({"REQ"}, "REQ002") and covers({"Q1", "IMP001"}, "IMP001")
    assert not covers({"REQ"}, "IMP001") and not covers({"ALL"}, "IMP001")
    assert covers(set(), "IMP001")


def test_a_marker_inside_a_value_is_no_comment() -> None:
    """pip reads a comment only at a "#" after white space (a URL fragment is none), and
    python-dotenv never inside a value, quoted or not."""
    from archcheck.facts.dotenv import parse_env
    from archcheck.facts.requirements_txt import parse_requirements

    requirements = parse_requirements(
        "r.txt", b"a @ https://h/a.whl#archcheck:ignore[REQ002]\nb==1  # archcheck: ignore[REQ002]\n"
    )
    assert [s.line for s in requirements.suppressions] == [2]
    env = (
        b'A="postgresql://u:p@db/x # archcheck: ignore[CFG002]"\n'
        b"B=postgresql://u:p@db/x#archcheck: ignore[CFG002]\n"
        b"C=postgresql://u:p@db/x  # archcheck: ignore[CFG002]\n"
        b'D="a\\\\b # archcheck: ignore[CFG002]"\n'
        b"# archcheck: ignore[CFG002]\n"
    )
    assert [s.line for s in parse_env(".env", env)[2]] == [3, 5]
