"""Row 22 (Markdown audit): a service or class name from the checkout can neither break the
audit's table nor inject HTML, headings or links."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from archcheck.output import escape
from archcheck.output.audit import to_markdown
from tests.helpers import cli

HOSTILE = "svc|x`<img src=x onerror=alert(1)>`\n# Forged [link](javascript:alert(2))"
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)")


def inert(markdown: str) -> None:
    """Headings are only archcheck's; no raw HTML, link or extra table cell (code spans are literal)."""
    lines = markdown.splitlines()
    assert not [line for line in lines if line.startswith("#") and "Forged" in line]
    text = CODE_SPAN.sub("", markdown)
    assert not re.search(r"(?<!\\)<img", text) and not re.search(r"(?<!\\)\]\(", text)
    table = [line for line in lines if line.startswith("|")]
    assert len({len(UNESCAPED_PIPE.findall(line)) for line in table}) == 1, table


@pytest.mark.skipif(sys.platform == "win32", reason="such names are POSIX only")
def test_a_hostile_service_name_stays_in_its_cell(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["svc*"]\n', encoding="utf-8")
    app = tmp_path / HOSTILE / "app"
    app.mkdir(parents=True)
    (tmp_path / HOSTILE / "requirements.txt").write_text("httpx\n", encoding="utf-8")
    for module in ("a", "b`c"):  # a duplicate class: its group lists both sites
        (app / f"{module}.py").write_text("class Manager:\n    pass\n", encoding="utf-8")
    result = cli(tmp_path, "audit")
    assert result.returncode == 0, result.stderr
    inert(result.stdout)
    assert "| svc\\|x\\`\\<img src=x onerror=alert(1)\\>\\` `#` Forged \\[link\\](javascript:alert(2)) |" in (
        result.stdout
    )
    assert "``" in result.stdout  # the site with a backtick is in a longer code span


def test_names_in_the_trend_are_escaped_too() -> None:
    run = {
        "date": "today",
        "services": {HOSTILE: {"files": 1, "ssot_violations": 0, "cross_service_imports": 0, "groups": []}},
        "totals": {"files": 1, "ssot_violations": 0, "cross_service_imports": 0},
    }
    change = {
        "services": {},
        "new_groups": [f"{HOSTILE}: A|B"],
        "fixed_groups": [HOSTILE],
        "increased": False,
    }
    markdown = to_markdown(run, change)
    inert(markdown)
    assert "- new duplicate: svc\\|x" in markdown and "- fixed: svc\\|x" in markdown


@pytest.mark.skipif(sys.platform == "win32", reason="such names are POSIX only")
def test_a_legacy_workflow_command_in_a_file_name_is_broken_in_markdown(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.archcheck]\nservices = ["svc"]\n', encoding="utf-8")
    app = tmp_path / "svc" / "app"
    app.mkdir(parents=True)
    (tmp_path / "svc" / "requirements.txt").write_text("httpx\n", encoding="utf-8")
    for module in ("##[warning]dup", "other"):  # a duplicate class: its group lists both files
        (app / f"{module}.py").write_text("class DatabaseManager:\n    pass\n", encoding="utf-8")
    result = cli(tmp_path, "audit")
    assert result.returncode == 0, result.stderr
    assert "##[" not in result.stdout and "#\\x23[warning]dup.py" in result.stdout


LINKABLE = [
    "www.evil-login.example",
    "WWW.Evil-Login.example",
    "it@evil-login.example",
    "https://evil-login.example/x",
    "mailto:it@evil-login.example",
    "xmpp:it@evil-login.example/x",
    "@octocat",
    "octo/repo#1",
]


@pytest.mark.parametrize("name", LINKABLE)
def test_no_name_renders_as_a_link_mention_or_reference_on_github(name: str) -> None:
    """GitHub's renderer (cmark-gfm) links `www.` domains, URLs and e-mail addresses in plain
    text, even where a backslash escapes the `@`; GitHub then links @mentions and #references
    in the rendered text outside code. An escaped name renders as itself, with no link, and
    its `@` and `#` only inside code."""
    from cmarkgfm import github_flavored_markdown_to_html as render

    md = escape.markdown_text(name)
    for markdown in (f"| a |\n|---|\n| x {md} |\n", f"- x {md}\n", f"# x {md}\n", f"x {md}\n"):
        html = render(markdown)
        assert "<a " not in html, html
        outside_code = re.sub(r"<code>[^<]*</code>", "", html)
        assert "@" not in outside_code and "#" not in outside_code, html
        assert _visible(html).endswith(f"x {name}"), html


def _visible(html: str) -> str:
    import html as html_module

    return html_module.unescape(re.sub(r"<[^>]+>", "", html)).strip().splitlines()[-1].strip()


def test_math_and_emphasis_from_a_name_are_inert() -> None:
    """Run 114a/04: `$…$` (GitHub's math) and `_…_` at a word's edge (emphasis) were left as
    markup; an `_` inside a word is inert and stays as written."""
    from archcheck.output.escape import markdown_text

    assert markdown_text("$x^{2}_{spoof}$_STAGING") == r"\$x^{2}\_{spoof}\$\_STAGING"
    assert markdown_text("_italic_ _STAGING") == r"\_italic\_ \_STAGING"
    assert markdown_text("GOOGLE_CLIENT_ID_STAGING") == "GOOGLE_CLIENT_ID_STAGING"
