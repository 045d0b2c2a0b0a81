"""One package pinned to different versions by services that run the same code.

## What it does
For each module of a shared library, takes the third-party packages it imports
(not the library's tests and test helpers), and the services whose running code
loads it: imports it, or a module below it (a package's `__init__` runs first),
or another shared module that imports it. Flags each exact pin (`==`) of such a
package in those services' own requirements files when another of those services
pins it to a different version: the module's code then runs against both. Two
services that load different modules of one library, each importing the package,
run no code in common. Lock files (pip-compile output) are compared by what
the services ask for directly: a line that a `# via` comment says another
package pulled in is not compared. Services that share no code may pin what
they like; a line that repeats the shared requirements file is REQ002's, and
two pins inside one service are REQ006's.

## Why is this bad?
The shared library was written and tested against one version. In the
service that pins another, it meets a different API: a model that validates
in one service fails in the next, and the failure shows up far from the pin.

## Example
```text
# shared/events.py imports pydantic; orders and billing both import shared
# services/orders/requirements.txt
pydantic==2.7.1
# services/billing/requirements.txt
pydantic==2.5.3
```

## Use instead
Pin the package once, in the shared requirements file, or bring the
services to one version.
"""

import itertools
import re
from typing import Dict, FrozenSet, Iterator, List, Set, Tuple

from packaging.utils import canonicalize_name

from archcheck.facts.requirements_txt import release
from archcheck.model import Location, RequirementFact, Severity, Violation
from archcheck.project.import_graph import services_loading
from archcheck.project.layout import UnitKind
from archcheck.rule_api.examples import Example
from archcheck.rule_api.rule import SHOWN, Rule, listed

MESSAGE = (
    "'{package}' is pinned to {version} here but to {others}; shared library '{library}' runs against both"
)
FIX = "pin one version everywhere, ideally once in the shared requirements file"

# import names whose distribution is named otherwise
DISTRIBUTIONS: Dict[str, Tuple[str, ...]] = {
    "yaml": ("pyyaml",),
    "jwt": ("pyjwt",),
    "PIL": ("pillow",),
    "dateutil": ("python-dateutil",),
    "dotenv": ("python-dotenv",),
    "sklearn": ("scikit-learn",),
    "bs4": ("beautifulsoup4",),
    "jose": ("python-jose",),
    "multipart": ("python-multipart",),
    "magic": ("python-magic",),
    "attr": ("attrs",),
    "cv2": ("opencv-python", "opencv-python-headless"),
    "grpc": ("grpcio",),
    "psycopg2": ("psycopg2", "psycopg2-binary"),
    "psycopg": ("psycopg", "psycopg-binary"),
    "kafka": ("kafka-python",),
    "zmq": ("pyzmq",),
    "serial": ("pyserial",),
    "Crypto": ("pycryptodome",),
    "OpenSSL": ("pyopenssl",),
    "docx": ("python-docx",),
    "slugify": ("python-slugify",),
    "socketio": ("python-socketio",),
    "engineio": ("python-engineio",),
    "google.protobuf": ("protobuf",),
    "google.oauth2": ("google-auth",),
    "google.auth": ("google-auth",),
    "google.cloud.pubsub_v1": ("google-cloud-pubsub",),
    "google.cloud.pubsub": ("google-cloud-pubsub",),
    "pydantic_settings": ("pydantic-settings",),
    "jinja2": ("jinja2",),
    "dns": ("dnspython",),
}

