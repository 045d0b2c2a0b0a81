"""The cache: same answers warm and cold, invalidation, corruption, concurrency, --no-cache."""

from __future__ import annotations

import itertools
import json
import os
import pickle
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, List

import msgspec
import pytest

from tests.helpers import cli


@pytest.fixture
def project(demo: Path) -> Path:
    return demo


def run(root: Path, *args: str) -> dict:
    result = cli(root, "check", "--format", "json", *args)
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)


def codes(document: dict) -> List[tuple]:
    return [(v["code"], v["path"], v["line"], v["message"]) for v in document["violations"]]


def test_warm_run_equals_cold_and_cache_dir_is_ignored_by_git(project: Path) -> None:
    cold = run(project, "--no-cache")
    assert not (project / ".archcheck_cache").exists()
    first, warm = run(project), run(project)
    assert codes(cold) == codes(first) == codes(warm)
    assert (project / ".archcheck_cache" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_changed_python_and_requirements_files_are_seen(project: Path) -> None:
    run(project)
    startup = project / "netra_backend" / "app" / "startup.py"
    startup.write_text(startup.read_text() + "\n\nasync def again():\n    asyncio.run(db.connect())\n")
    after = run(project)
    assert ("ASY001", "netra_backend/app/startup.py", 19) in [c[:3] for c in codes(after)]
    shared = project / "requirements.shared.txt"
    shared.write_text(shared.read_text() + "psycopg2-binary==2.9.10\n")
    assert sum(1 for c in codes(run(project)) if c[0] == "REQ003") == 2


def entries(cache: Path) -> List[Path]:
    found = sorted(cache.glob("*.msgpack"))
    assert found, "the run wrote no cache entries"
    return found


def test_corrupt_and_foreign_entries_are_recomputed(project: Path) -> None:
    expected = codes(run(project))
    cache = project / ".archcheck_cache"
    for entry in entries(cache):
        entry.write_bytes(b"\x80\x04garbage")
    assert codes(run(project)) == expected
    for entry in entries(cache):  # well-formed, but another tool's, or of another shape
        entry.write_bytes(msgspec.msgpack.encode((("archcheck", 1, "other code", "facts"), {"x": 1})))
    assert codes(run(project)) == expected
    for entry in entries(cache):
        header, _ = msgspec.msgpack.decode(entry.read_bytes())
        entry.write_bytes(msgspec.msgpack.encode((header, {"0000": [1, 2, 3]})))
    assert codes(run(project)) == expected


def test_a_cache_never_runs_code(project: Path, tmp_path: Path) -> None:
    """A cache restored from an untrusted branch is data: a pickle planted there is never loaded."""
    expected = codes(run(project))
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self) -> tuple:
            return (os.system, (f"touch {marker}",))

    for entry in entries(project / ".archcheck_cache"):
        entry.write_bytes(pickle.dumps(Exploit()))
    assert codes(run(project)) == expected
    assert not marker.exists()


def test_concurrent_runs_do_not_corrupt_the_cache(project: Path) -> None:
    expected = codes(run(project, "--no-cache"))
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: codes(run(project)), range(4)))
    assert all(r == expected for r in results)
    assert codes(run(project)) == expected
    assert not list((project / ".archcheck_cache").glob(".tmp-*"))


def test_jobs_give_identical_results(project: Path) -> None:
    assert codes(run(project, "--no-cache", "--jobs", "1")) == codes(
        run(project, "--no-cache", "--jobs", "2")
    )


