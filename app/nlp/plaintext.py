"""An article as published in plain text: a title line, the body, a closing `By NAME` line."""

from __future__ import annotations

import re
from dataclasses import dataclass

_BYLINE = re.compile(r"^\s*By\s+(?P<names>\S.*?)\s*$", re.IGNORECASE)
_NAME_SEPARATORS = re.compile(r"\s*(?:,\s*and\s+|,|\s+and\s+|&)\s*")
# "By Jane Roe in Washington": where the reporter filed from is not part of the name.
_FILED_FROM = re.compile(r"\s+in\s+[A-Z][\w.' -]*$")
# A name is a few capitalised words (initials too), with the particles names carry.
_NAME_WORD = re.compile(r"(?:[A-Z][\w'’-]*\.?|[A-Z]\.(?:[A-Z]\.)*)$")
_PARTICLES = {"de", "da", "di", "del", "della", "der", "den", "van", "von", "la", "le", "du", "al", "el", "bin", "ibn",
              "y"}
MAX_NAME_WORDS = 5


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
        names = [n for n in _NAME_SEPARATORS.split(_FILED_FROM.sub("", match["names"])) if n]
        # A last sentence that merely starts with "By" ("By the way, ...") names nobody.
        if names and all(_looks_like_a_name(n) for n in names):
            authors = names
    return PlainArticle(text=text, title=title, authors=authors)


def _looks_like_a_name(name: str) -> bool:
    words = name.split()
    return (
        0 < len(words) <= MAX_NAME_WORDS
        and _NAME_WORD.match(words[0]) is not None
        and all(_NAME_WORD.match(w) or w in _PARTICLES for w in words[1:])
    )
