"""Run 79: ASY003 did not follow a function a package's ``__init__`` re-exports (``from .c
import helper``), where ASY005 and ASY006 do: the call graph and the protocol rules now
follow an imported name the same way (``project.imported_names``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Dict, List, Set

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


def test_a_caller_behind_eight_re_exports_is_followed(tmp_path: Path) -> None:
    """Run 91b/02: README says 8 re-exports; a chain of exactly 8 was missed (7 worked)."""
    files = {"__init__.py": "", "p0/__init__.py": "", "p0/helpers.py": HELPER}
    for hop in range(1, 9):
        files[f"p{hop}/__init__.py"] = f"from app.p{hop - 1}{'.helpers' if hop == 1 else ''} import helper\n"
    files["use.py"] = "from app.p8 import helper\n\n\nasync def f():\n    helper()\n"
    found = [(path, line) for rule, path, line in findings(project(tmp_path, files)) if rule == "ASY003"]
    assert found == [("svc/app/use.py", 5)]


def test_a_caller_behind_re_exports_of_re_exports_is_followed(tmp_path: Path) -> None:
    """Run 90b/01: a caller two re-exports away from the helper was never read (the call graph
    looked at the importers of the helper's importers only); under an alias too."""
    files = {
        "__init__.py": "",
        "internal/helpers.py": HELPER,
        "api/__init__.py": "from app.internal.helpers import helper\n",
        "public/__init__.py": "from app.api import helper\n",
        "aliased/__init__.py": "from app.public import helper as run_it\n",
        "two_hops.py": "from app.public import helper\n\n\nasync def f():\n    helper()\n",
        "three_hops.py": "from app.aliased import run_it\n\n\nasync def f():\n    run_it()\n",
    }
    found = [(path, line) for rule, path, line in findings(project(tmp_path, files)) if rule == "ASY003"]
    assert found == [("svc/app/three_hops.py", 5), ("svc/app/two_hops.py", 5)]


def test_files_importing_the_package_for_something_else_are_looked_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 90b/05: every file importing the package's ``__init__`` (``from app import settings``)
    had all the others among its importers' importers: N² (16,000 files: 31 s). Only a file that
    imports the helper's name itself is followed further; counted, not timed."""
    from archcheck.project.call_graph import CallGraph

    fillers = {
        f"filler/x{j}.py": "from app import settings\n\n\ndef g():\n    return settings\n" for j in range(300)
    }
    files = {
        "__init__.py": "settings = {}\n",
        "filler/__init__.py": "",
        "m0.py": "import asyncio\nfrom app import settings\n\n\ndef f0(c):\n    return asyncio.run(c)\n",
        "top.py": "from app.m0 import f0\n\n\nasync def h(c):\n    f0(c)\n",
        **fillers,
    }
    root = project(tmp_path, files)
    looked: list = []
    original = CallGraph._importers
    monkeypatch.setattr(
        CallGraph,
        "_importers",
        lambda self, path, groups: looked.append(path) or original(self, path, groups),
    )
    found = [(path, line) for rule, path, line in findings(root) if rule == "ASY003"]
    assert found == [("svc/app/top.py", 5)]
    assert len(looked) < 20, len(looked)


def test_the_names_asked_of_many_callers_are_one_set_not_a_copy_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 91b/11: N loop-entering functions of one module, each called from one of N files:
    every candidate file got its own copy of the N names, and a pattern of N words was built
    for each (4,000: 14.8 s, 590 MB). The names are one shared set; counted, not timed."""
    from archcheck.pipeline.runner import CallFactFiles

    n = 200
    files = {
        "__init__.py": "",
        "sync_client.py": "import asyncio\n"
        + "".join(f"def get_{i}(c):\n    return asyncio.run(c)\n" for i in range(n)),
    }
    files.update(
        {
            f"c{j}.py": f"from app.sync_client import get_{j}\n\n\nasync def h(x):\n    get_{j}(x)\n"
            for j in range(n)
        }
    )
    root = project(tmp_path, files)
    asked: list = []
    original = CallFactFiles.mentioning
    monkeypatch.setattr(
        CallFactFiles, "mentioning", lambda self, names: asked.append(names) or original(self, names)
    )
    assert len([f for f in findings(root) if f[0] == "ASY003"]) == n
    sets = {id(s) for names in asked for each in names.values() for s in each}
    assert sum(len(names) for names in asked) >= n and len(sets) <= 2, len(sets)


def test_a_module_a_package_re_exports_is_followed(tmp_path: Path) -> None:
    """Run 91b/01: ``app/pkg/__init__.py`` re-exports the module ``helpers``; a call of
    ``helpers.helper()`` through ``from app.pkg import helpers`` was not followed."""
    files = {
        "__init__.py": "",
        "helpers.py": HELPER,
        "pkg/__init__.py": "from app import helpers\n",
        "use.py": "from app.pkg import helpers\n\n\nasync def f():\n    helpers.helper()\n",
    }
    found = [(path, line) for rule, path, line in findings(project(tmp_path, files)) if rule == "ASY003"]
    assert found == [("svc/app/use.py", 5)]


def test_the_importers_of_a_package_are_walked_once_for_all_its_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 92b/01: each of N modules whose functions were asked for walked its own importers,
    and each module of a package had the package's importers too (``from app import
    settings`` in every job): N² (4,000: 47 s). A package's importers count only where they
    bind the package itself to a name, found once per package; counted, not timed."""
    jobs = {
        f"jobs/j{i}.py": f"from app import settings\nfrom app.sync import run_sync\n\n\ndef job{i}(c):\n"
        "    return run_sync(c) if settings else None\n"
        for i in range(300)
    }
    files = {
        "__init__.py": "settings = {}\n",
        "jobs/__init__.py": "",
        "sync.py": "import asyncio\n\n\ndef run_sync(coro):\n    return asyncio.run(coro)\n",
        "top.py": "from app.jobs.j7 import job7\n\n\nasync def h(c):\n    job7(c)\n",
        **jobs,
    }
    looked = _rebinds_looked_at(monkeypatch)
    found = [(path, line) for rule, path, line in findings(project(tmp_path, files)) if rule == "ASY003"]
    assert found == [("svc/app/top.py", 5)]
    assert len(looked) < 3 * len(files), len(looked)  # (each file looked at a few times, not N)


def test_the_importers_of_a_re_export_are_looked_up_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 92b/01: N wrappers re-exported by one ``__init__``, each imported from there by its
    own view: every view was looked at for every wrapper (4,000: 55 s). A re-export's importers
    are indexed once by the names they import; counted, not timed."""
    files = {
        "__init__.py": "",
        "sync.py": "import asyncio\n\n\ndef run_sync(coro):\n    return asyncio.run(coro)\n",
        "wrappers/__init__.py": "".join(f"from .w{i} import wrapper{i}\n" for i in range(300)),
        "views/__init__.py": "",
        **{
            f"wrappers/w{i}.py": f"from app.sync import run_sync\n\n\ndef wrapper{i}(c):\n    return run_sync(c)\n"
            for i in range(300)
        },
        **{
            f"views/v{i}.py": f"from app.wrappers import wrapper{i}\n\n\ndef view{i}(c):\n    return wrapper{i}(c)\n"
            for i in range(300)
        },
        "top.py": "from app.views.v7 import view7\n\n\nasync def h(c):\n    view7(c)\n",
    }
    looked = _rebinds_looked_at(monkeypatch)
    found = [(path, line) for rule, path, line in findings(project(tmp_path, files)) if rule == "ASY003"]
    assert found == [("svc/app/top.py", 5)]
    assert len(looked) < 4 * len(files), len(looked)


def _rebinds_looked_at(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """The files the call graph will ask for the names they bind again, one entry per asking."""
    from archcheck.project.call_graph import CallGraph

    looked: List[str] = []
    original = CallGraph._rebinds

    def counted(self: CallGraph, path: str, names: Set[str]) -> Set[str]:
        looked.append(path)
        return original(self, path, names)

    monkeypatch.setattr(CallGraph, "_rebinds", counted)
    return looked


def test_the_handlers_binding_a_package_of_wrappers_are_looked_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 93b/02: N wrappers below a package, re-exported by its ``__init__``, each called by
    its own handler through ``from app import mods``: every handler binds the package, and was
    looked at for every wrapper (4,000: 28 s). The files that bind a package, or import a
    re-exporter whole, are asked once for the names of every file below; counted, not timed."""
    n = 200
    files = {
        "__init__.py": "",
        "utils.py": "import asyncio\n\n\ndef run_sync(c):\n    return asyncio.run(c)\n",
        "mods/__init__.py": "".join(f"from .m{i} import do{i}\n" for i in range(n)),
        "handlers/__init__.py": "",
        **{
            f"mods/m{i}.py": f"import app.utils\n\n\ndef do{i}(c):\n    return app.utils.run_sync(c)\n"
            for i in range(n)
        },
        **{
            f"handlers/h{i}.py": f"from app import mods\n\n\nasync def h(c):\n    mods.do{i}(c)\n"
            for i in range(n)
        },
    }
    looked = _rebinds_looked_at(monkeypatch)
    found = [(path, line) for rule, path, line in findings(project(tmp_path, files)) if rule == "ASY003"]
    assert found == sorted((f"svc/app/handlers/h{i}.py", 5) for i in range(n))
    assert len(looked) < 4 * len(files), len(looked)


@pytest.mark.parametrize("init", ["from .helpers import *\n", "from .inner import *\n"])
def test_a_function_a_package_re_exports_by_a_star_is_followed(tmp_path: Path, init: str) -> None:
    """Run 93b/01: ``from app.core import run_sync``, where ``core/__init__`` star re-exports it
    (one star, or two levels of them), was never read: a star rebinds no name."""
    files = {
        "__init__.py": "",
        "core/__init__.py": init,
        "core/inner/__init__.py": "from app.core.helpers import *\n",
        "core/helpers.py": "import asyncio\n\n\ndef run_sync(c):\n    return asyncio.run(c)\n",
        "handler.py": "from app.core import run_sync\n\n\nasync def handle(c):\n    run_sync(c)\n",
    }
    found = [(path, line) for rule, path, line in findings(project(tmp_path, files)) if rule == "ASY003"]
    assert found == [("svc/app/handler.py", 5)]


def test_a_base_class_two_star_re_exports_away_is_no_duplicate(tmp_path: Path) -> None:
    """Run 93b/04: ``from app.ports import Storage as Base`` where ``ports`` and ``ports/inner``
    both re-export by a star: the class extending its port was called a duplicate (SSOT001)."""
    files = {
        "__init__.py": "",
        "ports/__init__.py": "from .inner import *\n",
        "ports/inner/__init__.py": "from .storage import *\n",
        "ports/inner/storage.py": "class Storage:\n    def get(self): ...\n",
        "impl/__init__.py": "",
        "impl/s.py": "from app.ports import Storage as Base\n\n\nclass Storage(Base):\n    def get(self):\n        return 1\n",
    }
    assert [rule for rule, _, _ in findings(project(tmp_path, files)) if rule.startswith("SSOT")] == []


def test_names_behind_many_star_imports_are_looked_up_by_an_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 93b/03: a package ``__init__`` of N ``from .mK import *`` lines, each name asked for
    through it: every star import was resolved again for each name (4,000: 42 s). The names its
    stars bind are indexed once; counted, not timed."""
    from archcheck.project.layout import Layout

    n = 200
    files = {
        "__init__.py": "",
        "ports/__init__.py": "".join(f"from .m{i} import *\n" for i in range(n)),
        "impl/__init__.py": "",
        **{f"ports/m{i}.py": f"class Storage{i}:\n    def get(self): ...\n" for i in range(n)},
        **{
            f"impl/s{i}.py": f"from app.ports import Storage{i} as Base\n\n\nclass Storage{i}(Base):\n"
            "    def get(self):\n        return 1\n"
            for i in range(n)
        },
    }
    resolved: List[str] = []
    original = Layout.module_file
    monkeypatch.setattr(
        Layout, "module_file", lambda self, *args: resolved.append(args[0]) or original(self, *args)
    )
    assert [rule for rule, _, _ in findings(project(tmp_path, files)) if rule.startswith("SSOT")] == []
    assert len(resolved) < 20 * len(files), len(resolved)


def test_a_base_re_exported_from_outside_the_project_gives_its_kind(tmp_path: Path) -> None:
    """Run 92b/12a: ``from pydantic import BaseModel as ApiModel`` in a package ``__init__``: a
    class deriving from ``ApiModel`` through the package was a plain class, so two schemas of one
    name were no duplicate, and two API versions of a request were SSOT003."""
    schema = "from app.schemas import ApiModel\n\n\nclass AgentErrorMessage(ApiModel):\n    message: str\n"
    files = {
        "__init__.py": "",
        "schemas/__init__.py": "from pydantic import BaseModel as ApiModel\n",
        "a.py": schema,
        "b.py": "from pydantic import BaseModel\n\n\nclass AgentErrorMessage(BaseModel):\n    message: str\n",
        "requests.py": (
            "from app.schemas import ApiModel\n\n\nclass AgentExecuteRequest(ApiModel):\n    message: str\n"
            "    thread_id: str\n\n\nclass AgentExecuteV2Request(ApiModel):\n    message: str\n"
            "    thread_id: str\n    trace: bool\n"
        ),
    }
    found = [(rule, path) for rule, path, _ in findings(project(tmp_path, files)) if rule.startswith("SSOT")]
    assert found == [("SSOT001", "svc/app/a.py"), ("SSOT001", "svc/app/b.py")]


@pytest.mark.parametrize("other", ["a_first.py", "z_last.py"])
def test_a_verdict_through_stars_does_not_depend_on_other_files(tmp_path: Path, other: str) -> None:
    """Run 94b/04: the names behind a chain of stars were kept at the depth first asked for: a
    file 10 stars away, read first, cut the chain short for another file 6 stars away."""
    files = {f"l{i}.py": f"from app.l{i + 1} import *\n" for i in range(10)}
    files.update(
        {
            "__init__.py": "",
            "l10.py": "class Storage:\n    def get(self, k):\n        return k\n",
            "m_adapter.py": "from app.l4 import Storage as Base\n\n\nclass Storage(Base):\n    def get(self, k):\n        return k * 2\n",
            other: "from app.l0 import Storage as B\n\n\nclass Storage(B):\n    def get(self, k):\n        return k * 3\n",
        }
    )
    flagged = {path for rule, path, _ in findings(project(tmp_path, files)) if rule == "SSOT001"}
    assert "svc/app/m_adapter.py" not in flagged  # (6 stars away: within the 8 followed)


def test_a_star_binds_a_name_as_python_does(tmp_path: Path) -> None:
    """Run 94b/03: of two stars binding one name the first was taken (Python binds the last),
    and a ``_name``, which no star binds, was taken too."""
    files = {
        "__init__.py": "",
        "core/__init__.py": "from .a import *\nfrom .b import *\n",
        "core/a.py": "import asyncio\n\n\ndef run(c):\n    return asyncio.run(c)\n\n\ndef _go(c):\n    return asyncio.run(c)\n",
        "core/b.py": "async def run(c):\n    return await c\n",
        "h.py": "from app.core import run\n\n\nasync def f(c):\n    await run(c)\n",
        "g.py": "from app.core import _go\n\n\nasync def f(c):\n    _go(c)\n",
    }
    assert [rule for rule, _, _ in findings(project(tmp_path, files)) if rule.startswith("ASY")] == []


def test_a_star_takes_no_name_a_module_imports_in_a_function_or_for_type_checkers(tmp_path: Path) -> None:
    """Run 95b/02: a name ``b`` imports only in a function's code (or under ``TYPE_CHECKING``)
    was taken as ``b``'s, where Python binds ``a``'s."""
    files = {
        "__init__.py": "",
        "other.py": "def helper(c):\n    return c\n",
        "core/__init__.py": "from .a import *\nfrom .b import *\n",
        "core/a.py": "import asyncio\n\n\ndef helper(c):\n    return asyncio.run(c)\n",
        "core/b.py": "def lazy():\n    from app.other import helper\n\n    return helper\n",
        "use.py": "from app.core import helper\n\n\nasync def f(c):\n    helper(c)\n",
    }
    found = [(rule, path) for rule, path, _ in findings(project(tmp_path, files)) if rule.startswith("ASY")]
    assert found == [("ASY003", "svc/app/use.py")]


def test_the_names_behind_a_star_are_not_copied_into_each_importer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 94b/05: every module star-importing a package of N star imports held its own copy
    of the package's name index (800: 847 MB). The index is the package's, built once; counted."""
    from archcheck.project.file_index import FileIndex

    n = 100
    files = {"__init__.py": "", "pk/__init__.py": "", "use/__init__.py": ""}
    files["common/__init__.py"] = "".join(f"from .m{i} import *\n" for i in range(n))
    for i in range(n):
        files[f"common/m{i}.py"] = "".join(f"class K{i}_{j}:\n    pass\n" for j in range(5))
        files[f"pk/p{i}.py"] = "from app.common import *\n"
        files[f"use/u{i}.py"] = (
            f"from app.pk.p{i} import K{i}_0 as Base\n\n\nclass K{i}_0(Base):\n    x = {i}\n"
        )
    indexed: Dict[int, int] = {}  # each index built -> its names
    original = FileIndex._star_index

    def counted(self: FileIndex, path: str, resolve: object) -> object:
        built = original(self, path, resolve)  # type: ignore[arg-type]
        indexed[id(built)] = len(built[0])
        return built

    monkeypatch.setattr(FileIndex, "_star_index", counted)
    assert [rule for rule, _, _ in findings(project(tmp_path, files)) if rule.startswith("SSOT")] == []
    assert sum(indexed.values()) < 20 * n, indexed


def test_the_files_star_importing_a_package_are_looked_at_once_for_all_its_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 95b/09: N files each ``from app.models import *``, and N loop-entering modules the
    package stars: every star importer was followed for every module (1,600: 55 s). They are
    one group, their importers looked up by name; counted, not timed."""
    from archcheck.project.call_graph import CallGraph

    n = 150
    files = {"__init__.py": "", "models/__init__.py": "".join(f"from .m{i} import *\n" for i in range(n))}
    for i in range(n):
        files[f"models/m{i}.py"] = f"import asyncio\n\n\ndef h{i}(c):\n    return asyncio.run(c)\n"
        files[f"u{i}.py"] = "from app.models import *\n"
        files[f"v{i}.py"] = f"from app.u{i} import h{i} as g\n\n\nasync def f(c):\n    return g(c)\n"
    asked: List[str] = []
    original = CallGraph._importers_of
    monkeypatch.setattr(
        CallGraph,
        "_importers_of",
        lambda self, path, *rest: asked.append(path) or original(self, path, *rest),
    )
    found = [path for rule, path, _ in findings(project(tmp_path, files)) if rule == "ASY003"]
    assert found == sorted(f"svc/app/v{i}.py" for i in range(n))
    assert len(asked) < 4 * n, len(asked)


@pytest.mark.parametrize("kept_words", [1_000_000, 0])
def test_a_chain_through_package_attributes_reads_each_file_a_bounded_number_of_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kept_words: int
) -> None:
    """Run 94b/06: each hop of ``pkg.f1()`` -> ``pkg.f2()`` -> … asked every file binding the
    package again, and each was read again (800 deep: 6.5 s). A file asked again keeps its
    words; past the budget for words (run 96b/15: 1,600 deep, 170 s), as a Bloom filter;
    counted, not timed."""
    import archcheck.pipeline.runner as runner

    monkeypatch.setattr(runner, "_KEPT_WORDS", kept_words)
    depth = 60
    files = {"__init__.py": "", "h.py": "from app.pkg import f0\n\n\nasync def g():\n    f0(None)\n"}
    files["pkg/__init__.py"] = "".join(f"from .m{i} import *\n" for i in range(depth))
    for i in range(depth):
        call = "asyncio.run(c)" if i == depth - 1 else f"pkg.f{i + 1}(c)"
        head = "import asyncio\n" if i == depth - 1 else "from app import pkg\n"
        files[f"pkg/m{i}.py"] = f"{head}\n\ndef f{i}(c):\n    return {call}\n"
    root = project(tmp_path, files)
    reads: Counter = Counter()
    original = runner.read_project_file
    monkeypatch.setattr(
        runner,
        "read_project_file",
        lambda root, path, limit: reads.update([path]) or original(root, path, limit),
    )
    found = [(path, line) for rule, path, line in findings(root) if rule == "ASY003"]
    assert found == [("svc/app/h.py", 5)]
    assert max(reads.values()) <= 3, reads.most_common(3)
