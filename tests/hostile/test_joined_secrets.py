"""Run 96a: secrets in strings joined by ``+`` or implicitly with code between (black's one
piece per line, comments between), a secret parameter's value after a string that is no URL,
a docstring's examples in ``--diff``, and the look-alikes that were masked though nothing
secret was there (a diff that no longer applies)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from archcheck.facts.secret_strings import masked_code, masked_prose
from archcheck.facts.urls import mask_credentials
from archcheck.output import fixes
from tests.helpers import cli
from tests.hostile._project import project, run


@pytest.mark.parametrize(
    ("code", "masked"),
    [
        # (run 96a/01, 03: black's pieces with a comment line, a trailing comment, an implicit join, two pieces)
        (
            'DSN = (\n    "postgresql://" + user\n    + ":"\n    # comment\n    + "S3cretPw42"\n    + "@" + host)',
            'DSN = (\n    "postgresql://" + user\n    + ":"\n    # comment\n    + "***"\n    + "@" + host)',
        ),
        (
            'DSN = ("postgresql://" + user\n    + ":"\n    + "S3cretPw42"  # staging\n    + "@" + host)',
            'DSN = ("postgresql://" + user\n    + ":"\n    + "***"  # staging\n    + "@" + host)',
        ),
        (
            'DSN = "postgresql://" + u + ":" + "S3cretPw42" "@" + h',
            'DSN = "postgresql://" + u + ":" + "***" "@" + h',
        ),
        (
            'DSN = "postgresql://" + u + ":" + "S3cr" + "etPw" + "@" + h',
            'DSN = "postgresql://" + u + ":" + "***" + "***" + "@" + h',
        ),
        # (run 96a/02: three lines of pieces; an f-string piece)
        (
            'DSN = ("postgresql://admin:Ab"\n    "S3cretPw"\n    "Tail"\n    "@db/app")',
            'DSN = ("postgresql://admin:***"\n    "***"\n    "***"\n    "@db/app")',
        ),
        # (run 96a/10: a secret parameter's value as the next string after a string that is no URL)
        ('u = base + "?token=" + "S3cretTok"', 'u = base + "?token=" + "***"'),
        ('d = "host=db password=" + "S3cretPw"', 'd = "host=db password=" + "***"'),
        ('c = "Server=db;Password=" + "S3cretPw" + ";"', 'c = "Server=db;Password=" + "***" + ";"'),
        ('cmd = "psql --password " + "S3cretPw"', 'cmd = "psql --password " + "***"'),
        # (run 96a/13, 14: an authentication pair's password in a wrapper; Basic's in parentheses)
        (
            'auth = HTTPBasicAuth("admin", SecretStr("S3cretPw"))',
            'auth = HTTPBasicAuth("admin", SecretStr("***"))',
        ),
        ('AUTH = ("admin", ("S3cretPw"))', 'AUTH = ("admin", ("***"))'),
        ('h = b64encode(("admin:S3cretPw").encode())', 'h = b64encode(("***").encode())'),
        ('h = b64encode(b"admin:" b"S3cretPw")', 'h = b64encode(b"admin:" b"***")'),
        ('cmd = ["curl", "-u", ("admin:S3cretPw"), url]', 'cmd = ["curl", "-u", ("***"), url]'),
        # (run 97a/05: Basic's pair joined through `bytes(` or parentheses, after a user that is code)
        (
            'B = b64encode(bytes("admin:" + "S3cretPw", "utf-8"))',
            'B = b64encode(bytes("admin:" + "***", "utf-8"))',
        ),
        ('C = b64encode((user + ":" + "S3cretPw").encode())', 'C = b64encode((user + ":" + "***").encode())'),
        # (run 97a/04: SSM's parameters by path)
        (
            'P = [{"Name": "/prod/db_password", "Value": "S3cretPw", "Type": "SecureString"}]',
            'P = [{"Name": "/prod/db_password", "Value": "***", "Type": "SecureString"}]',
        ),
        (
            'ssm.put_parameter(Name="/prod/db/password", Value="S3cretPw")',
            'ssm.put_parameter(Name="/prod/db/password", Value="***")',
        ),
        # (run 98a: GitHub's lower-case scheme; Basic's user as code; a field's literal then other arguments)
        (
            'H = {"Authorization": "token ghp_abcdefghijklmnopqrstuvwxyz0123"}',
            'H = {"Authorization": "token ***"}',
        ),
        ('b = b64encode(USER.encode() + b":S3cretPw")', 'b = b64encode(USER.encode() + b":***")'),
        ('b = b64encode(str.encode("admin:" + "S3cretPw"))', 'b = b64encode(str.encode("admin:" + "***"))'),
        (
            "u = f\"postgresql://app:{quote('kx@Jj5-Tail', safe='')}@db/app\"",
            'u = f"postgresql://app:***@db/app"',
        ),
        # (run 99a: the lower-case scheme's token as a string of its own; `str.encode`; a piece in parentheses)
        ('h = "token " + "ghp_abcdefghijklmnopqrstuvwxyz0123"', 'h = "token " + "***"'),
        ('a = b64encode(str.encode("admin:S3cretPw"))', 'a = b64encode(str.encode("***"))'),
        # (run 100a/04: through parentheses or a comment, as `bytes(` is)
        ('a = b64encode(str.encode(("admin:S3cretPw")))', 'a = b64encode(str.encode(("***")))'),
        (
            'd = "postgresql://" + U + ":" + ("S3cretPw") + "@" + H',
            'd = "postgresql://" + U + ":" + ("***") + "@" + H',
        ),
        # (run 97a/06: a field holding the password as a literal, also one holding an "@")
        ("u = f\"postgresql://u:{quote_plus('S3cretPw')}@h/db\"", 'u = f"postgresql://u:***@h/db"'),
        ("u = f\"postgresql://u:{quote_plus('kx@jj5/g')}@h/db\"", 'u = f"postgresql://u:***@h/db"'),
        # (run 99a/03: the user a field's literal too, the password's field with more arguments)
        (
            "u = f\"postgresql://{quote('admin')}:{quote('S3cretPw', safe='')}@db/app\"",
            "u = f\"postgresql://{quote('admin')}:***@db/app\"",
        ),
        # (run 100a/02: an implicit join in parentheses as a piece of a `+` chain)
        (
            'd = "postgresql://" + U + ":" + ("S3cr" "etPw9") + "@" + H',
            'd = "postgresql://" + U + ":" + ("***" "***") + "@" + H',
        ),
        ('h = "Bearer " + ("S3cr" "etDEF12345")', 'h = "Bearer " + ("***" "***")'),
        # (run 100a/03: a capital's `Token:` in a string or a comment, no pygments style)
        ('HEADER = "Token: S3cretDEF123456"', 'HEADER = "Token: ***"'),
        ("x = 1  # Token: eyJhbGciOiJIUzI1NiJ9.S3cret", "x = 1  # Token: ***"),
        # (run 100a/05, 06, 10: a tab escaped otherwise; an SSM path with a field; commented-out code)
        ('h = "Bearer\\x09S3cretDEF12345"', 'h = "Bearer\\x09***"'),
        ('h = "Bearer\\N{CHARACTER TABULATION}S3cretDEF12345"', 'h = "Bearer\\N{CHARACTER TABULATION}***"'),
        (
            'ssm.put_parameter(Name=f"/{env}/db_password", Value="S3cretPw2")',
            'ssm.put_parameter(Name=f"/{env}/db_password", Value="***")',
        ),
        (
            '# env_manager.set("POSTGRES_PASSWORD", "S3cretPw1")',
            '# env_manager.set("POSTGRES_PASSWORD", "***")',
        ),
        (
            '    # requests.get(url, auth=("admin", "S3cretPw4"))',
            '    # requests.get(url, auth=("admin", "***"))',
        ),
        (
            'env = {"POSTGRES_PASSWORD": "pass"}',
            'env = {"POSTGRES_PASSWORD": "***"}',
        ),  # (a keyword, a password too)
        # (run 101a/06: escapes of letters, or of data; 02: no name's template; 07: shell-quoted options)
        ('SECRET_KEY = b"\\x8f\\x1a\\xc3\\x9e\\x07\\xd2\\x55\\x11"', 'SECRET_KEY = b"***"'),
        ('JWT_SECRET = "\\u0053\\u0033\\u0063\\u0072"', 'JWT_SECRET = "***"'),
        ('DB_PASSWORD = f"{env}_supersecret_2024"', 'DB_PASSWORD = f"***"'),
        ('ADMIN_PASSWORD = "hunter{42}horse"', 'ADMIN_PASSWORD = "***"'),
        ("run(\"mysql -uroot -p'Zq9mysqlPw2' app\")", "run(\"mysql -uroot -p'***' app\")"),
        ("run('curl -sf -u \"admin:Zq9curlPw1\" https://r/')", "run('curl -sf -u \"admin:***\" https://r/')"),
        ('run("curl -uadmin:Zq9curlPw3 https://x")', 'run("curl -uadmin:*** https://x")'),
        # (run 101a/14, 03, 10, 15, 09: Secrets Manager; other escapes; more names, token shapes; places)
        (
            'sm.create_secret(Name="prod/db", SecretString="Zq9smPw1")',
            'sm.create_secret(Name="prod/db", SecretString="***")',
        ),
        ('h = "Bearer\\11S3cretDEF12345"', 'h = "Bearer\\11***"'),
        ('h = "Bearer\\N{HT}S3cretDEF12345"', 'h = "Bearer\\N{HT}***"'),
        ('HMAC_KEY = "Zq9hmac"', 'HMAC_KEY = "***"'),
        ('STRIPE_KEY = "sk_live_abcdefghijklmnop"', 'STRIPE_KEY = "***"'),
        ('server.login("alerts@example.com", "Zq9pw")', 'server.login("alerts@example.com", "***")'),
        ('ftplib.FTP("h", "u", "Zq9pw")', 'ftplib.FTP("h", "u", "***")'),
        ('x = "password=abc{Zq9}cd"', 'x = "password=***"'),
        ('x = "API_KEY=PROD_KEY_ABCDEF"', 'x = "API_KEY=***"'),  # (upper-case words, no status's)
        # (run 102a/F1: a secret parameter's field holding a literal; F2: braces; F3: `\N{…}` letters)
        (
            "fetch(f\"https://a.example/i?token={quote('Xk9pL2mQ7vRt')}\")",
            'fetch(f"https://a.example/i?token=***")',
        ),
        ('conn = "UID=sa;PWD={P@ss;w0rd}"', 'conn = "UID=sa;PWD=***"'),
        ('dsn = "host=db user=app password={Tr0ub&3}"', 'dsn = "host=db user=app password=***"'),
        (
            'password = "\\N{LATIN CAPITAL LETTER H}\\N{LATIN SMALL LETTER U}\\N{DIGIT TWO}"',
            'password = "***"',
        ),
        # (run 102a/F6, F7: `-u` glued after other flags; a quoted value holding spaces; keyring's last)
        (
            'x = shell("curl -su elastic:Xk9pL2mQ7v https://es")',
            'x = shell("curl -su elastic:*** https://es")',
        ),
        ("x = 'mysql -uroot -p\"correct horse battery staple\" app'", "x = 'mysql -uroot -p\"***\" app'"),
        ('keyring.set_password("svc", "alice", "S3cretPw")', 'keyring.set_password("svc", "alice", "***")'),
        # (run 103a/F1: quoted arguments before the option; the password alone quoted; a list's `-su`)
        (
            "cmd = \"curl -H 'Accept: json' -u admin:S3cretXyz9 https://a/r\"",
            "cmd = \"curl -H 'Accept: json' -u admin:*** https://a/r\"",
        ),
        (
            "cmd = \"curl -sSu admin:'S3 cretXyz9' https://a/r\"",
            "cmd = \"curl -sSu admin:'***' https://a/r\"",
        ),
        ("cmd = \"mysql -h 'db' -uroot -pS3cretXyz9 app\"", "cmd = \"mysql -h 'db' -uroot -p*** app\""),
        (
            'cmd = ["curl", "-su", "admin:S3cretXyz9", "https://a/r"]',
            'cmd = ["curl", "-su", "admin:***", "https://a/r"]',
        ),
        # (run 103a/F2: a fragment's parameter, fields one after another; F5: a token's shape in words)
        (
            "u = f\"https://a/cb#access_token={'S3cretTok9xyz'}&state=1\"",
            'u = f"https://a/cb#access_token=***&state=1"',
        ),
        ("u = f\"https://a/v1?token={'S3cret'}{'Tok9'}\"", 'u = f"https://a/v1?token=***"'),
        (
            'log.info("cloning with ghp_abcdefghijklmnopqrstuvwxyz0123456789 as the token")',
            'log.info("cloning with *** as the token")',
        ),
        ('hdr = "token sk_live_abcdefghijklmnopqrstuvwx"', 'hdr = "token ***"'),
        # (run 99a/01: a scheme's separator a tab escaped in the string)
        ('h = "Bearer\\tabcDEF1234567890xyz"', 'h = "Bearer\\t***"'),
        ('h = "token\\tghp_abcdefghijklmnopqrstuvwxyz0123"', 'h = "token\\t***"'),
    ],
)
def test_a_secret_in_joined_strings_is_masked(code: str, masked: str) -> None:
    assert mask_credentials(masked_code(code)) == masked


@pytest.mark.parametrize(
    "code",
    [
        # (run 96a/09: a DSN built from fields; 08: a port's field, then an "@" later in the file)
        'u = f"postgresql://{user}:{password}@{host}/db"',
        'u = "postgresql://%s:%s@%s/db" % (a, b, c)',
        'u = f"postgresql+asyncpg://{user}{password_part}@/{database}"',
        # (run 97a/08, 07: a template given to an encoder; a port from code, then an "@" later)
        'TOKEN = b64encode(b"%s:%s" % (user, password))',
        'BASE = "http://localhost:" + str(PORT) + "/api"\nINFO = f"http://localhost:{cfg.get(\'port\', 8000)}/info"\n\n@app.get("/x")\ndef f(): pass',
        'open("/run/secrets/db_password", "r")',
        # (run 98a: a scheme after a comma, then an "@" later; a class named like a secret; pygments' styles)
        'ORIGINS = "https://app.example.com,https://admin.example.com"\nok: bool = True\n\n@app.get("/x")\ndef f(): pass',
        'class CachedToken:\n    """Token cache entry.\n\n    Used by the client cache.\n    """',
        'STYLES = {Token: "#cccccc", Token.Keyword: "bold"}',
        'x = "the token expired"',
        # (run 99a/04: a docstring's parameter lines are descriptions)
        '"""Args:\n    password: The user\'s password.\n:param token: the token to refresh\n"""',
        'x = f("a") + "b"',
        'URL = f"http://{HOST}:{PORT}"\nR = "redis://{host}:{port}/0"\n\n@app.get("/x")\ndef f(): pass',
        # (run 96a/07: a return's type then a docstring; a separator; an escape; prose after "basic")
        'def read(self) -> Token:\n    """Consume the next token."""',
        'def visit(self) -> nodes.Pass:\n    """Visit it."""',
        'user_pass = (self.username + ":" + self.password).encode("ascii")',
        'password = "\\u2022" * len(value)',
        '"""Test basic PostgreSQL URL normalization."""',
        # (run 96a/12: snake-case words after a scheme, at a sentence's end or with a one-letter word)
        '"""Reject Bearer token_expired."""',
        'raise Unauthorized("Bearer token_expired_for_user_x")',
        'x = "Token " + "TOKEN_EXPIRED"',
        'x = "a" + b + "c"',
        # (run 100a/01: descriptions; 07: fields looking a key up; 08: placeholders after options)
        '"""Args:\n    token: JWT token to validate\n    password: Password string to validate\n"""',
        "# password: Password for the admin account",
        'raise ValueError("Invalid token: expired or malformed")',
        "u = f\"postgresql://{cfg['user']}:{cfg['password']}@{cfg['host']}:5432/app\"",
        "u = f\"postgresql://u:{os.environ['DB_PASSWORD']}@h/db\"",
        'a = f"mysql -u{user} -p{password} app"',
        'c = f"curl -u {user}:{password} {url}"',
        'e = "mysqldump -u root -p${MYSQL_ROOT_PASSWORD} app"',
        # (run 100a/09: a value that is its own name, a word of Python or a switch, marks, a name's template)
        'API_KEY = "api_key"',
        "ENV = {'OPENAI_API_KEY': 'openai_api_key'}",
        'h["Access-Control-Allow-Credentials"] = "true"',
        'client_secret_key = f"GOOGLE_OAUTH_CLIENT_SECRET_{environment.upper()}"',
        'def visit_pass(node):\n    return "pass"',
        'search_token = "def"',
        'password = "..."',
        'password = "********"',
        # (run 101a/01, 05, 11, 12, 13: code called or indexed in a comment; an escape before a
        # placeholder; a shell's variables after options; statuses; a mask)
        "# password = getpass()",
        "# token = tokens[0]",
        '"""Example: password = cfg["pw"]"""',
        'print("password:\\t%s" % pw)',
        "a = f\"mysql -uroot -p{cfg['pw']} app\"",
        'b = "sshpass -p $pass ssh x"',
        'c = "curl -u admin:$(cat /run/secrets/api_pw) https://x"',
        'x = "Token: N/A"',
        'x = "Password: TOKEN_EXPIRED"',
        'x = "Token: REVOKED"',
        'password = ":****"',
        # (run 102a/F1, F8, F9, F11, F12: a quoting call's options; descriptions; calls; keyring; an ARN)
        "fetch(f\"https://a.example/i?token={quote(TOKEN, safe='')}\")",
        '"""Args:\n    token: JWT token string\n    refresh_token: Valid refresh token\n"""',
        '# auth.create_access_token = AsyncMock(return_value="x")',
        "# state_token = str(uuid.uuid4())",
        'keyring.set_password("billing-service", "alice", pw)',
        "logger.info(f\"JWT Secret: {'*' * 10 if get_jwt_secret() else 'NOT SET'}\")",  # (a field of code)
        'x = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:MyDbSecret-a1b2c3"',
        # (run 102a/F4, F5: an escape after a port, a regex's `://(?:`, then an "@" later in the file)
        'print("Server at http://localhost:8000\\n")\n@app.get("/x")\nSUPPORT = "ops@example.com"',
        'url_re = re.compile(r"https?://(?:[a-z]+)")\n@app.get("/x")\ndef f(): pass',
        # (run 103a/F4: a secret parameter's field of code with no literal)
        "a = f\"https://a/v1?token={token or ''}\"",
        'b = f"wss://a/ws?token={await get_token()}"',
        'c = f"https://a/v1?api_key={api_key!s}"',
        # (a name quoted for a URL, its only literals the quoting's options)
        "u = f\"postgresql://{quote(user)}:{quote(password, safe='')}@db/app\"",
        'x = "Bearer\\ttoken_expired"',
    ],
)
def test_what_joined_strings_do_not_hide_stays_as_written(code: str) -> None:
    assert mask_credentials(masked_code(code)) == code


