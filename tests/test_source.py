from __future__ import annotations

import io
import sys
import warnings
from pathlib import Path
from typing import Any, List

import pytest

from archcheck.facts.cst_fallback import parse_newer
from archcheck.facts.imports import gather_imports
from archcheck.facts.source import ParsedSource, parse
from archcheck.model import ParseProblem


def problem(data: bytes) -> ParseProblem:
    result = parse("x.py", data, rejected=parse_newer)
    assert isinstance(result, ParseProblem), result
    return result


@pytest.mark.parametrize(
    ("data", "line", "column", "reason"),
    [
        (b"x = 1\ny = '\x00'\n", 2, 6, "NUL byte"),
        (b"x = 1\nname = 'caf\xe9'\n", 2, 12, "cannot decode as utf-8"),
        # columns count characters, as in every other finding: '\xc3\xa9' is one
        ("x = '\xe9\xe9\xe9' ".encode() + b"\xff\n", 1, 11, "cannot decode as utf-8"),
        ("x = '\xe9\xe9\xe9'".encode() + b"\x00\n", 1, 10, "NUL byte"),
        (b"\xef\xbb\xbfx = 1\x00\n", 1, 6, "NUL byte"),
        (b"# -*- coding: klingon -*-\n", 1, 1, "unknown encoding: klingon"),
        (
            b"\xef\xbb\xbf# -*- coding: latin-1 -*-\nx = 1\n",
            1,
            1,
            "byte-order mark before a coding declaration",
        ),
        (b"#!/usr/bin/env python\n# coding: nope\nx = 1\n", 2, 1, "unknown encoding: nope"),
        (b"def f(:\n    pass\n", 1, 7, "syntax error"),
        (b"x = 1\nprint 'a'\n", 2, 1, "syntax error"),
        (b"x = (" * 300 + b"\n", 1, 1, ""),
        ("import os\n".encode("utf-16"), 1, 1, "encoded as UTF-16 with a byte-order mark"),
        ("import os\nx = 1\n".encode("utf-16-le"), 1, 1, "UTF-16 (little-endian, no byte-order mark)"),
        # a lone CR ends a line for Python: positions count it
        (b"x = 1\r\ry = '\xff'\r", 3, 6, "cannot decode as utf-8"),
        (b"#!/usr/bin/env python\r# coding: nope\rx = 1\r", 2, 1, "unknown encoding: nope"),
    ],
)
def test_bad_input_is_a_positioned_problem(data: bytes, line: int, column: int, reason: str) -> None:
    found = problem(data)
    assert reason in found.reason
    if reason:  # deep nesting: position is whatever the parser reports
        assert (found.location.line, found.location.column) == (line, column)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xef\xbb\xbfimport os\n",
        b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n",
        b"# -*- coding: latin-1 -*-\rname = 'caf\xe9'\r",  # the cookie's line ends at a lone CR
        b"#!/usr/bin/env python\r\n# coding: latin-1\r\nname = 'caf\xe9'\r\n",
        b'label = f"{", ".join(["a"])}"\n',  # 3.12 f-string, on any Python
        b"type Alias = int\n",
    ],
)
def test_valid_input_parses(data: bytes) -> None:
    assert isinstance(parse("x.py", data, rejected=parse_newer), ParsedSource)


def test_newer_syntax_falls_back_to_libcst_and_still_yields_imports() -> None:
    source = parse(
        "x.py",
        b'import a.b as c\nfrom ..pkg import (x,\n  y)\nlabel = f"{", ".join(z)}"\n',
        rejected=parse_newer,
    )
    assert isinstance(source, ParsedSource)
    facts = gather_imports(source)
    assert [(f.module, f.level, f.names, f.location.line) for f in facts] == [
        ("a.b", 0, (), 1),
        ("pkg", 2, ("x", "y"), 2),
    ]


