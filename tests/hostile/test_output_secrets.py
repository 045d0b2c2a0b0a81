"""Secrets and workflow commands in the outputs beyond the findings: passwords that hold "/" or
a space, ``find``'s docstrings, the fixes not made, the ``--diff`` of a fix, ``##[`` commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import List

import pytest

from archcheck.facts.secret_strings import masked_code
from archcheck.facts.urls import mask_credentials
from archcheck.output import fixes
from tests.helpers import cli
from tests.hostile._project import CONFIG, TEMPLATE, project, run


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("'postgresql://app:s3cr/et@db/app'", "'postgresql://app:***@db/app'"),
        ("'postgresql://app:my secret@db/app'", "'postgresql://app:***@db/app'"),
        ("postgresql://app:my\tsecret@db/app", "postgresql://app:***@db/app"),
        ("http://u:p@h and http://c:d@h2", "http://u:***@h and http://c:***@h2"),
        ("'postgresql://app:it's a secret@db/app'", "'postgresql://app:***@db/app'"),
        ("'postgresql://app:\"my secret\"@db/app'", "'postgresql://app:***@db/app'"),
        ("'postgresql://app:a\" b@db/app'", "'postgresql://app:***@db/app'"),
        ("'postgresql://app:secret\nx@db/app'", "'postgresql://app:***\n***@db/app'"),  # (its lines kept)
        ("https://github.com/foo@bar https://host:8080/x", "https://github.com/foo@bar https://host:8080/x"),
        # a password that starts with digits reads as a port until its "@" on the same line
        ("Uses postgresql://app:2024 Winter!@db/app", "Uses postgresql://app:***@db/app"),
        ("'postgresql://app:123/S3cretPw@db:5432/app'", "'postgresql://app:***@db:5432/app'"),
        (
            "--index-url https://ci:9/TokPart@pypi.example.com/simple",
            "--index-url https://ci:***@pypi.example.com/simple",
        ),
        (
            "see http://localhost:8000/docs\nmail admin@example.com",
            "see http://localhost:8000/docs\nmail admin@example.com",
        ),
    ],
)
def test_passwords_are_masked_whatever_they_hold(text: str, masked: str) -> None:
    assert mask_credentials(text) == masked


def test_masking_a_long_line_takes_linear_time() -> None:
    started = time.monotonic()
    mask_credentials("a" * 200_000 + " x://y")
    assert time.monotonic() - started < 5  # quadratic: minutes


def test_a_password_with_a_slash_is_masked_in_findings(tmp_path: Path) -> None:
    root = project(
        tmp_path, {"main.py": 'DATABASE_URL = "postgresql://app:s3cr/et@db/app"\n'}, CONFIG + TEMPLATE
    )
    out = run(root, "--no-cache").stdout.decode()
    assert "CFG002" in out and "s3cr" not in out


def test_find_masks_docstrings(tmp_path: Path) -> None:
    source = 'class DatabaseManager:\n    """Talks to postgresql://admin:S3CRET@prod-db/app."""\n'
    root = project(tmp_path, {"db.py": source})
    for fmt in ("text", "json"):
        result = cli(root, "find", "database manager", "--format", fmt)
        assert (
            result.returncode == 0 and "admin:***@prod-db" in result.stdout and "S3CRET" not in result.stdout
        )


def test_find_masks_secret_pairs_and_bearer_tokens_in_docstrings(tmp_path: Path) -> None:
    """Run 77: a libpq DSN's ``password=``, ``api_key=``, ``token=`` and a bearer token in a
    docstring were shown as written; only URL passwords were masked."""
    doc = (
        "DSN: host=db password=S3cretPw user=app; api_key=AKIA_SECRET1 token=TOK_SECRET2 Bearer eyJ0.SECRET3"
    )
    for shown in _found_docstrings(tmp_path, doc):
        assert "host=db password=***" in shown and "SECRET" not in shown and "S3cretPw" not in shown


@pytest.mark.parametrize(
    "secret",
    [
        "postgresql://admin:S3cretPasswordXYZ@db.internal/app",
        "Bearer S3cretPasswordXYZ and more",
        "Basic YWRtaW46UzNjcmV0UGFzc3dvcmRYWVo= and more",
    ],
)
def test_find_masks_a_secret_cut_at_the_docstring_bound(tmp_path: Path, secret: str) -> None:
    """Run 93: the first line was cut at 4,000 characters before masking, so a URL whose "@"
    came after the cut was no URL; a long token before it, masked to ***, brought it into view."""
    head = "Bearer eyJ" + "x" * 3_950
    cut = 4_000 - len("; connect with ") - secret.index("S3cret" if "S3cret" in secret else "YWRt") - 8
    doc = head[:cut] + "; connect with " + secret
    for shown in _found_docstrings(tmp_path, doc):
        assert "S3cret" not in shown and "UzNjcm" not in shown


def _found_docstrings(tmp_path: Path, doc: str) -> List[str]:
    """``find``'s text and JSON output for a class whose docstring's first line is ``doc``."""
    root = project(tmp_path, {"db.py": f'class DatabaseManager:\n    """{doc}"""\n'})
    shown = []
    for fmt in ("text", "json"):
        result = cli(root, "find", "database manager", "--format", fmt)
        assert result.returncode == 0 and "DatabaseManager" in result.stdout, result.stderr
        shown.append(result.stdout)
    return shown


@pytest.mark.parametrize(
    "doc",
    [
        'Example: API_KEYS = ("S3cretPw42",) ',
        'Example: os.environ["API_KEYS_PROD"] = "S3cretPw42 ',
        'Example: "Bearer " + "S3cretPw42abcdef ',
        "Use API_KEYS = ('" + "S3cretPw42" * 420 + "',) ",
        "See https://svc:" + "S3cretPw42" * 420 + "@vault.internal/x ",
        # (run 95a/08: a plural's dict after another secret's value on the line)
        'Set DB_PASSWORD = "S3cretG3" and ADMIN_PASSWORDS = {"a": "S3cretG4"} ',
        'Example: API_KEYS = ["S3cretFc3"], ADMIN_PASSWORDS = {"a": "S3cretFc4"} ',
    ],
)
def test_find_masks_examples_in_a_docstring_line(tmp_path: Path, doc: str) -> None:
    """Run 94a/10, 11: ``Example:`` read as an annotated name; a string the first line leaves
    open; a key longer than the 4,000 characters masked."""
    assert all("S3cret" not in shown for shown in _found_docstrings(tmp_path, doc))


