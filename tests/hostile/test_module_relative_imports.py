"""Run 90b/10, 11, 17, 18, 19: a module-level relative import lost to a function's own import of
the same name, and a base class or a wrapped class imported relatively under an alias was not
followed. A name means what the module imports it as, relative or absolute, before what a
function imports; and a base named through any import is the class it binds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict

import pytest

from tests.hostile._project import project, unscreened_agree

HELPERS = {
    "__init__.py": "",
    "helpers.py": "import asyncio\n\ndef run_sync(coro):\n    return asyncio.run(coro)\n",
    "safe.py": "def run_sync(coro):\n    return coro\n",
}


def codes(root: Path, monkeypatch: pytest.MonkeyPatch) -> Dict[str, set]:
    """File name -> (code, line) of its findings, relative imports (IMP002) aside."""
    found: Dict[str, set] = {}
    for code, path, line in unscreened_agree(root, monkeypatch):
        if code != "IMP002":
            found.setdefault(path.rsplit("/", 1)[-1], set()).add((code, line))
    return found


def test_the_modules_relative_import_decides_over_a_functions_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        **HELPERS,
        # the module's run_sync enters no loop; cli's own import of the other is cli's alone
        "fp.py": (
            "from .safe import run_sync\n\nasync def handler(c):\n    run_sync(c)\n\n"
            "def cli(c):\n    from app.helpers import run_sync\n    return run_sync(c)\n"
        ),
        # the module's run_sync enters a loop
        "fn.py": (
            "from .helpers import run_sync\n\nasync def handler(c):\n    run_sync(c)\n\n"
            "def cli(c):\n    from app.safe import run_sync\n    return run_sync(c)\n"
        ),
        "db.py": (
            "from contextlib import asynccontextmanager\n\n@asynccontextmanager\nasync def get_db():\n"
            "    yield 1\n\nasync def get_session():\n    yield 1\n"
        ),
        "other.py": "def get_db():\n    return 1\n\ndef get_session():\n    return 1\n",
        "routes.py": (
            "from fastapi import Depends\nfrom .db import get_db, get_session\n\n"
            "async def route(db=Depends(get_db)):\n    async with get_session() as s:\n        pass\n\n"
            "def other():\n    from app.other import get_db, get_session\n    return get_db(), get_session()\n"
        ),
    }
    found = codes(project(tmp_path, files), monkeypatch)
    assert "fp.py" not in found
    assert found["fn.py"] == {("ASY003", 4)}
    assert found["routes.py"] == {("ASY006", 4), ("ASY005", 5)}


def test_a_base_imported_relatively_under_an_alias_is_the_class_it_binds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "__init__.py": "",
        # an extension of the other copy, not a duplicate
        "db.py": "class Storage:\n    def get(self): ...\n",
        "store.py": "from .db import Storage as StorageBase\n\nclass Storage(StorageBase):\n    def put(self): ...\n",
        # two copies of one exception: the kind is found through the alias
        "base.py": "class AppError(Exception): ...\n",
        "a.py": "class OrderError(Exception): ...\n",
        "b.py": "from .base import AppError as _Base\n\n\nclass OrderError(_Base): ...\n",
        # a subclass is no second implementation of its concept
        "client.py": "class PaymentClient:\n    def charge(self): ...\n    def refund(self): ...\n",
        "retry.py": (
            "from .client import PaymentClient as _Base\n\n\nclass RetryingPaymentClient(_Base):\n"
            "    def charge(self): ...\n    def refund(self): ...\n"
        ),
        # a settings class derived through the alias: its field default is a fallback
        "settings.py": "from pydantic_settings import BaseSettings\n\nclass AppSettings(BaseSettings): ...\n",
        "cache.py": (
            "from .settings import AppSettings as _Settings\n\n\nclass CacheOptions(_Settings):\n"
            '    redis_url: str = "redis://localhost:6379/0"\n'
        ),
    }
    files.update(  # run 91b/08: through a package's `__init__` that re-exports it
        {
            "pkg/__init__.py": "from .manager import DatabaseManager\n",
            "pkg/manager.py": "class DatabaseManager:\n    def get(self): ...\n",
            "legacy.py": (
                "from app.pkg import DatabaseManager as _Base\n\n\nclass DatabaseManager(_Base):\n"
                "    def put(self): ...\n"
            ),
        }
    )
    found = codes(project(tmp_path, files), monkeypatch)
    assert found.get("legacy.py") is None and found.get("manager.py") is None
    assert found.get("store.py") is None and found.get("db.py") is None
    assert found["a.py"] == {("SSOT001", 1)} and found["b.py"] == {("SSOT001", 4)}
    assert found.get("retry.py") is None and found.get("client.py") is None
    assert found["cache.py"] == {("CFG004", 5)}


def test_a_facade_that_builds_the_other_class_under_an_alias_is_no_second_implementation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    methods = "    def charge(self): ...\n    def refund(self): ...\n"
    files = {
        "__init__.py": "",
        "client.py": "class PaymentClient:\n" + methods,
        "facade.py": (
            "from app.client import PaymentClient as _Impl\n\n\nclass PaymentGatewayClient:\n"
            "    def __init__(self):\n        self._impl = _Impl()\n" + methods
        ),
        # a name that merely ends like the alias is no mention of it
        "other.py": (
            "from app.client import PaymentClient as _Impl\n\n\nclass OrderPaymentClient:\n"
            "    def __init__(self):\n        self.x = my_Impl()\n" + methods
        ),
    }
    found = codes(project(tmp_path, files), monkeypatch)
    assert found.get("facade.py") is None
    assert found["other.py"] == {("SSOT003", 4)}