def test_ast_and_libcst_gatherers_agree() -> None:
    code = (
        "import os, a.b\n"
        "from . import x\n"
        "def f():\n"
        "    try:\n"
        "        from .m import (q as r)\n"
        "    except ImportError:\n"
        "        import importlib\n"
        "        importlib.import_module('svc.mod')\n"
        "    __import__('other')\n"
        "    importlib.import_module('.rel', __package__)\n"
        "    café = 1; from z import *\n"
        "    load('..up', 'pkg.sub'); load(name='by.keyword'); load('.x', package='pkg')\n"
        "    load('...too.far', 'pkg.sub'); importlib.import_module('.y', 'pkg')\n"
        "    __import__('.z', 'pkg'); other.load('not.this'); load(f'{x}')\n"
        "    load('joined' '.name'); load(*names, 'not.first'); load(**options)\n"
        "from importlib import import_module as load\n"
    )
    via_ast = parse("x.py", code.encode())
    assert isinstance(via_ast, ParsedSource) and via_ast.ast_tree is not None
    via_cst = ParsedSource("x.py", code, None)
    via_cst.cst_module()
    assert gather_imports(via_ast) == gather_imports(via_cst)
    modules = [f.module for f in gather_imports(via_ast)]
    assert modules == [
        *("os", "a.b", "", "m", "importlib", "svc.mod", "other", "z"),
        *("pkg.up", "by.keyword", "pkg.x", "pkg.y", "joined.name", "importlib"),
    ]
    star = gather_imports(via_ast)[7]
    assert star.location.column == 15  # characters, not UTF-8 bytes


def _definitions_both_ways(code: str) -> tuple:
    """The source read by ``ast`` and what its definitions gatherer finds, asserted the same as
    what the LibCST gatherer finds."""
    from archcheck.facts.definitions import gather_definitions

    via_ast = parse("x.py", code.encode())
    assert isinstance(via_ast, ParsedSource) and via_ast.ast_tree is not None
    via_cst = ParsedSource("x.py", code, None)
    via_cst.cst_module()
    found = gather_definitions(via_ast)
    assert found == gather_definitions(via_cst)
    return via_ast, found


def test_ast_and_libcst_definition_gatherers_agree() -> None:
    from archcheck.facts.definitions import references

    code = (
        "import json\n"
        "class Encoder(json.JSONEncoder):\n"
        "    '''Encodes.'''\n"
        "    indent: int = 2\n"
        "    a, b = 1, 2\n"
        "    _private = 3\n"
        "    def default(self, o):\n"
        "        return DatabaseManager(o)\n"
        "    @field_validator('indent')\n"
        "    def check_indent(cls, v):\n"
        "        return v\n"
        "@router.get('/x')\n"
        "@lru_cache()\n"
        "async def handler(self, a, /, b, *args, c=1, **kw):\n"
        "    '''Doc\n"
        "    string.'''\n"
        "    # a comment\n"
        "    return a  # same\n"
        "try:\n"
        "    from fast import Parser\n"
        "except ImportError:\n"
        "    def Parser(): pass\n"
        "if X:\n"
        "    class Setting(Base[int]): x = 1\n"
    )
    via_ast, (classes, functions) = _definitions_both_ways(code)
    assert classes[0].body == (3, 11)  # the body's lines: what it names is read there on demand
    assert references(via_ast.lines, *classes[0].body, "Encoder") == ("DatabaseManager", "Encodes")
    assert classes[0].fields == ("a", "b", "indent") and classes[0].methods == ("default",)
    handler = functions[0]
    assert handler.decorators == ("router.get", "lru_cache")
    assert handler.params == ("a", "b", "*args", "c", "**kw")
    assert len(handler.body) == 1  # `return a`: no docstring, no comment


_EVERY_KIND = (
    "def f(a, *, b, c=1, **k):\n    global g\n    x = {**k, 'a': a}\n    return -a + b if not c else [i async for i in k]\n"
    "match f:\n    case None | True:\n        pass\n    case {'a': 1, **rest}:\n        pass\n"
    "    case P(x=1, y=[*_]) as p:\n        pass\n"
    "t = f'{x!r:>{w}}' ; del t[0]; y = lambda: (yield)\n"
)


