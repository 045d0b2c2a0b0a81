"""`archcheck find`: search first, create second, on the demo monorepo and small projects."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import List

import pytest

from archcheck import api
from archcheck.output import find as finder
from archcheck.output.find import first_docstring_line, name_score, query_words, search
from tests.helpers import cli, fixture

DEMO = fixture("demo")
CANONICAL = '\n[tool.archcheck.ssot]\ncanonical = {{ {name} = "{path}" }}\n'


def find(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return cli(root, "find", *args)


def names(result: subprocess.CompletedProcess[str]) -> List[str]:
    return [row["name"] for row in json.loads(result.stdout)]


def with_canonical(demo: Path, name: str, path: str) -> Path:
    with (demo / "pyproject.toml").open("a", encoding="utf-8") as config:
        config.write(CANONICAL.format(name=name, path=path))
    return demo


def test_query_words_go_through_the_concept_engine() -> None:
    assert query_words("Unified DB conn mgr") == ["database", "connection", "manager"]
    assert query_words("websocket managers") == ["websocket", "manager"]
    assert query_words("db database manager managers DB") == ["database", "manager"]  # each word once


def test_name_score_ranks_the_same_concept_above_a_longer_or_different_one() -> None:
    query = query_words("database manager")
    exact, wider, factory = (
        name_score(query, n)
        for n in ("DatabaseManager", "UnifiedDBConnectionManager", "DatabaseManagerFactory")
    )
    assert exact == 1.0 and exact > wider > factory > 0
    assert name_score(query, "UserRepository") == 0
    assert name_score(query_words("websocket manager"), "WebSocketManager") == 1.0  # one word, two spellings
    assert name_score(query_words("auth"), "authenticate") > 0  # another form of the word
    # an accessor is how a service reaches the concept: its verb is no other word
    assert name_score(query, "get_database_manager", function=True) == 1.0
    assert name_score(query, "get_database_manager") < 1.0


def test_ranking_on_the_demo() -> None:
    result = find(DEMO, "database manager")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.splitlines() == [
        "netra_backend/app/db_manager.py:1: class DatabaseManager [netra_backend]",
        "netra_backend/app/unified_db.py:1: class UnifiedDBConnectionManager [netra_backend]",
        "2 matches for 'database manager'.",
    ]
    # the words decide the order: the connection manager says all three
    assert names(find(DEMO, "db connection mgr", "--format", "json")) == [
        "UnifiedDBConnectionManager",
        "DatabaseManager",
    ]


def test_json_lists_hits_best_first_with_their_scores() -> None:
    rows = json.loads(find(DEMO, "database manager", "--format", "json").stdout)
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert rows[0] == {
        "name": "DatabaseManager",
        "kind": "class",
        "path": "netra_backend/app/db_manager.py",
        "line": 1,
        "service": "netra_backend",
        "score": rows[0]["score"],
        "canonical": False,
        "duplicate_of": None,
        "doc": "",
        "imported_by": 0,
    }
    assert json.loads(find(DEMO, "payment gateway", "--format", "json").stdout) == []


def test_functions_and_how_many_files_import_them() -> None:
    result = find(DEMO, "verify token")
    assert result.stdout.splitlines()[0] == (
        "auth_service/auth_core/tokens.py:6: function verify_token [auth_service; imported by 2 files]"
    )


def test_limit_cuts_the_list_and_says_so() -> None:
    assert find(DEMO, "database manager", "--limit", "1").stdout.splitlines() == [
        "netra_backend/app/db_manager.py:1: class DatabaseManager [netra_backend]",
        "The best match for 'database manager'; --limit N shows more (0: all).",
    ]
    assert len(json.loads(find(DEMO, "database manager", "--limit", "0", "--format", "json").stdout)) == 2


def test_service_restricts_the_search_by_name_or_path() -> None:
    assert find(DEMO, "database manager", "--service", "auth_service").stdout == (
        "No matches for 'database manager'.\n"
    )
    assert names(find(DEMO, "database manager", "--service", "netra_backend/", "--format", "json")) == [
        "DatabaseManager",
        "UnifiedDBConnectionManager",
    ]
    by_path = find(DEMO, "order", "--service", "services/orders-service", "--format", "json")
    assert {row["service"] for row in json.loads(by_path.stdout)} == {"orders-service"}


def test_an_unknown_service_is_one_line_and_exit_2() -> None:
    result = find(DEMO, "database manager", "--service", "billing")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        "archcheck: error: --service: no service or shared library 'billing'"
        " (known: auth_service, netra_backend, orders-service, shared)\n"
    )


def test_no_match_is_exit_0_and_says_so() -> None:
    result = find(DEMO, "payment gateway")
    assert (result.returncode, result.stdout, result.stderr) == (0, "No matches for 'payment gateway'.\n", "")


def test_words_with_nothing_to_search_for_and_unquoted_words_are_usage_errors() -> None:
    only_qualifiers = find(DEMO, "unified base")
    assert only_qualifiers.returncode == 2 and len(only_qualifiers.stderr.splitlines()) == 1
    assert "nothing to search for" in only_qualifiers.stderr
    unquoted = find(DEMO, "database", "manager")
    assert unquoted.returncode == 2
    assert unquoted.stderr == (
        'archcheck: error: manager: no such file or directory (quote the words: find "database manager")\n'
    )


def test_a_repeated_word_is_scored_once(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """3,000 copies of a word cost what the word costs: each distinct word is compared with a name once."""
    index = api.find_index(api.load_settings(demo), jobs=1)
    calls: List[str] = []
    real = finder._likeness
    monkeypatch.setattr(finder, "_likeness", lambda a, b: calls.append(a) or real(a, b))

    def cost(query: str) -> int:
        calls.clear()
        search(index, demo, query, limit=0)
        return len(calls)

    once = cost("database")
    assert once > 0
    assert cost(" ".join(["database"] * 3000)) == once
    assert cost("Database" * 3000) == once  # one CamelCase word of 24,000 characters: 3,000 words
    assert cost("database manager") == cost("database manager " * 1500)
    one = [(h.name, h.score) for h in search(index, demo, "database manager", limit=0)]
    assert [(h.name, h.score) for h in search(index, demo, "db database manager manager", limit=0)] == one


def test_a_query_over_the_bounds_is_one_line_and_exit_2() -> None:
    many = " ".join(f"word{i}" for i in range(finder.MAX_WORDS + 1))
    result = find(DEMO, many)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"archcheck: error: the query '{many[:99]}\u2026' has {finder.MAX_WORDS + 1} distinct words;"
        f" at most {finder.MAX_WORDS} are searched for (a concept is named in a few)\n"
    )
    assert find(DEMO, " ".join(many.split()[: finder.MAX_WORDS])).returncode == 0
    long = "x" * 24_000
    result = find(DEMO, long)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"archcheck: error: the query '{long[:99]}\u2026' has a word of 24,000 characters;"
        f" at most {finder.MAX_WORD_LENGTH} are searched for\n"
    )
    assert find(DEMO, "x" * finder.MAX_WORD_LENGTH).returncode == 0
    # a long query of few words is searched, and repeated cut short
    repeated = find(DEMO, "payment " * 3000)
    assert (repeated.returncode, repeated.stderr) == (0, "")
    assert repeated.stdout == f"No matches for '{('payment ' * 13)[:99]}\u2026'.\n"


def test_the_canonical_implementation_comes_first(demo: Path) -> None:
    with_canonical(demo, "UnifiedDBConnectionManager", "netra_backend/app/unified_db.py")
    result = find(demo, "database manager")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "netra_backend/app/unified_db.py:1: class UnifiedDBConnectionManager [netra_backend; canonical]",
        "netra_backend/app/db_manager.py:1: class DatabaseManager"
        " [netra_backend; duplicate of UnifiedDBConnectionManager]",
    ]


def test_the_canonical_comes_first_when_only_a_copy_of_it_matched(demo: Path) -> None:
    with_canonical(demo, "DatabaseManager", "netra_backend/app/db_manager.py")
    rows = json.loads(find(demo, "connection", "--format", "json").stdout)
    assert (rows[0]["name"], rows[0]["canonical"]) == ("DatabaseManager", True)
    assert {r["name"]: r["duplicate_of"] for r in rows[1:]} == {
        "connect": None,
        "UnifiedDBConnectionManager": "DatabaseManager",
    }


def test_the_path_argument_names_the_project(tmp_path: Path) -> None:
    result = cli(tmp_path, "find", "database manager", str(DEMO / "netra_backend"))
    assert result.returncode == 0
    assert result.stdout.startswith("netra_backend/app/db_manager.py:1: class DatabaseManager")


def test_docstrings_are_shown_and_weigh_in(demo: Path) -> None:
    app = demo / "netra_backend" / "app"
    (app / "pools.py").write_text(
        "class PoolKeeper:\n"
        '    """Keeps the database connection pool:\n\n    one per process."""\n'
        "class PoolWatcher:\n"
        '    """Reports how full it is."""\n',
        encoding="utf-8",
    )
    result = find(demo, "pool", "--format", "json")
    rows = json.loads(result.stdout)
    assert [(r["name"], r["doc"]) for r in rows] == [
        ("PoolKeeper", "Keeps the database connection pool:"),
        ("PoolWatcher", "Reports how full it is."),
    ]
    assert rows[0]["score"] > rows[1]["score"]  # the same name score: the docstring decides
    text = find(demo, "pool keeper").stdout.splitlines()
    assert text[:2] == [
        "netra_backend/app/pools.py:1: class PoolKeeper [netra_backend]",
        '    "Keeps the database connection pool:"',
    ]


def test_a_class_with_the_interface_of_a_strong_match_is_found_under_another_name(demo: Path) -> None:
    (demo / "netra_backend" / "app" / "store.py").write_text(
        "class Postgres:\n    def connect(self): ...\n    def execute(self, sql): ...\n", encoding="utf-8"
    )
    rows = json.loads(find(demo, "database manager", "--format", "json").stdout)
    assert [r["name"] for r in rows] == ["DatabaseManager", "UnifiedDBConnectionManager", "Postgres"]


def test_stand_ins_and_tests_rank_low_or_not_at_all(demo: Path) -> None:
    app = demo / "netra_backend" / "app"
    (app / "fakes.py").write_text("class FakeDatabaseManager: ...\n", encoding="utf-8")
    tests = demo / "netra_backend" / "tests"
    tests.mkdir()
    (tests / "test_db.py").write_text("class DatabaseManager: ...\n", encoding="utf-8")
    assert names(find(demo, "database manager", "--format", "json")) == [
        "DatabaseManager",
        "UnifiedDBConnectionManager",
        "FakeDatabaseManager",
    ]


def test_printed_values_are_escaped(demo: Path) -> None:
    (demo / "netra_backend" / "app" / "evil.py").write_text(
        'class EvilManager:\n    """\\n::error::owned \\x1b[31mred"""\n', encoding="utf-8"
    )
    result = find(demo, "evil manager")
    assert result.stdout.splitlines()[1] == '    "::error::owned \\x1b[31mred"'
    assert all(not line.lstrip().startswith("::") for line in result.stdout.splitlines())


@pytest.mark.parametrize(
    ("source", "line", "expected"),
    [
        (
            'def f(\n    a: "x:y" = {1: 2},\n) -> dict[str, int]:\n    """First.\n\n    More."""\n',
            1,
            "First.",
        ),
        ("class A(B, metaclass=M):  # comment\n\n    '''  Padded.  '''\n", 1, "Padded."),
        ('class One: """Same line."""\n', 1, "Same line."),
        ("def g():\n    return 1\n", 1, ""),
        ("def h():\n    b'bytes'\n", 1, ""),
        ('if X:\n    @decorated\n    async def k(): """Nested."""\n', 3, "Nested."),
        ("def broken(:\n", 1, ""),
        (  # masked whole, then shortened: cut first, the "@" was gone and the password shown
            f'class R:\n    """{"x" * 180} postgresql://app:SUPERSECRETPASSWORD123@db/app"""\n',
            1,
            f"{'x' * 180} postgresql://app:*\u2026",
        ),
    ],
)
def test_first_docstring_line_from_the_header_on(
    tmp_path: Path, source: str, line: int, expected: str
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.archcheck]\n", encoding="utf-8")
    (tmp_path / "m.py").write_text(source, encoding="utf-8")
    assert first_docstring_line(tmp_path, "m.py", line) == expected


