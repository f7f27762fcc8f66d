"""What the content-boundary model sees: for an attribution the rules found, the tokens
where its content could start and end instead (the rule's own boundaries among them),
each as named features. Shared by the training code and the stage, so both read a
candidate the same way."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from app.nlp import per_parse
from app.nlp.text import Quotes

# What the scorer trims off a content's edges (score_quotes.py): two boundaries that differ
# only by these characters are the same boundary.
TRIM = " \t\n.,;:!?\u2014\u2013-()[]\"\u201c\u201d\u201e\u00ab\u00bb'\u2018\u2019"
_OPENING = frozenset("“\"«‘'")
_CLOSING = frozenset("”\"»’'")


@dataclass(frozen=True, slots=True)
class Candidate:
    token: Token
    char: int  # the content's start (or end) in the article if it starts (ends) at `token`
    trimmed: int  # the same, past what the scorer trims: the boundary's identity
    feats: list[str]


def trim_start(text: str, start: int, end: int) -> int:
    while start < end and text[start] in TRIM:
        start += 1
    return start


def trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in TRIM:
        end -= 1
    return end


def _bucket(d: int) -> str:
    if abs(d) <= 3:
        return str(d)
    if abs(d) <= 9:
        return "<-3" if d < 0 else ">3"
    return "<-9" if d < 0 else ">9"


class _Sentences:
    """The doc's sentences as token ranges, looked up by bisection (Token.sent walks the
    parse on every call, which the many candidates of a long paragraph make slow)."""

    def __init__(self, doc: Doc) -> None:
        spans = [(s.start, s.end) for s in doc.sents]
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]

    def index(self, token: Token) -> int:
        return bisect.bisect_right(self.starts, token.i) - 1

    def start(self, token: Token) -> int:
        return self.starts[self.index(token)]

    def end(self, token: Token) -> int:
        return self.ends[self.index(token)]

    def window(self, first: Token, last: Token) -> tuple[int, int]:
        """Token indices [lo, hi): the sentences of `first` and `last`, one more on each side."""
        si, ei = self.index(first), self.index(last)
        return self.starts[max(0, si - 1)], self.ends[min(len(self.ends) - 1, ei + 1)]


def _sentences(doc: Doc) -> _Sentences:
    """The doc's _Sentences, made once a parse: each attribution's candidates ask."""
    return per_parse.once(doc, "sentences", lambda: _Sentences(doc))


def _sent_d(sents: _Sentences, token: Token, rule: Token) -> str:
    """-1, 0 or 1: the candidate's sentence before, at or after the rule's boundary's."""
    a, b = sents.start(token), sents.start(rule)
    return f"sent_d={(a > b) - (a < b)}"


def _context(sents: _Sentences, token: Token, cue: Token | None, kind: str) -> list[str]:
    """Features of a token shared by both edges; `kind` is the content's kind and the
    stage that found it ("indirect/reported"), whose conventions differ."""
    feats = [f"w={token.lower_}", f"pos={token.pos_}", f"dep={token.dep_}", f"tag={token.tag_}", f"kind={kind}",
             f"dep|kind={token.dep_}|{kind}"]
    if cue is not None:
        side = "before" if token.i < cue.i else ("cue" if token.i == cue.i else "after")
        feats += [f"side={side}", f"side|dep={side}|{token.dep_}",
                  f"samesent_cue={sents.start(token) == sents.start(cue)}"]
        if token.head.i == cue.i:
            feats.append(f"child_of_cue={token.dep_}")
        if cue.i < token.i and token.i - cue.i <= 3:
            feats.append(f"after_cue={token.i - cue.i}")
        if token.i < cue.i and cue.i - token.i <= 3:
            feats.append(f"before_cue={cue.i - token.i}")
    return feats


