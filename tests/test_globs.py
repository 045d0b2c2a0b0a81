"""Globs (matched with RE2) answer as pathspec's default backend does."""

from __future__ import annotations

import itertools
from pathlib import Path

import pathspec
import pytest

from archcheck.config.globs import compile_globs, git_line, gitignore_globs
from archcheck.config.settings import DEFAULT_EXCLUDE

PATTERNS = [
    list(DEFAULT_EXCLUDE),
    ["tests/**", "**/migrations/*.py", "/scripts", "docs/", "*_pb2.py", "a/[bc]?/x.py"],
    ["build", "!build/keep.py", "*.py", "!main.py"],  # negations: pathspec's ordered matching
    ["**/conftest.py", "svc/*/legacy/", "setup.py"],
]
NAMES = ["x.py", "main.py", "conftest.py", "build", "docs", "tests", ".git", "scripts", "migrations", "svc",
         "a", "bc", "bx", "m_pb2.py", "y.egg-info", "legacy", "keep.py", ".env", "venv"]  # fmt: skip


def _paths() -> list[str]:
    found = []
    for depth in (1, 2, 3):
        for parts in itertools.product(NAMES[:12] if depth == 3 else NAMES, repeat=depth):
            path = "/".join(parts)
            found += [path, path + "/"]
    return found


@pytest.mark.parametrize("patterns", PATTERNS, ids=["defaults", "mixed", "negated", "nested"])
def test_globs_match_as_pathspec_does(patterns: list[str]) -> None:
    reference = pathspec.GitIgnoreSpec.from_lines(patterns)
    globs = compile_globs(patterns)
    differing = [p for p in _paths() if globs.match_file(p) != bool(reference.match_file(p))]
    assert differing == []


def test_no_glob_matches_nothing() -> None:
    assert not compile_globs([]).match_file("a.py")


def test_globs_at_any_depth_match_only_where_a_component_starts() -> None:
    """Globs that float (``*.pyc``, ``node_modules/``) match after each ``/`` only."""
    patterns = ["*.pyc", "node_modules/", "build", "/dist", "docs/*.md", "**/cache/**", "x?y", ".env*"]
    reference = pathspec.GitIgnoreSpec.from_lines(patterns)
    globs = compile_globs(patterns)
    paths = [
        "a.pyc", "a/b/c.pyc", "a.pyc/x", "web/node_modules/", "web/node_modules/x.js", "node_modules",
        "lib/build", "lib/build/x.py", "rebuild", "src/dist", "dist/x", "docs/a.md", "x/docs/a.md",
        "a/cache/b", "cache", "a/xzy", "xzy/", "a\nb/build", "a/b\nc/build",
        "a//build", "build\n", "a/.env.local", ".env", "s/a.pyc/", "b/xay/c",
    ]  # fmt: skip
    assert [p for p in paths if globs.match_file(p) != bool(reference.match_file(p))] == []
    assert globs.match_file("a/b/c.pyc") and not globs.match_file("rebuild")


@pytest.mark.parametrize(
    ("lines", "everything"),
    [
        (["*"], True),
        (["# a tool's", "*  "], True),
        (["/**"], True),
        ([" *"], False),
        (["\t*"], False),
        (["*", "!keep.py"], False),
        (["*.py"], False),
        ([], False),
    ],
)
def test_a_gitignore_that_leaves_out_everything(lines: list, everything: bool) -> None:
    """As git reads a line: trailing spaces trimmed, a leading space or tab kept (` *` names only
    names that start with a space)."""
    assert gitignore_globs(lines).everything is everything


