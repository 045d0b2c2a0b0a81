"""Configuration values that used to crash ("internal error"), hang or silently do nothing are
config errors: exit 2 with one line naming the file, the key and the reason."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.helpers import cli
from tests.hostile.test_bad_input_files import one_line_error

LONG = "a" * 100_000


def _project(root: Path, config: str) -> Path:
    (root / "archcheck.toml").write_text(config, encoding="utf-8")
    (root / "svc" / "app").mkdir(parents=True)
    (root / "svc" / "requirements.txt").write_text("httpx\n", encoding="utf-8")
    (root / "svc" / "app" / "main.py").write_text("import asyncio\n", encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("config", "fragments"),
    [
        (f'services = ["{LONG}"]\n', ("services:", "longer than 4096 bytes")),
        (f'services = ["svc", "x/{"b" * 300}"]\n', ("services:", "longer than 255 bytes")),
        (f'services = ["svc"]\nshared-requirements = "{"a" * 5000}"\n', ("shared-requirements:", "4096")),
        (
            'services = ["svc"]\nshared-requirements = "a\\u0000"\n',
            ("shared-requirements:", "control character"),
        ),
        ('services = ["svc", "a\\nb"]\n', ("services:", "control character")),
        ('services = ["svc"]\nbaseline = "base\\u0000.json"\n', ("baseline:", "control character")),
        (f'services = ["svc"]\nbaseline = "{"b" * 300}.json"\n', ("baseline:", "longer than 255 bytes")),
        ('services = ["svc", "a\\u0000"]\n', ("services:", "control character")),
        ('services = ["svc["]\n', ("services:", "without a closing ']'")),
        ('services = ["svc"]\nselect = []\n', ("select:", "use ignore")),
        ('services = ["svc"]\nshared = ["svc/"]\n', ("shared:", "also in services")),
        ('services = ["svc"]\n[per-file-ignores]\n"[" = ["ARC"]\n', ("per-file-ignores:", "closing ']'")),
        ('services = ["svc"]\nexclude = ["build["]\n', ("exclude:", "closing ']'")),
        ('services = ["svc"]\n[config]\ndeployment-suffixes = [""]\n', ("deployment-suffixes:", "empty")),
        ('services = ["svc"]\n[config]\ninternal-hosts = [""]\n', ("internal-hosts:", "empty")),
        ('services = ["svc"]\n[config]\ninternal-hosts = ["[a-"]\n', ("internal-hosts:", "closing ']'")),
        ('services = ["svc"]\n[ssot]\nacceptable-duplicates = [""]\n', ("acceptable-duplicates:", "empty")),
        (
            'services = ["svc"]\n[requirements]\ndatabase-drivers = [""]\n',
            ("database-drivers:", "package name"),
        ),
        (
            'services = ["svc"]\n[requirements]\ndatabase-drivers = ["Not A Name!"]\n',
            ("database-drivers:", "package name"),
        ),
        ('services = ["svc"]\n[per-file-ignores]\n"**" = []\n', ("per-file-ignores:", "ignores nothing")),
        (
            'services = ["svc"]\n[per-file-ignores]\n"!x.py" = ["ARC"]\n',
            ("per-file-ignores:", "cannot start with '!'"),
        ),
        (
            'services = ["svc"]\n[config]\ndeployment-suffixes = ["\\u2028 "]\n',
            ("deployment-suffixes:", "'\\u2028 ' is only white space"),
        ),
        ('services = ["svc"]\n[config]\ndatabase-url-template = ""\n', ("database-url-template:", "empty")),
        (  # every CFG002 finding prints the template expanded, twice: 72 KB of config gave 32 MB
            'services = ["svc"]\n[config]\ndatabase-url-template = "' + "{service}" * 17 + '"\n',
            ("database-url-template:", "17 placeholders: at most 16"),
        ),
        (
            'services = ["svc"]\n[config]\ndatabase-url-template = "postgresql://'
            + "h" * 2100
            + '/{service}"\n',
            ("database-url-template:", "longer than 2048 characters"),
        ),
    ],
)
def test_bad_values_are_config_errors(tmp_path: Path, config: str, fragments: tuple) -> None:
    one_line_error(cli(_project(tmp_path, config), "check"), "archcheck.toml: ", *fragments)


def test_good_brackets_and_globs_still_work(tmp_path: Path) -> None:
    root = _project(tmp_path, 'services = ["sv[cx]"]\nexclude = ["[[]draft"]\nselect = ["ARC"]\n')
    result = cli(root, "check")
    assert result.returncode == 0, result.stderr


def test_a_template_of_many_wildcards_matches_in_linear_time(tmp_path: Path) -> None:
    template = "postgresql://*a*a*a*a*a*a*a*a*a*a{service}"
    root = _project(tmp_path, f'services = ["svc"]\n[config]\ndatabase-url-template = "{template}"\n')
    value = "postgresql://" + "a" * 60
    (root / "svc" / "app" / "config.py").write_text(f'DATABASE_URL = "{value}"\n', encoding="utf-8")
    started = time.monotonic()
    result = cli(root, "check", "--select", "CFG", "--no-cache")
    assert time.monotonic() - started < 60
    assert result.returncode == 1, result.stderr  # the value does not end with the service: a finding
    assert "does not follow the convention" in result.stdout


def test_a_long_template_is_read_once_per_service_and_quoted_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run 83a: a 2 KB template of 1,000 wildcards was split and filled in again for each
    DATABASE_URL value, and each finding quoted all of it twice (20,000 values: 41 s and 88 MB
    of JSON)."""
    from archcheck import api
    from archcheck.rules import database_url_naming

    template = "postgresql://" + "*x" * 1_000
    root = _project(tmp_path, f'services = ["svc"]\n[config]\ndatabase-url-template = "{template}"\n')
    values = "".join(f'DATABASE_URL = "postgresql://u{i}@h/d"\n' for i in range(200))
    (root / "svc" / "app" / "config.py").write_text(values, encoding="utf-8")
    filled: list = []
    expected_url = database_url_naming.expected_url
    monkeypatch.setattr(
        database_url_naming, "expected_url", lambda *args: filled.append(1) or expected_url(*args)
    )
    database_url_naming._pieces.cache_clear()
    report = api.check(api.load_settings(root), use_cache=False, jobs=1)
    assert len(report.violations) == 200 and {v.code for v in report.violations} == {"CFG002"}
    assert len(filled) < 3 * 1_001  # (the template's pieces, filled in once, and the expected URL)
    assert all(len(v.message) < 500 and "…" in v.message for v in report.violations)