_CONFIG = 'services = ["services/*"]\nshared = ["shared"]\n'
_SHARED = {
    "shared/__init__.py": "",
    "shared/events.py": "import pydantic\nfrom httpx import AsyncClient\n",
    "shared/testing/fixtures.py": "import redis\n",  # test helpers: not code the services run
}
VALID = [
    Example(
        {
            **_SHARED,
            "services/orders/requirements.txt": "pydantic==2.7.1\nhttpx>=0.27\nredis==5.0.4\n",
            "services/billing/requirements.txt": "pydantic==2.7.1\nhttpx>=0.25\nredis==5.0.3\n",
            "services/orders/app/main.py": "from shared import events\n",
            "services/billing/app/main.py": "from shared.events import Event\n",
            # a service that does not use the shared library may pin another pydantic
            "services/search/requirements.txt": "pydantic==1.10.13\n",
            "services/search/app/main.py": "import pydantic\n",
            # a lock file: httpx was pulled in by another package, not asked for
            "services/mail/requirements.txt": "pydantic==2.7.1\nhttpx==0.24.0\n    # via\n    #   sendgrid\n",
            "services/mail/app/main.py": "import shared.events\n",
        },
        _CONFIG,
    ),
    Example(
        {  # two modules of the library import fastapi; each service loads only one of them
            "shared/__init__.py": "",
            "shared/auth.py": "import fastapi\n",
            "shared/mcp/__init__.py": "",
            "shared/mcp/server.py": "from fastapi import FastAPI\n",
            "services/orders/requirements.txt": "fastapi==0.104.1\n",
            "services/billing/requirements.txt": "fastapi==0.115.0\n",
            "services/orders/app/main.py": "from shared.auth import require_user\n",
            "services/billing/app/main.py": "from shared.mcp import server\n",
            "services/billing/tests/test_auth.py": "from shared import auth\n",  # (a test: not what runs)
        },
        _CONFIG,
    ),
    Example(
        {  # a namespace package's module is not protobuf, which comes from `google.protobuf`
            "shared/__init__.py": "",
            "shared/storage.py": "from google.cloud import storage\n",
            "services/orders/requirements.txt": "protobuf==4.25.3\n",
            "services/billing/requirements.txt": "protobuf==5.27.0\n",
            "services/orders/app/main.py": "from shared import storage\n",
            "services/billing/app/main.py": "from shared import storage\n",
        },
        _CONFIG,
    ),
]
INVALID = [
    Example(
        {  # the same module, loaded as the package above another one (`__init__`), or by another
            "shared/__init__.py": "from shared.contracts import Order\n",
            "shared/contracts.py": "import pydantic\n",
            "shared/auth.py": "",
            "shared/cache.py": "from shared import retry\n",
            "shared/retry.py": "import tenacity\n",
            "services/orders/requirements.txt": "pydantic==2.5.2  # expect: REQ005\ntenacity==8.2.3  # expect: REQ005\n",
            "services/billing/requirements.txt": "pydantic==2.8.0  # expect: REQ005\ntenacity==9.0.0  # expect: REQ005\n",
            "services/orders/app/main.py": "from shared.auth import require_user\nfrom shared import cache\n",
            "services/billing/app/main.py": "import shared.cache\n",
        },
        _CONFIG,
    ),
    Example(
        {
            **_SHARED,
            "services/orders/requirements.txt": "pydantic==2.7.1  # expect: REQ005\nhttpx==0.27.0  # expect: REQ005\n",
            "services/billing/requirements.txt": (
                "Pydantic==2.5.3  # expect: REQ005\nhttpx==0.26.0  # via -r requirements.in  # expect: REQ005\n"
            ),
            "services/orders/app/main.py": "from shared import events\n",
            "services/billing/app/main.py": "from shared.events import Event\n",
        },
        _CONFIG,
    ),
    Example(
        {  # namespace packages: a distribution named by the import's dotted prefix
            "shared/__init__.py": "",
            "shared/telemetry.py": (
                "from google.cloud import storage\nfrom opentelemetry.sdk.trace import TracerProvider\n"
                "from ruamel.yaml import YAML\n"
                "from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter\n"
                "from google.cloud import pubsub_v1\nfrom google.oauth2 import service_account\n"
                "from google.cloud import firestore_v1\n"
            ),
            "services/orders/requirements.txt": (
                "opentelemetry-sdk==1.20.0  # expect: REQ005\ngoogle-cloud-storage==2.10.0  # expect: REQ005\n"
                "ruamel.yaml==0.17.21  # expect: REQ005\n"
                "opentelemetry-exporter-otlp-proto-grpc==1.20.0  # expect: REQ005\n"
                "google-cloud-pubsub==2.18.0  # expect: REQ005\ngoogle-auth==2.20.0  # expect: REQ005\n"
                "google-cloud-firestore==2.11.0  # expect: REQ005\n"
            ),
            "services/billing/requirements.txt": (
                "opentelemetry-sdk==1.24.0  # expect: REQ005\ngoogle-cloud-storage==2.16.0  # expect: REQ005\n"
                "ruamel.yaml==0.18.6  # expect: REQ005\n"
                "opentelemetry-exporter-otlp-proto-grpc==1.24.0  # expect: REQ005\n"
                "google-cloud-pubsub==2.21.0  # expect: REQ005\ngoogle-auth==2.29.0  # expect: REQ005\n"
                "google-cloud-firestore==2.16.0  # expect: REQ005\n"
            ),
            "services/orders/app/main.py": "from shared import telemetry\n",
            "services/billing/app/main.py": "from shared import telemetry\n",
        },
        _CONFIG,
    ),
]


_API_VERSION = re.compile(r"_v\d+(?:(?:alpha|beta)\d*)?$")
_NAMESPACE_DEPTH = 6  # dotted names of a namespace package a distribution may be named by
# (`opentelemetry.exporter.otlp.proto.grpc`: `opentelemetry-exporter-otlp-proto-grpc`)


