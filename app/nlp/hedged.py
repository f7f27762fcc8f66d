"""Hedged claims with no source: "Trump seemed ready to …", "It appears that …", "The
bill is expected to pass". PolNeAR counts them as attributions whose source is left
unsaid; the whole claim, its subject included, is the content and the verb is the cue."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Token

from app.nlp.attribution import Article, Attribution
from app.nlp.lexicons import words
from app.nlp.text import Quotes, word_count

# "seem"/"appear" hedge only with a complement ("seemed ready", "appears to have …");
# "appeared on Fox News" or "appeared in court" is not a hedge.
_HEDGES = {"seem", "appear"}
_COMPLEMENTS = {"xcomp", "acomp", "ccomp", "oprd", "attr"}
# "is expected to …", "are widely believed to …": a passive stance whose holder goes unsaid.
_PASSIVE = words("hedges")
_MIN_WORDS = 3


def from_hedges(article: Article, _earlier: Sequence[Attribution]) -> list[Attribution]:
    """The stage: hedged claims whose holder goes unsaid."""
    return [a for para, doc in article.body() for a in _in_paragraph(doc, para.start, article.quotes, article.text)]


def _in_paragraph(doc: Doc, offset: int, quotes: Quotes, text: str) -> list[Attribution]:
    found = []
    for verb in doc:
        span = _claim(verb)
        if span is None or quotes.containing(offset + verb.idx):
            continue
        first, last = span
        while last.i > first.i and ((last.is_punct and last.text not in "”\"") or last.is_space):
            last = doc[last.i - 1]
        start, end = offset + first.idx, offset + last.idx + len(last)
        if word_count(text, start, end) < _MIN_WORDS:
            continue
        at = offset + verb.idx
        found.append(Attribution(start, end, at, at + len(verb), None, None))
    return found


def _claim(verb: Token) -> tuple[Token, Token] | None:
    """The first and last token of the hedged claim `verb` makes, if it makes one."""
    lemma = verb.lemma_.lower()
    children = list(verb.children)
    subject = next((c for c in children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    if lemma in _HEDGES and verb.pos_ in ("VERB", "AUX"):
        complement = next((c for c in children if c.dep_ in _COMPLEMENTS and c.i > verb.i), None)
        if complement is None:
            return None
        if subject is None or subject.dep_ == "expl" or (subject.lower_ == "it" and complement.dep_ == "ccomp"):
            # "It appears that …": the clause is the claim.
            return (complement.left_edge, complement.right_edge) if complement.dep_ == "ccomp" else None
        return subject.left_edge, complement.right_edge
    if lemma in _PASSIVE and verb.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in children):
        if any(c.dep_ == "agent" for c in children):
            return None  # "is expected by analysts to …" names who expects it
        complement = next((c for c in children if c.dep_ == "xcomp" and c.i > verb.i), None)
        if complement is None or subject is None or subject.dep_ != "nsubjpass":
            return None
        return subject.left_edge, complement.right_edge
    return None
