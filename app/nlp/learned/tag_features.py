"""What the attribution tagger sees of each word of a paragraph: the word and its
neighbours, its place in the parse (head, the clauses above it and the verbs that govern
them), quotation marks, and the cue classifier's opinion of the verbs. Shared by the
training code and the stage, so both read a paragraph the same way."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from app.nlp import reported
from app.nlp.learned import model
from app.nlp.learned.features import CANDIDATE_POS, lemma_of, token_features
from app.nlp.text import Quotes

# The dependencies through which a clause hangs on the word that may report it.
_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "dobj", "advcl", "parataxis", "pobj", "acl", "relcl", "conj",
                          "attr", "oprd", "acomp", "pcomp", "csubj", "nsubj", "nsubjpass", "appos", "prep"})
# How far up the parse the governing words are read.
_ANCESTORS = 4


def _bucket(p: float) -> str:
    return str(min(9, int(p * 10)))


def _position(n: int) -> str:
    return str(n) if n < 4 else "4-7" if n < 8 else "8-15" if n < 16 else "16+"


def _shape(token: Token) -> str:
    if token.is_punct:
        return "punct"
    if token.is_digit:
        return "digit"
    if token.is_title:
        return "title"
    if token.is_upper:
        return "upper"
    return "lower"


def cue_scores(doc: Doc, offset: int, quotes: Quotes) -> dict[int, float]:
    """The cue classifier's probability for each verb of the paragraph (listed cues: 1)."""
    cues = model.load()
    out = {}
    for token in doc:
        if token.pos_ in CANDIDATE_POS:
            listed = reported.lemma(token) in reported.CUES
            out[token.i] = 1.0 if listed else cues.probability(token_features(token, offset, quotes))
    return out


def paragraph_features(doc: Doc, offset: int, quotes: Quotes) -> list[list[str]]:
    """One list of named features for each word of the paragraph `doc` at `offset`."""
    scores = cue_scores(doc, offset, quotes)
    # Each word's sentence, found once: Token.sent looks for it again at every word.
    sentence: list[tuple[int, int]] = [(0, 0)] * len(doc)
    for sent in doc.sents:
        sentence[sent.start:sent.end] = [(sent.start, sent.end)] * (sent.end - sent.start)
    words = [_word(t, offset, quotes, scores, sentence[t.i]) for t in doc]
    # What a neighbour lends, read once a word rather than once a neighbour.
    near = [(t.lower_, t.pos_, t.dep_) for t in doc]
    out = []
    for i, own in enumerate(words):
        feats = list(own)
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < len(near):
                lower, pos, dep = near[j]
                feats += [f"{d}:w={lower}", f"{d}:pos={pos}"]
                if abs(d) == 1:
                    feats += [f"{d}:dep={dep}", f"{d}:q={words[j][0]}"]
            else:
                feats.append(f"{d}:edge")
        out.append(feats)
    return out


def _word(token: Token, offset: int, quotes: Quotes, scores: dict[int, float],
          sentence: tuple[int, int]) -> list[str]:
    at = offset + token.idx
    quoted = quotes.containing(at) is not None
    sent_start, sent_end = sentence
    base = lemma_of(token)
    feats = [
        f"quoted={quoted}", "bias", f"w={token.lower_}", f"lemma={base}", f"pos={token.pos_}", f"tag={token.tag_}",
        f"dep={token.dep_}", f"shape={_shape(token)}", f"ent={token.ent_type_}",
        f"from_start={_position(token.i - sent_start)}", f"to_end={_position(sent_end - 1 - token.i)}",
        f"dep|pos={token.dep_}|{token.pos_}",
    ]
    if token.i in scores:
        feats += [f"cue={_bucket(scores[token.i])}", f"cue|dep={_bucket(scores[token.i])}|{token.dep_}"]
    head = token.head
    if head.i != token.i:
        feats += [f"head={lemma_of(head)}", f"head_pos={head.pos_}", f"dep|head={token.dep_}|{lemma_of(head)}",
                  f"head_before={head.i < token.i}"]
    else:
        feats.append("root")
    # The clauses above the word: through which dependency it hangs on which word, and how
    # likely that word is a cue (the content of "said" hangs on it by ccomp).
    current = token
    best = 0.0
    for level in range(_ANCESTORS):
        up = current.head
        if up.i == current.i:
            break
        if current.dep_ in _CLAUSE_DEPS:
            feats.append(f"a{level}={current.dep_}|{up.pos_}")
            if up.i in scores:
                feats += [f"a{level}_cue={current.dep_}|{_bucket(scores[up.i])}",
                          f"a{level}_lemma={current.dep_}|{lemma_of(up)}"]
                best = max(best, scores[up.i])
        current = up
    feats.append(f"governed_by_cue={_bucket(best)}")
    if token.is_punct and token.text in "\"“”'‘’":
        feats.append("quote_mark")
    return feats
