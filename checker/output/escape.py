"""What every output does to the data it prints: findings quote the code under check.

A path, a URL or a name comes from a checkout nobody vetted, and CI reads
archcheck's output: a newline followed by ``::error`` or ``::stop-commands::``
would be a GitHub workflow command. So text output escapes control
characters (one finding is one line, and no line starts with ``::``), every
output masks URL credentials, non-UTF-8 file names (held as surrogate escapes)
come out as U+FFFD in text, as ``\\xff`` in JSON, and percent-encoded in URIs,
so the output is always valid UTF-8.
"""

from __future__ import annotations

import functools
import html
import re
import urllib.parse

from msgspec.structs import replace

from archcheck.facts.urls import mask_credentials
from archcheck.logsafe import RUNNER_COMMAND
from archcheck.model import Violation

# C0, DEL, C1, line and paragraph separators, and bidi controls that reorder what a reader sees
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escaped(char: str) -> str:
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def decodable(value: str) -> str:
    """``value`` with each undecodable byte of a file name (a lone surrogate) as U+FFFD."""
    return _SURROGATE.sub("\ufffd", value)


def text(value: str) -> str:
    """``value`` for a terminal or a CI log: control characters escaped, undecodable bytes as U+FFFD,
    and ``##[`` and ``##vso[`` written ``#\x23[``, ``#\x23vso[`` (GitHub's runner reads ``##[error]``
    anywhere in a line, Azure Pipelines' agent ``##vso[task.setvariable …]``: run 120a/03)."""
    return _inert(_CONTROL.sub(lambda m: _escaped(m.group()), decodable(value)))


def _inert(value: str) -> str:
    """``value`` with a runner's logging command (``logsafe.RUNNER_COMMAND``) written ``#\x23…``."""
    return RUNNER_COMMAND.sub(lambda found: "#\\x23" + found.group()[2:], value)


def text_path(path: str) -> str:
    """A path for text output; ``./`` before one that starts with ``:`` or a space keeps it from
    reading as a workflow command (runners strip leading spaces)."""
    shown = text(path)
    return f"./{shown}" if shown.lstrip().startswith(":") else shown


def _byte_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def json_text(value: str) -> str:
    """``value`` with no lone surrogate: an undecodable byte of a file name is written ``\\xff``."""
    return _SURROGATE.sub(_byte_escape, value)


def uri(path: str) -> str:
    """A root-relative ``/`` path as a relative URI reference: its bytes percent-encoded (``%20``,
    ``%23``, ``%3A``, ``%FF``), so no segment reads as a scheme, a query or a fragment."""
    try:
        raw = path.encode("utf-8", "surrogateescape")  # the file name's own bytes
    except UnicodeEncodeError:
        raw = json_text(path).encode("utf-8")
    return urllib.parse.quote(raw, safe="/")


# Markdown: a name from the checkout must not break a line, a table cell, a code span or
# make HTML, a comment, a link or math (`$x^2$`); "_" only at a word's edge, where it may
# begin or end emphasis (names are full of it, and inside a word it is inert)
_MARKDOWN_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_MARKUP = re.compile(r"([\\`*~|<>&\[\]$]|:(?=//)|(?<![^\W_])_|_(?![^\W_]))")  # `https\://` is no autolink
# GitHub links what no escape stops: an e-mail address (found after parsing, escapes undone),
# an @mention or a #reference (found in the rendered text, outside code). Each such character
# is a code span of its own; a `www.` autolink needs its dot unescaped.
_REFERENCE = re.compile(r"[@#]")
_WWW_DOT = re.compile(r"(?<=www)\.", re.IGNORECASE)


def markdown_text(value: str) -> str:
    """A name as inert Markdown: no line break, cell border, code span, link, mention,
    reference or HTML can come of it."""
    escaped = _MARKUP.sub(r"\\\1", _MARKDOWN_CONTROL.sub(" ", decodable(value)))
    return _WWW_DOT.sub(r"\\.", _REFERENCE.sub(r"`\g<0>`", escaped))


def markdown_code(value: str) -> str:
    """A Markdown code span that holds ``value`` whatever backticks it contains (``##[`` written
    ``#\x23[``, as in text: Markdown printed in a CI log must not read as a runner command)."""
    value = _inert(_MARKDOWN_CONTROL.sub(" ", decodable(value)))
    fence = "`" * (max(map(len, re.findall("`+", value)), default=0) + 1)
    pad = " " if "`" in value else ""
    return f"{fence}{pad}{value}{pad}{fence}"


_masked_text = functools.lru_cache(maxsize=1024)(mask_credentials)


def html_text(value: str) -> str:
    """``value`` as HTML text: markup escaped, control characters escaped (no line of the page
    starts with text from the checkout), undecodable bytes as U+FFFD."""
    return html.escape(text(value))


def masked(violation: Violation) -> Violation:
    """The finding with the credentials of every URL in its message and fix masked (a fix, and
    many a message, is the same text in thousands of findings: masked once)."""
    message, fix = _masked_text(violation.message), _masked_text(violation.fix)
    if message == violation.message and fix == violation.fix:
        return violation
    return replace(violation, message=message, fix=fix)
