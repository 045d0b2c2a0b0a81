"""Credentials in path parameters and in ``auth=``/``key=`` are masked, and masking the last
query parameter keeps the quote or punctuation that closes the URL in a message."""

from __future__ import annotations

import pytest

from archcheck.facts.urls import mask_credentials
from tests.helpers import within_cpu


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # prose (a docstring, a setting's value): a secret pair's value, quoted or not
        ("host=db password=S3cret user=app", "host=db password=*** user=app"),
        ("dbname=x password='two words' sslmode=require", "dbname=x password='***' sslmode=require"),
        ("SECRET_KEY=django-insecure-x; token=t", "SECRET_KEY=***; token=***"),
        ("pg_restore --db-password=S3cretCli -h db", "pg_restore --db-password=*** -h db"),
        ('Example: {"user": "app", "password": "S3cretJson"}', 'Example: {"user": "app", "password": "***"}'),
        ("password = hunter2", "password = ***"),
        (
            'connect(dsn="host=db password=S3cretDsn dbname=x")',
            'connect(dsn="host=db password=*** dbname=x")',
        ),
        ('password="ab\\"REST" x', 'password="***" x'),
        ('password="' + "a" * 1_200 + '" tail', 'password="***" tail'),
        ("Authorization: Bearer eyJhbGciOi.J9x", "Authorization: Bearer ***"),
        # run 79: an option and its secret as the next word
        (
            "Run the migration with --db-password S3cretSpace first",
            "Run the migration with --db-password *** first",
        ),
        ('pass --token "two words" to it', "pass --token *** to it"),
        # run 92a/04: an option's name with a deployment or a number after it
        (
            "migrate --db-password-prod S3cretA --api-key-12345 S3cretB",
            "migrate --db-password-prod *** --api-key-12345 ***",
        ),
        ('sh("psql --password-2 S3cretC")', 'sh("psql --password-2 ***")'),
        # run 127c/02: the name said whose secret it is (a deployment in brackets, `for` a role)
        ("DB password (prod): Xk9-hunter2-prod", "DB password (prod): ***"),
        ("api_key (staging): 4f8a9c2e11b7d3a0", "api_key (staging): ***"),
        ("password (staging)= Tr0ub4dor-staging", "password (staging)= ***"),
        ("Password for admin: Tr0ub4dor-admin", "Password for admin: ***"),
        ("token (optional): the token to refresh", "token (optional): the token to refresh"),
        (
            "Password for the admin account: The password used",
            "Password for the admin account: The password used",
        ),
        ("password for user: %s", "password for user: %s"),
        # run 128b/01: other words, and brackets with no blank
        ("password of root: Secret14Pass", "password of root: ***"),
        (
            "token on staging: Secret42Tok, password in prod: S3c",
            "token on staging: ***, password in prod: ***",
        ),
        ("token of the bot: Secret32Tok", "token of the bot: ***"),
        (
            "password(prod): Secret35 and password/prod: Secret36",
            "password(prod): *** and password/prod: ***",
        ),
        # run 129c/01: an owner with "@" or "/", five words, square brackets; creds, otp
        ("Password for admin@prod: hunter2A", "Password for admin@prod: ***"),
        ("Password for svc/prod: hunter2B", "Password for svc/prod: ***"),
        ("Password for the prod admin user: hunter2C", "Password for the prod admin user: ***"),
        ("DB password [prod]: hunter2D", "DB password [prod]: ***"),
        ("otp: 493817", "otp: ***"),
        # run 129a/01: a host and a port, a bracket after the owner, backticks
        ("password for postgres@db01: Zq8vK2mLpA1", "password for postgres@db01: ***"),
        ("password for admin (prod): Zq8vK2mLpB1", "password for admin (prod): ***"),
        ("password for `admin`: Zq8vK2mLpC1", "password for `admin`: ***"),
        ("password for cache01:6379: Zq8vK2mLpG1", "password for cache01:6379: ***"),
        # run 127a/03: an Azure SAS token alone, out of a URL
        ("SAS ?sv=2022-11-02&ss=b&sp=rl&sig=S3cretSigAbC123%3D", "SAS ?sv=2022-11-02&ss=b&sp=rl&sig=***"),
        # not secrets: other names, comparisons, prose, placeholders (run 79)
        ("monkey=banana host=db user=app", "monkey=banana host=db user=app"),
        ("if token==expected and password == other", "if token==expected and password == other"),
        ("Bearer tokens expire; a bearer authentication", "Bearer tokens expire; a bearer authentication"),
        ("password=%s token: %(tok)s api_key=$API_KEY", "password=%s token: %(tok)s api_key=$API_KEY"),
        ("run it with --password $DB_PASSWORD", "run it with --password $DB_PASSWORD"),
    ],
)
def test_secret_pairs_in_prose_are_masked(text: str, masked: str) -> None:
    """Runs 77 and 78: ``find`` showed a DSN's ``password=``, an option's ``--db-password=``,
    JSON's ``"password": "…"`` from docstrings; any output could."""
    assert mask_credentials(text, prose=True) == masked
    assert mask_credentials(masked, prose=True) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # code: a string's secret is masked, a variable's name is not (a --diff must apply)
        ('connect(api_key="k1", timeout=3)', 'connect(api_key="***", timeout=3)'),
        ('DSN = "host=db password=S3cret dbname=x"', 'DSN = "host=db password=*** dbname=x"'),
        ('config = {"password": "S3cret"}', 'config = {"password": "***"}'),
        ("ordered = sorted(items, key=len)", "ordered = sorted(items, key=len)"),
        ("connect(user=u, password=pw, sig=s, auth=a)", "connect(user=u, password=pw, sig=s, auth=a)"),
        ("def login(password: str, token=None):", "def login(password: str, token=None):"),
        # run 79: a placeholder is no secret (masked, a logging call's line made the patch fail)
        ('log.debug("token: %s", token)', 'log.debug("token: %s", token)'),
        ('dsn = "host=db password=%(pw)s" % args', 'dsn = "host=db password=%(pw)s" % args'),
        ('DSN = "host=db password=$DB_PASSWORD"', 'DSN = "host=db password=$DB_PASSWORD"'),
        ('dsn = f"password={pw} token={}"', 'dsn = f"password={pw} token={}"'),
        ('DSN = "password=%sX"', 'DSN = "password=***"'),
        # run 79: a secret on a later line of a triple-quoted string; a comment's quotes are no string
        (
            'DSN = """\nhost=db\npassword=S3cret\n"""\nconnect(password=pw)  # don\'t """\nf(password=pw)\n',
            'DSN = """\nhost=db\npassword=***\n"""\nconnect(password=pw)  # don\'t """\nf(password=pw)\n',
        ),
        # run 82a: an annotated assignment, a comment, an option inside a string
        ('db_password: str = "S3cret"', 'db_password: str = "***"'),
        ('password: "str" = "S3cret"', 'password: "str" = "***"'),
        ("api_token: Optional[str] = 'S3cret'", "api_token: Optional[str] = '***'"),
        ("x = 1  # token: S3cret password=S3cret", "x = 1  # token: *** password=***"),
        ('cmd = "mysqladmin --password S3cret"', 'cmd = "mysqladmin --password ***"'),
        ('args = ["--password", pw]', 'args = ["--password", pw]'),
        ('x = {"password": compare(a, b="keep")}', 'x = {"password": compare(a, b="keep")}'),
        # run 127c/02's names said whose, read in strings and comments, not as code
        ('DOC = "DB password (prod): Xk9-prod"', 'DOC = "DB password (prod): ***"'),
        ("x = 1  # Password for admin: Tr0ub4dor", "x = 1  # Password for admin: ***"),
        ("best = max(token for token in tokens)", "best = max(token for token in tokens)"),
        ('SAS = "?sv=2022-11-02&sig=S3cretSig%3D"', 'SAS = "?sv=2022-11-02&sig=***"'),
        ('url = base + "&sig=" + sig', 'url = base + "&sig=" + sig'),
        ("if password (x): pass", "if password (x): pass"),
    ],
)
def test_secret_pairs_in_code_are_masked_in_strings_only(text: str, masked: str) -> None:
    """Run 78: ``key=len`` was masked as a secret in a ``--diff`` context line, so the patch
    did not apply; only a string holds a secret in code."""
    assert mask_credentials(text) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("'http://localhost:7/?token=abc' points at it", "'http://localhost:7/?token=***' points at it"),
        ('see "https://h/x?password=p".', 'see "https://h/x?password=***".'),
        ("(https://h/x?api_key=k)", "(https://h/x?api_key=***)"),
        ("http://h/db;password=S3cr3t", "http://h/db;password=***"),
        ("'ftp://u@h/f;type=a;pwd=S3cr3t' here", "'ftp://***@h/f;type=a;pwd=***' here"),
        ("http://h/a;token=t/b?x=1", "http://h/a;token=***/b?x=1"),
        ("https://h/x?auth=abc&key=def&page=2", "https://h/x?auth=***&key=***&page=2"),
        ("https://h/x?access_key=abc&basic_auth=u", "https://h/x?access_key=***&basic_auth=***"),
        # servers split a query at ";" too
        ("http://localhost/x?a=1;password=S3CRET", "http://localhost/x?a=1;password=***"),
        ("http://h/?session_id=s&jwt=j;credentials=c", "http://h/?session_id=***&jwt=***;credentials=***"),
        # run 80: an f-string's expression is no secret; a version-control URL's revision is
        # no more of its password (the masking ran on into the next requirement in a message)
        ("http://localhost/?token={...}&password=x", "http://localhost/?token={...}&password=***"),
        (
            "'mylib @ git+https://oauth2:TOKEN@gitlab.com/org/mylib@v2' is already in (mylib @ git+https://h.org/m@v1)",
            "'mylib @ git+https://oauth2:***@gitlab.com/org/mylib@v2' is already in (mylib @ git+https://h.org/m@v1)",
        ),
        ("'git+https://app:p@ss/w0rd@db/app'", "'git+https://app:***@db/app'"),
        # runs 123a/01, 123c/02, 03: a secret's value goes on to the next "&" (a "#", a ";" no
        # name follows, an apostrophe or a backtick inside it are its own, as SQLAlchemy reads it)
        ("'postgresql://h:5432/x?password=Pa55#word9Tail'", "'postgresql://h:5432/x?password=***'"),
        (
            "'postgresql://h/x?password=Pa55#Tail2&sslmode=disable'",
            "'postgresql://h/x?password=***&sslmode=disable'",
        ),
        ("'postgresql://h/x?password=Kx9;Zq7Tail'", "'postgresql://h/x?password=***'"),
        ("'postgresql://h/x?password=Bob's-quoteTail6' here", "'postgresql://h/x?password=***' here"),
        ("http://h/x?password=Bob's9Tail more", "http://h/x?password=*** more"),
        ('"http://h/api?api_key=AbC`dEfTail2"', '"http://h/api?api_key=***"'),
        ('"http://h/x?password=a\'b".strip()', '"http://h/x?password=***".strip()'),
        # run 126a/01: a password's short spellings, an OAuth client assertion
        (
            "'http://svc:8001/login?user=admin&passcode=Hunter2' x",
            "'http://svc:8001/login?user=admin&passcode=***' x",
        ),
        ("http://h/?pswd=a1&psw=b2&passw=c3", "http://h/?pswd=***&psw=***&passw=***"),
        ("http://h/token?client_assertion=eyJhbGci.x.y", "http://h/token?client_assertion=***"),
        # run 123a/02: a private index's token as the path's first segment
        (
            "'liba @ https://dl.cloudsmith.io/Zk3Qx9vTqLmP2wRb/acme/private/python/liba-1.0.whl' here",
            "'liba @ https://dl.cloudsmith.io/***/acme/private/python/liba-1.0.whl' here",
        ),
        ("https://pypi.fury.io/AbCdEf123456/acct/x.whl", "https://pypi.fury.io/***/acct/x.whl"),
        # (run 124a/01: the host in capitals, with a port, a trailing dot, after a userinfo)
        ("https://DL.CLOUDSMITH.IO/Fq9jj0GMGB/a/x.whl", "https://DL.CLOUDSMITH.IO/***/a/x.whl"),
        ("https://dl.cloudsmith.io:443/Fq9jj0GMGB/a/x.whl", "https://dl.cloudsmith.io:443/***/a/x.whl"),
        ("https://pypi.fury.io./Fq9jj0GMGB/a/x.whl", "https://pypi.fury.io./***/a/x.whl"),
        ("https://deploy@pypi.fury.io/Fq9jj0GMGB/a/x.whl", "https://***@pypi.fury.io/***/a/x.whl"),
        (
            "https://dl.cloudsmith.io/public/acme/repo/python/simple/",
            "https://dl.cloudsmith.io/public/acme/repo/python/simple/",
        ),
        # run 79: `pw=`, and a URL with a password percent-encoded twice in a parameter
        ("http://localhost:8080/login?user=admin&pw=S3CRET", "http://localhost:8080/login?user=admin&pw=***"),
        (
            "http://localhost/?next=http%253A%252F%252Fu%253AS3CRET%2540h%252F",
            "http://localhost/?next=http%253A%252F%252Fu%253A***%2540h%252F",
        ),
    ],
)
def test_parameters_are_masked_and_the_closing_quote_kept(text: str, masked: str) -> None:
    assert mask_credentials(text) == masked
    assert mask_credentials(masked) == masked  # masking twice changes nothing


