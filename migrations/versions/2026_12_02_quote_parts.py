"""quote parts and cue types: one statement is one quote; speech apart from beliefs and plans

A statement interrupted by its attribution (“We will,” she said. “We must.”) used to be
stored as one quote per quoted piece, or, when a comma joined them (“We will,” she said,
“win.”), as one piece running across the narration. It is now one row whose `parts`
lists its pieces ([[start, end], ...]; NULL for a quote of one piece). Rows already stored
are converted here the way the extractor now joins them: quotations of one source and one
cue in one paragraph become one quote, and a quote that holds its own cue is cut in two
around it. Article and entity quote counts are recounted for what changed.

`cue_type` says what a quote's cue reports: speech, belief or intention (app/nlp/cues.py).
Stored rows are marked by the first word of their cue against the lexicons' lemmas and
their inflections ("plans", "expected"); quoted ones ("direct") stay speech.

The downgrade drops the columns; quotes joined here stay joined.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from app.nlp.lexicons import words

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_QUOTED = ("direct", "mixed")
_OPENING, _CLOSING = "“\"«", "”\"»"


def upgrade() -> None:
    op.add_column("quote", sa.Column("parts", sa.JSON(none_as_null=True), nullable=True))
    op.add_column("quote", sa.Column("cue_type", sa.Text(), nullable=False, server_default="speech"))
    bind = op.get_bind()
    _mark_cue_types(bind)
    articles: set[int] = set()
    speakers: set[int] = set()
    for article_id, text, rows in _quoted_rows(bind):
        changed = _join(bind, text, rows) | _cut_around_cue(bind, text, rows)
        if changed:
            articles.add(article_id)
            speakers.update(r["speaker_entity_id"] for r in rows if r["speaker_entity_id"] is not None)
    _recount(bind, articles, speakers)


def downgrade() -> None:
    # SQLite (3.35+) drops a column in place; a batch copy of the table would lose the
    # full-text triggers on it.
    op.execute("ALTER TABLE quote DROP COLUMN cue_type")
    op.execute("ALTER TABLE quote DROP COLUMN parts")


def _forms(lemma: str) -> set[str]:
    """The lemma's regular inflections: plan → plans, planned, planning; hope → hoped."""
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    doubled = lemma + lemma[-1] if len(lemma) <= 4 and lemma[-1] not in "aeiouwy" and lemma[-2] in "aeiou" else lemma
    forms = {lemma, lemma + "s", lemma + "es", stem + "ed", stem + "ing", doubled + "ed", doubled + "ing"}
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    return forms


def _mark_cue_types(bind: sa.Connection) -> None:
    marked = {form: act for act in ("belief", "intention") for lemma in words(act) for form in _forms(lemma)}
    rows = bind.execute(sa.text(
        "SELECT id, cue_text FROM quote WHERE cue_text IS NOT NULL AND kind <> 'direct'")).all()
    for quote_id, cue_text in rows:
        first = cue_text.split()[0].lower() if cue_text.split() else ""
        if first in marked:
            bind.execute(sa.text("UPDATE quote SET cue_type = :t WHERE id = :id"), {"t": marked[first], "id": quote_id})


def _quoted_rows(bind: sa.Connection) -> Iterator[tuple[int, str, list[dict[str, Any]]]]:
    """Each article's quoted quotes that have a cue, in text order, with the article's text."""
    rows = bind.execute(sa.text(
        "SELECT id, article_id, start, \"end\", kind, cue_start, cue_end, speaker_start, speaker_end, "
        "speaker_entity_id FROM quote WHERE cue_start IS NOT NULL AND kind IN ('direct', 'mixed') "
        "ORDER BY article_id, start, id"
    )).mappings().all()
    by_article: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        by_article.setdefault(r["article_id"], []).append(dict(r))
    for article_id, quotes in by_article.items():
        text = bind.execute(sa.text("SELECT text FROM article WHERE id = :id"), {"id": article_id}).scalar_one()
        yield article_id, text, quotes


def _join(bind: sa.Connection, text: str, rows: list[dict[str, Any]]) -> bool:
    """Pieces of one source and cue in one paragraph become the first row; the rest go."""
    changed = False
    kept: list[dict[str, Any]] = []
    for r in rows:
        prev = kept[-1] if kept else None
        if (prev is not None and (prev["cue_start"], prev["cue_end"]) == (r["cue_start"], r["cue_end"])
                and (prev["speaker_start"], prev["speaker_end"]) == (r["speaker_start"], r["speaker_end"])
                and prev["end"] <= r["start"] and "\n" not in text[prev["end"]:r["start"]]):
            prev.setdefault("pieces", [[prev["start"], prev["end"]]]).append([r["start"], r["end"]])
            prev["end"] = r["end"]
            prev["kind"] = "direct" if prev["kind"] == r["kind"] == "direct" else "mixed"
            bind.execute(sa.text("DELETE FROM quote WHERE id = :id"), {"id": r["id"]})
            changed = True
            continue
        kept.append(r)
    for r in kept:
        if "pieces" in r:
            _store(bind, text, r, r["pieces"])
    rows[:] = kept
    return changed


def _cut_around_cue(bind: sa.Connection, text: str, rows: list[dict[str, Any]]) -> bool:
    """A quote stored as one piece across its own cue (“We will,” she said, “win.”): its
    parts are the quotation before the cue and the one after it."""
    changed = False
    for r in rows:
        if "pieces" in r or not r["start"] < r["cue_start"] < r["cue_end"] < r["end"]:
            continue
        first_end = max(text.rfind(m, r["start"], r["cue_start"]) for m in _CLOSING)
        openings = [i for i in (text.find(m, r["cue_end"], r["end"]) for m in _OPENING) if i >= 0]
        if first_end <= r["start"] or not openings:
            continue
        _store(bind, text, r, [[r["start"], first_end + 1], [min(openings), r["end"]]])
        changed = True
    return changed


def _store(bind: sa.Connection, text: str, row: dict[str, Any], pieces: list[list[int]]) -> None:
    update = sa.text("UPDATE quote SET \"end\" = :end, text = :text, kind = :kind, parts = :parts WHERE id = :id")
    bind.execute(
        update.bindparams(sa.bindparam("parts", type_=sa.JSON)),
        {"id": row["id"], "end": pieces[-1][1], "text": text[row["start"]:pieces[-1][1]], "kind": row["kind"],
         "parts": pieces},
    )


def _recount(bind: sa.Connection, articles: set[int], speakers: set[int]) -> None:
    for article_id in articles:
        bind.execute(sa.text("UPDATE article SET quote_count = (SELECT count(*) FROM quote "
                             "WHERE article_id = :id) WHERE id = :id"), {"id": article_id})
    for entity_id in speakers:
        bind.execute(sa.text("UPDATE entity SET quote_count = (SELECT count(*) FROM quote "
                             "WHERE speaker_entity_id = :id) WHERE id = :id"), {"id": entity_id})
