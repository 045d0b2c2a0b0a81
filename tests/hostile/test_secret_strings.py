"""Secret strings read by their place among a statement's tokens (``--diff`` of Python files):
the shapes the text patterns could not follow, and the look-alikes that stay as written."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import pytest

from archcheck.facts.secret_strings import masked_code
from archcheck.facts.urls import mask_credentials
from archcheck.output import fixes
from tests.hostile._project import project, run


@pytest.mark.parametrize(
    ("code", "masked"),
    [
        ('password = "S3c" \\\n    "ret"\n', 'password = "***" \\\n    "***"\n'),
        ('user.set_password("S3cret")', 'user.set_password("***")'),
        ('monkeypatch.setenv("DB_PASSWORD", "S3cret")', 'monkeypatch.setenv("DB_PASSWORD", "***")'),
        ('password = None if x else "S3cret"', 'password = None if x else "***"'),
        ('token = b64encode(b"user:S3cret")', 'token = b64encode(b"***")'),
        ('password = cast(str, "S3cret")', 'password = cast(str, "***")'),
        (
            'env.set("POSTGRES_PASSWORD", "secure-password", "test")',
            'env.set("POSTGRES_PASSWORD", "***", "test")',
        ),
        (
            'x = {"access_token": "S3cret", "user": {"id": 1}}',
            'x = {"access_token": "***", "user": {"id": 1}}',
        ),
        ('setattr(settings, "password", "S3cret")', 'setattr(settings, "password", "***")'),
        ('password = "%s" % "S3cret"', 'password = "%s" % "***"'),
        (
            'password = getattr(settings, "PASSWORD", "S3cret")',
            'password = getattr(settings, "PASSWORD", "***")',
        ),
        ('def f(password: str = "S3cret"):\n    pass\n', 'def f(password: str = "***"):\n    pass\n'),
        ('Settings(jwt_secret="Hunter")', 'Settings(jwt_secret="***")'),
        ('settings["db"]["password"] = "S3cret"', 'settings["db"]["password"] = "***"'),
        ('x = (password := "S3cret")', 'x = (password := "***")'),
        ('password = f"S3cret{x}"', 'password = f"***"'),
        ('PASSWORD = """S3cret\nline2"""\n', 'PASSWORD = """***\n***"""\n'),
        (
            'cmd = ["psql", "--password", "S3cret", "--user", "bob"]',
            'cmd = ["psql", "--password", "***", "--user", "bob"]',
        ),
        # run 86a/86b: a chain of targets, a numbered or plural name, a user and password pair
        ('DB_PASSWORD = DB_USER = "S3cret"', 'DB_PASSWORD = DB_USER = "***"'),
        ('REPLICA_PASSWORD_2 = "S3cret"', 'REPLICA_PASSWORD_2 = "***"'),
        ('DB_PASSWORD2 = "S3cret"', 'DB_PASSWORD2 = "***"'),
        ('PASSWORD_V2 = "S3cret"', 'PASSWORD_V2 = "***"'),
        ('ADMIN_PASSWORDS = {"admin": "S3cret"}', 'ADMIN_PASSWORDS = {"admin": "***"}'),
        ('weak_passwords = ["123456", "Pass123", "password123!"]', 'weak_passwords = ["***", "***", "***"]'),
        # run 92a/08: a bare pair as a dict's value or a set's element
        ('x = {"creds": ("password", "S3cret-9x")}', 'x = {"creds": ("password", "***")}'),
        ('x = {"api_keys": {"aws": "secret_key_123"}}', 'x = {"api_keys": {"aws": "***"}}'),
        (
            'env.set(key, f"{env}-oauth-client-secret", "S3cret")',
            'env.set(key, f"{env}-oauth-client-secret", "***")',
        ),
        ('x = {("password", "S3cret-9x")}', 'x = {("password", "***")}'),
        ('PASSWORDS = ["S3cret"]', 'PASSWORDS = ["***"]'),
        # run 92a/07: Basic's user an e-mail address or a field, through bytes(), encodebytes
        ('h = base64.b64encode(b"me@example.com:S3cret-ATATT")', 'h = base64.b64encode(b"***")'),
        ('h = b64encode(b"first.last:S3cret")', 'h = b64encode(b"***")'),
        ('h = b64encode(f"{user}:S3cret".encode())', 'h = b64encode(f"***".encode())'),
        ('h = b64encode(bytes("admin:S3cret", "utf-8"))', 'h = b64encode(bytes("***", "utf-8"))'),
        ('h = base64.encodebytes(b"admin:S3cret")', 'h = base64.encodebytes(b"***")'),
        # run 92a/03: numbered or suffixed names wherever a name stands
        ('monkeypatch.setenv("DB_PASSWORD_2", "S3cret")', 'monkeypatch.setenv("DB_PASSWORD_2", "***")'),
        ('monkeypatch.setenv("API_KEY_12345", "S3cret")', 'monkeypatch.setenv("API_KEY_12345", "***")'),
        ('setattr(s, "api_key_12345", "S3cret")', 'setattr(s, "api_key_12345", "***")'),
        ('x = dict([("API_KEY_12345", "S3cret")])', 'x = dict([("API_KEY_12345", "***")])'),
        ('DB_PASSWORD_2_PROD = cast(str, "S3cret")', 'DB_PASSWORD_2_PROD = cast(str, "***")'),
        ('API_KEY_12345 = None if x else "S3cret"', 'API_KEY_12345 = None if x else "***"'),
        (
            'p.add_argument("--api-key-12345", default="S3cret")',
            'p.add_argument("--api-key-12345", default="***")',
        ),
        ('cmd = ["psql", "--db-password-prod", "S3cret"]', 'cmd = ["psql", "--db-password-prod", "***"]'),
        ('cmd = ["psql", "--password-2", "S3cret"]', 'cmd = ["psql", "--password-2", "***"]'),
        (
            '[DB_USER, DB_PASSWORD_2_PROD] = ["app", "S3cret"]',
            '[DB_USER, DB_PASSWORD_2_PROD] = ["app", "***"]',
        ),
        ('DB_PASSWORD_2_PROD = DB_USER = "S3cret"', 'DB_PASSWORD_2_PROD = DB_USER = "***"'),
        ('s.set_api_key_12345("S3cret")', 's.set_api_key_12345("***")'),
        # run 93a/01: a number or a version glued on a name of several words
        ('monkeypatch.setenv("DB_PASSWORD2", "S3cret")', 'monkeypatch.setenv("DB_PASSWORD2", "***")'),
        ('monkeypatch.setenv("PASSWORD_V2", "S3cret")', 'monkeypatch.setenv("PASSWORD_V2", "***")'),
        ('setattr(s, "password_v2", "S3cret")', 'setattr(s, "password_v2", "***")'),
        ('creds = ("db_password2", "S3cret")', 'creds = ("db_password2", "***")'),
        (
            'monkeypatch.setenv("API_KEY_12345_PROD_V2", "S3cret")',
            'monkeypatch.setenv("API_KEY_12345_PROD_V2", "***")',
        ),
        # run 91a/03: a plural name with a suffix
        ('ADMIN_PASSWORDS_PROD = {"admin": "S3cret"}', 'ADMIN_PASSWORDS_PROD = {"admin": "***"}'),
        ('ADMIN_PASSWORDS_V2 = {"admin": "S3cret"}', 'ADMIN_PASSWORDS_V2 = {"admin": "***"}'),
        ('API_KEYS_2 = ["S3cret"]', 'API_KEYS_2 = ["***"]'),
        ('httpx.Client(auth=("admin", "S3cret"))', 'httpx.Client(auth=("admin", "***"))'),
        ('a = HTTPBasicAuth("admin", "S3cret")', 'a = HTTPBasicAuth("admin", "***")'),
        ('os.putenv("DB_PASSWORD", "S3cret")', 'os.putenv("DB_PASSWORD", "***")'),
        (
            'PASSWORD = os.getenv("DB_PASSWORD") or os.getenv("PGPASSWORD") or "S3cret"',
            'PASSWORD = os.getenv("DB_PASSWORD") or os.getenv("PGPASSWORD") or "***"',
        ),
        (
            'token = os.environ["TOKEN"] if PROD else "S3cret"',
            'token = os.environ["TOKEN"] if PROD else "***"',
        ),
        ('password = "S3cret" + "Leak"', 'password = "***" + "***"'),
        ("password = " + '"q" ' * 17 + '"S3cret"', "password = " + '"***" ' * 17 + '"***"'),
        # run 87a: a value named like a secret where a value goes, one-line bodies, bracketed targets
        ('user.set_password("mysecretpassword")', 'user.set_password("***")'),
        ('DB_PASSWORD = DB_USER = "mysecretpassword"', 'DB_PASSWORD = DB_USER = "***"'),
        ('PASSWORD_2 = "supersecret"', 'PASSWORD_2 = "***"'),
        ('API_TOKEN = None if ci else "admin_token"', 'API_TOKEN = None if ci else "***"'),
        ('if prod: password = cast(str, "S3cret")', 'if prod: password = cast(str, "***")'),
        ('class C: db_password = None if x else "S3cret"', 'class C: db_password = None if x else "***"'),
        ('for i in x: PASSWORDS = ["S3cret"]', 'for i in x: PASSWORDS = ["***"]'),
        ('Example: settings.password = cast(str, "S3cret")', 'Example: settings.password = cast(str, "***")'),
        ('DB_USER, DB_PASSWORD = ("app", "S3cret")', 'DB_USER, DB_PASSWORD = ("app", "***")'),
        ('[DB_USER, DB_PASSWORD] = ["app", "S3cret"]', '[DB_USER, DB_PASSWORD] = ["app", "***"]'),
        ('(DB_USER, DB_PASSWORD) = "app", "S3cret"', '(DB_USER, DB_PASSWORD) = "app", "***"'),
        # run 88a: one bracketed target; a password in braces is no replacement field
        ('[DB_PASSWORD] = ["S3cret"]', '[DB_PASSWORD] = ["***"]'),
        ('os.environ.setdefault("DB_PASSWORD", "{Tr0ub&3}")', 'os.environ.setdefault("DB_PASSWORD", "***")'),
        # run 88a (documented then): targets nested in brackets, whose values are all masked
        ('[[DB_USER, DB_PASSWORD]] = [["app", "S3cret"]]', '[[DB_USER, DB_PASSWORD]] = [["***", "***"]]'),
        # run 89a: a URL continued over a backslash-newline inside its string
        ('DATABASE_URL = "postgresql://app:\\\nS3cret@db/x"', 'DATABASE_URL = "***\n***"'),
        # run 89a: a pair's value in a tuple; a name in characters Python reads as a secret's
        (
            'creds = dict([("user", "app"), ("password", "S3cret")])',
            'creds = dict([("user", "app"), ("password", "***")])',
        ),
        ('os.environ.update([("DB_PASSWORD", "S3cret")])', 'os.environ.update([("DB_PASSWORD", "***")])'),
        (
            '\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44 = "S3cret"',
            '\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44 = "***"',
        ),
        # run 89a: a call that gives its argument back takes the value first, not a key
        ('api_key = b64encode(b"sk_live_51HxS3cr3tKey")', 'api_key = b64encode(b"***")'),
        ('DB_PASSWORD = base64.b64decode("aHVudGVyMg")', 'DB_PASSWORD = base64.b64decode("***")'),
        ('a, (b, DB_PASSWORD) = 1, (2, "S3cret")', 'a, (b, DB_PASSWORD) = 1, (2, "***")'),
        ('(a, (b, DB_PASSWORD)) = (1, (2, "S3cret"))', '(a, (b, DB_PASSWORD)) = (1, (2, "***"))'),
        # run 90a/05: bracketed targets before a secret's name are one target
        (
            '(host, port), DB_PASSWORD = ("db", 5432), "S3cret"',
            '(host, port), DB_PASSWORD = ("db", 5432), "***"',
        ),
        ('a, (b, c), API_TOKEN = 1, (2, 3), "S3cret"', 'a, (b, c), API_TOKEN = 1, (2, 3), "***"'),
        # run 90a/07: a pair's value before a trailing comma (black's exploded tuple)
        ('os.environ.update([("DB_PASSWORD", "S3cret",)])', 'os.environ.update([("DB_PASSWORD", "***",)])'),
        (
            'os.environ.update([(\n    "API_TOKEN",\n    "S3cret",\n)])',
            'os.environ.update([(\n    "API_TOKEN",\n    "***",\n)])',
        ),
        # run 90a/14: numbered secrets' names
        ('JWT_SECRET_20240615 = "S3cret"', 'JWT_SECRET_20240615 = "***"'),
        ('API_KEY_12345 = "S3cret"', 'API_KEY_12345 = "***"'),
        ('DB_PASSWORD_2_PROD = "S3cret"', 'DB_PASSWORD_2_PROD = "***"'),
        ("x = 1  # REPLICA_PASSWORD_2=S3cret", "x = 1  # REPLICA_PASSWORD_2=***"),
        ('x = "DB_PASSWORD2=S3cret host=db"', 'x = "DB_PASSWORD2=*** host=db"'),
        # run 90a/08: a value in escaped quotes in a comment (JSON in a curl command)
        (
            'x = 1  # curl -d "{\\"user\\": \\"a\\", \\"password\\": \\"S3cret\\"}" http://api',
            'x = 1  # curl -d "{\\"user\\": \\"a\\", \\"password\\": \\"***\\"}" http://api',
        ),
        # run 91a/04: a pair alone, not in a list or a call
        ('creds = ("password", "S3cret")', 'creds = ("password", "***")'),
        ('def f():\n    return ("password", "S3cret")\n', 'def f():\n    return ("password", "***")\n'),
        # run 90a/06: the default of a secret's command-line option
        (
            'p.add_argument("--db-password", default="S3cret")',
            'p.add_argument("--db-password", default="***")',
        ),
        (
            'p.add_argument("--api-token", type=str, default="S3cret")',
            'p.add_argument("--api-token", type=str, default="***")',
        ),
        # run 90a/11: what Basic authentication encodes, whatever the header is called
        (
            'h = {"Authorization": "Basic " + b64encode(b"admin:S3cret").decode()}',
            'h = {"Authorization": "Basic " + b64encode(b"***").decode()}',
        ),
        (
            "h = f\"Basic {b64encode(b'admin:S3cret').decode()}\"",
            "h = f\"Basic {b64encode(b'admin:***').decode()}\"",
        ),
        # what a function named as a secret returns
        ('def get_password(): return "S3cret"', 'def get_password(): return "***"'),
        (
            'class A:\n    @property\n    def api_key(self):\n        if x:\n            return "S3cret"\n',
            'class A:\n    @property\n    def api_key(self):\n        if x:\n            return "***"\n',
        ),
        # run 93: a plural secret's tuple, and its name as an environment variable's or an option's
        ('API_KEYS = ("S3cretA", "S3cretB")', 'API_KEYS = ("***", "***")'),
        ('ADMIN_PASSWORDS_PROD = ("S3cret",)', 'ADMIN_PASSWORDS_PROD = ("***",)'),
        (
            'monkeypatch.setenv("DB_PASSWORDS_PROD", "S3cret")',
            'monkeypatch.setenv("DB_PASSWORDS_PROD", "***")',
        ),
        ('os.environ["API_KEYS_PROD"] = "S3cret"', 'os.environ["API_KEYS_PROD"] = "***"'),
        ('cmd = ["psql", "--api-keys-prod", "S3cret"]', 'cmd = ["psql", "--api-keys-prod", "***"]'),
        ('API_KEYS_PROD = "k1S3cret,k2S3cret"', 'API_KEYS_PROD = "***"'),
        (
            'u = "http://h/x?api_keys=S3cretA&passwords=S3cretB"',
            'u = "http://h/x?api_keys=***&passwords=***"',
        ),
        # run 93: a value by keyword after its name by keyword; a scheme's token as its own string
        (
            'monkeypatch.setenv(name="API_KEY", value="S3cret")',
            'monkeypatch.setenv(name="API_KEY", value="***")',
        ),
        ('h = {"Authorization": "Bearer " + "zq8Xk2Lm9Pw4"}', 'h = {"Authorization": "Bearer " + "***"}'),
        # run 93: a `\` continuation in a `+` chain around a password of its own
        (
            'u = "postgresql://" + user + ":" + \\\n    "S3cret" + "@" + host',
            'u = "postgresql://" + user + ":" + \\\n    "***" + "@" + host',
        ),
        (
            'u = "postgresql://" + user + ":" + "S3cret" + \\\n    "@" + host',
            'u = "postgresql://" + user + ":" + "***" + \\\n    "@" + host',
        ),
        # run 92a/08: a pair's value as a conditional's first branch
        ('x = ("password", "S3cretA" if prod else "S3cretB")', 'x = ("password", "***" if prod else "***")'),
        # run 94a: a ConfigParser fallback; plural secrets' nested values; an option's value in a
        # pair; a value by keyword with keywords between; defaults made by a factory
        (
            'v = parser.get("db", "password", fallback="S3cret")',
            'v = parser.get("db", "password", fallback="***")',
        ),
        ('DB_PASSWORDS = {"prod": ["S3cret"]}', 'DB_PASSWORDS = {"prod": ["***"]}'),
        ('API_KEYS = {"prod": ("S3cret",)}', 'API_KEYS = {"prod": ("***",)}'),
        ('args = ("--password", "S3cret")', 'args = ("--password", "***")'),
        (
            's = Param(name="DB_PASSWORD", type="str", value="S3cret")',
            's = Param(name="DB_PASSWORD", type="str", value="***")',
        ),
        (
            'password: str = Field(default_factory=lambda: "S3cret")',
            'password: str = Field(default_factory=lambda: "***")',
        ),
        ('api_keys: list = Field(default=["S3cret"])', 'api_keys: list = Field(default=["***"])'),
        (
            'api_keys: list = field(default_factory=lambda: ["S3cret"])',
            'api_keys: list = field(default_factory=lambda: ["***"])',
        ),
        ('h = "Bearer " "S3cretTok43abc"', 'h = "Bearer " "***"'),
        # a well-known token's prefix, words too long for words: no prose
        ('h = "Bearer sk_live_abcdef"', 'h = "Bearer ***"'),
        ('h = "Token ghp_abcdefghijklmnop"', 'h = "Token ***"'),
        # run 95a: a value in parentheses or a wrapper where a secret's value goes
        ('monkeypatch.setenv("DB_PASSWORD", ("S3cret"))', 'monkeypatch.setenv("DB_PASSWORD", ("***"))'),
        (
            'v = cfg.get("db", "password", fallback=("S3cret"))',
            'v = cfg.get("db", "password", fallback=("***"))',
        ),
        (
            's = Param(name="DB_PASSWORD", value=SecretStr("S3cret"))',
            's = Param(name="DB_PASSWORD", value=SecretStr("***"))',
        ),
        # run 95a: a secret parameter's value as the next string; a comment between a scheme and its token
        (
            'u = ("https://h/notify?token="\n     "S3cretTok42")',
            'u = ("https://h/notify?token="\n     "***")',
        ),
        ('u = "https://h/?api_key=" + "S3cretKey42"', 'u = "https://h/?api_key=" + "***"'),
        (
            'h = {"Authorization": "Bearer " +\n     # from vault\n     "S3cretTok43abc"}',
            'h = {"Authorization": "Bearer " +\n     # from vault\n     "***"}',
        ),
        # run 95a: a pair double-quoted in a triple-quoted string; black's pieces of a URL
        ('x = """{"password": "S3cret"}"""', 'x = """{"password": "***"}"""'),
        (
            'x = """Client(api_key="S3cretA", password="S3cretB")"""',
            'x = """Client(api_key="***", password="***")"""',
        ),
        (
            'DSN = ("postgresql://"\n    + DB_USER\n    + ":"\n    + "S3cret"\n    + "@"\n    + DB_HOST)',
            'DSN = ("postgresql://"\n    + DB_USER\n    + ":"\n    + "***"\n    + "@"\n    + DB_HOST)',
        ),
        # run 94a: a plural's subscript; a variable's name and value as a dict's pairs
        ('cfg["api_keys"] = ["S3cret"]', 'cfg["api_keys"] = ["***"]'),
        (
            'env = [{"name": "DB_PASSWORD", "value": "S3cret"}]',
            'env = [{"name": "DB_PASSWORD", "value": "***"}]',
        ),
        (
            'p = {"Name": "API_TOKEN", "Type": "String", "Value": "S3cret"}',
            'p = {"Name": "API_TOKEN", "Type": "String", "Value": "***"}',
        ),
        # the name in second place of getattr names a default after it
        ('x = getattr(settings, "DB_PASSWORD", "S3cret")', 'x = getattr(settings, "DB_PASSWORD", "***")'),
        ('password = os.environ.get(KEY, "S3cret")', 'password = os.environ.get(KEY, "***")'),
    ],
)
def test_a_secret_string_is_read_by_its_place_in_the_code(code: str, masked: str) -> None:
    assert mask_credentials(masked_code(code)) == masked


@pytest.mark.parametrize(
    "code",
    [
        'password = hash(pw, algorithm="sha256")',
        'x = {"password": pw, "user": "bob"}',
        'parser.add_argument("--password", "-p")',
        'token = request.headers.get("Authorization", "")',
        'for password in ("a", "b"):\n    pass\n',
        'password = self.env_getter("POSTGRES_PASSWORD")',
        'os.environ["PATH"] = "/usr/bin"',
        'user, token = "admin", get_token()',
        'obj.setdefault("a", "b")',
        'password_hash = make(kind="bcrypt")',
        # what a call makes a secret from, a list of names, an assertion's message, a dict's keys
        'token = create_access_token("user", "a@example.com")',
        'token = auth_header.replace("Bearer ", "")',
        'encoded_token += "=" * padding',
        'names = ["JWT_SECRET_KEY", "JWT_SECRET_STAGING", "PORT"]',
        'assert "x_secret" not in data, "leaked"',
        'credentials = {"type": "service_account", "project_id": pid}',
        'output_cost_per_token = Decimal("0.00002")',
        'if token == "WITH":\n    pass\n',  # (a parser's token)
        'PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]',
        'AUTH_PASSWORD_VALIDATORS = [{"NAME": "x.UserAttributeSimilarityValidator"}]',
        'auth = ("admin", pw)',
        'DB_USER, DB_PASSWORD = "app", pw',
        'x, (y, z) = "a", ("b", "c")',  # nested targets that name no secret
        '(host, port), db = ("db", 5432), "kept"',
        'p.add_argument("--port", default="8000")',
        'msg = ("password", "Password is required")',
        'x = b64encode(b"hello world")',
        'x = b64encode(b"https://example.com/a")',  # run 91a/09: a URL, a URN are no credentials
        'x = b64encode(b"urn:uuid:1234")',
        'x = b64encode(b"mailto:support@example.com")',  # (run 92a/10: a URI, a header line, a port)
        'x = b64encode(b"Content-Type:text/plain")',
        'x = b64encode(b"example.com:8080")',
        'x = b64encode(f"{user}:{password}".encode())',
        'weak = ["password", "password123", "admin123"]',  # values named like secrets, in a list
        'ok = verify_password("securepassword123", candidate)',  # (run 92a/03: digits glued on: a value)
        'check("service-token-12345", "kept")',  # a token's name as an argument
        'pairs = [("DB_PASSWORD", "DB_USER")]',  # a pair of names, of a name and a message
        'required = [("jwt_secret", "JWT secret is required"), ("SERVICE_SECRET", "service_secret")]',
        'print(a, (b, "kept"))',
        'def get_token():\n    def inner():\n        return "kept"\n    return make()\n',
        'def password_hint():\n    return "your pet"\n',
        'def get_tokens_unprocessed(self, text):\n    yield 0, Text, "x"\n',
        'def tokens():\n    yield "a"\n',
        'KEYWORD_TOKENS_V2 = ["if", "else"]',  # (a lexer's, with a suffix too)
        'PASSWORDS_PROD_HINTS = ["your pet"]',  # (the suffix is not the name's end)
        # (real code, netra: a validator's messages, a key made of fields only, a list of names)
        'def validate_password(password):\n    return False, "Password too short"\n',
        'def _generate_session_key(user_id, thread_id):\n    return f"{user_id}:{thread_id}"\n',
        'staging_secrets = ["JWT_SECRET_STAGING", "JWT_SECRET_KEY"]',
        "critical_secrets = ['gemini-api-key', 'jwt-secret-key']",
        'def _get_token(self):\n    return ";"\n',
        'password = os.getenv("db_password")',
        'password = password.encode("utf-8")',
        'f = lambda x: "kept"',
        'x = ("app", "kept")',
        'password = "{pw}"',
        'password = f"{settings.db.password!r}"',
        'token = (String.Double if terminator == r""" else String.Other)',
        'user_pass = parts[0].split("://")[1] if "://" in parts[0] else parts[0]',
        'expected_secret = get_env().get(f"SERVICE_SECRET_{name}")',
        'def leave_Pass(self, original_node: "Pass", updated_node: "Pass"):\n    pass\n',
        'tokens = {"pre-token": [(r"\\{", Text, ("#pop", "token"))]}',
        "this is not python (",  # the tokenizer cannot read it: as it is
        # run 93: an attribute's name, a ConfigParser option's; a scheme word ending a line
        "self.github_token = getattr(config, 'github_token', None)",
        "creds = {'password': config.get(server, 'password')}",
        "from tokens import Token\n\n_EOF_STR: str = 'end of file (EOF)'\n",
        "closing: Token\n\n\n_NodeType = TypeVar('_NodeType')\n",
        "# 2. Validate Refresh Token\nrefresh_payload = validate(refresh_token)\n",
        "op.create_foreign_key(None, 'secrets', 'users', ['user_id'], ['id'])",
        "tables = {'api_keys': 'CREATE TABLE api_keys (id UUID)'}",
        'cmd = ["tool", "--max-tokens", "100"]',
        'x = "Bearer " + "validation"',
        # run 92a/10: a pair's label, its name in another case; a mailto: URI joined by `+`
        'methods = [("password", "Password"), ("sso", "Single sign-on")]',
        'link = prefix + "mailto:support@example.com"',
        # run 94a: a placeholder's string, then a method of it; a constant's name after a scheme
        'u = "https://h/x?password={}".format(p)',
        'x = "Token " + "TOKEN_EXPIRED"',
        'x = option("--token", "api_token")',
        'TOKEN = "-".join([a, b])',
        'DB_PASSWORD = "{}{}".format(a, b)',
        'u = "https://x/?page=" + "2"',
        # run 95a: separators, escapes and placeholders only; snake-case words after a scheme
        'token = "\\n".join(lines)',
        'db_password = f"{prefix}{suffix}"',
        'api_token = "%s-%s" % (a, b)',
        'x = "Token " + "invalid_or_expired"',
        'f("mode", ("fast"))',
        'env = [{"name": "DB_HOST", "value": "db.internal"}]',
        'x = cfg["api_keys"]',
        "report['secrets'][name] = {'status': 'error'}",
    ],
)
def test_what_is_not_a_secret_value_stays_as_written(code: str) -> None:
    assert mask_credentials(masked_code(code)) == code


