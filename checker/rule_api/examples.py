"""Rule examples: small projects that must be flagged (INVALID) or must not be (VALID).

The test suite runs every rule's examples through the whole engine. An example with
``fixed`` is also a fix example: ``check --fix`` on it must leave each file named there with
exactly that text (the text as written, when the fix must not be applied), and every other
file as it was.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from typing import List, Mapping, Optional, Tuple

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
    fixed: Mapping[str, str] = field(default_factory=dict)  # file -> its text after ``check --fix``
    # (major, minor): the example holds only on a Python older than that (its newer grammar)
    python_below: Optional[Tuple[int, int]] = None

    def __post_init__(self) -> None:
        # (the layout's `shared` folder named only where the example has one: a `shared` glob
        # that matches no folder is a configuration error)
        if self.config == EXAMPLE_CONFIG and not any(path.startswith("shared/") for path in self.files):
            object.__setattr__(self, "config", 'services = ["services/*"]\n')

    def expected(self, code: str) -> List[Tuple[str, int]]:
        """(path, line) pairs marked ``# expect: CODE``."""
        marks = []
        for path, text in self.files.items():
            for number, line in enumerate(text.splitlines(), start=1):
                match = EXPECT_MARKER.search(line)
                if match and match.group(1) == code:
                    marks.append((path, number))
        return sorted(marks)


def example(
    source: str,
    path: str = EXAMPLE_PATH,
    config: str = EXAMPLE_CONFIG,
    fixed: Optional[str] = None,
    python_below: Optional[Tuple[int, int]] = None,
) -> Example:
    """A one-file example; the text (and the ``fixed`` text, if given) is dedented."""
    after = {} if fixed is None else {path: _dedented(fixed)}
    return Example({path: _dedented(source)}, config, fixed=after, python_below=python_below)


def _dedented(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")
