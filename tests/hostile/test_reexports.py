"""Run 79: ASY003 did not follow a function a package's ``__init__`` re-exports (``from .c
import helper``), where ASY005 and ASY006 do: the call graph and the protocol rules now
follow an imported name the same way (``project.imported_names``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile._project import findings, project

HELPER = "import asyncio\n\n\ndef helper():\n    asyncio.run(main())\n"


@pytest.mark.parametrize(
    "init",
    ["from app.pkg.c import helper\n", "from .c import helper\n", "from . import c\nhelper = c.helper\n"],
)
def test_a_function_a_package_re_exports_is_followed(tmp_path: Path, init: str) -> None:
    files = {
        "__init__.py": "",
        "pkg/c.py": HELPER,
        "pkg/__init__.py": init,
        "a.py": "from app.pkg import helper\n\n\nasync def f():\n    helper()\n",
        "b.py": "from app.pkg.c import helper\n\n\nasync def f():\n    helper()\n",
    }
    found = [(path, line) for rule, path, line in findings(project(tmp_path, files)) if rule == "ASY003"]
    expected = [("svc/app/b.py", 5)]
    if "import helper" in init:  # an import re-exports it; an assignment is no certain definition
        expected.insert(0, ("svc/app/a.py", 5))
    assert found == expected
