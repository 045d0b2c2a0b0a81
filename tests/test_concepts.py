from __future__ import annotations

import pytest

from archcheck.project.concepts import concept, same_concept, tokens

DB = ["connect", "disconnect", "execute"]


def test_tokens() -> None:
    assert tokens("UnifiedDBConnectionManager") == ["unified", "db", "connection", "manager"]
    assert tokens("HTTPClientV2") == ["http", "client", "v2"]
    assert tokens("s3_uploader") == ["s3", "uploader"]


def test_concept_normalises_abbreviations_and_qualifiers() -> None:
    assert str(concept("UnifiedDBConnMgr")) == "database connection manager"
    assert concept("BaseManager") is None  # nothing specific is left


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("DatabaseManager", "UnifiedDBConnectionManager", True),
        ("DatabaseManager", "DatabaseConnectionManager", True),
        ("DBManager", "LegacyDatabaseManagerV2", True),
        ("UserRepository", "OrderRepository", False),
        ("DatabaseManager", "DatabaseConfig", False),
        ("InteractiveSpinner", "NonInteractiveSpinner", False),
        ("_16ColorCache", "_256ColorCache", False),
        ("TaskTemplateCreate", "TemplateTaskCreate", False),  # word order is meaning
        ("ConfigValidator", "ConfigurationValidator", True),
    ],
)
def test_same_concept(a: str, b: str, same: bool) -> None:
    assert same_concept(a, DB, b, DB) is same


def test_subset_names_need_shared_methods() -> None:
    assert not same_concept(
        "DatabaseManager", ["connect", "close"], "DatabaseConnectionManager", ["pool", "drain"]
    )


@pytest.mark.parametrize(
    "body",
    [
        "    db: DatabaseManager = Field(default_factory=make)\n    HTTP2 = 'HTTPClient'\n",
        "    x = _Private() + Mixed_Case9(A, B1c) # SeeAlso: OtherThing.Attr\n",
        "    r = 'caf\u00e9Manager \u2192 Foo\u00b7Bar'  # non-ASCII: the expression decides\n",
        "    CONSTANT = 1; ok = 9Lives + x.Y_z\n",
    ],
)
def test_class_references_are_the_camel_case_words_of_the_body(body: str) -> None:
    import re

    from archcheck.facts.definitions import references

    lines = ["class Own:", *body.splitlines()]
    expected = set(re.findall(r"\b[A-Z][A-Z0-9_]*[a-z][A-Za-z0-9_]*\b", "\n".join(lines[1:]))) - {"Own"}
    assert references(lines, 2, len(lines), "Own") == tuple(sorted(expected))


class _Lines:
    """A source of file lines that counts what it was asked."""

    def __init__(self, files: dict) -> None:
        self.files, self.asked = files, []

    def lines(self, path: str):
        self.asked.append(path)
        return self.files.get(path)


def test_class_bodies_are_read_on_demand_and_an_unread_one_names_everything() -> None:
    from archcheck.model import Location
    from archcheck.project.ssot import BodyText, Site

    source = _Lines({"a.py": ["class DbFacade:", "    inner = DbManager()"]})
    text = BodyText(source)  # type: ignore[arg-type]
    facade = Site("DbFacade", "a.py", Location("a.py"), lines=(2, 2), text=text)
    lost = Site("DbHelper", "gone.py", Location("gone.py"), lines=(2, 9), text=text)
    assert facade.mentions("DbManager") and not facade.mentions("DbPool")
    assert lost.mentions("Anything")  # unreadable, or changed since its facts: no finding rests on it
    assert source.asked == ["a.py", "gone.py"]  # each file once
