"""Rows 1-5, 8, 11-14 and 18: hostile files never crash, hang, leak or poison the cache."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from archcheck import api
from archcheck.model import ParseProblem
from archcheck.pipeline import filephase
from archcheck.pipeline.cache import signature
from tests.helpers import refuse_listing
from tests.hostile._project import CONFIG, project, run

POSIX = pytest.mark.skipif(os.name != "posix", reason="FIFOs and symlinks as POSIX has them")
# a `type` statement is grammar only LibCST reads before 3.12: from 3.12 `ast` parses it
NEWER_GRAMMAR = pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12 parses a type statement")
NOT_ROOT = pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anything")


def _text(root: Path, *args: str) -> str:
    result = run(root, "--no-cache", *args)
    assert result.returncode in (0, 1), result.stderr
    return result.stdout.decode("utf-8")


def test_a_long_elif_chain_is_walked_without_recursion(tmp_path: Path) -> None:
    branches = "".join(f"elif x == {i}:\n    pass\n" for i in range(1500))
    source = f"if x:\n    pass\n{branches}else:\n    import asyncio\n\nasync def f():\n    asyncio.run(f())\n"
    root = project(tmp_path, {"chain.py": source})
    assert "ASY001" in _text(root)  # the import at the end of the chain was seen


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_parser_crash_costs_one_file_not_the_run(tmp_path: Path, jobs: str) -> None:
    files = {f"m{i}.py": "x = 1\n" for i in range(70)}  # enough for a process pool
    files["deep.py"] = "x = " + "[" * 1400 + "]" * 1400 + "\n"  # LibCST's native parser segfaults
    files["loop.py"] = "import asyncio\n\nasync def f():\n    asyncio.run(f())\n"
    out = _text(project(tmp_path, files), "--jobs", jobs)
    assert "svc/app/deep.py:1:" in out and "ARC001" in out
    assert "svc/app/loop.py:4:5: ASY001" in out  # the other files were checked


@pytest.mark.parametrize("target", ["/etc/hostname", "../../etc/hostname"])
def test_an_include_outside_the_project_is_not_read(tmp_path: Path, target: str) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / "svc" / "requirements.txt").write_text(f"-r {target}\nhttpx\n")
    out = _text(root)
    assert "outside the project; not read" in out


@pytest.mark.parametrize(
    ("requirements", "reason"),
    [
        (f"-r {'a' * 300}.txt\n".encode(), "has a name longer than the system allows"),
        (f"-c {'a/' * 2100}a.txt\n".encode(), "has a name longer than the system allows"),
        ("-r a\x00b.txt\n".encode("utf-16"), "is not a file name the system accepts"),  # pip reads UTF-16
        (b"# coding: unicode_escape\n-r a\\ud800b.txt\n", "is not a file name the system accepts"),
    ],
)
def test_an_include_the_system_cannot_name_is_a_finding(
    tmp_path: Path, requirements: bytes, reason: str
) -> None:
    """pathlib's is_file raised on these names (ENAMETOOLONG, a NUL, a lone surrogate): an
    internal error, cached or not."""
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / "svc" / "requirements.txt").write_bytes(requirements)
    for args in ((), ("--no-cache",), ()):
        result = run(root, *args)
        assert result.returncode == 1 and reason in result.stdout.decode("utf-8"), result.stderr


def test_no_include_of_a_file_reached_by_an_include_is_quoted(tmp_path: Path) -> None:
    """``-r ../ci-token.txt`` in a service's file: each line of the token file that reads as an
    include (``-rTOKEN``, ``--requirement=TOKEN``, ``-ZrTOKEN``) named its target, the token; a
    coding comment named its encoding. A service's own file still names what it includes."""
    (tmp_path / "ci-token.txt").write_text(
        "-rSECRET1\n--requirement=SECRET2\n-ZcSECRET3\n-r /SECRET4\n", encoding="utf-8"
    )
    (tmp_path / "ci-other.txt").write_text("# coding: SECRET5\nx\n", encoding="utf-8")
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / "svc" / "requirements.txt").write_text("-r ../ci-token.txt\n-r ../ci-other.txt\n-r missing.txt\n")
    out = _text(root)
    assert "SECRET" not in out and out.count("the file this line includes") == 4
    assert "included file 'svc/missing.txt' does not exist" in out


