"""An `# archcheck: ignore[...]` comment that suppresses nothing.

## What it does
Reports a suppression comment (in Python, requirements or `.env` files) that
silenced no finding in this run, like ruff's RUF100. A comment that names only
codes this run does not check is not judged.

## Why is this bad?
The finding it was written for is gone, or the code named is wrong. The stale
comment will silently hide the next real finding on that line.

## Example
```python
import os  # archcheck: ignore[IMP001]
```

## Use instead
```python
import os
```
"""

from typing import Iterator, Sequence, Tuple

from archcheck.model import Location, Severity, Suppression, Violation
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import Rule

MESSAGE = "suppression of {codes} silences nothing here"
FIX = "remove the comment, or fix the codes it names"

_APP = "services/orders-service/app/"
_CONFIG = 'services = ["services/*"]\n'
VALID = [
    Example(
        {
            _APP + "main.py": (
                "import asyncio\n\n"
                "async def start():\n"
                "    asyncio.run(main())  # archcheck: ignore[ASY001]\n"
                "    asyncio.run(  # archcheck: ignore[ASY]\n"
                "        main())\n"
                "NOTE = '# archcheck: ignore[IMP001]'\n"
                "import os  # archcheck: ignore[XYZ999] unknown codes are not judged\n"
            ),
        },
        _CONFIG,
        select=("ASY", "IMP001"),
    ),
]
INVALID = [
    Example(
        {
            _APP + "main.py": (
                "import os  # archcheck: ignore[IMP001]  # expect: ARC002\n"
                "import sys  # archcheck: ignore  # expect: ARC002\n"
            ),
            "services/orders-service/requirements.txt": "httpx==0.28.1  # archcheck: ignore[REQ002]  # expect: ARC002\n",
        },
        _CONFIG,
        select=("IMP001", "REQ002"),
    ),
]


class UnusedSuppression(
    Rule,
    code="ARC002",
    name="unused-suppression",
    severity=Severity.WARNING,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
):
    reads = frozenset()  # it judges suppression comments, after the other rules (review)

    def check(self) -> Iterator[Violation]:
        return iter(())

    def review(self, unused: Sequence[Tuple[str, Suppression]]) -> Iterator[Violation]:
        for path, suppression in unused:
            line = suppression.line
            codes = ", ".join(suppression.codes) if suppression.codes else "every code"
            yield self.violation(Location(path, line, 1, line, 1), codes=codes)