def test_the_lines_stay_as_they_are() -> None:
    code = 'PASSWORD = """a\r\nb\r\n\r\nc"""\r\nx = 1\r\n'
    assert masked_code(code) == 'PASSWORD = """***\r\n***\r\n\r\n***"""\r\nx = 1\r\n'
    lone_cr = '# old mac\rPASSWORD = cast(str, "S3cret")\rx = """a\rb"""\r'
    assert masked_code(lone_cr) == '# old mac\rPASSWORD = cast(str, "***")\rx = """a\rb"""\r'  # (run 87a)
    bom = '\ufeffpassword = cast(str, "S3cret")\n'
    assert masked_code(bom) == '\ufeffpassword = cast(str, "***")\n'


def test_a_diff_shows_no_secret_the_tokens_place(tmp_path: Path) -> None:
    code = (
        "import asyncio\n\nasync def main():\n"
        '    user.set_password("S3cretA")\n'
        '    monkeypatch.setenv("DB_PASSWORD", "S3cretB")\n'
        "    asyncio.run(connect())\n"
        '    password = None if x else "S3cretC"\n'
    )
    root = project(tmp_path, {"main.py": code})
    result = run(root, "--no-cache", "--diff")
    assert b"asyncio.run" in result.stdout
    assert b"S3cret" not in result.stdout + result.stderr
    assert result.stdout.count(b'"***"') == 3  # (three context lines)