@POSIX
def test_a_link_to_a_foreign_file_is_not_read_or_quoted(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:SECRET-LINE\n")
    (tmp_path / "p").mkdir()
    root = project(tmp_path / "p", {"a.py": "x = 1\n"})
    (root / "svc" / "extra.txt").symlink_to(secret)
    (root / "svc" / "requirements.txt").write_text("-r extra.txt\nhttpx\n")
    out = _text(root)
    assert "leads outside the project" in out and "SECRET-LINE" not in out


def test_an_include_into_git_is_not_read(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[remote]\nurl = https://token@example.com\n")
    (root / "svc" / "requirements.txt").write_text("-r ../.git/config\nhttpx\n")
    out = _text(root)
    assert "excluded folder; not read" in out and "token" not in out


@POSIX
@pytest.mark.parametrize("name", ["x.py", ".env"])
def test_a_fifo_is_not_read(tmp_path: Path, name: str) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    os.mkfifo(root / "svc" / "app" / name)
    assert "not a regular file" in _text(root)  # and it returned: the read did not block


@POSIX
def test_a_link_to_a_device_is_not_read(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / "svc" / "app" / "z.py").symlink_to("/dev/zero")
    assert "svc/app/z.py:1:1: ARC001" in _text(root)


def test_a_file_over_max_file_size_is_skipped(tmp_path: Path) -> None:
    root = project(tmp_path, {"big.py": "x = 1\n" * 400_000}, CONFIG + "max-file-size = 1\n")
    assert "skipped: 2.3 MB, over max-file-size (1 MB)" in _text(root)


def test_a_file_of_more_tokens_than_max_file_size_allows_is_not_parsed(tmp_path: Path) -> None:
    # a syntax tree takes about 550 bytes a token of `a+b+…` (4 MB of it took 2.2 GB), and a
    # statement as much as 3 tokens more (2 MB of lines `a`: 1.8 GB); max-file-size 1 allows
    # 149,796 tokens: 230 KB of `a+b+…`, 80 KB of names; far more ordinary code, or strings
    dense = "".join(f"x{i} = " + "+".join("ab" for _ in range(40)) + "\n" for i in range(2_000))
    names = "a\n" * 40_000
    loop = "import asyncio\n\nasync def f():\n    asyncio.run(f())\n"
    ordinary = "import asyncio\n\n" + "async def f(request, limit=10):\n    return request\n\n" * 5_000 + loop
    # generated data: a bytes literal of escapes (pyrcc5), a JSON document in a string, a table
    # of numbers (126,000 tokens, 1.5 each counted as one)
    escapes = 'DATA = b"\\\n' + "\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\\n" * 12_000 + '"\n' + loop
    document = (
        'POLICIES = """\n'
        + '{"Action": ["s3:GetObject", "s3:List*"], "Effect": "Allow"},\n' * 8_000
        + '"""\n'
    )
    files = {
        "dense.py": dense,
        "names.py": names,
        "ordinary.py": ordinary,
        "data.py": escapes,
        "doc.py": document + loop,
        "table.py": "TABLE = [\n" + "    0.25, 0.50, 0.75, 1.00, 1.25, 1.50,\n" * 9_000 + "]\n" + loop,
    }
    # a quote that reads as the start of a string to the end of the file (PEP 701 reuses it);
    # quotes that close no string, which 3.11's tokenizer retried at each (40 KB: 17 s)
    files["quote.py"] = 'x = f"{"\'\'\'"}"\n' + dense
    files["quotes.py"] = "x = 1\n" + "'\\" * 100_000 + "x\n"
    out = _text(project(tmp_path, files, CONFIG + "max-file-size = 1\n"))
    assert "svc/app/quote.py:1:1: ARC001 cannot check this file: skipped: " in out
    assert "svc/app/quotes.py:2:1: ARC001 cannot check this file: syntax error: unterminated string" in out
    over = " tokens, over the 149,796 that max-file-size (1 MB) allows"
    assert "svc/app/dense.py:1:1: ARC001 cannot check this file: skipped: 168,000" + over in out
    assert "svc/app/names.py:1:1: ARC001 cannot check this file: skipped: 160,000" + over in out
    for parsed in ("ordinary", "data", "doc", "table"):  # 250 to 530 KB each, no finding but ASY001
        assert f"svc/app/{parsed}.py:" in out and f"svc/app/{parsed}.py:1:1: ARC001" not in out


@POSIX
@NEWER_GRAMMAR
def test_a_lower_memory_limit_of_the_caller_keeps_the_childs_cpu_limit(tmp_path: Path) -> None:
    """Under ``ulimit -v`` below the child's 2 GB, setting that limit failed and the CPU-time
    limit after it was never set: the LibCST child ran on to the wall-clock wait, so the same
    file was ARC003 or passed by the machine's speed."""
    import resource

    def lower() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))

    root = project(tmp_path, {"chain.py": "type T = int\nx = a" + "[0]" * 4_000 + "\n"})
    result = subprocess.run(
        [sys.executable, "-m", "archcheck", "check", "--no-cache"],
        cwd=root,
        capture_output=True,
        timeout=300,
        preexec_fn=lower,
    )
    assert b"svc/app/chain.py:1:1: ARC003" in result.stdout
    assert b"it ran out of its 1 s of CPU time" in result.stdout, result.stdout


def test_an_import_of_thousands_of_dotted_parts_is_not_parsed(tmp_path: Path) -> None:
    """CPython's parser keeps every prefix of an imported dotted name: 30,000 parts in 60 KB
    took 1 GB, under the token bound; 1,000 dots of one import statement are the most parsed,
    however its lines are continued, and 50 million characters of its names' prefixes (999
    parts of 1,000 letters: 1 MB, 1 GB). Dots elsewhere (attribute chains, strings) are no
    import's."""
    files = {
        "dotted.py": "import os" + ".a" * 30_000 + "\n",
        "hidden.py": "y = 1  #\\\nimport os" + ".a" * 30_000 + "\n",  # a comment's backslash hid it
        "continued.py": "import os" + "\\\n.a" * 30_000 + "\n",
        "long.py": "from " + ("a" * 1_000 + ".") * 999 + "b import c\n",
        "spaced.py": "import " + ("a" * 1_000 + " . ") * 999 + "b\n",  # Python joins the parts
        "many.py": ("import " + ("a" * 99 + ".") * 999 + "b\n") * 6,  # each statement under the bound
        # short lines of different names, each character kept in four bytes (beyond U+FFFF)
        "wide.py": "".join(f"import \U00020000x{i:07d}" + "a" * 700 + ".b" * 70 + "\n" for i in range(600)),
        "string.py": 's = "import ' + "a." * 30_000 + 'a"\n',
        "middot.py": "import a\u00b7."
        + ".".join(["a"] * 20_000)
        + "\n",  # an identifier's character beyond \w
        # each ﷲ is four Arabic letters once NFKC-normalised, kept in two bytes and in UTF-8
        "arabic.py": "import " + ".".join(["\ufdf2" * 48] * 1_001) + "\n",
        "attributes.py": "import os.path\n" + "x = a.b.c.d.e.f\n" * 1_000 + 's = "' + "a." * 5_000 + '"\n',
    }
    out = _text(project(tmp_path, files))
    assert (
        "svc/app/dotted.py:1:1: ARC001 cannot check this file: skipped: an import of 30,000 dots, over 1,000"
        in out
    )
    assert "svc/app/hidden.py:1:1: ARC001 cannot check this file: skipped: an import of 30,000 dots" in out
    assert "svc/app/continued.py:1:1: ARC001 cannot check this file: skipped: an import of 30,000 dots" in out
    prefixes = "svc/app/long.py:1:1: ARC001 cannot check this file: skipped: imports whose dotted names'"
    assert f"{prefixes} prefixes hold 499,998,501 bytes, over 50,000,000" in out
    spaced = "svc/app/spaced.py:1:1: ARC001 cannot check this file: skipped: imports whose dotted names'"
    assert f"{spaced} prefixes hold 499,998,501 bytes" in out
    assert "svc/app/many.py:1:1: ARC001 cannot check this file: skipped: imports whose dotted names'" in out
    wide = "svc/app/wide.py:1:1: ARC001 cannot check this file: skipped: imports whose dotted names'"
    assert f"{wide} prefixes hold 261,408,000 bytes" in out
    assert "svc/app/middot.py:1:1: ARC001 cannot check this file: skipped: an import of 20,000 dots" in out
    arabic = "svc/app/arabic.py:1:1: ARC001 cannot check this file: skipped: imports whose dotted names'"
    assert f"{arabic} prefixes hold 579,573,000 bytes" in out
    assert "svc/app/string.py" not in out
    assert "svc/app/attributes.py" not in out


