"""Full-text queries: what a user types in `q=`, made safe for SQLite FTS5 and PostgreSQL.

The syntax is the one people know from search boxes: words (all must match, in any
inflection: `negotiations` finds "negotiating"), "a phrase" in double quotes, a trailing *
for a prefix of a word as written (`negotiat*`), `OR` in capitals between two terms for
either (`peace OR Nobel prize`: peace or Nobel, and prize), and a leading - to exclude a
word or phrase (`-Moscow`). Nothing a user types reaches the database's own query language
unescaped: every word is \\w+ only, double-quoted for FTS5.

Whole words are matched against the stemmed index and prefixes against the index of the
words as written (migrations: full_text_search, word_search), so a query is split by
index into a `SearchPlan`; app/queries/ranked.py turns a plan into SQL.

Entity names are searched differently: `q` is a plain substring of the name or an alias,
any case, every character literal (see `entity_name_params`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    bindparam,
    cast,
    column,
    literal_column,
    or_,
    select,
    table,
)

from app.errors import InvalidInput
from app.models import entity_table as entity_t

_TOKEN = re.compile(r'(?P<neg>-)?(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))')
_WORD_CHARS = re.compile(r"\w+")
OR = "OR"
MAX_TERMS = 16
# A prefix matches every word of the index that starts with it, and each is read in full:
# `t*` on 1,210 articles read most of the index, and 16 such terms took 0.21 s, growing
# with the corpus. Longer prefixes and fewer of them keep a search's cost to what it can
# answer (a page of 20).
MAX_PREFIX_TERMS = 4
MIN_PREFIX_CHARS = 3
PG_CONFIG = "english"
# The words as written: lower case, no stemming, no stop words.
PG_WORDS_CONFIG = "simple"
LIKE_ESCAPE = "/"
# FTS5's trigram tokenizer matches nothing shorter: such a query scans every entity.
TRIGRAM = 3


@dataclass(frozen=True, slots=True)
class Term:
    words: tuple[str, ...]  # more than one: a phrase, in order
    prefix: bool = False  # the last word is a prefix


@dataclass(frozen=True, slots=True)
class Query:
    groups: tuple[tuple[Term, ...], ...]  # every group must match, each by any of its terms
    excluded: tuple[Term, ...] = ()  # none may match


def parse_query(q: str) -> Query:
    if q.count('"') % 2:
        raise _invalid("unbalanced double quote")
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    last = ""  # what came before: "", "term", "excluded" or OR
    for match in _TOKEN.finditer(q):
        if match["word"] == OR and not match["neg"]:
            if last != "term":
                raise _invalid("OR needs a word or phrase to search for on each side")
            last = OR
            continue
        raw = match["phrase"] if match["phrase"] is not None else match["word"]
        words = tuple(_WORD_CHARS.findall(raw))
        if not words:
            continue
        term = Term(words, prefix=match["word"] is not None and raw.endswith("*"))
        if match["neg"]:
            if last == OR:
                raise _invalid("OR cannot join an excluded term (-word)")
            excluded.append(term)
            last = "excluded"
        elif last == OR:
            groups[-1].append(term)
            last = "term"
        else:
            groups.append([term])
            last = "term"
    if last == OR:
        raise _invalid("OR needs a word or phrase to search for on each side")
    if not groups:
        raise _invalid("the query has only excluded words: add one to search for" if excluded
                       else "the query has no words to search for")
    terms = [t for g in groups for t in g] + excluded
    if len(terms) > MAX_TERMS:
        raise _invalid(f"the query has more than {MAX_TERMS} terms")
    prefixes = [t.words[-1] for t in terms if t.prefix]
    if short := [p for p in prefixes if len(p) < MIN_PREFIX_CHARS]:
        raise _invalid(f"a prefix needs at least {MIN_PREFIX_CHARS} characters before the *, "
                       f"as it matches every word that begins with it: {short[0]}*", too_costly=True)
    if len(prefixes) > MAX_PREFIX_TERMS:
        raise _invalid(f"the query has more than {MAX_PREFIX_TERMS} prefixes (words ending in *), "
                       "each matching many words: use fewer, or whole words", too_costly=True)
    return Query(tuple(tuple(g) for g in groups), tuple(excluded))


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """A query split by index, each part one expression in the database's own syntax,
    keyed by its role: `stems` (groups of whole words, all to match, in the stemmed index),
    `words` (groups of prefixes, in the index of words as written), `either_N_stems` and
    `either_N_words` (a group with both: either side matches), `not_stems` and `not_words`
    (excluded terms). The keys present are the statement's shape."""

    parts: dict[str, str]