@pytest.mark.parametrize(
    ("line", "read"),
    [
        ("x\\\\ ", "x\\\\"),  # an escaped backslash, then a space git trims
        ("x\\ ", "x[ ]"),  # an escaped space, kept (as a class: pathspec strips whitespace)
        ("main* \t", "main*[ ][\t]"),  # only spaces are trimmed, and a tab ends this line
        ("a\\/b", "a/b"),  # wildmatch reads `\/` as "/"; pathspec refuses it
        ("\\/svc", ""),  # "/" first: no path starts with one
        ("/\\/svc", ""),
        ("!\\/svc/", ""),
        ("app\\/", ""),  # "folders only" of "app\", whose backslash escapes nothing: no match
        ("app\\\\/", "app\\\\/"),  # an escaped backslash, then "folders only": folders "app\"
        ("keep.py\0junk", "keep.py"),  # git reads a line as a C string
        ("!a\\/keep.py", "!a/keep.py"),  # wildmatch reads `\/` as "/"; pathspec refused the line
        ("!/", ""),  # nothing: pathspec brought back every folder
        ("[/]x", ""),  # a bracket that matches nothing
        ("a[b", ""),  # a bracket never closed
        ("[[:foo:]]x", ""),  # a class wildmatch does not know
        ("x[a/b]y", "/x[a-b]y"),  # a "/" in a bracket anchors the pattern, and is never matched
        ("svc[.-0]app", "svc[.0]app"),  # a range that spans "/" skips it
        ("[\\!^]x", '[!]\x01- "-\\_-\U0010ffff]x'),  # "!" then "^" would negate: the rest, negated
    ],
)
def test_a_gitignore_line_as_git_reads_it(line: str, read: str) -> None:
    assert git_line(line) == read


def _git_ignores(lines: list[str], path: str) -> bool:
    """Whether ``path`` is left out by a .gitignore of ``lines``, walked from the top as git does."""
    globs = gitignore_globs([read for read in map(git_line, lines) if read])
    parts = path.split("/")
    return any(
        globs.decision("/".join(parts[:depth]) + ("/" if depth < len(parts) else "")) is True
        for depth in range(1, len(parts) + 1)
    )


@pytest.mark.parametrize(
    ("lines", "path", "ignored"),
    [  # each as `git ls-files -o --exclude-standard` (git 2.39) answers
        (["svc[.-0]app"], "svc/app/main.py", False),  # a bracket never matches "/" in git
        (["svc[.-0]app"], "svc.app", True),
        (["app[+-9]"], "svc/app/main.py", False),
        (["app[+-9]"], "app5", True),
        (["*[.-0]"], "svc/app/main.py", False),
        (["x[a/b]y"], "xay", True),
        (["x[a/b]y"], "d/xay", False),  # the "/" in the bracket anchors the line
        (["[+-\\9]x"], "Ax", False),  # a backslash escapes in a bracket too: the range is + to 9
        (["[+-\\9]x"], "5x", True),
        (["x[\\]]y"], "x]y", True),
        (["app[!s]"], "app/main.py", False),
        (["app[!s]"], "appx", True),
        (["*.py", "!x[!a].py"], "xc.py", False),
        (["*.py", "!x[!a].py"], "x/.py", True),
        (["[[:digit:]]x"], "5x", True),
        (["[[:digit:]]x"], "ax", False),
        (["a[[:space:]]b"], "a\x0bb", False),  # git's "space" is not a vertical tab
        (["a[[:space:]]b"], "a\tb", True),
        (["a[[:punct:]]b"], "a/b", False),
        (["a[[:punct:]]b"], "a-b", True),
        (["[[:foo:]]x"], "[x", False),
        (["a[b"], "a[b", False),
        (["[\\!^]x"], "!x", True),
        (["[\\!^]x"], "^x", True),
        (["[\\!^]x"], "ax", False),
        (["[!]]x"], "]x", False),
        (["[!]]x"], "ax", True),
        (["*", "!a[!b]"], "ac", False),
        (["[[:a]"], ":", True),  # no ":]": a "[" of its own
        (["a[]-]b"], "a-b", True),
        (["a[--0]b"], "a.b", True),
        (["svc/app/**/"], "svc/app/main.py", False),  # the folders below svc/app, not svc/app
        (["svc/app/**/"], "svc/app/sub/x.py", True),
        (["*/*/**/"], "svc/app/main.py", False),
        (["*/*/**/"], "svc/app/sub/x.py", True),
        (["svc/app/**/", "!svc/app/sub/"], "svc/app/sub/x.py", False),
        (["**/"], "main.py", False),
        (["**/"], "svc/main.py", True),
        (["**\\/b.py"], "b.py", False),  # `**/` may match no folder, `**\/` at least one
        (["**\\/b.py"], "d/b.py", True),
        (["d/**\\/b.py"], "d/b.py", False),
        (["d/**\\/b.py"], "d/e/b.py", True),
        (["a/***/c.py"], "a/b/x/c.py", True),  # more stars than two: still `**`
        (["*.py", "!d/***/b.py"], "d/e/f/b.py", False),
        (["x?.py"], "x\u00e9.py", False),  # git's `?` matches one byte, and "\u00e9" is two
        (["x?.py"], "xa.py", True),
        (["x?.py"], "x/.py", False),
    ],
)
def test_a_gitignore_line_matches_as_in_git(lines: list[str], path: str, ignored: bool) -> None:
    assert _git_ignores(lines, path) is ignored