def test_process_pool_gives_the_same_findings_as_one_process(tmp_path: Path) -> None:
    """Enough files to cross the pool threshold, with file-rule and project-rule findings; one
    name is not UTF-8."""
    from archcheck.pipeline.runner import POOL_THRESHOLD

    root = tmp_path / "big"
    (root / "services" / "a-service" / "app").mkdir(parents=True)
    (root / "services" / "b-service" / "app").mkdir(parents=True)
    (root / "archcheck.toml").write_text('services = ["services/*"]\n')
    for index in range(POOL_THRESHOLD + 10):
        service = "a" if index % 2 else "b"
        (root / "services" / f"{service}-service" / "app" / f"m{index}.py").write_text(
            "import asyncio\nfrom .m0 import x\n\n"
            f"class Manager{index % 3}:\n    pass\n\n"
            "async def handler():\n    asyncio.run(work())\n"
        )
    odd = root / "services" / "a-service" / "app" / os.fsdecode(b"odd\xff.py")
    odd.write_text("import asyncio\n\nasync def handler():\n    asyncio.run(work())\n")
    one = codes(run(root, "--no-cache", "--jobs", "1"))
    pooled = codes(run(root, "--no-cache", "--jobs", "2"))
    assert one == pooled
    assert {c[0] for c in one} >= {"ASY001", "IMP002", "SSOT001"}
    assert any(c[0] == "ASY001" and "odd" in c[1] for c in pooled)


def test_keys_are_the_same_in_every_process() -> None:
    """Hash randomisation orders sets differently per process; a cache key must not change."""
    script = (
        "from archcheck.pipeline.cache import digest; from archcheck.facts.loops import LoopCalls;"
        "print(digest(LoopCalls(frozenset({'asyncio.run', 'trio.run', 'anyio.run'}), frozenset({'a', 'b', 'c'}))))"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(6)
    }
    assert len(keys) == 1


def test_a_new_selection_parses_no_file_again(project: Path, parsed_files: List[str]) -> None:
    from archcheck import api
    from archcheck.config.load import with_overrides

    settings = api.load_settings(project)
    full = api.check(settings, jobs=1)
    parsed_files.clear()
    for codes_ in (("CFG",), ("IMP001", "SSOT"), ("ASY",)):
        narrowed = api.check(with_overrides(settings, select=codes_), jobs=1)
        assert {v.code for v in narrowed.violations} <= {v.code for v in full.violations}
    assert parsed_files == []  # what a file yields never depends on the rules selected


def test_a_forked_computation_answers_from_the_child_or_here() -> None:
    from archcheck.pipeline.runner import Forked

    here = os.getpid()
    assert Forked(os.getpid).result() != here  # computed in the child

    def dies_in_the_child() -> int:
        if os.getpid() != here:
            os._exit(3)
        return 42

    def raises_in_the_child() -> int:
        if os.getpid() != here:
            raise MemoryError
        return 43

    assert Forked(dies_in_the_child).result() == 42  # the child died: computed here
    assert Forked(raises_in_the_child).result() == 43


def test_claims_are_shared_with_a_forked_child_and_each_is_taken_once() -> None:
    """The child claims from the last, never the first ``kept``; this process from the first;
    each stops at one the other claimed, and every task is claimed by one of them."""
    from archcheck.pipeline.runner import Claims, Forked

    claims = Claims(10, kept=3)
    child = Forked(lambda: list(itertools.islice(claims.from_last(), 4))).result()
    assert child == [9, 8, 7, 6]
    assert list(claims.from_first()) == [0, 1, 2, 3, 4, 5]
    assert list(claims.from_last()) == list(claims.from_first()) == []

    alone = Claims(4, kept=4)  # a child that may claim none of them
    assert Forked(lambda: list(alone.from_last())).result() == []
    assert list(alone.from_first()) == [0, 1, 2, 3]


