"""A long list in the configuration costs a lookup per name, not a scan of the list per name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archcheck.rules.deployment_env_name_at_runtime import _Suffixes
from tests.helpers import check


class _CountingDict(dict):  # type: ignore[type-arg]
    lookups = 0

    def __contains__(self, key: object) -> bool:
        _CountingDict.lookups += 1
        return super().__contains__(key)

    def __getitem__(self, key: Any) -> Any:
        _CountingDict.lookups += 1
        return super().__getitem__(key)


def test_thousands_of_deployment_suffixes_cost_one_lookup_per_length() -> None:
    suffixes = _Suffixes([f"_S{i:05d}" for i in range(16_000)] + ["_PROD"])
    suffixes._order = _CountingDict(suffixes._order)
    names = [f"NAME_{i}_X" for i in range(1_000)] + ["KEY_S00042", "KEY_prod"]
    found = [suffixes.first_ending(name) for name in names]
    assert found[-2:] == ["_S00042", "_PROD"] and set(found[:-2]) == {None}
    assert _CountingDict.lookups <= 2 * 2 * len(names)  # two lengths: a test and a read each


def test_the_earliest_configured_suffix_the_name_is_longer_than_wins() -> None:
    suffixes = _Suffixes(["_STAGE", "_X_STAGE", "_dev", "_DEV"])
    assert suffixes.first_ending("API_X_STAGE") == "_STAGE"
    assert _Suffixes(["_X_STAGE", "_STAGE"]).first_ending("API_X_STAGE") == "_X_STAGE"
    assert suffixes.first_ending("token_dev") == "_DEV"
    assert suffixes.first_ending("_DEV") is None  # the whole name is no deployment
    assert suffixes.first_ending("DEVELOPER") is None


def test_the_rule_names_the_neutral_variable_with_a_long_suffix_list(tmp_path: Path) -> None:
    suffixes = ", ".join(f'"_S{i}"' for i in range(3_000))
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.archcheck]\nservices = ["svc"]\n[tool.archcheck.config]\ndeployment-suffixes = [{suffixes}, "_PROD"]\n',
        encoding="utf-8",
    )
    (tmp_path / "svc" / "app").mkdir(parents=True)
    (tmp_path / "svc" / "requirements.txt").write_text("", encoding="utf-8")
    (tmp_path / "svc" / "app" / "main.py").write_text(
        'import os\na = os.getenv("URL_S2999")\nb = os.getenv("URL_prod")\nc = os.getenv("URL_S3000")\n',
        encoding="utf-8",
    )
    fixes = [(v.location.line, v.fix) for v in check(tmp_path, ["CFG003"]).violations]
    assert [(line, fix and fix.split("'")[1]) for line, fix in fixes] == [(2, "URL"), (3, "URL")]
