"""Run 78: each function's context copied every loop name around it, so 5,000 module-level
loops and 5,000 async functions using them took 2.6 GB (a class of 6,000 loop attributes and
6,000 methods, 3.2 GB). A function now shares the set around it unless it binds one of its
names itself. Checked under a memory limit the copies would pass, not by a clock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile._project import beside_other, project

resource = pytest.importorskip("resource")
LIMIT = 1_000_000_000  # address space: the copies needed about 1.5 GB of memory at this size


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


def _module_loops(count: int) -> str:
    made = "".join(f"v{i} = asyncio.new_event_loop()\n" for i in range(count))
    used = "".join(f"async def a{i}(x):\n    v{i}.run_until_complete(x)\n" for i in range(count))
    return "import asyncio\n" + made + used


def _class_loops(count: int) -> str:
    made = "".join(
        f"    def s{i}(self):\n        self.l{i} = asyncio.new_event_loop()\n" for i in range(count)
    )
    used = "".join(
        f"    async def a{i}(self, x):\n        self.l{i}.run_until_complete(x)\n" for i in range(count)
    )
    return "import asyncio\n\n\nclass K:\n" + made + used


@pytest.mark.parametrize("code", [_module_loops(4_000), _class_loops(4_000)], ids=["module", "class"])
def test_thousands_of_loops_and_functions_fit_in_little_memory(tmp_path: Path, code: str) -> None:
    root = project(tmp_path, {"m.py": code})
    result = subprocess.run(
        [sys.executable, "-m", "archcheck", "check", "--no-cache", "-j1", "--statistics"],
        cwd=root,
        capture_output=True,
        timeout=300,
        preexec_fn=_limited,
    )
    assert result.returncode == 1, result.stderr[-500:]
    assert b"Found 4000 errors" in result.stdout, result.stdout[-500:]


def _cpu_limited() -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (15, 15))


def _checked_within_cpu_limit(root: Path, select: str) -> subprocess.CompletedProcess[bytes]:
    """``archcheck check --select SELECT`` in one process under 15 s of CPU time: a cost the
    square of a shape's size would pass it."""
    return subprocess.run(
        [sys.executable, "-m", "archcheck", "check", "--no-cache", "-j1", "--select", select],
        cwd=root,
        capture_output=True,
        timeout=300,
        preexec_fn=_cpu_limited,
    )


CTOR_CALLS = (
    "import asyncio\n\n\nclass Client:\n    def get(self):\n        asyncio.run(main())\n\n\nasync def f():\n"
)
PASSED = "import asyncio\n\n\ndef h():\n    asyncio.run(main())\n\n\ndef reg(fn):\n"


@pytest.mark.parametrize(
    "code",
    [
        CTOR_CALLS + "    Client().get()\n" * 20_000,
        PASSED + "    fn()\n" * 10_000 + "\n\nasync def a():\n" + "    reg(h)\n" * 10_000,
    ],
    ids=["built-objects", "passed-functions"],
)
def test_the_call_graph_is_linear_in_one_function_s_calls(tmp_path: Path, code: str) -> None:
    """Run 79: ASY003 copied a function's local types for each call it resolved (20,000
    ``Client().get()``: 21 s), and weighed each call passing a function against each call of the
    parameter (10,000 of each: 21 s). Checked under a CPU-time limit the quadratic work would
    pass, not by a clock."""
    root = project(tmp_path, {"m.py": code})
    result = _checked_within_cpu_limit(root, "ASY003")
    assert result.returncode == 1 and b"ASY003" in result.stdout, result.stderr[-500:]


def test_each_dynamic_import_reads_the_file_s_imports_without_copying_them(tmp_path: Path) -> None:
    """Run 79: IMP001 copied the file's table of imported names for each ``import_module`` call
    (120,000 names and 14,000 calls: 26 s). Checked under a CPU-time limit."""
    names = [f"n{i}" for i in range(120_000)]
    code = (
        "import importlib as i\nimport "
        + ",".join(names)
        + "\n"
        + "i.import_module('other.app.m')\n" * 14_000
    )
    root = beside_other(tmp_path, code)
    result = _checked_within_cpu_limit(root, "IMP001")
    assert result.returncode == 1 and b"IMP001" in result.stdout, result.stderr[-500:]


def test_thousands_of_scopes_read_the_file_s_text_once(tmp_path: Path) -> None:
    """Run 80: each scope's bindings looked for ``:=`` in the whole text of a file without one
    (8,000 classes declaring ``global loop`` in 1 MB: 17-23 s). Checked under a CPU-time limit."""
    code = "import asyncio\n" + "".join(
        f"class C{i}:\n    global loop\n    loop = asyncio.new_event_loop()\n"
        "    async def m(self):\n        loop.run_until_complete(c)\n"
        for i in range(8_000)
    )
    root = project(tmp_path, {"m.py": code})
    result = _checked_within_cpu_limit(root, "ASY")
    assert result.returncode in (0, 1), result.stderr[-500:]