@pytest.mark.parametrize(
    "text",
    [
        "ftp://h/file;type=a",
        "http://h/a;b/c;d=e?monkey=1&keys=2&author=x",
        "'http://h/x?token=' is empty",
        "http://h/x?token=''",
        "'http://h/x?page=2' here.",
        # run 81a: an IPv6 host is no user, whatever "@" its path holds
        'requests.get("http://[::1]:8080/users/@me")',
    ],
)
def test_urls_without_credentials_stay_as_written(text: str) -> None:
    assert mask_credentials(text) == text


def test_masking_reads_each_character_a_bounded_number_of_times() -> None:
    """Run 78 (found while fixing it): in code, a secret name whose value names a variable was
    skipped after its value had been read to the end of the line, so 100,000 ``password=``
    in one line read it 100,000 times (296 s). Checked under a CPU-time limit that the
    quadratic reading would pass, not by a clock."""
    code = (
        "from archcheck.facts.urls import mask_credentials as m\n"
        "for text in ('password=' * 100_000, 'password=***' * 100_000, \"'password=\" * 100_000,\n"
        "             '\"\"\"password=%s' * 100_000, '--password x ' * 100_000):\n"
        "    m(text); m(text, prose=True)\n"
    )
    result = within_cpu(code, 30)
    assert result.stdout.strip() == b"done", result.stderr[-300:]
