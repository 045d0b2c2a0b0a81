"""Compose files are read as data, with libyaml where PyYAML has it, and only up to a size cap:
a megabyte of generated YAML must not cost a run many seconds."""

from __future__ import annotations

from pathlib import Path

import pytest

from archcheck import api
from archcheck.config.load import with_overrides
from archcheck.project import compose
from archcheck.project.layout import Layout
from tests.hostile._project import project

CLIENT = 'import httpx\n\nclient = httpx.Client(base_url="http://worker:8080")\n'
COMPOSE = "services:\n  worker:\n    image: worker\n"


@pytest.mark.parametrize("padding, flagged", [(0, True), (compose.MAX_BYTES, False)])
def test_a_compose_file_over_the_cap_names_no_host(tmp_path: Path, padding: int, flagged: bool) -> None:
    root = project(tmp_path, {"main.py": CLIENT})
    (root / "docker-compose.yml").write_text(COMPOSE + "#" * padding + "\n", encoding="utf-8")
    settings = with_overrides(api.load_settings(root), select=("CFG001", "ARC001"))
    found = api.check(settings, use_cache=False, jobs=1).violations
    assert any(v.code == "CFG001" for v in found) is flagged
    skipped = [v.message for v in found if v.code == "ARC001"]
    assert skipped == (
        [] if flagged else ["cannot check this file: skipped: 0.24 MB, over the compose-file limit (0.24 MB)"]
    )


def test_yaml_aliases_are_read_once(tmp_path: Path) -> None:
    """One alias list shared by 200 networks shared by 2,000 services: 400 million names
    unfolded, or 500 read once. The hosts are the same either way."""
    names = ", ".join(f"h{i}" for i in range(500))
    lines = [f"x-l: &L [{names}]", "x-n: &N"]
    lines += [f"  n{i}: {{aliases: *L}}" for i in range(200)]
    lines += ["services:"] + [f"  s{i}: {{networks: *N}}" for i in range(2000)]
    root = tmp_path / "p"
    root.mkdir()
    (root / "docker-compose.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    layout = Layout(["svc/app/m.py"], [])
    hosts = dict(compose.compose_hosts(root, ["docker-compose.yml"], layout))
    assert len(hosts) == 2500
    assert hosts["h499"] == "compose service 's0'" and hosts["s1999"] == "compose service 's1999'"


def test_a_merge_list_is_looked_into_a_bounded_number_of_times() -> None:
    """``<<: [*a, *a, ... 40,000 times]`` in a 200 KB file: every lookup walked the list."""
    shared = {"foo": 1}
    spec = {"<<": [shared] * 40000}
    assert len(compose._merged(spec)) == 64
    assert compose._get(spec, "hostname") is None and compose._get(spec, "foo") == 1


def test_merge_keys_are_read_as_shared_mappings(tmp_path: Path) -> None:
    """``<<: *N`` in every service: PyYAML copies the merged mapping into each one (minutes for a
    file under the size limit); kept as a key, it is read once, and what it names still counts."""
    lines = ["x-a: &A {aliases: [h1]}", "x-n: &N"]
    lines += [f" n{i}: *A" for i in range(3000)]
    lines += ["x-s: &S {hostname: shared-host}", "services:"]
    lines += [f" s{i}: {{<<: *S, networks: {{<<: *N}}}}" for i in range(1000)]
    root = tmp_path / "p"
    root.mkdir()
    (root / "docker-compose.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    services = (compose._load(root, "docker-compose.yml") or {})["services"]
    assert services["s0"]["networks"]["<<"] is services["s999"]["networks"]["<<"]  # shared, not copied
    hosts = dict(compose.compose_hosts(root, ["docker-compose.yml"], Layout(["svc/app/m.py"], [])))
    assert hosts["h1"] == hosts["shared-host"] == "compose service 's0'"
    assert len(hosts) == 1002


@pytest.mark.parametrize(
    "value", ["1:2:3:59", "!!float 1:2:3:59.5", "!!int 7", "2020-13-45", "!!binary AA=="]
)
def test_numbers_and_dates_are_kept_as_written(tmp_path: Path, value: str) -> None:
    """PyYAML reads a base-60 number digit by digit into a big int (quadratic: seconds for a
    file under the size cap), and one with a fraction overflows a float (OverflowError, an
    "internal error"): nothing here reads a number or a date, so they stay strings."""
    root = project(tmp_path, {"main.py": CLIENT})
    long_value = value.replace("1:2:3", ":".join(["59"] * 1000))
    (root / "docker-compose.yml").write_text(f"{COMPOSE}    x-v: {long_value}\n", encoding="utf-8")
    settings = with_overrides(api.load_settings(root), select=("CFG001", "ARC001"))
    found = api.check(settings, use_cache=False, jobs=1).violations
    assert [v.code for v in found] == ["CFG001"]
