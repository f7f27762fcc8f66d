"""Full-text queries: what a user types in `q=`, made safe for SQLite FTS5 and PostgreSQL.

The syntax is the one people know from search boxes: words (all must match), "a phrase"
in double quotes, and a trailing * for a prefix (`negotiat*`). Nothing a user types
reaches the database's own query language unescaped."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, literal

from app.errors import InvalidInput

_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+)')
_WORD_CHARS = re.compile(r"\w+")
MAX_TERMS = 16
PG_CONFIG = "english"


@dataclass(frozen=True, slots=True)
class Term:
    words: tuple[str, ...]  # more than one: a phrase, in order
    prefix: bool = False  # the last word is a prefix


def parse_query(q: str) -> tuple[Term, ...]:
    if q.count('"') % 2:
        raise _invalid("unbalanced double quote")
    terms: list[Term] = []
    for match in _TOKEN.finditer(q):
        raw = match["phrase"] if match["phrase"] is not None else match["word"]
        prefix = match["word"] is not None and raw.endswith("*")
        words = tuple(_WORD_CHARS.findall(raw))
        if words:
            terms.append(Term(words, prefix=prefix))
    if not terms:
        raise _invalid("the query has no words to search for")
    if len(terms) > MAX_TERMS:
        raise _invalid(f"the query has more than {MAX_TERMS} terms")
    return tuple(terms)


def fts5_match(terms: tuple[Term, ...]) -> str:
    """An FTS5 MATCH expression: every word double-quoted, so none is an operator."""
    parts = []
    for term in terms:
        quoted = '"' + " ".join(term.words) + '"'
        parts.append(quoted + "*" if term.prefix else quoted)
    return " ".join(parts)


def pg_tsquery(terms: tuple[Term, ...]) -> ColumnElement[object]:
    """A tsquery, built from PostgreSQL's own parsers so that no input is syntax."""
    query: ColumnElement[object] | None = None
    for term in terms:
        if term.prefix:
            # The words are \w+ only, so they cannot carry tsquery operators.
            part = func.to_tsquery(PG_CONFIG, literal(" <-> ".join(term.words) + ":*"))
        else:
            part = func.phraseto_tsquery(PG_CONFIG, literal(" ".join(term.words)))
        query = part if query is None else query.op("&&")(part)
    assert query is not None
    return query


def _invalid(msg: str) -> InvalidInput:
    return InvalidInput(
        f"Invalid search query: {msg}.",
        errors=[{"loc": ["query", "q"], "msg": msg, "type": "value_error"}],
    )
