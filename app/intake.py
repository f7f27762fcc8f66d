"""Turning what a client sent (JSON, plain text, HTML) into one validated NewArticle."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from app.errors import InvalidInput, UnsupportedMediaType, field_errors
from app.nlp.html import parse_html_article
from app.nlp.plaintext import normalise_newlines, parse_plain_article
from app.schemas import MAX_FIELD_CHARS, MAX_TEXT_CHARS, ArticleCreate


@dataclass(frozen=True, slots=True)
class NewArticle:
    text: str
    title: str | None
    url: str | None
    source: str | None
    authors: list[str]
    published_at: datetime | None
    language: str | None  # the client's hint; the extractor decides

    @property
    def text_hash(self) -> str:
        return text_hash(self.text)


def to_payload(article: NewArticle) -> dict[str, Any]:
    """The article as JSON, to wait in a job (app.jobs) until a worker stores it."""
    return {
        "text": article.text, "title": article.title, "url": article.url, "source": article.source,
        "authors": article.authors, "language": article.language,
        "published_at": article.published_at.isoformat() if article.published_at else None,
    }


def from_payload(payload: dict[str, Any]) -> NewArticle:
    published = payload.get("published_at")
    return NewArticle(
        text=payload["text"], title=payload.get("title"), url=payload.get("url"), source=payload.get("source"),
        authors=list(payload.get("authors") or []), language=payload.get("language"),
        published_at=datetime.fromisoformat(published) if published else None,
    )


def text_hash(text: str) -> str:
    """Identity of an article's text: the same words sent with other spacing are the same."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


# Codecs Python marks as text encodings that are not a charset a body can be written in:
# they decode domain names or escape sequences, or (undefined) always fail.
_NOT_CHARSETS = frozenset({"punycode", "idna", "undefined", "unicode-escape", "raw-unicode-escape"})


def decode_body(body: bytes, charset: str | None) -> str:
    try:
        codec = codecs.lookup((charset or "utf-8").strip().strip('"'))
    except LookupError:
        raise UnsupportedMediaType(f"Unknown charset {charset!r}; send UTF-8.") from None
    # Python's codec registry also holds bytes-to-bytes and text-to-text transforms (base64,
    # zlib, rot13 …): they are not charsets, whatever they would make of the body.
    if not getattr(codec, "_is_text_encoding", True) or codec.name in _NOT_CHARSETS:
        raise UnsupportedMediaType(f"{charset!r} is not a charset; send UTF-8.")
    encoding = "utf-8-sig" if codec.name == "utf-8" else codec.name  # a leading BOM is not part of the article
    try:
        return body.decode(encoding)
    except ValueError as exc:  # UnicodeDecodeError, or a bare UnicodeError from some codecs
        where = f" (byte {exc.start})" if isinstance(exc, UnicodeDecodeError) else ""
        raise InvalidInput(
            f"The body is not valid {codec.name}{where}.",
            errors=[{"loc": ["body"], "msg": "undecodable bytes", "type": "unicode_decode"}],
        ) from None


def from_plain_text(body: bytes, charset: str | None) -> NewArticle:
    parsed = parse_plain_article(decode_body(body, charset))
    return _validated(parsed.text, title=parsed.title, authors=parsed.authors)


def from_html(body: bytes, charset: str | None) -> NewArticle:
    return from_json({"html": decode_body(body, charset)})


def from_json(payload: Any) -> NewArticle:
    if not isinstance(payload, dict):
        raise InvalidInput(
            "The body must be a JSON object with a `text` or an `html` field.",
            errors=[{"loc": ["body"], "msg": "expected an object", "type": "model_type"}],
        )
    try:
        data = ArticleCreate.model_validate(payload)
    except ValidationError as exc:
        errors = [{**e, "loc": ["body", *e["loc"]]} for e in field_errors(exc.errors())]
        first = errors[0]
        raise InvalidInput(
            f"Invalid article: {'.'.join(map(str, first['loc']))}: {first['msg']}", errors=errors
        ) from None
    if data.text is not None and data.html is not None:
        raise _field_error("html", "send either `text` or `html`, not both")
    title, authors, published_at = data.title, data.authors, data.published_at
    url, source = data.url, data.source
    if data.html is not None:
        page = parse_html_article(data.html, url=data.url)
        text = page.text
        # What the client states wins over what the page states.
        title = title or page.title
        authors = authors or page.authors
        published_at = published_at or page.published_at
        url = url or _fits(page.url)
        source = source or _fits(page.source)
        if not text.strip():
            raise _field_error("html", "no article text could be found in the page")
    elif data.text is not None:
        text = normalise_newlines(data.text)
    else:
        raise _field_error("text", "`text` (or `html`) is required")
    return _validated(
        text,
        title=title,
        authors=authors,
        url=url,
        source=source,
        published_at=published_at,
        language=data.language,
    )


def _fits(value: str | None) -> str | None:
    """A page's own metadata, dropped when longer than a client may send."""
    return value if value is None or len(value) <= MAX_FIELD_CHARS else None


def _validated(
    text: str,
    *,
    title: str | None,
    authors: list[str],
    url: str | None = None,
    source: str | None = None,
    published_at: datetime | None = None,
    language: str | None = None,
) -> NewArticle:
    if not text.strip():
        raise _field_error("text", "the article text is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise _field_error("text", f"the article text is longer than {MAX_TEXT_CHARS} characters")
    for name, value in (("text", text), ("title", title), ("url", url), ("source", source)):
        _check_storable(name, value)
    for author in authors:
        _check_storable("authors", author)
    return NewArticle(
        text=text,
        title=title,
        url=url,
        source=source,
        authors=authors,
        published_at=published_at,
        language=language,
    )


def _check_storable(field: str, value: str | None) -> None:
    if value is None:
        return
    if "\x00" in value:
        raise _field_error(field, "NUL characters are not allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise _field_error(field, "lone surrogate characters are not allowed") from None


def _field_error(field: str, msg: str) -> InvalidInput:
    return InvalidInput(
        f"Invalid article: {field}: {msg}",
        errors=[{"loc": ["body", field], "msg": msg, "type": "value_error"}],
    )