def test_a_docstring_s_examples_are_read_as_code_in_a_diff(tmp_path: Path) -> None:
    """Run 96a/04: README's own examples inside a docstring were shown in a ``--diff``, and an
    annotation was masked instead of the value after it."""
    code = (
        "from .b import x\n"
        "def f():\n"
        '    """Set DB_PASSWORD = "S3cretA1" and ADMIN_PASSWORDS = {"a": "S3cretA2"}\n'
        '    db_password: str = "S3cretA3"\n'
        '    API_KEYS = ["S3cretA4"]\n'
        '    user.set_password("S3cretA5")\n'
        '    Usage: auth=("admin", "S3cretA6")\n'
        '    """\n'
    )
    root = project(tmp_path, {"pkg/__init__.py": "", "pkg/b.py": "x = 1\n", "pkg/c.py": code})
    out = run(root, "--no-cache", "--diff").stdout.decode()
    assert "S3cret" not in out and 'db_password: str = "***"' in out, out


def test_a_diff_with_look_alikes_of_secrets_applies(tmp_path: Path) -> None:
    """Run 96a/07, 08: a docstring after ``-> Token:``, a separator, an escape, and a URL built
    from fields before a decorator were masked: the diff no longer applied."""
    code = (
        "from .b import x\n"
        'URL = f"http://{HOST}:{PORT}"\n'
        "class Reader:\n"
        "    def read(self) -> Token:\n"
        '        """Consume the next token and return it."""\n'
        "    def header(self):\n"
        '        return (self.username + ":" + self.password).encode("ascii")\n'
        "password = settings.redis_password\n"
        # (run 98a/03: code joining a URL's pieces; run 99a/04: a docstring's code called or indexed)
        'DB_URL = "postgresql://admin:" + os.environ["DB_PW"] + "@db/app"\n'
        'def usage():\n    """password = os.environ["DB_PASSWORD"]\n    token = get_token(user)\n    """\n'
        '@app.get("/x")\n'
        "def shown(value):\n"
        '    return "\\u2022" * len(value)\n'
        "from .b import x as y\n"
    )
    root = project(tmp_path, {"pkg/__init__.py": "", "pkg/b.py": "x = 1\n", "pkg/c.py": code})
    patch = run(root, "--no-cache", "--diff").stdout
    assert b"***" not in patch, patch.decode()
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    applied = subprocess.run(["git", "apply", "--check", "-"], cwd=root, input=patch, capture_output=True)
    assert applied.returncode == 0, applied.stderr.decode()


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ('got \'Set DB_PASSWORD = "S3cretB1" and ADMIN_PASSWORDS = {"a": "S3cretB2"}\'', "S3cret"),
        ('got \'ADMIN_PASSWORDS = {"admin": "S3cretB3"}\'', "S3cret"),
    ],
)
def test_a_quoted_value_in_text_is_read_as_code(text: str, hidden: str) -> None:
    """Run 96a/06: error lines, a query's echo and ARC002 read prose only: a plural's brackets
    were never read."""
    assert hidden not in masked_prose(text)