def test_nesting_weighs_on_the_token_bound(tmp_path: Path) -> None:
    """Nesting costs more tree a token (``[*[*[*…a]]]`` 150 deep: 684,000 tokens, under the
    bound, took 2.4 GB). The memory limit that caught it counted from what the process maps,
    so memory freed by earlier parses gave it up to 0.2 GB more: a file that needed just over
    1 GB passed in a cold run and failed in a warm one. A token in brackets now weighs more
    by its depth, and the bound, which reads only the file, decides; ordinary nesting of as
    many tokens is parsed."""
    line = "x = " + "[*" * 150 + "a" + "]" * 150 + "\n"
    flat = "x = [" + "[a, (b, c)], " * 50_000 + "]\n"  # 700,000 tokens, 1 to 3 brackets deep
    loop = "import asyncio\n\nasync def f():\n    asyncio.run(f())\n"
    files = {"star.py": line * 1_500, "flat.py": flat, "loop.py": loop}
    out = _text(project(tmp_path, files), "--jobs", "1")
    skipped = "skipped: 3,220,875 tokens, over the 748,982 that max-file-size (5 MB) allows"
    assert f"svc/app/star.py:1:1: ARC001 cannot check this file: {skipped}" in out
    assert "svc/app/flat.py" not in out and "svc/app/loop.py:4:5: ASY001" in out


def test_a_number_and_attributes_after_it_and_lambdas_count_as_python_reads_them(tmp_path: Path) -> None:
    """``1..a.a…`` is the float ``1.`` and attributes, but the count read it as one number
    (5 MB parsed in 1.6 GB, and near 1 GB the memory limit decided, differently run to run);
    ``lambda a:`` chains took 1.1 KB a token. A number holds one dot at most, and a lambda
    weighs as much as a statement."""
    files = {
        "numbers.py": ("1." + ".a" * 999 + "\n") * 80,  # 160,000 tokens
        "lambdas.py": ("x = " + "lambda a:" * 100 + "0\n") * 400,  # 120,000 tokens, 40,000 lambdas
        "floats.py": "x = [" + "1.5, 2.e5, 3_0.0j, " * 10_000 + "]\n",  # 60,000 tokens
        "keywords.py": ("x = " + "1.if 1.in 1.else " * 300 + "1.\n") * 90,  # 162,540 tokens
        "continued.py": "x = [a"
        + "\\\nfor\\\na\\\nin\\\na" * 40_000
        + "]\n",  # 816,008 tokens (160,000 words; a continuation weighs as a line)
        # a comment ending in a backslash hid every line after it
        "comments.py": "y = 1  #\\\n" + "x = a + b + c + d + e + f + g + h  #\\\n" * 8_000,
    }
    out = _text(project(tmp_path, files, CONFIG + "max-file-size = 1\n"))
    over = " tokens, over the 149,796 that max-file-size (1 MB) allows"
    assert "svc/app/numbers.py:1:1: ARC001 cannot check this file: skipped: 160,160" + over in out
    assert "svc/app/lambdas.py:1:1: ARC001 cannot check this file: skipped: 242,400" + over in out
    assert "svc/app/keywords.py:1:1: ARC001 cannot check this file: skipped: 162,540" + over in out
    assert "svc/app/continued.py:1:1: ARC001 cannot check this file: skipped: 816,008" + over in out
    assert "svc/app/comments.py:1:1: ARC001 cannot check this file: skipped: 176,008" + over in out
    assert "svc/app/floats.py" not in out


