"""What ``check --fix`` and ``--diff`` print: a unified diff, the fixes not made, a summary line.

The diff is what ``git apply`` and ``patch -p1`` read (``a/PATH``, ``b/PATH``), with URL
credentials masked (such a line no longer applies; ``--fix`` writes the real one). In CI, where
the output goes to a log others read, it has no context lines (:func:`context_lines`): only the
lines a fix removes or adds, never the code around them, and those with every string's and
comment's text elided (``elide``), whatever the text holds. The GitHub runner trims the space that
starts a context line, so a line of a file could read as a workflow command: in GitHub Actions
the printed diff is fenced with ``stop-commands`` (:func:`guarded`).
"""

from __future__ import annotations

import bisect
import codecs
import difflib
import itertools
import os
import re
import secrets
from collections import Counter
from dataclasses import dataclass
from typing import Iterator, List, Literal, Mapping, Optional, Tuple

from patiencediff import PatienceSequenceMatcher

from archcheck.facts.secret_strings import masked_code
from archcheck.facts.urls import MASK, mask_credentials, unfinished_userinfo_masked
from archcheck.logsafe import RUNNER_COMMAND, in_ci
from archcheck.output import escape
from archcheck.output.elide import NotElided, decoded, elided
from archcheck.pipeline.fixer import Outcome

Opcode = Tuple[Literal["replace", "delete", "insert", "equal"], int, int, int, int]


def context_lines(environ: Mapping[str, str]) -> int:
    """The diff's context lines: none in CI, whose log keeps what it shows for whoever reads
    it (the code around a fix, and any secret in it, is not the fix); git's 3 elsewhere, on the
    terminal of the one whose code it is."""
    return 0 if in_ci(environ) else 3


@dataclass(frozen=True)
class Diff:
    """The diff to print, and one line for each changed file it leaves out (for stderr)."""

    text: bytes
    left_out: List[str]


def to_diff(outcome: Outcome, context: int = 3) -> Diff:
    """A unified diff of every file the fixes change, in the files' own bytes (a BOM, latin-1
    text), with paths quoted as git quotes them: what ``git apply`` reads (with no ``context``
    lines, ``git apply --unidiff-zero``).

    Left out: a UTF-16 or UTF-32 file (pip reads them), which a patch carries only as raw
    bytes split at each 0x0A, where no credential could be masked and every other byte is a
    NUL, and which shown decoded no longer applies, taking the rest of the patch with it
    (``git apply`` is all or nothing); and with no context, a file whose changed lines hold a
    line end git does not split at (a lone CR; in a requirements file a form feed too), since
    that one line to git would show the lines around the fix. ``--fix`` writes them."""
    chunks: List[str] = []
    left_out: List[str] = []
    for change in outcome.files:
        where = f"{escape.text_path(change.path)}: not in the diff:"
        if not context and RUNNER_COMMAND.search(change.path):  # (a header holds the path as it is)
            left_out.append(f"{where} its name holds a CI runner's logging command; {_FIX_IT}")
            continue
        if _wide(change.encoding):
            name = codecs.lookup(change.encoding).name.upper()
            left_out.append(f"{where} a {name} file, which a patch cannot carry as text; {_FIX_IT}")
            continue
        # lines as git splits them, at "\n" only: a file with lone CR line ends is one line to git
        before = _git_lines(_byte_faithful(change.before, change.encoding))
        after = _git_lines(_byte_faithful(change.after, change.encoding))
        python = change.path.endswith((".py", ".pyi"))
        codes = _opcodes(before, after)
        joined = _joins_lines(codes, before, after, python, change.encoding) if not context else None
        if joined is not None:
            reason = f"a line end in the lines it changes that a patch does not split at ({joined})"
            left_out.append(f"{where} {reason}, so the lines around the fix would show; {_FIX_IT}")
            continue
        # (in CI, the changed lines' code only: every string's and comment's text, and every number, elided)
        try:
            shown = (
                (_masked(before, python), _masked(after, python))
                if context
                else (elided(before, python, change.encoding), elided(after, python, change.encoding))
            )
        except NotElided as exc:
            left_out.append(f"{where} {exc}, so its text cannot be kept out of the log; {_FIX_IT}")
            continue
        old, new = git_quoted(f"a/{change.path}"), git_quoted(f"b/{change.path}")
        for line in _unified(shown, codes, old, new, context):
            chunks.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return Diff("".join(chunks).encode("utf-8", "surrogateescape"), left_out)


