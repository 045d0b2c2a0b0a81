"""What ``check --fix`` and ``--diff`` print: a unified diff, the fixes not made, a summary line.

The diff is what ``git apply`` and ``patch -p1`` read (``a/PATH``, ``b/PATH``), with URL
credentials masked (such a line no longer applies; ``--fix`` writes the real one). The GitHub
runner trims the space that starts a context line, so a line of a file could read as a workflow
command: in GitHub Actions the printed diff is fenced with ``stop-commands`` (:func:`guarded`).
"""

from __future__ import annotations

import difflib
import os
import secrets
from collections import Counter
from typing import List

from archcheck.facts.source import lines_with_ends
from archcheck.facts.urls import mask_credentials
from archcheck.output import escape
from archcheck.pipeline.fixer import Outcome


def to_diff(outcome: Outcome) -> str:
    """A unified diff of every file the fixes change."""
    chunks: List[str] = []
    for change in outcome.files:
        path = escape.text(change.path)
        before = lines_with_ends(change.text(change.before))
        after = lines_with_ends(change.text(change.after))
        for line in difflib.unified_diff(before, after, f"a/{path}", f"b/{path}"):
            line = mask_credentials(line)  # a line with a credential is shown, not applied, as it was
            chunks.append(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n")
    return "".join(chunks)


def guarded(diff: str) -> str:
    """The diff as a GitHub Actions log shows it: between ``stop-commands`` markers with a token
    nobody can guess, since the runner trims the space before a context line's ``::error``."""
    if os.environ.get("GITHUB_ACTIONS") != "true" or not diff:
        return diff
    token = secrets.token_hex(16)
    return f"::stop-commands::{token}\n{diff}::{token}::\n"


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
