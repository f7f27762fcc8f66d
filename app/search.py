"""Full-text queries: what a user types in `q=`, made safe for SQLite FTS5 and PostgreSQL.

The syntax is the one people know from search boxes: words (all must match), "a phrase"
in double quotes, and a trailing * for a prefix (`negotiat*`). Nothing a user types
reaches the database's own query language unescaped.

Entity names are searched differently: `q` is a plain substring of the name or an alias,
any case, every character literal (see `entity_name_params`)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    bindparam,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
)

from app.errors import InvalidInput
from app.models import entity_table as entity_t

_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+)')
_WORD_CHARS = re.compile(r"\w+")
MAX_TERMS = 16
# A prefix matches every word of the index that starts with it, and each is read in full:
# `t*` on 1,210 articles read most of the index, and 16 such terms took 0.21 s, growing
# with the corpus. Longer prefixes and fewer of them keep a search's cost to what it can
# answer (a page of 20).
MAX_PREFIX_TERMS = 4
MIN_PREFIX_CHARS = 3
PG_CONFIG = "english"
LIKE_ESCAPE = "/"
# FTS5's trigram tokenizer matches nothing shorter: such a query scans every entity.
TRIGRAM = 3


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
    prefixes = [t.words[-1] for t in terms if t.prefix]
    if short := [p for p in prefixes if len(p) < MIN_PREFIX_CHARS]:
        raise _invalid(f"a prefix needs at least {MIN_PREFIX_CHARS} characters before the *, "
                       f"as it matches every word that begins with it: {short[0]}*", too_costly=True)
    if len(prefixes) > MAX_PREFIX_TERMS:
        raise _invalid(f"the query has more than {MAX_PREFIX_TERMS} prefixes (words ending in *), "
                       "each matching many words: use fewer, or whole words", too_costly=True)
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


def entity_name_params(q: str, sqlite: bool) -> dict[str, str]:
    """The parameters of `entity_name_match`: `q`, LIKE-escaped, for the match itself, and
    on SQLite `q_trigrams`, an FTS5 phrase, to find its candidates through entity_fts
    (migrations: entity_name_search). PostgreSQL's pg_trgm indexes serve the ILIKE as it is."""
    params = {"q": q.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%")
              .replace("_", LIKE_ESCAPE + "_")}
    if sqlite and len(q) >= TRIGRAM:
        # Inside double quotes, with " doubled, FTS5 reads every character as text.
        params["q_trigrams"] = '"' + q.replace('"', '""') + '"'
    return params


def entity_name_match(names: Collection[str]) -> ColumnElement[bool]:
    """q is a substring of the entity's name or of its aliases, in any case.

    The trigram index only narrows the rows down: the LIKE decides, so that an answer is the
    same with or without it (trigrams fold case beyond ASCII, as SQLite's lower() does not)."""
    like = or_(entity_t.c.name.icontains(bindparam("q"), escape=LIKE_ESCAPE),
               cast(entity_t.c.aliases, String).icontains(bindparam("q"), escape=LIKE_ESCAPE))
    if "q_trigrams" not in names:
        return like
    fts = table("entity_fts", column("rowid"))
    candidates = select(fts.c.rowid).where(literal_column("entity_fts").op("MATCH")(bindparam("q_trigrams")))
    return and_(entity_t.c.id.in_(candidates), like)


def _invalid(msg: str, too_costly: bool = False) -> InvalidInput:
    return InvalidInput(
        f"{'Search query too costly' if too_costly else 'Invalid search query'}: {msg}.",
        errors=[{"loc": ["query", "q"], "msg": msg, "type": "value_error"}],
    )
