"""Run 90b/02, 03, 08, 09: where a client connects, read by the call and the keyword. A client's
``host=`` or ``endpoint_url=`` was missed unless its callee was in a fixed list; a list of
``host:port`` (Kafka, ZooKeeper) was never read; sets of hosts to test against
(``LOOPBACK_HOSTS``) and a client's own end (``local_address=``) were taken for targets."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile._project import project, unscreened_agree

FLAGGED = """\
import os
import boto3
import chromadb
import httpx
import pika
import redis
from influxdb import InfluxDBClient
from redis.cluster import RedisCluster
from kafka import KafkaProducer

s3 = boto3.client("s3", endpoint_url="http://localhost:4566")  # CFG001
chroma = chromadb.HttpClient(host="localhost")  # CFG001
cluster = RedisCluster(host="localhost")  # CFG001
influx = InfluxDBClient(host="localhost")  # CFG001
rabbit = pika.BlockingConnection(pika.ConnectionParameters(host="localhost"))  # CFG001
KAFKA_BOOTSTRAP_SERVERS = "localhost:9092,localhost:9093"  # CFG001
producer = KafkaProducer(bootstrap_servers="localhost:9092,localhost:9093")  # CFG001
ZK_HOSTS = "127.0.0.1:2181,127.0.0.1:2182"  # CFG001
BOOT = os.getenv("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092,localhost:9093")  # CFG004
KAFKA_BROKERS = ["localhost:9092"]  # CFG001
consumer = KafkaProducer(bootstrap_servers=KAFKA_BROKERS if "localhost:9092" in KAFKA_BROKERS else [])


def make_cache():
    host = "localhost"  # CFG001
    return RedisCluster(host=host, port=6379)


# (run 93b/05: a network transport connects out; only the app's own is in-process)
billing = httpx.AsyncClient(base_url="http://localhost:8001", transport=httpx.AsyncHTTPTransport(retries=3))  # CFG001
# (run 94b/07: a bare HOST holding a URL is one to connect to, not where the service listens)
HOST = "http://localhost:8000"  # CFG001
host_client = httpx.Client(base_url=HOST)
cached = httpx.Client(base_url="http://localhost:8002", transport=CacheTransport(transport=httpx.HTTPTransport()))  # CFG001


def make_cache_from_default():  # (run 92b/17b: a local named as a default, passed as the fallback)
    default_host = "localhost"  # CFG004
    return RedisCluster(host=os.getenv("REDIS_HOST", default_host), port=6379)


def from_local_url():  # (run 95b/05: a local a URL is built from, by `+` or an f-string)
    url = "http://localhost:8002"  # CFG001
    base = "http://localhost:8004"  # CFG001
    endpoint = base + "/orders"
    return httpx.post(url + "/orders"), httpx.post(endpoint)


def from_local_fstring():
    url = "http://localhost:8003"  # CFG001
    return httpx.get(f"{url}/orders/deep")


def through_a_network_client():  # (a client over TCP connects to its URL's host)
    client = httpx.Client(transport=httpx.HTTPTransport(retries=2))
    plain = httpx.Client()
    plain.get("http://localhost/a")  # CFG001
    return client.get("http://localhost/info")  # CFG001


def retried():  # (a network transport by name, bound once in the function)
    transport = httpx.HTTPTransport(retries=3)
    client = httpx.Client(transport=transport)
    client.get("http://localhost:8000/info")  # CFG001
    return httpx.Client(transport=transport, base_url="http://localhost:8001")  # CFG001


def rebound_client(app):  # (a name bound to a network client as well)
    client = httpx.Client(transport=httpx.ASGITransport(app=app))
    client = httpx.Client()
    return client.get("http://localhost/x")  # CFG001


class RemoteApi:
    def __init__(self):
        self.client = httpx.Client()

    def info(self):
        return self.client.get("http://localhost/info")  # CFG001


def local_default_given_when_unset():  # (run 95b/10: `if not url: url = default_url`)
    default_url = "redis://localhost:6380"  # CFG004
    url = os.getenv("REDIS_URL")
    if not url:
        url = default_url
    return redis.Redis.from_url(url)


def default_read_then_rebound(settings):  # (a default read before it is rebound, or rebound in a block)
    default_host = "localhost"  # CFG004
    cache = RedisCluster(host=os.getenv("REDIS_HOST", default_host))
    default_host = settings.host
    other = "localhost"  # CFG004
    if settings.dev:
        other = settings.host
    return cache, RedisCluster(host=os.getenv("OTHER_HOST", other))


def make_cache_from_env():  # (run 92b/17: the local passed stands for the read)
    host = "localhost"  # CFG004
    host = os.getenv("REDIS_HOST", host)
    return RedisCluster(host=host, port=6379)
"""

NOT_FLAGGED = """\
import os
import aiohttp
from redis.cluster import RedisCluster
import socket
from urllib.parse import urlsplit
import httpx
import uvicorn

LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
EXCLUDED_HOSTS = ["localhost"]
LOCAL_HOSTS = {"localhost", "127.0.0.1"}  # (run 91b/06: a set is tested against, never reached)
DEV_HOSTS = ("localhost", "127.0.0.1")  # (run 92b/21: a tuple or list only tested against)
TEST_HOSTS = ["localhost", "0.0.0.0"]
SAFE_HOSTS = ("localhost",)
NO_PROXY_HOSTS = "localhost,127.0.0.1"
LOCAL_ADDRESS = "127.0.0.1"
transport = httpx.HTTPTransport(local_address="127.0.0.1")
conn = socket.create_connection(("db.internal", 5432), source_address=("127.0.0.1", 0))
BROKERS = "kafka-1:9092,kafka-2:9092"
uvicorn.run("app:app", host="127.0.0.1")
# (run 91b/13: a header's value is text the request carries, not where the client connects)
upstream = httpx.AsyncClient(
    base_url=os.environ["UPSTREAM_URL"], headers={"Host": "localhost", "X-Forwarded-Host": "localhost:8000"}
)
in_process = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost:8000")
mocked = httpx.Client(transport=httpx.MockTransport(handler), base_url="http://localhost:8000")
# (run 94b/09: over a Unix socket the URL's host is never connected to)
docker = httpx.Client(transport=httpx.HTTPTransport(uds="/var/run/docker.sock"), base_url="http://localhost")
retried = httpx.AsyncClient(transport=RetryTransport(httpx.ASGITransport(app=app)), base_url="http://localhost")
wrapped = httpx.AsyncClient(transport=CacheTransport(transport=httpx.ASGITransport(app=app)), base_url="http://localhost")


# (run 95b/04: a request through a client on a local transport reaches no host of its URL)
def docker_info():
    transport = httpx.HTTPTransport(uds="/var/run/docker.sock")
    client = httpx.Client(transport=transport)
    return client.get("http://localhost/info")


async def self_call(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        return await client.get("http://localhost/items")


async def docker_over_aiohttp():
    async with aiohttp.ClientSession(connector=aiohttp.UnixConnector(path="/var/run/docker.sock")) as s:
        return await s.get("http://localhost/v1.41/info")


async def unix_by_name():
    connector = aiohttp.UnixConnector(path="/var/run/docker.sock")
    transport = httpx.AsyncHTTPTransport(uds="/var/run/docker.sock")
    async with aiohttp.ClientSession(connector=connector) as s:
        await s.get("http://localhost/v1.41/info")
    return httpx.AsyncClient(transport=transport, base_url="http://localhost")


class DockerApi:
    def __init__(self):
        self.client = httpx.Client(transport=httpx.HTTPTransport(uds="/var/run/docker.sock"))

    def info(self):
        return self.client.get("http://localhost/info")


def default_replaced(settings):  # (run 95b/12: a default replaced before any read)
    default_host = "localhost"
    default_host = settings.host
    return RedisCluster(host=os.getenv("REDIS_HOST", default_host))


def is_loopback(url):
    return urlsplit(url).hostname in LOOPBACK_HOSTS or urlsplit(url).hostname in EXCLUDED_HOSTS


def is_dev(host):
    return host in DEV_HOSTS or host not in TEST_HOSTS


DEV_SERVERS = ("localhost", "127.0.0.1")  # (run 94b/08: each compared, in a loop or a generator)
BOX_HOSTS = ["localhost"]


def is_local(host):
    for name in BOX_HOSTS:
        if host == name:
            return True
    return any(host == name for name in DEV_SERVERS)
"""


def test_clients_and_lists_of_hosts_are_read_where_they_connect(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path, {"clients.py": FLAGGED, "own.py": NOT_FLAGGED})
    found = [
        (code, path.rsplit("/", 1)[-1], line) for code, path, line in unscreened_agree(root, monkeypatch)
    ]
    expected = [
        (line.rsplit("# ", 1)[1], "clients.py", n)
        for n, line in enumerate(FLAGGED.splitlines(), 1)
        if line.endswith(("# CFG001", "# CFG004"))
    ]
    assert sorted(found) == sorted(expected)


@pytest.mark.parametrize("imported", [True, False])
def test_hosts_tested_against_here_are_targets_where_another_module_imports_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, imported: bool
) -> None:
    """Run 93b/05: a list its own file only tests with ``in`` was never a target, though
    another module imports it and connects with it."""
    hosts = 'BROKERS = ["localhost:9092"]\n\n\ndef is_broker(h):\n    return h in BROKERS\n'
    producer = (
        "from kafka import KafkaProducer\nfrom app.hosts import BROKERS\n\n"
        "producer = KafkaProducer(bootstrap_servers=BROKERS)\n"
    )
    files = {"hosts.py": hosts, **({"producer.py": producer} if imported else {})}
    root = project(tmp_path, files)
    found = [(code, path, line) for code, path, line in unscreened_agree(root, monkeypatch)]
    assert found == ([("CFG001", "svc/app/hosts.py", 1)] if imported else [])
