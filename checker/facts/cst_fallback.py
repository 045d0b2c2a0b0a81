"""The facts of a file only LibCST can parse (newer syntax than this Python's), gathered in a
child process.

LibCST's native parser can crash on pathological input, and its tree and positions take
time and memory out of proportion to the file (400 KB of one-name lines: 57 s and 1.6 GB;
its parser is super-linear in one long chain: ``a[0][0]…``, 4,000 subscripts in 12 KB, 51 s),
so the parse and every walk over the tree run under the child's CPU-time and memory limits
(``isolate.run_isolated``), and only the facts come back.
"""

from __future__ import annotations

import re
from typing import Optional, Tuple, Union

from archcheck.facts.definitions import gather_definitions
from archcheck.facts.files import max_tokens
from archcheck.facts.imports import gather_imports
from archcheck.facts.source import (
    Parsed,
    ParsedSource,
    count_words,
    deep_recursion,
    lines_with_ends,
    syntax_problem,
)
from archcheck.facts.suppressions import in_python
from archcheck.isolate import DEFAULT_TIMEOUT, Crashed, run_isolated
from archcheck.model import CstFacts, Location, ParseProblem

# LibCST takes about 30 µs a token for its tree and positions (a file only it can parse: 490 KB
# of ordinary code, 9 s); it gathers facts from files of this share of what max-file-size allows
CST_SHARE = 8
# the CPU time its child may take, per token (at least 1 s, at most 20): about three times
# what ordinary code takes
CST_CPU_PER_TOKEN = 100e-6
# the CPU time the children of one run may take in all: the files past it, in path order, are
# not parsed (a file the parser is slow on takes all its time: N such files, N times that)
CST_RUN_SECONDS = 10.0
# the memory its child may take beyond what it maps as forked: a flat file at the token share
# (130,000 tokens) parses in 0.5 GB; nesting costs LibCST far more a token (`2**` 12,000 times,
# 36 KB, took 2.1 GB under the default limit: run 119c/04), and is stopped here, ARC003
CST_MEMORY = 1 << 30


def screen_newer(path: str, text: str, limit: int, ast_error: SyntaxError) -> Union[ParseProblem, float]:
    """What can be said of a file this Python rejects (``ast_error``) before LibCST reads it:
    the CPU seconds its child may take (``CST_CPU_PER_TOKEN`` a token), or the problem that
    leaves it unread: one that holds nothing newer grammar needs is ARC001 (a syntax error); a
    file of more tokens than ``CST_SHARE`` of ``max_tokens(limit)`` (its parse alone took 12 s
    and 1.5 GB for 650,000 tokens) is ARC003 at the line rejected."""
    if not _MAY_BE_NEWER.search(text):  # no grammar newer than 3.11's could be there: a syntax
        # error, whatever its size (and not left for the run's LibCST time, which files before it
        # may have spent: run 132a/04)
        return syntax_problem(path, ast_error)
    budget = max_tokens(limit) // CST_SHARE
    tokens = count_words(text)  # no quote can fool it (``f"{"\'\'\'"}"`` in a placeholder, PEP 701)
    if tokens > budget:
        reason = (
            f"{_rejected(ast_error)}; at {tokens:,} tokens, over the {budget:,} the CST parser reads (an "
            "eighth of what max-file-size allows), it was not read to tell newer grammar from a syntax error"
        )
        return _at_line(path, ast_error, reason)
    return float(min(DEFAULT_TIMEOUT, max(1, round(tokens * CST_CPU_PER_TOKEN))))


def defer_newer(path: str, text: str, limit: int, ast_error: SyntaxError) -> Parsed:
    """``screen_newer``, and a file left for LibCST not read yet: its CPU seconds, and the
    problem it stays if the run's ``CST_RUN_SECONDS`` are spent before its turn."""
    cpu = screen_newer(path, text, limit, ast_error)
    if isinstance(cpu, ParseProblem):
        return cpu
    reason = (
        f"{_rejected(ast_error)}, and the CST parser, which reads newer grammar, was not run on it: the "
        f"{CST_RUN_SECONDS:g} s of CPU time one run gives that parser went to the files before it (by "
        "path); run archcheck on the Python the code is written for"
    )
    return ParsedSource(path, text, None, skipped=_at_line(path, ast_error, reason), cst_seconds=cpu)


