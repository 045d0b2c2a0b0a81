"""Run 59: a value written otherwise than its text passed the screens.

A string's value can hold what its text does not: ``"redis:\\x2f/\\x6cocalhost"`` is a loopback
URL, and so is ``"redis:/" "/localhost"``, which Python joins. A file under a coding cookie can
spell a name in ASCII bytes that decode to it (utf-7's ``+AHI-un_sync`` is ``run_sync``). The
screens read the text for the words: a pull request could hide a finding with one escape.
Run 65: an f-string whose one placeholder is a string literal (``f"{'http://localhost:1'}"``) is
that string, but the configuration facts read every placeholder as unknown.
"""

from __future__ import annotations

import ast
import io
import subprocess
import sys
import tokenize
from pathlib import Path
from typing import Callable

import pytest

from archcheck.pipeline.registry import catalogue
from tests.hostile._project import CONFIG, findings, project, rewritten, run, unscreened_agree


def _rewrite_strings(text: str, written: Callable[[str, str], str]) -> str:
    """``text`` with each plain one-line string literal (no prefix) written anew."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return text
    lines = text.splitlines(keepends=True)
    for token in reversed(tokens):
        value = token.string
        if token.type != tokenize.STRING or value[0] not in "'\"" or value[:3] in ('"""', "'''"):
            continue
        if token.start[0] != token.end[0] or "\\" in value:
            continue
        row, start = token.start
        line = lines[row - 1]
        lines[row - 1] = line[:start] + written(value[0], value[1:-1]) + line[token.end[1] :]
    return "".join(lines)


def escaped(quote: str, body: str) -> str:
    """Every letter, digit, ``:``, ``/`` and ``.`` as a ``\\xNN`` escape."""
    return (
        quote
        + "".join(f"\\x{ord(c):02x}" if c.isascii() and (c.isalnum() or c in ":/.") else c for c in body)
        + quote
    )


def split(quote: str, body: str) -> str:
    """The literal as one literal a character, which Python joins."""
    return " ".join(f"{quote}{c}{quote}" for c in body) if body else quote * 2


def placeholder(quote: str, body: str) -> str:
    """The literal as an f-string whose one placeholder holds it (run 65)."""
    inner = "'" if quote == '"' else '"'
    return f"f{quote}{{{inner}{body}{inner}}}{quote}" if inner not in body else quote + body + quote


def placeholders(quote: str, body: str) -> str:
    """The literal as an f-string of one placeholder a character, each holding it (run 66:
    ``f"http:/{'/local'}host:1"`` splits every needle where a placeholder starts or ends)."""
    inner = "'" if quote == '"' else '"'
    if inner in body or "\\" in body:
        return quote + body + quote
    return "f" + quote + "".join(f"{{{inner}{c}{inner}}}" for c in body) + quote


def joined_placeholders(quote: str, body: str) -> str:
    """The literal as f-strings joined by a blank, each one placeholder holding two characters
    (run 67: ``f"{'http:'}" f"{'//local'}"`` joins at a quote that opens on a brace)."""
    inner = "'" if quote == '"' else '"'
    if inner in body or "\\" in body or not body:
        return quote + body + quote
    pieces = [body[i : i + 2] for i in range(0, len(body), 2)]
    return " ".join(f"f{quote}{{{inner}{piece}{inner}}}{quote}" for piece in pieces)


