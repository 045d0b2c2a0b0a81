"""Rule examples: small projects that must be flagged (INVALID) or must not be (VALID).

The test suite runs every rule's examples through the whole engine.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from typing import List, Mapping, Tuple

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
    return Example({path: textwrap.dedent(source).lstrip("\n")}, config)