def test_a_rule_a_dying_child_claimed_is_computed_here(
    project: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The forked child claims rules beside its own; when it dies, this process computes
    them all: the findings are a serial run's."""
    from archcheck import api
    from archcheck.pipeline import engine

    settings = api.load_settings(project)
    serial = api.check(settings, jobs=1, use_cache=False).violations
    real = engine._computed

    claimed = tmp_path / "claimed"

    def dies_in_the_child(rule: Any, analysis: Any) -> Any:
        if os.getpid() != parent and "calls" not in rule.reads:
            claimed.write_text(rule.code)
            os._exit(3)  # after the call graph's rules, at the first rule it claimed
        deadline = time.monotonic() + 60
        while os.getpid() == parent and not claimed.exists() and time.monotonic() < deadline:
            time.sleep(0.01)  # (this process claims nothing more until the child has one)
        return real(rule, analysis)

    parent = os.getpid()
    monkeypatch.setattr(engine, "_computed", dies_in_the_child)
    assert api.check(settings, jobs=2, use_cache=False).violations == serial
    assert claimed.exists()


def test_call_facts_gathered_in_a_forked_child_are_cached(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two jobs the call-graph rule runs in a forked child; what it parsed reaches the cache."""
    from archcheck import api
    from archcheck.config.load import with_overrides
    from archcheck.pipeline import filephase

    settings = api.load_settings(project)
    forked = api.check(settings, jobs=2)
    assert "ASY003" in {v.code for v in forked.violations}
    for rules in (project / ".archcheck_cache").glob("rules-*.msgpack"):
        rules.unlink()  # every rule runs again, from the cached facts
    parsed: List[str] = []
    real = filephase.analyse_calls
    monkeypatch.setattr(
        filephase, "analyse_calls", lambda path, data: parsed.append(path) or real(path, data)
    )
    again = api.check(with_overrides(settings, select=("ASY003",)), jobs=1)
    assert [v for v in forked.violations if v.code == "ASY003"] == list(again.violations)
    assert parsed == []


def test_another_python_or_library_never_reads_the_cache(
    project: Path, monkeypatch: pytest.MonkeyPatch, parsed_files: List[str]
) -> None:
    """Python 3.12 parses syntax that 3.11 cannot (PEP 701), and a new LibCST may read a file
    otherwise: a cache written under one interpreter or library is another code's result."""
    from archcheck import api
    from archcheck.pipeline import cache

    settings = api.load_settings(project)
    api.check(settings, jobs=1)
    for change in ("version", "library", "platform"):
        parsed_files.clear()
        cache.code_identity.cache_clear()
        if change == "version":
            monkeypatch.setattr(cache.sys, "version", sys.version + " (another build)")
        elif change == "library":
            monkeypatch.setattr(cache, "_RESULT_LIBRARIES", {**cache._RESULT_LIBRARIES, "json": "json"})
        else:  # REQ006 judges markers such as platform_machine where it runs
            monkeypatch.setattr(cache, "_marker_platform", lambda: ("posix", "linux", "i686"))
        api.check(settings, jobs=1)
        assert parsed_files, f"a cache written before the {change} changed was read"
    cache.code_identity.cache_clear()


def test_a_reinstall_of_the_same_code_keeps_the_cache() -> None:
    """CI installs archcheck anew in every job: new files with the same content are the same code."""
    from archcheck.pipeline import cache

    cache.code_identity.cache_clear()
    before = cache.code_identity()
    module = Path(cache.__file__)
    info = module.stat()
    try:
        os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns + 10**9))
        cache.code_identity.cache_clear()
        assert cache.code_identity() == before
    finally:
        os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns))
        cache.code_identity.cache_clear()


