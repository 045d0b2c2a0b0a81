"""Run 96b: URLs built from a local (tidied, formatted, through a local standing for a read),
fallbacks through a conditional, settings classes' plain constants (built, tidied, in
brackets, under a base in another file, by ``default_factory``), names that describe a URL,
requests through in-process clients (a nested function, an alias, ``TestClient(app)``), a
transport that is no call, a parameter that may hold a caller's client, and health probes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile._project import project, unscreened_agree

FLAGGED = """\
import os
import httpx
from kombu import Connection


def tidied():
    base = "http://localhost:8001/"  # CFG001
    return httpx.get(base.rstrip("/") + "/orders")


def formatted():
    base = "http://localhost:8003"  # CFG001
    other = "http://localhost:8004"  # CFG001
    return httpx.get("{}/orders".format(base)), httpx.get("%s/orders" % other)


def through_a_read_then_a_local():
    base = "http://localhost:8002"  # CFG004
    base = os.getenv("ORDERS_URL", base)
    endpoint = f"{base}/orders"
    return httpx.get(endpoint)


def through_or_then_a_local():
    base = "http://localhost:8005"  # CFG004
    base = os.getenv("ORDERS_URL") or base
    return httpx.get(base + "/orders")


def conditional_fallback():
    default_url = "http://localhost:8006"  # CFG004
    url = os.getenv("A_URL")
    url = default_url if not url else url
    return httpx.get(url)


def fallback_in_brackets():
    default_url = "http://localhost:8007"  # CFG004
    return httpx.get(os.getenv("E_URL") or (default_url if os.getenv("X") else None))


def passed_in(client=None):
    if client is None:
        client = httpx.Client(transport=httpx.MockTransport(handler))
    return client.get("http://localhost:8008/x")  # CFG001


def stored():
    url = "http://localhost:8009"  # CFG001
    os.environ["ORDERS_URL"] = url


def amqp():
    return Connection("amqp://localhost:5672//", transport="pyamqp")  # CFG001


class Config:
    A_URL = "http://localhost:" + "8011"  # CFG004
    C_URL = "http://localhost:8012/".rstrip("/")  # CFG004
    E_URLS = ("http://localhost:8013",)  # CFG004
    json_schema_extra = {"example": {"url": "http://localhost:8014"}}
"""

NOT_FLAGGED = """\
import os
import httpx
from httpx import ASGITransport as AT, MockTransport as MT
from fastapi.testclient import TestClient


async def aliased(app):
    async with httpx.AsyncClient(transport=AT(app)) as client:
        await client.get("http://localhost/a")
    mocked = httpx.Client(transport=MT(handler))
    return mocked.get("http://localhost/b")


def positional(app):
    with TestClient(app) as client:
        return client.get("http://localhost/api/cache/warm")


def nested():
    client = httpx.Client(transport=httpx.HTTPTransport(uds="/var/run/docker.sock"))

    def call(path):
        return client.get("http://localhost/" + path)

    return call("info")


def probes():
    base = "http://localhost:8000"
    return httpx.get(base + "/health"), httpx.get(f"{base}/ready"), httpx.get("http://localhost:8000" + "/health")


EXAMPLE_URL = os.getenv("EXAMPLE_URL", "http://localhost:8000")
"""

SETTINGS = """\
from pydantic import Field
from app.base import AppBase


class Urls(AppBase):
    BILLING_URL = "http://localhost:8002"  # CFG004
    b_url: str = Field(default_factory=lambda: "redis://localhost:6380")  # CFG004
    url_pattern: str = "http://localhost:8001"
"""


@pytest.mark.parametrize(
    ("name", "text"), [("built.py", FLAGGED), ("clients.py", NOT_FLAGGED), ("urls.py", SETTINGS)]
)
def test_urls_built_from_locals_and_settings_constants(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, text: str
) -> None:
    base = "from pydantic_settings import BaseSettings\n\n\nclass AppBase(BaseSettings):\n    debug: bool = False\n"
    root = project(tmp_path, {name: text, "base.py": base})
    found = sorted(
        (code, line) for code, path, line in unscreened_agree(root, monkeypatch) if path.endswith(name)
    )
    expected = sorted(
        (line.rsplit("# ", 1)[1], n)
        for n, line in enumerate(text.splitlines(), 1)
        if line.endswith(("# CFG001", "# CFG004"))
    )
    assert found == expected
