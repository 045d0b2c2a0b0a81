"""Fixes a rule offers for its findings: what ``archcheck check --fix`` changes, and what it will not.

As a Fixit rule reports a replacement node with a finding, a rule here describes the fix of
one finding in :meth:`~archcheck.rule_api.rule.Rule.autofix`: the file it edits, where, and the
codemod hook (a function of the rule's module) that makes the edit. The rule still sees only
facts; the fixer (``archcheck.pipeline.fixer``) reads the file, runs every hook of the file in
one pass, and writes the result atomically. A fix that could change what the code means is not
offered: the rule answers :class:`NotFixed` with the reason, and the fixer reports it.

* :class:`CstFix` edits a Python file with LibCST, so formatting and comments stay: ``change``
  receives the node found at ``span`` (as ``ast`` located it: parentheses around an expression
  are not part of it) and the nodes around it, innermost first, and returns the new node.
* :class:`LineFix` edits a line-based file (requirements): ``change`` receives the file's lines
  (without their line ends) and returns the :class:`LineEdit` to make.

A hook may still refuse, when the file shows what facts could not (a comment that the edit
would drop): it returns :class:`NotFixed` instead of the edit. Hooks must be picklable (module
functions, or ``functools.partial`` of them): the fixer runs LibCST in a child process.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Sequence, Tuple, Union

from archcheck.model import Location

if TYPE_CHECKING:  # LibCST loads only when a Python file is fixed
    import libcst


@dataclass(frozen=True)
class NotFixed:
    """A fix not made, and why: the edit could change what the code means, or has nothing to edit."""

    reason: str


@dataclass(frozen=True)
class LineEdit:
    """Replace lines ``first`` to ``last`` (1-based, both included) with ``lines``; with
    ``last == first - 1`` nothing is replaced: ``lines`` are inserted before line ``first``."""

    first: int
    last: int
    lines: Tuple[str, ...] = ()


NodeChange = Callable[["libcst.CSTNode", Sequence["libcst.CSTNode"]], Union["libcst.CSTNode", NotFixed]]
LineChange = Callable[[Sequence[str]], Union[LineEdit, NotFixed]]


@dataclass(frozen=True)
class CstFix:
    """Replace the node of a Python file at ``span`` with what ``change`` makes of it."""

    path: str
    span: Location
    change: NodeChange
    description: str  # what it does, in a few words ("relative -> absolute import 'app.models'")


@dataclass(frozen=True)
class LineFix:
    """Edit a line-based file (requirements) as ``change`` decides from its lines."""

    path: str
    change: LineChange
    description: str


Fix = Union[CstFix, LineFix]
Offer = Union[CstFix, LineFix, NotFixed, None]  # what Rule.autofix answers; None: no fix for this finding
