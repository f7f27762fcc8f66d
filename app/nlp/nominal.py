"""Claims carried by a noun: "the senator's claim that …", "He made the argument that …",
"She expressed concern that …". The "that" clause is the content; the source is whose
claim it is (a possessive) or who made it (the subject of the verb it is the object of)."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Token

from app.nlp.attribution import Article, Attribution
from app.nlp.lexicons import words
from app.nlp.speakers import name_span, subject_of
from app.nlp.text import Quotes, word_count

# Nouns that name something said or believed; their "that" clause is what it says.
CLAIMS = words("claims")
_MIN_WORDS = 3
# Prepositions by which a speaking verb names where the words were put: "in a statement".
_CHANNELS = {"in", "via", "through"}


def from_nouns(article: Article, _earlier: Sequence[Attribution]) -> list[Attribution]:
    """The stage: nouns of claims and statements with their content."""
    return [a for para, doc in article.body() for a in _in_paragraph(doc, para.start, article.quotes, article.text)]


def _in_paragraph(doc: Doc, offset: int, quotes: Quotes, text: str) -> list[Attribution]:
    found = []
    for noun in doc:
        if noun.pos_ != "NOUN" or noun.lemma_.lower() not in CLAIMS or quotes.containing(offset + noun.idx):
            continue
        clause = _that_clause(noun)
        if clause is None:
            continue
        first, last = clause.left_edge, clause.right_edge
        while last.i > first.i and ((last.is_punct and last.text not in "”\"") or last.is_space):
            last = doc[last.i - 1]
        start, end = offset + first.idx, offset + last.idx + len(last)
        if word_count(text, start, end) < _MIN_WORDS:
            continue
        source = _source(noun)
        speaker = name_span(source, offset) if source is not None else None
        if speaker is not None and quotes.containing(speaker[0]):
            speaker, source = None, None
        at = offset + noun.idx
        found.append(Attribution(start, end, at, at + len(noun), speaker, source))
    return found


def _that_clause(noun: Token) -> Token | None:
    """The clause right after the noun that begins with "that" (a content clause, not a
    relative one: "the claim that taxes will rise", not "the claim that he made")."""
    for child in noun.rights:
        if child.dep_ not in ("acl", "ccomp", "relcl") or child.pos_ not in ("VERB", "AUX"):
            continue
        mark = child.left_edge
        if mark.lower_ != "that" or mark.i != noun.i + 1:
            continue
        # In a relative clause "that" is the subject or object of the verb itself.
        if mark.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj"):
            continue
        return child
    return None


def _source(noun: Token) -> Token | None:
    poss = next((c for c in noun.children if c.dep_ == "poss"), None)
    if poss is not None and poss.pos_ in ("PROPN", "NOUN", "PRON"):
        return poss
    # "the Harlow claim that …", and "Trump claims that …" when the parse reads a noun
    # (with the name as its compound, or as its subject).
    named = next((c for c in noun.lefts if (c.dep_ == "compound" and c.pos_ == "PROPN")
                  or (c.dep_ == "nsubj" and c.pos_ in ("PROPN", "PRON"))), None)
    if named is not None:
        return named
    verb = noun.head
    if noun.dep_ == "pobj" and verb.dep_ == "prep" and verb.lower_ in _CHANNELS:
        # "X said in a statement that …": the parse hangs the clause on the noun, and
        # the statement is the speaking verb's subject's.
        verb = verb.head
    elif noun.dep_ != "dobj":
        return None
    if verb.pos_ == "VERB":
        subject = subject_of(verb)
        if subject is not None and subject.pos_ in ("PROPN", "NOUN", "PRON") and subject.lower_ not in ("it", "there"):
            return subject
    return None