def test_child_nodes_are_the_ast_children_less_the_shared_singletons() -> None:
    """``child_nodes`` leaves out only ``Load``, ``Add``, ``Eq``… (one object shared by every node
    that uses it), never a node a gatherer could look for."""
    import ast

    from archcheck.facts.names import child_nodes
    from tests.helpers import FIXTURES

    singletons = (ast.expr_context, ast.operator, ast.cmpop, ast.boolop, ast.unaryop)
    texts = [_EVERY_KIND] + [p.read_bytes() for p in sorted(FIXTURES.rglob("*.py"))]
    checked = 0
    for text in texts:
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            expected = [c for c in ast.iter_child_nodes(node) if not isinstance(c, singletons)]
            assert child_nodes(node) == expected, ast.dump(node)
            checked += 1
    assert checked > 1000


def test_a_deep_expression_parses_at_any_depth_of_the_caller() -> None:
    """Before 3.12 ``ast`` allowed three levels of nesting for each frame of recursion limit
    left: 2,900 subscripts parsed in a pool worker and were ARC001 "RecursionError" in the main
    process (with ``--jobs 1``), deeper in its stack."""
    chain = b"x = a" + b"[0]" * 2_900 + b"\n"

    def nested(depth: int) -> object:
        return nested(depth - 1) if depth else parse("x.py", chain)

    assert all(isinstance(nested(depth), ParsedSource) for depth in (0, 300, 700))


def test_the_cst_child_gets_cpu_time_by_every_word(monkeypatch: pytest.MonkeyPatch) -> None:
    """A PEP 701 quote in a placeholder reads as a string to the end of the file, so the
    string-aware count is 8 for 90,000 tokens: the LibCST child's CPU time and its share are
    taken from every word, which no quote can change (1 s of it made a valid file ARC003)."""
    from archcheck.facts import cst_fallback

    asked: List[float] = []

    def isolated(function: Any, argument: Any, timeout: float = 0.0, memory: int = 0) -> Any:
        asked.append(timeout)
        return function(argument)

    monkeypatch.setattr(cst_fallback, "run_isolated", isolated)
    body = "".join(f"def f{i}(a, b):\n    return a + b\n\n" for i in range(2_000))
    text = 'y = f"{"\'\'\'"}"\n' + body
    parsed = cst_fallback.parse_newer("x.py", text, 5 << 20, SyntaxError("invalid syntax"))
    assert isinstance(parsed, ParsedSource) and parsed.cst_facts is not None
    assert len(parsed.cst_facts.functions) == 2_000 and asked == [4.0]  # 40,000 words, not 8


def test_only_a_file_with_an_f_string_is_tokenized_for_the_token_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Where strings hold the words, the string-aware count is exact unless a quote can have
    fooled it, which only a placeholder of an f-string (or t-string) can (PEP 701): 3.11's
    tokenizer took 5 s and 1.7 GB for one bytes literal of 2.45 million escapes."""
    from archcheck.facts import source

    tokenized: List[int] = []
    monkeypatch.setattr(source, "_tokenized_over", lambda text, budget, words, most: tokenized.append(budget))
    escapes = "x = b'" + "\\n" * 100_000 + "'\n"
    assert source._tokens_over(escapes, 10_000) is None and tokenized == []
    assert source._tokens_over('y = f"{x}"\n' + escapes, 10_000) is None and tokenized == [10_000]
    assert source._tokens_over('y = t"{x}"\n' + escapes, 10_000) is None and tokenized == [10_000, 10_000]


def test_a_file_the_tokenizer_cannot_count_is_not_said_to_be_over_by_its_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From 3.12 the words do not decide: a file whose tokenizer crashes (its time or memory)
    with its words under the budget is skipped as not counted, not as "N tokens, over" a
    budget above N."""
    from archcheck.facts import files, source
    from archcheck.isolate import Crashed

    def crashed(*args: Any, **kwargs: Any) -> Any:
        raise Crashed("killed")

    monkeypatch.setattr(source, "QUOTES_REUSED", True)
    monkeypatch.setattr(source, "run_isolated", crashed)
    text = 'y = f"{x}"\n' + "x = 1 + 2 + 3\n" * 200
    count = source.count_tokens(text)
    assert source.count_words(text) <= count + 100
    assert source._tokens_over(text, count + 100) == (None, False)
    assert source._tokens_over(text, count - 1) == (count, True)
    reason = files.too_many_tokens(None, False, 5 << 20)
    assert reason.startswith("skipped: Python's tokenizer could not count") and "748,982" in reason


