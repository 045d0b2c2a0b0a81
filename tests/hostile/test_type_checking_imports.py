"""Run 93b/09: an import under ``if TYPE_CHECKING:`` counted as a service loading the shared
module, so its pins were compared (REQ005) though its running code never loads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from archcheck.rule_api.examples import Example
from tests.helpers import write_example
from tests.hostile._project import run

EVENTS = "import pydantic\n\n\nclass Event(pydantic.BaseModel):\n    id: int\n"


@pytest.mark.parametrize(
    ("orders", "expected"),
    [
        ("from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from shared.events import Event\n", 0),
        ("import typing\n\nif not typing.TYPE_CHECKING:\n    pass\nelse:\n    import shared.events\n", 0),
        (
            "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    pass\nelse:\n    import shared.events\n",
            2,
        ),
        ("from shared.events import Event\n", 2),
        # run 94b: under another name, and joined to another test by `and`
        ("from typing import TYPE_CHECKING as TC\n\nif TC:\n    from shared.events import Event\n", 0),
        (
            "import sys\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING and sys.version_info >= (3, 11):\n"
            "    from shared.events import Event\n",
            0,
        ),
    ],
)
def test_an_import_for_type_checkers_loads_nothing(tmp_path: Path, orders: str, expected: int) -> None:
    files = {
        "requirements.shared.txt": "fastapi==0.116.1\n",
        "orders/requirements.txt": "-r ../requirements.shared.txt\npydantic==2.7.1\n",
        "billing/requirements.txt": "-r ../requirements.shared.txt\npydantic==2.5.3\n",
        "shared/__init__.py": "",
        "shared/events.py": EVENTS,
        "orders/app/__init__.py": "",
        "orders/app/a.py": orders,
        "billing/app/__init__.py": "",
        "billing/app/b.py": "from shared.events import Event\n",
    }
    root = write_example(tmp_path, Example(files, 'services = ["orders", "billing"]\nshared = ["shared"]\n'))
    out = run(root, "--no-cache", "--select", "REQ005").stdout.decode()
    assert out.count("REQ005") == expected, out


def test_a_shared_module_importing_a_package_for_type_checkers_runs_against_nothing(tmp_path: Path) -> None:
    """Run 95b/07: a shared module importing ``sqlalchemy`` only under ``if TYPE_CHECKING:`` had
    the services' pins of it compared."""
    files = {
        "orders/requirements.txt": "sqlalchemy==2.0.30\n",
        "billing/requirements.txt": "sqlalchemy==1.4.52\n",
        "shared/__init__.py": "",
        "shared/dbutil.py": (
            "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from sqlalchemy.orm import Session\n\n\n"
            "def close(s: 'Session') -> None:\n    s.close()\n"
        ),
        "orders/app/a.py": "from shared.dbutil import close\n",
        "billing/app/b.py": "from shared.dbutil import close\n",
    }
    root = write_example(tmp_path, Example(files, 'services = ["orders", "billing"]\nshared = ["shared"]\n'))
    out = run(root, "--no-cache", "--select", "REQ005").stdout.decode()
    assert "REQ005" not in out, out