@pytest.fixture
def resolved(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """The files whose imports are resolved from now on (not taken from the cache)."""
    from archcheck.project.layout import Layout

    found: List[str] = []
    real = Layout.resolve

    def counted(self: Layout, path: str, fact: Any) -> Any:
        if path not in found:
            found.append(path)
        return real(self, path, fact)

    monkeypatch.setattr(Layout, "resolve", counted)
    return found


def test_only_a_changed_files_imports_are_resolved_again(project: Path, resolved: List[str]) -> None:
    from archcheck import api
    from archcheck.config.load import with_overrides

    settings = with_overrides(api.load_settings(project), select=("IMP",))
    api.check(settings, jobs=1)
    assert len(resolved) > 5
    resolved.clear()
    startup = project / "netra_backend" / "app" / "startup.py"
    startup.write_text("from auth_service.auth_core import tokens\n" + startup.read_text())
    warm = api.check(settings, jobs=1)
    assert resolved == ["netra_backend/app/startup.py"]
    cold = api.check(settings, jobs=1, use_cache=False)
    assert warm.violations == cold.violations
    assert ("IMP001", "netra_backend/app/startup.py", 1) in [
        (v.code, v.location.path, v.location.line) for v in warm.violations
    ]


def test_a_new_module_resolves_the_unchanged_files_imports_again(tmp_path: Path) -> None:
    """``import billing`` led nowhere (a third-party name) until another service gained
    ``billing.py``: the cached edge of the unchanged importer must not hide the new import."""
    (tmp_path / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["orders", "payments"]\n')
    for service in ("orders", "payments"):
        (tmp_path / service).mkdir()
        (tmp_path / service / "requirements.txt").write_text("")
    (tmp_path / "orders" / "main.py").write_text("import billing\n")
    (tmp_path / "payments" / "app.py").write_text("x = 1\n")
    assert run(tmp_path, "--select", "IMP001")["violations"] == []
    (tmp_path / "payments" / "billing.py").write_text("def charge():\n    pass\n")
    warm, cold = run(tmp_path, "--select", "IMP001"), run(tmp_path, "--select", "IMP001", "--no-cache")
    assert codes(warm) == codes(cold) and [c[:3] for c in codes(warm)] == [("IMP001", "orders/main.py", 1)]


def test_imports_resolved_in_a_forked_child_are_cached(project: Path, resolved: List[str]) -> None:
    """With two jobs the call graph, which resolves every import, runs in a forked child: what
    it resolved reaches the cache, so the next run resolves nothing."""
    from archcheck import api
    from archcheck.config.load import with_overrides

    settings = api.load_settings(project)
    api.check(with_overrides(settings, select=("ASY003", "CFG001")), jobs=2)
    resolved.clear()  # the child's own count stays in the child
    api.check(with_overrides(settings, select=("IMP001",)), jobs=1)
    assert resolved == []


def test_a_tampered_import_edge_is_resolved_again(project: Path, resolved: List[str]) -> None:
    """The table of resolved imports may come from anywhere: an edge to a path the project
    does not hold is not believed."""
    from archcheck import api
    from archcheck.config.load import with_overrides
    from archcheck.pipeline.cache import CacheDir, EdgeEntry, ImportEdges, _Table

    settings = with_overrides(api.load_settings(project), select=("IMP",))
    before = api.check(settings, jobs=1).violations
    cache = CacheDir(project / ".archcheck_cache", project)
    table = cache.load(ImportEdges.NAME, "edges", _Table[EdgeEntry])
    assert table is not None and "netra_backend/app/routes.py" in table.files
    digest, edges = table.files["netra_backend/app/routes.py"]
    forged = [[("/etc/passwd", False)] for _ in edges]
    cache.store(
        ImportEdges.NAME,
        "edges",
        _Table(table.key, {**table.files, "netra_backend/app/routes.py": (digest, forged)}),
    )
    resolved.clear()
    for rules in (project / ".archcheck_cache").glob("rules-*.msgpack"):
        rules.unlink()
    assert api.check(settings, jobs=1).violations == before
    assert resolved == ["netra_backend/app/routes.py"]


@pytest.fixture
def derived(monkeypatch: pytest.MonkeyPatch) -> List[str]:
    """The files whose SSOT sites are derived from now on (not taken from the cache)."""
    from archcheck.project import ssot

    found: List[str] = []
    real = ssot._file_sites

    def counted(project: Any, path: str) -> Any:
        found.append(path)
        return real(project, path)

    monkeypatch.setattr(ssot, "_file_sites", counted)
    return found


def test_only_a_changed_files_sites_are_derived_again(project: Path, derived: List[str]) -> None:
    from archcheck import api
    from archcheck.config.load import with_overrides

    settings = with_overrides(api.load_settings(project), select=("SSOT",))
    api.check(settings, jobs=1)
    assert len(derived) > 5
    derived.clear()
    startup = project / "netra_backend" / "app" / "startup.py"
    startup.write_text("class DatabaseManager:\n    pass\n\n\n" + startup.read_text())
    warm = api.check(settings, jobs=1)
    assert derived == ["netra_backend/app/startup.py"]
    assert warm.violations == api.check(settings, jobs=1, use_cache=False).violations
    assert ("SSOT001", "netra_backend/app/startup.py", 1) in [
        (v.code, v.location.path, v.location.line) for v in warm.violations
    ]


def test_a_base_class_changed_in_another_file_derives_its_subclasses_again(tmp_path: Path) -> None:
    """``Error(Parent)`` is an exception while ``Parent`` derives from ``Exception``, and no copy
    of the plain class ``Error`` of another file; once ``Parent`` is a plain class, it is one. The
    subclass's file did not change: its cached site must not keep the old kind."""
    (tmp_path / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["orders"]\n')
    app = tmp_path / "orders" / "app"
    app.mkdir(parents=True)
    (tmp_path / "orders" / "requirements.txt").write_text("")
    (app / "__init__.py").write_text("")
    (app / "base.py").write_text("class Parent(Exception):\n    pass\n")
    (app / "errors.py").write_text("from .base import Parent\n\n\nclass Error(Parent):\n    code = 1\n")
    (app / "plain.py").write_text("class Error:\n    code = 1\n")
    assert run(tmp_path, "--select", "SSOT001")["violations"] == []
    (app / "base.py").write_text("class Parent:\n    pass\n")
    warm, cold = run(tmp_path, "--select", "SSOT001"), run(tmp_path, "--select", "SSOT001", "--no-cache")
    assert codes(warm) == codes(cold)
    assert sorted(c[:2] for c in codes(warm)) == [
        ("SSOT001", "orders/app/errors.py"),
        ("SSOT001", "orders/app/plain.py"),
    ]


def test_a_rule_that_reads_names_only_is_not_run_again_when_only_lines_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ASY003 takes only names from definitions and imports (``reads_attributes``), its
    positions from call facts of the files it read: lines moved in a file it did not read
    (a statement added at the top of a function) keep its findings; a renamed function
    does not."""
    from archcheck import api
    from archcheck.rules.blocking_loop_entry_via_call import BlockingLoopEntryViaCall
    from tests.helpers import copy_fixture

    runs: List[int] = []
    real = BlockingLoopEntryViaCall.check

    def counted(self: BlockingLoopEntryViaCall) -> Any:
        runs.append(1)
        return real(self)

    monkeypatch.setattr(BlockingLoopEntryViaCall, "check", counted)
    root = copy_fixture(tmp_path, "async_chains")
    report = root / "netra_backend" / "app" / "report.py"
    report.write_text("def summary(rows):\n    return len(rows)\n")
    settings = api.load_settings(root)
    first = api.check(settings, jobs=1)
    assert len(runs) == 1 and any(v.code == "ASY003" for v in first.violations)
    report.write_text(
        "def summary(rows):\n    rows = list(rows)\n    return len(rows)\n\n\ndef total():\n    pass\n"
    )
    moved = report.read_text().replace("def total", "def grand_total")
    warm = api.check(settings, jobs=1)
    assert len(runs) == 2  # a new function: a name it reads
    report.write_text("\n\n" + report.read_text())  # every line moved
    assert api.check(settings, jobs=1).violations == warm.violations and len(runs) == 2
    report.write_text(moved)
    renamed = api.check(settings, jobs=1)
    assert len(runs) == 3 and renamed.violations == api.check(settings, jobs=1, use_cache=False).violations


@pytest.mark.skipif(os.name != "posix", reason="symbolic and hard links as POSIX has them")
def test_a_link_moved_to_another_name_of_the_same_file_is_read_again(tmp_path: Path) -> None:
    """Run 121c/01: the signature followed the link, so a link moved from a file of the project
    to another name of the same inode outside it kept its cached findings (ARC001 without)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    root = tmp_path / "project"
    (root / "svc" / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["svc"]\n')
    (root / "svc" / "requirements.txt").write_text("httpx\n")
    inside = root / "svc" / "real.py"
    inside.write_text('import os\nURL = os.getenv("DATABASE_URL", "postgres://u:p@localhost/db")\n')
    os.link(inside, outside / "same.py")
    link = root / "svc" / "app" / "a.py"
    link.symlink_to(inside)
    cli(root, "check")
    link.unlink()
    link.symlink_to(outside / "same.py")
    cached = cli(root, "check").stdout
    assert cached == cli(root, "check", "--no-cache").stdout and "leads outside the project" in cached