def plan(query: Query, sqlite: bool) -> SearchPlan:
    any_of, all_of = (_fts5_any, _fts5_all) if sqlite else (_tsquery_any, _tsquery_all)
    parts: dict[str, str] = {}
    stems = [g for g in query.groups if not any(t.prefix for t in g)]
    words = [g for g in query.groups if all(t.prefix for t in g)]
    mixed = [g for g in query.groups if g not in stems and g not in words]
    if stems:
        parts["stems"] = all_of(stems)
    if words:
        parts["words"] = all_of(words)
    for i, group in enumerate(mixed):
        parts[f"either_{i}_stems"] = any_of([t for t in group if not t.prefix])
        parts[f"either_{i}_words"] = any_of([t for t in group if t.prefix])
    if excluded := [t for t in query.excluded if not t.prefix]:
        parts["not_stems"] = any_of(excluded)
    if excluded := [t for t in query.excluded if t.prefix]:
        parts["not_words"] = any_of(excluded)
    return SearchPlan(parts)


def _fts5_term(term: Term) -> str:
    # Double-quoted, every word is text to FTS5, never an operator.
    quoted = '"' + " ".join(term.words) + '"'
    return quoted + "*" if term.prefix else quoted


def _tsquery_term(term: Term) -> str:
    # The words are \w+ only, so they cannot carry tsquery operators.
    return " <-> ".join(term.words) + (":*" if term.prefix else "")


def _joined(terms: Sequence[Term], render: Callable[[Term], str], op: str) -> str:
    rendered = [render(t) for t in terms]
    return rendered[0] if len(rendered) == 1 else "(" + f" {op} ".join(rendered) + ")"


def _fts5_any(terms: Sequence[Term]) -> str:
    return _joined(terms, _fts5_term, "OR")


def _fts5_all(groups: Sequence[Sequence[Term]]) -> str:
    return " AND ".join(_fts5_any(g) for g in groups)


def _tsquery_any(terms: Sequence[Term]) -> str:
    return _joined(terms, _tsquery_term, "|")


def _tsquery_all(groups: Sequence[Sequence[Term]]) -> str:
    return " & ".join(_tsquery_any(g) for g in groups)


def entity_name_params(q: str, sqlite: bool) -> dict[str, str]:
    """The parameters of `entity_name_match`: `q`, LIKE-escaped, for the match itself, and
    on SQLite `q_trigrams`, an FTS5 phrase, to find its candidates through entity_fts
    (migrations: entity_name_search). PostgreSQL's pg_trgm indexes serve the ILIKE as it is."""
    params = {"q": like_escaped(q)}
    if sqlite and len(q) >= TRIGRAM:
        # Inside double quotes, with " doubled, FTS5 reads every character as text.
        params["q_trigrams"] = '"' + q.replace('"', '""') + '"'
    return params


def like_escaped(value: str) -> str:
    """value as the operand of a LIKE ... ESCAPE LIKE_ESCAPE: every character literal."""
    return value.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


def contains_any_case(column: ColumnElement[str], param: str) -> ColumnElement[bool]:
    """The bound parameter (LIKE-escaped) is part of the column's value, in any case."""
    return column.icontains(bindparam(param), escape=LIKE_ESCAPE)


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
