from __future__ import annotations

from pathlib import Path

import pytest
from msgspec.structs import replace

from archcheck.facts.requirements_txt import parse_requirements


def parse(text: str):
    return parse_requirements("svc/requirements.txt", text.encode())


def test_pip_syntax() -> None:
    facts = parse(
        "# comment\n"
        "-r ../requirements.shared.txt\n"
        "--requirement=base.txt\n"
        "-cconstraints.txt\n"
        "--index-url https://pypi.org/simple\n"
        "Django_REST-framework[extra]==3.15.2 ; python_version >= '3.9'  # api\n"
        "alembic==1.16.2 \\\n"
        "    --hash=sha256:00\n"
        "requests \\\n"
        "  ==2.32.3\n"
        "-e git+https://example.com/lib.git#egg=internal_lib\n"
        "./vendored_pkg\n"
        "pkg @ https://example.com/pkg.whl\n"
        "uvicorn>=0.30,<1\n"
        "numpy==1.26.*\n"
    )
    assert [(r.name, r.pins, r.location.line) for r in facts.requirements] == [
        ("django-rest-framework", ("3.15.2",), 6),
        ("alembic", ("1.16.2",), 7),
        ("requests", ("2.32.3",), 9),
        ("internal-lib", (), 11),
        ("pkg", (), 13),
        ("uvicorn", (), 14),
        ("numpy", (), 15),
    ]
    assert [(i.target, i.constraint, i.location.line) for i in facts.includes] == [
        ("requirements.shared.txt", False, 2),
        ("svc/base.txt", False, 3),
        ("svc/constraints.txt", True, 4),
    ]
    assert facts.problems == ()


def test_environment_variables_are_read_as_unknown_never_expanded(monkeypatch: pytest.MonkeyPatch) -> None:
    """pip puts ``${NAME}``'s value there: the version is unknown here (and nothing is read from
    the environment); a package or a file the environment names is skipped."""
    monkeypatch.setenv("HTTPX_VERSION", "0.27.0")
    facts = parse(
        "httpx==${HTTPX_VERSION}\n"
        "requests>=${REQUESTS_MIN}; python_version >= '3.9'\n"
        "${PACKAGE}==1.0\n"
        "-r ${CONFIG_DIR}/base.txt\n"
        "--extra-index-url https://${PYPI_TOKEN}@pypi.example.com/simple\n"
    )
    assert [(r.name, r.pins, r.specifier) for r in facts.requirements] == [
        ("httpx", (), ""),
        ("requests", (), ""),
    ]
    assert facts.includes == () and facts.problems == ()
    assert "0.27.0" not in repr(facts)


def test_an_include_is_named_as_pip_reads_it_a_shell_word() -> None:
    facts = parse('-r "a b.txt"\n-c \'c d.txt\'\n-r e\\ f.txt\n-r "unclosed.txt\n')
    assert [i.target for i in facts.includes] == ["svc/a b.txt", "svc/c d.txt", "svc/e f.txt"]
    assert [p.reason for p in facts.problems] == [
        "cannot read the options on this line: No closing quotation"
    ]


def test_a_unique_abbreviation_of_a_long_option_is_read_as_pip_reads_it() -> None:
    facts = parse("--requirem base.txt\n--constr=pins.txt\n--pr\n--pre\nok==1\n")
    assert [(i.target, i.constraint) for i in facts.includes] == [
        ("svc/base.txt", False),
        ("svc/pins.txt", True),
    ]
    assert [p.reason for p in facts.problems] == ["ambiguous pip option --pr (--pre, --prefer-binary?)"]
    assert [r.name for r in facts.requirements] == ["ok"]


