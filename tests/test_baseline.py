"""Baselines survive line shifts, count fixed entries, only shrink, and keep --strict tight."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from archcheck.pipeline.snippets import line_digest
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


def test_baseline_names_the_file_it_wrote_where_the_output_option_put_it(demo: Path) -> None:
    """Run 117c/03: `-o reports/ci/base.json` said "wrote base.json", its name alone."""
    (demo / "reports" / "ci").mkdir(parents=True)
    written = archcheck(demo, "baseline", "-o", "reports/ci/base.json").stdout
    assert written == "wrote reports/ci/base.json: 20 findings recorded\n"
    pruned = archcheck(demo, "baseline", "--prune", "-o", "reports/ci/base.json").stdout
    assert pruned.startswith("pruned reports/ci/base.json: 0 fixed entries dropped")


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


def test_a_baseline_holds_no_line_of_the_checkout(tmp_path: Path) -> None:
    """A baseline is committed: a line is kept as a digest (an included ``.pypirc``, under any
    name, or a ``.env`` line), and an entry written with the clear line before still matches."""
    (tmp_path / "archcheck.toml").write_text('services = ["svc"]\n', encoding="utf-8")
    (tmp_path / "svc" / "app").mkdir(parents=True)
    (tmp_path / "svc" / "app" / "m.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / ".pypirc").write_text("[pypi]\npassword: pypi-S3CRET\n", encoding="utf-8")
    (tmp_path / "creds.py").write_text("sha256:0123456789abcdef01234567\n", encoding="utf-8")
    (tmp_path / "svc" / "requirements.txt").write_text("-r ../.pypirc\n-r ../creds.py\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("creds.py\n", encoding="utf-8")
    (tmp_path / "svc" / ".env").write_text("bad line S3CRET here\n", encoding="utf-8")
    assert cli(tmp_path, "baseline").returncode == 0
    written = (tmp_path / "archcheck-baseline.json").read_text(encoding="utf-8")
    assert "S3CRET" not in written and "password" not in written and "0123456789abcdef" not in written
    document = json.loads(written)
    assert document["entries"] and all(e["text"].startswith("sha256:") for e in document["entries"])
    for entry in document["entries"]:  # as an older archcheck wrote them: the line itself
        if entry["path"] == "creds.py":
            continue  # a line that reads like a digest is one (the one ambiguity of old entries)
        lines = (tmp_path / entry["path"]).read_text(encoding="utf-8").splitlines()
        prose = not entry["path"].endswith(".py")
        entry["text"] = next(t for t in lines if line_digest(t, prose) == entry["text"])
    (tmp_path / "archcheck-baseline.json").write_text(json.dumps(document), encoding="utf-8")
    result = cli(tmp_path, "check", "--baseline", "archcheck-baseline.json", "--no-cache")
    assert result.returncode == 0, result.stdout


def test_a_weak_password_cannot_be_found_again_from_the_digests(tmp_path: Path) -> None:
    """Run 90a/13: the digest of an unquoted `password = hunter2` line of a file a `-r` names
    was taken of the line as written: hashing guesses found the password again."""
    (tmp_path / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["svc"]\n', encoding="utf-8")
    (tmp_path / "svc" / "app").mkdir(parents=True)
    (tmp_path / "svc" / "app" / "m.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "pypi.txt").write_text("[pypi]\npassword = hunter2\n", encoding="utf-8")
    (tmp_path / "svc" / "requirements.txt").write_text("-r ../ci/pypi.txt\n", encoding="utf-8")
    assert cli(tmp_path, "baseline").returncode == 0
    written = json.loads((tmp_path / "archcheck-baseline.json").read_text(encoding="utf-8"))
    digests = {e["text"] for e in written["entries"]}
    guesses = [f"password = {word}" for word in ("secret", "hunter2", "admin", "letmein")]
    assert digests and not digests & {line_digest(g) for g in guesses}
    raw = {"sha256:" + hashlib.sha256(g.encode()).hexdigest()[:24] for g in guesses}
    assert not digests & raw
    result = cli(tmp_path, "check", "--baseline", "archcheck-baseline.json", "--no-cache")
    assert result.returncode == 0, result.stdout


def test_a_password_only_the_code_reading_hides_is_not_in_the_digest(tmp_path: Path) -> None:
    """Run 92a/09: a Python line was digested as its text masking reads it, which leaves the
    password of ``auth=("admin", "hunter2")``: hashing guesses found it again. A baseline an
    earlier version wrote (of the line as text) still matches."""
    line = 'asyncio.run(db.connect(auth=("admin", "hunter2")))'
    (tmp_path / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["svc"]\n', encoding="utf-8")
    (tmp_path / "svc" / "app").mkdir(parents=True)
    (tmp_path / "svc" / "requirements.txt").write_text("", encoding="utf-8")
    code = f"import asyncio\n\n\nasync def main(db):\n    {line}\n"
    (tmp_path / "svc" / "app" / "m.py").write_text(code, encoding="utf-8")
    assert cli(tmp_path, "baseline").returncode == 0
    written = json.loads((tmp_path / "archcheck-baseline.json").read_text(encoding="utf-8"))
    [entry] = written["entries"]
    guesses = [line.replace("hunter2", word) for word in ("secret", "hunter2", "admin")]
    assert entry["text"] not in {line_digest(g) for g in guesses}
    assert entry["text"] == line_digest('asyncio.run(db.connect(auth=("admin", "***")))')
    # an older baseline: the digest of the line masked as text
    entry["text"] = line_digest(line)
    (tmp_path / "old.json").write_text(json.dumps(written), encoding="utf-8")
    result = cli(tmp_path, "check", "--baseline", "old.json", "--no-cache", "--strict")
    assert result.returncode == 0, result.stdout


def test_prune_counts_an_entry_written_twice(demo: Path) -> None:
    """Run 112c/04: a duplicated entry was dropped by `--prune` and counted nowhere."""
    archcheck(demo, "baseline")
    path = demo / "archcheck-baseline.json"
    document = json.loads(path.read_text())
    document["entries"].append(document["entries"][0])
    path.write_text(json.dumps(document))
    pruned = archcheck(demo, "baseline", "--prune").stdout
    assert (
        pruned
        == "pruned archcheck-baseline.json: 0 fixed entries dropped, 1 written twice dropped, 20 kept\n"
    )
    assert len(json.loads(path.read_text())["entries"]) == 20


def test_a_finding_on_a_line_that_cannot_be_read_back_is_hidden_and_kept(tmp_path: Path) -> None:
    """Run 118c/03: a finding past the end of a file's raw lines (a `unicode_escape` file's
    decoded line 5 of 2) was written with no text, read back as the digest of an empty line,
    and so never hidden, and pruned while still there."""
    (tmp_path / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["svc"]\n')
    (tmp_path / "svc" / "app").mkdir(parents=True)
    (tmp_path / "svc" / "requirements.txt").write_text("httpx\n")
    code = "# coding: unicode_escape\n# note \\x0aimport asyncio\\x0aasync def f():\\x0a    asyncio.run(g())\\x0a\n"
    (tmp_path / "svc" / "app" / "ue.py").write_text(code)
    assert cli(tmp_path, "baseline").returncode == 0
    result = cli(tmp_path, "check", "--no-cache", "--baseline", "archcheck-baseline.json")
    assert result.returncode == 0 and "1 known hidden, 0 entries now fixed" in result.stdout, result.stdout
    assert "0 fixed entries dropped, 1 kept" in cli(tmp_path, "baseline", "--prune").stdout
