"""Row 19 (and row 20's `ignore = [""]`): every input file is validated, and a bad one is exit 2 with
one line naming the file, the position where known, and the reason, never "internal error"."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import cli

CONFIG = '[tool.archcheck]\nservices = ["svc"]\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "svc" / "app").mkdir(parents=True)
    (tmp_path / "svc" / "requirements.txt").write_text("httpx\n", encoding="utf-8")
    (tmp_path / "svc" / "app" / "main.py").write_text("import asyncio\n", encoding="utf-8")
    return tmp_path


def one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("archcheck: error: ") and result.stderr.count("\n") == 1, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"{}", "missing required field `date`"),
        (b"123", "Expected `object`, got `int`"),
        (b"null", "Expected `object`, got `null`"),
        (b'{"date": "d", "services": {"svc": {"files": []}}, "totals": {}}', "expected a count"),
        (b'{"date": "d", "services": {"svc": {"groups": 1}}, "totals": {}}', "expected a list of groups"),
        (b'{"date": "d", "services": {"svc": {"files": 1}}, "totals": {}}', "missing groups"),
        (
            b'{"date": "d", "services": {}, "totals": {"files": 1' + b"0" * 400 + b"}}",
            "<= 9223372036854775807",
        ),
        (b'{"date": "d", "services": {"svc": {"groups": [], "files": -1}}, "totals": {}}', ">= 0"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"date": "\xff"}', "not UTF-8"),
        (
            b'{"date": "d", "services": {"svc": {"groups": [], "function_groups": [{"names": [], '
            b'"sites": []}]}}, "totals": {}}',
            "Expected `array` of length >= 1",
        ),
    ],
)
def test_audit_history_lines_of_the_wrong_shape(project: Path, line: bytes, reason: str) -> None:
    history = project / "audit.jsonl"
    history.write_bytes(b"\n" + line + b"\n")
    one_line_error(cli(project, "audit", "--history", str(history)), "audit.jsonl:2: ", reason)
    assert history.read_bytes() == b"\n" + line + b"\n"  # nothing appended to a file it cannot read


def test_audit_history_round_trips(project: Path) -> None:
    history = project / "audit.jsonl"
    for _ in range(2):
        assert cli(project, "audit", "--history", str(history)).returncode == 0
    assert len(history.read_text(encoding="utf-8").splitlines()) == 2


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (b'{"entries": [{"code": "A", "path": "p", "text": "t", "occurrence": 1e400}]}', "occurrence"),
        (b'{"entries": [{"code": "A", "path": "p", "text": "t", "occurrence": -1}]}', "occurrence"),
        (b'{"entries": ' + b"[" * 100_000, "nested too deeply"),
        (b'{"entries": {}}', "Expected `array`, got `object`"),
        (b'{"entries": [], "format": 99}', "format"),
        (b'{"entries": ["\xff"]}', "not UTF-8 at byte 14"),
    ],
)
def test_baselines_of_the_wrong_shape(project: Path, document: bytes, reason: str) -> None:
    (project / "known.json").write_bytes(document)
    one_line_error(cli(project, "check", "--baseline", "known.json"), "known.json: ", reason)


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ('services = ["."]', "services: bad glob '.': must name directories below the project root"),
        ('ignore = [""]', "ignore: expected a rule code or prefix"),
        ('select = ["ASY", " "]', "select: expected a rule code or prefix"),
        ('per-file-ignores = { "svc/**" = [""] }', "per-file-ignores: 'svc/**': expected a rule code"),
        # run 66: a code that names no rule ignored nothing, silently (``ignore`` refuses it)
        (
            'per-file-ignores = { "svc/app/a.py" = ["AYS001"] }',
            "per-file-ignores: 'svc/app/a.py': unknown rule code or prefix 'AYS001'",
        ),
        (
            'extend-per-file-ignores = { "svc/**" = ["ASY001", "CFG9"] }',
            "extend-per-file-ignores: 'svc/**': unknown rule code or prefix 'CFG9'",
        ),
        ('[tool.archcheck.config]\ndatabase-url-template = "{service:d}"', "placeholder {service:d}"),
        (
            '[tool.archcheck.config]\ndatabase-url-template = "{service!r:>99999999}"',
            "placeholder {service!r:>99999999}: no format spec or conversion",
        ),
        (
            '[tool.archcheck.config]\ndatabase-url-template = "{service:{service_host}}"',
            "placeholder {service:{service_host}}",
        ),
        ('[tool.archcheck.config]\ndatabase-url-template = "{service.real}"', "unknown placeholder"),
        ('[tool.archcheck.config]\ndatabase-url-template = "{0}"', "unknown placeholder {0}"),
    ],
)
def test_config_values_that_cannot_work(project: Path, config: str, reason: str) -> None:
    text = CONFIG.replace('services = ["svc"]\n', "") if config.startswith("services") else CONFIG
    (project / "pyproject.toml").write_text(text + config + "\n", encoding="utf-8")
    one_line_error(cli(project, "check", "--no-cache"), "pyproject.toml: ", reason)


@pytest.mark.parametrize("value", ["[tool.other]\nx = " + "1" * 4_301, "[tool.other]\nday = 2023-02-30"])
def test_a_toml_value_python_cannot_make_is_invalid_toml(project: Path, value: str) -> None:
    """tomllib reads an integer of 4,301 digits (or February 30th), then Python refuses to
    make it with a plain ValueError: "internal error" in any table, even one archcheck
    never reads (run 58)."""
    (project / "pyproject.toml").write_text(CONFIG + value + "\n", encoding="utf-8")
    one_line_error(cli(project, "check"), "pyproject.toml: invalid TOML: ")
    (project / "ruff.toml").write_text(value + "\n", encoding="utf-8")  # read by `init` too
    (project / "pyproject.toml").unlink()
    assert "internal error" not in cli(project, "init").stderr


def test_a_pyproject_that_is_not_utf8(project: Path) -> None:
    (project / "pyproject.toml").write_bytes(CONFIG.encode() + b"# caf\xe9\n")
    one_line_error(cli(project, "check"), "pyproject.toml: line 3: not UTF-8")


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("missing/out.txt", "no such directory"),
        ("svc", "is a directory"),
        ("/dev/full", "No space left on device"),
        ("/proc/version", "not written: the file is read-only"),  # (0444)
    ],
)
def test_output_files_that_cannot_be_written(project: Path, target: str, reason: str) -> None:
    if target.startswith("/") and not Path(target).exists():
        pytest.skip(f"no {target} here")
    for command in (["check"], ["audit"], ["graph"], ["index"]):
        result = cli(project, *command, "--output", target)
        if target == "svc" and command != ["index"]:  # click refuses a directory itself
            one_line_error(result, "is a directory")
        else:
            one_line_error(result, f"{target}: ", reason)


def test_a_read_only_file_is_not_replaced(project: Path) -> None:
    """Run 117c/04: a rename goes around a file's mode, so `init --force`, `baseline` and
    `--output` replaced a read-only (0444) file; `check --fix` already left one alone."""
    baseline = project / "archcheck-baseline.json"
    baseline.write_text('{"tool": "archcheck", "format": 1, "entries": []}\n', encoding="utf-8")
    report = project / "report.txt"
    report.write_text("old\n", encoding="utf-8")
    for path in (project / "pyproject.toml", baseline, report):
        path.chmod(0o444)
    before = {path: path.read_bytes() for path in (project / "pyproject.toml", baseline, report)}
    for command in (["init", "--force"], ["baseline"], ["check", "--output", "report.txt"]):
        one_line_error(cli(project, *command), "not written: the file is read-only")
    assert {path: path.read_bytes() for path in before} == before


def test_index_output_outside_the_project(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    target = tmp_path_factory.mktemp("elsewhere") / "INDEX.md"
    result = cli(project, "index", "--output", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"wrote {target}\n" and target.read_text(encoding="utf-8").startswith("# MASTER")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX device")
def test_output_to_a_device_is_written_in_place(project: Path) -> None:
    result = cli(project, "check", "--output", "/dev/stdout")
    assert result.returncode == 0 and "All checks passed" in result.stdout


def test_an_unknown_field_of_a_baseline_is_not_quoted(tmp_path: Path) -> None:
    """msgspec names the field it does not know; a config-named baseline may be any file."""
    from archcheck.pipeline.baseline import BaselineError, read

    path = tmp_path / "known.json"
    path.write_text('{"ghp_SECRET": 1, "entries": []}', encoding="utf-8")
    with pytest.raises(BaselineError, match="an unknown field") as raised:
        read(path)
    assert "ghp_SECRET" not in str(raised.value)


DIGITS = "1" * 4_301  # one more than Python converts


@pytest.mark.parametrize(
    "pin", [f"=={DIGITS}", f"==1.0+{DIGITS}", f"==1.0.post{DIGITS}", f"=={DIGITS}!1.0", f"==={DIGITS}"]
)
def test_a_version_of_more_digits_than_python_reads_is_a_finding(project: Path, pin: str) -> None:
    """packaging reads a version's numbers with ``int``: beyond 4,300 digits a plain ValueError
    ended every run ("internal error", in check, baseline and report, and REQ001's fix; run
    58). The line is ARC001, and the run goes on."""
    (project / "svc" / "requirements.txt").write_text(f"requests{pin}\nhttpx==1\n", encoding="utf-8")
    (project / "other" / "app").mkdir(parents=True)
    (project / "other" / "app" / "main.py").write_text("import os\n", encoding="utf-8")
    (project / "other" / "requirements.txt").write_text("requests==2\nhttpx==2\n", encoding="utf-8")
    (project / "pyproject.toml").write_text(CONFIG.replace('"svc"', '"svc", "other"'), encoding="utf-8")
    for command in (["check", "--no-cache"], ["check", "--fix"], ["baseline"], ["report", "-o", "r.html"]):
        result = cli(project, *command)
        assert "internal error" not in result.stderr and result.returncode in (0, 1), (command, result.stderr)
    out = cli(project, "check", "--no-cache").stdout
    reason = (
        "cannot parse requirement: a version number of more than 4,300 digits, which Python does not read"
    )
    assert f"svc/requirements.txt:1:1: ARC001 cannot check this file: {reason}\n" in out


@pytest.mark.parametrize("bad", [b"\0", b"\xff"], ids=["nul", "undecodable"])
def test_a_bad_byte_after_a_long_line_is_placed_in_linear_time(project: Path, bad: bytes) -> None:
    """Run 63: the line of a bad byte was counted by a pattern for a line, which re-read an
    unended last line from every start: a NUL after a line of 100 KB took 45 s, 5 MB a day."""
    (project / "svc" / "app" / "blob.py").write_bytes(b"x = 1  #" + b"a" * 1_000_000 + bad)
    result = subprocess.run(  # a hang guard, not a timing
        [sys.executable, "-m", "archcheck", "check", "--no-cache"],
        cwd=project,
        capture_output=True,
        timeout=60,
    )
    assert "svc/app/blob.py:1:1000009: ARC001" in result.stdout.decode()


@pytest.mark.parametrize(
    "text",
    [
        "pkg" + ">=1," * 1_000_000 + ">=1\n",
        "pkg==1\n" * 600_000,
        ("pkg" + ">=1," * 98 + ">=1\n") * 12_000,
        ("pkg>=1.0 ; " + "(" * 200 + 'python_version >= "3.8"' + ")" * 200 + "\n") * 200,  # run 73
    ],
    ids=["clauses", "lines", "both", "brackets"],
)
def test_a_requirements_file_of_too_much_work_is_skipped(project: Path, text: str) -> None:
    """Run 70: 1.2 million ``>=1,`` clauses in a line (4.9 MB) took 6 s and 0.5 GB, and 685,000
    lines ``pkg==1`` 14 s and 0.43 GB (packaging reads each, and the rules again). A file of
    more than 20,000 requirements and version clauses is ARC001, unread; a lock file of a
    thousand lines is read."""
    requirements = project / "svc" / "requirements.txt"
    requirements.write_text(text, encoding="utf-8")
    out = cli(project, "check", "--no-cache").stdout
    reason = "skipped: more than 20,000 requirements, version clauses and brackets, which no project needs"
    assert f"svc/requirements.txt:1:1: ARC001 cannot check this file: {reason}\n" in out
    assert out.count("ARC001") == 1
    marker = ' ; (python_version >= "3.8" and (sys_platform == "linux" or os_name == "nt"))'
    requirements.write_text("".join(f"pkg{i}>=1,<2{marker}\n" for i in range(1_000)), encoding="utf-8")
    assert "ARC001" not in cli(project, "check", "--no-cache").stdout


def test_audit_history_names_no_service_nor_key_it_holds(project: Path) -> None:
    """Run 113c/02: the history's own service names and keys were quoted (`$.services['Tr0ub…']`),
    where msgspec's errors hide them: the file may hold anything, a secret too."""
    history = project / "audit.jsonl"
    for line, reason in [
        (b'{"date": "d", "services": {"Tr0ub4dor&3-db": {"files": 1}}, "totals": {}}', "missing groups"),
        (
            b'{"date": "d", "services": {"svc": {"groups": [], "s3cr3t-value": []}}, "totals": {}}',
            "expected a count",
        ),
    ]:
        history.write_bytes(line + b"\n")
        result = cli(project, "audit", "--history", str(history))
        one_line_error(result, "audit.jsonl:1: ", reason)
        assert "Tr0ub4dor" not in result.stderr and "s3cr3t" not in result.stderr
