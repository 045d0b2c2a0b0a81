"""``archcheck audit --mistakes DIR``: a draft in the team's mistake template for each
(service, rule) whose count rose, never overwriting an entry a person edited."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest

from archcheck.output.mistakes import section, untouched
from archcheck.pipeline.registry import by_code
from tests.helpers import cli, copy_fixture

HEADINGS = [
    "# ",  # the error title
    "## Date Encountered",
    "## Severity",
    "## Status",
    "## Tags",
    "## What Happened",
    "## Expected Behavior",
    "## Steps to Reproduce",
    "## Prevention",
]
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)")
FILE_NAME = re.compile(r"\d{4}-\d\d-\d\d-[A-Za-z0-9._-]+-[A-Z]+[0-9]+(-\d+)?\.md")


def lower_history(project: Path, history: Path) -> Dict[str, Any]:
    """A history whose last run had no similar implementations and no cross-service import
    in netra_backend: both counts rose since."""
    result = cli(project, "audit", "--format", "json")
    assert result.returncode == 0, result.stderr
    run: Dict[str, Any] = json.loads(result.stdout)["run"]
    run["date"] = "2025-01-01T00:00:00+00:00"
    service = run["services"]["netra_backend"]
    service.update(SSOT003=0, ssot_violations=0, cross_service_imports=0, groups=[])
    history.write_text(json.dumps(run) + "\n", encoding="utf-8")
    return run


def headings(text: str) -> List[str]:
    lines = text.splitlines()
    return [h for h in HEADINGS if any(line.startswith(h) for line in lines)]


def entries(directory: Path) -> Dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(directory.iterdir())}


def test_one_entry_per_rule_that_rose_in_the_template(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path, "demo")
    history, log = tmp_path / "history.jsonl", tmp_path / "mistakes"
    lower_history(project, history)

    result = cli(project, "audit", "--history", str(history), "--mistakes", str(log), "--format", "json")
    assert result.returncode == 0, result.stderr
    json.loads(result.stdout)  # the report on stdout is untouched; what was written is on stderr
    found = entries(log)
    assert sorted(re.sub(r"^\d{4}-\d\d-\d\d-", "", n) for n in found) == [
        "netra_backend-IMP001.md",
        "netra_backend-SSOT003.md",
    ]
    assert all(FILE_NAME.fullmatch(name) for name in found)
    assert sorted(re.findall(r"archcheck: mistakes: wrote: (\S+)", result.stderr)) == sorted(
        str(log / name) for name in found
    )

    similar = next(text for name, text in found.items() if name.endswith("SSOT003.md"))
    rule = by_code()["SSOT003"]
    assert headings(similar) == HEADINGS  # every heading, in the template's order
    order = [similar.index(h) for h in HEADINGS[1:]]
    assert order == sorted(order)
    assert similar.splitlines()[1] == "# similar-implementation (SSOT003) rose in netra_backend: 0 -> 2"
    assert "## Status\n\nDraft\n" in similar
    assert "`SSOT003`, `similar-implementation`, `ssot`, `netra_backend`" in similar
    assert "rose from 0 to 2 since the last audit run (2025-01-01T00:00:00+00:00)" in similar
    assert "- `netra_backend/app/db_manager.py:1` (new): class 'DatabaseManager'" in similar
    assert section(rule.docs, "Use instead") in similar  # expected behaviour: the rule's "use instead"
    assert "```sh\narchcheck check netra_backend --select SSOT003\n```" in similar
    assert rule.summary() in similar and "pre-commit hook" in similar and "`archcheck --strict`" in similar
    assert "warning" in similar.split("## Severity")[1].split("##")[0]

    imports = next(text for name, text in found.items() if name.endswith("IMP001.md"))
    assert "cross-service imports in service netra_backend rose from 0 to 1" in imports
    assert "- `netra_backend/app/routes.py:1`: service 'netra_backend' imports" in imports
    assert "archcheck check netra_backend --select IMP001" in imports
    assert "error" in imports.split("## Severity")[1].split("##")[0]


def test_an_edited_entry_is_kept_and_an_untouched_one_is_rewritten(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path, "demo")
    history, log = tmp_path / "history.jsonl", tmp_path / "mistakes"
    before = lower_history(project, history)

    def audit() -> str:
        history.write_text(json.dumps(before) + "\n", encoding="utf-8")  # the same last run again
        result = cli(project, "audit", "--history", str(history), "--mistakes", str(log))
        assert result.returncode == 0, result.stderr
        return result.stderr

    audit()
    first = entries(log)
    assert all(untouched(text.encode()) for text in first.values())
    assert audit().count("mistakes: unchanged: ") == 2

    similar, imports = (log / n for n in sorted(first, key=lambda n: not n.endswith("SSOT003.md")))
    edited = first[similar.name].replace("Draft", "Accepted").replace("(new)", "(new; see PR #12)")
    similar.write_text(edited, encoding="utf-8")
    # an untouched draft follows the code: a third similar class rewrites it
    (project / "netra_backend" / "app" / "db_connections.py").write_text(
        "class DatabaseConnectionManager:\n    pass\n", encoding="utf-8"
    )
    stderr = audit()
    assert f"mistakes: kept (edited): {similar}" in stderr
    assert similar.read_text(encoding="utf-8") == edited
    assert f"mistakes: unchanged: {imports}" in stderr

    drifted = first[similar.name].replace("0 -> 2", "0 -> 3")  # a hash that no longer matches
    similar.write_text(drifted, encoding="utf-8")
    assert "mistakes: kept (edited)" in audit() and similar.read_text(encoding="utf-8") == drifted

    similar.unlink()
    assert f"mistakes: wrote: {similar}" in audit()
    assert "0 -> 3" in similar.read_text(encoding="utf-8") and untouched(similar.read_bytes())


def test_without_a_previous_run_nothing_rose(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path, "demo")
    log = tmp_path / "mistakes"
    alone = cli(project, "audit", "--mistakes", str(log))
    assert alone.returncode == 0, alone.stderr
    assert "no previous audit run to compare with (see --history): no entries written" in alone.stderr
    history = tmp_path / "history.jsonl"
    first = cli(project, "audit", "--history", str(history), "--mistakes", str(log))
    assert "no previous audit run" in first.stderr
    same = cli(project, "audit", "--history", str(history), "--mistakes", str(log))
    assert "no rule's count rose in any service since the last audit run" in same.stderr
    assert not log.exists()  # nothing to write, so not even the directory


def test_a_link_in_the_log_is_not_followed(tmp_path: Path) -> None:
    project = copy_fixture(tmp_path, "demo")
    history, log, outside = tmp_path / "history.jsonl", project / "mistakes", tmp_path / "outside.md"
    run = lower_history(project, history)
    log.mkdir()
    outside.write_text("not archcheck's\n", encoding="utf-8")
    today = json.loads(cli(project, "audit", "--format", "json").stdout)["run"]["date"][:10]
    name = f"{today}-netra_backend-SSOT003.md"
    (log / name).symlink_to(outside)
    result = cli(project, "audit", "--history", str(history), "--mistakes", "mistakes")
    assert result.returncode == 0, result.stderr
    assert "mistakes: kept (not a regular file): mistakes/" + name in result.stderr
    assert outside.read_text(encoding="utf-8") == "not archcheck's\n"

    # a log folder of the project that is a link out of it is refused, and no history is added
    kept = sorted(os.listdir(log))
    os.rename(log, tmp_path / "elsewhere")
    log.symlink_to(tmp_path / "elsewhere")
    history.write_text(json.dumps(run) + "\n", encoding="utf-8")
    refused = cli(project, "audit", "--history", str(history), "--mistakes", "mistakes")
    assert refused.returncode == 2 and "leads outside the project (a link)" in refused.stderr
    assert history.read_text(encoding="utf-8").count("\n") == 1
    assert sorted(os.listdir(tmp_path / "elsewhere")) == kept


HOSTILE = [
    "svc|x`<img src=x onerror=alert(1)>`",
    "svc\n# Forged [link](javascript:alert(2))",
    "svc-..",
    "svc-$(touch pwned)",
]


@pytest.mark.skipif(sys.platform == "win32", reason="such names are POSIX only")
def test_hostile_service_names(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["svc*"]\n', encoding="utf-8")
    for name in HOSTILE:
        (tmp_path / name / "app").mkdir(parents=True)
        (tmp_path / name / "requirements.txt").write_text("httpx\n", encoding="utf-8")
        (tmp_path / name / "app" / "a.py").write_text("class Manager:\n    pass\n", encoding="utf-8")
    history, log = tmp_path / "history.jsonl", tmp_path / "log"
    first = cli(tmp_path, "audit", "--history", str(history), "--mistakes", str(log))
    assert first.returncode == 0, first.stderr
    for name in HOSTILE:  # a second copy of the class: a duplicate in every service
        (tmp_path / name / "app" / "b.py").write_text("class Manager:\n    pass\n", encoding="utf-8")
    result = cli(tmp_path, "audit", "--history", str(history), "--mistakes", str(log))
    assert result.returncode == 0, result.stderr
    assert all(not line.startswith("::") for line in result.stderr.splitlines())
    found = entries(log)
    assert len(found) == len(HOSTILE) and all(FILE_NAME.fullmatch(name) for name in found), found
    assert not (tmp_path / "pwned").exists()
    for text in found.values():
        lines = text.splitlines()
        assert lines[1].startswith("# duplicate-class (SSOT001) rose in svc")
        forged = [line for line in lines if line.startswith("#") and "Forged" in line]
        assert forged in ([], [lines[1]])  # the name is in our title, never a heading of its own
        prose = CODE_SPAN.sub("", re.sub(r"(?ms)^```.*?^```$", "", text))  # code is literal
        assert not re.search(r"(?<!\\)<img", prose) and not re.search(r"(?<!\\)\]\(", prose)
        assert headings(text) == HEADINGS
    # the command reproduces exactly, whatever the name: run it as bash would
    argv = f"{sys.executable} -c 'import json, sys; print(json.dumps(sys.argv[1:]))'"
    for text in found.values():
        command = text.split("```sh\n")[1].split("\n```")[0]
        assert command.startswith("archcheck check ")
        shown = subprocess.run(
            ["bash", "-c", command.replace("archcheck check", argv, 1)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        path, *rest = json.loads(shown.stdout)
        assert path in HOSTILE and rest == ["--select", "SSOT001"], shown


def test_services_that_differ_only_in_case_get_files_that_differ_in_more() -> None:
    """On macOS and Windows ``...-API-SSOT001.md`` and ``...-api-SSOT001.md`` are one file:
    one service's draft replaced the other's."""
    from archcheck.output.mistakes import Entry, _unique_files

    drafts = [Entry(name, "SSOT001", f"2026-01-01-{name}-SSOT001.md", name) for name in ("API", "api", "Api")]
    files = [entry.file for entry in _unique_files(drafts)]
    assert files[0] == "2026-01-01-API-SSOT001.md" and len({f.casefold() for f in files}) == 3, files


def test_section_ignores_headings_inside_code() -> None:
    docs = "Summary.\n\n## Use instead\n```python\n## not a heading\nx = 1\n```\n\n## Options\n- none\n"
    assert section(docs, "Use instead") == "```python\n## not a heading\nx = 1\n```"
    assert section(docs, "Example") == ""