@POSIX
def test_a_parse_that_needs_more_memory_than_its_limit_is_skipped(tmp_path: Path) -> None:
    """The memory limit stays, for a shape the bound does not know: a parse over it is
    ARC001, and the next file is parsed (here the limit is made 64 MB)."""
    script = (
        "from archcheck.facts import source\n"
        "source.PARSE_MEMORY = 64 << 20\n"
        "print(source.parse('big.py', b'a + b\\n' * 100_000).reason)\n"
        "print(type(source.parse('small.py', b'a + b\\n')).__name__)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    reason = "skipped: parsing it takes more than 64 MB of memory, or nesting deeper than the parser's stack"
    assert result.stdout.splitlines() == [reason, "ParsedSource"]


@pytest.mark.parametrize(
    "name", ["cafe\u0301", "\u0928\u092e\u0938\u094d\u0924\u0947", "a\u00b7b", "a\u203fb"]
)
def test_a_name_the_tokenizer_cannot_read_leaves_the_count_to_it(name: str) -> None:
    """3.11's tokenizer reads a name as ``\\w+``, but Python takes combining marks, ``\u00b7``
    and ``\u203f`` in one: its error token made a valid file of 30 tokens and a large string
    "1,480,057 tokens, over" (every word of the string; run 58)."""
    from archcheck.facts import source

    assert name.isidentifier()
    words = " ".join(f"w{i}" for i in range(30_000))
    text = f'x = f"{{y}}"\nDOC = """{words}"""\n{name} = 1\n'
    assert source.count_words(text) > 20_000 > source.count_tokens(text)
    assert source._tokens_over(text, 20_000) is None


def _allocate(size: int) -> int:
    return len(bytearray(size))


@POSIX
def test_a_child_gets_its_memory_beyond_what_the_parent_maps() -> None:
    """The child's limit was absolute: forked from a process that mapped more (after larger
    files), the same file's tokenizer ran out of memory, and the file was "skipped" cold but
    checked warm (run 57)."""
    import mmap

    from archcheck.isolate import run_isolated

    ballast = mmap.mmap(-1, 512 << 20)  # mapped, never touched
    try:
        assert run_isolated(_allocate, 64 << 20, memory=256 << 20) == 64 << 20
    finally:
        ballast.close()


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12's tokenizer keeps no state for an escape")
def test_the_tokenizer_reads_escapes_in_little_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before 3.12, the tokenizer's string pattern kept a state for each escape (1.14 million
    ``\\n`` in one literal: about 0.9 GB), so a valid file of a few tokens beside an f-string
    was "skipped: 2,280,040 tokens" when its memory ran out. It reads escape pairs as two
    plain characters, as the string-aware count does."""
    from archcheck.facts import source

    monkeypatch.setattr(source, "TOKENIZE_MEMORY", 48 << 20)
    text = "x = f''\ny = '" + "\\n" * 300_000 + "'\nz = 1\n"
    assert source.count_words(text) > 100_000 >= source.count_tokens(text)
    assert source._tokens_over(text, 100_000) is None


@NEWER_GRAMMAR
def test_a_large_file_only_the_cst_parser_could_read_is_not_parsed(tmp_path: Path) -> None:
    """LibCST's tree and positions take about 30 µs a token (200 KB of lines ``a`` after a
    3.12 ``type`` statement: 13 s and 840 MB, and the walks ran in this process without a
    limit); its parse alone, 12 s and 1.5 GB for 650,000 tokens (run 77). Over an eighth of
    what max-file-size allows, a file this Python rejects is not parsed: ARC003 at the line
    rejected, newer grammar or a syntax error alike, unless it holds nothing newer grammar
    needs (no f-string, no ``type``…): then a syntax error, ARC001."""
    newer = "type X = int\n" + "a\n" * 1_000
    broken = "def (:\n" + "a\n" * 1_000
    unknown = "x = f'{a}'\ndef (:\n" + "a\n" * 1_000  # (an f-string: it might be PEP 701's)
    small = "type X = int\nimport os\n"
    files = {"newer.py": newer, "broken.py": broken, "unknown.py": unknown, "small.py": small}
    out = _text(project(tmp_path, files, CONFIG + "max-file-size = 0.1\n"))  # 14,979 tokens
    assert "svc/app/newer.py:1:1: ARC003 not checked: this Python rejects it (" in out
    assert "at 4,007 tokens, over the 1,872 the CST parser reads" in out
    assert "svc/app/broken.py:1:5: ARC001 cannot check this file: syntax error" in out
    assert "svc/app/unknown.py:2:1: ARC003 not checked: this Python rejects it (" in out
    assert "it was not read to tell newer grammar from a syntax error" in out
    assert "svc/app/small.py:1:1: ARC003 not checked: the rules that read its code skip it" in out  # (read)


@NEWER_GRAMMAR
def test_a_file_only_the_cst_parser_reads_gets_cpu_time_by_its_tokens(tmp_path: Path) -> None:
    """LibCST's parser is super-linear in one long chain (4,000 subscripts in 12 KB: 51 s), so
    its child gets 100 µs of CPU time a token (at least 1 s), not 20 s for any file."""
    chain = "type T = int\nx = a" + "[0]" * 4_000 + "\n"
    out = _text(project(tmp_path, {"chain.py": chain, "ordinary.py": "type U = int\nimport os\n"}))
    assert "svc/app/chain.py:1:1: ARC003 not checked: this Python rejects it (" in out
    assert "could not finish it: it ran out of its 1 s of CPU time" in out
    assert "svc/app/ordinary.py:1:1: ARC003 not checked: the rules that read its code skip it" in out


@pytest.mark.parametrize(
    "value", ['"/tmp/cache"', '"../cache"', '"~/cache"', '".git/refs/heads/cache"', '"a/.hg/c"']
)
def test_a_cache_dir_outside_the_project_is_a_config_error(tmp_path: Path, value: str) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"}, CONFIG + f"cache-dir = {value}\n")
    result = run(root)
    assert result.returncode == 2 and b"cache-dir" in result.stderr and b"Traceback" not in result.stderr


def test_a_chmod_changes_the_signature(tmp_path: Path) -> None:
    path = tmp_path / "a.py"
    path.write_text("x = 1\n")
    before = signature(path)
    path.chmod(0o600)
    assert signature(path) != before


@NOT_ROOT
def test_an_unreadable_directory_is_reported(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n", "hidden/b.py": "x = 1\n"})
    (root / "svc" / "app" / "hidden").chmod(0)
    try:
        assert "svc/app/hidden:1:1: ARC001 cannot check this file: cannot list directory" in _text(root)
    finally:
        (root / "svc" / "app" / "hidden").chmod(0o755)


def test_new_requirements_files_invalidate_the_report_cache(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / "requirements.shared.txt").write_text("httpx==0.27.0\n")
    (root / "svc" / "requirements.txt").unlink()
    first = run(root)
    (root / "svc" / "requirements.txt").write_text("httpx==0.27.0\n")  # duplicates the shared file
    cached, fresh = run(root), run(root, "--no-cache")
    assert cached.stdout == fresh.stdout and b"REQ00" in fresh.stdout and first.stdout != fresh.stdout


def test_a_file_saved_during_the_run_is_not_cached_under_the_old_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    settings = api.load_settings(root)
    real_read = filephase.read_project_file

    def saved_meanwhile(base: str, path: str, limit: int) -> bytes:
        if path.endswith("a.py"):  # the editor saves between the hash and the analysis
            (root / path).write_text('URL = "http://localhost:8000"\n')
        return real_read(base, path, limit)

    monkeypatch.setattr(filephase, "read_project_file", saved_meanwhile)
    api.check(settings, jobs=1)
    monkeypatch.setattr(filephase, "read_project_file", real_read)
    (root / "svc/app/a.py").write_text("x = 1\n")  # back to the content the run hashed
    cached = [v.code for v in api.check(settings, jobs=1).violations]
    fresh = [v.code for v in api.check(settings, jobs=1, use_cache=False).violations]
    assert cached == fresh == []


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_workers_die_with_their_parent(tmp_path: Path) -> None:
    import signal
    import subprocess
    import time

    files = {f"m{i}.py": "import asyncio\n" * 2000 for i in range(400)}
    root = project(tmp_path, files)
    process = subprocess.Popen(
        [sys.executable, "-m", "archcheck", "check", "--no-cache", "-j", "2"], cwd=root
    )
    time.sleep(2.5)  # the pool is working
    children = [int(p) for p in Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()]
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.time() + 10
    while time.time() < deadline and any(Path(f"/proc/{c}").exists() for c in children):
        time.sleep(0.2)
    alive = [c for c in children if Path(f"/proc/{c}").exists() and "Z" not in _state(c)]
    assert alive == []


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return "Z"


def test_a_directory_that_cannot_be_listed_is_reported_as_root_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n", "hidden/b.py": "x = 1\n"})
    refuse_listing(monkeypatch, "hidden")
    report = api.check(api.load_settings(root), use_cache=False, jobs=1)
    assert any(
        v.code == "ARC001" and v.location.path == "svc/app/hidden" and "cannot list directory" in v.message
        for v in report.violations
    )


@POSIX
@pytest.mark.parametrize("link", ["file", "folder"])
def test_a_link_into_git_is_not_read_or_quoted(tmp_path: Path, link: str) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[http]\n\textraheader = AUTHORIZATION: basic SECRET-TOKEN\n")
    if link == "file":
        (root / "svc" / "extra.txt").symlink_to("../.git/config")
        include = "extra.txt"
    else:
        (root / "gitdir").symlink_to(".git")
        include = "../gitdir/config"
    (root / "svc" / "requirements.txt").write_text(f"-r {include}\nhttpx\n")
    out = _text(root)
    assert "excluded folder; not read" in out and "SECRET-TOKEN" not in out and "extraheader" not in out


def test_an_include_of_an_env_file_is_not_read(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / ".env").write_text("API_TOKEN=ghp_S3CRETVALUE\n")
    (root / "svc" / "requirements.txt").write_text("-r ../.env\nhttpx\n")
    out = _text(root)
    assert "environment file, not a requirements file; not read" in out and "S3CRET" not in out


def test_a_file_of_assignments_is_not_quoted(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / "svc" / "settings.ini").write_text("password = hunter2\nflask\n")
    (root / "svc" / "requirements.txt").write_text("-r settings.ini\nhttpx\n")
    out = _text(root)
    assert "cannot parse requirement" in out and "hunter2" not in out


@pytest.mark.parametrize(
    "content",
    [
        "[pypi]\nusername: __token__\npassword: pypi-S3CRET\n",
        "machine github.com login bot password ghp_S3CRET\n",
        '{"auths": {"ghcr.io": {"auth": "S3CRET"}}}\n',
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAAS3CRETd+AgEAAoIBAQCpID4RHRBa\n-----END PRIVATE KEY-----\n",
        "--token=S3CRET\n-S3CRET\n",
    ],
)
def test_no_line_of_an_included_file_is_quoted(tmp_path: Path, content: str) -> None:
    """An ``-r`` may name any file of the checkout, such as credentials a CI step wrote there."""
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / "svc" / "creds").write_text(content)
    (root / "svc" / "requirements.txt").write_text("-r creds\nhttpx\n")
    for form in ("text", "json", "sarif", "github"):
        out = run(root, "--no-cache", "--format", form).stdout.decode("utf-8")
        assert "ARC001" in out and "S3CRET" not in out and "ghp_" not in out and "pypi-" not in out


@pytest.mark.parametrize("cookie", ["punycode", "undefined"])
@pytest.mark.parametrize("where", ["svc/app/p.py", "svc/requirements.txt", "svc/.env"])
def test_a_codec_that_fails_as_a_whole_is_a_finding(tmp_path: Path, cookie: str, where: str) -> None:
    """In Python source and a requirements file; a .env file is UTF-8 to python-dotenv, and
    its `# coding:` line a comment (run 120c/01: it was ARC001)."""
    root = project(tmp_path, {"loop.py": "import asyncio\n\nasync def f():\n    asyncio.run(f())\n"})
    (root / where).write_text(f"# coding: {cookie}\nx = 1\n")
    out = _text(root)
    assert (f"{where}:1:1: ARC001" in out) != where.endswith(".env") and "svc/app/loop.py:4:5: ASY001" in out


def test_a_dotenv_file_is_read_as_utf8_whatever_its_first_line_says(tmp_path: Path) -> None:
    """Run 120c/01: a .env file was decoded as Python source (its coding comment, its BOM
    rules); python-dotenv reads UTF-8, and a file that is not is ARC001 at its line."""
    root = project(tmp_path, {"loop.py": "x = 1\n"})
    (root / "svc" / ".env").write_bytes(
        b"# coding: latin-1\nDATABASE_URL=postgresql://u:p@db/x\nNAME=caf\xe9\n"
    )
    out = _text(root)
    assert "svc/.env:3:1: ARC001 cannot check this file: not UTF-8 at byte" in out


@pytest.mark.parametrize("cookie", ["punycode", "idna"])
def test_a_codec_that_decodes_in_quadratic_time_is_not_used(cookie: str) -> None:
    """CPython's punycode decoder (idna's too) takes time quadratic in its input: a 400 KB
    file named ``# coding: punycode`` took 3 to 15 s to decode, 800 KB 31 s; such a file is
    ARC001 at once, as Python source and as a requirements file."""
    from archcheck.facts.requirements_txt import decode_like_pip
    from archcheck.facts.source import decode
    from archcheck.model import ParseProblem

    data = f"# coding: {cookie}\n".encode() + (b"-9c" + b"a" * 20 if cookie == "punycode" else b"x = 1\n")
    data.decode(cookie)  # a file the codec reads: only its time is in question
    for decoded in (decode("svc/app/p.py", data), decode_like_pip("svc/requirements.txt", data)):
        assert isinstance(decoded, ParseProblem) and "quadratic" in decoded.reason, decoded


def test_a_checkout_a_thousand_folders_deep_is_walked(tmp_path: Path) -> None:
    loop = "import asyncio\n\nasync def f():\n    asyncio.run(f())\n"
    root = project(tmp_path, {"loop.py": loop})
    here = os.getcwd()
    try:
        try:  # step by step: the whole path is longer than the system lets one call name
            os.chdir(root / "svc" / "app")
            for _ in range(1000):
                os.mkdir("d")
                os.chdir("d")
            Path("deep.py").write_text(loop)
        finally:
            os.chdir(here)
        result = run(root, "--no-cache")
    finally:  # pytest removes old temporary folders recursively: leave none this deep
        subprocess.run(["rm", "-rf", "d"], cwd=root / "svc" / "app", check=False)
    assert result.returncode == 1 and b"internal error" not in result.stderr, result.stderr
    assert b"svc/app/loop.py:4:5: ASY001" in result.stdout  # the walk went on past the depth


def test_a_huge_gitignore_costs_a_bounded_time(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / ".gitignore").write_text("".join(f"pat{i}_*.tmp\n" for i in range(20_000)) + "ignored_dir/\n")
    (root / "svc" / "app" / "pat7_x.tmp").write_text("")
    out = _text(root)
    assert ".gitignore:1:1: ARC001" in out and "holds 20001 patterns; only the first " in out


def test_a_gitignore_beyond_what_re2_compiles_at_once_is_used_in_part(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / ".gitignore").write_text("".join(f"*a*b*c{i}*\n" for i in range(1_900)))
    (root / "svc" / "app" / "xaybzc7.py").write_text(
        "import asyncio\n\nasync def f():\n    asyncio.run(f())\n"
    )
    out = _text(root)
    assert ".gitignore:1:1: ARC001" in out and "holds 1900 patterns; only the first " in out
    assert "ASY001" not in out  # ignored by an early pattern, which is used


def test_a_call_chain_of_thousands_is_followed_in_linear_time(tmp_path: Path) -> None:
    n = 5000
    source = "import asyncio\n" + "".join(f"def f{i}():\n    f{i + 1}()\n" for i in range(n))
    source += f"def f{n}():\n    asyncio.run(main())\nasync def top():\n    f0()\n"
    root = project(tmp_path, {"chain.py": source})
    out = _text(root)
    line = next(line for line in out.splitlines() if "ASY003" in line)
    assert "top -> f0 -> " in line and "more calls" in line and len(line) < 400


def test_thousands_of_identical_functions_are_compared_once(tmp_path: Path) -> None:
    body = "def load_config(path):\n    data = open(path).read()\n    return parse(data)\n"
    root = project(tmp_path, {f"m{i}.py": body for i in range(1500)})
    lines = [line for line in _text(root).splitlines() if "SSOT002" in line]
    assert len(lines) == 1500 and all("and 1494 more" in line for line in lines)


def test_a_python_file_linked_into_git_is_not_read(tmp_path: Path) -> None:
    """``svc/app/conf.py -> ../../.git/config`` was opened and parsed as Python."""
    root = project(tmp_path, {"a.py": "x = 1\n"})
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text("[remote]\n\turl = https://user:SECRET-TOKEN@example.com/r\n")
    (root / "svc" / "app" / "conf.py").symlink_to("../../.git/config")
    out = _text(root)
    assert "svc/app/conf.py" in out and "version-control folder" in out and "SECRET" not in out


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="Python 3.12 parses f-strings in linear time")
def test_an_f_string_this_python_parses_in_quadratic_time_costs_a_bounded_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before 3.12 one f-string of 150,000 placeholders (450 KB) takes ast.parse about 15 s
    (400,000: 100 s and 836 MB); the parse runs in a child with a CPU-time limit."""
    from archcheck.facts import source

    monkeypatch.setattr(source, "SLOW_PARSE_CPU", 1.0)
    slow = 'x = f"' + "{a}" * 150_000 + '"\n'
    problem = source.parse("svc/app/m.py", slow.encode())
    assert isinstance(problem, ParseProblem) and problem.beyond_limits
    assert "could not finish it within 1 s of CPU time" in problem.reason
    assert "(it ran out of its 1 s of CPU time)" in problem.reason  # the parse's limit, not one doubled
    many = "import os\n" + "".join(f'x{i} = f"{{a}}{{b}}"\n' for i in range(3_000))  # 6,000 braces: parsed
    parsed = source.parse("svc/app/ok.py", many.encode())
    assert not isinstance(parsed, ParseProblem) and parsed.ast_tree is not None