def test_a_line_of_options_is_read_by_pips_option_parser() -> None:
    """Several options on one line (``--pre -r base.txt``): pip follows the line's first ``-r``
    (or else its first ``-c``); words after the options are dropped by pip, so they are a problem."""
    facts = parse(
        "--pre -r base.txt\n"
        "-i https://pypi.org/simple --constraint pins.txt\n"
        "-r first.txt -r second.txt\n"
        "-c pins2.txt -r base2.txt\n"
        "--no-index -e ./lib#egg=lib\n"
        "--pre fastapi==0.116.1\n"
        "-r a.txt stray\n"
        "httpx==0.27.0 --hash=sha256:00 --hash sha256:11\n"
        "--pre=yes\n"
        "--password=hunter2\n"
    )
    assert [(i.location.line, i.target, i.constraint) for i in facts.includes] == [
        (1, "svc/base.txt", False),
        (2, "svc/pins.txt", True),
        (3, "svc/first.txt", False),
        (4, "svc/base2.txt", False),
    ]
    assert [(r.location.line, r.name) for r in facts.requirements] == [(5, "lib"), (8, "httpx")]
    assert [(p.location.line, p.reason) for p in facts.problems] == [
        (6, "pip ignores the words after the options on this line"),
        (7, "pip ignores the words after the options on this line"),
        (9, "--pre takes no value"),
        (10, "unknown pip option --password"),
    ]
    assert "hunter2" not in repr(facts.problems)


def test_bad_lines_are_problems_at_their_line() -> None:
    facts = parse("ok==1\n  not a requirement\n--no-such-option\n--token:x\n-r\n--constraint=\n")
    assert [(p.location.line, p.location.column, p.reason) for p in facts.problems] == [
        (2, 7, "cannot parse requirement: Expected semicolon (after name with no version specifier) or end"),
        (3, 1, "unknown pip option --no-such-option"),
        (4, 1, "unknown pip option"),
        (5, 1, "-r needs a file name"),
        (6, 1, "-c needs a file name"),
    ]
    assert [r.name for r in facts.requirements] == ["ok"]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ('psycopg2==2.9 ; platform_release != "://"', "psycopg2"),
        ('httpx==0.25 ; platform_release != "a://b/c"', "httpx"),
        ("pkg @ https://example.com/pkg.whl", "pkg"),
        ("https://example.com/pkg-1.0.tar.gz#egg=pkg", "pkg"),
        ("git+https://example.com/lib.git#egg=lib", "lib"),
        ("GIT+SSH://git@example.com/lib.git#egg=lib", "lib"),
        ("file:///opt/wheels/w-1.0.whl#egg=w", "w"),
        ("vendored/pkg-1.0.tar.gz#egg=vend", "vend"),
        ("./local#egg=local", "local"),
        # run 78: a direct reference without spaces, and a wheel or an sdist named alone
        ("asyncpg@https://files.example.com/asyncpg-0.29.0.tar.gz", "asyncpg"),
        ("psycopg2@git+https://github.com/psycopg/psycopg2", "psycopg2"),
        ("asyncpg-0.29.0-cp311-cp311-manylinux_2_17_x86_64.whl", "asyncpg"),
        ("torch-2.1.0+cpu-cp311-cp311-linux_x86_64.whl", "torch"),
        ("wheels/Django_REST-framework-3.15.2.tar.gz", "django-rest-framework"),
    ],
)
def test_a_url_or_a_path_is_told_as_pip_tells_it(line: str, name: str) -> None:
    """Run 77: a ``://`` anywhere (a marker's string) made a line an unnamed URL, so no rule
    compared it: a database driver could hide in the shared file that way."""
    assert [r.name for r in parse(line + "\n").requirements] == [name]


