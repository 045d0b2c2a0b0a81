"""Credentials in path parameters and in ``auth=``/``key=`` are masked, and masking the last
query parameter keeps the quote or punctuation that closes the URL in a message."""

from __future__ import annotations

import pytest

from archcheck.facts.urls import mask_credentials


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("host=db password=S3cret user=app", "host=db password=*** user=app"),
        ("dbname=x password='two words' sslmode=require", "dbname=x password='***' sslmode=require"),
        ('connect(api_key="k1", timeout=3)', 'connect(api_key="***", timeout=3)'),
        ("SECRET_KEY=django-insecure-x; token=t", "SECRET_KEY=***; token=***"),
        ("Authorization: Bearer eyJhbGciOi.J9x", "Authorization: Bearer ***"),
        # not secrets: other names, comparisons, prose
        ("monkey=banana host=db user=app", "monkey=banana host=db user=app"),
        ("if token==expected and password == other", "if token==expected and password == other"),
        ("Bearer tokens expire; a bearer authentication", "Bearer tokens expire; a bearer authentication"),
    ],
)
def test_secret_pairs_outside_urls_are_masked(text: str, masked: str) -> None:
    """Run 77: ``find`` showed a DSN's ``password=`` in a docstring; any output could."""
    assert mask_credentials(text) == masked
    assert mask_credentials(masked) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("'http://localhost:7/?token=abc' points at it", "'http://localhost:7/?token=***' points at it"),
        ('see "https://h/x?password=p".', 'see "https://h/x?password=***".'),
        ("(https://h/x?api_key=k)", "(https://h/x?api_key=***)"),
        ("http://h/db;password=S3cr3t", "http://h/db;password=***"),
        ("'ftp://u@h/f;type=a;pwd=S3cr3t' here", "'ftp://***@h/f;type=a;pwd=***' here"),
        ("http://h/a;token=t/b?x=1", "http://h/a;token=***/b?x=1"),
        ("https://h/x?auth=abc&key=def&page=2", "https://h/x?auth=***&key=***&page=2"),
        ("https://h/x?access_key=abc&basic_auth=u", "https://h/x?access_key=***&basic_auth=***"),
        # servers split a query at ";" too
        ("http://localhost/x?a=1;password=S3CRET", "http://localhost/x?a=1;password=***"),
        ("http://h/?session_id=s&jwt=j;credentials=c", "http://h/?session_id=***&jwt=***;credentials=***"),
    ],
)
def test_parameters_are_masked_and_the_closing_quote_kept(text: str, masked: str) -> None:
    assert mask_credentials(text) == masked
    assert mask_credentials(masked) == masked  # masking twice changes nothing


@pytest.mark.parametrize(
    "text",
    [
        "ftp://h/file;type=a",
        "http://h/a;b/c;d=e?monkey=1&keys=2&author=x",
        "'http://h/x?token=' is empty",
        "http://h/x?token=''",
        "'http://h/x?page=2' here.",
    ],
)
def test_urls_without_credentials_stay_as_written(text: str) -> None:
    assert mask_credentials(text) == text