def start_candidates(text: str, doc: Doc, offset: int, rule: Token, last: Token, cue: Token | None,
                     kind: str, quotes: Quotes) -> list[Candidate]:
    """Where the content could start: a word (or an opening quotation mark) between the
    sentence before the rule's start and the rule's end."""
    sents = _sentences(doc)
    lo, _ = sents.window(rule, last)
    rule_at = trim_start(text, offset + rule.idx, len(text))
    out: dict[int, Candidate] = {}
    for token in doc[lo:last.i + 1]:
        if token.is_space or (token.is_punct and token.text[0] not in _OPENING):
            continue
        char = offset + token.idx
        trimmed = trim_start(text, char, len(text))
        if trimmed in out:
            continue
        is_rule = trimmed == rule_at
        prev = doc[token.i - 1] if token.i > 0 else None
        feats = ["rule"] if is_rule else []
        d = _bucket(token.i - rule.i)
        feats += [f"d={d}", f"d|kind={d}|{kind}", _sent_d(sents, token, rule)]
        feats += _context(sents, token, cue, kind)
        if prev is None or token.is_sent_start:
            feats.append("sent_start")
            p = "<s>"
        else:
            p = prev.lower_
            feats += [f"p={p}", f"p_pos={prev.pos_}", f"p_dep={prev.dep_}", f"pos|p={token.pos_}|{p}",
                      f"dep|p_dep={token.dep_}|{prev.dep_}"]
            if cue is not None and prev.i == cue.i:
                feats.append("p_is_cue")
        if token.left_edge.i == token.i:
            feats.append(f"left_edge|dep={token.dep_}")
        head_left = token.head.left_edge.i == token.i
        feats.append(f"left_of_head={head_left}")
        if quotes.containing(char) is not None:
            feats.append("in_quote")
        if token.text[0] in _OPENING:
            feats.append("opening_mark")
        if is_rule:
            feats += [f"rule|p={p}", f"rule|dep={token.dep_}", f"rule|kind={kind}"]
        out[trimmed] = Candidate(token, char, trimmed, feats)
    return list(out.values())


def end_candidates(text: str, doc: Doc, offset: int, first: Token, rule: Token, cue: Token | None,
                   kind: str, quotes: Quotes) -> list[Candidate]:
    """Where the content could end: a word (or a closing quotation mark) between the
    rule's start and the sentence after the rule's end."""
    sents = _sentences(doc)
    _, hi = sents.window(first, rule)
    rule_at = trim_end(text, 0, offset + rule.idx + len(rule))
    out: dict[int, Candidate] = {}
    for token in doc[first.i:hi]:
        if token.is_space or (token.is_punct and token.text[-1] not in _CLOSING):
            continue
        char = offset + token.idx + len(token)
        trimmed = trim_end(text, 0, char)
        nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
        is_rule = trimmed == rule_at
        feats = ["rule"] if is_rule else []
        d = _bucket(token.i - rule.i)
        feats += [f"d={d}", f"d|kind={d}|{kind}", _sent_d(sents, token, rule)]
        feats += _context(sents, token, cue, kind)
        if nxt is None:
            n = "</s>"
            feats.append("doc_end")
        else:
            n = nxt.lower_
            feats += [f"n={n}", f"n_pos={nxt.pos_}", f"n_dep={nxt.dep_}", f"pos|n={token.pos_}|{n}",
                      f"dep|n_dep={token.dep_}|{nxt.dep_}"]
            if nxt.is_sent_start or all(t.is_punct or t.is_space for t in doc[token.i + 1:sents.end(token)]):
                feats += ["sent_end", f"sent_end|kind={kind}"]
            if cue is not None and cue.i in range(token.i + 1, token.i + 4):
                feats.append(f"cue_next={cue.i - token.i}")
            if token.i + 2 < len(doc):
                after = doc[token.i + 2]
                feats += [f"n|n2={n}|{after.lower_}", f"n|n2_dep={n}|{after.dep_}", f"n|n2_tag={n}|{after.tag_}"]
        if token.right_edge.i == token.i:
            feats.append(f"right_edge|dep={token.dep_}")
        feats.append(f"right_of_head={token.head.right_edge.i == token.i}")
        inside = quotes.containing(char - 1)
        if inside is not None and inside[1] > char:
            feats.append("inside_quote")
        if token.text[-1] in _CLOSING:
            feats.append("closing_mark")
        if is_rule:
            feats += [f"rule|n={n}", f"rule|dep={token.dep_}", f"rule|kind={kind}"]
        # The last token of a run that trims to one boundary wins: a closing mark stays.
        out[trimmed] = Candidate(token, char, trimmed, feats)
    return list(out.values())
