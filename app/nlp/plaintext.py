"""An article as published in plain text: a title line, the body, a closing `By NAME` line."""

from __future__ import annotations

import re
from dataclasses import dataclass

_BYLINE = re.compile(r"^\s*By\s+(?P<names>\S.*?)\s*$", re.IGNORECASE)
_NAME_SEPARATORS = re.compile(r"\s*(?:,\s*and\s+|,|\s+and\s+|&)\s*")


@dataclass(frozen=True, slots=True)
class PlainArticle:
    text: str  # the whole article as sent, line endings made LF: offsets point into it
    title: str | None
    authors: list[str]


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_plain_article(raw: str) -> PlainArticle:
    text = normalise_newlines(raw)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    title = lines[0] if len(lines) > 1 else None
    authors: list[str] = []
    if len(lines) > 1 and (match := _BYLINE.match(lines[-1])):
        authors = [n for n in _NAME_SEPARATORS.split(match["names"]) if n]
    return PlainArticle(text=text, title=title, authors=authors)