def test_an_error_line_quoting_a_plural_s_dict_masks_it(tmp_path: Path) -> None:
    root = project(tmp_path, {"main.py": "x = 1\n"})
    (root / "archcheck.toml").write_text(
        'services = ["svc"]\nignore = ["ADMIN_PASSWORDS = {\\"a\\": \\"S3cretC1\\"}"]\n'
    )
    result = run(root, "--no-cache")
    assert result.returncode == 2 and b"S3cret" not in result.stderr, result.stderr


def test_a_long_chain_of_joined_secrets_is_masked_in_linear_time() -> None:
    """Run 97a/01: each stretch the masking hid was found again by aligning the joined text
    with its masking (``difflib``): cubic, 6 KB took 12 s. Now read side by side."""
    code = "q = " + " + y + ".join(['"&token=ab1"'] * 250) + "\n"  # (under the 4,000 compared)
    started = time.monotonic()
    masked = masked_code(code)
    assert masked.count('"&token=***"') == 250
    assert time.monotonic() - started < 3  # (minutes before)


def test_find_s_hint_to_quote_the_words_masks_them(tmp_path: Path) -> None:
    """Run 97a/03: the hint quoted the query as written."""
    root = project(tmp_path, {"main.py": "x = 1\n"})
    result = cli(root, "find", 'ADMIN_PASSWORDS = {"a": "S3cretD1"}', "src")
    assert result.returncode == 2 and "S3cret" not in result.stderr, result.stderr


def test_find_s_words_and_path_are_masked_as_one_text(tmp_path: Path) -> None:
    """Run 98a/07: words split over two arguments (`find 'Bearer' 'eyJ…'`) showed the token as the path."""
    root = project(tmp_path, {"main.py": "x = 1\n"})
    result = cli(root, "find", "Bearer", "eyJhbGciOiJIUzI1NiJ9abcS3cretTok")
    assert result.returncode == 2 and "S3cret" not in result.stderr, result.stderr


def test_arc002_masks_words_in_brackets_that_are_no_codes(tmp_path: Path) -> None:
    """Run 99a/06: `ignore[token 0123…]` was quoted upper-cased, never masked nor cut."""
    source = "x = 1  # archcheck: ignore[token 0123456789abcdef0123456789abcdef01234567]\n"
    out = run(project(tmp_path, {"main.py": source}), "--no-cache").stdout.decode()
    assert "ARC002" in out and "0123456789" not in out.lower(), out


def test_arc002_reads_a_malformed_suppression_as_code(tmp_path: Path) -> None:
    """Run 97a/10: code in a comment that silences nothing was quoted with its secret."""
    source = 'x = 1  # archcheck: ignore[setenv("DB_PASSWORD", "S3cretE1")]\n'
    out = run(project(tmp_path, {"main.py": source}), "--no-cache").stdout.decode()
    assert "ARC002" in out and "S3cret" not in out, out


@pytest.mark.parametrize(
    ("code", "masked"),
    [
        # (run 99a/04: a `%` template joined to a password; code joining a URL's pieces shows nothing)
        (
            'url = "postgresql://%s:" % USER + "S3cretPw" + "@" + HOST',
            'url = "postgresql://%s:" % USER + "***" + "@" + HOST',
        ),
        (
            'u = "postgresql://admin:" + os.environ["DB_PW"] + "@db/app"',
            'u = "postgresql://admin:" + os.environ["DB_PW"] + "@db/app"',
        ),
        (
            'u = "postgresql://admin:" + pw + "S3cretPw" + "@db"',
            'u = "postgresql://admin:" + pw + "***" + "@db"',
        ),
        # (run 101a/04: an empty default, a lower-case key, a field of code with an empty default)
        (
            'u = "postgresql://admin:" + os.environ.get("DB_PW", "") + "@db/app"',
            'u = "postgresql://admin:" + os.environ.get("DB_PW", "") + "@db/app"',
        ),
        (
            'u = "postgresql://admin:" + secrets["db_password"] + "@db/app"',
            'u = "postgresql://admin:" + secrets["db_password"] + "@db/app"',
        ),
        (
            "u = f\"postgresql://admin:{os.environ.get('DB_PW', '')}@db/app\"",
            "u = f\"postgresql://admin:{os.environ.get('DB_PW', '')}@db/app\"",
        ),
        ('u = "postgresql://admin:{Tr0ub&3}@db/app"', 'u = "postgresql://admin:***@db/app"'),
    ],
)
def test_code_between_a_url_s_pieces_is_left_as_written_in_python(code: str, masked: str) -> None:
    assert mask_credentials(masked_code(code), code=True) == masked


@pytest.mark.parametrize("run", ['"\\N{', "token: %("])
def test_unclosed_escapes_and_fields_are_masked_in_linear_time(run: str) -> None:
    """Run 103a/F3: each `\\N{` or `%(` with no end read to the line's end (144 KB: 34 s)."""
    code = "x = " + repr(run * 20_000) + "\n"
    started = time.monotonic()
    masked_code(code)
    mask_credentials(code, prose=True)
    assert time.monotonic() - started < 10  # (a second after)


@pytest.mark.parametrize("unit", ['("a"', "default=("])
def test_brackets_a_comment_leaves_open_are_read_in_linear_time(unit: str) -> None:
    """Run 104a/12: each string in a comment read as code walked back through every bracket
    open before it, and each bracket opened after `default=` through every one before it
    (`("a"("a"…` of 128 KB: `--diff` 90 s)."""
    code = "asyncio.run(g())  # x(" + unit * 20_000 + '\n"""x(' + unit * 20_000 + '"""\n'
    started = time.monotonic()
    masked_code(code)
    assert time.monotonic() - started < 10  # (under a second after)


