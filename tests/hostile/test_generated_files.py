"""Generated files: thousands of definitions of one name cost linear time."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import List, Sequence, Tuple

import pytest

from archcheck.model import Location
from archcheck.project.file_index import FileIndex
from archcheck.project.ssot import Site
from archcheck.rule_api.examples import Example
from tests.helpers import write_example

_APP = "services/orders-service/app/"


def test_copies_of_one_duplicated_class_are_not_compared_with_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A generated file of 300 ``class DatabaseManager`` copies: SSOT001's, never listed by
    SSOT003, so SSOT003 compares them only with the other names of the concept (linear, where
    every pair of copies took minutes for a few thousand)."""
    from archcheck.project import ssot
    from tests.helpers import check

    compared = []
    real = ssot._same_implementation
    monkeypatch.setattr(
        ssot, "_same_implementation", lambda a, b, h: compared.append((a.name, b.name)) or real(a, b, h)
    )
    text = "class DatabaseManager:\n    pass\n" * 300 + "class DatabaseConnectionManager:\n    pass\n"
    root = write_example(tmp_path, Example({_APP + "db.py": text}))
    codes = {v.code for v in check(root, ["SSOT001", "SSOT003"]).violations}
    assert "SSOT001" in codes
    assert compared and len(compared) <= 2 * 300
    assert all(a != b for a, b in compared)


class _CountingFacts(dict):  # type: ignore[type-arg]
    """Facts whose ``classes`` reads are counted: an index per file reads them once."""

    def __init__(self, facts: dict, reads: list) -> None:  # type: ignore[type-arg]
        super().__init__({path: _Counted(value, reads) for path, value in facts.items()})


class _Counted:
    def __init__(self, facts: object, reads: list) -> None:  # type: ignore[type-arg]
        self._facts, self._reads = facts, reads

    def __getattr__(self, name: str) -> object:
        if name in ("classes", "functions", "module_instances", "imports"):
            self._reads.append(name)
        return getattr(self._facts, name)


def test_lookups_in_a_file_of_thousands_of_classes_index_it_once(tmp_path: Path) -> None:
    """``ancestors`` of each of 2,000 classes, and 2,000 ``Depends(C<i>)`` resolved: each file's
    classes, functions and instances are read a bounded number of times, not once a lookup."""
    from archcheck import api
    from archcheck.pipeline import engine
    from archcheck.project.callables import Callables

    n = 2000
    text = "from fastapi import Depends\n" + "".join(f"class C{i}: pass\n" for i in range(n))
    text += "".join(f"def h{i}(x=Depends(C{i})): pass\n" for i in range(n))
    root = write_example(tmp_path, Example({_APP + "m.py": text}))
    project = engine._project(api.load_settings(root), None, 1, False, None).project
    reads: list = []  # type: ignore[type-arg]
    project.facts = _CountingFacts(dict(project.facts), reads)  # type: ignore[assignment]
    project.files = FileIndex(project.facts)
    for i in range(n):
        project.ancestors(_APP + "m.py", f"C{i}")
    assert reads.count("classes") < 10
    reads.clear()
    assert len(list(Callables(project).uses({"Depends"}))) == 0  # classes: resolved, not protocol functions
    assert len(reads) < 100


def test_instances_and_imports_of_a_generated_file_are_indexed_once(tmp_path: Path) -> None:
    """2,000 module-level instances used as ``Depends(x<i>.get)`` and 2,000 imported names used
    as ``Depends(f<i>)``: each resolution looks its name up, never scans the file's imports,
    classes or instances again."""
    from archcheck import api
    from archcheck.pipeline import engine
    from archcheck.project.callables import Callables

    n = 2000
    lib = "".join(f"def f{i}():\n    yield {i}\n" for i in range(n))
    text = "from fastapi import Depends\n" + "".join(f"from .lib import f{i}\n" for i in range(n))
    text += "".join(f"class C{i}:\n    def get(self): return {i}\nx{i} = C{i}()\n" for i in range(n))
    text += "".join(f"def h{i}(a=Depends(x{i}.get), b=Depends(f{i})): pass\n" for i in range(n))
    root = write_example(
        tmp_path, Example({_APP + "__init__.py": "", _APP + "lib.py": lib, _APP + "m.py": text})
    )
    project = engine._project(api.load_settings(root), None, 1, False, None).project
    reads: list = []  # type: ignore[type-arg]
    project.facts = _CountingFacts(dict(project.facts), reads)  # type: ignore[assignment]
    project.files = FileIndex(project.facts)
    resolved = list(Callables(project).uses({"Depends"}))
    assert len(resolved) == n  # the imported generators; the instances' methods are plain functions
    assert len(reads) < 100