@pytest.mark.parametrize(
    ("comment", "shown"),
    [
        ("ignore[password=S3cretPwXYZ]", "suppression of ***"),  # (it names a secret: not quoted)
        ("ignore(API_KEY_12345=S3cretPwXYZ)", "suppression of ***"),
        ("ignore - postgresql://a:Zq8Xk2LmRvXYZ@db/app", "ignore - postgresql://a:***@db/app"),
        ("ignore - https://deploy:Zq8Xk2LmRvXYZ@pypi.internal/simple", "https://deploy:***@pypi.inter"),
    ],
)
def test_an_unused_suppression_quotes_its_text_masked(tmp_path: Path, comment: str, shown: str) -> None:
    """Run 93: ARC002 quoted a malformed comment cut to 40 characters, then masked as code: pairs
    were shown, and a URL cut before its "@" was no URL."""
    source = f"import asyncio\n\nasync def f():\n    asyncio.run(f())  # archcheck: {comment}\n"
    root = project(tmp_path, {"main.py": source})
    for fmt in ("text", "json", "github", "sarif"):
        out = run(root, "--no-cache", "--format", fmt).stdout.decode()
        assert shown in out and "S3cret" not in out and "Zq8Xk2" not in out


def test_fixes_not_made_and_diffs_mask_credentials(tmp_path: Path) -> None:
    root = project(tmp_path, {"main.py": "x = 1\n"})
    (root / "requirements.shared.txt").write_text("foo @ https://u:hunterNF1@x.example/foo-1.0.whl\n")
    (root / "svc" / "requirements.txt").write_text(
        "--extra-index-url https://ci:S3CRET-TOKEN@pkgs.example.com/simple\n"
        "foo[extra] @ https://u:hunterNF2@x.example/foo-1.0.whl\n"
    )
    result = cli(root, "check", "--diff", "--no-cache")
    assert "+-r ../requirements.shared.txt" in result.stdout
    assert "ci:***@pkgs.example.com" in result.stdout
    assert "S3CRET" not in result.stdout + result.stderr and "hunterNF" not in result.stdout + result.stderr


def test_a_diff_masks_secrets_of_multi_line_strings_and_applies_without_them(tmp_path: Path) -> None:
    """Run 79: masked line by line, a diff showed ``password=`` on a later line of a
    triple-quoted string, and masked ``"token: %s"``, so a patch without a secret did not apply."""
    files = {
        "__init__.py": "",
        "util.py": "x = 1\n",
        "dsn.py": 'DSN = """\nhost=db\npassword=S3cretLater\n"""\nfrom .util import x\n',
        "log.py": 'from .util import x\nlog.debug("token: %s", x)\n',
    }
    root = project(tmp_path, files)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    diff = cli(root, "check", "--diff", "--no-cache").stdout
    assert "password=***" in diff and "S3cretLater" not in diff
    patch = "".join(line for line in diff.splitlines(keepends=True) if not line.startswith("would fix"))
    applied = subprocess.run(
        ["git", "apply", "--check", "--include=svc/app/log.py", "-"],
        cwd=root,
        input=patch,
        capture_output=True,
        text=True,
    )
    assert applied.returncode == 0, (patch, applied.stderr)


def test_a_diff_masks_a_string_s_secrets_when_a_url_runs_across_lines(tmp_path: Path) -> None:
    """Run 81a: a URL's userinfo whose ``@`` is on the next line made the whole-file masking
    join two lines, and the line-by-line fallback read a docstring's ``password=`` as code."""
    code = (
        "import asyncio\n\n\nasync def main():\n"
        '    """Connect with:\n    host=db.internal password=S3CRETz\n    Mirror: sftp://mirror:\n'
        '    @ is on the next line"""\n    asyncio.run(main())\n'
    )
    diff = cli(project(tmp_path, {"main.py": code}), "check", "--diff", "--no-cache").stdout
    assert "password=***" in diff and "S3CRETz" not in diff


def test_a_diff_masks_the_start_of_a_password_whose_at_sign_is_on_a_later_line() -> None:
    """Run 82a: the line-by-line fallback showed ``https://ci:FirstHalf`` where whole-file
    masking had read a password up to the next line's ``@``."""
    lines = [
        "--extra-index-url https://ci:FirstHalfSecret\n",
        "# continued@ here\n",
        "API = 'http://h:8000/x'\n",
    ]
    shown = fixes._masked(lines)
    assert shown[0] == "--extra-index-url https://ci:***\n" and shown[2] == lines[2]


def test_a_diff_in_github_actions_is_fenced_from_workflow_commands(tmp_path: Path) -> None:
    root = project(tmp_path, {"main.py": "x = 1\n"})
    (root / "requirements.shared.txt").write_text("httpx\n")
    (root / "svc" / "requirements.txt").write_text("::error file=README.md,line=1::Forged\nfoo==1\n")
    plain = cli(root, "check", "--diff", "--no-cache").stdout
    assert " ::error file=README.md" in plain  # the diff itself is unchanged
    for to_stdout in ([], ["--output", "-"]):  # run 114a/03: `-o -` is standard output too
        fenced = cli(root, "check", "--diff", "--no-cache", *to_stdout, env={"GITHUB_ACTIONS": "true"}).stdout
        first, last = fenced.splitlines()[0], fenced.splitlines()[-1]
        token = first.removeprefix("::stop-commands::")
        assert first.startswith("::stop-commands::") and len(token) == 32 and last == f"::{token}::"


def test_legacy_workflow_commands_are_broken_in_text_output(tmp_path: Path) -> None:
    root = project(tmp_path, {"u.py": 'URL = "http://localhost:8001/##[warning]forged"\n'})
    out = run(root, "--no-cache").stdout.decode()
    # (the URL's fragment is hidden whole since run 128a/03: no command can reach the message)
    assert "CFG001" in out and "##[" not in out and "forged" not in out and "8001/##***" in out