def test_a_count_a_reused_quote_may_have_made_larger_is_asked_of_the_tokenizer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From 3.12 a quote inside a placeholder can make the string-aware count larger, too
    (nested ``f"{f"{…}"}"`` counted 1.23 million against 134,000 tokens read, and a valid
    file was skipped): a file over the budget with an f-string is then counted by this
    Python's tokenizer, as one under it is; before 3.12 (no such quote parses) the count stands."""
    from archcheck.facts import source

    asked: List[Any] = []

    def tokenized(function: Any, job: Any, **limits: Any) -> int:
        asked.append(job[1])
        return 10

    monkeypatch.setattr(source, "run_isolated", tokenized)
    text = 'y = f"{x}"\n' + "x = [1, 2, 3, 4]\n" * 400
    budget = source.count_tokens(text) - 1
    monkeypatch.setattr(source, "QUOTES_REUSED", False)
    assert source._tokens_over(text, budget) == (budget + 1, True) and asked == []
    monkeypatch.setattr(source, "QUOTES_REUSED", True)
    assert source._tokens_over(text, budget) is None and asked == [budget]
    plain = text.replace('f"{x}"', '"x"')  # no f-string: no quote can have fooled the count
    over = source.count_tokens(plain)
    assert source._tokens_over(plain, over - 1) == (over, True) and asked == [budget]


