"""Row 9: credentials in URLs are masked, by a URL parser, in every format."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pytest

from archcheck.facts.urls import mask_credentials
from tests.hostile._project import CONFIG, TEMPLATE, cli_bytes, project, run

FORMATS = ["text", "json", "sarif", "github"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_hardcoded_url_credentials_are_masked(tmp_path: Path, fmt: str) -> None:
    root = project(tmp_path, {"main.py": 'IDENTITY = "http://admin:SECRET@localhost:8000/"\n'})
    result = run(root, "--format", fmt, "--show-fixes")
    out = result.stdout.decode("utf-8")
    assert result.returncode == 1 and "CFG001" in out
    assert "SECRET" not in out and "http://admin:***@localhost:8000/" in out


def test_a_password_holding_a_scheme_is_masked_in_the_url_cfg001_reports(tmp_path: Path) -> None:
    """``http://admin:Hunter2://Xy@localhost``: the URL CFG001 reports starts at its own scheme,
    not at the "://" inside the password (which showed "Hunter2" as if it were a scheme)."""
    urls = ("http://admin:Hunter2://Xy@localhost:8000/", "http://admin:abc:Hunter2://Xy@localhost:8000/")
    root = project(tmp_path, {"main.py": "".join(f'IDENTITY{n} = "{url}"\n' for n, url in enumerate(urls))})
    out = run(root, "--format", "json").stdout.decode("utf-8")
    assert '"CFG001": 2' in out and "Hunter2" not in out and "Xy" not in out
    assert out.count("http://admin:***@localhost:8000/") == 2


def test_a_database_url_is_masked_as_sqlalchemy_reads_its_password(tmp_path: Path) -> None:
    """Up to the first "@", across a space and a "://" (in message text, that could begin the
    next URL; the value CFG002 quotes is one URL)."""
    url = "postgresql://app:SECRETD x://y:z@db/app"
    root = project(tmp_path, {"config.py": f'DATABASE_URL = "{url}"\n'}, CONFIG + TEMPLATE)
    out = run(root).stdout.decode("utf-8")
    assert "CFG002" in out and "SECRETD" not in out and "postgresql://app:***@db/app" in out


@pytest.mark.parametrize("source", ["config.py", ".env"])
def test_a_database_url_password_starting_with_digits_is_masked(tmp_path: Path, source: str) -> None:
    """SQLAlchemy reads ``123/S3cretPw`` as the password, not ``123`` as a port."""
    url = "postgresql://app:123/S3cretPw@db:5432/app"
    text = f'DATABASE_URL = "{url}"\n' if source == "config.py" else f"DATABASE_URL={url}\n"
    root = project(tmp_path, {"config.py": "x = 1\n"}, CONFIG + TEMPLATE)
    (root / "svc" / ("app/config.py" if source == "config.py" else ".env")).write_text(text, encoding="utf-8")
    for fmt in FORMATS:
        out = run(root, "--no-cache", "--format", fmt).stdout.decode("utf-8")
        assert "CFG002" in out and "S3cretPw" not in out and "123/" not in out, fmt


@pytest.mark.parametrize("fmt", FORMATS)
def test_database_url_password_and_secret_parameters_are_masked(tmp_path: Path, fmt: str) -> None:
    url = "postgresql://u:p@ss@db/x?password=hunter2&sslpassword=s3cr3t&sslmode=require"
    root = project(tmp_path, {"config.py": f'DATABASE_URL = "{url}"\n'}, CONFIG + TEMPLATE)
    out = run(root, "--format", fmt).stdout.decode("utf-8")
    assert "CFG002" in out
    assert "p@ss" not in out and "hunter2" not in out and "s3cr3t" not in out
    assert "postgresql://u:***@db/x?password=***&sslpassword=***&sslmode=require" in out


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("http://admin:SECRET@localhost:8000/", "http://admin:***@localhost:8000/"),
        ("postgresql://u:p@ss@db/x", "postgresql://u:***@db/x"),  # the last "@" ends the userinfo
        ("postgresql://u:p@db/x?password=a&sslpassword=b&sslmode=require", None),
        ("https://ghp_token@github.com/org/repo.git", "https://***@github.com/org/repo.git"),
        (
            "https://h/x?Password=a&access_token=b&api-key=c&page=2",
            "https://h/x?Password=***&access_token=***&api-key=***&page=2",
        ),
        (  # a name ending in "key" (S3-style presigned URLs, cloud SDKs)
            "https://h/x?accessKey=a&SecretKey=b&x-amz-key=c&keyboard=d&hmac=e",
            "https://h/x?accessKey=***&SecretKey=***&x-amz-key=***&keyboard=d&hmac=***",
        ),
        ("postgresql://u:p@[::1", "postgresql://u:***@[::1"),  # unparsable: up to the last "@"
        ("HTTP://U:P@H/", "HTTP://U:***@H/"),
        # a password holding "://" (SQLAlchemy reads it up to the "@"), after an "@" or a "#"
        ("postgresql://app:Hunter2://Xy@db2/app", "postgresql://app:***@db2/app"),
        ("postgresql://app:a@b://c@db2/app", "postgresql://app:***@db2/app"),
        ("postgresql://app:q#://w@db2/app", "postgresql://app:***@db2/app"),
        ("http://tok:SECRETA://x:y@localhost/", "http://tok:***@localhost/"),  # and then a ":"
        ("postgresql://app:SECRETC://x:y@db/app", "postgresql://app:***@db/app"),
        # a space, then what reads as a URL of its own, inside the password: masked on to its "@"
        ("postgresql://u:a b://SECRET_A:c@d@db/app", "postgresql://u:***@db/app"),
        ("postgresql://u:x SECRET_B http://q@db/app", "postgresql://u:***@db/app"),
        ("postgresql://u:" + "Long/Secret " * 20 + "x@db/app", "postgresql://u:***@db/app"),  # 240 characters
        # an "@" and then a "/", a space or a "#" in the password: urllib's netloc ended there
        ("postgresql://app:p@ss/w0rd@db/app", "postgresql://app:***@db/app"),
        ("postgresql://app:p@ss w0rd@db/app", "postgresql://app:***@db/app"),
        ("redis://u:s3cr3t@x#y@localhost:6379/0", "redis://u:***@localhost:6379/0"),
        ("http://admin:p@ss] w0rd@localhost/", "http://admin:***@localhost/"),  # urllib refused the "]"
        ("http://admin:p[@ss w0rd@localhost/", "http://admin:***@localhost/"),
    ],
)
def test_mask_credentials(url: str, masked: str) -> None:
    masked = masked or "postgresql://u:***@db/x?password=***&sslpassword=***&sslmode=require"
    assert (
        mask_credentials(f"URL '{url}' and 'http://c:d@e' here")
        == f"URL '{masked}' and 'http://c:***@e' here"
    )
    assert mask_credentials(masked) == masked  # masking twice changes nothing


@pytest.mark.parametrize(
    "text",
    [
        "http://localhost:8000/api?b=1&c=%2F#frag",
        "https://example.com/users/@me?q=a@b",
        "https://h/x?password=&token",  # nothing to hide
        "sqlite:///dev.db",
        "redis://cache:6379/0",
        "http://[::1]:9000/",
        "postgresql+asyncpg://content-db:5432/content?sslmode=require",
        "no URL at all: user:pass@host",
        "DATABASE_URL '***hidden***'",
    ],
)
def test_urls_without_credentials_are_left_as_written(text: str) -> None:
    assert mask_credentials(text) == text


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("http://TOKEN:x-oauth-basic@localhost:8000/", "http://***@localhost:8000/"),  # the user is the token
        ("http://TOKEN:@host/", "http://***@host/"),
        ("https://h/?next=https%3A%2F%2Fu%3ASECRET%40h2%2F", "https://h/?next=https%3A%2F%2Fu%3A***%40h2%2F"),
        ("https://h/cb#access_token=SECRET&state=1", "https://h/cb#access_token=***&state=1"),
        ("https://h/#/cb?access_token=SECRET", "https://h/#/cb?access_token=***"),
        ("https://h/x#?password=SECRET", "https://h/x#?password=***"),
        (
            "https://h/?password[]=S&authorization=S&password+=S&user[password]=S&page=2",
            "https://h/?password[]=***&authorization=***&password+=***&user[password]=***&page=2",
        ),
    ],
)
def test_tokens_in_userinfo_fragments_and_encoded_urls_are_masked(url: str, masked: str) -> None:
    assert mask_credentials(f"URL '{url}' here") == f"URL '{masked}' here"
    assert mask_credentials(masked) == masked


def test_a_deeply_encoded_url_does_not_recurse_without_bound() -> None:
    url = "http://h/?a=http://u:S@h"
    for _ in range(200):
        url = "http://h/?next=" + urllib.parse.quote(url, safe="")
    assert mask_credentials(url).startswith("http://h/?next=")


def test_the_baseline_stores_no_credential(tmp_path: Path) -> None:
    root = project(tmp_path, {"main.py": 'URL = "http://admin:SECRET@localhost:8000/"\n'}, CONFIG + TEMPLATE)
    (root / "svc" / ".env").write_text("DATABASE_URL=postgresql://u:SECRET@localhost/x\n", encoding="utf-8")
    assert run(root).returncode == 1
    written = cli_bytes(root, "baseline")
    assert b"recorded" in written
    stored = (root / "archcheck-baseline.json").read_text(encoding="utf-8")
    assert "SECRET" not in stored and "admin" not in stored and "postgresql" not in stored
    assert run(root, "--baseline", "archcheck-baseline.json").returncode == 0  # masked entries still match


def test_a_url_quoted_by_a_config_error_is_masked(tmp_path: Path) -> None:
    """A DSN pasted into the wrong key is quoted by the exit-2 reason: its password is not."""
    config = CONFIG + 'ignore = ["postgresql://admin:S3cretPW@db/x"]\n'
    config += '[imports]\nallow = ["https://deploy:ghp_TOKEN123@github.com/o/r"]\n'
    root = project(tmp_path, {"main.py": "import os\n"}, config)
    result = run(root)
    err = result.stderr.decode("utf-8")
    assert result.returncode == 2 and len(err.splitlines()) == 1
    assert "S3cretPW" not in err and "ghp_TOKEN123" not in err
    assert "postgresql://admin:***@db/x" in err and "https://deploy:***@github.com/o/r" in err


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # run 89a: a quoted value ending in a backslash at a line's end, or the text's, failed an
        # assertion (the whole run lost); a masked triple-quoted value lost its line breaks
        ('# windows: password="C:\\\nx = 1\n', '# windows: password="***\nx = 1\n'),
        ('password="x\\', 'password="***'),
        ('password="a\\"b" ok', 'password="***" ok'),
        ('password = """\nabc\ndef\n', 'password = """\n***\n***\n'),
        ('x = 1\npassword = """abc\n\n', 'x = 1\npassword = """***\n\n'),
        # run 89a: a value quoted by escaped quotes in a string (JSON, a connection string)
        (
            'BODY = "{\\"user\\": \\"app\\", \\"password\\": \\"S3cret\\"}"',
            'BODY = "{\\"user\\": \\"app\\", \\"password\\": \\"***\\"}"',
        ),
        ('CONN = "Server=db;Password=\\"S3cr3t;Pw\\";"', 'CONN = "Server=db;Password=\\"***\\";"'),
        ('LINE = "export DB_PASSWORD=\\"S3cret\\""', 'LINE = "export DB_PASSWORD=\\"***\\""'),
        # run 89a: a secret's name with a deployment or role after it; "bypass" names no pass
        ('DB_PASSWORD_PROD = "S3cret"', 'DB_PASSWORD_PROD = "***"'),
        ('ENV = {"JWT_SECRET_STAGING": "S3cret"}', 'ENV = {"JWT_SECRET_STAGING": "***"}'),
        ('os.environ["API_KEY_PRODUCTION"] = "S3cret"', 'os.environ["API_KEY_PRODUCTION"] = "***"'),
        ('jwt_secret_value = "S3cret"', 'jwt_secret_value = "***"'),
        (
            'AUTHENTICATION_BYPASS = "authentication_bypass"',
            'AUTHENTICATION_BYPASS = "authentication_bypass"',
        ),
        ('"compass": "U0001F9ED"', '"compass": "U0001F9ED"'),
        # run 89a: a walrus binds a secret too; a DSN a path joined into one slash
        ("log.info(f\"{(token := 'S3cret')=}\")", "log.info(f\"{(token := '***')=}\")"),
        ('msg = "use password := S3cret"', 'msg = "use password := ***"'),
        (
            "error: /tmp/postgresql:/app:S3cret@db/x.json: not found",
            "error: /tmp/postgresql:/app:***@db/x.json: not found",
        ),
        ("redis:/:S3cret@cache/r.html", "redis:/:***@cache/r.html"),
        # run 91a/07: a query parameter named like a secret, with a number or a deployment after it
        ("pkg @ https://h/x.whl?API_KEY_12345=S3cret&x=1", "pkg @ https://h/x.whl?API_KEY_12345=***&x=1"),
        ("https://h/?db_password_staging=S3cret", "https://h/?db_password_staging=***"),
        ("https://h/?page=2&monkey=3", "https://h/?page=2&monkey=3"),
        # run 91a/02: JSON in a string escaped twice (the repr of one)
        (
            'x = "{\\\\\\"password\\\\\\": \\\\\\"S3cret\\\\\\"}"',
            'x = "{\\\\\\"password\\\\\\": \\\\\\"***\\\\\\"}"',
        ),
        # run 90a/09: a URL joined by `+`, its password in a string of its own
        (
            'DSN = "postgresql://" + DB_USER + ":S3cret@" + DB_HOST + "/app"',
            'DSN = "postgresql://" + DB_USER + ":***@" + DB_HOST + "/app"',
        ),
        ('email = name + "@" + domain', 'email = name + "@" + domain'),
        # run 91a/12: the password a literal of its own, the `+` before a line's continuation,
        # Basic's user and password joined
        (
            'u = "postgresql://" + user + ":" + "Hunter2Pw" + "@" + host',
            'u = "postgresql://" + user + ":" + "***" + "@" + host',
        ),
        (
            'u = "postgresql://" + user + \\\n    ":Hunter3Pw@" + host',
            'u = "postgresql://" + user + \\\n    ":***@" + host',
        ),
        ('h = base64.b64encode(b"admin:" + b"Hunter4Pw")', 'h = base64.b64encode(b"admin:" + b"***")'),
        (
            'h = base64.b64encode(("admin:" + "Hunter5Pw").encode())',
            'h = base64.b64encode(("admin:" + "***").encode())',
        ),
        ('t = "a:" + "b" + "@c"', 't = "a:" + "b" + "@c"'),  # (no URL before it)
        # run 92a/06: an f-string piece, the password ending a string before the "@" one
        (
            'u = "postgresql://" + user + f":S3cret@{host}/db"',
            'u = "postgresql://" + user + f":***@{host}/db"',
        ),
        (
            'u = "postgresql://" + user + ":S3cret" + "@" + host',
            'u = "postgresql://" + user + ":***" + "@" + host',
        ),
        ('u = "postgresql://" + "admin:S3cret" + "@db/x"', 'u = "postgresql://" + "admin:***" + "@db/x"'),
        ('u = "redis://" + host + ":6379" + "/0"', 'u = "redis://" + host + ":6379" + "/0"'),
        ('t = b64encode(b"urn:" + b"uuid")', 't = b64encode(b"urn:" + b"uuid")'),
        # run 90a/12: its password holding a slash or a space
        (
            "error: postgresql:/app:S3c/ret@db/x.json: not found",
            "error: postgresql:/app:***@db/x.json: not found",
        ),
        (
            "error: postgresql:/app:S3c ret@db/x.json: not found",
            "error: postgresql:/app:***@db/x.json: not found",
        ),
        ("C:/user:x@y", "C:/user:x@y"),
        # run 89a: a host named like a secret keeps its port; a sentence's dot is no token's mark
        ("URL = 'http://token:8006/v1/introspect'", "URL = 'http://token:8006/v1/introspect'"),
        ("Login checker: uses basic authentication.", "Login checker: uses basic authentication."),
        ("Authorization: Basic dXNlcjpwYXNz.", "Authorization: Basic ***"),
        # run 91a/06 (netra's docstrings and log lines): words of prose after the scheme's name
        ('"""Token validation/refresh request"""', '"""Token validation/refresh request"""'),
        ("Get basic ClickHouse connection status", "Get basic ClickHouse connection status"),
        ("Token user-provided, skipping", "Token user-provided, skipping"),
        ("Using Basic HTTPBasicAuth for it", "Using Basic HTTPBasicAuth for it"),
        ("Authorization: Basic YWRtaW46aHVudGVy", "Authorization: Basic ***"),  # (admin:hunter)
        ("Authorization: Bearer AbCdEfGhIjKlMnOp", "Authorization: Bearer ***"),
        ("Authorization: Token ghp_abcdefghijklmnop", "Authorization: Token ***"),
        # run 89a: a port libpq or SQL Server follows with `,` or `;` is no password reaching the
        # next URL's "@"
        (
            "'postgresql://db1:5432,db2:5432/app' expected 'postgresql://u:S3cret@svc-db:5432/x'",
            "'postgresql://db1:5432,db2:5432/app' expected 'postgresql://u:***@svc-db:5432/x'",
        ),
        (
            "'sqlserver://db:1433;databaseName=app' or 'postgresql://a:S3cret@c/d'",
            "'sqlserver://db:1433;databaseName=app' or 'postgresql://a:***@c/d'",
        ),
        ("'postgresql://u:1234,S3cret@db/x'", "'postgresql://u:***@db/x'"),
        # run 92a/05: a passphrase parameter, a path segment that is a secret pair, unquoted
        (
            "(third @ https://h.example/t.tgz?passphrase=S3cret in r.txt:1)",
            "(third @ https://h.example/t.tgz?passphrase=*** in r.txt:1)",
        ),
        (
            "(x @ https://h.example/p/password=S3cret/x.tgz in r.txt:1)",
            "(x @ https://h.example/p/password=***/x.tgz in r.txt:1)",
        ),
        ("http://localhost:8000/?p%61ssphrase=S3cret", "http://localhost:8000/?p%61ssphrase=***"),
        ("https://h.example/a=b/c", "https://h.example/a=b/c"),
        # run 91a/08: an "@" before a space is no password's end (PEP 508's `name @ url`)
        (
            "'lib @ https://u:pa/ss@gitlab.com/v2.tgz' is in (lib @ https://u:pa/ss@gitlab.com/v1.tgz)",
            "'lib @ https://u:***@gitlab.com/v2.tgz' is in (lib @ https://u:***@gitlab.com/v1.tgz)",
        ),
        ("x https://u:p@ss w0rd@db/x and y @ https://z.com/", "x https://u:***@db/x and y @ https://z.com/"),
    ],
)
def test_a_quoted_value_ending_in_a_backslash_or_over_lines_is_masked_line_by_line(
    text: str, masked: str
) -> None:
    assert mask_credentials(text) == masked


def test_a_value_with_a_line_break_in_an_error_is_masked_whole(tmp_path: Path) -> None:
    """Run 89a: ``--service 'token="x\\ny"'``: the masking of the error failed (a traceback that
    quoted the value); the line break is escaped first, so the quote masks the value whole."""
    root = project(tmp_path, {"m.py": "x = 1\n"})
    result = run(root, "--service", 'token="Hunter2S3cr3t\nsecond"')
    assert result.returncode == 2, result.stderr
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and "Hunter2" not in lines[0] and "second" not in lines[0], lines


def test_a_telegram_bot_token_in_a_url_path_is_masked() -> None:
    """Run 115a/06: the Bot API takes its token in the path, `/bot<id>:<secret>/getMe`."""
    text = "http://localhost:8081/bot6123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe"
    assert mask_credentials(text) == "http://localhost:8081/bot***/getMe"
    assert mask_credentials("/bot/status and /bot12:short") == "/bot/status and /bot12:short"
