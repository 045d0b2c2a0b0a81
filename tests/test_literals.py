"""The one-pass search for rare texts must say a text is held wherever ``in`` would."""

from __future__ import annotations

import random

from archcheck.facts import literals
from archcheck.facts.config_values import _COLONS
from archcheck.facts.source import ParsedSource, _needle, _word


def test_the_set_finds_what_in_finds() -> None:
    rng = random.Random(11)
    pieces = [*literals.RARE, "0", ":", "/", ".", "1", "é", "\udcff", "\u2028", "x", " ", "\n", "IMPORT"]
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(3_000)]
    texts.append("".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(500_000)) + "localhost")
    for text in texts:
        assert literals.rare_texts_in([text]) == {r for r in literals.RARE if r in text}, repr(text)


def test_texts_of_two_spellings_are_both_searched() -> None:
    assert literals.rare_texts_in(["getenv", "x := 1"]) == {"getenv", ":="}


def test_a_declared_pattern_matches_only_where_a_text_it_needs_is() -> None:
    rng = random.Random(5)
    alphabet = "0:1/f.x[] "
    for _ in range(20_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        needs = literals.needed(_COLONS)
        assert needs is not None
        if _COLONS.search(text):
            assert any(n in text for n in needs), repr(text)


def test_needles_and_words_declare_the_rare_texts_they_are() -> None:
    assert literals.needed(_needle("LOCALHOST")) == ("localhost",)
    assert literals.needed(_word("environ")) == ("environ",)
    assert literals.needed(_needle("import")) is None  # (most files with code hold it: no use)


def test_a_file_without_a_rare_text_has_no_line_holding_it() -> None:
    source = ParsedSource("a.py", "import os\nx = os.ENVIRON['A']\n", None)
    assert source.marked_where(("localhost",), ("environ",)).lines == [1]
    assert not source.may_hold("localhost", "getenv") and source.may_hold("environ")
