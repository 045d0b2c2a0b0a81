"""What a rule is: one named class in one module of ``archcheck.rules``.

A rule declares itself in its class statement, and mypy checks that every
required part is there (Fixit's ``LintRule`` keeps them as class variables;
here they are keyword arguments of the class, so a missing one is a type
error, not a surprise at run time)::

    class RequestsInAsync(
        Rule, code="NET001", name="requests-in-async", severity=Severity.ERROR,
        message=MESSAGE, fix=FIX, docs=__doc__, valid=VALID, invalid=INVALID,
    ):
        def check(self) -> Iterator[Violation]: ...

A rule sees only facts, never a syntax tree, through
:class:`~archcheck.project.project.Project`. It does no I/O and reads no
configuration file: its options are declared on it and their values handed to it. A rule
that can fix its findings says how in ``autofix`` (see :mod:`archcheck.rule_api.fixes`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, FrozenSet, Iterable, Optional, Sequence, Tuple

from archcheck.config.options import Option
from archcheck.facts.loops import LoopCalls
from archcheck.model import Location, Severity, Suppression, Violation
from archcheck.rule_api.examples import Example
from archcheck.rule_api.fixes import Offer

if TYPE_CHECKING:  # the project model is the rule's input, imported only for its type
    from archcheck.project.project import Project

Edge = Tuple[str, str]  # (unit, unit) of the service graph
SHOWN = 5  # places one message names; a larger group is counted ("and 37 more")


def listed(items: Sequence[str], total: Optional[int] = None) -> str:
    """``a, b, c``, or the first ``SHOWN`` of ``total`` (default: all the items) and how many
    more: a message stays short however many copies a checkout holds."""
    count = len(items) if total is None else total
    head = ", ".join(items[:SHOWN])
    return head if count <= SHOWN else f"{head} and {count - SHOWN} more"


class Rule:
    """Base of every rule. Subclasses declare themselves with the class keywords below."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    message: ClassVar[str]  # a str.format template
    fix: ClassVar[str]  # the "use instead" hint
    docs: ClassVar[str]  # ruff-style sections: What it does, Why is this bad?, Example, Use instead
    valid: ClassVar[Tuple[Example, ...]]
    invalid: ClassVar[Tuple[Example, ...]]
    options: ClassVar[Tuple[Option, ...]] = ()
    tags: ClassVar[FrozenSet[str]] = frozenset()  # families a command selects by ("ssot", "cross-service")
    in_tests: ClassVar[bool] = True  # False: test files ignore it by default (per-file-ignores)
    loop_calls: ClassVar[LoopCalls] = LoopCalls()  # the event-loop entries the rule judges
    # The FileFacts fields its findings depend on ("*": all of them), and "contents" if it reads
    # file text beyond facts (the call graph does). A rule whose inputs did not change since the
    # last run is not run again; tests check every rule reads no more than it declares.
    reads: ClassVar[FrozenSet[str]] = frozenset({"*"})
    # Where it reads only some attributes of a field's facts, those as ``field.attribute``
    # (``functions.name``): a change to the others (lines moved, a body edited) does not run
    # it again. Tests check its findings stay the same with every other attribute changed.
    reads_attributes: ClassVar[FrozenSet[str]] = frozenset()

    def __init_subclass__(
        cls,
        *,
        code: str,
        name: str,
        severity: Severity,
        message: str,
        fix: str,
        docs: Optional[str],
        valid: Sequence[Example],
        invalid: Sequence[Example],
        options: Sequence[Option] = (),
        tags: Iterable[str] = (),
        in_tests: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        cls.code, cls.name, cls.severity, cls.message, cls.fix = code, name, severity, message, fix
        cls.docs = docs or ""
        cls.valid, cls.invalid = tuple(valid), tuple(invalid)
        cls.options, cls.tags, cls.in_tests = tuple(options), frozenset(tags), in_tests

    def __init__(self, project: Project) -> None:
        self.project = project

    @classmethod
    def summary(cls) -> str:
        """The first line of the docs: what the rule flags, in one sentence."""
        lines = cls.docs.strip().splitlines()
        return lines[0] if lines else cls.name

    @classmethod
    def violation(
        cls,
        location: Location,
        fix: Optional[str] = None,
        severity: Optional[Severity] = None,
        message: Optional[str] = None,
        related: Iterable[Location] = (),
        **fields: Any,
    ) -> Violation:
        """A finding at ``location``; ``message`` is another template of the rule's, for a second
        case; ``related``, the other places it is about (a run on one of them reports it)."""
        return Violation(
            code=cls.code,
            name=cls.name,
            severity=severity or cls.severity,
            location=location,
            message=(message or cls.message).format(**fields),
            fix=cls.fix if fix is None else fix,
            related=tuple(sorted({r for r in related if r != location}, key=_order)),
        )

    def option(self, name: str) -> Any:
        """The value of an option (``imports.relative``), as configured or declared."""
        return self.project.settings.option(name)

    def check(self) -> Iterable[Violation]:
        raise NotImplementedError

    def review(self, unused: Sequence[Tuple[str, Suppression]]) -> Iterable[Violation]:
        """Findings about suppression comments that silenced nothing (after every other rule)."""
        return ()

    def autofix(self, violation: Violation) -> Offer:
        """The fix of one of this rule's findings (``check --fix``): a CstFix or LineFix whose hook
        makes the edit, NotFixed with the reason when the edit could change what the code means,
        or None when the rule has no fix for this finding (the default)."""
        return None

    @classmethod
    def fixable(cls) -> bool:
        """Does the rule offer fixes (does it define ``autofix``)?"""
        return cls.autofix is not Rule.autofix

    def forbidden_edges(self) -> Iterable[Edge]:
        """Edges of the service graph this rule flags, for ``archcheck graph`` to draw in red."""
        return ()


def _order(location: Location) -> Tuple[str, int, int]:
    return (location.path, location.line, location.column)
