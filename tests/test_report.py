"""`archcheck report`: the HTML page, loaded in a real headless Chromium.

The browser is a test dependency that ``.ci/run`` installs from Debian's packages; when it
is missing the browser tests fail (a skipped test would prove nothing about the page).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import Dict, List, Optional, Set, Tuple

import pytest

from tests.helpers import cli

RED = "#d32f2f"


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(
            "no headless browser: the HTML report is tested in Chromium; install it with "
            "`apt-get install chromium` (.ci/run does)"
        )
    return found


def browse(page: Path, *args: str, fragment: str = "") -> subprocess.CompletedProcess[str]:
    """Load ``page`` in headless Chromium with ``args`` (--dump-dom, --screenshot=...)."""
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args]
    result = subprocess.run([*command, page.as_uri() + fragment], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


class Graph(HTMLParser):
    """The nodes and edges of the service graph, and the edge panel's text, from a DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: Dict[str, str] = {}  # name -> kind
        self.edges: Dict[Tuple[str, str], Dict[str, str]] = {}  # (source, target) -> class, stroke
        self.panel: List[str] = []
        self._edge: Optional[Tuple[str, str]] = None
        self._panel_depth = 0

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if self._panel_depth:
            self._panel_depth += 1
        if tag == "div" and a.get("id") == "edge-panel":
            self._panel_depth = 1
        classes = set(a.get("class", "").split())
        if tag == "g" and "node" in classes:
            self.nodes[a["data-name"]] = a["data-kind"]
        elif tag == "g" and "edge" in classes:
            self._edge = (a["data-source"], a["data-target"])
            self.edges[self._edge] = {"class": a["class"]}
        elif tag == "path" and "line" in classes and self._edge is not None:
            self.edges[self._edge]["stroke"] = a["stroke"]

    def handle_endtag(self, tag: str) -> None:
        if self._panel_depth:
            self._panel_depth -= 1
        if tag == "g":
            self._edge = None

    def handle_data(self, data: str) -> None:
        if self._panel_depth:
            self.panel.append(data)


def parse(dom: str) -> Graph:
    graph = Graph()
    graph.feed(dom)
    return graph


def report(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = cli(project, "report", *args)
    assert result.returncode == 0, result.stderr
    return result


def png_size(path: Path) -> Tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


FORBIDDEN = {("auth_service", "netra_backend"), ("netra_backend", "auth_service"), ("shared", "auth_service")}


def test_the_page_in_a_headless_browser_shows_every_service_and_the_red_edges(
    demo: Path, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    report(demo, "--output", str(page))

    graph = parse(browse(page, "--dump-dom").stdout)
    assert graph.nodes == {
        "auth_service": "service",
        "netra_backend": "service",
        "orders-service": "service",
        "shared": "shared",
    }
    red = {edge for edge, drawn in graph.edges.items() if drawn["stroke"] == RED}
    assert red == FORBIDDEN
    assert all("forbidden" in graph.edges[edge]["class"].split() for edge in red)
    assert graph.edges[("orders-service", "shared")]["class"] == "edge"  # allowed: grey
    assert "Hover over an edge" in "".join(graph.panel)

    screenshot = tmp_path / "report.png"
    browse(page, f"--screenshot={screenshot}", "--window-size=1280,1600")
    assert screenshot.stat().st_size > 10_000 and png_size(screenshot) == (1280, 1600)


def test_an_edge_lists_its_import_sites_in_the_browser(demo: Path, tmp_path: Path) -> None:
    """The script shows the sites of the edge the address names, as a click on it does."""
    page = tmp_path / "report.html"
    text = report(demo, "--output", str(page))
    assert text.stdout == ""
    html = page.read_text(encoding="utf-8")
    number = html.split('data-source="auth_service" data-target="netra_backend"')[0].rsplit('data-edge="', 1)[
        1
    ]
    edge = number.split('"')[0]
    graph = parse(browse(page, "--dump-dom", fragment=f"#graph-edge-{edge}").stdout)
    shown = "".join(graph.panel)
    assert "auth_service → netra_backend" in shown
    assert "auth_service/auth_core/tokens.py:3" in shown and "netra_backend.app.models" in shown
    # the tooltip: one <title> per edge, the sites on lines of their own
    assert "1 import, forbidden (IMP001, IMP003)&#10;auth_service/auth_core/tokens.py:3" in html


def test_findings_groups_and_links(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.html"
    out.parent.mkdir()
    report(demo, "--output", str(out))
    page = out.read_text(encoding="utf-8")
    # links lead from the page's folder to the files of the project
    assert (
        '<a href="../demo/netra_backend/app/startup.py"><code>netra_backend/app/startup.py:7:5</code></a>'
        in page
    )
    assert (out.parent / "../demo/netra_backend/app/startup.py").resolve().is_file()
    assert "<h4>ASY001 asyncio-run-in-async \u00b7 1</h4>" in page
    assert (
        "<h3>Similar implementations</h3>" in page
        and "<b>DatabaseManager / UnifiedDBConnectionManager</b>" in page
    )
    assert "No trend: pass <code>--history FILE</code>" in page
    assert "postgres:***@db" in page and "<link" not in page and " src=" not in page
    # written to stdout, the page's links read from the project root
    assert '<a href="netra_backend/app/startup.py">' in report(demo).stdout


def test_the_trend_chart_reads_the_history_and_never_writes_it(demo: Path, tmp_path: Path) -> None:
    history = tmp_path / "audit.jsonl"
    for _ in range(2):
        assert cli(demo, "audit", "--history", str(history)).returncode == 0
    before = history.read_bytes()
    page = report(demo, "--history", str(history)).stdout
    assert history.read_bytes() == before
    assert page.count('<polyline points="') == 2 and "3 runs, the last one this run." in page

    history.write_text(before.decode() + '{"date": 1}\n')
    result = cli(demo, "report", "--history", str(history))
    assert result.returncode == 2 and f"{history}:3: not an audit run" in result.stderr


def test_names_from_the_checkout_are_inert(demo: Path) -> None:
    """A service named to inject markup or a CI command, and a URL with a password."""
    evil = demo / "services" / "evil\n::error::pwned <img src=x onerror=alert(1)>"
    (evil / "app").mkdir(parents=True)
    (evil / "app" / "__init__.py").write_text("")
    (evil / "app" / "calls.py").write_text(
        'from netra_backend.app.models import Order\n\nADMIN = "http://admin:hunter2@localhost:9000/"\n'
    )
    page = report(demo).stdout
    assert not [line for line in page.splitlines() if line.lstrip().startswith("::")]
    assert "<img" not in page and "hunter2" not in page
    assert "evil\\n::error::pwned &lt;img src=x onerror=alert(1)&gt;" in page
    assert page.count('<g class="node" data-kind="service"') == 4


def test_audit_html_is_this_page(demo: Path) -> None:
    result = cli(demo, "audit", "--format", "html")
    assert result.returncode == 0, result.stderr
    page = result.stdout
    assert "<title>SSOT audit</title>" in page and '<svg id="graph"' in page
    assert "the audit&#x27;s rules: SSOT and cross-service" in page
    assert page.count('<g class="edge forbidden"') == len(FORBIDDEN)
    codes: Set[str] = {line.split("<h4>")[1].split()[0] for line in page.splitlines() if "<h4>" in line}
    assert codes == {"IMP001", "SSOT003"}  # the audit's rules only
