"""SARIF (validated against the official 2.1.0 schema), GitHub annotations, statistics."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from archcheck.pipeline.registry import catalogue
from tests.helpers import cli
from tests.helpers import fixture as shared_fixture

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def archcheck(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return cli(cwd, "check", "--no-cache", *args)


@pytest.mark.parametrize("fixture", ["demo", "shared_requirements", "bad_input", "clean_services"])
def test_sarif_is_valid_and_complete(fixture: str) -> None:
    result = archcheck(shared_fixture(fixture), "--format", "sarif")
    document = json.loads(result.stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(document)
    run = document["runs"][0]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert ids == [spec.code for spec in catalogue()]
    for item in run["results"]:
        uri = item["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith("/") and "\\\\" not in uri
        assert ids[item["ruleIndex"]] == item["ruleId"]
        assert item["partialFingerprints"]["archcheck/v1"]
    expected = json.loads(archcheck(shared_fixture(fixture), "--format", "json").stdout)
    assert len(run["results"]) == len(expected["violations"])


def test_fingerprints_survive_a_line_shift(demo: Path) -> None:
    def prints() -> set:
        run = json.loads(archcheck(demo, "--format", "sarif").stdout)["runs"][0]
        return {(r["ruleId"], r["partialFingerprints"]["archcheck/v1"]) for r in run["results"]}

    before = prints()
    startup = demo / "netra_backend" / "app" / "startup.py"
    startup.write_text('"""Start-up hooks."""\n\n' + startup.read_text())
    assert prints() == before


def test_github_annotations(demo: Path) -> None:
    lines = archcheck(demo, "--format", "github", "--select", "ASY001,IMP002").stdout.splitlines()
    assert lines == [
        "::error file=netra_backend/app/startup.py,line=7,col=5,endLine=7,endColumn=30,title=ASY001::"
        "ASY001 asyncio.run() inside async function 'startup': the event loop is already running "
        "(RuntimeError, or a blocked loop)",
        "::warning file=services/orders-service/app/api/routes.py,line=1,col=1,endLine=1,endColumn=27,"
        "title=IMP002::IMP002 relative import '..models'",
    ]


def test_statistics(demo: Path) -> None:
    out = archcheck(demo, "--statistics", "--select", "IMP,ASY001").stdout.splitlines()
    assert out == [
        "    2  IMP001   cross-service-import [error]",
        "    1  ASY001   asyncio-run-in-async [error]",
        "    1  IMP002   relative-import [warning]",
        "    1  IMP003   service-dependency-cycle [error]",
        "    1  IMP004   shared-imports-service [error]",
        "Found 5 errors and 1 warning (24 files, 3 services).",
    ]
