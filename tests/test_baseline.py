"""Baselines survive line shifts, count fixed entries, only shrink, and keep --strict tight."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import cli

archcheck = cli


def summary(cwd: Path, *args: str) -> dict:
    return json.loads(archcheck(cwd, "check", "--format", "json", *args).stdout)["summary"]


def test_baseline_hides_known_findings_across_a_line_shift(demo: Path) -> None:
    assert archcheck(demo, "baseline").stdout == "wrote archcheck-baseline.json: 20 findings recorded\n"
    startup = demo / "netra_backend" / "app" / "startup.py"
    startup.write_text("# moved down by this line\n\n" + startup.read_text())
    result = archcheck(demo, "check", "--baseline", "archcheck-baseline.json")
    assert result.returncode == 0
    assert result.stdout == (
        "All checks passed (24 files, 3 services). Baseline: 20 known hidden, 0 entries now fixed.\n"
    )


def test_new_findings_show_and_fixed_entries_fail_strict_until_pruned(demo: Path) -> None:
    archcheck(demo, "baseline")
    startup = demo / "netra_backend" / "app" / "startup.py"
    startup.write_text(startup.read_text().replace("    asyncio.run(db.connect())", "    await db.connect()"))
    routes = demo / "services" / "orders-service" / "app" / "api" / "routes.py"
    routes.write_text(routes.read_text() + "\nfrom ..models import Order as O2\n")
    found = summary(demo, "--baseline", "archcheck-baseline.json")
    assert found["by_code"] == {"IMP002": 1} and found["baseline"] == {"hidden": 19, "fixed": 1}
    assert archcheck(demo, "check", "--baseline", "archcheck-baseline.json").returncode == 0  # a warning
    assert archcheck(demo, "check", "--baseline", "archcheck-baseline.json", "--strict").returncode == 1
    assert archcheck(demo, "baseline", "--prune").stdout.startswith("pruned archcheck-baseline.json: 1 fixed")
    entries = json.loads((demo / "archcheck-baseline.json").read_text())["entries"]
    assert len(entries) == 19  # pruning never adds the new IMP002


def test_only_entries_in_scope_count_as_fixed_and_strict_says_why(demo: Path) -> None:
    archcheck(demo, "baseline")
    startup = demo / "netra_backend" / "app" / "startup.py"
    startup.write_text(startup.read_text().replace("    asyncio.run(db.connect())", "    await db.connect()"))
    # a run on other files (as a hook on a staged file) or other rules cannot tell what is fixed
    other = archcheck(demo, "check", "--strict", "--baseline", "archcheck-baseline.json", "shared")
    assert other.returncode == 0, other.stdout + other.stderr
    assert "1 entries now fixed" not in other.stdout
    selected = summary(demo, "--baseline", "archcheck-baseline.json", "--select", "IMP")
    assert selected.get("baseline", {}).get("fixed", 0) == 0
    # in scope, a fixed entry fails --strict: never under "All checks passed", always with a reason
    strict = archcheck(demo, "check", "--strict", "--baseline", "archcheck-baseline.json", "netra_backend")
    assert strict.returncode == 1
    assert "All checks passed" not in strict.stdout and "1 entries now fixed" in strict.stdout
    assert "baseline --prune" in strict.stderr


def test_baseline_from_config_and_bad_files(demo: Path) -> None:
    archcheck(demo, "baseline", "--output", "known.json")
    pyproject = demo / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("[tool.archcheck]\n", '[tool.archcheck]\nbaseline = "known.json"\n')
    )
    assert archcheck(demo, "check").returncode == 0
    (demo / "known.json").write_text("{not json")
    broken = archcheck(demo, "check")
    assert (
        broken.returncode == 2
        and broken.stderr.startswith("archcheck: error: ")
        and "baseline" in broken.stderr
    )