def test_a_search_after_a_check_parses_no_file(demo: Path, parsed_files: List[str]) -> None:
    settings = api.load_settings(demo)
    api.check(settings, jobs=1)
    parsed_files.clear()
    hits = search(api.find_index(settings, jobs=1), demo, "database manager")
    assert [h.name for h in hits] == ["DatabaseManager", "UnifiedDBConnectionManager"]
    assert parsed_files == []


def test_a_warm_search_reads_the_walk_and_the_index_only(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index is kept while no Python file changes; an edit rebuilds it from the facts."""
    from archcheck.pipeline import cache

    settings = api.load_settings(demo)
    api.find_index(settings, jobs=1)
    loaded: List[str] = []
    real = cache.CacheDir.load
    monkeypatch.setattr(
        cache.CacheDir, "load", lambda self, name, *rest: loaded.append(name) or real(self, name, *rest)
    )
    hits = search(api.find_index(settings, jobs=1), demo, "database manager")
    assert loaded == ["walk.msgpack", "find-index.msgpack"] and len(hits) == 2
    loaded.clear()
    with (demo / "netra_backend" / "app" / "db_manager.py").open("a", encoding="utf-8") as source:
        source.write("\n\nclass DatabaseManagerV2:\n    pass\n")
    hits = search(api.find_index(settings, jobs=1), demo, "database manager")
    assert "DatabaseManagerV2" in [h.name for h in hits] and len(loaded) > 1  # rebuilt from the facts


@pytest.mark.parametrize("mark", ["\u2028", "\x0c", "\x1c", "\x85"])
def test_a_docstring_is_read_on_the_line_python_numbers(tmp_path: Path, mark: str) -> None:
    """``str.splitlines`` also ends a line at a form feed or U+2028 inside a string, where
    Python does not: the hit showed (and was ranked by) an earlier class's docstring."""
    text = f'X = "a{mark}b{mark}c"\nclass Old:\n    """Legacy shim."""\nclass DatabaseManager:\n    """The one."""\n'
    (tmp_path / "m.py").write_text(text, encoding="utf-8")
    assert first_docstring_line(tmp_path, "m.py", 4) == "The one."


def test_a_docstring_with_an_invalid_escape_warns_nothing(tmp_path: Path) -> None:
    """``ast.literal_eval`` of ``"\\<ESC>"`` made Python print its warning, the raw byte in it."""
    import warnings

    (tmp_path / "m.py").write_text('class A:\n    """Doc \\\x1b here."""\n', encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert first_docstring_line(tmp_path, "m.py", 1).startswith("Doc")
    assert not caught