_FIX_IT = "`archcheck check --fix` fixes it"


def _opcodes(before: List[str], after: List[str]) -> List[Opcode]:
    """How ``after`` differs from ``before``, line by line. A patience diff: difflib's matcher
    takes time quadratic in the hunks (8,000 fixes: 21 s). Where patience finds no line unique
    on both sides to anchor on (repeated lines between two fixes), it replaces the whole
    stretch; such a stretch is matched again, so no unchanged line shows as changed."""
    codes: List[Opcode] = []
    for tag, a1, a2, b1, b2 in PatienceSequenceMatcher(None, before, after).get_opcodes():
        if tag == "replace" and max(a2 - a1, b2 - b1) > 1:
            codes += _rematched(before, after, a1, a2, b1, b2)
        else:
            codes.append((tag, a1, a2, b1, b2))
    return _merged(codes)


def _merged(codes: List[Opcode]) -> List[Opcode]:
    """Neighbouring opcodes of one kind as one (lines matched by place come one by one): a run
    of equal lines must be one, or the grouping into hunks makes an empty hunk of each line."""
    merged: List[Opcode] = []
    for code in codes:
        last = merged[-1] if merged else None
        if last is not None and (last[0] == "equal") == (code[0] == "equal"):
            tag = (
                code[0] if last[0] == code[0] else "replace"
            )  # (a removal beside an addition: a replacement)
            merged[-1] = (tag, last[1], code[2], last[3], code[4])
        else:
            merged.append(code)
    return merged


def _rematched(before: List[str], after: List[str], a1: int, a2: int, b1: int, b2: int) -> List[Opcode]:
    """A replaced stretch matched again by the fewest lines removed and added (by place when
    that takes too many: where both sides have as many lines, as a fix changes lines in place),
    unchanged lines as ``equal``."""
    found = _fewest_edits(before[a1:a2], after[b1:b2])
    if found is not None:
        return [(tag, a1 + i, a1 + j, b1 + k, b1 + m) for tag, i, j, k, m in found]
    if a2 - a1 != b2 - b1:
        return [("replace", a1, a2, b1, b2)]
    return [
        ("equal" if before[a1 + i] == after[b1 + i] else "replace", a1 + i, a1 + i + 1, b1 + i, b1 + i + 1)
        for i in range(a2 - a1)
    ]


_MOST_EDITS = 1_000  # lines removed and added in one stretch (the trace holds their square)
_MOST_STEPS = 4_000_000  # lines compared in one stretch


def _fewest_edits(a: List[str], b: List[str]) -> Optional[List[Opcode]]:
    """How ``b`` differs from ``a`` by the fewest lines removed and added (Myers' O(ND)
    algorithm, as git's own diff): linear in the lines where the fixes are few, whatever the
    lines repeat; None past ``_MOST_EDITS`` or ``_MOST_STEPS``."""
    n, m = len(a), len(b)
    most = min(n + m, _MOST_EDITS)
    middle = most + 1
    furthest = [0] * (2 * most + 3)  # the furthest x on each diagonal k = x - y, at k + middle
    trace: List[List[int]] = []
    steps = 0
    for d in range(most + 1):
        trace.append(furthest[middle - d - 1 : middle + d + 2])  # (diagonals -d-1 … d+1)
        for k in range(-d, d + 1, 2):
            down = k == -d or (k != d and furthest[middle + k - 1] < furthest[middle + k + 1])
            x = furthest[middle + k + 1] if down else furthest[middle + k - 1] + 1
            y, start = x - k, x
            while x < n and y < m and a[x] == b[y]:
                x, y = x + 1, y + 1
            steps += x - start + 1
            furthest[middle + k] = x
            if x >= n and y >= m:
                return _opcodes_of(_edit_path(trace, n, m))
        if steps > _MOST_STEPS:
            return None
    return None


