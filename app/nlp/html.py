"""A web page's article: main text, title, authors, date, URL and site, by trafilatura."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import trafilatura
from trafilatura.settings import set_date_params, use_config

from app.nlp.plaintext import normalise_newlines

# Past this many nodes trafilatura prunes the page, so a hostile page costs bounded time.
MAX_TREE_SIZE = 200_000
_CONFIG = use_config()
_CONFIG.set("DEFAULT", "MAX_TREE_SIZE", str(MAX_TREE_SIZE))
# libxml2 checks each attribute of a tag against the ones before it: a tag with 60,000
# attributes took 79 s, 8,000 took 0.7 s. Real pages stay under a few dozen.
MAX_ATTRIBUTES = 256
# A tag this short cannot hold MAX_ATTRIBUTES: only longer ones are counted.
_SHORTEST_SUSPECT = 2 * MAX_ATTRIBUTES
_LONG_TAG = re.compile(rf"<[A-Za-z][^<>]{{{_SHORTEST_SUSPECT},}}")
_ATTRIBUTE = re.compile(r"""[^\s"'=<>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]*))?""")


@dataclass(frozen=True, slots=True)
class PageArticle:
    text: str  # empty when the page holds no article text
    title: str | None
    authors: list[str]
    published_at: datetime | None
    url: str | None = None  # the page's own: og:url, else <link rel=canonical>
    source: str | None = None  # og:site_name (or the like), else the site's host name


def parse_html_article(html: str, url: str | None = None) -> PageArticle:
    doc = trafilatura.bare_extraction(
        _trim_attributes(html),
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        config=_CONFIG,
        date_extraction_params=_date_params(),
    )
    if doc is None or isinstance(doc, dict):
        return PageArticle(text="", title=None, authors=[], published_at=None)
    authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    return PageArticle(
        text=normalise_newlines(doc.text or ""),
        title=(doc.title or "").strip() or None,
        authors=authors,
        published_at=_date(doc.date),
        url=_web_address(doc.url),
        source=(doc.sitename or "").strip() or None,
    )


def _web_address(value: str | None) -> str | None:
    # trafilatura falls back to the url it was given; only an http(s) address is a page's.
    value = (value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else None


def _trim_attributes(html: str) -> str:
    """The page with no tag holding more than MAX_ATTRIBUTES attributes (the rest are
    dropped): linear in the page, before the parser that is not. Trimmed, not refused:
    what looks like a tag may be inside a script, which the article never shows anyway."""
    return _LONG_TAG.sub(_trimmed, html)


def _trimmed(tag: re.Match[str]) -> str:
    text = tag.group()
    for count, attribute in enumerate(_ATTRIBUTE.finditer(text, 1)):
        if count == MAX_ATTRIBUTES:  # the first match is the tag's name
            return text[:attribute.end()]
    return text


def _date_params() -> dict[str, object]:
    # trafilatura's own (max_date is today, so made per call), with the time of day kept:
    # its default format is the date alone.
    return {**set_date_params(True), "outputformat": "%Y-%m-%dT%H:%M:%S%z"}


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        # A page's date is a hint: one that cannot be read, or leaves the calendar in UTC, is dropped.
        return None