def _diff_shown(code: str) -> str:
    """``code`` as `check --diff` shows it."""
    return "".join(fixes._masked(fixes._git_lines(code), python=True))


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        # (run 104a/01: more tools' password options)
        ('a = "curl -U proxyuser:S3cretPw9 https://x"\n', 'a = "curl -U proxyuser:*** https://x"\n'),
        ('a = "curl --proxy-user p:S3cretPw9 https://x"\n', 'a = "curl --proxy-user p:*** https://x"\n'),
        # (run 123a/03: httpie's and lftp's)
        ('a = "http -a billing:S3cretPw9 GET x"\n', 'a = "http -a billing:*** GET x"\n'),
        ('a = "https --auth billing:S3cretPw9 GET x"\n', 'a = "https --auth billing:*** GET x"\n'),
        ('a = "lftp -u deploy,S3cretPw9 sftp://h"\n', 'a = "lftp -u deploy,*** sftp://h"\n'),
        ('a = "mariadb -uroot -pS3cretPw9 db"\n', 'a = "mariadb -uroot -p*** db"\n'),
        ('a = "mariadb-dump -uroot -pS3cretPw9 db"\n', 'a = "mariadb-dump -uroot -p*** db"\n'),
        ('a = "docker login -u bob -p S3cretPw9 reg"\n', 'a = "docker login -u bob -p *** reg"\n'),
        ('a = "redis-cli -a S3cretPw9 ping"\n', 'a = "redis-cli -a *** ping"\n'),
        ('a = "ldapsearch -x -D cn=admin -w S3cretPw9"\n', 'a = "ldapsearch -x -D cn=admin -w ***"\n'),
        ('a = "smbclient //h/s -U bob%S3cretPw9"\n', 'a = "smbclient //h/s -U bob%***"\n'),
        ('a = "openssl rsa -in k -passin pass:S3cretPw9"\n', 'a = "openssl rsa -in k -passin pass:***"\n'),
        ('a = "mysql -u root -p db"\n', 'a = "mysql -u root -p db"\n'),  # (`-p` alone asks for it)
        # (02: argument lists; a password in escaped quotes)
        ('a = ["curl", "-uadmin:S3cretPw9", "https://x"]\n', 'a = ["curl", "-uadmin:***", "https://x"]\n'),
        (
            'a = ["curl", "-H", "A: b", "--user=admin:S3cretPw9"]\n',
            'a = ["curl", "-H", "A: b", "--user=admin:***"]\n',
        ),
        ('a = "curl -u admin:\\"S3cretPw9\\" https://x"\n', 'a = "curl -u admin:\\"***\\" https://x"\n'),
        ('a = ["sshpass", "-p", "S3cretPw9", "ssh", "h"]\n', 'a = ["sshpass", "-p", "***", "ssh", "h"]\n'),
        (
            'a = ["redis-cli", "-p", "6379", "-a", "S3cretPw9"]\n',
            'a = ["redis-cli", "-p", "6379", "-a", "***"]\n',
        ),
        ('a = ["mysql", "-p", "db"]\n', 'a = ["mysql", "-p", "db"]\n'),
        # (03: keys by their place in common calls, also in parentheses)
        (
            't = jwt.encode(p, "S3cretPw9abc", algorithm="HS256")\n',
            't = jwt.encode(p, "***", algorithm="HS256")\n',
        ),
        (
            't = jwt.decode(t, "S3cretPw9abc", algorithms=["HS256"])\n',
            't = jwt.decode(t, "***", algorithms=["HS256"])\n',
        ),
        ('m = hmac.new(b"S3cretPw9abc", msg, sha256)\n', 'm = hmac.new(b"***", msg, sha256)\n'),
        (
            'd = pymysql.connect("h", "u", "S3cretPw9", "db")\n',
            'd = pymysql.connect("h", "u", "***", "db")\n',
        ),
        ('ssh.connect("h", 22, "u", "S3cretPw9")\n', 'ssh.connect("h", 22, "u", "***")\n'),
        ('smtp.login("bob", ("S3cretPw9"))\n', 'smtp.login("bob", ("***"))\n'),
        ('x = s.encode("utf-8", "strict")\n', 'x = s.encode("utf-8", "strict")\n'),
        ("h = hmac.new(secret.encode('utf-8'), m, sha256)\n", None),  # (a codec)
        ('t = jwt.encode(p, cfg["jwt_secret"], algorithm=cfg["algorithm"])\n', None),  # (a key)
        # (04: code joining or formatting a URL's secret shows nothing)
        ('D = "postgresql://admin:" + cfg["db"]["password"] + "@db"\n', None),
        ('D = "postgresql://admin:" + getattr(cfg, "db_password") + "@db"\n', None),
        ('D = "postgresql://admin:" + get_secret("db-password") + "@db"\n', None),
        ("C = f\"https://h/cb?token={token.decode('utf-8')}\"\n", None),
        ("C = f\"https://h/cb?token={getattr(cfg, 'token', None)}\"\n", None),
        ("C = f\"https://h/cb?token={jwt.encode(p, key, algorithm='HS256')}\"\n", None),
        ("C = f\"https://h/cb?token={make(secret='S3cretXYZ')}\"\n", 'C = f"https://h/cb?token=***"\n'),
        ('D = "postgresql://admin:" + quote("S3cret") + "@db"\n', 'D = "postgresql://admin:***@db"\n'),
        # (05: SQL's parameters, a key's prefix, a regex, endpoints)
        ('S = text("UPDATE u SET password = :password WHERE id = :id")\n', None),
        ('S = "UPDATE u SET access_token = $1, updated_at = $2 WHERE id = $3"\n', None),
        ('S = "UPDATE u SET password = :S3cret"\n', 'S = "UPDATE u SET password = ***"\n'),
        ('session_key = f"session:{session_id}"\n', None),
        ('p = r"postgresql\\+asyncpg://([^:]+):([^@]+)@([^:]+):(\\d+)/(.+)"\n', None),
        ('c = dict(token=f"{auth_service_url}/auth/token")\n', None),
        ('E = {"token": "https://oauth2.googleapis.com/token"}\n', None),
        (
            'W = {"webhook_secret": "https://hooks.slack.com/services/T0000/B0000/XXXX"}\n',
            'W = {"webhook_secret": "***"}\n',
        ),
        # (06: a URL's `host:port` and a decorator's "@" lines later)
        ('H = "connects to redis://host:port (see docs)."\nimport asyncio\n\n\n@app.get("/x")\n', None),
        (  # (and a password up to its own line's last "@", not a later line's decorator)
            'U = "postgresql://user:p@ssw0rd!#$@localhost:5432/db"\n\n\n@pytest.mark.integration\n',
            'U = "postgresql://user:***@localhost:5432/db"\n\n\n@pytest.mark.integration\n',
        ),
        # (07: commented-out code with secret names as strings)
        ('# if "password=" in line or "secret=" in line:\n', None),
        # (08: a single-quoted shell value is no variable)
        ("a = \"mysql -p'$S3cret' db\"\n", "a = \"mysql -p'***' db\"\n"),
        ('a = "mysql -p$MYSQL_PW db"\n', None),
        # (09: a bytes literal in a field; a literal in a ninth field)
        ("a = f\"https://h/v1?token={b'S3cretPw9abcdef'.decode()}\"\n", 'a = f"https://h/v1?token=***"\n'),
        (
            "c = f\"https://h/cb?token={a}{b}{c}{d}{e}{f}{g}{h}{'S3cretPw9abcdef'}\"\n",
            'c = f"https://h/cb?token=***"\n',
        ),
        # (10: namespaced names)
        ('S = {"token:read": "Read", "secret:write": "Write"}\n', None),
        ('B = ["partition", "passwd:dir", "passwd:uid"]\n', None),
        ('K = cache.get("password:reset:" + uid)\n', None),
        ('K = "db password:letmein"\n', 'K = "db password:***"\n'),
        # (11: a literal mask at a line's end carries nothing into the next line)
        ('assert redact("a") == "***"\n("b", 1)\n', None),
        # (run 105a/02, 11: a command's list over black's lines, after variables, its tool by path)
        (
            'x = [\n    "sshpass",\n    "-p",\n    "Zx9kQ7wLm2",\n]\n',
            'x = [\n    "sshpass",\n    "-p",\n    "***",\n]\n',
        ),
        ('x = [\n    "mysql",\n    "-pZx9kQ7wLm2"]\n', 'x = [\n    "mysql",\n    "***"]\n'),
        (
            'x = ["redis-cli", "-h", host, "-a", "Zx9kQ7wLm2"]\n',
            'x = ["redis-cli", "-h", host, "-a", "***"]\n',
        ),
        (
            'x = ["docker", "login", "-u", u, "-p", "Zx9kQ7wLm2", r]\n',
            'x = ["docker", "login", "-u", u, "-p", "***", r]\n',
        ),
        ('x = ["/usr/bin/sshpass", "-p", "Zx9kQ7wLm2"]\n', 'x = ["/usr/bin/sshpass", "-p", "***"]\n'),
        # (01: openssl, smbclient, curl -U in lists; 03: shell-quoted whole)
        (
            'x = ["openssl", "rsa", "-passin", "pass:Zx9kQ7wLm2"]\n',
            'x = ["openssl", "rsa", "-passin", "***"]\n',
        ),
        ('x = ["smbclient", "//h/s", "-U", "bob%Zx9kQ7wLm2"]\n', 'x = ["smbclient", "//h/s", "-U", "***"]\n'),
        ('x = ["curl", "--proxy-user", "bob:Zx9kQ7wLm2"]\n', 'x = ["curl", "--proxy-user", "***"]\n'),
        (
            "os.system(\"smbclient //fs/s -U 'bob%Zx9kQ7wLm2' -c ls\")\n",
            "os.system(\"smbclient //fs/s -U 'bob%***' -c ls\")\n",
        ),
        (
            "os.system(\"openssl enc -passin 'pass:Zx9kQ7wLm2' -in f\")\n",
            "os.system(\"openssl enc -passin 'pass:***' -in f\")\n",
        ),
        ('G = "smbclient //fs/share --user=bob%Zx9kQ7wLm2"\n', 'G = "smbclient //fs/share --user=bob%***"\n'),
        # (05, 06: ports and code left as written)
        ('x = ["docker", "run", "-p", "5432:5432"]\n', None),
        ('x = ["sshpass", "-e", "ssh", "-p", "2222", "h"]\n', None),
        ('S = "sshpass -e ssh -p 2222 deploy@host"\n', None),
        ('D = "mongosh --quiet && flask run -p 5000"\n', None),
        ('x = "mysqldump -uroot -p" + DB_PASSWORD + " app"\n', None),
        # (07-09: a webhook's key, `@dmin` in a DSN, a user with a bracket)
        (
            'w = {"webhook_secret": "https://chat.example.com/hooks/abc8xyz9kk2mm4nn5pp6qq7rr8"}\n',
            'w = {"webhook_secret": "***"}\n',
        ),
        ('d = "host=db password=@dmin2024"\n', 'd = "host=db password=***"\n'),
        ('u = "postgresql://svc(ro):Zx9kQ7wLm2@db"\n', 'u = "postgresql://svc(ro):***@db"\n'),
        # (13: a lookup's default in a password's place; 14: a field holding a literal)
        (
            'smtp.login(user, os.getenv("SMTP_PW", "Zx9kQ7wLm2"))\n',
            'smtp.login(user, os.getenv("SMTP_PW", "***"))\n',
        ),
        ("C = f\"mysql -u root -p{'Zx9kQ7wLm2'} app\"\n", 'C = f"mysql -u root -p*** app"\n'),
        # (run 106a/01: sshpass's valued options before `-p`; 02: `--user=`; 03: a wrapper first)
        (
            'x = ["sshpass", "-P", "assphrase", "-p", "Hunter2Secret", "ssh"]\n',
            'x = ["sshpass", "-P", "assphrase", "-p", "***", "ssh"]\n',
        ),
        ('x = ["sshpass", "-d", "3", "-p", "Hunter2Secret"]\n', 'x = ["sshpass", "-d", "3", "-p", "***"]\n'),
        ('x = ["smbclient", "//fs/s", "--user=bob%Hunter2Secret"]\n', 'x = ["smbclient", "//fs/s", "***"]\n'),
        ('x = ["sudo", "sshpass", "-p", "Hunter2Secret"]\n', 'x = ["sudo", "sshpass", "-p", "***"]\n'),
        (
            'x = ["timeout", "30", "sshpass", "-p", "Hunter2Secret"]\n',
            'x = ["timeout", "30", "sshpass", "-p", "***"]\n',
        ),
        # (04, 08: a field holding a literal shows it; 05: a default in parentheses or `str()`)
        ('x = ["sshpass", "-p", f"{\'Hunter2Secret\'}"]\n', 'x = ["sshpass", "-p", f"***"]\n'),
        ("password = f\"{'Hunter2Secret'}\"\n", 'password = f"***"\n'),
        ('password = f"{pw}"\n', None),
        (
            'smtp.login(user, (os.getenv("SMTP_PW", "Hunter2Secret")))\n',
            'smtp.login(user, (os.getenv("SMTP_PW", "***")))\n',
        ),
        (
            'smtp.login(user, str(os.getenv("SMTP_PW", "Hunter2Secret")))\n',
            'smtp.login(user, str(os.getenv("SMTP_PW", "***")))\n',
        ),
        # (run 105a/04: redis-cli's environment variable)
        ('x = "REDISCLI_AUTH=Hunter2Secret redis-cli ping"\n', 'x = "REDISCLI_AUTH=*** redis-cli ping"\n'),
        ('env = {"REDISCLI_AUTH": "Hunter2Secret"}\n', 'env = {"REDISCLI_AUTH": "***"}\n'),
        # (run 106a/09: escaped tabs between a command's words; a value ends at one)
        ('x = "sshpass\\t-p\\tHunter2Secret ssh h"\n', 'x = "sshpass\\t-p\\t*** ssh h"\n'),
        ('x = "docker\\tlogin\\t-p\\tHunter2Secret r"\n', 'x = "docker\\tlogin\\t-p\\t*** r"\n'),
        ('x = "smbclient //h/s\\t-U\\tbob%Hunter2Secret"\n', 'x = "smbclient //h/s\\t-U\\tbob%***"\n'),
        ('x = "7z x\\t-pHunter2Secret\\ta.7z"\n', 'x = "7z x\\t-p***\\ta.7z"\n'),
        ('print("usage:\\tmysql\\t-p\\tdb")\n', None),
        # (run 106a/09: a shell-quoted whole option with its value; not one alone)
        ("x = \"mysqldump -u root '-pHunter2Secret' db\"\n", "x = \"mysqldump -u root '-p***' db\"\n"),
        ("x = \"7z x '-pHunter2Secret' b.7z\"\n", "x = \"7z x '-p***' b.7z\"\n"),
        ("x = \"curl '-uadmin:Hunter2Secret' https://x\"\n", "x = \"curl '-uadmin:***' https://x\"\n"),
        ("x = \"mysql -u root '-p' db\"\n", None),
    ],
)
def test_run_104a_masking(code: str, shown: str | None) -> None:
    """Run 104a: secrets shown (01-03, 08, 09) and code over-masked so a `--diff` no longer
    applies (04-07, 10, 11); None: shown as written."""
    assert _diff_shown(code) == (code if shown is None else shown)


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        # (02: a tool named anywhere in a command list, after `docker exec` or another wrapper)
        (
            'x = ["docker", "exec", "c", "redis-cli", "-a", "Hunter2Secret", "ping"]\n',
            'x = ["docker", "exec", "c", "redis-cli", "-a", "***", "ping"]\n',
        ),
        (
            'x = ["kubectl", "exec", "m-0", "--", "mongosh", "-p", "Hunter2Secret"]\n',
            'x = ["kubectl", "exec", "m-0", "--", "mongosh", "-p", "***"]\n',
        ),
        (
            'x = ["ionice", "-c3", "sshpass", "-p", "Hunter2Secret"]\n',
            'x = ["ionice", "-c3", "sshpass", "-p", "***"]\n',
        ),
        ('x = ["time", "redis-cli", "-a", "Hunter2Secret"]\n', 'x = ["time", "redis-cli", "-a", "***"]\n'),
        ('x = ["sshpass", "-p", "redis-cli", "ssh"]\n', 'x = ["sshpass", "-p", "***", "ssh"]\n'),
        # (06: an option's value that is no string ends it: ssh's port after sshpass's)
        ('x = ["sshpass", "-p", pw, "ssh", "-p", "2222", "h"]\n', None),
        ('x = ["sshpass", "-f", os.environ["PW_FILE"], "ssh", "-p", "2222", "h"]\n', None),
        # (04: ConfigParser's option is a name, its `fallback=` the value; a section named like
        # a secret, `get("jwt", "secret")`, is read as a key, its second string as a default)
        (
            'smtp.login(user, config.get("smtp", "password", fallback="Hunter2Secret"))\n',
            'smtp.login(user, config.get("smtp", "password", fallback="***"))\n',
        ),
        (
            'pw = config.get("smtp", "password", fallback="Hunter2Secret")\n',
            'pw = config.get("smtp", "password", fallback="***")\n',
        ),
        ('server.login(config.get("smtp", "user"), config.get("smtp", "password"))\n', None),
        (
            'jwt.encode(p, self.env.get(JWT_SECRET_KEY, "test-secret"))\n',
            'jwt.encode(p, self.env.get(JWT_SECRET_KEY, "***"))\n',
        ),
        ('ssh.connect(h, 22, cfg.get("ssh", "user"), cfg.get("ssh", "pass"))\n', None),
        ('smtp.login(user, d.get("password", "hunter2"))\n', 'smtp.login(user, d.get("password", "***"))\n'),
        (
            'smtp.login(user, os.environ.get("X", "Hunter2Secret"))\n',
            'smtp.login(user, os.environ.get("X", "***"))\n',
        ),
        # (07: openssl's source word, then its password quoted in the same shell word)
        (
            "os.system(\"openssl enc -pass pass:'Hunter2Secret' -in a\")\n",
            "os.system(\"openssl enc -pass pass:'***' -in a\")\n",
        ),
        ("# openssl enc -pass pass:'Hunter2Secret' -in a\n", "# openssl enc -pass pass:'***' -in a\n"),
        ('x = "openssl -pass pass:" + pw + " -in a"\n', 'x = "openssl -pass ***" + pw + " -in a"\n'),
        # (01: another tool's `-u` is no curl user; 11: curl's user with no password written)
        ('x = ["docker", "run", "--rm", "-u", "1000:1000", "builder"]\n', None),
        ('x = ["rsync", "-avu", "backup:/data", "/data/"]\n', None),
        ('x = ["redis-cli", "-u", "redis://h:6379", "ping"]\n', None),
        ('x = ["curl", "-s", "-u", f"api:{key}", url]\n', None),
        ('x = ["curl", "-s", "-u", "api:" + key, url]\n', None),
        ('x = ["curl", "-s", "-u", "api:Hunter2Secret", url]\n', 'x = ["curl", "-s", "-u", "***", url]\n'),
        # (and smbclient's user with no `%`, openssl's other sources: no password written)
        ('x = ["smbclient", "//h/s", "-U", "bob"]\n', None),
        ('x = ["openssl", "enc", "-pass", "env:PW"]\n', None),
        ('x = "openssl enc -passin file:/run/pw -in a"\n', None),
        # (08: an f-string's field holding a literal inside shell quotes after an option)
        (
            "os.system(f\"sshpass -p '{'Hunter2Secret'}' ssh h\")\n",
            "os.system(f\"sshpass -p '***' ssh h\")\n",
        ),
        (
            "os.system(f\"mysql -uroot -p'{'Hunter2Secret'}' app\")\n",
            "os.system(f\"mysql -uroot -p'***' app\")\n",
        ),
        ("os.system(f\"sshpass -p '{pw}' ssh h\")\n", None),
        # (09: SQL's parameters; 10: a key's prefix before a field holding a literal)
        ('q = "SELECT 1 FROM u WHERE password = ?1"\n', None),
        ('q = "ALTER USER bob PASSWORD :pw"\n', None),
        ('q = "SELECT 1 FROM t WHERE token = @token"\n', None),
        ('q = "UPDATE t SET api_key = :apiKey"\n', None),
        ('q = "WHERE token = @other"\n', 'q = "WHERE token = ***"\n'),
        ("password = f\"admin:{'Hunter2Secret'}\"\n", 'password = f"***"\n'),
        ('password = f"session:{session_id}"\n', None),
        # (05: code looking a key up between a URL's pieces, a path too; not a call's literal)
        ('u = "postgresql://admin:" + vault.read("secret/db") + "@db/app"\n', None),
        ('u = "postgresql://admin:" + get_pw("db") + "@db/app"\n', None),
        (
            'u = "postgresql://admin:" + quote("Hunter2Secret") + "@db/app"\n',
            'u = "postgresql://admin:***@db/app"\n',
        ),
        # (03: a field of code naming its value, its literals keys or empty)
        ("password = f\"{settings.get('db_password', '')}\"\n", None),
        ("c = f\"mysql -p{get_pw('db')}\"\n", None),
        ('x = ["sshpass", "-p", f"{pw or \'\'}", "ssh"]\n', None),
        ("u = f\"https://h/x?token={get_token('reporting')}\"\n", None),
        ("password = f\"{os.getenv('PW', 'Hunter2Secret')}\"\n", 'password = f"***"\n'),
    ],
)
def test_run_107a_masking(code: str, shown: str | None) -> None:
    """Run 107a: secrets shown, and code over-masked so a `--diff` no longer applies; None:
    shown as written."""
    assert _diff_shown(code) == (code if shown is None else shown)


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        # (03: a tool later in a list that starts with a variable, or after sshpass's command)
        (
            'A = ["sshpass", "-f", "/run/pw", "ssh", "db1", "redis-cli", "-a", "S3cretPw9"]\n',
            'A = ["sshpass", "-f", "/run/pw", "ssh", "db1", "redis-cli", "-a", "***"]\n',
        ),
        (
            'C = [DOCKER, "exec", "c", "redis-cli", "-a", "S3cretPw9"]\n',
            'C = [DOCKER, "exec", "c", "redis-cli", "-a", "***"]\n',
        ),
        # (01: a container named as a tool is no tool)
        ('M = ["docker", "run", "--name", "mongo", "-p", "27017:27017", "mongo:7"]\n', None),
        ('M = "docker run --name mongo -p 27017:27017 mongo:7"\n', None),
        ('M = ["docker", "run", "--name", "mysql", "-p3306:3306", "mysql:8"]\n', None),
        # (10: an f-string's field holding a literal as a pair's value or a scheme's token)
        ("DSN = f\"host=db password={'S3cretPw9'} dbname=x\"\n", 'DSN = f"host=db password=*** dbname=x"\n'),
        ("HDR = f\"Bearer {'S3cretPw9abcdef'}\"\n", 'HDR = f"Bearer ***"\n'),
        # (09: a glued password quoted whole, each tool; 06: its rest after a blank)
        ("A = \"sshpass '-pS3cretPw9' ssh h\"\n", "A = \"sshpass '-p***' ssh h\"\n"),
        ("B = \"redis-cli '-aS3cretPw9' ping\"\n", "B = \"redis-cli '-a***' ping\"\n"),
        (
            "C = \"openssl pkcs12 -passout 'pass:S3cret Pw9' -in f\"\n",
            "C = \"openssl pkcs12 -passout 'pass:***' -in f\"\n",
        ),
        ("C = \"smbclient -U 'bob%S3cret Pw9' //h/s\"\n", "C = \"smbclient -U 'bob%***' //h/s\"\n"),
        ("C = \"mysql '-pS3cret Pw9' db\"\n", "C = \"mysql '-p***' db\"\n"),
        # (07: a lookup's default in a password's place; 08: ConfigParser's option in the text reading)
        (
            'smtp.login(user, settings.get("SMTP_PW", "S3cretPw9"))\n',
            'smtp.login(user, settings.get("SMTP_PW", "***"))\n',
        ),
        ('smtp.login(user, cfg.get("smtp", "S3cretPw9"))\n', 'smtp.login(user, cfg.get("smtp", "***"))\n'),
        ('db_password = config.get("database", "pass")\n', None),
        ('SMTP_PASSWORD = config.get("smtp", "user_password")\n', None),
        ('x = config.get("jwt", "secret")\n', 'x = config.get("jwt", "***")\n'),  # (a known over-mask)
        # (02: more tools; 04: smbclient's user alone, glued or given)
        ('U = ["unzip", "-P", "S3cretPw9", "a.zip"]\n', 'U = ["unzip", "-P", "***", "a.zip"]\n'),
        (
            'S = ["sqlcmd", "-S", "h", "-U", "sa", "-P", "S3cretPw9"]\n',
            'S = ["sqlcmd", "-S", "h", "-U", "sa", "-P", "***"]\n',
        ),
        ('O = ["openssl", "enc", "-k", "S3cretPw9"]\n', 'O = ["openssl", "enc", "-k", "***"]\n'),
        (
            'B = ["curl", "--oauth2-bearer", "S3cretPw9abc", "http://x"]\n',
            'B = ["curl", "--oauth2-bearer", "***", "http://x"]\n',
        ),
        (
            'P = ["podman", "login", "-p", "S3cretPw9", "reg"]\n',
            'P = ["podman", "login", "-p", "***", "reg"]\n',
        ),
        ('U = "unzip -P S3cretPw9 a.zip"\n', 'U = "unzip -P *** a.zip"\n'),
        ('S = ["smbclient", "//h/share", "--user=bob", "-c", "ls"]\n', None),
        ('S = ["smbclient", "//h/share", "-Ubob"]\n', None),
        # (05: T-SQL's parameters; 13: code commented out)
        ('Q = "UPDATE users SET password = @NewPassword WHERE id = @UserId"\n', None),
        ("e = create(\n    # password=config.password if config.password else None,\n)\n", None),
        # (run 115a/04: an attribute in capitals, or of a class, is code too; a dotted password is not)
        ("e = create(\n    # password=settings.DB_PASSWORD,\n)\n", None),
        ("x = 1  # token = Settings.api_token\n", None),
        ("x = 1  # password: Hunter.Two\n", "x = 1  # password: ***\n"),
    ],
)
def test_run_108a_masking(code: str, shown: str | None) -> None:
    """Run 108a: secrets shown, and code over-masked so a `--diff` no longer applies; None:
    shown as written."""
    assert _diff_shown(code) == (code if shown is None else shown)


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        # (01: openssl glues no value: `-keyout`, `-key`; 12: a Windows tool)
        ('C = ["openssl", "req", "-nodes", "-keyout", "key.pem", "-out", "csr.pem"]\n', None),
        (
            'C = ["sqlcmd.exe", "-S", "h", "-P", "S3cretPw9"]\n',
            'C = ["sqlcmd.exe", "-S", "h", "-P", "***"]\n',
        ),
        (
            'C = ["C:\\\\Tools\\\\sqlcmd.exe", "-P", "S3cretPw9"]\n',
            'C = ["C:\\\\Tools\\\\sqlcmd.exe", "-P", "***"]\n',
        ),
        # (02: a Bearer token's field holding a literal, any code; not one naming the token)
        ("B = f\"Bearer {cfg.get('tok') or 'S3cretPw9abcdef'}\"\n", 'B = f"Bearer ***"\n'),
        ("B = f\"Bearer {'S3cretPw9abcdef'!s}\"\n", 'B = f"Bearer ***"\n'),
        ("B = f\"Bearer {cfg['token']}\"\n", None),
        # (04: a flag that takes no value before the tool; 06: a container's or a host's name)
        (
            'A = ["sudo", "--preserve-env", "sshpass", "-p", "S3cretPw9"]\n',
            'A = ["sudo", "--preserve-env", "sshpass", "-p", "***"]\n',
        ),
        ('A = "docker run -d --name my-mongo -p 27017:27017 mongo:7"\n', None),
        ('A = "docker run -d --hostname mongo -p 27017:27017 mongo:7"\n', None),
        ('A = ["docker", "run", "-h", "mongo", "-p", "27017:27017", "mongo:7"]\n', None),
        # (05: ConfigParser's option after a section in a variable or of capitals)
        ('server.login(user, config.get(section, "password"))\n', None),
        ('password = config.get("DEFAULT", "password")\n', None),
        # (08: a long option quoted whole; 11: in escaped quotes)
        ("A = \"curl '--user=admin:S3cretPw9' http://x\"\n", "A = \"curl '--user=admin:***' http://x\"\n"),
        ("A = \"mysql '--password=S3cret Pw9' db\"\n", "A = \"mysql '--password=***' db\"\n"),
        ('A = "sshpass \\"-pS3cret Pw9\\" ssh h"\n', 'A = "sshpass \\"-p***\\" ssh h"\n'),
        # (10: a field whose literals are a status's words)
        ("logger.info(f\"token: {'present' if token else 'missing'}\")\n", None),
    ],
)
def test_run_109a_masking(code: str, shown: str | None) -> None:
    """Run 109a: secrets shown, and code over-masked so a `--diff` no longer applies; None:
    shown as written."""
    assert _diff_shown(code) == (code if shown is None else shown)


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        # (01: curl's `--oauth2-bearer=` in a list or quoted whole)
        ('A = ["curl", "--oauth2-bearer=S3cretPw9-A-xyz", "x"]\n', 'A = ["curl", "***", "x"]\n'),
        ("B = \"curl '--oauth2-bearer=S3cretY9abc' x\"\n", "B = \"curl '--oauth2-bearer=***' x\"\n"),
        # (02: SQL's string prefixes)
        (
            "q = \"ALTER LOGIN app WITH PASSWORD = N'S3cretPw9-A', CHECK_POLICY = OFF\"\n",
            "q = \"ALTER LOGIN app WITH PASSWORD = N'***', CHECK_POLICY = OFF\"\n",
        ),
        ("q = \"ALTER USER app PASSWORD = E'S3cretPw9-B'\"\n", "q = \"ALTER USER app PASSWORD = E'***'\"\n"),
        # (03: a tool's name in any case)
        ('D = ["SQLCMD.EXE", "-P", "S3cretPw9-2"]\n', 'D = ["SQLCMD.EXE", "-P", "***"]\n'),
        # (04: smbclient's option quoted whole)
        (
            "E = \"smbclient //fs/s '-Ubackup%S3cret Pw9' -c ls\"\n",
            "E = \"smbclient //fs/s '-Ubackup%***' -c ls\"\n",
        ),
        # (05: a volume's, an image's, a link's or a variable's `mongo`)
        ('G = "docker run -d -v mongo:/data/db -p 27017:27017 mongo:7"\n', None),
        ('H = "docker run --rm -e MONGO_HOST=mongo -p 8000:8000 api"\n', None),
        ('J = ["docker", "run", "--link", "mongo", "-p", "8080:8080", "app"]\n', None),
        # (06: the environment's lookup, or a key naming a secret, is no ConfigParser)
        ('K = os.environ.get("PASSWORD", "mysecretpassword")\n', 'K = os.environ.get("PASSWORD", "***")\n'),
        ('L = settings.get("password", "supersecret")\n', 'L = settings.get("password", "***")\n'),
        # (08: a dotted password in a comment; 09: an escaped tab; 10: a field after the token's)
        ("# login: DB_PASSWORD=p4ss.w0rd\n", "# login: DB_PASSWORD=***\n"),
        (
            "O = \"curl --oauth2-bearer\\t'S3cretPw9-A-abc' x\"\n",
            "O = \"curl --oauth2-bearer\\t'***' x\"\n",
        ),
        ("N = f\"Bearer {cfg.get('t') or 'S3cretPw9-abcXYZ'}{suffix}\"\n", 'N = f"Bearer ***{suffix}"\n'),
    ],
)
def test_run_110a_masking(code: str, shown: str | None) -> None:
    """Run 110a: secrets shown, and code over-masked so a `--diff` no longer applies; None:
    shown as written."""
    assert _diff_shown(code) == (code if shown is None else shown)


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        # (01: SQL's password after its keyword, with no "="; not a string's closing quote)
        (
            "op.execute(\"CREATE ROLE app WITH LOGIN PASSWORD 'Pr0dS3cret'\")\n",
            "op.execute(\"CREATE ROLE app WITH LOGIN PASSWORD '***'\")\n",
        ),
        (
            "c.execute(\"GRANT ALL ON *.* TO 'bob'@'%' IDENTIFIED BY 'Pr0dS3cret'\")\n",
            "c.execute(\"GRANT ALL ON *.* TO 'bob'@'%' IDENTIFIED BY '***'\")\n",
        ),
        ("q = \"ALTER USER x PASSWORD '%s'\" % pw\n", None),
        ("q = f\"CREATE USER a WITH PASSWORD '{pw}'\"\n", None),
        ("words = [' password ', 'password\\n']\n", None),
        # (02: a password by its place in more calls; not another create_user's name)
        (
            'c = pika.PlainCredentials("guest", "Pr0dS3cret9")\n',
            'c = pika.PlainCredentials("guest", "***")\n',
        ),
        (
            'c = cx_Oracle.connect("scott", "Pr0dS3cret9", "h/o")\n',
            'c = cx_Oracle.connect("scott", "***", "h/o")\n',
        ),
        (
            'User.objects.create_superuser("admin", "a@example.com", "Pr0dS3cret9")\n',
            'User.objects.create_superuser("admin", "a@example.com", "***")\n',
        ),
        ('uid = await self.service.create_user(email, "Pw-123!", "Test User")\n', None),
        # (03: openssl's `-pass` with the password in escaped quotes)
        (
            'E = "openssl enc -aes-256-cbc -pass \\"pass:Pr0dS3cret9\\" -in b.tar"\n',
            'E = "openssl enc -aes-256-cbc -pass *** -in b.tar"\n',
        ),
        # (04: a password that starts with the mask is no mask)
        ('B = "mysqldump -uroot -p***Pr0dS3cret9 app"\n', 'B = "mysqldump -uroot -p*** app"\n'),
        ('H = {"Authorization": "Bearer ***Pr0dS3cret9abc"}\n', 'H = {"Authorization": "Bearer ***"}\n'),
        ('D = "host=db password=***Pr0dS3cret9 dbname=app"\n', 'D = "host=db password=*** dbname=app"\n'),
        # (06: a .netrc's and a Dockerfile's pair with a blank between; not prose)
        (
            'N = "machine api.example.com login bot password Pr0dS3cret9"\n',
            'N = "machine api.example.com login bot password ***"\n',
        ),
        (
            'F = """ENV DB_PASSWORD Pr0dS3cret9\nENV PASSWORD_FILE /run/secrets/pw\n"""\n',
            'F = """ENV DB_PASSWORD ***\nENV PASSWORD_FILE /run/secrets/pw\n"""\n',
        ),
        ("# the login form password field\n", None),
        # (07: a usage line's names of values)
        ('U = "usage: backup --db-password PASSWORD --api-key KEY --token <token>"\n', None),
        # (09: PyPI's and OpenAI's tokens; more tools' login options)
        (
            'P = ["twine", "upload", "-u", "__token__", "-p", "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAt"]\n',
            'P = ["twine", "upload", "-u", "__token__", "-p", "***"]\n',
        ),
        ('K = ("sk-proj-a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6", "org")\n', 'K = ("***", "org")\n'),
        ('V = {"", "sk-ant-placeholder", "your-api-key"}\n', None),
        (
            'L = ["az", "login", "-u", "app", "-p", "Pr0dS3cret9"]\n',
            'L = ["az", "login", "-u", "app", "-p", "***"]\n',
        ),
        (
            'os.system("oc login -u admin -p Pr0dS3cret9 https://api")\n',
            'os.system("oc login -u admin -p *** https://api")\n',
        ),
        ('os.system("oc process -p NAME=x")\n', None),
    ],
)
def test_run_111a_masking(code: str, shown: str | None) -> None:
    """Run 111a: secrets shown, and code over-masked so a `--diff` no longer applies; None:
    shown as written."""
    assert _diff_shown(code) == (code if shown is None else shown)


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        # (03: a .netrc over lines, `password` before `login`; `ENV` after a new line's escape, quoted)
        (
            'N = """machine github.com\n  login bot\n  password Pr0dS3cret1\n"""\n',
            'N = """machine github.com\n  login bot\n  password ***\n"""\n',
        ),
        (
            'O = "machine api.github.com password Pr0dS3cret5 login bot"\n',
            'O = "machine api.github.com password *** login bot"\n',
        ),
        (
            'D = "FROM python:3.12\\nENV DB_PASSWORD Pr0dS3cret2\\n"\n',
            'D = "FROM python:3.12\\nENV DB_PASSWORD ***\\n"\n',
        ),
        (
            'D = """FROM python\nENV API_TOKEN "Pr0dS3cret4"\n"""\n',
            'D = """FROM python\nENV API_TOKEN ***\n"""\n',
        ),
        ('        """Get default password policy."""\n', None),
        # (06, 01, 02: SQL's password with a backslash, a quote, a mark first, an escaped quote, after
        # a new line's escape; MySQL's plugin and SET PASSWORD; Oracle's quotes; an f-string's field)
        ("c(\"ALTER ROLE app PASSWORD 'x7&Kp\\\\q2#L'\")\n", "c(\"ALTER ROLE app PASSWORD '***'\")\n"),
        ('c("ALTER USER app PASSWORD \'Pr0d\\"S3\'")\n', "c(\"ALTER USER app PASSWORD '***'\")\n"),
        ("c(\"CREATE USER a IDENTIFIED BY '+Pr0dS3'\")\n", "c(\"CREATE USER a IDENTIFIED BY '***'\")\n"),
        ("c('ALTER USER app PASSWORD \\'Pr0dS3cret5\\'')\n", "c('ALTER USER app PASSWORD \\'***\\'')\n"),
        ("c(\"ALTER USER app\\nPASSWORD 'Pr0dS3'\")\n", "c(\"ALTER USER app\\nPASSWORD '***'\")\n"),
        (
            "c(\"CREATE USER a IDENTIFIED WITH caching_sha2_password BY 'Pr0dS3'\")\n",
            "c(\"CREATE USER a IDENTIFIED WITH caching_sha2_password BY '***'\")\n",
        ),
        ("c('ALTER USER app IDENTIFIED BY \"Pr0dS3\"')\n", "c('ALTER USER app IDENTIFIED BY \"***\"')\n"),
        (
            'c("ALTER USER app IDENTIFIED BY Pr0dS3 ACCOUNT UNLOCK")\n',
            'c("ALTER USER app IDENTIFIED BY *** ACCOUNT UNLOCK")\n',
        ),
        ("c(\"SET PASSWORD FOR 'app'@'%' = 'Pr0dS3'\")\n", "c(\"SET PASSWORD FOR 'app'@'%' = '***'\")\n"),
        ("c(f\"ALTER USER {u} PASSWORD '{'Pr0dS3cret1'}'\")\n", "c(f\"ALTER USER {u} PASSWORD '***'\")\n"),
        ("# the user identified by the token is logged\n", None),
        ('print("Enter password " + pw + " now")\n', None),
        # (07: a second password option of one command)
        (
            'os.system("openssl pkcs12 -passin pass:Pr0dA1 -out c.p12 -passout pass:Pr0dB2")\n',
            'os.system("openssl pkcs12 -passin pass:*** -out c.p12 -passout pass:***")\n',
        ),
        (
            'os.system("curl -u a:Pr0dA1 --proxy-user p:Pr0dB2 https://h")\n',
            'os.system("curl -u a:*** --proxy-user p:*** https://h")\n',
        ),
        ('x = "sshpass\\t-p\\tHunter2Secret ssh h"\n', 'x = "sshpass\\t-p\\t*** ssh h"\n'),
        # (11: words between the tool and `login`)
        (
            'os.system("az acr login -n reg -u bot -p Pr0dS3")\n',
            'os.system("az acr login -n reg -u bot -p ***")\n',
        ),
        (
            'os.system("docker --config /tmp/c login -u bot -p Pr0dS3 ghcr.io")\n',
            'os.system("docker --config /tmp/c login -u bot -p *** ghcr.io")\n',
        ),
        ('os.system("docker run -p 8080:80 nginx && echo login done -p 3")\n', None),
        # (12, 04: zip's -P after other flags; ssh-keygen's passphrase; redis's masterauth)
        ('os.system("zip -rP Pr0dS3 out.zip reports/")\n', 'os.system("zip -rP *** out.zip reports/")\n'),
        ('r(["unzip", "-oP", "Pr0dS3", "out.zip"])\n', 'r(["unzip", "-oP", "***", "out.zip"])\n'),
        ('r(["ssh-keygen", "-N", "Pr0dS3", "-f", "key"])\n', 'r(["ssh-keygen", "-N", "***", "-f", "key"])\n'),
        ("os.system(\"ssh-keygen -t ed25519 -N '' -f key\")\n", None),
        ('os.system("redis-server --masterauth Pr0dS3")\n', 'os.system("redis-server --masterauth ***")\n'),
        # (09: ConfigParser's option between a URL's pieces names the value)
        ('u = "postgresql://app:" + config.get("database", "password") + "@db/app"\n', None),
        # (05: the mask's stand-in; runs of `*` before a word that are no secret's)
        (
            'B = "mysqldump -uroot -p***_Pr0dS3 app"  # q0K9mAsK9K0q\n',
            'B = "mysqldump -uroot -p*** app"  # q0K9mAsK9K0q\n',
        ),
        ('x = "****-****-****-****"\n', None),
        ('card = {"card": "****1234"}\n', None),
        ("    - ****config_kwargs**: Any config modifications.\n", None),
    ],
)
def test_run_112a_masking(code: str, shown: str | None) -> None:
    """Run 112a: secrets shown, and code over-masked so a `--diff` no longer applies; None:
    shown as written."""
    assert _diff_shown(code) == (code if shown is None else shown)


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        # (01: SQL's doubled and escaped quotes; a tab's escape before the value; 11: MySQL's PASSWORD('…'))
        (
            "c(\"ALTER USER app WITH PASSWORD 'Pr0d''S3cretTail1'\")\n",
            "c(\"ALTER USER app WITH PASSWORD '***'\")\n",
        ),
        (
            'c("ALTER USER app IDENTIFIED BY \\"Pr0d\\"\\"Tail3\\"")\n',
            'c("ALTER USER app IDENTIFIED BY \\"***\\"")\n',
        ),
        (  # (a tab's escape in Oracle's double-quoted shape too)
            'c("ALTER USER app IDENTIFIED\\tBY \\"Pr0dTail6\\"")\n',
            'c("ALTER USER app IDENTIFIED\\tBY \\"***\\"")\n',
        ),
        (
            "c(\"ALTER USER app WITH PASSWORD E'Pr0d\\\\'Tail4'\")\n",
            "c(\"ALTER USER app WITH PASSWORD E'***'\")\n",
        ),
        (
            "c(\"ALTER USER app WITH\\tPASSWORD\\t'Pr0dTail5'\")\n",
            "c(\"ALTER USER app WITH\\tPASSWORD\\t'***'\")\n",
        ),
        ("c(\"SET PASSWORD = PASSWORD('MyRootPw0002')\")\n", "c(\"SET PASSWORD = PASSWORD('***')\")\n"),
        (
            "c(\"UPDATE mysql.user SET authentication_string=PASSWORD('MyRootPw3') WHERE User='root'\")\n",
            "c(\"UPDATE mysql.user SET authentication_string=PASSWORD('***') WHERE User='root'\")\n",
        ),
        # (02: a text holding the stand-in; 03: a value at the text's very end)
        (
            'X = "qK9mAsK9Kq qK9mAsK9KqQ"\nB = "mysql -uroot -p***Pr0dS3cretA db"\n',
            'X = "qK9mAsK9Kq qK9mAsK9KqQ"\nB = "mysql -uroot -p*** db"\n',
        ),
        ("# default login: password=ChangeMe123", "# default login: password=***"),
        # (05: ConfigParser's option in a URL's field; 06: a .netrc of several machines, tabs)
        ("U = f\"postgresql://app:{config.get('database', 'password')}@db/app\"\n", None),
        (
            'N = "machine a\\n  login u\\n  password FirstPw3\\nmachine b\\n\\tlogin u\\n\\tpassword SecondPw4\\n"\n',
            'N = "machine a\\n  login u\\n  password ***\\nmachine b\\n\\tlogin u\\n\\tpassword ***\\n"\n',
        ),
        (
            'N = "machine h login bot account acct password Pr0dS3"\n',
            'N = "machine h login bot account acct password ***"\n',
        ),
        # (07: the `_PW` suffix; 08: a fifth password option)
        ('DB_PW = "PwName0001"\n', 'DB_PW = "***"\n'),
        (
            'os.system("curl -u a:A1x -U b:B2x --proxy-user c:C3x --user d:D4x --user e:E5x https://x")\n',
            'os.system("curl -u a:*** -U b:*** --proxy-user c:*** --user d:*** --user e:*** https://x")\n',
        ),
        # (12, 13: an image named `login`; `-p` alone before another option)
        ('U = ["docker", "run", "-d", "login", "-p", "8080"]\n', None),
        ('T = "docker compose run --rm login pytest -p no:cacheprovider tests/"\n', None),
        ('S = "mongosh --port 27017 -u admin -p --authenticationDatabase admin"\n', None),
    ],
)
def test_run_113a_masking(code: str, shown: str | None) -> None:
    """Run 113a: secrets shown, and code over-masked so a `--diff` no longer applies; None:
    shown as written."""
    assert _diff_shown(code) == (code if shown is None else shown)