def _edit_path(trace: List[List[int]], n: int, m: int) -> List[Tuple[str, int, int]]:
    """The path the search found, back from the end: ("equal" | "delete" | "insert", x, y)."""
    path: List[Tuple[str, int, int]] = []
    x, y = n, m
    for d in range(len(trace) - 1, -1, -1):
        row, k = trace[d], x - y  # (row[j] is diagonal j - d - 1)
        down = k == -d or (k != d and row[k - 1 + d + 1] < row[k + 1 + d + 1])
        previous_k = k + 1 if down else k - 1
        previous_x = row[previous_k + d + 1]
        previous_y = previous_x - previous_k
        while x > previous_x and y > previous_y:
            x, y = x - 1, y - 1
            path.append(("equal", x, y))
        if d > 0:
            path.append(("insert", previous_x, previous_y) if down else ("delete", previous_x, previous_y))
        x, y = previous_x, previous_y
    path.reverse()
    return path


def _opcodes_of(path: List[Tuple[str, int, int]]) -> List[Opcode]:
    """A path's steps as opcodes: runs of equal lines, and what is removed and added between."""
    codes: List[Opcode] = []
    for equal, run in itertools.groupby(path, key=lambda step: step[0] == "equal"):
        steps = list(run)
        i1, j1 = steps[0][1], steps[0][2]
        removed = sum(1 for kind, _, _ in steps if kind != "insert")
        added = sum(1 for kind, _, _ in steps if kind != "delete")
        tag = "equal" if equal else "replace" if removed and added else "delete" if removed else "insert"
        codes.append((tag, i1, i1 + removed, j1, j1 + added))  # type: ignore[arg-type]
    return codes


# a line end in a git line that the file's own reader splits at: Python's lone CR; pip's
# `str.splitlines` ends (a form feed, U+2028…) in a requirements file
_PYTHON_INNER_END = re.compile(r"\r(?!\n|\Z)")
_TEXT_INNER_END = re.compile(r"\r(?!\n|\Z)|[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029](?!\Z)")


def _joins_lines(
    codes: List[Opcode], before: List[str], after: List[str], python: bool, encoding: str
) -> Optional[str]:
    """The line end (named) that makes a line the diff shows as removed or added hold more
    than one of the file's lines, read in the file's own encoding (latin-1's 0x85 is pip's
    NEL); None where there is none."""
    inner = _PYTHON_INNER_END if python else _TEXT_INNER_END
    if codecs.lookup(encoding).name != "utf-8":
        before, after = decoded(before, encoding), decoded(after, encoding)
    changed = (
        line for tag, a1, a2, b1, b2 in codes if tag != "equal" for line in before[a1:a2] + after[b1:b2]
    )
    found = next((hit for line in changed if (hit := inner.search(line.rstrip("\n")))), None)
    return None if found is None else _LINE_END_NAMES.get(found.group(), f"U+{ord(found.group()):04X}")


_LINE_END_NAMES = {"\r": "a lone CR", "\x0b": "a vertical tab", "\x0c": "a form feed", "\x85": "NEL, U+0085"}


def _unified(
    shown: Tuple[List[str], List[str]], codes: List[Opcode], old: str, new: str, context: int
) -> Iterator[str]:
    """The unified diff of two files' lines as ``shown`` (each line as the masking of its whole
    file shows it: a secret on a later line of a triple-quoted string is masked too; a line with
    a credential is shown, not applied, as it was)."""
    shown_before, shown_after = shown
    for group in _Grouped(codes).get_grouped_opcodes(context):
        if old:
            # (as git writes a name with a space: a tab after it, where `patch` ends the name)
            yield f"--- {old}{_tab_after(old)}\n"
            yield f"+++ {new}{_tab_after(new)}\n"
            old = ""
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        yield f"@@ -{_hunk_range(i1, i2)} +{_hunk_range(j1, j2)} @@\n"
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                yield from (" " + line for line in shown_before[a1:a2])
                continue
            yield from ("-" + line for line in shown_before[a1:a2])
            yield from ("+" + line for line in shown_after[b1:b2])


class _Grouped(difflib.SequenceMatcher[str]):
    """Opcodes already found, grouped into hunks by difflib's own grouping."""

    def __init__(self, codes: List[Opcode]) -> None:
        super().__init__(None, "", "")
        self.codes = codes

    def get_opcodes(self) -> List[Opcode]:
        return list(self.codes)


