"""The plain-text layout: title line, body, `By NAME` line."""

from __future__ import annotations

import pytest

from app.nlp.plaintext import parse_plain_article

BODY = "Headline of the day\n\nThe council met on Monday and voted.\n"


@pytest.mark.parametrize(("byline", "authors"), [
    ("By Jane Roe", ["Jane Roe"]),
    ("By Jane Roe and John Doe", ["Jane Roe", "John Doe"]),
    ("By Jane Roe, John Doe and Ann Lee", ["Jane Roe", "John Doe", "Ann Lee"]),
    ("BY J. R. Hartley", ["J. R. Hartley"]),
    ("By Ludwig van der Berg", ["Ludwig van der Berg"]),
    ("By Aoife O’Brien-Walsh", ["Aoife O’Brien-Walsh"]),
    ("By Jane Roe in Washington", ["Jane Roe"]),
    ("By the way, the vote is on Tuesday.", []),
    ("By then the hall was empty", []),
    ("By 2030 the plant will close.", []),
])
def test_byline(byline: str, authors: list[str]) -> None:
    article = parse_plain_article(BODY + byline + "\n")
    assert article.authors == authors
    assert article.title == "Headline of the day"
    assert article.text.endswith(byline + "\n")  # the text is what was sent