@pytest.mark.parametrize(
    ("line", "name", "pins"),
    [
        # run 79: the version a wheel's or an sdist's file name gives is the line's pin, read from
        # the URL's path as pip names the file it fetches (a query string is no part of it)
        ("https://files.example/asyncpg-0.29.0-py3-none-any.whl?X-Amz-Signature=abc", "asyncpg", ("0.29.0",)),
        ("https://files.example/attrs-21.4.0-py2.py3-none-any.whl#sha256=00", "attrs", ("21.4.0",)),
        ("attrs @ https://files.example/attrs-21.4.0-py2.py3-none-any.whl", "attrs", ("21.4.0",)),
        ("./dist/foo_bar-1.2.tar.gz", "foo-bar", ("1.2",)),
        ("https://files.example/foo%2Dbar-1.2.tar.gz?x=1", "foo-bar", ("1.2",)),
        # another project's file, or one whose name gives no version: no pin
        ("attrs @ https://files.example/other-1.0-py3-none-any.whl", "attrs", ()),
        ("attrs==23.1.0 @ https://files.example/attrs-21.4.0-py3-none-any.whl", None, None),
        ("pkg @ https://example.com/pkg.whl", "pkg", ()),
    ],
)
def test_an_archive_pins_the_version_its_file_name_gives(line: str, name: str, pins: tuple) -> None:
    facts = parse(line + "\n")
    assert [(r.name, r.pins) for r in facts.requirements] == ([] if name is None else [(name, pins)])


def test_a_wheel_of_another_version_than_a_shared_pin_conflicts(tmp_path: Path) -> None:
    """Run 79: pip cannot install ``attrs==23.1.0`` and ``attrs-21.4.0-…whl`` together; REQ006
    read no version from the wheel."""
    from archcheck import api
    from archcheck.rule_api.examples import Example
    from tests.helpers import write_example

    files = {
        "requirements.shared.txt": "attrs==23.1.0\n",
        "svc/requirements.txt": "-r ../requirements.shared.txt\nhttps://files.example/attrs-21.4.0-py2.py3-none-any.whl\n",
        "svc/app/m.py": "",
        "ok/requirements.txt": "-r ../requirements.shared.txt\nhttps://files.example/attrs-23.1.0-py3-none-any.whl?t=1\n",
        "ok/app/m.py": "",
    }
    root = write_example(tmp_path, Example(files, 'services = ["svc", "ok"]\n'))
    found = [v for v in api.check(api.load_settings(root), use_cache=False).violations if v.code == "REQ006"]
    assert [(v.location.path, v.location.line) for v in found] == [("svc/requirements.txt", 2)]


def test_a_bad_line_with_a_url_in_it_is_still_a_problem() -> None:
    facts = parse("badline https://x !!!\n")
    assert [p.location.line for p in facts.problems] == [1] and facts.requirements == ()


def test_undecodable_file() -> None:
    facts = parse_requirements("r.txt", b"ok==1\ncaf\xe9==1\n")
    assert [p.location.line for p in facts.problems] == [2]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_files_are_decoded_as_pip_decodes_them(encoding: str) -> None:
    facts = parse_requirements("r.txt", "fastapi==0.116.1\n-r base.txt\n".encode(encoding))
    assert [r.name for r in facts.requirements] == ["fastapi"] and facts.problems == ()
    latin = parse_requirements("r.txt", "# -*- coding: latin-1 -*-\nlib==1  # café\n".encode("latin-1"))
    assert [r.name for r in latin.requirements] == ["lib"] and latin.problems == ()


def test_pip_compile_annotations_mark_transitive_pins() -> None:
    facts = parse(
        "fastapi==0.110.0\n    # via -r requirements.in\nanyio==4.2.0\n    # via\n    #   httpx\n    #   starlette\n"
        "idna==3.6  # via anyio\nhttpx==0.27.0  # via -r requirements.in\nplain==1\n"
    )
    assert [(r.name, r.direct) for r in facts.requirements] == [
        ("fastapi", True),
        ("anyio", False),
        ("idna", False),
        ("httpx", True),
        ("plain", True),
    ]


@pytest.mark.parametrize("line", ["==1", "= foo", "==", "-"])
def test_a_line_that_is_only_an_operator_is_a_problem_not_a_crash(line: str) -> None:
    facts = parse(f"{line}\nok==1\n")
    assert [p.location.line for p in facts.problems] == [1] and [r.name for r in facts.requirements] == ["ok"]


