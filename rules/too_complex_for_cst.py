"""Python that this interpreter rejects, perhaps valid: checked in part, or not at all.

## What it does
Reports a Python file that the Python running archcheck rejects (typically
syntax of a newer Python, such as a 3.12 f-string on 3.11). LibCST, which
reads the newer grammar, gives its imports and definitions, so the import
and duplication rules still see it, but the rules that read its code (async
misuse, configuration) need this Python's tree and skip it: the finding is
on the line this Python rejects. When LibCST could not parse it to the end
either (its native parser crashed, ran out of memory, or used up its CPU
time: deep nesting, operand chains of thousands of terms), or the file is too
large for it (over an eighth of the tokens `max-file-size` allows; LibCST
takes about 30 µs a token, so such a file is not parsed at all, and a syntax
error in it is this warning too, unless it holds nothing newer grammar needs:
no f- or t-string, `type` statement or type parameters), no rule sees into it. Also a file this
Python's own parser could not finish within its CPU-time limit: before 3.12,
an f-string of tens of thousands of placeholders parses in quadratic time.
Such a file may be valid code; it is a warning, not ARC001's "cannot parse":
nothing says the code is broken.

## Why is this bad?
Findings in the file go unnoticed. The file is valid for the Python the
service runs on, so CI that runs archcheck on an older Python checks less,
and one line of newer syntax would hide an `asyncio.run()` in async code.

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
FIX = "run archcheck on the Python the service runs on (or split a generated expression)"

_NEWER = 'label = f"{"name"}"\n'
_CHAIN = "ok = c0" + "".join(f" and c{i}" for i in range(1, 10_000)) + "\n"

VALID = [example('names = ["a"]\nlabel = ", ".join(names)\n'), example(_CHAIN)]
INVALID = [
    example('names = ["a"]\nlabel = f"{", ".join(names)}"  # expect: ARC003\n', python_below=(3, 12)),
    example("# expect: ARC003\n" + _NEWER + _CHAIN, python_below=(3, 12)),
]


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