def test_only_a_real_f_string_sends_a_file_to_the_tokenizer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The letter that ends a string (``{"t": 0}``) starts no f-string: a data file of such
    keys was tokenized on 3.12, at the CPU limit, and was checked in one run and skipped in
    the next (run 58)."""
    from archcheck.facts import source

    assert not source._holds_template('DATA = [{"t": 0, "f": 1}, "ft", \'rb\']  # f"x"\n')
    for text in ('x = f"{y}"\n', 'x = "a" t"{y}"\n', "x = rf'{y}'\n", 'x = 1 if"b" else f"{c}"\n'):
        assert source._holds_template(text), text
    asked: List[Any] = []
    monkeypatch.setattr(source, "run_isolated", lambda *args, **kwargs: asked.append(args))
    monkeypatch.setattr(source, "QUOTES_REUSED", True)
    data = "DATA = [" + ", ".join(f'{{"t": {i}, "v": [1, 2, 3]}}' for i in range(7_000)) + "]\n"
    assert source._tokens_over(data, source.count_tokens(data)) is None and asked == []


def test_a_tokenizer_that_copies_each_token_s_line_is_not_run_past_its_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """3.12.0 to 3.12.3 copy a token's line for each token (quadratic in a long line): a file
    whose tokens times its longest line would take over ``TOKENIZE_MOST_CPU`` is not counted,
    the same in every run, instead of tokenized up to a limit that noise decides."""
    from archcheck.facts import source

    def isolated(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("not to be run")

    monkeypatch.setattr(source, "run_isolated", isolated)
    monkeypatch.setattr(source, "QUOTES_REUSED", True)
    monkeypatch.setattr(source, "LINE_PER_TOKEN", True)
    line = "DATA = [" + ", ".join(f'{{f"t{i}": [1, 2, 3]}}' for i in range(12_000)) + "]\n"
    assert source._tokens_over(line, source.count_tokens(line)) == (None, False)


@pytest.mark.skipif(sys.version_info < (3, 12), reason="quotes reused in placeholders: PEP 701")
def test_nested_f_strings_are_not_skipped_by_a_misread_count() -> None:
    from archcheck.facts import source

    nested = 'f"{' * 30 + "x" + '}"' * 30
    text = "".join(f"y{i} = {nested}\n" for i in range(40))
    budget = source.count_tokens(text) - 1
    assert source._tokens_over(text, budget) is None


def test_the_tokenizer_weighs_nesting_as_the_string_aware_count_does() -> None:
    """Both weigh a token in brackets by its depth (brackets in strings are no nesting)."""
    from archcheck.facts import source

    star = ("x = " + "[*" * 150 + "a" + "]" * 150 + "\n") * 10
    strings = "x = '((((((' + ')))'\n" * 100
    for text, nesting in ((star, 10 * 33_825), (strings, 0)):
        assert source._nesting(source._code(text)) == nesting
        tokenized = source._tokenize_count((text, 10**9))
        newlines = text.count("\n") + 1  # tokens to it, not to the count (a statement's weight is)
        assert tokenized is not None and tokenized - source.count_tokens(text) == newlines


def test_the_quick_word_count_is_never_under_the_exact_one() -> None:
    """``_most_words`` screens every file before any regex counts: it must never say fewer."""
    import random
    from pathlib import Path

    from archcheck.facts import source

    alphabet = "ab1_ .\n\t()[]{}é→\u00a0\u2028'\"\\#;0xe+-\udcffjif"
    rng = random.Random(7)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(5_000)]
    texts += [path.read_text() for path in Path(source.__file__).parent.glob("*.py")]
    for text in texts:
        assert source._most_words(text) + source._heavy(text) >= source.count_words(text), repr(text)


def test_the_screens_are_never_under_the_weighed_count() -> None:
    """Each screen of ``_tokens_over`` is an upper bound of ``count_tokens``: a token weighs
    at most ``_MOST_WEIGHT`` and a line its statement's weight more. An f-string kept with a
    word after it counted one token more than the text holds: 20,000 empty f-strings 199
    brackets deep weighed 878,000 tokens, over the default bound, and passed the screens."""
    import random
    from pathlib import Path

    from archcheck.facts import source

    alphabet = "ab1_ .\n\t()[]{}é'\"\\#;0x+fFrbt:lambda"
    rng = random.Random(3)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(5_000)]
    texts += ["(" * 199 + 'f""' * n + ")" * 199 for n in (1, 50, 2_000)]
    texts += [path.read_text() for path in Path(source.__file__).parent.glob("*.py")]
    weight = source._MOST_WEIGHT
    for text in texts:
        count, statements = source.count_tokens(text), source._heavy(text)
        assert count <= source._most_words(text) * weight + statements, repr(text)
        assert count <= len(text) * weight + statements <= len(text) * (weight + 3), repr(text)
        if text.isascii():  # the blanks dropped: still at least the starts ``_most_words`` counts
            assert source._most_words(text) <= len(text) - text.count(" ") - text.count("\n"), repr(text)
        for budget in (count - 1, count, count + 1, 2 * count):
            assert (source.count_tokens(text, budget) > budget) == (count > budget), repr(text)
    deep = "x = " + "(" * 199 + 'f""' * 20_000 + ")" * 199 + "\n"
    count = source.count_tokens(deep)
    # (from 3.12 the tokenizer reads an empty f-string as two tokens, not three: under it)
    assert source._tokens_over(deep, count - 1) == (None if source.QUOTES_REUSED else (count, True))


def test_the_count_never_reads_fewer_tokens_than_python(monkeypatch: pytest.MonkeyPatch) -> None:
    """A number written against a keyword or an attribute (``1.if``, ``1or``, ``0x1.a``,
    ``1..a``) is two tokens or more to Python: read as one, a file under the bound parsed in
    1.1 GB. Over random lines of numbers, names and dots that Python parses, the count is never
    under Python's (in a line it cannot parse, the parse stops where the count may fall short:
    ``1j0`` is two numbers)."""
    import ast
    import random
    import tokenize

    from archcheck.facts import source

    pieces = ["1", "0", "7_0", "1.", ".5", "1e5", "1j", "0x1f", "0o7", "e", "j", "x", "_", "a", "if"]
    pieces += ["else", "or", "in", ".", " ", "+", "_1", "e-3", "1_"]
    rng = random.Random(11)
    compared = 0
    for _ in range(20_000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ast.parse(line)
        except SyntaxError:
            continue
        tokens = list(tokenize.generate_tokens(io.StringIO(line + "\n").readline))
        python = sum(t.type in (tokenize.NAME, tokenize.NUMBER, tokenize.OP) for t in tokens)
        assert source.count_tokens(line) - source._heavy(source._code(line)) >= python, line
        compared += 1
    assert compared > 1_000


def test_a_continued_line_joins_no_words_in_the_count() -> None:
    """A backslash and a newline outside a string split words as Python reads them
    (``a\\<newline>or`` is two tokens: made ``__``, 4.9 MB of them counted 8), and one at the
    end of a comment is the comment's text (every line after it was read as comment)."""
    import tokenize

    from archcheck.facts import source

    for line in (
        "x=[a\\\nfor\\\na\\\nin\\\na]\n",
        "y = a\\\nor\\\nb\\\nor\\\nc\n",
        's = "a\\\nb" \\\nif x else 1\n',
        # a comment ending in a backslash ends at its newline (read as one comment to the end)
        "x = 1  # \\\na+b+c+d+e+f+g  #\\\nh+i\n",
        "x = '\\\\'  # \\\\\na+b\n",
        "s = 'a\\\\\\\nb'  #\\\nc+d\n",
    ):
        python = sum(
            t.type in (tokenize.NAME, tokenize.NUMBER, tokenize.OP, tokenize.STRING)
            for t in tokenize.generate_tokens(io.StringIO(line).readline)
        )
        assert source.count_tokens(line) - source._heavy(source._code(line)) >= python, line


