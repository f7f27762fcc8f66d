"""Statements labelled with their source at the start of a line: the headline style
"Sanders: Brexit's message could draw Trump support" and transcripts' "PENCE: Well, …".
The label is the source and the rest of the line what it says."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from spacy.tokens import Doc

from app.nlp.attribution import Article, Attribution
from app.nlp.text import Quotes, word_count

# A short run of capitalised words (a name, maybe with a title) then a colon and a space.
_LABEL = re.compile(r"([A-Z][\w.'’&-]*(?:[ \t]+(?:[A-Z][\w.'’&-]*|of|at|the|and)){0,5}):[ \t]+(?=\S)")
# A headline's label must name someone: a person, organisation or place the parser found
# in it. Inside the body a capitalised label is as often a subheading ("The Gap Goes On:"),
# so there only a transcript's speaker counts: a name in capitals that the article also
# writes as a name ("PENCE:" for Pence), which "UPDATE:" or "CLARIFICATION:" is not.
_SOURCE_TYPES = {"PERSON", "ORG", "GPE", "NORP"}
# A headline's label with more words than this is a title of its own ("Stealth Over Health").
_MAX_LABEL_WORDS = 3
# Fewer words after the label are a caption or list item, not a statement.
_MIN_WORDS = 3


def _names_a_source(doc: Doc, end: int, label: str) -> bool:
    """A headline's short label in capitals that ends on a noun names who speaks even when
    the parser finds no name in it ("Poll:", "Pat Caddell:"); a kicker that starts with an
    article ("The Latest:") or ends on a verb or interjection ("Breaking:", "Wow:") does not."""
    words = label.split()
    if len(words) > _MAX_LABEL_WORDS or words[0] in ("The", "A", "An") or not all(w[0].isupper() for w in words):
        return False
    last = next((t for t in reversed(doc) if t.idx < end and not t.is_punct), None)
    return last is not None and last.pos_ in ("NOUN", "PROPN") and last.tag_ not in ("VBG", "VBN", "UH")


def is_label(att: Attribution, text: str) -> bool:
    """Whether `from_label` made this attribution: its cue is the label's colon."""
    return att.cue is not None and text[att.cue[0]:att.cue[1]] == ":"


def from_label(article: Article, _earlier: Sequence[Attribution]) -> list[Attribution]:
    """The stage: paragraphs that are a labelled statement ("Sanders: …", a transcript's
    turns, a headline's "Envoy: …")."""
    headline = article.parsed[0][0] if article.parsed else None
    found = (_labelled(doc, para.start, article.quotes, article.text, para is headline, article.people)
             for para, doc in article.body())
    return [a for a in found if a is not None]


def _labelled(doc: Doc, offset: int, quotes: Quotes, text: str, headline: bool,
              people: Collection[str] = ()) -> Attribution | None:
    """The labelled statement that a paragraph consists of, if it is one. `people`: the
    names of the article's people, and their surnames."""
    # A transcript quoted turn by turn opens each paragraph with a mark ("“PENCE: Well, …").
    opened = doc.text[:1] == "“" and (quoted := quotes.containing(offset)) is not None and quoted[0] == offset
    m = _LABEL.match(doc.text, 1 if opened else 0)
    if m is None or (quotes.containing(offset) and not opened):
        return None
    label = m.group(1)
    if opened and not label.isupper():
        return None
    if label.isupper():
        last = label.split()[-1]
        # A turn of a quoted transcript is a speaker's however the article writes the name.
        named = len(last) > 2 and not doc.vocab[last.lower()].is_stop and (opened or last.title() in text)
    elif headline:
        named = (any(e.label_ in _SOURCE_TYPES and e.start_char < m.end(1) for e in doc.ents)
                 or _names_a_source(doc, m.end(1), text[offset:offset + m.end(1)]))
    else:
        # A transcript that writes its speakers as names ("Chris Matthews: …", "Lopez: …"):
        # the label is a person's name and nothing else, or a person's the article names.
        named = label in people or any(
            e.label_ == "PERSON" and e.start_char == m.start(1) and e.end_char == m.end(1) for e in doc.ents)
    if not named:
        return None
    start, end = offset + m.end(), offset + len(doc.text.rstrip())
    if word_count(text, start, end) < _MIN_WORDS:
        return None
    colon = offset + m.end(1)
    return Attribution(start, end, colon, colon + 1, (offset + m.start(1), offset + m.end(1)), None)