def test_a_conflict_inside_the_shared_file_names_it_not_one_service(tmp_path: Path) -> None:
    from archcheck import api
    from archcheck.rules.conflicting_pins import ConflictingPins
    from tests.helpers import write_example

    example = ConflictingPins.invalid[-1]
    root = write_example(tmp_path, example)
    found = [v for v in api.check(api.load_settings(root), use_cache=False).violations if v.code == "REQ006"]
    assert len(found) == 2
    for violation in found:
        assert "in any service that includes the shared requirements 'services/requirements.shared.txt'" in (
            violation.message
        )
        assert "for service" not in violation.message


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [("1", "1.0", True), ("1.0.0", "1", True), ("1.0-0", "1.0.post0", True), ("1.0", "1.1", False),
     ("2.0rc1", "2.0", False), ("not-a-version", "not-a-version", True)],
)  # fmt: skip
def test_pins_are_compared_as_pip_compares_versions(a: str, b: str, same: bool) -> None:
    from archcheck.facts.requirements_txt import same_version

    assert same_version(a, b) is same


@pytest.mark.parametrize(
    ("lines", "first"),
    [([], 1), (["httpx"], 1), (["# -*- coding: latin-1 -*-", "httpx"], 2),
     (["# first comment", "# -*- coding: latin-1 -*-", "# caf\xe9"], 3), (["# a", "# b", "# coding: utf-8"], 1)],
)  # fmt: skip
def test_the_shared_include_goes_after_a_coding_comment_pip_reads(lines: list, first: int) -> None:
    from archcheck.rules.missing_shared_requirements import insert_include

    edit = insert_include(lines, line="-r ../requirements.shared.txt")
    assert (edit.first, edit.last, edit.lines) == (first, first - 1, ("-r ../requirements.shared.txt",))


@pytest.mark.parametrize("line", ["token===x,ghp_SECRETSECRET", "foo===1,hunter2", "foo==1,hunter2"])
def test_what_packaging_refuses_is_never_quoted(line: str) -> None:
    """packaging quotes a specifier it refuses; the line may come from any file an -r names."""
    (problem,) = parse(f"{line}\n").problems
    assert problem.reason.startswith("cannot parse requirement: ")
    assert line.rpartition(",")[2] not in problem.reason


def test_continuations_are_joined_as_pip_joins_them_in_linear_time() -> None:
    """Part by part, once (a growing string copied per line made 1 MB of continuations cost
    seconds, 5 MB minutes); a comment line ends a continuation, as in pip's join_lines."""
    facts = parse("fastapi==0.110.0 \\\n  # a comment\nhttpx\\\n==0.27.0\n" + "a\\\n" * 300_000 + "\n")
    assert [(r.name, r.location.line) for r in facts.requirements] == [
        ("fastapi", 1),
        ("httpx", 3),
        ("a" * 300_000, 5),
    ]


def test_a_line_of_more_option_words_than_any_pip_compile_writes_is_a_problem() -> None:
    """optparse takes each word off the front of a list (quadratic): a line of 1.6 million
    options took minutes. pip-compile writes one --hash per file of a release."""
    hashes = " ".join(f"--hash=sha256:{n:064x}" for n in range(300))
    facts = parse(f"httpx==0.27.0 {hashes}\n" + "-Z " * 2000 + "\n" + "--pre" + "\t--pre" * 2000 + "\n")
    assert [r.name for r in facts.requirements] == ["httpx"]
    assert [(p.location.line, p.reason) for p in facts.problems] == [
        (2, "cannot read the options on this line: more than 1,000 words"),
        (3, "cannot read the options on this line: more than 1,000 words"),  # words split by tabs
    ]


def test_shell_words_are_split_in_linear_time() -> None:
    """shlex copies a word for each character it adds: a 2 MB hash took minutes. A line without
    quotes or backslashes is split as shlex would, by whitespace; a quoted one is at most 4 KB."""
    facts = parse("--hash=sha256:" + "a" * 2_000_000 + "\n" + '-r "' + "a" * 5000 + '.txt"\n-r "a b.txt"\n')
    assert [(p.location.line, p.reason) for p in facts.problems] == [
        (2, "cannot read the options on this line: quoted options longer than 4,096 characters")
    ]
    assert [i.target for i in facts.includes] == ["svc/a b.txt"]