@pytest.mark.skipif(os.name != "posix", reason="symlinks as POSIX has them")
@pytest.mark.parametrize("command", [["check", "--format", "sarif"], ["audit"]])
def test_an_output_path_linked_out_of_the_checkout_is_not_written(tmp_path: Path, command: list) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("ORIGINAL\n")
    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p", {"u.py": 'URL = "http://localhost:1"\n'})
    (root / "report.out").symlink_to(victim)
    result = cli(root, *command, "--output", "report.out")
    assert result.returncode == 2 and "leads outside the project" in result.stderr
    assert victim.read_text() == "ORIGINAL\n"
    absolute = cli(root, *command, "--output", str(tmp_path / "chosen.out"))  # the user's own path
    assert absolute.returncode in (0, 1) and (tmp_path / "chosen.out").exists()


@pytest.mark.skipif(os.name != "posix", reason="symlinks as POSIX has them")
@pytest.mark.parametrize("name", ["archcheck.toml", "pyproject.toml"])
def test_a_config_file_linked_out_of_the_checkout_is_not_read(tmp_path: Path, name: str) -> None:
    outside = tmp_path / "outside.toml"
    outside.write_text(
        '[tool.archcheck]\nservices = ["svc"]\n' if name == "pyproject.toml" else 'services = ["svc"]\n'
    )
    (tmp_path / "p" / "svc" / "app").mkdir(parents=True)
    (tmp_path / "p" / "svc" / "app" / "m.py").write_text("x = 1\n")
    (tmp_path / "p" / name).symlink_to(outside)
    result = cli(tmp_path / "p", "check")
    assert (
        result.returncode == 2 and f"{name}: it leads outside the project (a link); not read" in result.stderr
    )


@pytest.mark.parametrize(
    "comment",
    [
        "ignore[IMP-001]",
        "ignore[IMP001;CFG001]",
        "ignore[IMP001",
        "ignore[\u0130MP001]",
        "ignored",
        "ignore[]",
        "ignore[ , ]",
        # run 93: words holding a bracket or a quote (a list meant in another bracket)
        "ignore legacy (IMP)",
        'ignore legacy "path"',
        "ignore legacy {IMP}",
        "ignore legacy (see ticket)",
        "ignore legacy <IMP>",
        # run 94a: a code's prefix or a code spelt apart after words; a bracket of another script
        "ignore legacy IMP",
        "ignore legacy IMP 002",
        "ignore legacy IMP_002",
        "ignore legacy \uff29\uff2d\uff30002",
        "ignore legacy IMP002x",
        "ignore legacy \uff08x\uff09",
        "ignore legacy \u00abx\u00bb",
        "ignore legacy \u300cx\u300d",
        # run 95a: letters written apart or joined by marks, another hyphen, capitals of another script
        "ignore legacy I M P 0 0 2",
        "ignore legacy I.M.P",
        "ignore legacy imp\u2010002",
        "ignore legacy \u0399\u039c\u03a1",
        # run 96a: a code's letters written apart unevenly; Hebrew and ornament quotes
        "ignore I MP002",
        "ignore legacy IM P002",
        "ignore SS OT001",
        "ignore legacy \u05f4v2\u05f4",
        "ignore legacy \u275dv2\u275e",
    ],
)
def test_a_suppression_it_cannot_read_silences_nothing(tmp_path: Path, comment: str) -> None:
    source = f"import asyncio\n\nasync def f():\n    asyncio.run(f())  # archcheck: {comment}\n"
    out = run(project(tmp_path, {"main.py": source}), "--no-cache").stdout.decode()
    assert "svc/app/main.py:4:5: ASY001" in out
    if comment != "ignored":
        assert "svc/app/main.py:4:1: ARC002" in out  # the comment is named as silencing nothing


@pytest.mark.parametrize(
    "until", ["2026-1-5", "2025/01/05", "tomorrow", "2025-02-30", "2099-13-45", "2099-01-05x", ""]
)
def test_a_suppression_until_a_date_it_cannot_read_has_expired(tmp_path: Path, until: str) -> None:
    source = (
        f"import asyncio\n\nasync def f():\n    asyncio.run(f())  # archcheck: ignore[ASY001] until={until}\n"
    )
    out = run(project(tmp_path, {"main.py": source}), "--no-cache").stdout.decode()
    # (a value with other characters than a date's is quoted as `***`: it may be anything)
    shown = "(empty)" if not until else until if until[-1].isdigit() else "***"
    assert (
        "svc/app/main.py:4:5: ASY001" in out
        and f"(suppression until='{shown}' is not a YYYY-MM-DD date)" in out
    )


def test_a_code_list_after_a_space_is_read(tmp_path: Path) -> None:
    source = "import asyncio\n\nasync def f():\n    asyncio.run(f())  # archcheck: ignore [ASY001]\n"
    out = run(project(tmp_path, {"main.py": source}), "--no-cache").stdout.decode()
    assert "ASY001" not in out and "ARC002" not in out


@pytest.mark.parametrize(
    ("args", "config", "message"),
    [
        (["--select", "QQ"], CONFIG, "archcheck: error: --select: unknown rule code or prefix 'QQ'"),
        (["--ignore", "QQ"], CONFIG, "archcheck: error: --ignore: unknown rule code or prefix 'QQ'"),
        (
            [],
            CONFIG + 'ignore = ["XYZ"]\n',
            "archcheck: error: archcheck.toml: ignore: unknown rule code or prefix 'XYZ'",
        ),
    ],
)
def test_an_unknown_code_names_where_it_was_given(
    tmp_path: Path, args: list, config: str, message: str
) -> None:
    result = run(project(tmp_path, {"main.py": "x = 1\n"}, config), *args)
    assert result.returncode == 2 and result.stderr.decode().strip() == message


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_an_unknown_code_is_quoted_as_written_then_masked(tmp_path: Path, option: str) -> None:
    """Run 93: the code was upper-cased first, and ``TOKEN …`` reads as no token."""
    result = run(project(tmp_path, {"a.py": "x = 1\n"}), option, "Token zq8Xk2Lm9Pw4Rt7Y")
    err = result.stderr.decode()
    assert result.returncode == 2 and f"{option}: unknown rule code or prefix 'Token ***'" in err, err
    assert "zq8" not in err.lower()


