"""CFG004 names a settings field by the variable pydantic reads (runs 127b/04, 128b/07)."""

from __future__ import annotations

from pathlib import Path

from archcheck.rule_api.examples import Example
from tests.helpers import cli, write_example

CODE = """from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Shop(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHOP_")
    redis_host: str = "localhost"
    billing: str = Field("http://localhost:8002", env="BILLING_SERVICE_URL")
    kafka: str = Field("localhost:9092", alias="KAFKA_BOOTSTRAP_SERVERS")


class Legacy(BaseSettings):
    search_url: str = "http://localhost:9200"

    class Config:
        env_prefix = "legacy_"
"""


def test_a_field_is_named_by_its_alias_or_its_class_prefix(tmp_path: Path) -> None:
    write_example(
        tmp_path,
        Example({"svc/requirements.txt": "httpx\n", "svc/app/settings.py": CODE}, 'services = ["svc"]\n'),
    )
    out = cli(tmp_path, "check", "--no-cache", "--select", "CFG004").stdout
    named = [line.split("'")[1] for line in out.splitlines() if "CFG004" in line]
    assert named == ["SHOP_REDIS_HOST", "BILLING_SERVICE_URL", "KAFKA_BOOTSTRAP_SERVERS", "legacy_search_url"]
