"""A URL a finding quotes shows no query or fragment value but those of settings known to hold
none (``sslmode=``, ``timeout=``): the names of secrets are never a complete list (run 127c/01:
``assertion=``, ``PHPSESSID=``, ``creds=``, ``code_verifier=``, ``SAMLResponse=`` were shown)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archcheck.facts.urls import mask_credentials, mask_url
from tests.helpers import within_cpu
from tests.hostile._project import project, run

SECRETS = ("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJzdmMifQ.c2ln", "9f2c4e7aPhpSess", "hunter2-Vault-Creds")


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        (
            "http://localhost:8080/oauth/token?grant_type=jwt-bearer&assertion=eyJhbGciOi.J9x",
            "http://localhost:8080/oauth/token?grant_type=jwt-bearer&assertion=***",
        ),
        ("http://localhost/index.php?PHPSESSID=9f2c4e7a", "http://localhost/index.php?PHPSESSID=***"),
        ("http://localhost:8000/login?creds=hunter2", "http://localhost:8000/login?creds=***"),
        ("http://localhost/cb?code_verifier=dBjftJeZ4CVP", "http://localhost/cb?code_verifier=***"),
        ("http://localhost/acs?SAMLResponse=PHNhbWxw", "http://localhost/acs?SAMLResponse=***"),
        # a name no list would call a secret: hidden all the same
        (
            "http://localhost:8000/hook?x_sig_v2=ab12cd&id=42",
            "http://localhost:8000/hook?x_sig_v2=***&id=***",
        ),
        (
            "http://localhost:8000/cb#access_token=abc&state=xyz",
            "http://localhost:8000/cb#access_token=***&state=***",
        ),
        # the values of connection settings stay, placeholders and pieces without a value too
        (
            "postgresql://app:S3cret@localhost/db?sslmode=require&connect_timeout=5",
            "postgresql://app:***@localhost/db?sslmode=require&connect_timeout=5",
        ),
        ("http://localhost/x?token={token}&q=%s&r=${VAR}", "http://localhost/x?token={token}&q=%s&r=${VAR}"),
        ("http://localhost:8000/a?flag=&empty=", "http://localhost:8000/a?flag=&empty="),
        # run 128a/03: a piece with no name is hidden whole (it may be a token)
        ("http://localhost:8000/docs#section", "http://localhost:8000/docs#***"),
        ("http://localhost:8080/hooks/ingest?7f3a9cSECRET", "http://localhost:8080/hooks/ingest?***"),
        ("http://localhost/cb?sslmode=require&SECRETC3", "http://localhost/cb?sslmode=require&***"),
        # run 128a/01: a second "?" or a ";" ends a shown setting's value
        (
            "http://localhost:8000/x?format=json?verifier=SECRETA1",
            "http://localhost:8000/x?format=json?verifier=***",
        ),
        ("http://localhost:8000/x?timeout=5;sess=SECRETB2", "http://localhost:8000/x?timeout=5;sess=***"),
        (
            "mssql+pyodbc://u:p@localhost/db?driver=ODBC+Driver+18;ClientCertificateKey=SECRETD4",
            "mssql+pyodbc://u:***@localhost/db?driver=ODBC+Driver+18;ClientCertificateKey=***",
        ),
        # run 128a/02: a value with blanks is hidden to the end, not to its first blank
        (
            "postgresql://u:p@db:5432/app?x_passphrase=correct horse battery SECRETA1",
            "postgresql://u:***@db:5432/app?x_passphrase=***",
        ),
        ("postgresql://db/app?sslmode=require words SECRET", "postgresql://db/app?sslmode=***"),
        ("http://localhost:8000/a?page=2).", "http://localhost:8000/a?page=2)."),
        ("http://localhost:8000/a?id=42).", "http://localhost:8000/a?id=***)."),
    ],
)
def test_a_quoted_url_shows_no_parameter_value_but_settings(url: str, masked: str) -> None:
    assert mask_url(url) == masked
    assert mask_url(masked) == masked


def test_text_still_masks_the_named_secrets_only() -> None:
    """A docstring's or a requirement's URL (``mask_credentials``) keeps its other values: the
    new names are secrets there too."""
    text = "see http://localhost/x?assertion=eyJ.x&PHPSESSID=abc&creds=pw&otp=123456&page=2"
    assert (
        mask_credentials(text)
        == "see http://localhost/x?assertion=***&PHPSESSID=***&creds=***&otp=***&page=2"
    )


def test_ci_output_of_every_format_hides_the_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    code = (
        f'TOKEN_URL = "http://localhost:8080/oauth/token?grant_type=jwt&assertion={SECRETS[0]}"\n'
        f'LEGACY = "http://localhost/index.php?PHPSESSID={SECRETS[1]}"\n'
        f'LOGIN = "http://localhost:8000/login?creds={SECRETS[2]}"\n'
    )
    root = project(tmp_path, {"a.py": code})
    for form in ("text", "json", "sarif", "github"):
        result = run(root, "--no-cache", "--format", form, ".")
        out = result.stdout.decode("utf-8")
        assert result.returncode == 1 and "CFG001" in out
        assert not [secret for secret in SECRETS if secret in out], form
    findings = json.loads(run(root, "--no-cache", "--format", "json", ".").stdout)["violations"]
    assert sorted(f["line"] for f in findings if f["code"] == "CFG001") == [1, 2, 3]


def test_a_long_run_of_closing_marks_is_read_in_linear_time() -> None:
    """A quoted URL's query of 200,000 dots before a last letter: the closing marks were found by
    a regex searched from each start (quadratic: a 100 KB DATABASE_URL took 57 s in CFG002).
    Checked under a CPU-time limit the quadratic reading would pass, not by a clock."""
    code = (
        "from archcheck.facts.urls import mask_url, mask_credentials\n"
        "mask_url('postgresql://u:p@h/db?' + '.' * 200_000 + 'x')\n"
        "mask_credentials('http://h/?password=' + '.' * 200_000 + 'x')\n"
    )
    result = within_cpu(code, 20)
    assert result.stdout.strip() == b"done", result.stderr[-300:]
