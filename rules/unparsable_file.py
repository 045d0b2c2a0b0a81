"""A file that cannot be read, decoded or parsed.

## What it does
Reports a Python file that archcheck could not read, decode (NUL bytes, bytes
invalid in the file's encoding, a bad encoding cookie) or parse (a syntax
error under the newest grammar LibCST supports), at the first bad position.
The rest of the project is still checked.

## Why is this bad?
No other rule can see into the file, so violations in it go unnoticed, and
the file itself will fail to import at run time.

## Example
```python
def handler(request:
    return request
```

## Use instead
```python
def handler(request):
    return request
```
"""

from typing import Iterator

from archcheck.model import Severity, Violation
from archcheck.rule import ProjectRule, example

CODE = "ARC001"
NAME = "unparsable-file"
SEVERITY = Severity.ERROR
MESSAGE = "cannot check this file: {reason}"
FIX = "fix the file so that Python can read and parse it"

VALID = [
    example("x = 1\n"),
    example(""),
    example('names = ["a"]\nlabel = f"{", ".join(names)}"  # Python 3.12 f-string\n'),
    example("\ufeffx = 1\n"),
]
INVALID = [
    example("def handler(request:  # expect: ARC001\n    return request\n"),
    example("x = 1\nprint 'legacy'  # expect: ARC001\n"),
]


class Rule(ProjectRule):
    def check(self) -> Iterator[Violation]:
        for path in sorted(self.project.facts):
            for problem in self.project.facts[path].problems:
                yield self.spec.violation(problem.location, reason=problem.reason)