_MANY = 10_000


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="Python 3.12 parses f-strings in linear time")
@pytest.mark.parametrize(
    ("text", "slow"),
    [
        ('x = f"a"\n' + "d = {}\n" * _MANY, False),  # dict literals: was sent to the child, ARC003 at 4.5 MB
        ("".join(f'x{i} = f"' + "{a}" * 100 + '"\n' for i in range(_MANY // 100 + 1)), False),
        ('x = f"' + "{a}" * _MANY + '"\n', True),
        ('x = "not f" + f"' + "{a}" * _MANY + '"\n', True),  # a prefix inside another string first
        ("# f\"\nx = rf'" + "{a}" * _MANY + "'\n", True),
        ('x = f"""\n' + "{a}\n" * _MANY + '"""\n', True),  # three quotes: over many lines
        ('y = f"x"; x = f"""\n' + "{a}\n" * _MANY + '"""\n', True),  # after a one-quote prefix
        ('x = f"' + ("{a}" + "y" * 250) * 4_000 + '"\n', True),  # few placeholders, 1 MB: 1 s
        ('x = f"{a}\\\n' + "{a}" * _MANY + '"\n', True),  # a backslash continues the line
    ],
)
def test_only_a_file_that_may_hold_a_long_f_string_is_parsed_in_a_child(text: str, slow: bool) -> None:
    """A file of thousands of dict literals and one short f-string was sent whole to the child,
    which had 5 s to parse it and pickle its tree: 4.5 MB of valid code became ARC003."""
    from archcheck.facts import source

    assert source._may_parse_slowly(text) is slow
    tree = source.parse("svc/app/m.py", text.encode())
    assert not isinstance(tree, ParseProblem)


@pytest.mark.parametrize(
    "text",
    [
        'x = f"{a}{b}"\nasync def f():\n    return 1\n',
        "x = a" + ".b" * 1_000 + "\n",  # a tree too deep to come back from the child: parsed again
        "x = 1\nif (:\n",
    ],
)
def test_a_file_parsed_in_a_child_is_not_parsed_again(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """The child that parses a file within a CPU-time limit hands its tree back: a file whose
    parse took 4.5 s was parsed a second time in the worker (and twice more by ASY003)."""
    import ast

    from archcheck.facts import source

    monkeypatch.setattr(source, "_may_parse_slowly", lambda text: True)
    monkeypatch.setattr(source, "SHIP_AFTER_CPU", 0.0)  # these parse at once: ship them anyway
    monkeypatch.setattr(source, "SHIP_RATIO", 0)
    in_parent = []
    real = source.quiet_parse
    monkeypatch.setattr(source, "quiet_parse", lambda text, path: in_parent.append(path) or real(text, path))
    parsed = source.parse("svc/app/m.py", text.encode())
    if text.endswith("(:\n"):
        assert (
            isinstance(parsed, ParseProblem) and parsed.location.line == 2 and "syntax error" in parsed.reason
        )
        assert not in_parent
        return
    assert not isinstance(parsed, ParseProblem) and parsed.ast_tree is not None
    with source.deep_recursion():
        assert ast.dump(parsed.ast_tree, include_attributes=True) == ast.dump(
            ast.parse(text), include_attributes=True
        )
    assert in_parent == ([] if len(text) < 1_000 else ["svc/app/m.py"])


HARD_FOR_RE2 = "a?" * 200  # RE2's simplifier passes its budget on it, and logs from C++


def test_gitignores_of_patterns_hard_for_re2_cost_little_and_print_nothing(tmp_path: Path) -> None:
    """Run 65: 2,000 lines of ``a?a?…`` failed RE2 at once, so each line was compiled alone and
    the set halved: 20 s a file (four folders: 78 s), and RE2 wrote 6,255 lines of its C++ log
    on stderr. A file's patterns are read up to 16 KB, and RE2's log goes nowhere."""
    root = project(tmp_path, {"a.py": "x = 1\n"})
    text = "".join(f"{HARD_FOR_RE2}{i}\n" for i in range(2_000))
    for folder in (root, root / "svc", root / "svc" / "app", root / "svc" / "d"):
        folder.mkdir(exist_ok=True)
        (folder / ".gitignore").write_text(text)
    result = run(root, "--no-cache")  # (a hang guard: 300 s; this takes about a second)
    out = result.stdout.decode()
    assert out.count("holds 2000 patterns; only the first ") == 4, out
    assert result.stderr == b""


def test_config_globs_hard_for_re2_are_one_line_of_error(tmp_path: Path) -> None:
    """Run 65: the exit was 2 with its reason, after 3,565 lines of RE2's C++ log."""
    globs = ", ".join(f'"{HARD_FOR_RE2}{i}"' for i in range(3_000))
    root = project(tmp_path, {"a.py": "x = 1\n"}, f"{CONFIG}extend-exclude = [{globs}]\n")
    result = run(root, "--no-cache")
    assert result.returncode == 2
    assert result.stderr.decode().count("\n") == 1 and b"RE2's memory budget" in result.stderr


@NEWER_GRAMMAR
def test_a_file_only_the_cst_parser_reads_says_what_was_not_checked(tmp_path: Path) -> None:
    """Run 71: a file this Python rejects but LibCST reads (newer grammar, or a fault of this
    Python's parser) gave its imports and definitions and no word that the async and config
    rules skipped it, so one line of newer syntax hid an ``asyncio.run()`` in async code from
    CI. It is ARC003, on the line this Python rejects, and ``--strict`` fails on it."""
    hidden = "import asyncio\n\n\nasync def f():\n    asyncio.run(g())\n\n\ntype Alias = int\n"
    root = project(tmp_path, {"hidden.py": hidden, "plain.py": "import os\n"})
    out = _text(root)
    assert (
        "svc/app/hidden.py:8:1: ARC003 not checked: the rules that read its code skip it: this Python" in out
    )
    assert "gives only its imports and definitions" in out and "plain.py" not in out
    assert run(root, "--no-cache", "--strict").returncode == 1
    assert run(root, "--no-cache").returncode == 0  # a warning
    (root / "svc/app/hidden.py").write_text(hidden.replace("= int\n", "= int  # archcheck: ignore[ARC003]\n"))
    assert run(root, "--no-cache", "--strict").returncode == 0  # accepted where it is


@POSIX
@pytest.mark.parametrize("kind", ["fifo", "socket"])
def test_a_fifo_or_a_socket_is_refused_without_being_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """Run 111c/03: the file's kind is read before it is opened (opening a FIFO releases a writer
    waiting on it; a socket gave "No such device or address")."""
    import socket

    from archcheck import fileio

    path = tmp_path / "x.py"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        bound = socket.socket(socket.AF_UNIX)
        bound.bind(str(path))
    opened: list = []
    real_open = os.open
    monkeypatch.setattr(fileio.os, "open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    with pytest.raises(fileio.NotRegularFile, match="not a regular file"):
        fileio.read_regular(path)
    assert opened == []


def test_a_configured_service_whose_folder_cannot_be_listed_is_arc001_not_a_setting_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 111c/02: all of the service's code is below a folder that cannot be listed: ARC001
    for that folder, not "services: 'svc' matches no folder with Python code"."""
    root = project(tmp_path, {"a.py": "x = 1\n"})
    refuse_listing(monkeypatch, "app")
    report = api.check(api.load_settings(root), use_cache=False, jobs=1)
    assert [(v.code, v.location.path) for v in report.violations] == [("ARC001", "svc/app")]


@pytest.mark.parametrize(
    "test",
    [
        'if {nots} os.environ.get("X"):\n    pass\n',  # (the environment's tests, CFG)
        # (a generator's cleanup after its handler set a flag)
        "async def gen(c):\n    collected = False\n    try:\n        yield 1\n    except GeneratorExit:\n"
        "        collected = True\n        raise\n    finally:\n        if {nots} collected:\n"
        "            await c.close()\n",
    ],
)
def test_a_long_not_chain_that_compiles_is_checked(tmp_path: Path, test: str) -> None:
    """Run 111c/01: 1,501 `not`s compile, and were "nested too deeply to analyse" (ARC001 for the
    whole file, its findings lost): each reader takes the `not`s off in a loop."""
    code = "import asyncio, os\nasync def startup():\n    asyncio.run(main())\n" + test.format(
        nots="not " * 1501
    )
    compile(code, "a.py", "exec")
    root = project(tmp_path, {"a.py": code})
    report = api.check(api.load_settings(root), use_cache=False, jobs=1)
    assert [(v.code, v.location.line) for v in report.violations] == [("ASY001", 3)]


def test_a_service_folder_that_cannot_be_searched_lists_no_requirements(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 112c/01: `lstat` of `svc/requirements` raised PermissionError, "internal error" for
    every command."""
    from archcheck.project import requirement_graph
    from archcheck.project.layout import Unit, UnitKind

    folder = tmp_path / "svc" / "requirements"
    real = Path.is_symlink

    def refusing(path: Path) -> bool:
        if path == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(Path, "is_symlink", refusing)
    unit = Unit("svc", "svc", UnitKind.SERVICE)
    assert requirement_graph.service_roots(tmp_path, unit) == []


def test_a_configured_service_below_a_folder_that_cannot_be_listed_is_arc001(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 112c/02: `services = ["apps/svc"]` with `apps/` unlistable was "matches no folder with
    Python code" (exit 2); an include below it "does not exist"."""
    root = project(tmp_path, {"a.py": "x = 1\n"}, 'services = ["svc", "apps/svc"]\n')
    (root / "apps" / "svc" / "app").mkdir(parents=True)
    (root / "apps" / "svc" / "app" / "b.py").write_text("x = 1\n")
    (root / "svc" / "requirements.txt").write_text("-r ../apps/base.txt\n")
    refuse_listing(monkeypatch, "apps")
    report = api.check(api.load_settings(root), use_cache=False, jobs=1)
    assert [(v.code, v.location.path) for v in report.violations] == [
        ("ARC001", "apps"),
        ("ARC001", "svc/requirements.txt"),
    ]
    assert "is in a folder that cannot be listed" in report.violations[1].message


def test_a_canonical_file_that_cannot_be_checked_leaves_its_own_arc001(tmp_path: Path) -> None:
    """Run 112c/03: a canonical file with a syntax error (or a FIFO, or too large) was the config
    error "defines no class Foo", exit 2, and every finding was lost."""
    config = CONFIG + '[ssot]\ncanonical = { Foo = "svc/app/canon.py" }\n'
    files = {
        "canon.py": "class Foo:\n    pass\n)\n",
        "main.py": "import asyncio\nasync def f():\n    asyncio.run(g())\n",
    }
    root = project(tmp_path, files, config)
    report = api.check(api.load_settings(root), use_cache=False, jobs=1)
    assert [(v.code, v.location.path) for v in report.violations] == [
        ("ARC001", "svc/app/canon.py"),
        ("ASY001", "svc/app/main.py"),
    ]


def test_a_canonical_file_read_for_its_definitions_only_is_judged(tmp_path: Path) -> None:
    """Run 113b/04: an ARC003 file (3.12's `type` statement, read by LibCST for its definitions)
    is no file that could not be checked: its canonical class is still judged (SSOT004)."""
    if sys.version_info >= (3, 12):
        pytest.skip("Python 3.12 reads the `type` statement itself")
    config = CONFIG + '[ssot]\ncanonical = { DatabaseManager = "svc/app/db.py" }\n'
    body = "    def connect(self): ...\n    def close(self): ...\n    def session(self): ...\n"
    files = {
        "db.py": "class DatabaseManager:\n" + body + "type Alias = int\n",
        "legacy.py": "class UnifiedDatabaseManager:\n" + body,
    }
    root = project(tmp_path, files, config)
    report = api.check(api.load_settings(root), use_cache=False, jobs=1)
    assert ("SSOT004", "svc/app/legacy.py") in [(v.code, v.location.path) for v in report.violations]


def test_a_canonical_file_the_cst_parser_did_not_read_is_not_judged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 118c/02: an ARC003 file the CST parser never read (over its share of tokens) holds
    no class to the run: its canonical setting was the config error "defines no class Foo"."""
    from archcheck.facts import cst_fallback

    monkeypatch.setattr(cst_fallback, "CST_SHARE", 100_000)  # (a few tokens are over the share)
    config = CONFIG + '[ssot]\ncanonical = { Foo = "svc/app/db.py" }\n'
    files = {
        "db.py": "x = f'{1}' +\nclass Foo:\n    pass\n",  # (newer grammar maybe: an f-string)
        "main.py": "import asyncio\nasync def f():\n    asyncio.run(g())\n",
    }
    root = project(tmp_path, files, config)
    report = api.check(api.load_settings(root), use_cache=False, jobs=1)
    assert [(v.code, v.location.path) for v in report.violations] == [
        ("ARC003", "svc/app/db.py"),
        ("ASY001", "svc/app/main.py"),
    ]
