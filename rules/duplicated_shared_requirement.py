"""A service requirement that the shared requirements file already provides.

## What it does
Flags each requirement in a service's own requirements files whose package
(by canonical name: `Django`, `django`, `django_` are one) is already listed
in the shared requirements file or the files it includes. The message says
whether the versions differ.

## Why is this bad?
Two places now pin one package. When the shared pin moves, the service's
copy stays behind (`python-dotenv==1.0.0` against the shared `1.0.1`), and
pip either fails on the conflict or installs something nobody chose.

## Example
```text
-r ../../requirements.shared.txt
fastapi==0.116.1
```

## Use instead
```text
-r ../../requirements.shared.txt
```
"""

from typing import Dict, Iterator

from archcheck.model import RequirementFact, Severity, Violation
from archcheck.rule import Example, ProjectRule

CODE = "REQ002"
NAME = "duplicated-shared-requirement"
SEVERITY = Severity.ERROR
MESSAGE = "'{requirement}' is already in the shared requirements ({shared}){difference}"
FIX = "remove the line and rely on the shared requirements file"

_CONFIG = 'services = ["services/*"]\n'
VALID = [
    Example(
        {
            "requirements.shared.txt": "fastapi==0.116.1\n-r shared/base.txt\n",
            "shared/base.txt": "pydantic==2.7.1\n",
            "services/orders/requirements.txt": "-r ../../requirements.shared.txt\nstripe==10.1.0\n-c constraints.txt\n",
            "services/orders/constraints.txt": "fastapi==0.116.1\n",
            "services/orders/app/main.py": "",
        },
        _CONFIG,
    ),
]
INVALID = [
    Example(
        {
            "requirements.shared.txt": "FastAPI==0.116.1\npython-dotenv==1.0.1\nhttpx==0.27.0\n-r shared/base.txt\n",
            "shared/base.txt": "pydantic==2.7.1\n",
            "services/orders/requirements.txt": (
                "-r ../../requirements.shared.txt\n"
                "fastapi==0.116.1  # expect: REQ002\n"
                "python_dotenv==1.0.0  # expect: REQ002\n"
                "Pydantic  # expect: REQ002\n"
                "stripe==10.1.0\n"
                "httpx==0.27.0  # archcheck: ignore[REQ002]\n"
            ),
            "services/billing/requirements.txt": "fastapi==0.116.1  # expect: REQ002\n",
            "services/orders/app/main.py": "",
            "services/billing/app/main.py": "",
        },
        _CONFIG,
    ),
]


def describe(fact: RequirementFact) -> str:
    return f"{fact.text} in {fact.location.path}:{fact.location.line}"


class Rule(ProjectRule):
    def check(self) -> Iterator[Violation]:
        requirements = self.project.requirements
        shared: Dict[str, RequirementFact] = {}
        for fact in requirements.requirements_in(requirements.shared_closure()):
            shared.setdefault(fact.name, fact)
        if not shared:
            return
        for service in sorted(requirements.roots):
            for fact in requirements.requirements_in(requirements.service_files(service)):
                other = shared.get(fact.name)
                if other is None:
                    continue
                difference = ""
                if fact.pins and other.pins and set(fact.pins) != set(other.pins):
                    difference = (
                        f"; versions differ: {', '.join(fact.pins)} here, {', '.join(other.pins)} shared"
                    )
                yield self.spec.violation(fact.location, requirement=fact.text, shared=describe(other),
                                          difference=difference)  # fmt: skip