def _tab_after(name: str) -> str:
    return "\t" if " " in name else ""


def _hunk_range(start: int, end: int) -> str:
    """A hunk's lines ``start:end`` (0-based) as its header counts them: an empty range (a hunk
    with no context that only adds or only removes) names the line before it, as GNU diff does."""
    return f"{start + 1 if end > start else start},{end - start}"


def _masked(lines: List[str], python: bool = False) -> List[str]:
    """``lines`` with credentials masked as in their whole text (in Python, first the secret
    strings its tokens show: ``masked_code``). Where masking joined or split lines (a URL's
    userinfo across a line end), those lines line by line, each read as prose (``_aligned``):
    every secret pair on them is masked (run 81a: a docstring's ``password=`` was shown, read
    as code)."""
    written = lines
    if python:
        lines = _git_lines(masked_code("".join(lines)))  # (each line stays a line)
    # (a requirements file is no code: `--config-settings password=…` unquoted is a secret too)
    masked = _git_lines(mask_credentials("".join(lines), prose=not python, code=python))
    if len(masked) != len(lines):
        masked = _aligned(lines, masked)
    # a secret a string joined to the next one goes on in (`"…?token=AbC"` / `"dEf&x=1"`): after
    # a mask of the masking's own, on a line it changed (not a literal `"***"`, `== "***"`)
    continued = masked
    for pattern in (_CONTINUED_USERINFO, _CONTINUED_SECRET):
        continued = _going_on(pattern, continued, written)
    return continued if len(continued) == len(lines) else masked


def _aligned(lines: List[str], masked: List[str]) -> List[str]:
    """The whole text's masking of ``lines``, which joined or split some of them: each line as
    masked where the masking kept the lines' count, and line by line, read as prose, only where
    it did not (run 115a/05: one join made every line of the file lose the readings that look
    at the lines around, a token on the line after `"Bearer "`). A line alone does not say
    whether it is inside a string; a URL's `user:` with no `@` after it on its line is masked
    to the end (the whole text read a password up to a later line's `@`)."""
    shown: List[str] = []
    for tag, a1, a2, b1, b2 in _opcodes(lines, masked):
        if tag == "equal" or a2 - a1 == b2 - b1:
            shown += masked[b1:b2]
            continue
        # (the lines at the stretch's ends that are their own masking stay so: a token on the
        # line after `"Bearer "` next to the join; run 116a/01)
        top = 0
        while a1 + top < a2 and b1 + top < b2 and _masking_of(masked[b1 + top], lines[a1 + top]):
            top += 1
        bottom = 0
        while (
            a2 - bottom > a1 + top
            and b2 - bottom > b1 + top
            and _masking_of(masked[b2 - bottom - 1], lines[a2 - bottom - 1])
        ):
            bottom += 1
        middle = lines[a1 + top : a2 - bottom]
        shown += masked[b1 : b1 + top]
        shown += [unfinished_userinfo_masked(mask_credentials(line, prose=True)) for line in middle]
        shown += masked[b2 - bottom : b2]
    return shown


def _masking_of(masked: str, line: str) -> bool:
    """Is ``masked`` ``line`` with some of its text masked (each mask stands for any text of one
    line)? Not for a line of more than 2,000 characters or 20 masks: not read. Each piece
    between masks is found at its first place after the last (a mask's text is free), in time
    linear in the line (a regular expression of lazy wildcards, one per mask, backtracked
    exponentially where the line held runs of `*` and did not match: run 117a/02)."""
    pieces = masked.split(MASK)
    if len(masked) > 2_000 or len(pieces) > 21 or "\n" in masked[:-1]:
        return False
    if "\n" in line[:-1] or line.endswith("\n") != masked.endswith("\n"):
        return False  # (no mask stands for a line end)
    if len(pieces) == 1:
        return masked == line
    first, last = pieces[0], pieces[-1]
    end = len(line) - len(last)
    if not (line.startswith(first) and line.endswith(last) and len(first) <= end):
        return False
    at = len(first)
    for piece in pieces[1:-1]:
        found = line.find(piece, at, end)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def _going_on(pattern: re.Pattern[str], masked: List[str], written: List[str]) -> List[str]:
    """``masked`` with the mask ``pattern`` finds at a line's end carried into the next line's
    string, where that line's mask is the masking's own (``masked`` differs from ``written``
    there), not a literal `"***"` (`assert redact(x) == "***"`)."""
    starts = list(itertools.accumulate(map(len, masked), initial=0))

    def going_on(match: re.Match[str]) -> str:
        line = bisect.bisect_right(starts, match.start()) - 1
        return match.group(1) + MASK if masked[line] != written[line] else match.group()

    return _git_lines(pattern.sub(going_on, "".join(masked)))