@pytest.mark.parametrize(
    "written",
    [escaped, split, placeholder, placeholders, joined_placeholders],
    ids=["escaped", "split", "placeholder", "placeholders", "joined_placeholders"],
)
@pytest.mark.parametrize("spec", [s for s in catalogue() if s.code.startswith("CFG")], ids=lambda s: s.code)
def test_strings_written_otherwise_pass_no_screen(
    tmp_path: Path, spec, written: Callable[[str, str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every configuration rule's examples, their strings so written: the same findings with
    the screens as without them, and those of the plain spelling."""
    for index, example in enumerate(spec.invalid + spec.valid):
        root = rewritten(tmp_path / str(index), example, lambda text: _rewrite_strings(text, written))
        screened = unscreened_agree(root, monkeypatch)
        assert screened == findings(rewritten(tmp_path / f"{index}-plain", example)), index


def test_a_caller_spelt_in_a_seven_bit_encoding_is_in_the_call_graph(tmp_path: Path) -> None:
    helpers = "import asyncio\n\n\ndef run_sync(job):\n    return asyncio.run(job)\n"
    caller = "from app.helpers import run_sync\n\n\nasync def handle(order):\n    run_sync(order)\n"
    cookie = "# -*- coding: utf-7 -*-\n"
    root = project(tmp_path, {"helpers.py": helpers})
    spelt = (cookie + caller).replace("run_sync", "+AHI-un_sync").encode("ascii")  # utf-7: "+AHI-" is "r"
    assert ast.dump(ast.parse(spelt)) == ast.dump(ast.parse(caller))
    (root / "svc" / "app" / "handlers.py").write_bytes(spelt)
    out = run(root, "--no-cache").stdout.decode()
    assert "svc/app/handlers.py:6:5: ASY003 async function 'handle' calls 'run_sync'" in out


def test_a_string_followed_by_comment_lines_is_screened_in_linear_time(tmp_path: Path) -> None:
    """The pattern for joined literals read a comment and the white space after it two ways:
    a string before 40 comment lines of trailing spaces took years (16 times as long every
    two lines); and it read on through a block of comment lines from each quote that ends
    one (100,000 lines ``# a"``: quadratic, hours). Past 8 comment lines it marks the line
    without reading on, so that literals joined across more are still marked."""
    text = 'x = "a"\n' + "#   \n" * 40 + 'URL = "http://localhost:8000"\n' + '# a"\n' * 100_000
    text += 'REDIS = ("redis:/"\n' + "# a comment\n" * 20 + ' "/localhost:6379")\n'
    root = project(tmp_path, {"comments.py": text}, CONFIG)
    result = subprocess.run(  # a hang guard, not a timing: linear, this takes about 2 s
        [sys.executable, "-m", "archcheck", "check", "--no-cache"], cwd=root, capture_output=True, timeout=60
    )
    out = result.stdout.decode()
    assert "svc/app/comments.py:42:7: CFG001" in out and "svc/app/comments.py:100043:10: CFG001" in out


RUN_60 = '''\
A_URL = """http:/""" "/svc:8001"
B_URL = "http:/" """/svc:8001"""
C_URL = "http:/\\
/svc:8001"
D_URL = "http:" \'\'\'//svc:8001\'\'\'
G_URL = "http:/" "" "/svc:8001"
H_URL = "http:/" f"" "/svc:8001"


class Settings(BaseSettings):
    redis_host: str = "12\\
7.0.0.1"
    other_host: str = "12" """7.0.0.1"""
    cache_host: str = "[::0001]"
    queue_host: str = "[::0:1]:5672"
    store_host: str = "0:0:0:0:0:0:0:1"
'''


def test_literals_joined_around_quotes_and_ipv6_spellings_pass_no_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 60: a triple-quoted or an empty literal beside the join, a backslash-newline inside
    a literal, and IPv6's loopback written without ``::1`` passed the configuration screen."""
    text = "from pydantic_settings import BaseSettings\n" + RUN_60
    screened = unscreened_agree(project(tmp_path, {"settings.py": text}, CONFIG), monkeypatch)
    assert len([f for f in screened if f[0] == "CFG001"]) == 6
    # (run 102b/12: IPv6's loopback without brackets is one too, `"0:0:0:0:0:0:0:1"`)
    assert [f[2] for f in screened if f[0] == "CFG004"] == [12, 14, 15, 16, 17]


def test_a_line_of_quotes_and_comment_marks_is_screened_in_linear_time(tmp_path: Path) -> None:
    """Run 60: each quote of ``a"#a"#…`` read the rest of its line as a comment (1 MB: over
    two minutes). A comment between literals is read for 120 characters at most."""
    text = "# " + 'a"#' * 333_000 + '\nURL = "http://localhost:8000"\n'
    root = project(tmp_path, {"line.py": text}, CONFIG)
    result = subprocess.run(  # a hang guard, not a timing
        [sys.executable, "-m", "archcheck", "check", "--no-cache"], cwd=root, capture_output=True, timeout=60
    )
    assert "svc/app/line.py:2:7: CFG001" in result.stdout.decode()


RUN_61 = '''\
import os

A_URL = "http:/" "\\
/svc:8001"
B_URL = "http:/\\
" "/svc:8001"
C_URL = "http:/\\
\\
/svc:8001"
D_URL = """http:/""""/svc:8001"
E_URL = """http:/"""r"/svc:8001"
F_URL = "http:/""""/svc:8001"""
G_URL = \'\'\'http:/\'\'\'"""/svc:8001"""
OTLP_ENDPOINT = R\'\'\'localhos\'\'\'FR't:4317'
host = 4317
TRACE_ENDPOINT = f"local{host/1=}"


def connect(
    url=os.getenv("REDIS_URL", "redis://localhost:6379")):  """Connect to Redis."""


def sign(
    secret=os.environ["JWT_SECRET_PROD"]): "Sign a token."


def make():
    class Base(BaseSettings):
        pass

    class App(Base):
        url: str = "http://localhost:9001"

    return App


def make_spelt():
    class \uff22ase(BaseSettings):
        pass

    class App(Base):
        url: str = "http://localhost:9002"

    return App
'''


def test_literals_joined_without_blanks_or_around_continuations_pass_no_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 61: a backslash-newline beside a quote or beside another, two literals joined with no
    blank between (one triple-quoted, or a prefix), an f-string's ``=`` expression, a docstring
    on the last line of a signature, and a settings base class on lines with no marker: the
    screened walk saw less than the whole one."""
    text = "from pydantic_settings import BaseSettings\n" + RUN_61
    screened = unscreened_agree(project(tmp_path, {"a.py": text}, CONFIG), monkeypatch)
    assert [f[2] for f in screened if f[0] == "CFG001"] == [4, 6, 8, 11, 12, 13, 14, 15, 17]
    assert [f[:3:2] for f in screened if f[0] != "CFG001"] == [("CFG004", 21), ("CFG003", 25)]


def test_a_placeholder_in_a_host_is_no_loopback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run 61: an f-string expression was read as ``0`` in a bare host (``f"[::{port}1]"`` is
    ``[::51]`` for 5): a host partly computed is not known."""
    text = 'import os\nn = os.environ["N"]\nA_ENDPOINT = f"[::{n}1]:4317"\nB_ENDPOINT = f"[{n}:{n}:{n}:{n}:{n}:{n}:{n}:1]"\n'
    text += 'C_ENDPOINT = f"localhost:{n}"\n'
    assert [f[2] for f in unscreened_agree(project(tmp_path, {"a.py": text}, CONFIG), monkeypatch)] == [5]


def test_quotes_in_comment_lines_before_many_blanks_are_screened_in_linear_time(tmp_path: Path) -> None:
    """Run 61: 160 quotes in 4 comment lines each read a run of 10,000 blanks after them, three
    ways (5 MB: 20 s). The blanks are read once, 120 of them at most (about a second)."""
    block = ("#" + 'a"#' * 39 + "\n") * 4 + " " * 10_000 + "\nx = 1\n"
    text = block * 460 + 'URL = "http://localhost:8000"\n'
    root = project(tmp_path, {"blanks.py": text}, CONFIG)
    result = subprocess.run(  # a hang guard, not a timing
        [sys.executable, "-m", "archcheck", "check", "--no-cache"], cwd=root, capture_output=True, timeout=15
    )
    assert "svc/app/blanks.py:2761:7: CFG001" in result.stdout.decode()


RUN_62 = """\
import os

import httpx

OTLP_ENDPOINT = "[::ffff:7f00:1]:4317"
TRACE_ENDPOINT = "[::FFFF:127.0.0.1]:4317"


def outer():
    \"\"\"Doc.\"\"\"
    @retry(os.getenv("RETRY_URL", "http://localhost:1"))
    def inner():
        pass


class Handlers:
    def start(self):
        \"\"\"Doc.\"\"\"
        @app.on_event(httpx.get("http://localhost:8000/x"))
        def ready():
            pass


# the base class \\
class Base(BaseSettings):
    pass


def make():
    class App(Base):
        url: str = "http://localhost:9003"
"""


def test_decorators_after_a_docstring_and_mapped_loopback_pass_no_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 62: a decorator of a function defined after a docstring lay outside the lines the
    screen read of the enclosing function; an IPv4-mapped loopback address (``::ffff:7f00:1``)
    held no needle, and was loopback only from Python 3.13; a comment ending in ``class \\``
    hid the class statement after it from the names of the file's classes."""
    text = "from pydantic_settings import BaseSettings\n" + RUN_62
    screened = unscreened_agree(project(tmp_path, {"a.py": text}, CONFIG), monkeypatch)
    assert [f[:3:2] for f in screened] == [("CFG001", 6), ("CFG001", 7), ("CFG004", 12), ("CFG001", 20)]
