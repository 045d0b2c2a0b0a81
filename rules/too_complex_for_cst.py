"""Python that this interpreter rejects and the CST parser could not finish: perhaps valid.

## What it does
Reports a Python file that the Python running archcheck rejects (typically
syntax of a newer Python, such as a 3.12 f-string on 3.11) and that LibCST,
which reads the newer grammar, could not parse to the end: its native parser
crashed, ran out of memory, or used up its CPU time (deep nesting, operand
chains of thousands of terms), or that is too large for it: over an eighth
of the tokens `max-file-size` allows (LibCST takes about 30 µs a token, so
such a file is only parsed, to tell newer grammar from a syntax error). Also a file this Python's own parser could not
finish within its CPU-time limit: before 3.12, an f-string of tens of
thousands of placeholders parses in quadratic time. Such a file may be valid
code; archcheck cannot tell, and no other rule sees into it. It is a warning, not ARC001's
"cannot parse": nothing says the code is broken.

## Why is this bad?
Every finding in the file goes unnoticed. The file is valid for the Python
the service runs on, so CI that runs archcheck on an older Python silently
checks less.

## Example
```python
label = f"{"name"}"  # 3.12 syntax, in a file of ten thousand `and` terms
ok = c0 and c1 and c2 and ...  # ... c9999
```

## Use instead
Run archcheck on the Python the service uses (then `ast` reads the file and
LibCST is not needed), or split the generated expression.
"""

from typing import Iterator

from archcheck.model import Severity, Violation
from archcheck.rule_api.examples import example
from archcheck.rule_api.rule import Rule

MESSAGE = "not checked: {reason}"
FIX = "run archcheck on the Python the service runs on, or split the expression"

_NEWER = 'label = f"{"name"}"\n'
_CHAIN = "ok = c0" + "".join(f" and c{i}" for i in range(1, 10_000)) + "\n"

VALID = [example('names = ["a"]\nlabel = f"{", ".join(names)}"\n'), example(_CHAIN)]
INVALID = [example("# expect: ARC003\n" + _NEWER + _CHAIN)]


class TooComplexForCst(
    Rule,
    code="ARC003",
    name="too-complex-for-cst",
    severity=Severity.WARNING,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
):
    reads = frozenset({"problems"})

    def check(self) -> Iterator[Violation]:
        for path in sorted(self.project.facts):
            for problem in self.project.facts[path].problems:
                if problem.beyond_limits:
                    yield self.violation(problem.location, reason=problem.reason)