def test_a_literal_bracket_glob_prints_no_python_warning(tmp_path: Path) -> None:
    root = project(tmp_path, {"main.py": "x = 1\n"}, CONFIG + 'exclude = ["[[]draft"]\n')
    (root / ".gitignore").write_text("[[]tmp\n")
    result = run(root, "--no-cache")
    assert result.returncode == 0 and result.stderr == b""


def test_bidi_controls_are_not_written_raw_in_markdown() -> None:
    from archcheck.output.escape import markdown_code, markdown_text

    name = "\u202etxt.exe \u2066x\u2069"
    assert not any(ch in markdown_text(name) + markdown_code(name) for ch in "\u202e\u2066\u2069")


def test_lone_carriage_returns_end_lines_as_python_reads_them(tmp_path: Path) -> None:
    files = {
        "cr.py": 'import asyncio\rURL = "http://localhost:8001"\rasync def f():\r    asyncio.run(f())\r',
        "mixed.py": "import asyncio\r\nasync def f():\r    asyncio.run(f())\n",
    }
    out = run(project(tmp_path, files), "--no-cache").stdout.decode()
    assert "svc/app/cr.py:2:7: CFG001" in out and "svc/app/cr.py:4:5: ASY001" in out
    assert "svc/app/mixed.py:3:5: ASY001" in out


def test_a_form_feed_does_not_shift_the_baseline_text(tmp_path: Path) -> None:
    from archcheck.pipeline.snippets import numbered_lines

    assert numbered_lines("a.py", "# page \x0c break\nimport os\n")[1] == "import os"
    assert numbered_lines(".env", 'X="a\x0cb"\nY=1\n')[1] == "Y=1"
    assert numbered_lines("requirements.txt", "a\r\nb\n") == ["a", "b"]


def test_a_file_only_the_cst_parser_reads_gets_no_unused_suppression(tmp_path: Path) -> None:
    source = (
        'import asyncio\nNAME = f"{"x"}"\nasync def f():\n    asyncio.run(f())  # archcheck: ignore[ASY001]\n'
    )
    result = run(project(tmp_path, {"main.py": source}), "--no-cache", "--strict")
    assert b"ARC002" not in result.stdout  # ASY001 could not look: its suppression is not "unused"
    newer = b"ARC003" in result.stdout  # (which says so, where this Python rejects newer grammar)
    assert result.returncode == (1 if newer else 0) and newer == (sys.version_info < (3, 12)), result.stdout