@pytest.mark.parametrize(
    "lines",
    [
        ["!svc/**", "gen/", "!svc/gen/"],
        ["!svc/**", "gen", "!gen"],
        ["!*", "gen", "!gen"],
        ["gen/", "!svc/gen/"],
    ],
)
def test_the_last_pattern_that_matches_decides_whatever_order_re2_reports(lines: list[str]) -> None:
    """RE2 reports the matching patterns in an order of its own: the decision is pathspec's
    sequential one (the last file pattern, else the last folder pattern), which git agrees
    with here: svc/gen/ is brought back."""
    globs = gitignore_globs(lines)
    sequential = pathspec.GitIgnoreSpec.from_lines(lines, backend="simple")
    for path in ("svc/gen/", "svc/gen/x.py", "gen/", "svc/", "svc/x.py"):
        assert globs.match_file(path) is bool(sequential.match_file(path)), path
    assert globs.decision("svc/gen/") is False


def test_decisions_agree_with_the_sequential_backend() -> None:
    """Every combination of a few lines, over folders and files: RE2 matching with the
    sequential decision gives what pathspec's pure-Python backend gives."""
    words = ["a", "!a", "a/", "!a/", "*", "!*", "a/**", "!a/**", "**/b", "!b/", "b"]
    paths = ["a/", "a/b/", "a/b/c.py", "b/", "b/a/", "c.py", "a/c.py"]
    for lines in itertools.product(words, repeat=3):
        globs = gitignore_globs(list(lines))
        sequential = pathspec.GitIgnoreSpec.from_lines(list(lines), backend="simple")
        for path in paths:
            assert globs.match_file(path) is bool(sequential.match_file(path)), (lines, path)


@pytest.mark.parametrize("seed", range(20))
def test_directory_globs_name_what_pathlib_names_among_the_walked_folders(tmp_path: Path, seed: int) -> None:
    """``services``/``shared`` globs are matched against the folders archcheck's walk found
    (``Path.glob`` walked the disk once per glob, followed links out of the project and
    recursed past Python's limit on a deep tree): the same folders as ``Path.glob`` there."""
    import random

    from archcheck.config.globs import match_dir_globs
    from archcheck.project.layout import directories

    rng = random.Random(seed)
    names = ["svc", "apps", "a", "b", ".h", "x-y", "lib"]
    files = []
    for _ in range(rng.randint(1, 12)):
        parts = [rng.choice(names) for _ in range(rng.randint(1, 4))]
        tmp_path.joinpath(*parts).mkdir(parents=True, exist_ok=True)
        files.append("/".join(parts) + "/m.py")
    folders = directories(files) - {""}
    for glob in [
        "svc",
        "apps/*",
        "**/a",
        "*",
        "*/b",
        "**",
        "a/**",
        "a/**/b",
        "[ab]",
        "*/*",
        ".h/*",
        "svc/",
        "**/lib/*",
        "svc/a",  # no wildcard: looked up, not matched
        "a/b/",
    ]:
        expected = {p.relative_to(tmp_path).as_posix() for p in tmp_path.glob(glob.rstrip("/")) if p.is_dir()}
        assert match_dir_globs([glob], folders) == sorted(expected & folders), glob