def distributions(module: str) -> FrozenSet[str]:
    """The canonical distribution names an import name may come from: those a dotted prefix of
    it is known to come from (``yaml``: PyYAML), else each dotted prefix named with dashes, as
    a namespace package's distributions are (``opentelemetry.sdk``: ``opentelemetry-sdk``,
    ``google.cloud.storage``: ``google-cloud-storage``, ``ruamel.yaml``)."""
    # (a versioned module names its distribution without the version: `google.cloud.firestore_v1`)
    parts = [_API_VERSION.sub("", part) for part in module.split(".")[:_NAMESPACE_DEPTH]]
    prefixes = [".".join(parts[:size]) for size in range(1, len(parts) + 1)]
    known = [DISTRIBUTIONS[p] for p in prefixes if p in DISTRIBUTIONS]
    names = known[-1] if known else [p.replace(".", "-") for p in prefixes]
    return frozenset(canonicalize_name(d) for d in names)


Pin = Tuple[str, str, RequirementFact]  # (service, version, requirement)


class VersionDrift(
    Rule,
    code="REQ005",
    name="version-drift",
    severity=Severity.WARNING,
    message=MESSAGE,
    fix=FIX,
    docs=__doc__,
    valid=VALID,
    invalid=INVALID,
):
    reads = frozenset({"requirements", "includes", "problems", "imports"})

    def check(self) -> Iterator[Violation]:
        seen: Set[Tuple[str, str, int]] = set()
        pins: Dict[str, Dict[str, List[Pin]]] = {}  # service -> package -> its direct pins
        for (library, package), groups in sorted(self._groups().items()):
            for users in sorted(groups, key=lambda users: (-len(users), sorted(users))):
                for service in users.difference(pins):
                    pins[service] = self._pins(service)
                sites = [pin for service in sorted(users) for pin in pins[service].get(package, ())]
                drift = _Drift(sites)
                if len(drift.releases) < 2:
                    continue  # `2` and `2.0` are one release
                for _service, version, fact in sites:
                    where = (fact.location.path, package, fact.location.line)
                    if where in seen:
                        continue
                    seen.add(where)
                    shown, total = drift.others(release(version))
                    yield self.violation(
                        fact.location,
                        related=[location for _, location in shown],
                        package=package,
                        version=version,
                        others=listed([text for text, _ in shown], total),
                        library=library,
                    )

    def _groups(self) -> Dict[Tuple[str, str], Set[FrozenSet[str]]]:
        """(library, package) -> each set of two or more services that load one module of the
        library that imports the package: the code that runs against each of their pins."""
        project = self.project
        loading = services_loading(project.layout, project.imports, project.is_test_file)
        groups: Dict[Tuple[str, str], Set[FrozenSet[str]]] = {}
        for path, packages in self._packages_by_file().items():
            users, library = loading.get(path, frozenset()), project.layout.owner(path)
            if len(users) > 1 and library is not None:
                for package in packages:
                    groups.setdefault((library.name, package), set()).add(users)
        return groups

    def _packages_by_file(self) -> Dict[str, Set[str]]:
        """Each shared-library module's third-party distributions (not its tests' and test
        helpers'), from one pass over the project's imports."""
        found: Dict[str, Set[str]] = {}
        for item in self.project.imports:
            source = item.source
            third_party = item.resolution.target is None and not item.fact.level and item.fact.module
            if (
                source is None
                or source.kind is not UnitKind.SHARED
                or not third_party
                or item.fact.typing_only
            ):
                continue  # (an import for type checkers only runs nothing)
            if not self.project.is_test_file(item.path):
                packages = found.setdefault(item.path, set())
                packages.update(distributions(item.fact.module))
                # `from google.cloud import storage` may import a namespace's module
                for name in item.fact.names:
                    packages.update(distributions(f"{item.fact.module}.{name}"))
        return found

    def _pins(self, service: str) -> Dict[str, List[Pin]]:
        """A service's exact pins, by package: its own requirements files', as it asks for them."""
        requirements = self.project.requirements
        pins: Dict[str, List[Pin]] = {}
        for fact in requirements.requirements_in(requirements.service_files(service)):
            if fact.direct:
                pins.setdefault(fact.name, []).extend((service, v, fact) for v in fact.pins)
        return pins


class _Drift:
    """The pins of one package across services, by release: each pin's message names the
    first ``SHOWN`` pins of other releases and counts the rest, in time linear in the pins."""

    def __init__(self, sites: List[Pin]) -> None:
        by_release: Dict[str, Dict[str, Location]] = {}
        for service, version, fact in sites:
            where = fact.location
            text = f"{version} in {service} ({where.path}:{where.line})"
            by_release.setdefault(release(version), {}).setdefault(text, where)
        self.releases = {r: len(texts) for r, texts in by_release.items()}
        self.total = sum(self.releases.values())
        # the first SHOWN of each release, together: enough to show SHOWN of any other release
        self.heads = sorted(
            (text, r, where)
            for r, texts in by_release.items()
            for text, where in sorted(texts.items())[:SHOWN]
        )

    def others(self, own: str) -> Tuple[List[Tuple[str, Location]], int]:
        """The pins of releases other than ``own`` to show, and how many there are."""
        shown = list(itertools.islice(((t, where) for t, r, where in self.heads if r != own), SHOWN))
        return shown, self.total - self.releases[own]
