"""One package pinned to different versions across services, or twice in one service.

## What it does
Collects every exact pin (`==`) in the services' own requirements files (the
shared file is REQ002's business) and flags each pin of a package that is
pinned to another version elsewhere: in another service, or in another line
or file of the same service.

## Why is this bad?
Services that talk to each other through shared payloads, or share a
library, behave differently when their dependencies drift: a model that
validates in one service fails in the next. Within one service, two pins of
one package make pip fail, or depend on which file happened to be installed.

## Example
```text
# services/orders/requirements.txt
pydantic==2.7.1
# services/billing/requirements.txt
pydantic==2.5.3
```

## Use instead
Pin the package once, in the shared requirements file, or bring the
services to one version.
"""

from typing import Dict, Iterator, List, Tuple

from archcheck.model import RequirementFact, Severity, Violation
from archcheck.rule import Example, ProjectRule

CODE = "REQ005"
NAME = "version-drift"
SEVERITY = Severity.WARNING
MESSAGE = "'{package}' is pinned to {version} here but to {others}"
FIX = "pin one version everywhere, ideally once in the shared requirements file"

_CONFIG = 'services = ["services/*"]\n'
VALID = [
    Example(
        {
            "services/orders/requirements.txt": "pydantic==2.7.1\nhttpx>=0.27\n",
            "services/billing/requirements.txt": "pydantic==2.7.1\nhttpx>=0.25\n",
            "services/orders/app/main.py": "",
            "services/billing/app/main.py": "",
        },
        _CONFIG,
    ),
]
INVALID = [
    Example(
        {
            "services/orders/requirements.txt": "pydantic==2.7.1  # expect: REQ005\nredis==5.0.4  # expect: REQ005\n-r extra.txt\n",
            "services/orders/extra.txt": "redis==5.0.3  # expect: REQ005\n",
            "services/billing/requirements.txt": "Pydantic==2.5.3  # expect: REQ005\n",
            "services/orders/app/main.py": "",
            "services/billing/app/main.py": "",
        },
        _CONFIG,
    ),
]


class Rule(ProjectRule):
    def check(self) -> Iterator[Violation]:
        requirements = self.project.requirements
        pins: Dict[str, List[Tuple[str, str, RequirementFact]]] = {}
        seen = set()
        for service in sorted(requirements.roots):
            for fact in requirements.requirements_in(requirements.service_files(service)):
                if id(fact) in seen:
                    continue
                seen.add(id(fact))
                for version in fact.pins:
                    pins.setdefault(fact.name, []).append((service, version, fact))
        for package, sites in sorted(pins.items()):
            if len({version for _, version, _ in sites}) < 2:
                continue
            for _service, version, fact in sites:
                others = sorted({f"{v} in {s} ({f.location.path}:{f.location.line})"
                                 for s, v, f in sites if v != version})  # fmt: skip
                yield self.spec.violation(fact.location, package=package, version=version,
                                          others=", ".join(others))  # fmt: skip
