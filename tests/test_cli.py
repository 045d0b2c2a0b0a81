"""The command line as a user meets it: default command, text output, exit codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import List

import pytest

from archcheck import __version__
from archcheck.pipeline.registry import catalogue
from tests.helpers import cli, fixture

REPO = Path(__file__).resolve().parents[1]
DEMO = fixture("demo")


def archcheck(args: List[str], cwd: Path = DEMO) -> subprocess.CompletedProcess[str]:
    return cli(cwd, *args)


def test_no_subcommand_runs_check_and_accepts_its_options() -> None:
    bare, strict, explicit = archcheck([]), archcheck(["--strict"]), archcheck(["check"])
    assert bare.stdout == explicit.stdout == strict.stdout
    assert bare.returncode == strict.returncode == 1


def test_paths_without_a_subcommand_are_checked() -> None:
    """``archcheck .`` and ``archcheck shared`` run ``check`` on those paths; a word that is
    neither a command nor a path is still an unknown command."""
    assert archcheck(["."]).stdout == archcheck(["check", "."]).stdout
    only = archcheck(["shared", "--select", "IMP004"])
    assert only.returncode == 1 and only.stdout.startswith("shared/auth.py:1:1: IMP004")
    typo = archcheck(["chekc"])
    assert typo.returncode == 2 and "No such command 'chekc'" in typo.stderr


def test_text_output_lines_and_summary() -> None:
    result = archcheck(["check", "--select", "ASY001,IMP004"])
    assert result.stdout.splitlines() == [
        "netra_backend/app/startup.py:7:5: ASY001 asyncio.run() inside async function 'startup':"
        " the event loop is already running (RuntimeError, or a blocked loop)",
        "shared/auth.py:1:1: IMP004 shared library 'shared' imports 'auth_service.auth_core.tokens'"
        " from service 'auth_service'",
        "Found 2 errors and 0 warnings (24 files, 3 services).",
    ]
    assert result.stderr == ""


def test_show_fixes_and_quiet() -> None:
    result = archcheck(["check", "--select", "ASY001", "--show-fixes", "--quiet"])
    assert result.stdout.splitlines()[1] == "    fix: await the coroutine instead: await db.connect()"
    assert "Found" not in result.stdout


def test_output_file(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = archcheck(["check", "--format", "json", "--output", str(out)])
    assert result.stdout == "" and result.returncode == 1
    assert json.loads(out.read_text())["summary"]["errors"] == 17


def test_json_document_shape() -> None:
    document = json.loads(archcheck(["check", "--format", "json", "--select", "ASY001"]).stdout)
    assert document["tool"] == "archcheck" and document["version"] == __version__
    assert document["root"] == str(DEMO)
    assert document["violations"][0] == {
        "code": "ASY001",
        "name": "asyncio-run-in-async",
        "severity": "error",
        "path": "netra_backend/app/startup.py",
        "line": 7,
        "column": 5,
        "end_line": 7,
        "end_column": 30,
        "service": "netra_backend",
        "message": "asyncio.run() inside async function 'startup': the event loop is already "
        "running (RuntimeError, or a blocked loop)",
        "fix": "await the coroutine instead: await db.connect()",
        "related": [],
    }
    assert set(document["summary"]) == {"files", "services", "errors", "warnings", "by_code", "duration_s"}


def test_paths_from_a_subdirectory_are_relative_to_cwd() -> None:
    result = archcheck(["check", "app/startup.py"], cwd=DEMO / "netra_backend")
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:-1]] == [
        "netra_backend/app/startup.py",
        "netra_backend/app/startup.py",
    ]


def test_version() -> None:
    for args in (["--version"], ["check", "--version"]):
        assert archcheck(args).stdout.strip() == f"archcheck, version {__version__}"


def test_rules_lists_the_catalogue() -> None:
    lines = archcheck(["rules"]).stdout.splitlines()
    assert [line.split()[0] for line in lines] == [spec.code for spec in catalogue()]
    rows = json.loads(archcheck(["rules", "--format", "json"]).stdout)
    assert {row["code"] for row in rows} == {spec.code for spec in catalogue()}


@pytest.mark.parametrize("name", ["ASY001", "asy001", "asyncio-run-in-async"])
def test_explain(name: str) -> None:
    result = archcheck(["explain", name])
    assert result.returncode == 0
    assert result.stdout.startswith("ASY001 (asyncio-run-in-async) [error]")
    assert "## Why is this bad?" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["explain", "NOPE1"], "archcheck: error: unknown rule: NOPE1 (see `archcheck rules`)"),
        (["check", "--format", "xml"], "archcheck: error: Invalid value for '--format'"),
        (["check", "--config", "missing.toml"], "archcheck: error: "),
        (["frobnicate"], "archcheck: error: No such command 'frobnicate'."),
        (["check", "/"], "archcheck: error: /: outside the project root"),
        (  # JSON, SARIF and GitHub list every finding: counts per rule there were silently dropped
            ["check", "--statistics", "--format", "json"],
            "archcheck: error: Invalid value for '--statistics': counts per rule are a text format",
        ),
        # run 127a/01: --diff printed a diff into a SARIF file, and --fix beside it wrote nothing
        (
            ["check", "--diff", "--format", "sarif", "-o", "x.sarif"],
            "archcheck: error: --diff prints a unified diff; --format sarif",
        ),
        (
            ["check", "--diff", "--fix"],
            "archcheck: error: --diff shows the fixes and writes nothing; --fix writes them",
        ),
        (
            ["check", "--diff", "--statistics"],
            "archcheck: error: --diff prints a unified diff; --statistics counts",
        ),
        (
            ["--no-cache", "graph"],
            "archcheck: error: graph: no such file or directory (options go after the command: archcheck graph",
        ),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: List[str], message: str) -> None:
    result = archcheck(args)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_bad_allow_edge_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "archcheck.toml").write_text('services = ["*"]\n[imports]\nallow = ["a -> nowhere"]\n')
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.py").write_text("")
    for args in ([], ["graph"]):  # one reading of the allow-list for every command
        result = archcheck(args, cwd=tmp_path)
        assert result.returncode == 2
        assert result.stderr == "archcheck: error: archcheck.toml: imports.allow: unknown service 'nowhere'\n"


def test_index_writes_master_index(tmp_path: Path) -> None:
    project = fixture("ssot_duplicates")
    result = archcheck(["index", "--output", "-"], cwd=project)
    assert result.returncode == 0
    text = result.stdout
    assert text.startswith("# MASTER_INDEX")
    assert (
        "| DatabaseManager | `services/content-service/app/db/database_manager.py:1` | content-service | 3 |"
    ) in text
    assert "- `UnifiedDBConnectionManager` at `services/content-service/app/core/unified.py:1`" in text
    assert "search-service: DatabaseManager / UnifiedDBManager" in text
    out = tmp_path / "project"
    import shutil

    shutil.copytree(project, out)
    assert archcheck(["index"], cwd=out).returncode == 0
    assert (out / "MASTER_INDEX.md").read_text() == text


def test_graph_json_marks_forbidden_edges() -> None:
    result = archcheck(["graph", "--format", "json"], cwd=fixture("package_services"))
    data = json.loads(result.stdout)
    assert [(n["name"], n["kind"]) for n in data["nodes"]] == [
        ("analytics_service", "service"),
        ("auth_service", "service"),
        ("netra_backend", "service"),
        ("shared", "shared"),
    ]
    edges = {(e["source"], e["target"]): (e["imports"], e["rules"]) for e in data["edges"]}
    assert edges[("netra_backend", "analytics_service")] == (1, ["IMP003"])  # allowed, but on a cycle
    assert edges[("shared", "netra_backend")] == (1, ["IMP003", "IMP004"])  # in code order
    assert edges[("netra_backend", "auth_service")][1] == ["IMP001", "IMP003"]


def test_graph_dot_and_mermaid(tmp_path: Path) -> None:
    dot = archcheck(["graph"], cwd=fixture("clean_services")).stdout
    assert dot.startswith("digraph archcheck {") and '"orders-service" [shape=box];' in dot
    assert "color=red" not in dot  # a clean tree has no forbidden edge
    out = tmp_path / "graph.mmd"
    archcheck(["graph", "--format", "mermaid", "--output", str(out)], cwd=fixture("demo"))
    text = out.read_text()
    assert text.startswith("graph LR") and "linkStyle" in text and '(["shared"])' in text


def _project(root: Path) -> Path:
    (root / "svc" / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["svc"]\n')
    (root / "svc" / "requirements.txt").write_text("")
    (root / "svc" / "app" / "main.py").write_text(
        "import asyncio\n\nasync def main():\n    asyncio.run(work())\n"
    )
    return root


def test_the_project_is_found_from_the_path_given(tmp_path: Path) -> None:
    _project(tmp_path / "rdh")
    (tmp_path / "beside" / "x").mkdir(parents=True)
    (tmp_path / "beside" / "x" / "main.py").write_text(
        "import asyncio\nasync def f():\n    asyncio.run(g())\n"
    )
    result = archcheck(["check", "rdh"], cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stderr == "archcheck: project root: rdh\n"
    assert result.stdout.startswith("svc/app/main.py:4:5: ASY001")  # paths relative to that root
    assert "beside" not in result.stdout and "(2 files, 1 service)" in result.stdout
    assert (tmp_path / "rdh" / ".archcheck_cache").is_dir() and not (tmp_path / ".archcheck_cache").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["graph", "proj"],
        ["index", "proj", "-o", "-"],
        ["audit", "proj"],
        ["baseline", "proj"],
        ["check", "proj"],
    ],
)
def test_every_subcommand_takes_the_project_path(tmp_path: Path, args: List[str]) -> None:
    _project(tmp_path / "proj")
    result = archcheck(args, cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert result.stderr.startswith("archcheck: project root: proj\n")
    if args[0] == "baseline":
        assert (tmp_path / "proj" / "archcheck-baseline.json").is_file()


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["graph"],
        ["index", "-o", "-"],
        ["audit"],
        ["baseline"],
        ["rules"],
        ["explain", "ASY001"],
        ["init"],
    ],
)
def test_every_subcommand_takes_debug(tmp_path: Path, args: List[str]) -> None:
    _project(tmp_path)
    (tmp_path / "pyproject.toml").write_text("")  # init has a section to write
    result = archcheck([*args, "--debug"], cwd=tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert "No such option" not in result.stderr


@pytest.mark.parametrize("command", ["check", "baseline", "index", "audit", "graph", "report"])
def test_an_empty_output_name_is_a_usage_error(demo: Path, command: str) -> None:
    """'-' is standard output in every command; '' is never a second spelling of it."""
    result = cli(demo, command, "--output", "")
    assert result.returncode == 2, result.stdout
    assert result.stderr.endswith("an empty file name ('-' is standard output)\n")


def test_a_baseline_to_standard_output(demo: Path) -> None:
    result = cli(demo, "baseline", "--output", "-")
    assert result.returncode == 0 and json.loads(result.stdout)["entries"]
    assert not (demo / "-").exists()
    pruned = cli(demo, "baseline", "--output", "-", "--prune")
    assert pruned.returncode == 2 and "--prune reads the baseline it prunes" in pruned.stderr


def test_a_mermaid_label_is_text_never_html() -> None:
    from archcheck.output.graph import to_mermaid

    name = 'svc<img src=x onerror="alert(1)">&#35;'
    data = {"nodes": [{"name": name, "kind": "service"}], "edges": []}
    line = to_mermaid(data).splitlines()[1]
    assert line == '  n0["svc#lt;img src=x onerror=#quot;alert(1)#quot;#gt;#amp;#35;35;"]'
