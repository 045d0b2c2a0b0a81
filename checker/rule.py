"""What a rule is: its spec, its examples, and the two kinds of rule.

A rule module in ``archcheck.rules`` declares ``CODE``, ``NAME``, ``SEVERITY``,
``MESSAGE`` (a ``str.format`` template), ``FIX`` (the "use instead" hint),
``VALID``/``INVALID`` examples, its docs as the module docstring, and one class
``Rule`` derived from :class:`FileRule` or :class:`ProjectRule`.

* A :class:`FileRule` is a LibCST batchable visitor run on one file at a time,
  in one traversal together with the other file rules. ``PREFILTER`` is a
  regular expression: files whose text it does not match cannot produce a
  finding, so they are never parsed with LibCST for this rule.
* A :class:`ProjectRule` sees only facts (never a syntax tree) through
  :class:`~archcheck.project.Project`.

Neither kind does I/O or reads configuration: what a rule needs is handed to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Iterable,
    List,
    Mapping,
    Optional,
    Pattern,
    Sequence,
    Tuple,
    Type,
    Union,
)

import libcst as cst
from libcst.metadata import CodeRange

from archcheck.filephase import FilePlan as FilePlan  # re-exported: part of the rule API
from archcheck.layout import Unit
from archcheck.model import EnvEntry, Location, Severity, Suppression, Violation

if TYPE_CHECKING:
    from archcheck.project import Project

EXAMPLE_PATH = "services/example-service/app/example.py"
EXAMPLE_CONFIG = 'services = ["services/*"]\nshared = ["shared"]\n'
EXPECT_MARKER = re.compile(r"#\s*expect:\s*([A-Z]+[0-9]+)")


@dataclass(frozen=True)
class Example:
    """A small project: file path -> text, plus the ``archcheck.toml`` it runs with.

    In INVALID examples each line that must be flagged ends with ``# expect: CODE``.
    """

    files: Mapping[str, str]
    config: str = EXAMPLE_CONFIG
    select: Tuple[str, ...] = ()  # rules to run besides the one it illustrates

    def expected(self, code: str) -> List[Tuple[str, int]]:
        """(path, line) pairs marked ``# expect: CODE``."""
        marks = []
        for path, text in self.files.items():
            for number, line in enumerate(text.splitlines(), start=1):
                match = EXPECT_MARKER.search(line)
                if match and match.group(1) == code:
                    marks.append((path, number))
        return sorted(marks)


def example(source: str, path: str = EXAMPLE_PATH, config: str = EXAMPLE_CONFIG) -> Example:
    """A one-file example; the text is dedented."""
    import textwrap

    return Example({path: textwrap.dedent(source).lstrip("\n")}, config)


@dataclass(frozen=True)
class RuleSpec:
    """Everything known about a rule without running it."""

    code: str
    name: str
    severity: Severity
    message: str
    fix: str
    docs: str
    valid: Tuple[Example, ...]
    invalid: Tuple[Example, ...]
    impl: Union[Type[FileRule], Type[ProjectRule]] = field(compare=False)

    @property
    def summary(self) -> str:
        return self.docs.strip().splitlines()[0] if self.docs.strip() else self.name

    @property
    def is_file_rule(self) -> bool:
        return issubclass(self.impl, FileRule)

    @property
    def call_facts_where(self) -> Tuple[Tuple[Pattern[bytes], ...], ...]:
        """For a project rule that reads the call graph: the text it needs in a service."""
        return self.impl.CALL_FACTS_WHERE if issubclass(self.impl, ProjectRule) else ()

    def may_match(self, text: str, plan: FilePlan) -> bool:
        """For a file rule: False only if it cannot flag anything in ``text``."""
        return issubclass(self.impl, FileRule) and self.impl.may_match(text, plan)

    def check_env_file(self, entries: Sequence[EnvEntry], service: Optional[Unit],
                       plan: FilePlan) -> List[Violation]:  # fmt: skip
        if not issubclass(self.impl, FileRule):
            return []
        return self.impl.check_env_file(self, entries, service, plan)

    def file_rule(self, context: FileContext) -> FileRule:
        assert issubclass(self.impl, FileRule), self.code
        return self.impl(self, context)

    def project_rule(self, project: Project) -> ProjectRule:
        assert issubclass(self.impl, ProjectRule), self.code
        return self.impl(self, project)

    def violation(self, location: Location, fix: Optional[str] = None,
                  severity: Optional[Severity] = None, **fields: Any) -> Violation:  # fmt: skip
        return Violation(
            code=self.code,
            name=self.name,
            severity=severity or self.severity,
            location=location,
            message=self.message.format(**fields),
            fix=self.fix if fix is None else fix,
        )


@dataclass
class FileContext:
    """What a file rule may know about the file it visits."""

    path: str
    module: cst.Module
    service: Optional[Unit] = None  # the service or shared library the file belongs to
    plan: FilePlan = field(default_factory=FilePlan)


@dataclass(frozen=True)
class _Pending:
    node: cst.CSTNode
    fix: Optional[str]
    severity: Optional[Severity]
    fields: Mapping[str, Any]


class FileRule(cst.BatchableCSTVisitor):
    """A rule that visits one file's LibCST tree, batched with the other file rules.

    Positions are resolved only for files with findings: computing them costs a
    whole extra pass over the tree, and most files have none.
    """

    PREFILTER: ClassVar[Optional[Pattern[str]]] = None

    @classmethod
    def check_env_file(cls, spec: RuleSpec, entries: Sequence[EnvEntry],
                       service: Optional[Unit], plan: FilePlan) -> List[Violation]:  # fmt: skip
        """Findings in a ``.env`` file's entries; rules that read them override this."""
        return []

    def __init__(self, spec: RuleSpec, context: FileContext) -> None:
        super().__init__()
        self.spec = spec
        self.context = context
        self.pending: List[_Pending] = []

    @classmethod
    def may_match(cls, text: str, plan: FilePlan) -> bool:
        """False only if the rule cannot flag anything in ``text`` (a sound prefilter)."""
        return cls.PREFILTER is None or cls.PREFILTER.search(text) is not None

    def report(self, node: cst.CSTNode, fix: Optional[str] = None,
               severity: Optional[Severity] = None, **fields: Any) -> None:  # fmt: skip
        self.pending.append(_Pending(node, fix, severity, fields))

    def violations(self, positions: Mapping[cst.CSTNode, CodeRange]) -> List[Violation]:
        """The findings, located with the positions of the reported nodes."""
        found = []
        for item in self.pending:
            r = positions[item.node]
            where = Location(self.context.path, r.start.line, r.start.column + 1,
                             r.end.line, r.end.column + 1)  # fmt: skip
            found.append(self.spec.violation(where, item.fix, item.severity, **item.fields))
        return found


class ProjectRule:
    """A rule over the facts of the whole project.

    ``CALL_FACTS_WHERE``: a rule that reads the call graph names what must occur
    somewhere in a service for it to find anything there: every entry is a
    tuple of alternative byte patterns, and each entry needs one of them. Call
    facts (the costliest facts) are gathered only in such services.
    """

    CALL_FACTS_WHERE: ClassVar[Tuple[Tuple[Pattern[bytes], ...], ...]] = ()

    def __init__(self, spec: RuleSpec, project: Project) -> None:
        self.spec = spec
        self.project = project

    def check(self) -> Iterable[Violation]:
        raise NotImplementedError

    def review(self, unused: Sequence[Tuple[str, Suppression]]) -> Iterable[Violation]:
        """Findings about suppression comments that silenced nothing (after every other rule)."""
        return ()
