"""Read a ``.env`` file into entries with line numbers (python-dotenv's parser)."""

from __future__ import annotations

import io
import re
from typing import List, Tuple, Union

from dotenv.parser import Binding, parse_stream

from archcheck.facts.files import too_large
from archcheck.facts.suppressions import MARKER, in_lines
from archcheck.model import EnvEntry, Location, ParseProblem, Suppression

# where python-dotenv ends a line (what its Position.advance counts): CR LF, LF and a lone CR,
# as Python does, but not a form feed, "\x85" or "\u2028", where str.splitlines ends one too
_LINE_END = re.compile(r"\r\n|\n|\r")


def env_lines(text: str) -> List[str]:
    """The lines of ``.env`` text, numbered from 1 as python-dotenv numbers them."""
    return _LINE_END.split(text)


# python-dotenv takes an inline comment off an unquoted value with re.sub(r"\s+#.*", ...), whose
# time grows with the square of each run of white space that no "#" follows (100,000 spaces: half
# a minute). A line with a longer run than this is not read: a file costs at most this many steps
# a character, about what python-dotenv spends on a file of short lines anyway.
MAX_SPACE_RUN = 256
# python-dotenv reads about 100 KB of short lines a second: a larger .env file (real ones hold a
# few KB) is not read, so that no file makes a run slow
MAX_ENV_FILE_SIZE = 256 * 1024
# a run of white space within a line (python-dotenv's `\s` but its line ends), from its start
_LONG_RUN = re.compile(r"(?<![^\S\r\n])[^\S\r\n]{" + str(MAX_SPACE_RUN + 1) + ",}")


def parse_env(path: str, data: bytes) -> Tuple[List[EnvEntry], List[ParseProblem], Tuple[Suppression, ...]]:
    """Entries, unparsable lines and suppression comments of a ``.env`` file."""
    if len(data) > MAX_ENV_FILE_SIZE:
        return (
            [],
            [ParseProblem(too_large(len(data), MAX_ENV_FILE_SIZE, "the .env limit"), Location(path))],
            (),
        )
    text: Union[str, ParseProblem] = _decoded(path, data)
    if isinstance(text, ParseProblem):
        return [], [text], ()
    entries: List[EnvEntry] = []
    text, problems = _without_long_runs(path, text)
    comments: List[Tuple[int, str]] = []
    for binding in parse_stream(io.StringIO(text)):
        comments += _comment_lines(binding)
        line, own = _own_lines(binding)
        width = len(own.rstrip("\r\n")) + 1
        where = Location(path, line, 1, line, max(width, 1))
        if binding.error:
            problems.append(ParseProblem("cannot parse this .env line", where))
        elif binding.key is not None:
            entries.append(EnvEntry(binding.key, binding.value or "", where))
    return entries, problems, in_lines(comments)


def _decoded(path: str, data: bytes) -> Union[str, ParseProblem]:
    """A ``.env`` file's text as python-dotenv reads it: UTF-8 (its default), whatever a first
    line says (a `# coding:` comment is a comment to it, not Python's cookie: run 120c/01)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        reason = f"not UTF-8 at byte {exc.start}: python-dotenv reads a .env file as UTF-8"
        return ParseProblem(reason, Location(path, line, 1, line, 1))


def _without_long_runs(path: str, text: str) -> Tuple[str, List[ParseProblem]]:
    """``text`` with every line holding a run of white space longer than ``MAX_SPACE_RUN`` that
    no "#" follows made empty (its line end kept, so the lines after keep their numbers), and
    an ARC001 for each: python-dotenv never reads such a line. Linear in ``text``."""
    runs = (run for run in _LONG_RUN.finditer(text) if not text.startswith("#", run.end()))
    problems: List[ParseProblem] = []
    kept: List[str] = []
    line, start = 1, 0  # the line that starts at `start`
    done = 0  # text[:done] is in `kept`
    for run in runs:
        if run.start() < done:
            continue  # on a line already left out
        for end in _LINE_END.finditer(text, start, run.start()):
            line, start = line + 1, end.end()
        after = _LINE_END.search(text, run.end())
        kept.append(text[done:start])
        done = after.start() if after else len(text)
        reason = (
            f"this .env line is not read: it holds {run.end() - run.start()} white-space characters in a "
            f"row, more than {MAX_SPACE_RUN} (python-dotenv's time grows with the square of such a run)"
        )
        where = Location(path, line, run.start() - start + 1, line, run.end() - start + 1)
        problems.append(ParseProblem(reason, where))
    if not problems:
        return text, problems
    kept.append(text[done:])
    return "".join(kept), problems


def _own_lines(binding: Binding) -> Tuple[int, str]:
    """The line a binding's own text starts on, and that text: python-dotenv reads the blank
    lines before a key with it, and numbers the binding from the first of them."""
    raw = binding.original.string
    blank = raw[: len(raw) - len(raw.lstrip())]  # python-dotenv's `\s*`: lstrip takes the same
    ends = list(_LINE_END.finditer(blank))
    if not ends:
        return binding.original.line, raw
    return binding.original.line + len(ends), raw[ends[-1].end() :]


def _comment_lines(binding: Binding) -> List[Tuple[int, str]]:
    """The numbered lines of one binding, its value taken out: text inside a value, quoted
    or not, is the value python-dotenv reads, never a comment. Lines end where python-dotenv
    ends them (``env_lines``)."""
    raw = binding.original.string
    if MARKER not in raw:
        return []
    if binding.value and MARKER in binding.value:
        if binding.value not in raw:  # escapes decoded (`\\`, `\"`): where the value ends is unsure
            return []
        raw = raw.replace(binding.value, "", 1)
    return list(enumerate(env_lines(raw), start=binding.original.line))