def test_names_a_package_re_exports_are_followed_once_each(tmp_path: Path) -> None:
    """Run 80: ASY003 followed each re-exported name again at every call site, building a
    table of the ``__init__``'s names each time (4,000 names, 20 callers: 16-20 s)."""
    names = ", ".join(f"f{j}" for j in range(4_000))
    inner = "import asyncio\n\n\ndef f0():\n    asyncio.run(x)\n" + "".join(
        f"\n\ndef f{j}():\n    return {j}\n" for j in range(1, 4_000)
    )
    callers = "".join(
        f"\n\nasync def u{k}():\n" + "".join(f"    f{j}()\n" for j in range(4_000)) for k in range(20)
    )
    files = {
        "__init__.py": "",
        "p0/__init__.py": f"from .p1 import ({names})\n",
        "p0/p1/__init__.py": inner,
        "use.py": f"from app.p0 import ({names})\n" + callers,
    }
    root = project(tmp_path, files)
    result = _checked_within_cpu_limit(root, "ASY003")
    assert result.returncode == 1 and result.stdout.count(b"ASY003") == 20, result.stderr[-500:]


def test_a_scope_s_bindings_seen_from_its_nested_functions_are_built_once(tmp_path: Path) -> None:
    """The review of run 80's fixes: the bindings of a function that imports, as a nested
    function declaring its names ``nonlocal`` sees them, were built again for each such name
    (3,000 names: 17 s; 4,000: past 15 s of CPU)."""
    count = 4_000
    code = "import asyncio\n\n\ndef outer():\n    import asyncio\n"
    code += "".join(f"    v{i} = asyncio.new_event_loop()\n" for i in range(count))
    code += "\n    def inner():\n" + "".join(
        f"        nonlocal v{i}\n        v{i} = 1\n" for i in range(count)
    )
    code += "\n    async def a(x):\n        v0.run_until_complete(x)\n"
    result = _checked_within_cpu_limit(project(tmp_path, {"m.py": code}), "ASY")
    assert result.returncode == 0, result.stderr[-500:]  # (v0 is rebound to 1: no certain loop)


def test_reads_around_nested_blocks_are_followed_in_time_linear_in_the_file(tmp_path: Path) -> None:
    """Run 81a: each block that bound a name to an env read walked the whole of every statement
    after it, nested blocks too, so each nested block was walked again by every block around it
    (95 blocks deep, 918 KB: 57-77 s). Each statement's own code is walked once now."""
    lines, indent = ["import os", "def f(a):"], "    "
    for _ in range(95):
        lines += [indent + 'x = os.getenv("X")', indent + "if a:"]
        indent += " "
    lines += [indent + "y = " + "+".join(["a"] * 200)] * 1_800
    lines.append(indent + "return y")
    root = project(tmp_path, {"m.py": "\n".join(lines) + "\n"})
    result = _checked_within_cpu_limit(root, "CFG")
    assert result.returncode == 0, result.stderr[-500:]


@pytest.mark.parametrize("depth", [0, 15])
def test_a_probing_try_is_judged_once_whatever_its_handlers_and_depth(tmp_path: Path, depth: int) -> None:
    """Run 81b: each broad handler of a ``try`` that probes for a running loop walked its whole
    body again, and each block around it judged it again (4,000 handlers x 4,000 statements:
    21 s; 1,500 x 1,500 under 15 ``if``: 23 s)."""
    count = 4_000 if depth == 0 else 1_500
    code = "import asyncio\n\n\nasync def f(c):\n"
    code += "".join(" " * (d + 1) + "if c:\n" for d in range(depth))
    indent = " " * (depth + 1)
    code += f"{indent}try:\n{indent} asyncio.get_running_loop()\n" + f"{indent} a = 1\n" * count
    code += f"{indent} return\n" + f"{indent}except Exception:\n{indent} pass\n" * count
    code += f"{indent}asyncio.run(x())\n"
    result = _checked_within_cpu_limit(project(tmp_path, {"m.py": code}), "ASY")
    assert result.returncode == 0, result.stderr[-500:]  # (the `try` leaves whenever a loop runs)


def test_an_elif_chain_s_names_are_merged_once(tmp_path: Path) -> None:
    """The review of run 81a's fixes: each ``elif`` link was a block nested in the one before,
    so the names bound below it were carried up through every link (2,500 links of 10 names
    each: 9 s of CPU; of 20 names, past 15 s). The links of a chain are one statement's
    alternatives now."""
    lines = ["import os", 'X = os.getenv("X")', "if a0:", "    pass"]
    for link in range(1, 2_500):
        lines.append(f"elif a{link}:")
        lines += [f"    v{link}_{n} = 1" for n in range(20)]
    lines += ["else:", '    X = X or "http://localhost:8000/"']
    result = _checked_within_cpu_limit(project(tmp_path, {"m.py": "\n".join(lines) + "\n"}), "CFG")
    assert result.returncode == 0 and b"Found 0 errors and 1 warning" in result.stdout, result.stderr[-500:]