def test_output_dash_is_standard_output_and_a_tiny_size_cap_is_refused(tmp_path: Path) -> None:
    root = project(tmp_path, {"u.py": 'URL = "http://localhost:1"\n'})
    result = run(root, "--no-cache", "--output", "-")
    assert b"CFG001" in result.stdout and not (root / "-").exists()
    (tmp_path / "t").mkdir()
    tiny = run(project(tmp_path / "t", {"m.py": "x = 1\n"}, CONFIG + "max-file-size = 1e-300\n"))
    assert tiny.returncode == 2 and b"max-file-size: expected a number of megabytes" in tiny.stderr


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ('connect(password=r"S3cret")', 'connect(password=r"***")'),
        ('connect(password=b"S3cret".decode())', 'connect(password=b"***".decode())'),
        ('connect(password="""S3cret""")', 'connect(password="""***""")'),
        # (run 89a: each line masked, the line breaks kept)
        ("connect(password='''S3cret\nmore''')\nx = 1", "connect(password='''***\n***''')\nx = 1"),
        ('connect(api_key=("S3cret"))', 'connect(api_key=("***"))'),
        (
            'db_password: Annotated[str, Field(min_length=8)] = "S3cret"',
            'db_password: Annotated[str, Field(min_length=8)] = "***"',
        ),
        ('password: str = Field(default="S3cret")', 'password: str = Field(default="***")'),
        (
            'password: str = Field(min_length=8, default="S3cret")',
            'password: str = Field(min_length=8, default="***")',
        ),
        ('password: "SecretStr" = "S3cret"', 'password: "SecretStr" = "***"'),
        ('{"password": "a=b"}', '{"password": "***"}'),
        # run 84b: a default among other arguments, a lookup's default, a string given instead
        (
            'api_token: str = Field(..., description="API token", default="S3cret")',
            'api_token: str = Field(..., description="API token", default="***")',
        ),
        ('SECRET_KEY = os.getenv("SECRET_KEY", "S3cret")', 'SECRET_KEY = os.getenv("SECRET_KEY", "***")'),
        ('TOKEN = os.environ.get("TOKEN") or "S3cret"', 'TOKEN = os.environ.get("TOKEN") or "***"'),
        ('TOKEN = config("TOKEN", default="S3cret")', 'TOKEN = config("TOKEN", default="***")'),
        (
            'PASSWORD = "S3cretA" if os.getenv("CI") else "S3cretB"',
            'PASSWORD = "***" if os.getenv("CI") else "***"',
        ),
        ("password = 'S3cretA' 'S3cretB'", "password = '***' '***'"),
        ('password = SecretStr("S3cret")', 'password = SecretStr("***")'),
        ('{"password": f(a, default="S3cret")}', '{"password": f(a, default="***")}'),
        # run 84a: a subscript's key, a lookup's secret key, a wrapper, an option's next string
        ('os.environ["DB_PASSWORD"] = "S3cret"', 'os.environ["DB_PASSWORD"] = "***"'),
        ('os.environ.setdefault("API_TOKEN", "S3cret")', 'os.environ.setdefault("API_TOKEN", "***")'),
        ('os.getenv("DB_PASSWORD", "S3cret")', 'os.getenv("DB_PASSWORD", "***")'),
        ('client_secret = str("S3cret")', 'client_secret = str("***")'),
        # environs' typed lookup: the key, then the default
        ('SECRET_KEY = env.str("SECRET_KEY", "S3cret")', 'SECRET_KEY = env.str("SECRET_KEY", "***")'),
        ('cmd = ["psql", "--password", "S3cret"]', 'cmd = ["psql", "--password", "***"]'),
        ('password = \\\n    "S3cret"', 'password = \\\n    "***"'),
        ('run("mysql -uroot -pS3cret db")', 'run("mysql -uroot -p*** db")'),
        # run 85: split over lines as black writes them, and arguments in parentheses
        (
            'SECRET_KEY = os.getenv(\n    "SECRET_KEY", "S3cret"\n)',
            'SECRET_KEY = os.getenv(\n    "SECRET_KEY", "***"\n)',
        ),
        ('secret_key: str = Field(\n    default="S3cret")', 'secret_key: str = Field(\n    default="***")'),
        ('PASSWORD = (\n    "S3cret"\n)', 'PASSWORD = (\n    "***"\n)'),
        ('os.getenv("DB_PASSWORD",\n    "S3cret")', 'os.getenv("DB_PASSWORD",\n    "***")'),
        (
            'password: str = Field(alias=("k"), default="S3cret")',
            'password: str = Field(alias=("k"), default="***")',
        ),
        ('DB_USER, DB_PASSWORD = "app", "S3cret"', 'DB_USER, DB_PASSWORD = "app", "***"'),
        (
            'SECRET_KEY = os.environ.get("SECRET_KEY", "") or "S3cret"',
            'SECRET_KEY = os.environ.get("SECRET_KEY", "") or "***"',
        ),
        (
            'SECRET_KEY = (os.environ.get("SECRET_KEY") or "S3cret")',
            'SECRET_KEY = (os.environ.get("SECRET_KEY") or "***")',
        ),
        ('os.environ[ "DB_PASSWORD" ] = "S3cret"', 'os.environ[ "DB_PASSWORD" ] = "***"'),
        ('config("PASSWORD", cast=str, default="S3cret")', 'config("PASSWORD", cast=str, default="***")'),
        (
            'password: Annotated[str, Field(description="the admin password, at least twelve characters, rotated quarterly")] = "S3cret"',
            'password: Annotated[str, Field(description="the admin password, at least twelve characters, rotated quarterly")] = "***"',
        ),
        # what is not a secret's value stays as written
        ('password = f"{pw}"', 'password = f"{pw}"'),
        ('password = """"""', 'password = """"""'),
        ("connect(password=pw)", "connect(password=pw)"),
        ("password=(see below)", "password=(see below)"),
        ('{"password": compare(a, b="keep")}', '{"password": compare(a, b="keep")}'),
        ('SECRET_KEY = os.getenv("SECRET_KEY")', 'SECRET_KEY = os.getenv("SECRET_KEY")'),
        ('SECRET_KEY = env.str("SECRET_KEY")', 'SECRET_KEY = env.str("SECRET_KEY")'),
        ('os.environ["PATH"] = "/usr/bin"', 'os.environ["PATH"] = "/usr/bin"'),
        ('os.getenv("PATH", "/usr/bin")', 'os.getenv("PATH", "/usr/bin")'),
        ('cmd = ["psql", "--password", pw]', 'cmd = ["psql", "--password", pw]'),
        # run 85: an option's declaration (argparse, click) names no value
        (
            'parser.add_argument("--password", "-p", help="x")',
            'parser.add_argument("--password", "-p", help="x")',
        ),
        (
            '@click.option("--token", "api_token", help="x")',
            '@click.option("--token", "api_token", help="x")',
        ),
        ('add_argument("-p", "--password", "--pass")', 'add_argument("-p", "--password", "--pass")'),
        ('user, token = "admin", get_token()', 'user, token = "admin", get_token()'),
        ('get("token", timeout=5)', 'get("token", timeout=5)'),
        # real code (netra): a status word, and another call's first string after a secret's name
        ('logger.info(" PASS:  Circuit breaker working")', 'logger.info(" PASS:  Circuit breaker working")'),
        (
            'password = self.env_getter("POSTGRES_PASSWORD")',
            'password = self.env_getter("POSTGRES_PASSWORD")',
        ),
        ('token = request.headers.get("Authorization")', 'token = request.headers.get("Authorization")'),
        ('"token=" + t', '"token=" + t'),
    ],
)
def test_a_secret_is_masked_however_its_string_is_written(text: str, masked: str) -> None:
    """Run 83b: a prefixed (``r``, ``b``), triple-quoted or parenthesised string, or one after
    an annotation with a call in it, was printed as written. The token reading of code
    (``masked_code``, for ``--diff``) masks no more of these."""
    assert mask_credentials(text) == masked
    if text.count("\n") == masked.count("\n"):  # (the token reading keeps a string's lines)
        assert mask_credentials(masked_code(text)) == masked


def test_the_pieces_of_a_split_password_keep_their_prefixes() -> None:
    """Run 95a/13: the text masking masked the prefix of each piece (``***"***"``). Read as
    code, only the piece that holds the password is masked (run 96a)."""
    text = 'DSN = (f"postgresql://{user}:"\n       f"S3cretLa6"\n       rb"@{host}")'
    assert mask_credentials(text) == 'DSN = (f"postgresql://{user}:***"\n       f"***"\n       rb"@{host}")'
    assert (
        mask_credentials(masked_code(text))
        == 'DSN = (f"postgresql://{user}:"\n       f"***"\n       rb"@{host}")'
    )


def test_a_fix_shows_no_secret_however_its_string_is_written(tmp_path: Path) -> None:
    code = (
        "import asyncio\n\nasync def main():\n"
        '    asyncio.run(connect(password=r"S3cretA"))\n'
        '    asyncio.run(connect(password="""S3cretB"""))\n'
        '    asyncio.run(connect(api_key=("S3cretC")))\n'
        # run 89a: shapes only the token reading masks, in a fix as in a `--diff`
        '    asyncio.run(connect(password=cast(str, "S3cretD")))\n'
        '    asyncio.run(connect(password=None if debug else "S3cretE"))\n'
        '    asyncio.run(monkeypatch.setenv("DB_PASSWORD", "S3cretF"))\n'
        '    asyncio.run(fetch(url, auth=("admin", "S3cretG")))\n'
    )
    root = project(tmp_path, {"main.py": code})
    for args in (("--format", "json"), ("--format", "sarif"), ("--show-fixes",), ("--diff",)):
        result = run(root, "--no-cache", *args)
        assert b"S3cret" not in result.stdout + result.stderr, args
        shown = result.stdout.decode("unicode_escape" if "--format" in args else "utf-8")
        assert shown.count("***" if args == ("--diff",) else "await connect(…)") >= 3, args


