"""Baselines: known findings recorded in a file and hidden from later runs.

An entry is (code, path, text of the flagged line, occurrence), never a line
number, so edits elsewhere keep it valid. The text is a digest: a baseline is
committed, and the flagged line may be a credential. A baseline only shrinks:
``archcheck baseline --prune`` drops entries that no longer match a finding
and never adds one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import AbstractSet, Annotated, Final, List, Literal, Optional, Sequence, Set, Tuple

import msgspec
from msgspec.structs import replace

from archcheck import logsafe
from archcheck.fileio import hide_file_content, read_regular, write_atomic
from archcheck.model import Report
from archcheck.pipeline.snippets import Identity, Lines, identities, stored_text
from archcheck.project.layout import Places, places, within_any

FORMAT: Final = 1


class BaselineError(Exception):
    """A baseline file that cannot be read; one line for the user."""


@dataclass(frozen=True)
class Applied:
    report: Report
    hidden: int
    fixed: int  # entries that match no finding any more


class _Entry(msgspec.Struct, forbid_unknown_fields=True):
    code: str
    path: str
    text: str
    occurrence: Annotated[int, msgspec.Meta(ge=0)] = 0


class _Baseline(msgspec.Struct, forbid_unknown_fields=True):
    """The file's shape: decoding it checks every type, so nothing else reads unchecked data."""

    entries: List[_Entry]
    tool: Literal["archcheck"] = "archcheck"
    format: Literal[1] = FORMAT


def read(path: Path) -> Set[Identity]:
    """The entries of a baseline file; BaselineError (file, position, reason) if it is not one."""
    return read_counted(path)[0]


def read_counted(path: Path) -> Tuple[Set[Identity], int]:
    """``read``, and how many entries the file lists (an entry written twice counts twice)."""
    try:
        text = read_regular(path).decode("utf-8")
        document = msgspec.convert(json.loads(text), type=_Baseline)  # json: lone surrogates round-trip
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found") from None
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise BaselineError(f"{path}: not UTF-8 at byte {exc.start}") from None
    except RecursionError:
        raise BaselineError(f"{path}: not an archcheck baseline: nested too deeply") from None
    except msgspec.ValidationError as exc:  # an unknown field's name is not quoted: any file may be named
        reason = hide_file_content(str(exc))
        raise BaselineError(f"{path}: not an archcheck baseline: {reason}") from None
    except ValueError as exc:  # json's: a position, never the text
        raise BaselineError(f"{path}: not an archcheck baseline: {exc}") from None
    # an entry written before texts were digests (or masked) still matches
    entries = {(e.code, e.path, stored_text(e.text, e.path), e.occurrence) for e in document.entries}
    return entries, len(document.entries)


def write(path: Path, entries: Sequence[Identity], inside: Optional[Path] = None) -> None:
    """Write the baseline atomically: a full disk leaves the old file whole."""
    write_atomic(path, render(entries), inside=inside)


def render(entries: Sequence[Identity]) -> str:
    """The baseline file's text."""
    document = {
        "tool": "archcheck",
        "format": FORMAT,
        "entries": [
            {"code": code, "path": where, "text": text, "occurrence": occurrence}
            for code, where, text, occurrence in sorted(set(entries))
        ],
    }
    return logsafe.json_document(document)


def current(report: Report) -> List[Identity]:
    return [identity for _, identity in identities(Path(report.root), report.violations)]


def apply(
    report: Report,
    known: Set[Identity],
    paths: Optional[Sequence[str]] = None,
    codes: Optional[AbstractSet[str]] = None,
) -> Applied:
    """The report without the findings the baseline knows, with the counts a run shows.

    An entry counts as fixed only when this run could have found it: its path is inside
    ``paths`` (the run's scope; None: everything) and its rule is among ``codes`` (the rules
    that ran; None: all). A run on two staged files says nothing of the other entries."""
    kept, matched = [], set()
    root = Path(report.root)
    # (an entry an older version wrote, of a Python line whose code hid a secret the text did
    # not, still matches: its digest was of the line masked as text)
    lines = Lines(root)  # (each file read, each line digested once for both)
    legacy = identities(root, report.violations, legacy=True, lines=lines)
    for (violation, identity), (_, before) in zip(identities(root, report.violations, lines=lines), legacy):
        if identity in known:
            matched.add(identity)
        elif before in known:
            matched.add(before)
        else:
            kept.append(violation)
    hidden = len(report.violations) - len(kept)
    scope = None if paths is None else places(paths)
    fixed = [k for k in known - matched if _in_scope(k, scope, codes)]
    return Applied(replace(report, violations=tuple(kept)), hidden, len(fixed))


def _in_scope(entry: Identity, scope: Optional[Places], codes: Optional[AbstractSet[str]]) -> bool:
    code, path = entry[0], entry[1]
    if codes is not None and code not in codes:
        return False
    return scope is None or within_any(path, scope)