def _comparisons(monkeypatch: pytest.MonkeyPatch) -> List[Tuple[str, str]]:
    from archcheck.project import ssot

    compared: List[Tuple[str, str]] = []
    real = ssot._same_implementation
    monkeypatch.setattr(
        ssot, "_same_implementation", lambda a, b, h: compared.append((a.name, b.name)) or real(a, b, h)
    )
    return compared


def test_distinct_names_of_one_concept_are_compared_a_bounded_number_of_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """300 ``DatabaseManagerV<i>`` (one concept, 300 names): each class is compared with at most
    ``COMPARED`` others (every pair took 92 s for 2,000), and still reported."""
    from archcheck.project import ssot
    from tests.helpers import check

    compared = _comparisons(monkeypatch)
    text = "".join(f"class DatabaseManagerV{i}:\n    def connect(self): ...\n" for i in range(300))
    root = write_example(tmp_path, Example({_APP + "db.py": text}))
    found = [v for v in check(root, ["SSOT003"]).violations if v.code == "SSOT003"]
    assert len(found) == 300
    assert len(compared) <= 300 * ssot.COMPARED < 300 * 299


def test_a_unit_makes_a_bounded_number_of_comparisons(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archcheck.project import ssot
    from tests.helpers import check

    compared = _comparisons(monkeypatch)
    monkeypatch.setattr(ssot, "COMPARISONS", 500)
    text = "".join(f"class DatabaseManagerV{i}:\n    def connect(self): ...\n" for i in range(100))
    root = write_example(tmp_path, Example({_APP + "db.py": text}))
    assert any(v.code == "SSOT003" for v in check(root, ["SSOT003"]).violations)
    assert len(compared) == 500


def _site(name: str, line: int) -> Site:
    return Site(name, "a.py", Location("a.py", line))


def test_similar_groups_are_the_maximal_cliques_of_a_small_connected_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``CircuitBreaker`` like ``AsyncCircuitBreaker`` and ``UnifiedCircuitBreaker``, which are
    not alike: two groups, never one that chains through the middle."""
    from archcheck.project import ssot

    a, b, c = _site("AsyncCircuitBreaker", 1), _site("CircuitBreaker", 2), _site("UnifiedCircuitBreaker", 3)
    monkeypatch.setattr(ssot, "similar_pairs", lambda sites: {a: [b], b: [a, c], c: [b]})
    assert ssot.similar_groups([a, b, c]) == [[a, b], [b, c]]


def test_similar_groups_of_generated_classes_cost_polynomial_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Classes alike unless in the same triple (the cocktail-party graph) have 3^k maximal
    cliques: 36 classes took 54 s and printed 263 MB. Such a set is one group."""
    from archcheck.project import ssot

    sites = [_site(f"DatabaseManagerV{i}", i) for i in range(36)]
    pairs = {s: [o for j, o in enumerate(sites) if j // 3 != i // 3] for i, s in enumerate(sites)}
    monkeypatch.setattr(ssot, "similar_pairs", lambda _: pairs)
    assert ssot.similar_groups(sites) == [sites]


def test_version_drift_over_many_services_names_a_few_and_counts_the_rest(tmp_path: Path) -> None:
    """300 services pin 300 versions of a package their shared library imports: each REQ005
    names ``SHOWN`` other pins and counts the rest (every message listed all 299: 1,000
    services printed 52 MB)."""
    from archcheck.rule_api.rule import SHOWN
    from tests.helpers import check

    n = 300
    files = {"shared/__init__.py": "", "shared/events.py": "import pydantic\n"}
    for i in range(n):
        files[f"services/s{i}/requirements.txt"] = f"pydantic==2.{i}.0\n"
        files[f"services/s{i}/app/main.py"] = "from shared import events\n"
    root = write_example(tmp_path, Example(files, 'services = ["services/*"]\nshared = ["shared"]\n'))
    found = [v for v in check(root, ["REQ005"]).violations if v.code == "REQ005"]
    assert len(found) == n
    first = next(v for v in found if v.location.path == "services/s0/requirements.txt")
    assert "2.1.0 in s1 (services/s1/requirements.txt:1)" in first.message
    assert first.message.count(" in s") == SHOWN and f"and {n - 1 - SHOWN} more" in first.message
    assert all(len(v.related) == SHOWN for v in found)


def _judged(monkeypatch: pytest.MonkeyPatch) -> List[Tuple[int, int]]:
    """The pairs of functions SSOT002 weighs the evidence of, by line."""
    from archcheck.rules import duplicate_function

    judged: List[Tuple[int, int]] = []
    real = duplicate_function.evidence
    monkeypatch.setattr(
        duplicate_function,
        "evidence",
        lambda a, b: judged.append((a.location.line, b.location.line)) or real(a, b),
    )
    return judged


def _helpers(n: int, extra: str = "", shared: str = "") -> str:
    """``n`` definitions of ``helper(a, b)``, each body its own (every pair took 68 s for 3,000);
    ``extra`` is a line added to each (``{}`` its number), ``shared`` one in every body."""
    return "".join(
        f"def helper(a, b):\n{shared}    x = a + {i}\n{extra.format(i)}    return x * b - {i}\n"
        for i in range(n)
    )


def test_distinct_definitions_of_one_function_are_compared_only_with_look_alikes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """300 bodies of ``helper`` in one file, each copied (one line added) in another: each is
    weighed against the copy that shares its lines, not every other body, and still reported."""
    from tests.helpers import check

    n = 300
    judged = _judged(monkeypatch)
    files = {_APP + "a.py": _helpers(n), _APP + "b.py": _helpers(n, extra="    log(x, {})\n")}
    found = [v for v in check(write_example(tmp_path, Example(files)), ["SSOT002"]).violations]
    assert len(found) == 2 * n
    assert all(len(v.related) == 1 and v.related[0].path != v.location.path for v in found)
    assert len(judged) <= 5 * n  # itself, its copy, and the copy it names


def test_look_alike_definitions_of_one_function_are_compared_a_bounded_number_of_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """300 bodies of ``helper(a, b)`` with a line in common, each the copy of every other: each
    is weighed against at most ``COMPARED`` others, and every one is reported."""
    from archcheck.rule_api.rule import SHOWN
    from archcheck.rules import duplicate_function
    from tests.helpers import check

    n = 300
    judged = _judged(monkeypatch)
    files = {_APP + "a.py": _helpers(n, shared="    y = 0\n")}
    found = [v for v in check(write_example(tmp_path, Example(files)), ["SSOT002"]).violations]
    assert len(found) == n
    assert all(len(v.related) == SHOWN for v in found)
    assert len(judged) <= n * (duplicate_function.COMPARED + 1 + SHOWN) < n * n


def test_a_long_chain_of_requirement_includes_is_walked_a_linear_number_of_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """300 requirements files, each including the next, beside a shared file: every file's
    includes were read again for every closure of every file of a closure (cubic: 3,000 files
    took 117 s)."""
    from archcheck.project.requirement_graph import Requirements
    from tests.helpers import check

    n = 300
    files = {
        f"svc/c{k}.txt": (f"-r c{k + 1}.txt\n" if k + 1 < n else "") + f"pkg{k}==1.0\n" for k in range(n)
    }
    files["svc/requirements.txt"] = "-r c0.txt\n"
    files["requirements.shared.txt"] = "".join(f"pkg{k}==2.0\n" for k in range(n))
    files["svc/app/a.py"] = "x = 1\n"
    root = write_example(tmp_path, Example(files, 'services = ["svc"]\n'))
    reads: List[str] = []
    real = Requirements.includes
    monkeypatch.setattr(Requirements, "includes", lambda self, path: reads.append(path) or real(self, path))
    codes = [v.code for v in check(root).violations]
    assert codes.count("REQ002") == n and "REQ001" in codes  # each pin repeats the shared file
    assert len(reads) <= 10 * n


def test_many_internal_host_globs_are_compiled_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """300 ``internal-hosts`` globs against 300 URLs: each host was tried against each glob in
    Python (6,000 x 6,000 took 60 s); one compiled matcher answers the same."""
    import fnmatch

    from archcheck.facts import urls
    from tests.helpers import check

    globs = [f"host{i}.*.internal" for i in range(300)] + ["redis", "cache-?"]
    config = 'services = ["svc"]\n[config]\ninternal-hosts = [' + ", ".join(f'"{g}"' for g in globs) + "]\n"
    text = "import httpx\n" + "".join(f'httpx.get("http://other{i}:80/")\n' for i in range(300))
    text += 'httpx.get("http://host7.eu.internal/")\nhttpx.get("http://redis:6379/")\nhttpx.get("http://cache-1/")\n'
    root = write_example(tmp_path, Example({"svc/requirements.txt": "", "svc/app/a.py": text}, config))
    tried: List[str] = []
    real = fnmatch.fnmatchcase
    monkeypatch.setattr(fnmatch, "fnmatchcase", lambda name, pat: tried.append(pat) or real(name, pat))
    found = [v for v in check(root, ["CFG001"]).violations if v.code == "CFG001"]
    assert sorted(v.location.line for v in found) == [302, 303, 304]
    assert len(tried) < 1000
    for host in ("host7.eu.internal", "redis", "cache-1", "cache-10", "other1", "HOST7.x.internal"):
        assert urls.matches_internal(host, globs) == any(real(host, g.lower()) for g in globs)


def test_many_canonicals_are_each_compared_with_their_look_alikes_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """300 ``ssot.canonical`` entries, each with a ``Unified...V2`` look-alike, among 600 classes:
    SSOT004, the MASTER_INDEX and the find index compare a canonical only with the classes that
    could share its concept, and build the unit's hierarchy once (every canonical was compared
    with every class of its service, the hierarchy rebuilt each time: 38 s for 1,000)."""
    from archcheck import api
    from archcheck.output import find_index, master_index
    from archcheck.project import ssot
    from tests.helpers import check

    words = ["Database", "Connection", "Session", "Cache", "Token", "User", "Order", "Billing"]
    names = ["".join(p) + "Manager" for p in itertools.permutations(words, 3)][:300]
    canonical = "".join(f'{n} = "{_APP}c.py"\n' for n in names)
    files = {
        _APP + "c.py": "".join(f"class {n}:\n    def connect(self): ...\n" for n in names),
        _APP + "d.py": "".join(f"class Unified{n}V2:\n    def connect(self): ...\n" for n in names),
    }
    root = write_example(
        tmp_path, Example(files, 'services = ["services/*"]\n[ssot.canonical]\n' + canonical)
    )
    compared: List[Tuple[str, str]] = []
    real = ssot.similar
    monkeypatch.setattr(ssot, "similar", lambda a, b, h: compared.append((a.name, b.name)) or real(a, b, h))
    hierarchies = []
    real_hierarchy = ssot.Hierarchy
    monkeypatch.setattr(ssot, "Hierarchy", lambda sites: hierarchies.append(1) or real_hierarchy(sites))

    found = [v for v in check(root, ["SSOT004"]).violations if v.code == "SSOT004"]
    assert len(found) == 300
    assert len(compared) <= 2 * 300 and len(hierarchies) == 1

    compared.clear()
    hierarchies.clear()
    project = api.analyse(api.load_settings(root), jobs=1)
    assert "| 1 |" in master_index.render(project)
    index = find_index.build(project)
    assert all(len(c.copies) == 1 for c in index.canonical) and len(index.canonical) == 300
    assert len(compared) <= 2 * 2 * 300 and len(hierarchies) <= 2  # SSOT003's groups build their own


def test_a_canonical_is_compared_with_a_bounded_number_of_look_alikes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """100 canonical ``DatabaseManagerV<i>`` (one concept, 100 names): each canonical is compared
    with at most ``CANONICAL_COMPARED`` of the others, in file order, and matches those."""
    from archcheck.project import ssot
    from tests.helpers import check

    compared: List[Tuple[str, str]] = []
    real = ssot.similar
    monkeypatch.setattr(ssot, "similar", lambda a, b, h: compared.append((a.name, b.name)) or real(a, b, h))
    monkeypatch.setattr(ssot, "CANONICAL_COMPARED", 10)
    names = [f"DatabaseManagerV{i}" for i in range(100)]
    files = {_APP + "db.py": "".join(f"class {n}:\n    def connect(self): ...\n" for n in names)}
    canonical = "".join(f'{n} = "{_APP}db.py"\n' for n in names)
    root = write_example(
        tmp_path, Example(files, 'services = ["services/*"]\n[ssot.canonical]\n' + canonical)
    )
    found = [v for v in check(root, ["SSOT004"]).violations if v.code == "SSOT004"]
    assert len(compared) == len(found) == 100 * 10
    assert {a for a, b in compared if b == "DatabaseManagerV0"} == {
        f"DatabaseManagerV{i}" for i in range(1, 11)
    }


def test_many_paths_on_the_command_line_cost_no_more_per_finding_than_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pre-commit hook passes every staged file: each finding was tested against each path
    (8,000 files: quadratic). The findings are those of the folder, each path looked up by its
    own ancestors."""
    from archcheck.pipeline import engine
    from archcheck.project.layout import is_within
    from tests.helpers import check

    n = 400
    files = {f"svc/app/m{i}.py": "from . import models\n" for i in range(n)}
    root = write_example(tmp_path, Example({**files, "svc/requirements.txt": ""}, 'services = ["svc"]\n'))
    whole = check(root, ["IMP002"], paths=["svc/app"]).violations
    calls: List[int] = []
    monkeypatch.setattr(engine, "is_within", lambda *a: calls.append(1) or is_within(*a), raising=False)
    each = check(root, ["IMP002"], paths=sorted(files)).violations
    assert len(whole) == n and each == whole
    assert len(calls) < 10 * n


def test_a_long_per_file_ignores_code_list_is_looked_up_not_scanned(tmp_path: Path) -> None:
    """One glob ignoring 3,000 codes, 300 findings: each finding walked every code (and since
    run 66 each code is checked to name a rule: a set lookup, not a scan of the catalogue)."""
    from archcheck.pipeline import registry
    from tests.helpers import check

    codes = ", ".join(f'"ASY00{i % 6 + 1}"' for i in range(3000))
    config = f'services = ["svc"]\n[per-file-ignores]\n"**" = [{codes}, "IMP00"]\n'
    text = "from . import models\n" * 300
    root = write_example(tmp_path, Example({"svc/requirements.txt": "", "svc/app/a.py": text}, config))
    assert not check(root, ["IMP002"]).violations
    assert registry.code_in("IMP002", frozenset({"IMP00"})) and registry.code_in("X1", frozenset({"ALL"}))
    assert not registry.code_in("IMP002", frozenset({"IMP003", "ASY"}))


def test_findings_look_up_the_suppressions_of_their_own_line() -> None:
    """One suppression comment on a 2,000-line statement spans its lines; every finding of the
    file scanned all of them (quadratic in findings x lines)."""
    from archcheck.model import Severity, Suppression, Violation
    from archcheck.pipeline.suppress import apply

    class Counted(list):  # type: ignore[type-arg]
        reads = 0

        def __iter__(self):  # type: ignore[no-untyped-def]
            Counted.reads += 1
            return super().__iter__()

    spanned = Counted([Suppression(301, ("ASY",), end_line=2300)])
    findings = [
        Violation("IMP002", "relative-import", Severity.ERROR, Location("a.py", line), "m")
        for line in range(1, 301)
    ]
    applied = apply(findings, {"a.py": spanned}, "2026-01-01", lambda code: True)
    assert len(applied.kept) == 300
    assert Counted.reads <= 3


def test_a_line_with_many_findings_is_digested_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SARIF fingerprints and baseline entries identify a finding by its line's digest: one
    500 KB line with thousands of findings was masked and hashed once per finding."""
    from archcheck.model import Severity, Violation
    from archcheck.pipeline import snippets

    digested = []
    real = snippets.line_digest
    monkeypatch.setattr(
        snippets, "line_digest", lambda line, prose=False: digested.append(line) or real(line, prose)
    )
    (tmp_path / "a.py").write_text(";".join(["from . import models"] * 300) + "\nx = 1\n")
    findings = [
        Violation("IMP002", "relative-import", Severity.ERROR, Location("a.py", 1, 21 * i + 1), "m")
        for i in range(300)
    ] + [Violation("IMP002", "relative-import", Severity.ERROR, Location("a.py", 2), "m")]
    found = list(snippets.identities(tmp_path, findings))
    assert len(digested) == 2
    assert [identity[3] for _, identity in found] == [*range(300), 0]
    assert len({identity[2] for _, identity in found}) == 2


def test_many_per_file_ignores_globs_with_codes_of_their_own_are_matched_in_a_few_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,000 globs, each ignoring its own code: one matcher per code list made every path with a
    finding a pass per glob (4,000 globs: 105 s). One table answers which globs match a path."""
    from archcheck.config.globs import Globs
    from tests.helpers import check

    n = 1000
    globs = "".join(f'"gen{i}/**" = ["ASY00{i % 6 + 1}"]\n' for i in range(n))
    config = f'services = ["svc"]\n[per-file-ignores]\n{globs}"svc/app/m7.py" = ["IMP002"]\n"**/m1?.py" = ["IMP"]\n'
    files = {f"svc/app/m{i}.py": "from . import models\n" for i in range(40)}
    root = write_example(tmp_path, Example({**files, "svc/requirements.txt": ""}, config))
    passes: List[str] = []
    real = Globs._matched
    monkeypatch.setattr(Globs, "_matched", lambda self, path: passes.append(path) or real(self, path))
    found = {v.location.path for v in check(root, ["IMP002"]).violations}
    assert found == set(files) - {"svc/app/m7.py"} - {f"svc/app/m1{i}.py" for i in range(10)}
    assert len(passes) <= 4 * len(files)  # the walk, then each file with a finding, two parts


def test_a_glob_table_splits_what_re2_cannot_compile_at_once() -> None:
    """2,000 ``**/`` globs pass RE2's memory budget together: the table compiles them in parts
    and still names each glob that matches, by its index."""
    from archcheck.config.globs import GlobTable

    table = GlobTable([f"**/test_{i}.py" for i in range(2000)] + ["svc/**", "*.py"])
    assert len(table._parts) > 1
    assert table.matching("svc/app/test_1500.py") == [1500, 2000, 2001]
    assert table.matching("other/test_7.txt") == []
    assert table.matching("svc/x.txt") == [2000]


class _CountedFacts(tuple):  # type: ignore[type-arg]
    """A file's facts that count how many of them are read."""

    reads = 0

    def __iter__(self):  # type: ignore[no-untyped-def]
        for item in tuple.__iter__(self):
            _CountedFacts.reads += 1
            yield item


def test_the_fixes_of_thousands_of_findings_in_one_file_look_up_their_facts(tmp_path: Path) -> None:
    """Each autofix found the fact at its finding by a scan of the file's facts (its imports,
    loop entries, requirement lines; the shared file's lines and each installer's): 300
    findings of each kind in one file read about 45,000 facts each, and 8,000 took minutes."""
    import msgspec

    from archcheck import api
    from archcheck.pipeline import fixer

    n = 300
    files = {
        "archcheck.toml": 'services = ["services/*"]\n',
        "requirements.shared.txt": "".join(f"p{i}==1.0\n" for i in range(n)),
        "services/orders/requirements.txt": "-r ../../requirements.shared.txt\n"
        + "".join(f"p{i}==1.0\n" for i in range(n)),
        "services/orders/app/__init__.py": "",
        "services/orders/app/models.py": "X = 1\n",
        "services/orders/app/api.py": "".join("from .models import X\n" for _ in range(n)),
        "services/orders/app/jobs.py": "import asyncio\n\n\nasync def main():\n"
        + "".join("    asyncio.run(work())\n" for _ in range(n)),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    run = api.run(api.load_settings(tmp_path), jobs=1)
    codes = [v.code for v in run.report.violations]
    assert codes.count("IMP002") == codes.count("REQ002") == codes.count("ASY001") == n
    project = run.project
    facts = dict(project.facts)
    for path, field in (
        ("services/orders/app/api.py", "imports"),
        ("services/orders/app/jobs.py", "loop_entries"),
    ):
        facts[path] = msgspec.structs.replace(
            facts[path], **{field: _CountedFacts(getattr(facts[path], field))}
        )
    project.facts = facts
    for path, lines in project.requirements.facts.items():
        project.requirements.facts[path] = msgspec.structs.replace(
            lines, requirements=_CountedFacts(lines.requirements)
        )
    planned, _ = fixer._plan(run, run.report.violations, None)
    assert sorted(len(fixes) for fixes in planned.values()) == [n, n, n]
    assert _CountedFacts.reads <= 20 * n


def test_the_fixes_of_one_file_are_walked_with_its_statements() -> None:
    """Each top-level statement was matched against every fix of the file (16,000 fixes: the
    editing child ran out of its CPU limit and every fix was reported as failed)."""
    from archcheck.pipeline import fixer
    from archcheck.rule_api.fixes import CstFix

    class Fixes(Sequence[CstFix]):
        reads = 0

        def __init__(self, items: List[CstFix]) -> None:
            self.items = items

        def __len__(self) -> int:
            return len(self.items)

        def __getitem__(self, index):  # type: ignore[no-untyped-def]
            Fixes.reads += 1
            return self.items[index]

    def unchanged(node: object, around: object) -> object:
        return node

    n = 400
    data = b"import os\n" + b"x = os.sep\n" * n
    fixes = Fixes(
        [CstFix("m.py", Location("m.py", line, 1, line, 2), unchanged, "x") for line in range(n + 1, 1, -1)]
    )
    after, _, outcomes = fixer._edit_module("m.py", data, fixes)  # type: ignore[arg-type]
    assert after == data and outcomes == [None] * n
    assert Fixes.reads <= 10 * n


def test_a_path_thousands_of_folders_deep_is_placed_by_the_depth_of_the_places() -> None:
    """A baseline entry ``a/a/…/x.py`` 640 KB long, in a run limited to paths (pre-commit):
    ``within_any`` cut the path one folder at a time, each a copy of what was left (30 s)."""
    from archcheck.project.layout import places, within_any

    class Path_(str):
        copied = 0

        def __getitem__(self, index):  # type: ignore[no-untyped-def]
            found = str.__getitem__(self, index)
            Path_.copied += len(found)
            return found

        def rpartition(self, sep):  # type: ignore[no-untyped-def]
            found = str.rpartition(self, sep)
            Path_.copied += len(found[0])
            return tuple(Path_(part) for part in found)

    deep = Path_("a/" * 20_000 + "x.py")
    assert not within_any(deep, places(["svc/app/main.py", "b/c"]))
    assert within_any(Path_("b/c/" + "a/" * 20_000 + "x.py"), places(["svc/app/main.py", "b/c"]))
    assert Path_.copied < 100


def test_a_comment_on_a_long_statement_is_one_suppression() -> None:
    """``X = [  # archcheck: ignore[A,A,…]`` then 10,000 lines: the comment's code list was
    copied into a fact per line (a 50 KB file: 233 MB and a 191 MB cache folder)."""
    import ast

    from archcheck.facts.suppressions import in_python

    n = 2000
    codes = ",".join("A" for _ in range(n))
    text = f"X = [  # archcheck: ignore[{codes}]\n" + "0,\n" * n + "]\nY = 1  # archcheck: ignore[B]\n"
    found = in_python(text, ast.parse(text))
    assert [(s.line, s.last_line, len(s.codes)) for s in found] == [(1, n + 2, n), (n + 3, n + 3, 1)]


def test_thousands_of_acceptable_duplicate_globs_are_one_matcher(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each class was matched against each ``acceptable-duplicates`` glob (40,000 globs: 40 s
    for 20 classes); the names are a set and the globs one expression, same answers."""
    import fnmatch

    from archcheck.project import ssot

    patterns = [f"Gen{i}*" for i in range(3000)] + [f"Exact{i}" for i in range(3000)] + ["*Mixin", "Base?"]
    names = ["Gen12Manager", "Gen", "Exact7", "Exact70000", "AuthMixin", "BaseX", "Base", "DatabaseManager"]
    expected = [any(fnmatch.fnmatchcase(n, p) for p in patterns) for n in names]
    calls = []
    real = fnmatch.fnmatchcase
    monkeypatch.setattr(fnmatch, "fnmatchcase", lambda *a: calls.append(a) or real(*a))
    assert [ssot.acceptable(n, patterns) for n in names] == expected == [
        True, False, True, False, True, True, False, False,
    ]  # fmt: skip
    assert not calls