_CONSTRAINTS = [
    "==1.0", "==1", "==1.0.0", "==1.0+cpu", "==1.0.0+cpu", "==1.0+CPU", "==1.0+gpu", "==2.0", "==2.0rc1",
    "==2.0.post1", "==1!1.0", "==1.0.dev0", "===1.0", "===abc", ">=1.0", "<2", "!=1.0", "~=1.0",
    ">=1.0,<2.0", "==1.*", "", "==1.0,==1.0.0", "==1.0,==2.0", "==1.0,>=2", "===abc,==1.0", ">1.0",
    "===1.0.0", "===1.0+cpu", "===1.0.0+cpu", "===1.0-1", "===1.0,>=0.5", "===2.0rc1", "===1.0+CPU",
]  # fmt: skip


def _pins_file(lines: list) -> list:
    text = "".join(f"pkg{constraint}\n" for constraint in lines)
    return list(parse_requirements("svc/requirements.txt", text.encode()).requirements)


def test_conflicting_pins_grouped_by_version_agree_with_comparing_every_pair() -> None:
    """REQ006 compares exact pins through their versions (thousands of distinct pins were
    compared each with each other: quadratic); on random mixes of pins, ranges and odd lines
    it finds exactly the conflicts that comparing every pair of lines finds."""
    import random

    from archcheck.rule_api.rule import SHOWN
    from archcheck.rules.conflicting_pins import _Clashes, _conflict

    chooser = random.Random(6)
    paths = ["svc/requirements.txt", "requirements.shared.txt", "svc/extra.txt"]
    own, shared = {paths[0], paths[2]}, {paths[1]}
    for _ in range(400):
        parsed = _pins_file(chooser.choices(_CONSTRAINTS, k=chooser.randint(1, 14)))
        facts = [replace(f, location=replace(f.location, path=chooser.choice(paths))) for f in parsed]
        table = _Clashes(facts, own, shared)
        for fact in facts:
            expected = [other for other in facts if _conflict(fact, other)]
            found = table.of(fact)
            assert (found.count, found.shown) == (len(expected), expected[:SHOWN]), [f.text for f in facts]
            assert found.in_own == any(o.location.path in own for o in expected)
            assert found.all_shared == all(o.location.path in shared for o in expected)


def test_an_arbitrary_equality_pin_takes_only_the_release_spelt_so() -> None:
    """``===`` compares a release's normalised spelling, as pip does (it was read as ``==``:
    ``===23.1`` beside ``===23.1.0`` passed, though no release satisfies both)."""
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

    from archcheck.rules.conflicting_pins import _Clashes

    pairs = [
        ("===2.3.0", "==2.3.0+cpu"), ("===23.1", "===23.1.0"), ("===23.1", "==23.1.0"),
        ("===2.3.0+cpu", "==2.3.0"), ("===2.3.0+cpu", "==2.3.0+cpu"), ("===2.3.0+cpu", "==2.3.0+gpu"),
        ("===1.0-1", "==1.0.post1"), ("===1.0", ">=1.0"), ("===1.0", "<1.0"), ("===1.0rc1", "==1.0rc1"),
    ]  # fmt: skip
    failing = []
    for a, b in pairs:
        candidates = [Version(a.lstrip("=")), Version(b.lstrip("=<>"))]
        pip_fails = not any(SpecifierSet(a).contains(v) and SpecifierSet(b).contains(v) for v in candidates)
        facts = _pins_file([a, b])
        table = _Clashes(facts, {"svc/requirements.txt"}, set())
        assert [table.of(fact).count for fact in facts] == [int(pip_fails)] * 2, (a, b)
        failing += [a] * pip_fails
    assert failing == ["===2.3.0", "===23.1", "===2.3.0+cpu", "===1.0-1", "===1.0"]