def test_a_fix_hint_names_the_coroutine_without_its_arguments(tmp_path: Path) -> None:
    """Runs 111 to 113: the hint quoted the coroutine's code, masked; masking cannot read every
    secret any code may hold (a password as a command's plain argument), and the hint needs
    only the coroutine's name. ``--diff`` shows the line itself (with no context lines in CI)."""
    code = (
        "import asyncio\n\nasync def main():\n"
        '    asyncio.run(tools.run(["htpasswd", "-b", "users", "bob", "Hunter2Plain"]))\n'
        "    asyncio.run(main())\n"
        "    asyncio.run(coro)\n"
        "    asyncio.run(factory()())\n"
    )
    root = project(tmp_path, {"main.py": code})
    out = run(root, "--no-cache", "--format", "json").stdout.decode()
    assert "Hunter2Plain" not in out and "htpasswd" not in out
    assert [finding["fix"] for finding in json.loads(out)["violations"]] == [
        "await the coroutine instead: await tools.run(…)",
        "await the coroutine instead: await main()",
        "await the coroutine instead: await coro",
        "await the coroutine instead of starting a new event loop",
    ]


def test_a_secret_joined_across_lines_is_masked_on_both_in_a_diff() -> None:
    """Run 83a: the second half of a password or token in the next string of an implicit
    concatenation was shown in a diff."""
    lines = [
        'DSN = ("postgresql://app_user:FirstHalfOfPw"\n',
        '       "SecondHalfOfPw@db.internal:5432/app")\n',
        'API = ("https://api.example/v1?token=AbCdEf"\n',
        '       "GhIjKl&x=1")\n',
        'client_secret = ("S3cretA"\n',
        '    "S3cretB")\n',
        'y = "plain"\n',
        '    "kept"\n',
    ]
    shown = "".join(fixes._masked(lines))
    for secret in ("FirstHalf", "SecondHalf", "AbCdEf", "GhIjKl", "S3cret"):
        assert secret not in shown
    assert '"***@db.internal:5432/app")' in shown and '"***&x=1")' in shown and '"kept"' in shown


def test_the_line_by_line_mask_takes_linear_time() -> None:
    """Run 83a: a lookahead for a later ``@`` at every ``user:`` of a line made the fallback
    quadratic: 40,000 of them took 37 s."""
    lines = [
        'DSN = ("postgresql://app_user:FirstHalf"\n',
        '       "Second@db/app")\n',
        "y = '" + "://a:" * 40_000 + "@'\n",
    ]
    started = time.monotonic()
    shown = fixes._masked(lines)
    assert time.monotonic() - started < 5 and len(shown) == 3


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        (
            "mssql+pyodbc://localhost/?odbc_connect=DRIVER%3D%7BODBC+Driver+18%7D%3BUID%3Dsa%3BPWD%3DS3cretOdbc",
            "mssql+pyodbc://localhost/?odbc_connect=DRIVER%3D%7BODBC%20Driver%2018%7D%3BUID%3Dsa%3BPWD%3D***",
        ),
        (
            "postgresql://localhost/db?dsn=host%3Ddb%20password%3DS3cretDsn&x=1",
            "postgresql://localhost/db?dsn=host%3Ddb%20password%3D***&x=1",
        ),
        ("https://h/search?q=hello%20world&next=%2Fhome", "https://h/search?q=hello%20world&next=%2Fhome"),
    ],
)
def test_secret_pairs_percent_encoded_in_a_parameter_are_masked(url: str, masked: str) -> None:
    """Run 83a: SQLAlchemy's ``odbc_connect`` and a libpq ``dsn`` parameter carry a connection
    string's ``PWD=`` / ``password=`` percent-encoded: shown in every format."""
    assert mask_credentials(url) == masked


def test_a_long_run_of_name_characters_is_scanned_once_for_a_secret_name() -> None:
    """Run 84a: a secret pair's name was looked for from each character of a run of ``-a``:
    64 characters at each (a 1 MB line, 12 s in ``--diff``)."""
    started = time.monotonic()
    text = "D = '" + "-a" * 400_000 + "'\n"
    assert mask_credentials(text) == text
    assert time.monotonic() - started < 2  # 4.4 s before, 0.1 s after


def test_a_path_named_like_a_secret_does_not_hide_the_reason(tmp_path: Path) -> None:
    """Run 84a: ``archcheck check ../p_token`` printed ``../p_token: ***``: the path and the
    reason were read as a secret pair."""
    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p", {"main.py": "x = 1\n"})
    (tmp_path / "p_token").mkdir()
    for path in ("../p_token", "/etc/passwd"):
        result = cli(root, "check", path)
        assert result.returncode == 2 and f"{path}: outside the project root" in result.stderr, result.stderr


@pytest.mark.parametrize("key", ["services", "ignore"])
def test_a_quoted_value_holding_a_secret_pair_keeps_the_reason(tmp_path: Path, key: str) -> None:
    """Run 92a/11: ``"svc/password='x'"``: the closing ``"`` after the pair's ``'x'`` was read as
    a string joined to it, and the reason after it was masked."""
    config = (
        "services = [\"svc/password='S3cret'\"]\n"
        if key == "services"
        else CONFIG + "ignore = [\"password='S3cret'\"]\n"
    )
    root = project(tmp_path, {"main.py": "x = 1\n"}, config)
    result = cli(root, "check", "--no-cache")
    reason = "matches no folder with Python code" if key == "services" else "expected a rule code or prefix"
    assert result.returncode == 2 and reason in result.stderr and "S3cret" not in result.stderr, result.stderr
    assert mask_credentials("\"UPDATE users SET password = 'S3cret'\",  # no WHERE") == (
        "\"UPDATE users SET password = '***'\",  # no WHERE"
    )


