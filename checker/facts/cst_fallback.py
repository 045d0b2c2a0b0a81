"""The facts of a file only LibCST can parse (newer syntax than this Python's), gathered in a
child process.

LibCST's native parser can crash on pathological input, and its tree and positions take
time and memory out of proportion to the file (400 KB of one-name lines: 57 s and 1.6 GB),
so the parse and every walk over the tree run under the child's CPU-time and memory limits
(``isolate.run_isolated``), and only the facts come back.
"""

from __future__ import annotations

from typing import Tuple

from archcheck.facts.definitions import gather_definitions
from archcheck.facts.imports import gather_imports
from archcheck.facts.source import ParsedSource, deep_recursion
from archcheck.facts.suppressions import in_python
from archcheck.model import CstFacts


def gather_cst_facts(job: Tuple[str, str]) -> CstFacts:
    """Parse ``(text, path)`` with LibCST and gather its imports, definitions and suppressions
    (run in a child process; raises ``libcst.ParserSyntaxError`` for a syntax error)."""
    import libcst  # start-up time: LibCST loads only for the files ``ast`` cannot read

    text, path = job
    with deep_recursion():
        module = libcst.parse_module(text)
    source = ParsedSource(path, text, None, module)
    classes, functions = gather_definitions(source)
    suppressions = in_python(text, None, source.cst_positions())
    return CstFacts(gather_imports(source), classes, functions, suppressions)


def parse_only(text: str) -> None:
    """Parse ``text`` with LibCST, keeping nothing (run in a child process): does the newer
    grammar read it? Raises ``libcst.ParserSyntaxError`` if not."""
    import libcst

    with deep_recursion():
        libcst.parse_module(text)