def test_thousands_of_distinct_pins_of_one_package_are_not_compared_pairwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from archcheck.rules import conflicting_pins

    compared = []
    real = conflicting_pins._conflict
    monkeypatch.setattr(conflicting_pins, "_conflict", lambda a, b: compared.append(1) or real(a, b))
    facts = _pins_file([f"==0.{i}" for i in range(2_000)] + [">=0.5", "==1.0,==1.0.0"])
    table = conflicting_pins._Clashes(facts, {"svc/requirements.txt"}, set())
    assert [table.of(fact).count for fact in facts[:2]] == [2_001, 2_001]
    assert len(compared) <= 3 * len(facts)
    compared.clear()  # `===` pins too
    facts = _pins_file([f"===0.{i}" for i in range(2_000)] + ["==0.1", "==0.1+cpu"])
    table = conflicting_pins._Clashes(facts, {"svc/requirements.txt"}, set())
    assert [table.of(fact).count for fact in (*facts[:2], *facts[-2:])] == [2_001, 2_000, 1_999, 2_000]
    assert not compared


def test_a_package_of_more_lines_than_can_be_compared_is_one_finding_across_includes(tmp_path: Path) -> None:
    """Ranges against pins cost R x P however the lines are split over ``-r`` files (9,000 of each
    in four files, each far under the cap of a file: 110 s): past ``MAX_COMPARISONS`` in what one
    service installs, one finding says the package was not compared."""
    from archcheck import api
    from archcheck.rule_api.examples import Example
    from archcheck.rules.conflicting_pins import MAX_COMPARISONS
    from tests.helpers import write_example

    half = int(MAX_COMPARISONS**0.5) // 2 + 1  # four files of `half` lines: just over the bound
    files = {f"svc/ranges{k}.txt": "".join(f"pkg!=1.{k}.{i}\n" for i in range(half)) for k in range(2)}
    files.update({f"svc/pins{k}.txt": "".join(f"pkg==2.{k}.{i}\n" for i in range(half)) for k in range(2)})
    files["svc/requirements.txt"] = (
        "".join(f"-r {name[4:]}\n" for name in sorted(files)) + "other==1\nother==2\n"
    )
    files["svc/app/m.py"] = ""
    root = write_example(tmp_path, Example(files, 'services = ["svc"]\n'))
    found = [v for v in api.check(api.load_settings(root), use_cache=False).violations if v.code == "REQ006"]
    assert [(v.location.path, v.location.line) for v in found if "'pkg" in v.message] == [
        ("svc/pins0.txt", 1)
    ]
    assert f"is one of {4 * half:,} distinct lines of 'pkg'" in found[0].message
    assert "conflicts among them were not looked for" in found[0].message
    assert len(found) == 3  # the other package is compared as ever


def test_a_range_counts_each_of_its_clauses_against_the_comparison_bound() -> None:
    """Run 83a: one range of N clauses against N pins cost N² clause checks, while the bound
    counted N (19,000 of each: 75 s)."""
    from archcheck.rules.conflicting_pins import MAX_COMPARISONS, _Clashes

    clauses = int(MAX_COMPARISONS**0.5) + 10  # one range of these clauses, against as many pins
    facts = _pins_file([",".join(f">=0.{i}" for i in range(clauses))] + [f"==5.{j}" for j in range(clauses)])
    table = _Clashes(facts, {"svc/requirements.txt"}, set())
    assert table.comparisons > MAX_COMPARISONS and not table.beside
    facts = _pins_file([">=1,<2,!=1.5"] + [f"==1.{j}" for j in range(10)])
    table = _Clashes(facts, {"svc/requirements.txt"}, set())
    assert table.comparisons == 30 and [table.of(fact).count for fact in facts[:1]] == [1]  # `==1.5`


