"""Attributions no rule proposes ("polls show X", "is implicated in", "known as"), found by a
linear-chain CRF trained on PolNeAR train's tag sequences: every word of a paragraph is
tagged as part of a content, a cue, a source or none (BIO), from the features of its parse
(tag_features.py). A tagged content is linked to the nearest tagged cue and that cue's
source; a logistic model over the whole (how sure the CRF is of its words, the cue, the
source, the content's shape: candidate_features) keeps it when it overlaps no content
already found: the rules and the other models go first, the tagger only fills in where
they found nothing.

The CRF is python-crfsuite's (a C library), its weights read from disk once."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycrfsuite
from spacy.tokens import Doc, Span, Token

from app.nlp import reported
from app.nlp.attribution import Article, Attribution, classify
from app.nlp.learned import model
from app.nlp.learned.features import lemma_of
from app.nlp.learned.proposals import Taken
from app.nlp.learned.tag_features import paragraph_features
from app.nlp.speakers import name_span, subject_of
from app.nlp.text import Quotes, word_count

ARTIFACT = Path(__file__).parent / "tagger.crfsuite"
KEEPER = Path(__file__).parent / "tagger.json"
CONTENT, CUE, SOURCE = "C", "Q", "S"
LABELS = ("O", *(f"{b}-{r}" for r in (CONTENT, CUE, SOURCE) for b in "BI"))
# A cue further than this many words from its content is another sentence's.
_CUE_REACH = 12
_MIN_WORDS = 3
_USING = threading.Lock()


@dataclass(frozen=True, slots=True)
class Tagged:
    """One paragraph's tagged spans, as token ranges [i, j), and each content's mean marginal."""

    contents: list[tuple[int, int, float]]
    cues: list[tuple[int, int]]
    sources: list[tuple[int, int]]


@cache
def _crf(path: Path = ARTIFACT) -> pycrfsuite.Tagger:
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    return tagger


@dataclass(frozen=True, slots=True)
class Candidate:
    att: Attribution
    feats: list[str]


def runs(tags: Sequence[str], role: str) -> list[tuple[int, int]]:
    """The token ranges tagged B-role I-role* (an I without its B opens one too)."""
    out = []
    start = None
    for i, tag in enumerate([*tags, "O"]):
        if start is not None and tag != f"I-{role}":
            out.append((start, i))
            start = None
        if tag == f"B-{role}" or (start is None and tag == f"I-{role}"):
            start = i
    return out


def tag(doc: Doc, offset: int, quotes: Quotes, crf: pycrfsuite.Tagger | None = None) -> Tagged:
    crf = crf if crf is not None else _crf()
    if not len(doc):
        return Tagged([], [], [])
    feats = paragraph_features(doc, offset, quotes)
    # The tagger holds the sequence it was last given: one paragraph at a time, whichever
    # thread asks (an in-process extractor may serve threads).
    with _USING:
        crf.set(feats)
        tags = crf.tag()
        contents = []
        for i, j in runs(tags, CONTENT):
            sure = crf.marginal(f"B-{CONTENT}", i) + sum(crf.marginal(f"I-{CONTENT}", k) for k in range(i + 1, j))
            contents.append((i, j, sure / (j - i)))
    return Tagged(contents, runs(tags, CUE), runs(tags, SOURCE))


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(a[0] - b[1], b[0] - a[1], 0)


def link(doc: Doc, offset: int, tagged: Tagged, content: tuple[int, int]) -> Attribution:
    """The content with its nearest tagged cue, and the cue's tagged source in its sentence
    (else its verb's subject)."""
    near = [c for c in tagged.cues if _gap(c, content) <= _CUE_REACH]
    cue = min(near, key=lambda c: (_gap(c, content), c[0])) if near else None
    start, end = doc[content[0]].idx, doc[content[1] - 1].idx + len(doc[content[1] - 1])
    if cue is None:
        return Attribution(offset + start, offset + end, None, None, None, None, stage="tagged")
    words = doc[cue[0]:cue[1]]
    cue_at = (offset + words.start_char, offset + words.end_char)
    sent = words.sent
    sources = [s for s in tagged.sources if sent.start <= s[0] < sent.end and _gap(s, content) > 0]
    speaker: Token | None = None
    if sources:
        source = min(sources, key=lambda s: (_gap(s, cue), s[0]))
        speaker = Span(doc, *source).root
    else:
        speaker = subject_of(words.root)
        if speaker is not None and content[0] <= speaker.i < content[1]:
            speaker = None
    where = name_span(speaker, offset) if speaker is not None else None
    return Attribution(offset + start, offset + end, *cue_at, where, speaker, stage="tagged")


def candidates(article: Article, crf: pycrfsuite.Tagger | None = None) -> list[Candidate]:
    """Every content the tagger finds in the article's body, linked, with its features."""
    out = []
    for para, doc in article.body():
        tagged = tag(doc, para.start, article.quotes, crf)
        for i, j, sure in tagged.contents:
            att = link(doc, para.start, tagged, (i, j))
            if word_count(article.text, att.start, att.end) < _MIN_WORDS:
                continue
            att = classify(att, article.quotes, article.text)
            sent = doc[i].sent
            if att.kind != "indirect" or article.quotes.overlapping(para.start + sent.start_char,
                                                                   para.start + sent.end_char):
                # A sentence with a quotation is the quotation stage's: its narration tells
                # who spoke and how ("he said, referring to …"), and it joins the pieces.
                continue
            out.append(Candidate(att, candidate_features(doc, para.start, (i, j), sure, att)))
    return out


def _bucket(n: float, edges: tuple[float, ...]) -> str:
    return next((f"<={e}" for e in edges if n <= e), f">{edges[-1]}")


def candidate_features(doc: Doc, offset: int, content: tuple[int, int], sure: float,
                       att: Attribution) -> list[str]:
    words = doc[content[0]:content[1]]
    root = words.root
    first = doc[content[0]]
    feats = ["bias", f"sure={_bucket(sure, (0.5, 0.6, 0.7, 0.8, 0.9, 0.95))}",
             f"words={_bucket(len(words), (3, 5, 8, 13, 21, 34))}", f"first={first.lower_}",
             f"first_pos={first.pos_}", f"root_dep={root.dep_}", f"root_pos={root.pos_}",
             f"sentence_start={first.is_sent_start}",
             # the sentence's last word, or the one before its full stop
             f"sentence_end={words[-1].i + 2 >= words[-1].sent.end}"]
    if root.head.i != root.i:
        feats += [f"root_head={lemma_of(root.head)}", f"root_dep|head_pos={root.dep_}|{root.head.pos_}"]
    if att.cue is None:
        feats.append("cue=none")
    else:
        cue = next((t for t in doc if offset + t.idx == att.cue[0]), None)
        if cue is not None:
            verb = doc[cue.i:cue.i + 1].root
            listed = reported.lemma(verb) in reported.CUES
            feats += [f"cue={lemma_of(verb)}", f"cue_pos={verb.pos_}", f"cue_listed={listed}",
                      f"cue_before={att.cue[0] < att.start}", f"cue_governs={root.head.i == verb.i}",
                      f"cue|root_dep={lemma_of(verb)}|{root.dep_}"]
    speaker = att.speaker_token
    if speaker is None:
        feats.append("source=none")
    else:
        feats += [f"source={speaker.ent_type_ or speaker.tag_}",
                  f"source_word={speaker.lower_ if speaker.tag_ in ('PRP', 'WP', 'WDT') else speaker.pos_}"]
    return feats


def keep(found: Sequence[Attribution], scored: Sequence[tuple[float, Attribution]],
         at: float) -> list[Attribution]:
    """The candidates scoring at least `at` that overlap no content found."""
    taken = Taken([(a.start, a.end) for a in found])
    kept = []
    for sure, att in sorted(scored, key=lambda x: (-x[0], x[1].start)):
        if sure < at or taken.overlaps((att.start, att.end)):
            continue
        if att.cue is not None and taken.holds(att.cue[0]):
            continue  # a cue inside another's content is part of what that source says
        taken.add((att.start, att.end))
        kept.append(att)
    return kept


def refine(article: Article, found: Sequence[Attribution]) -> list[Attribution]:
    """The stage: `found`, with the tagged attributions that fill in where it has none."""
    scorer = model.load(KEEPER)
    scored = [(scorer.probability(c.feats), c.att) for c in candidates(article)]
    return [*found, *keep(found, scored, scorer.threshold)]