def parse_newer(path: str, text: str, limit: int, ast_error: SyntaxError) -> Parsed:
    """A file this Python rejects (``ast_error``): perhaps syntax newer than this interpreter's,
    which LibCST reads. Its facts are gathered in a child process with the CPU time
    ``screen_newer`` gives, unless that leaves it unread."""
    cpu = screen_newer(path, text, limit, ast_error)
    if isinstance(cpu, ParseProblem):
        return cpu
    rejected = _rejected(ast_error)
    try:
        facts = run_isolated(gather_cst_facts, (text, path), timeout=cpu, memory=CST_MEMORY)
    except Crashed as exc:
        if "ParserSyntaxError" in str(exc):
            return _newer_syntax_problem(path, text, str(exc), ast_error) or syntax_problem(path, ast_error)
        # the newer grammar could not be checked to the end: it may be valid code for a newer
        # Python, beyond what the CST parser can take (ARC003)
        reason = f"{rejected} and the CST parser, which reads newer grammar, could not finish it: {exc}"
        return ParseProblem(reason, Location(path, 1, 1, 1, 1), beyond_limits=True)
    return ParsedSource(path, text, None, cst_facts=facts, skipped=_partly_read(path, rejected, ast_error))


# LibCST's syntax error names its place first: `Syntax Error @ 5:1.`
_CST_ERROR_PLACE = re.compile(r"ParserSyntaxError: Syntax Error @ (\d{1,9}):(\d{1,9})\b")


def _newer_syntax_problem(path: str, text: str, crash: str, ast_error: SyntaxError) -> Optional[ParseProblem]:
    """The syntax error the CST parser reported, at its place, where this Python stopped at a
    line of newer grammar (a valid `type` statement on line 1 is not where the code is wrong:
    run 117c/02); None where this Python's own error stands (it says more: "expected an
    indented block after class definition on line 2", at the line and column)."""
    place = _CST_ERROR_PLACE.match(crash)
    lines = lines_with_ends(text)  # (as Python numbers them: not at a form feed)
    line = ast_error.lineno or 1
    if place is None or not 0 < line <= len(lines) or not _MAY_BE_NEWER.search(lines[line - 1]):
        return None
    message = "invalid syntax (under the newest grammar the CST parser reads)"
    return syntax_problem(path, SyntaxError(message, (path, int(place.group(1)), int(place.group(2)), None)))


def _rejected(ast_error: SyntaxError) -> str:
    return f"this Python rejects it ({ast_error.msg}, line {ast_error.lineno or 1})"


def _at_line(path: str, ast_error: SyntaxError, reason: str) -> ParseProblem:
    """An ARC003 problem at the line this Python rejects."""
    line = max(1, ast_error.lineno or 1)
    return ParseProblem(reason, Location(path, line, 1, line, 1), beyond_limits=True)


# what grammar newer than 3.11's needs (and what CPython 3.12.1's parser fault does): an f- or
# t-string (PEP 701, PEP 750), a `type` statement or type parameters (PEP 695, 696), `except`
# without brackets around several classes (PEP 758); a file without them has a syntax error
# (and a form feed, 134c/02, and a line's continuation: `type \` then `Pair = …`, run 134b/03)
_BLANK = r"(?:[ \t\f]|\\\r?\n)"
_MAY_BE_NEWER = re.compile(
    r"""(?im)\b[rb]?[ft][rb]?['"]"""  # an f-string or a t-string
    # a type alias (after `:`, `;` too: run 133a/02), type parameters
    rf"|(?:^|[:;]){_BLANK}*type{_BLANK}+\w|\b(?:def|class){_BLANK}+\w+{_BLANK}*\["
    # `except A, B:`, `except (A), B:` (133c/02; at a line's start, as the statement is, and
    # bounded: a line of `except except …` read from each word to its end was quadratic)
    # (the brackets over lines too, `except (\n A,\n B,\n), C:`: 136b/04)
    rf"|^[ \t\f]*except\b\*?{_BLANK}{{0,40}}(?:\([^()]{{0,400}}\)|[^:(\n]){{0,400}},"
)


def _partly_read(path: str, rejected: str, ast_error: SyntaxError) -> ParseProblem:
    """Why a file that only LibCST read is checked for its imports and definitions alone: said,
    so that one line of newer syntax cannot hide the rest of a file from CI without a word."""
    reason = (
        f"the rules that read its code skip it: {rejected}, and the CST parser, which reads newer "
        "grammar, gives only its imports and definitions"
    )
    return _at_line(path, ast_error, reason)


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
