"""Who said what: reporting verbs with their content, quotations with their cue, and the
source of each as the words in the text."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spacy.tokens import Doc, Token

REPORTING = {
    "say", "tell", "add", "argue", "warn", "claim", "note", "explain", "insist", "state", "announce",
    "suggest", "believe", "think", "report", "write", "acknowledge", "admit", "deny", "predict", "contend",
    "assert", "maintain", "stress", "emphasize", "emphasise", "recall", "complain", "promise", "vow", "urge",
    "indicate", "reveal", "confirm", "concede", "declare", "testify", "tweet", "post", "reply", "respond",
    "answer", "ask", "conclude", "allege", "estimate", "hope", "fear", "expect", "know", "agree", "show",
    "find", "caution", "observe", "remark", "counter", "mention", "charge", "worry", "feel", "signal",
    "propose", "demand", "question", "wonder", "recommend", "acknowledge", "boast", "brag", "joke", "quip",
    "continue", "point", "assure", "reiterate", "imply", "hint", "speculate", "guess", "doubt", "recognize",
    "understand", "learn", "see", "say", "figure", "comment", "opine", "lament", "complain", "predict",
    "threaten", "pledge", "insist", "advise", "inform", "remind", "notify", "caution", "concur", "disclose",
}
# Verbs that introduce a direct quotation that follows a colon, with no clause of their own.
SPEECH = {"say", "tell", "add", "continue", "write", "tweet", "explain", "ask", "reply", "respond",
          "declare", "state", "note", "argue", "warn", "answer", "insist", "post", "remark"}
SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
# Stances with an infinitive: "vowed to ban …", "wants voters to know …".
INFINITIVE = {
    "promise", "vow", "pledge", "plan", "want", "agree", "refuse", "decline", "threaten", "hope",
    "intend", "propose", "urge", "ask", "call", "tell", "seek", "offer", "expect", "aim", "push",
    "encourage", "warn", "demand", "vote", "need", "prefer", "wish", "like", "love", "hate",
}
# Talk about something: the topic is what is attributed ("talked about …", "called for …").
TOPIC = {
    "talk": {"about", "of"}, "speak": {"about", "of", "on"}, "write": {"about", "of", "on"},
    "comment": {"on"}, "complain": {"about", "of"}, "ask": {"about"}, "call": {"for"},
    "argue": {"for", "against", "about"}, "warn": {"about", "of", "against"}, "testify": {"about", "on"},
    "campaign": {"for", "against", "on"}, "rail": {"against"}, "joke": {"about"}, "boast": {"about", "of"},
    "tweet": {"about"}, "worry": {"about"}, "care": {"about"}, "think": {"about", "of"},
    "push": {"for"}, "advocate": {"for"}, "lobby": {"for", "against"}, "press": {"for"},
    "focus": {"on"}, "insist": {"on"}, "hint": {"at"}, "allude": {"to"}, "point": {"to"},
    "refer": {"to"}, "respond": {"to"}, "react": {"to"}, "vote": {"for", "against"}, "rally": {"against"},
    "express": {"about"}, "concern": {"about"}, "blame": {"for"}, "apologize": {"for"},
    "criticize": {"for"}, "praise": {"for"}, "credit": {"with"}, "accuse": {"of"},
}
# Stances toward something named: "criticized the president's foreign policy".
OBJECT = {
    "criticize", "criticise", "attack", "praise", "blast", "slam", "denounce", "condemn", "cite",
    "mention", "describe", "call", "propose", "support", "endorse", "back", "announce", "defend",
    "reject", "dismiss", "question", "accuse", "blame", "welcome", "applaud", "deny", "acknowledge",
    "recommend", "oppose", "favor", "favour", "predict", "promise", "demand", "urge", "discuss",
    "address", "raise", "highlight", "tout", "champion", "decry", "lament", "mock", "label", "dub",
    "brand", "characterize", "portray", "hail", "credit", "thank", "want", "need", "prefer", "like",
    "love", "hate", "fear", "expect", "estimate", "show", "find", "reveal", "confirm", "report",
}
NAME_PARTS = {"compound", "flat", "det", "amod", "poss", "nmod", "nummod", "case"}


@dataclass
class Attribution:
    start: int  # content
    end: int
    cue_start: int | None
    cue_end: int | None
    speaker: tuple[int, int] | None  # the source's words
    speaker_token: Token | None
    kind: str = "indirect"


ALL_CUES = REPORTING | INFINITIVE | set(TOPIC) | OBJECT


def _in_any(spans: list[tuple[int, int]], start: int, end: int | None = None) -> tuple[int, int] | None:
    """The quotation span containing [start, end), if any."""
    end = start + 1 if end is None else end
    i = bisect.bisect_right(spans, (start, 10**12)) - 1
    if i >= 0 and spans[i][0] <= start and end <= spans[i][1]:
        return spans[i]
    return None


def name_span(token: Token, offset: int) -> tuple[int, int]:
    """The words that name a source: the head noun with its compounds, determiners and
    modifiers; a name in apposition to a title wins ("Ambassador … Khazar Ibrahim")."""
    named = next((c for c in token.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
    if named is not None:
        token = named
    left = token
    for child in token.lefts:
        if child.dep_ in NAME_PARTS or child.dep_ == "poss":
            left = min(left, child.left_edge, key=lambda t: t.i)
            break
    right = token
    for child in token.rights:
        if child.dep_ in ("flat", "compound") and child.i == right.i + 1:
            right = child
    # "a spokesman for the ministry": keep the prepositional phrase that says whose.
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ in ("for", "of", "at") and child.i == right.i + 1:
            right = child.right_edge
            break
    return offset + left.idx, offset + right.idx + len(right)


def subject_of(verb: Token) -> Token | None:
    """The verb's subject; a participle or second verb takes its head's ("…, arguing that")."""
    current: Token | None = verb
    for _ in range(3):
        if current is None:
            return None
        for child in current.children:
            if child.dep_ in SUBJECTS:
                return child
        if current.dep_ in ("advcl", "xcomp", "conj", "acl", "relcl") and current.head is not current:
            if current.dep_ == "relcl":
                return current.head
            current = current.head
        else:
            return None
    return None


def _content_span(token: Token, offset: int, last: Token | None = None) -> tuple[int, int]:
    """The words of a content clause or phrase, from `token`'s subtree to `last`'s."""
    start = token.left_edge
    while start.i < token.i and start.is_punct:
        start = start.doc[start.i + 1]
    end = (last or token).right_edge
    while end.i > start.i and end.is_punct and end.text not in "”\"’»":
        end = end.doc[end.i - 1]
    return offset + start.idx, offset + end.idx + len(end)


def from_verbs(doc: Doc, offset: int, quotes: list[tuple[int, int]], text: str) -> list[Attribution]:
    found: list[Attribution] = []
    for token in doc:
        lemma = token.lemma_.lower()
        if token.pos_ not in ("VERB", "AUX") or lemma not in ALL_CUES:
            continue
        if _in_any(quotes, offset + token.idx):
            continue  # speech reported inside a quotation belongs to the quoted speaker
        content = next((c for c in token.children if c.dep_ == "ccomp"), None) if lemma in REPORTING else None
        if content is None and lemma in SPEECH:
            # "X said: “…”" — the quotation after a colon, not parsed as a clause.
            content = next((c for c in token.rights if c.dep_ in ("dobj", "parataxis", "npadvmod", "attr")), None)
            if content is not None and not any(
                q[0] < offset + content.right_edge.idx + 1 and q[1] > offset + content.left_edge.idx for q in quotes
            ):
                content = None  # "told more jokes": an object, not something said
        last = None
        if content is None:
            content, last = _phrase_content(token)
        if content is None:
            continue
        start, end = _content_span(content, offset, last)
        if content.i < token.i and start <= offset + token.idx < end:
            continue
        if len(text[start:end].split()) < 2:
            continue
        subject = subject_of(token)
        speaker = name_span(subject, offset) if subject is not None else None
        if speaker and _in_any(quotes, speaker[0]):
            continue
        found.append(Attribution(start, end, offset + token.idx, offset + token.idx + len(token),
                                 speaker, subject))
    found.extend(_according_to(doc, offset, quotes))
    return found


def _phrase_content(verb: Token) -> tuple[Token | None, Token | None]:
    """Content that is not a clause: an infinitive, a topic, or a named object."""
    lemma = verb.lemma_.lower()
    children = list(verb.children)
    obj = next((c for c in children if c.dep_ == "dobj"), None)
    if lemma in INFINITIVE:
        xcomp = next((c for c in children if c.dep_ == "xcomp" and c.i > verb.i), None)
        if xcomp is not None:
            return (obj if obj is not None and obj.i < xcomp.i else xcomp), xcomp
    if lemma in TOPIC:
        for prep in children:
            if prep.dep_ == "prep" and prep.lower_ in TOPIC[lemma] and prep.i > verb.i:
                pobj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
                if pobj is not None:
                    first = obj if obj is not None and obj.i < prep.i and lemma in OBJECT else pobj
                    return first, pobj
    if lemma in OBJECT and obj is not None and obj.i > verb.i:
        # "described X as Y", "called X Y", "accused X of Y": the object with its complement.
        tail = obj
        for c in children:
            if c.i > obj.i and (c.dep_ in ("oprd", "xcomp") or (c.dep_ == "prep" and c.lower_ in ("as", "of", "for"))):
                tail = c
        return obj, tail
    return None, None


def _according_to(doc: Doc, offset: int, quotes: list[tuple[int, int]]) -> list[Attribution]:
    found = []
    for token in doc:
        if token.lower_ != "according" or token.i + 1 >= len(doc) or doc[token.i + 1].lower_ != "to":
            continue
        if _in_any(quotes, offset + token.idx):
            continue
        to = doc[token.i + 1]
        source = next((c for c in to.children if c.dep_ == "pobj"), None)
        if source is None:
            continue
        sent = token.sent
        phrase_start, phrase_end = token.i, source.right_edge.i + 1
        # The rest of the sentence is what the source says, on whichever side it stands.
        before = [t for t in sent if t.i < phrase_start and not t.is_punct]
        after = [t for t in sent if t.i >= phrase_end and not (t.is_punct and t.text not in "”\"")]
        side = after if len(after) >= len(before) else before
        if len(side) < 2:
            continue
        found.append(Attribution(
            offset + side[0].idx, offset + side[-1].idx + len(side[-1]),
            offset + token.idx, offset + to.idx + len(to),
            name_span(source, offset), source,
        ))
    return found


def classify(att: Attribution, text: str, quotes: list[tuple[int, int]]) -> None:
    """direct when the content is a quotation, mixed when it holds one, indirect otherwise."""
    inside = [q for q in quotes if q[0] < att.end and q[1] > att.start]
    if not inside:
        att.kind = "indirect"
        return
    q = inside[0]
    covered = sum(min(q2[1], att.end) - max(q2[0], att.start) for q2 in inside)
    if len(inside) == 1 and covered >= 0.8 * (att.end - att.start):
        att.start, att.end = q
        att.kind = "direct"
    else:
        att.start = min(att.start, inside[0][0])
        att.end = max(att.end, inside[-1][1])
        att.kind = "mixed"


def cue_near(q: tuple[int, int], doc: Doc, offset: int, text: str,
             quotes: list[tuple[int, int]]) -> Attribution | None:
    """The reporting verb right after a quotation (“…,” he said) or right before it
    (He said: “…”), with its subject."""
    for token in doc:
        at = offset + token.idx
        if token.pos_ not in ("VERB", "AUX") or token.lemma_.lower() not in REPORTING:
            continue
        if _in_any(quotes, at):
            continue
        after = q[1] <= at <= q[1] + 40 and not any(c in text[q[1]:at] for c in ".!?\n“\"")
        before = q[0] - 60 <= at < q[0] and text[at:q[0]].rstrip().endswith((":", ","))
        if not (after or before):
            continue
        subject = subject_of(token)
        if subject is None:
            continue
        speaker = name_span(subject, offset)
        return Attribution(q[0], q[1], at, at + len(token), speaker, subject, kind="direct")
    return None
