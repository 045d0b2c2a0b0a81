"""Prose from the checkout that names a secret is not quoted where no masking can read it:
``find``'s docstrings and config errors in CI, a malformed suppression, a history's date.
No masking reads every way a sentence gives a secret's value (``Password used by the admin
account: …``, ``the token of the bot is …``), and a CI log keeps what it shows for whoever
reads it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from archcheck.facts.urls import names_secret
from tests.helpers import cli
from tests.hostile._project import project, run

# sentences that give a secret's value in ways no pair reading takes (run 129's family)
SENTENCES = [
    "Password used by the admin account: Hx7kQ2pLm",
    "the token of the bot is Hx7kQ2pLm",
    "Key for the vault - Hx7kQ2pLm",
    "Hx7kQ2pLm is the staging password",
    "dbPassword, prod => Hx7kQ2pLm",
    "door pincode is Hx7kQ2pLm",  # (run 132a/01)
]


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("DB password (prod)", True),
        ("dbPassword", True),
        ("the signing key", True),
        ("stripeKey", True),
        ("AUTH_HEADER", True),
        ("creds for the db", True),
        ("API_KEY_12345", True),
        ("passwords", True),
        # (runs 131b/08, 131c/01)
        ("Authorization:zq81", True),
        ("Bearer-zq81", True),
        ("passcode=zq81", True),
        ("pswd: zq81", True),
        ("Passwort zq81", True),
        ("\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44 zq81", True),  # (fullwidth)
        # (run 132a/01: compounds; a secret's word as any part of a word, so over-hiding too)
        ("door pincode is 47119", True),
        ("admin otpcode 552211", True),
        ("deploy privkey AAAAC3Nza", True),
        ("DBPW Xk9fQ2Lm", True),
        ("mfa code 123", True),
        ("login admin / Tr0ub4dor&3", True),  # (run 133c/01)
        ("CFG001 p/w Hx7kQ2pLm", True),  # (run 135a/01)
        ("wifi psk Qx7kQ2pLm", True),
        ("psswd Qx7kQ2pLm", True),
        ("recovery phrase abandon ability", True),
        ("mnemonic abandon ability", True),
        ("keyboard layout", True),
        ("Pools connections to Postgres", False),
        ("services/orders", False),
        ("ASY001", False),
        ("2026-12-06T10:00:00", False),
    ],
)
def test_names_secret(text: str, named: bool) -> None:
    assert names_secret(text) is named


def _find(root: Path, fmt: str, ci: bool) -> subprocess.CompletedProcess[str]:
    result = cli(root, "find", "database manager", "--format", fmt, env={"CI": "true"} if ci else None)
    assert result.returncode == 0 and "DatabaseManager" in result.stdout, result.stderr
    return result


@pytest.mark.parametrize("doc", SENTENCES)
def test_find_shows_no_docstring_in_ci(tmp_path: Path, doc: str) -> None:
    """In CI ``find`` shows no docstring (as ``check --diff`` there shows no string's text);
    one line on standard error says so."""
    root = project(tmp_path, {"db.py": f'class DatabaseManager:\n    """{doc}"""\n'})
    for fmt in ("text", "json"):
        result = _find(root, fmt, ci=True)
        assert "Hx7kQ2pLm" not in result.stdout + result.stderr
        assert "docstrings are not shown in CI" in result.stderr
    assert json.loads(_find(root, "json", ci=True).stdout)[0]["doc"] == ""


def test_find_shows_docstrings_outside_ci(tmp_path: Path) -> None:
    root = project(tmp_path, {"db.py": 'class DatabaseManager:\n    """Pools connections to Postgres."""\n'})
    result = _find(root, "text", ci=False)
    assert "Pools connections to Postgres." in result.stdout and not result.stderr
    result = _find(root, "text", ci=True)  # (no docstring shown in CI, even one naming no secret)
    assert "Pools connections" not in result.stdout


def test_find_in_ci_says_nothing_when_no_hit_has_a_docstring(tmp_path: Path) -> None:
    root = project(tmp_path, {"db.py": "class DatabaseManager:\n    pass\n"})
    assert not _find(root, "text", ci=True).stderr


@pytest.mark.parametrize("sentence", SENTENCES)
def test_a_config_error_in_ci_quotes_no_value_naming_a_secret(tmp_path: Path, sentence: str) -> None:
    """A key or a value that names a secret is ``***`` in CI, from that part on up to the reason;
    the reason itself stays (archcheck's words: ``unknown key``)."""
    quoted = json.dumps(sentence)
    config = f'services = ["svc"]\nignore = [{quoted}]\nbaseline = {quoted}\n{quoted} = 1\n'
    root = project(tmp_path, {"a.py": "x = 1\n"}, config=config)
    result = cli(root, "check", env={"CI": "true"})
    assert result.returncode == 2 and "Hx7kQ2pLm" not in result.stderr, result.stderr
    assert "ignore: expected a rule code" in result.stderr and "unknown key" in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_config_error_outside_ci_still_quotes_what_names_no_secret(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"}, config='services = ["svc"]\nignore = ["ASY0O1"]\n')
    for env in (None, {"CI": "true"}):
        result = cli(root, "check", env=env)
        assert result.returncode == 2 and "got 'ASY0O1'" in result.stderr, result.stderr


@pytest.mark.parametrize("sentence", SENTENCES)
def test_a_malformed_suppression_naming_a_secret_is_not_quoted(tmp_path: Path, sentence: str) -> None:
    """ARC002 quoted up to 40 characters of the comment, masked as prose: a sentence that gives
    a secret's value another way was shown whole, in every format."""
    source = f"import asyncio\n\nasync def f():\n    asyncio.run(f())  # archcheck: ignore[{sentence}]\n"
    root = project(tmp_path, {"main.py": source})
    for fmt in ("text", "json", "github", "sarif"):
        out = run(root, "--no-cache", "--format", fmt).stdout.decode()
        assert "ARC002" in out and "suppression of ***" in out and "Hx7kQ2pLm" not in out


@pytest.mark.parametrize(
    "date", ["the admin password Hx7kQ2pLm", "token: Hx7kQ2pLm is the bot's", "pswd Hx7kQ2pLm", "Hx7kQ2pLm"]
)
def test_a_history_date_naming_a_secret_is_not_shown(tmp_path: Path, date: str) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / "h.jsonl").write_text(json.dumps({"date": date, "totals": {}, "services": {}}) + "\n")
    result = subprocess.run(
        [sys.executable, "-m", "archcheck", "audit", "--format", "html", "-o", "-", "--history", "h.jsonl"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode in (0, 1) and "<html" in result.stdout, result.stderr
    assert "Hx7kQ2pLm" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "config",
    [
        # (run 130a/01: both quote kinds, so `repr` escapes one: `'it\'s "ops" the password …'`)
        'services = ["svc", "it\'s \\"ops\\" the password Hx7kQ2pLm"]\n',
        # (run 130a/03: a template's field quoted in braces)
        'services = ["svc"]\n[config]\ndatabase-url-template = "postgresql://{the prod password is Hx7kQ2pLm}@db"\n',
        'services = ["svc"]\n[config]\ndatabase-url-template = "postgresql://{service:the password Hx7kQ2pLm}@db"\n',
    ],
)
def test_a_config_error_in_ci_hides_a_value_however_it_is_quoted(tmp_path: Path, config: str) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"}, config=config)
    result = cli(root, "check", env={"CI": "true"})
    assert result.returncode == 2 and "Hx7kQ2pLm" not in result.stderr, result.stderr
    assert "***" in result.stderr


def test_a_suppression_s_until_naming_a_secret_is_not_quoted(tmp_path: Path) -> None:
    """Run 130a/02: a suppression whose `until=` is no date is noted on the finding it did not
    silence, quoting the value: one that names a secret is `***`."""
    source = (
        "import asyncio\n\nasync def f():\n"
        "    asyncio.run(f())  # archcheck: ignore[ASY001] until=password-is-Hx7kQ2pLm\n"
        "    asyncio.run(f())  # archcheck: ignore[ASY001] until=2026-13-01\n"
    )
    root = project(tmp_path, {"main.py": source})
    for fmt in ("text", "json", "github", "sarif"):
        out = run(root, "--no-cache", "--format", fmt).stdout.decode()
        assert "until='***' is not a YYYY-MM-DD date" in out and "Hx7kQ2pLm" not in out
        assert "until='2026-13-01' is not a YYYY-MM-DD date" in out


def test_a_config_value_shown_cut_is_hidden_in_ci(tmp_path: Path) -> None:
    """Run 131c/02: a value cut before the word that names its secret was shown, its start."""
    name = "Hx7kQ2pLm " + "x" * 300 + " is the admin password"
    root = project(tmp_path, {"a.py": "x = 1\n"}, config=f'services = ["svc", "{name}"]\n')
    result = cli(root, "check", env={"CI": "true"})
    assert result.returncode == 2 and "Hx7kQ2pLm" not in result.stderr, result.stderr
    assert "'***'..." in result.stderr


@pytest.mark.parametrize(
    ("until", "shown"), [("tomorrow", "'***'"), ("pswd-Hx7kQ2pLm", "'***'"), ("2026/1/1", "'2026/1/1'")]
)
def test_a_suppression_s_until_is_quoted_only_as_a_date_s_characters(
    tmp_path: Path, until: str, shown: str
) -> None:
    """Run 131b/08: an `until=` value naming a secret in a word no list held was shown."""
    source = (
        f"import asyncio\n\nasync def f():\n    asyncio.run(f())  # archcheck: ignore[ASY001] until={until}\n"
    )
    out = run(project(tmp_path, {"main.py": source}), "--no-cache").stdout.decode()
    assert f"until={shown} is not a YYYY-MM-DD date" in out and "Hx7kQ2pLm" not in out


def test_a_history_group_name_that_is_no_code_name_is_not_shown(tmp_path: Path) -> None:
    """Run 131c/03: a group's names in a hand-edited history were printed as written."""
    root = project(tmp_path, {"a.py": "class A:\n    pass\n", "b.py": "class B:\n    pass\n"})
    assert cli(root, "audit", "--history", "h.jsonl", "-o", "/dev/null").returncode in (0, 1)
    run_ = json.loads((root / "h.jsonl").read_text().splitlines()[0])
    run_["services"]["svc"]["groups"] = [
        {"names": ["A", "password Hx7kQ2pLm-NAME"], "sites": ["svc/app/a.py:1"]}
    ]
    (root / "h.jsonl").write_text(json.dumps(run_) + "\n")
    result = cli(root, "audit", "--history", "h.jsonl", "-o", "-", env={"CI": "true"})
    assert result.returncode in (0, 1) and "fixed: svc: A / \\*\\*\\*" in result.stdout, (
        result.stdout + result.stderr
    )
    assert "Hx7kQ2pLm" not in result.stdout + result.stderr


def test_a_history_service_name_that_is_no_folder_name_is_not_shown(tmp_path: Path) -> None:
    """Run 132a/02: an earlier run's service name in the history was printed as written."""
    root = project(tmp_path, {"a.py": "class A:\n    pass\n", "b.py": "class B:\n    pass\n"})
    assert cli(root, "audit", "--history", "h.jsonl", "-o", "/dev/null").returncode in (0, 1)
    run_ = json.loads((root / "h.jsonl").read_text().splitlines()[0])
    groups = [{"names": ["DatabaseManager"], "sites": ["svc/app/a.py:1"]}]
    run_["services"]["staging db password is Hx7kQ2pLm"] = {**run_["services"]["svc"], "groups": groups}
    (root / "h.jsonl").write_text(json.dumps(run_) + "\n")
    for fmt in ("markdown", "json", "html"):
        result = cli(root, "audit", "--history", "h.jsonl", "--format", fmt, "-o", "-", env={"CI": "true"})
        assert result.returncode in (0, 1) and "Hx7kQ2pLm" not in result.stdout + result.stderr, result.stderr
        assert fmt != "markdown" or "fixed: \\*\\*\\*: DatabaseManager" in result.stdout, result.stdout


def test_an_unknown_coding_cookie_in_a_comment_naming_a_secret_is_not_quoted(tmp_path: Path) -> None:
    """Run 133a/01: a comment read as a coding cookie (`# password for encoding=…`) had its word
    quoted in ARC001's "unknown encoding: …"; one naming no secret is still named."""
    root = project(tmp_path, {"m.py": "x = 1\n", "n.py": "x = 1\n"})
    (root / "svc/app/m.py").write_bytes(b"#!/usr/bin/env python\n# password for encoding=Hx7kQ2pLm\nx = 1\n")
    (root / "svc/app/n.py").write_bytes(b"# -*- coding: klingon -*-\nx = 1\n")
    for fmt in ("text", "json", "github", "sarif"):
        out = run(root, "--no-cache", "--format", fmt).stdout.decode()
        assert "names an encoding Python does not know" in out and "Hx7kQ2pLm" not in out
        assert "unknown encoding: klingon" in out


def test_a_canonical_class_naming_a_secret_is_not_repeated_in_the_reason(tmp_path: Path) -> None:
    """Run 134c/01: the reason repeated the class a CI config error hid as its key."""
    config = 'services = ["svc"]\n[ssot.canonical]\nAdminPassword_Hx7kQ2pLm = "svc/app/main.py"\n'
    root = project(tmp_path, {"main.py": "x = 1\n"}, config=config)
    result = cli(root, "check", env={"CI": "true"})
    assert result.returncode == 2 and "Hx7kQ2pLm" not in result.stderr, result.stderr
    assert "'svc/app/main.py' defines no such class" in result.stderr


def test_a_missing_include_naming_a_secret_is_not_quoted(tmp_path: Path) -> None:
    """Run 134c/03: ARC001 quoted a missing `-r` target's path as written."""
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / "svc/requirements.txt").write_text("-r our_db_password_is_Hx7kQ2pLm.txt\n-r base.txt\n")
    out = run(root, "--no-cache").stdout.decode()
    assert "included file '***' does not exist" in out and "Hx7kQ2pLm" not in out
    assert "included file 'svc/base.txt' does not exist" in out


def test_the_ci_diff_reads_a_file_under_python_warnings_as_errors(tmp_path: Path) -> None:
    """Run 134a/02: the CI diff's check that Python reads the file let `1if c else 0`'s
    SyntaxWarning out raw, and under `PYTHONWARNINGS=error` left the file out of the diff."""
    source = "import asyncio\n\nasync def main():\n    asyncio.run(go())\n    y = 1if main else 0\n"
    root = project(tmp_path, {"main.py": source})
    result = cli(root, "check", "--diff", "--no-cache", env={"CI": "true", "PYTHONWARNINGS": "error"})
    assert "+    await go()" in result.stdout and "Warning" not in result.stderr, result.stderr