def test_the_token_reading_takes_linear_time() -> None:
    nested = "password = " + "(" * 150 + '"S3cret"' + ")" * 150 + "\n"  # (as deep as Python reads)
    deep = "password = " + "(" * 50_000 + '"S3cret"' + ")" * 50_000 + "\n"
    wide = "password = f(" + ", ".join(f'"s{i}"' for i in range(50_000)) + ")\n"
    lines = fixes._git_lines(nested + deep + wide * 2)
    started = time.monotonic()
    shown = fixes._masked(lines, python=True)
    assert time.monotonic() - started < 10 and len(shown) == len(lines)
    assert "S3cret" not in shown[0]


def test_code_the_tokenizer_stops_on_is_masked_up_to_there() -> None:
    code = (
        'password = cast(str, "S3cretA")\nif x:\n        a = 1\n    b = 2\npassword = cast(str, "S3cretB")\n'
    )
    assert masked_code(code) == code.replace("S3cretA", "***")  # (an indentation the tokenizer rejects)


@pytest.mark.parametrize(
    "line, shown",
    [
        # run 115a/03: zip's compression level is a flag before `P` too
        ('os.system("zip -9rP Pr0dZip /b.zip d")\n', 'os.system("zip -9rP *** /b.zip d")\n'),
        ('cmd = ["zip", "-r9P", "Pr0dZip", "/b.zip"]\n', 'cmd = ["zip", "-r9P", "***", "/b.zip"]\n'),
        # a command given word by word as a call's arguments
        ('p = run("zip", "-9rP", "Pr0dZip", "/b.zip")\n', 'p = run("zip", "-9rP", "***", "/b.zip")\n'),
        (
            'p = await asyncio.create_subprocess_exec("sshpass", "-p", "Pr0dSsh", "ssh", "h")\n',
            'p = await asyncio.create_subprocess_exec("sshpass", "-p", "***", "ssh", "h")\n',
        ),
        # run 116a/02, 04: a short option first; a builder's or a client's setter
        (
            'parser.add_argument("-p", "--password", default="Pr0dDbPw")\n',
            'parser.add_argument("-p", "--password", default="***")\n',
        ),
        (
            'app = ApplicationBuilder().token("7312345678:AAHk2").build()\n',
            'app = ApplicationBuilder().token("***").build()\n',
        ),
        ('c = Client().with_password("Pr0dPw")\n', 'c = Client().with_password("***")\n'),
        ('b = builder.token("7312345678:AAHk2")\n', 'b = builder.token("***")\n'),
        # run 117a/01: a module's or another object's method so named takes a prompt, a key
        ('p = questionary.password("Enter the admin password:").ask()\n', None),
        ('t = lexer.token("NUMBER")\n', None),
        ('k = creds.token("github").refresh()\n', None),
        ('k = pw.api_key("name")\n', None),
        # run 117a/03: a command list commented out, alone on its line
        (
            '    run()  # ["sshpass", "-p", "Pr0dSshPass1", "ssh", host]\n',
            '    run()  # ["sshpass", "-p", "***", "ssh", host]\n',
        ),
        (
            '#     ["redis-cli", "-h", host, "-a", "Pr0dRedis1", "ping"],\n',
            '#     ["redis-cli", "-h", host, "-a", "***", "ping"],\n',
        ),
        ("x = 1  # see [docs] and [links] for more\n", None),
        ('parser.add_argument("-p", "--port", default="5432")\n', None),
        ('v = cfg.secret("db")\n', None),
        ('w = parser.token("(")\n', None),
        # not an option's destination, nor a container's port
        ('o = parser.add_option("--token", "api_token")\n', None),
        ('r = click.option("-p", "password")\n', None),
        ('z = run("docker", "run", "--name", "mongo", "-p", "27017:27017")\n', None),
    ],
)
def test_a_command_in_a_calls_arguments_and_zips_numbered_flags(line: str, shown: Optional[str]) -> None:
    from archcheck.output.fixes import _masked

    assert _masked([line], python=True) == [shown or line]
