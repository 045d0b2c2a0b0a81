"""Rows 10, 17 and 22: data from the checkout never becomes a command, invalid UTF-8 or an
absolute URI in archcheck's output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import List

import jsonschema
import pytest

from archcheck.rule_api.examples import Example
from tests.helpers import write_example
from tests.hostile._project import CONFIG, TEMPLATE, cli_bytes, project, run

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())
FORGED = "\\n::error file=README.md,line=1::Forged\\n::stop-commands::x"  # escapes, in Python source
LOOPBACK = 'URL = "http://localhost:8000"\n'


def _lines(root: Path, *args: str) -> List[str]:
    result = run(root, *args)
    assert result.returncode == 1, result.stderr
    return result.stdout.decode("utf-8").splitlines()


def test_text_output_has_no_line_from_data(tmp_path: Path) -> None:
    files = {
        "config.py": f'DATABASE_URL = "postgresql://a:b@c/d{FORGED}"\n',
        "new\n::error file=x::y.py": LOOPBACK,
        "sep\u2028::warning::x\x1b[2J.py": LOOPBACK,
    }
    root = project(tmp_path, files, CONFIG + TEMPLATE)
    lines = _lines(root, "--show-fixes")
    assert len(lines) == 3 * 2 + 1  # one line per finding, one per fix, the summary
    assert not [line for line in lines if line.lstrip().startswith("::")]
    assert "postgresql://a:***@c/d\\n::error file=README.md,line=1::Forged\\n::stop-commands::x'" in lines[0]
    assert lines[2].startswith("svc/app/new\\n::error file=x::y.py:1:7: CFG001 ")
    assert lines[4].startswith("svc/app/sep\\u2028::warning::x\\x1b[2J.py:1:7: CFG001 ")


def test_a_path_that_starts_with_a_colon_is_not_a_command() -> None:
    from archcheck.output.escape import text_path

    assert text_path("::error file=a::b.py") == "./::error file=a::b.py"
    assert text_path(" ::x.py") == "./ ::x.py"  # runners strip leading spaces
    assert text_path("\t::x.py") == "\\t::x.py"
    assert text_path("svc/::x.py") == "svc/::x.py"


def test_github_format_still_escapes(tmp_path: Path) -> None:
    files = {
        "config.py": f'DATABASE_URL = "postgresql://a:b@c/d{FORGED}"\n',
        "new\n::error x.py": LOOPBACK,
        "red\x1b[31m.py": LOOPBACK,
    }
    lines = _lines(project(tmp_path, files, CONFIG + TEMPLATE), "--format", "github")
    assert len(lines) == 3 and all(line.startswith("::error file=svc/app/") for line in lines)
    assert "d%0A::error file=README.md,line=1::Forged%0A::stop-commands::x" in lines[0]
    assert lines[1].startswith("::error file=svc/app/new%0A%3A%3Aerror x.py,line=1,")
    assert lines[2].startswith("::error file=svc/app/red\\x1b[31m.py,line=1,")  # shown, not swallowed


BAD = "bad\udcff.py"  # the byte 0xff: not UTF-8


def _timeless(output: str) -> str:
    return re.sub(r'"duration_s": [0-9.e-]+', "", output)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_non_utf8_file_names_give_valid_utf8(tmp_path: Path, fmt: str) -> None:
    try:
        root = project(tmp_path, {BAD: LOOPBACK})
    except OSError:
        pytest.skip("the file system refuses non-UTF-8 names")
    out = tmp_path / "out"
    for args in (
        ["--format", fmt],
        ["--format", fmt, "--output", str(out)],
        ["--format", fmt],
    ):  # last: cached
        result = run(root, *args)
        assert result.returncode == 1 and result.stderr == b"", result.stderr
    printed = result.stdout.decode("utf-8")  # strict: fails on a raw 0xff byte
    saved = out.read_bytes().decode("utf-8")
    assert _timeless(printed) == _timeless(saved)
    if fmt == "text":
        assert printed.startswith("svc/app/bad\ufffd.py:1:7: CFG001 ")
    elif fmt == "github":
        assert printed.startswith("::error file=svc/app/bad\ufffd.py,line=1,")
    else:
        assert "\\ud" not in printed  # no lone surrogate escaped in JSON
        document = json.loads(printed)
        if fmt == "json":
            assert document["violations"][0]["path"] == "svc/app/bad\\xff.py"
        else:
            location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
            assert location["artifactLocation"]["uri"] == "svc/app/bad%FF.py"


NAMES = ["https:evil.example.py", "a b#c.py", "100%.py", "q?x=1.py", "ünï.py"]


def test_sarif_uris_are_percent_encoded_relative_references(tmp_path: Path) -> None:
    root = project(tmp_path, dict.fromkeys(NAMES, LOOPBACK))
    document = json.loads(run(root, "--format", "sarif").stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(document)
    run_ = document["runs"][0]
    base = run_["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]]
    assert len(uris) == len(NAMES)
    for uri in uris:
        parts = urllib.parse.urlsplit(uri)
        assert not (parts.scheme or parts.netloc or parts.query or parts.fragment), uri
        assert urllib.parse.urljoin(base, uri) == base + uri
    assert sorted(urllib.parse.unquote(uri) for uri in uris) == sorted(f"svc/app/{name}" for name in NAMES)
    assert "svc/app/https%3Aevil.example.py" in uris and "svc/app/a%20b%23c.py" in uris


def test_graph_and_index_of_hostile_service_names(tmp_path: Path) -> None:
    names = ["a\udcff-svc", 'b"q\n::error x-svc']
    files = {
        f"{name}/{rel}": "class DatabaseManager: ...\n" for name in names for rel in ("app/a.py", "app/b.py")
    }
    try:
        write_example(tmp_path, Example(files, 'services = ["*-svc"]\n'))
    except OSError:
        pytest.skip("the file system refuses non-UTF-8 names")
    outputs = {fmt: cli_bytes(tmp_path, "graph", "--format", fmt) for fmt in ("dot", "mermaid", "json")}
    outputs["index"] = cli_bytes(tmp_path, "index", "--output", "-")
    for output in outputs.values():
        text = output.decode("utf-8")
        assert not [line for line in text.splitlines() if line.lstrip().startswith("::")]
    nodes = json.loads(outputs["json"])["nodes"]
    assert [node["name"] for node in nodes] == ["a\\xff-svc", 'b"q\n::error x-svc']
    assert '"b\\"q\\n::error x-svc" [shape=box];' in outputs["dot"].decode()


def test_a_mermaid_graph_carries_no_directive_from_a_service_name(tmp_path: Path) -> None:
    """Run 81a: ``%``, ``{`` and ``'`` passed into Mermaid labels as they were, so a service
    folder named ``x%%{init: {'theme':'forest'}}%%`` set the diagram's configuration."""
    name = "x%%{init: {'theme':'forest'}}%%`|"
    write_example(tmp_path, Example({f"services/{name}/app/a.py": "x = 1\n"}, 'services = ["services/*"]\n'))
    text = cli_bytes(tmp_path, "graph", "--format", "mermaid").decode()
    label = next(line for line in text.splitlines() if "init" in line)
    assert not set("%{}'`|") & set(label.split("[", 1)[1]), label


def test_python_warnings_never_reach_stderr_raw(tmp_path: Path) -> None:
    """``1if c else 0`` is a SyntaxWarning that Python printed itself, the file's name and line
    unescaped: a name holding ``\\n::stop-commands::tok\\n`` turned off GitHub's workflow
    commands, and an ESC in the line reached the terminal."""
    root = project(tmp_path, {"a.py": "x = 1\n"})
    name = "a\n::stop-commands::tok\nb.py"
    (root / "svc" / "app" / name).write_text('y = 1if c else 0  # "\x1b]0;title\x07"\nz = 0 is 0\n')
    result = subprocess.run(
        [sys.executable, "-m", "archcheck", "check", "--no-cache", "--format", "github"],
        cwd=root, capture_output=True, timeout=300,
    )  # fmt: skip
    assert b"SyntaxWarning" not in result.stderr and b"\x1b" not in result.stderr
    assert not any(line.startswith(b"::stop-commands::") for line in result.stderr.splitlines())


def test_no_json_output_carries_a_runner_command(tmp_path: Path) -> None:
    """``##[error]`` is read anywhere in a line of a CI log, and JSON printed a file name as it
    is (run 57): every JSON document writes its ``[`` as ``\\u005b``, which reads the same."""
    name = "c##[error]forged"
    files = {
        f"{name}/app/a.py": "class DatabaseManager: ...\n",
        f"{name}/app/b.py": "class DatabaseManager: ...\n",
    }
    files["other-svc/app/u.py"] = LOOPBACK
    write_example(tmp_path, Example(files, 'services = ["*"]\n'))
    check = subprocess.run(
        [sys.executable, "-m", "archcheck", "check", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        timeout=300,
    )
    outputs = {
        "check": check.stdout,
        "sarif": run(tmp_path, "--format", "sarif").stdout,
        "graph": cli_bytes(tmp_path, "graph", "--format", "json"),
        "audit": cli_bytes(tmp_path, "audit", "--format", "json"),
    }
    cli_bytes(tmp_path, "baseline")
    outputs["baseline"] = (tmp_path / "archcheck-baseline.json").read_bytes()
    for kind, output in outputs.items():
        assert b"##[" not in output and b"##\\u005b" in output, kind
    paths = {v["path"] for v in json.loads(check.stdout)["violations"]}
    assert f"{name}/app/a.py" in paths  # read back, the name is as written