def test_a_requirement_before_its_options_is_read_without_the_spaces_between() -> None:
    """Run 105b/07: `fastapi==0.116.1    --hash=…` (a `\\`-continued line, spaces kept) was
    quoted in messages with its four spaces."""
    facts = parse("fastapi==0.116.1 \\\n    --hash=sha256:00\nhttpx==0.27.0\t --hash=sha256:11\n")
    assert [r.text for r in facts.requirements] == ["fastapi==0.116.1", "httpx==0.27.0"]


def test_drivers_whose_markers_never_install_them_together_are_no_pair(tmp_path: Path) -> None:
    """Run 114b/04: REQ004 paired an async and a sync driver that `sys_platform` markers keep
    apart (one on Windows, the other elsewhere); a pair installed together somewhere stays."""
    from archcheck import api
    from archcheck.rule_api.examples import Example
    from tests.helpers import write_example

    files = {
        "apart/requirements.txt": 'asyncpg==0.29 ; sys_platform != "win32"\npsycopg2-binary==2.9 ; sys_platform == "win32"\n',
        "apart/app/m.py": "",
        "both/requirements.txt": 'asyncpg==0.29 ; python_version >= "3.8"\npsycopg2-binary==2.9 ; sys_platform == "win32"\n',
        "both/app/m.py": "",
        # run 115b/06: each line of a driver counts, not only its first (one per platform)
        "split/requirements.txt": (
            'asyncpg==0.29 ; sys_platform == "win32"\nasyncpg==0.30 ; sys_platform != "win32"\n'
            'psycopg2-binary==2.9 ; sys_platform == "linux"\n'
        ),
        "split/app/m.py": "",
    }
    root = write_example(tmp_path, Example(files, 'services = ["apart", "both", "split"]\n'))
    found = [v for v in api.check(api.load_settings(root), use_cache=False).violations if v.code == "REQ004"]
    assert [(v.location.path, v.location.line) for v in found] == [
        ("both/requirements.txt", 2),
        ("split/requirements.txt", 3),
    ]


def test_drivers_of_thousands_of_platform_lines_are_paired_in_bounded_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 116b/02: every sync line was paired with every async line: 3,000 each, whose markers
    are never true together, took 20 s; a driver's first 64 lines are paired."""
    from archcheck import api
    from archcheck.rule_api.examples import Example
    from archcheck.rules import conflicting_database_drivers as rule
    from tests.helpers import write_example

    calls = []
    real = rule.never_together
    monkeypatch.setattr(rule, "never_together", lambda *a: calls.append(1) or real(*a))
    lines = [f'asyncpg==0.29 ; sys_platform == "win32" and platform_release != "a{i}"' for i in range(1_000)]
    lines += [f'psycopg2==2.9 ; sys_platform == "linux" and platform_release != "b{i}"' for i in range(1_000)]
    files = {"svc/requirements.txt": "\n".join(lines) + "\n", "svc/app/m.py": ""}
    root = write_example(tmp_path, Example(files, 'services = ["svc"]\n'))
    found = [v for v in api.check(api.load_settings(root), use_cache=False).violations if v.code == "REQ004"]
    assert found == [] and len(calls) <= 64 * 64


def test_an_include_pip_reads_as_a_url_is_not_a_project_file() -> None:
    """Run 116c/02: pip reads `-r file:/x` (its `SCHEME_RE`: http, https, file) as a URL, and
    `-r foo://x.txt` as a local path; only `://` was read as a URL."""
    facts = parse("-r file:/abs/extra.txt\n-rfile:rel.txt\n--requirement=HTTPS://h/r.txt\n-r foo://x.txt\n")
    assert [i.target for i in facts.includes] == ["svc/foo:/x.txt"]


def test_a_files_readability_by_this_process_is_in_its_signature(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 116c/01: a cache written by root with a mode-000 file was served to a user who cannot
    read it (no ARC001): whether this process may read a file is part of its signature."""
    from archcheck.pipeline import cache

    path = tmp_path / "m.py"
    path.write_text("x = 1\n")
    readable = cache.signature(path)
    monkeypatch.setattr(cache.os, "access", lambda *a, **k: False)
    assert readable is not None and cache.signature(path) != readable