def test_a_quote_can_hide_nesting_only_where_this_python_reuses_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the budget in every word, a file holds its tokens; only its nesting, which a
    misread quote could hide from the string-aware count, is left to this Python's tokenizer,
    and only from 3.12 (PEP 701): before, the parser stops at such a quote."""
    from archcheck.facts import source

    tokenized: List[int] = []
    monkeypatch.setattr(source, "_tokenized_over", lambda text, budget, words, most: tokenized.append(budget))
    text = 'y = f"{x}"\n' + "x = [a, b]\n" * 2_000  # 22,000 words: under 100,000, over a tenth
    monkeypatch.setattr(source, "QUOTES_REUSED", False)
    assert source._tokens_over(text, 100_000) is None and tokenized == []
    monkeypatch.setattr(source, "QUOTES_REUSED", True)
    assert source._tokens_over(text, 100_000) is None and tokenized == [100_000]
    assert source._tokens_over(text, 300_000) is None and tokenized == [100_000]  # 11 times the words fit


def test_columns_of_a_line_beyond_ascii_are_looked_up_not_encoded_per_node(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each column of a line holding an ``é`` was found by encoding the whole line again: one
    line of 40,000 imports beside an ``é`` took 44 s (its ASCII twin 1.6 s). The line's wide
    characters are now read once, and every column agrees with the encoding."""
    from archcheck.facts import source

    read: List[int] = []
    wide = source._wide_characters
    monkeypatch.setattr(source, "_wide_characters", lambda text: read.append(len(text)) or wide(text))
    line = 'x = "é€😀"; ' + "; ".join(f"import m{i}" for i in range(2_000)) + "\n"
    parsed = parse("x.py", line.encode())
    assert isinstance(parsed, ParsedSource)
    imports = gather_imports(parsed)
    assert len(imports) == 2_000 and len(read) == 1
    encoded = line.encode()
    for fact, node in zip(imports, parsed.ast_tree.body[1:]):  # type: ignore[union-attr]
        assert fact.location.column - 1 == len(encoded[: node.col_offset].decode())


def test_split_patterns_find_the_matches_of_their_alternation() -> None:
    """``first_matches`` searches each pattern apart but takes the matches one pattern that is
    their alternation would, in random texts of quotes, comments and blanks."""
    import random
    import re

    from archcheck.facts.config_values import _JOINED
    from archcheck.facts.source import first_matches

    alternation = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in _JOINED))
    rng = random.Random(7)
    parts = ['"', "'", '"""', "'''", " ", "\n", "#", "a", ":", "/", "r", "\\", "\\\n", "# x\n"]
    for _ in range(3_000):
        text = "".join(rng.choice(parts) for _ in range(rng.randrange(1, 40)))
        assert list(first_matches(_JOINED, text)) == [m.start() for m in alternation.finditer(text)], text


def test_a_word_is_marked_only_where_it_is_a_whole_identifier() -> None:
    source = parse(
        "m.py", "import os\nreimport = 1\nimport_x = 2\nx = 1; import sys\nimportée = 3\n".encode()
    )
    assert isinstance(source, ParsedSource)
    assert source.marked_where((), ("import",)).lines == [0, 3]
    assert source.marked_where(("import",)).lines == [0, 1, 2, 3, 4]


