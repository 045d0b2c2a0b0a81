"""What a rule is: its spec, its examples, and the rule class.

A rule module in ``archcheck.rules`` declares ``CODE``, ``NAME``, ``SEVERITY``,
``MESSAGE`` (a ``str.format`` template), ``FIX`` (the "use instead" hint),
``VALID``/``INVALID`` examples, its docs as the module docstring, and one class
``Rule`` derived from :class:`ProjectRule`, which sees only facts (never a
syntax tree) through :class:`~archcheck.project.Project`. A rule does no I/O
and reads no configuration file: what it needs is handed to it.
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
)

from archcheck.model import Location, Severity, Suppression, Violation

if TYPE_CHECKING:
    from archcheck.project.project import Project

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
    impl: Type[ProjectRule] = field(compare=False)

    @property
    def summary(self) -> str:
        return self.docs.strip().splitlines()[0] if self.docs.strip() else self.name

    @property
    def call_facts_where(self) -> Tuple[Tuple[Pattern[bytes], ...], ...]:
        """For a rule that reads the call graph: the text it needs in a service."""
        return self.impl.CALL_FACTS_WHERE

    def project_rule(self, project: Project) -> ProjectRule:
        return self.impl(self, project)

    def violation(self, location: Location, fix: Optional[str] = None, severity: Optional[Severity] = None,
                  message: Optional[str] = None, **fields: Any) -> Violation:  # fmt: skip
        """A finding at ``location``; ``message`` is another template of the rule's, for a second case."""
        return Violation(
            code=self.code,
            name=self.name,
            severity=severity or self.severity,
            location=location,
            message=(message or self.message).format(**fields),
            fix=self.fix if fix is None else fix,
        )


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