@pytest.mark.parametrize("option", ["--baseline", "--config"])
def test_a_path_holding_a_secret_pair_shows_the_reason_not_the_value(tmp_path: Path, option: str) -> None:
    """Run 94a/12: ``x_token: S3cret`` as a path: the path's first part was never read as a
    secret's name, so the value was shown (and a value named like a secret hid the reason)."""
    root = project(tmp_path, {"main.py": "x = 1\n"})
    result = cli(root, "check", option, "x_token: S3cretPw42")
    assert result.returncode == 2 and "x_token: ***: " in result.stderr and "not found" in result.stderr
    assert "S3cret" not in result.stderr
    result = cli(root, "check", "-o", "nodir/x_token: S3cretPw42")
    assert "x_token: ***: cannot write" in result.stderr and "S3cret" not in result.stderr, result.stderr


def test_a_password_on_a_line_of_its_own_in_a_joined_url_is_masked_in_a_diff(tmp_path: Path) -> None:
    """Run 94a/01: black's split, ``("postgresql://admin:"`` / ``+ "…"`` / ``+ "@db")``: the
    whole-file masking joined the lines, so each line was masked alone, and showed the password."""
    code = (
        "from .b import x\n"
        'DSN = ("postgresql://admin:"\n       + "S3cretPw42"\n       + "@db/app")\n'
        'H = {"Authorization": "Bearer " \\\n     + "S3cretTok43abc"}\n'
        "from .b import x\n"
    )
    root = project(tmp_path, {"pkg/__init__.py": "", "pkg/b.py": "x = 1\n", "pkg/c.py": code})
    result = run(root, "--no-cache", "--diff")
    out = result.stdout.decode()
    assert '"postgresql://admin:"' in out and '"***"' in out and "S3cret" not in out, out


@pytest.mark.parametrize(
    "between",
    ["       # prod password, rotate yearly\n", "\n"],
)
def test_a_password_split_around_a_comment_or_blank_line_is_masked_in_a_diff(
    tmp_path: Path, between: str
) -> None:
    """Run 95a/03, 04: a comment or a blank line between the pieces, and a `#` in the password,
    showed the password in a `--diff`."""
    code = (
        "from .b import x\n"
        f'DSN = ("postgresql://admin:"\n{between}       + "ab#cdS3cret42"\n       + "@db/app")\n'
        'H = {"Authorization": "Bearer " +\n     # from vault\n     "S3cretTok43abc"}\n'
        "from .b import x\n"
    )
    root = project(tmp_path, {"pkg/__init__.py": "", "pkg/b.py": "x = 1\n", "pkg/c.py": code})
    out = run(root, "--no-cache", "--diff").stdout.decode()
    assert '"postgresql://admin:"' in out and "S3cret" not in out and "cdS3" not in out, out


def test_pairs_that_open_brackets_over_and_over_are_read_once_for_an_annotation() -> None:
    """Run 85: each ``pwd:(`` looked 400 characters ahead for an annotation's ``=``: a 1 MB
    comment of them took 17 s in ``--diff``."""
    started = time.monotonic()
    text = "# " + "pwd:(" * 200_000
    assert mask_credentials(text) == text
    # (linear: 7.9 s before, 0.6 s after on a quiet machine; the bound leaves room for a loaded one)
    assert time.monotonic() - started < 10


def test_a_long_run_of_stars_no_word_follows_is_read_once() -> None:
    """Run 114c/03: the search for a mask before a word tried every `*` of a run, each to the
    run's end: 30,000 in a requirements line took 11 s in `check`, 20,000 in a comment 10 s in
    `--diff`."""
    started = time.monotonic()
    for text in ("# " + "*" * 60_000, "x ; platform_release == '" + "*" * 60_000 + "'"):
        assert mask_credentials(text, prose=True) == text
    # (linear: about 60 s before, 0.01 s after on a quiet machine; the bound leaves room for a loaded one)
    assert time.monotonic() - started < 10


def test_a_config_key_holding_a_secret_pair_is_masked_though_errors_are_read_part_by_part(
    tmp_path: Path,
) -> None:
    """Run 85: masking ``file: key: reason`` part by part showed the value of a key written
    ``"password: S3cret"``, which masking the whole line had hidden."""
    root = project(tmp_path, {"main.py": "x = 1\n"})
    (root / "archcheck.toml").write_text('services = ["svc"]\n"password: S3cretKey" = 1\nfoo_token = 2\n')
    result = cli(root, "check", "--no-cache")
    assert result.returncode == 2 and "S3cret" not in result.stderr, result.stderr
    assert "password: ***: unknown key" in result.stderr or "foo_token: unknown key" in result.stderr


@pytest.mark.parametrize(
    ("setting", "shown"),
    [
        ('ignore = ["password: S3cretA"]', "got 'password: ***'"),
        ('cache-dir = "/token: S3cretB"', "'/token: ***' must be a path inside the project"),
        ('services = ["svc", "api_key: S3cretC"]', "'api_key: ***' matches no folder"),
        # (run 95a/10: a pair with spaces around its `=` after a `/`)
        ('ignore = ["svc/db_password = S3cretD"]', "got 'svc/db_password = ***'"),
    ],
)
def test_a_value_a_config_error_quotes_as_name_and_secret_is_masked(
    tmp_path: Path, setting: str, shown: str
) -> None:
    """Run 86a: the reason, the last part, was never masked as a pair, though a value it quotes
    (``got 'password: S3cret'``) was cut in two there."""
    root = project(tmp_path, {"main.py": "x = 1\n"})
    services = "" if setting.startswith("services") else 'services = ["svc"]\n'
    (root / "archcheck.toml").write_text(services + setting + "\n")
    result = cli(root, "check", "--no-cache")
    assert result.returncode == 2 and "S3cret" not in result.stderr, result.stderr
    assert shown in result.stderr, result.stderr


def test_find_reads_a_docstring_example_as_code_too(tmp_path: Path) -> None:
    """Run 86b: an example in a docstring (``auth=("admin", "…")``, a numbered secret's name, a
    basic authorization header) was shown as written."""
    for doc in (
        'Use auth=("admin", "S3cretA").',
        'PASSWORD_2 = "S3cretB"',
        "Authorization: Basic dXNlcjpwYXNz",
    ):
        (tmp_path / str(len(doc))).mkdir()
        root = project(tmp_path / str(len(doc)), {"db.py": f"class DatabaseManager:\n    '''{doc}'''\n"})
        result = cli(root, "find", "database manager")
        assert result.returncode == 0 and "DatabaseManager" in result.stdout, result.stdout
        assert "S3cret" not in result.stdout and "dXNlcjpwYXNz" not in result.stdout, result.stdout