def test_a_compiler_fault_on_valid_code_falls_back_to_libcst(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run 70: CPython 3.12.1's ``ast.parse`` raises ValueError ("field 'value' is required for
    Constant") for the valid ``f"{x:{y=}}"``; the file was ARC001 "cannot parse: ValueError" and
    went unchecked. It is read as a file this Python rejects: by LibCST, as newer grammar is."""
    from archcheck.facts import source

    data = b"import os\nwidth = 10\nlabel = f\"{'x':{width=}}\"\nsize = 1\nname = 2\n"

    parse_as_ever = source.quiet_parse

    def faulty(text: str, path: str) -> Any:
        if "width=" in text:
            raise ValueError("field 'value' is required for Constant")
        return parse_as_ever(text, path)

    monkeypatch.setattr(source, "quiet_parse", faulty)
    parsed = parse("x.py", data, rejected=parse_newer)
    assert isinstance(parsed, ParsedSource) and parsed.cst_facts is not None
    assert [f.module for f in gather_imports(parsed)] == ["os"]
    assert parsed.skipped is not None and parsed.skipped.beyond_limits  # (ARC003: run 71)
    assert "its parser failed: field 'value' is required for Constant, line 3" in parsed.skipped.reason
    assert parsed.skipped.location.line == 3  # (where a suppression comment goes: run 72)
    monkeypatch.setattr(source, "FAULT_SEARCH_CHARACTERS", 20)  # a search would read more: line 1
    assert source._failing_line(data.decode(), "x.py") == 1
    broken = parse("x.py", b"x = (\n", rejected=parse_newer)  # (a syntax error stays one)
    assert isinstance(broken, ParseProblem)


def test_the_line_of_a_parser_fault_is_found_in_few_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run 79: the fault at the end of 480 KB took 17 parses of most of the file (14 s on
    3.12.1); the lines of the fault's shape are searched first, and every search within a
    budget of characters parsed."""
    from archcheck.facts import source

    text = "x = 1\n" * 80_000 + "label = f\"{'x':{width=}}\"\n" + "y = 2\n" * 10
    read = []

    def faulty(prefix: str, path: str) -> Any:
        read.append(len(prefix))
        if "width=" in prefix:
            raise ValueError("field 'value' is required for Constant")
        return None

    monkeypatch.setattr(source, "quiet_parse", faulty)
    assert source._failing_line(text, "x.py") == 80_001
    assert sum(read) <= len(text)  # one parse, of the lines up to the only line of that shape
    read.clear()  # a fault of another shape: all lines, halved, within the budget
    text = "x = 1\n" * 80_000 + "width=1\n"
    assert source._failing_line(text, "x.py") == 1 and sum(read) <= source.FAULT_SEARCH_CHARACTERS


@pytest.mark.skipif(sys.version_info[:3] != (3, 12, 1), reason="CPython 3.12.1's fault")
def test_the_faulty_f_string_is_read_on_3_12_1() -> None:
    text = "width = 10\nlabel = (\n    f\"{'x':{width=}}\"\n)\nsize = 1\n"
    parsed = parse("x.py", text.encode(), rejected=parse_newer)
    assert isinstance(parsed, ParsedSource) and parsed.skipped is not None  # said: ARC003
    assert parsed.skipped.location.line == 3


def test_a_definition_a_block_makes_twice_counts_as_unconditional_in_both_gatherers() -> None:
    """Run 84a: two ``class Dup`` in one ``if True:`` block (the second replaces the first)
    were conditional, so SSOT001 missed them; an ``if``/``else`` pair, a ``match``'s cases and
    a fallback stay what they were."""
    code = (
        "if True:\n    class Dup: x = 1\n    class Dup: x = 2\n"
        "try:\n    def f(): pass\n    def f(): pass\nexcept ValueError:\n    pass\n"
        "if X:\n    class Alt: pass\nelse:\n    class Alt: pass\n"
        "match m:\n    case 1:\n        class Case: pass\n    case _:\n        class Case: pass\n"
    )
    _, (classes, functions) = _definitions_both_ways(code)
    assert [(c.name, c.conditional) for c in classes] == [
        ("Dup", False),
        ("Dup", False),
        ("Alt", True),
        ("Alt", True),
        ("Case", True),
        ("Case", True),
    ]
    assert [(f.name, f.conditional) for f in functions] == [("f", False), ("f", False)]


def test_a_with_or_a_try_body_shares_the_block_s_definitions_in_both_gatherers() -> None:
    """Run 87a: a ``with`` or ``try`` body inside an ``if True:`` kept its definitions apart, so
    a redefinition after it was no duplicate; a handler is another way through and stays so."""
    code = (
        "if True:\n    with lock:\n        class Q: pass\n    class Q: x = 1\n"
        "if True:\n    try:\n        def f(): pass\n    finally:\n        pass\n    def f(): pass\n"
        "if True:\n    try:\n        class H: pass\n    except ImportError:\n        class H: pass\n"
    )
    _, (classes, functions) = _definitions_both_ways(code)
    assert [(c.name, c.conditional) for c in classes] == [
        ("Q", False),
        ("Q", False),
        ("H", True),
        ("H", True),
    ]
    assert [(f.name, f.conditional) for f in functions] == [("f", False), ("f", False)]


def test_a_deep_expression_gets_one_verdict_in_any_process(tmp_path: Path) -> None:
    """Run 116c/03: counted from the caller's Python frames, the parse's limit differed by a few
    frames between the main process and a pool worker: 1,496 `.format` calls parsed with
    `--jobs 1` and were ARC001 with `--jobs 2` (a pool from 64 files)."""
    from archcheck.rule_api.examples import Example
    from tests.helpers import cli, write_example

    files = {f"svc/app/f{i}.py": f"def g{i}():\n    return {i}\n" for i in range(80)}
    files.update(
        {f"svc/app/deep{n}.py": "x = 'http://{}'" + ".format('a')" * n + "\n" for n in range(1_476, 1_512, 4)}
    )
    write_example(tmp_path, Example({"svc/requirements.txt": "httpx\n", **files}, 'services = ["svc"]\n'))
    one, two = (
        cli(tmp_path, "check", "--no-cache", "-j", jobs, "--select", "ARC").stdout for jobs in ("1", "2")
    )
    assert one == two and "RecursionError" in one and "deep1476" not in one


def test_a_syntax_error_after_newer_grammar_is_where_the_newest_grammar_fails() -> None:
    """Run 117c/02: after a `type` statement (where 3.11 stops), a syntax error on a later
    line was reported at the valid `type` statement, not where the CST parser failed."""
    if sys.version_info >= (3, 12):
        pytest.skip("this Python reads the type statement itself")
    broken = parse(
        "x.py", b"type UserId = int\n\n\ndef handler(request:\n    return request\n", rejected=parse_newer
    )
    assert isinstance(broken, ParseProblem)
    assert (broken.location.line, broken.location.column) == (5, 1)
    assert broken.reason.startswith("syntax error: invalid syntax") and not broken.beyond_limits
    # (where this Python stopped at no newer grammar, its own error stands: it says more)
    data = b'import graphene\nclass Query(graphene.ObjectType):\nhello = 1\ndef f(x):\n    return f"{x}"\n'
    broken = parse("schema.py", data, rejected=parse_newer)
    assert isinstance(broken, ParseProblem) and (broken.location.line, broken.location.column) == (3, 1)
    assert broken.reason == "syntax error: expected an indented block after class definition on line 2"


def test_the_cst_parser_s_child_is_stopped_at_its_memory_limit(tmp_path: Path) -> None:
    """Run 119c/04: a 36 KB file of deep nesting (`2**` 12,000 times after a `type`
    statement) took the CST parser's child to 2.1 GB; it may take 1 GB beyond what it maps."""
    if sys.version_info >= (3, 12):
        pytest.skip("this Python reads the type statement itself")
    import subprocess

    (tmp_path / "power.py").write_text("type T = int\nx = " + "2**" * 12_000 + "2\n")
    script = (
        "import resource, sys\n"
        "from archcheck.facts.cst_fallback import parse_newer\n"
        "from archcheck.facts.source import parse\n"
        "found = parse('power.py', open(sys.argv[1], 'rb').read(), rejected=parse_newer)\n"
        "print(type(found).__name__, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "power.py")], capture_output=True, text=True, check=True
    )
    kind, peak_kb = result.stdout.split()
    assert kind == "ParseProblem" and int(peak_kb) < 1_400_000, result.stdout  # (2.1 GB before)