# a masked value at the end of a string or a line, then, on the next line, a string: its start
# up to a parameter's or a userinfo's end is more of the secret
# (after a `\` or with a `+` first too: black's `("postgresql://admin:"` / `+ "…"` / `+ "@db")`)
# (comment or blank lines between too); a userinfo's up to its "@" (`"…admin:"` / `+ "p#w"`)
_NEXT_STRING = (
    r"""["']?[ \t]*\\?[ \t]*\)?[ \t]*\n(?:[ \t]*(?:\#[^\n]*)?\n){0,3}"""
    r"""[ \t]*(?:\+[ \t]*)?\(?[ \t]*[rRbBuUfF]{0,2}["']"""
)
_CONTINUED_USERINFO = re.compile(r"""(://[^\s:@/'"]*:\*\*\*""" + _NEXT_STRING + r""")[^"'\n@]+""")
_CONTINUED_SECRET = re.compile(r"""(\*\*\*""" + _NEXT_STRING + r""")[^"'\n&;#@]+""")


_GIT_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def _git_lines(text: str) -> List[str]:
    return _GIT_LINE.findall(text)


def _byte_faithful(data: bytes, encoding: str) -> str:
    """A file's bytes as text that encodes back to the same bytes (UTF-8, a byte that is not
    UTF-8 kept as a surrogate)."""
    return data.decode("utf-8", "surrogateescape")


def _wide(encoding: str) -> bool:
    return codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))


_C_ESCAPES = {7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r", 34: '\\"', 92: "\\\\"}


def git_quoted(path: str) -> str:
    """A path as git writes it in a diff header: as it is when it is plain printable ASCII,
    else in double quotes with C escapes and every other byte in octal (``"a/caf\\351.py"``)."""
    raw = path.encode("utf-8", "surrogateescape")
    if all(0x20 <= byte < 0x7F and byte not in _C_ESCAPES for byte in raw):
        return path
    quoted = (_C_ESCAPES.get(byte) or (chr(byte) if 0x20 <= byte < 0x7F else f"\\{byte:03o}") for byte in raw)
    return '"' + "".join(quoted) + '"'


def guarded(diff: bytes) -> bytes:
    """The diff as a GitHub Actions log shows it: between ``stop-commands`` markers with a token
    nobody can guess, since the runner trims the space before a context line's ``::error``."""
    if os.environ.get("GITHUB_ACTIONS") != "true" or not diff:
        return diff
    token = secrets.token_hex(16)
    return f"::stop-commands::{token}\n".encode() + diff + f"::{token}::\n".encode()


def not_fixed(outcome: Outcome) -> List[str]:
    """One line per finding whose fix was not made, with the reason."""
    lines = []
    for skipped in outcome.skipped:
        where = skipped.violation.location
        lines.append(
            f"{escape.text_path(where.path)}:{where.line}:{where.column}: {skipped.violation.code} "
            f"not fixed: {escape.text(mask_credentials(skipped.reason))}"
        )
    return lines


def summary(outcome: Outcome, written: bool) -> str:
    """``fixed N findings in M files; K not fixed (reason)``, or ``would fix …`` for a diff."""
    verb = "fixed" if written else "would fix"
    files = len(outcome.files)
    line = f"{verb} {_plural(outcome.fixed, 'finding')} in {_plural(files, 'file')}"
    if outcome.skipped:
        kinds = Counter(s.kind for s in outcome.skipped)
        reasons = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
        line += f"; {len(outcome.skipped)} not fixed ({reasons})"
    return line


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