def test_a_requirements_diff_masks_a_secret_pair_as_prose(tmp_path: Path) -> None:
    """Run 86a: a requirements file is no code; ``--config-settings password=…`` is a secret."""
    root = project(tmp_path, {"main.py": "x = 1\n"})
    (root / "requirements.shared.txt").write_text("foo==1.0\n")
    (root / "svc" / "requirements.txt").write_text("bar --config-settings password=S3cretR\nfoo==1.0\n")
    result = cli(root, "check", "--diff", "--no-cache")
    assert "+-r ../requirements.shared.txt" in result.stdout, result.stdout
    assert "password=***" in result.stdout and "S3cretR" not in result.stdout + result.stderr


def test_a_one_line_error_of_many_parts_is_masked_in_linear_time() -> None:
    """A config value of 60,000 ``a: `` made the quote count before each part rescan all those
    before it: 16 s for one line on standard error."""
    from archcheck.cli import _masked_problem

    started = time.monotonic()
    shown = _masked_problem("archcheck.toml: ignore: got '" + "a: " * 60_000 + "password: S3cret'")
    assert time.monotonic() - started < 5 and "S3cret" not in shown


def test_an_error_about_a_file_named_like_a_secret_keeps_its_reason(tmp_path: Path) -> None:
    """Run 90a/04: ``secret: ***: Expecting value``: a file named like a secret hid the reason
    as if it were its value. Run 90a/02: a secret pair as a path's last part (``sub/api_key=…``)
    was shown."""
    root = project(tmp_path, {"main.py": "x = 1\n"})
    (root / "secret").write_text("hi\n")
    result = cli(root, "check", "--baseline", "secret")
    assert result.returncode == 2 and "secret: not an archcheck baseline" in result.stderr, result.stderr
    for path in ("sub/api_key=S3cretE3.json", "password=S3cretE4.json"):
        result = cli(root, "check", "--baseline", path)
        assert result.returncode == 2 and "S3cret" not in result.stderr and "=***" in result.stderr, (
            result.stderr
        )


def test_an_error_line_masks_a_numbered_secret_s_value(tmp_path: Path) -> None:
    """Run 91a/01: `got 'API_KEY_12345: S3cret'` was shown: a numbered name was no secret's
    name to the error line's reading."""
    root = project(tmp_path, {"main.py": "x = 1\n"})
    result = cli(root, "check", "--select", "API_KEY_12345: S3cretN1")
    assert result.returncode == 2 and "S3cret" not in result.stderr and "***" in result.stderr, result.stderr


def test_a_join_the_masking_makes_costs_only_the_lines_it_joins() -> None:
    """Run 115a/05: a URL's userinfo read across a line end (a lookup in an f-string's field)
    made the whole file's lines be masked one by one, so a token on the line after `"Bearer "`
    elsewhere was shown."""
    lines = [
        "import os\n",
        'DSN = f"""postgresql://app:{os.getenv(\n',
        '    "DB_PW", "dev")}@db/app"""\n',
        'headers = {"Authorization": "Bearer "\n',
        '           "eyJhbGciOiJIUzI1NiJ9Pr0dT0ken"}\n',
    ]
    shown = fixes._masked(lines, python=True)
    assert len(shown) == 5 and shown[4] == '           "***"}\n' and shown[0] == lines[0]
    # run 116a/01: the token's lines right next to the join keep their own masking
    shown = fixes._masked([*lines[1:3], *lines[3:5]], python=True)
    assert shown[3] == '           "***"}\n'


def test_a_line_of_stars_beside_a_join_is_compared_in_linear_time() -> None:
    """Run 117a/02: a line's masking was compared by a regular expression of one lazy wildcard
    per mask; a banner of `*` next to a stretch the masking joined backtracked exponentially
    (21 stars: more than 20 s in `check --diff`)."""
    stars = "*" * 24  # (8 masks to the reading; more than 20 are not read)
    lines = [
        "import os\n",
        'BANNER = f"""\n',
        f"{stars} starting with database postgresql://app:{{os.getenv(\n",
        f'    "DB_PW", "")}}@db/app {stars}\n',
        '"""\n',
    ]
    started = time.monotonic()
    shown = fixes._masked(lines, python=True)
    assert len(shown) == 5 and shown[:2] == lines[:2]
    assert time.monotonic() - started < 5  # (for ever before; milliseconds after)


def test_a_masking_of_a_line_is_what_the_wildcards_match() -> None:
    """``_masking_of`` reads each mask as any text of the line, as a regular expression of
    `[^\\n]*?` per mask would (its old reading), on every small line and masking."""
    import itertools
    import re

    def by_expression(masked: str, line: str) -> bool:
        pieces = masked.split(fixes.MASK)
        if "\n" in masked[:-1]:
            return False
        return re.fullmatch("[^\n]*?".join(map(re.escape, pieces)), line) is not None

    alphabet = ["a", "*", "\n", "***"]
    lines = ["".join(p) for n in range(5) for p in itertools.product(alphabet[:3], repeat=n)]
    maskings = ["".join(p) for n in range(4) for p in itertools.product(alphabet, repeat=n)]
    for masked in maskings:
        for line in lines:
            assert fixes._masking_of(masked, line) == by_expression(masked, line), (masked, line)


def test_azure_pipelines_logging_commands_are_broken_in_every_output(tmp_path: Path) -> None:
    """Run 120a/03: Azure Pipelines' agent reads `##vso[…]` anywhere in a line (archcheck takes
    TF_BUILD for CI): a file name or a URL of the checkout could set a variable or the PATH."""
    root = project(
        tmp_path,
        {"u.py": 'URL = "http://localhost:8001/##vso[task.prependpath]/tmp/bin"\n', "##vso[x].py": ""},
    )
    out = run(root, "--no-cache").stdout.decode()
    assert "CFG001" in out and "##vso[" not in out.lower() and "8001/##***" in out  # (a fragment: hidden)
    document = run(root, "--no-cache", "--format", "json").stdout.decode()
    assert "##vso[" not in document and "prependpath" not in document
