"""Quotations no reporting verb's clause claimed: their cue and source found next to them
(“…,” he said / He said: “…” / “…” — Name), a continued turn of the last speaker, or no
source at all; short quoted phrases with none of these are titles or scare quotes."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import replace

from spacy.tokens import Doc, Token

from app.nlp.attribution import Article, Attribution
from app.nlp.labelled import is_label
from app.nlp.lexicons import words
from app.nlp.reported import REPORTING, lemma
from app.nlp.speakers import NOMINAL_SUBJECTS, name_span, subject_of
from app.nlp.text import CLOSING_MARKS, OPENING_MARKS, Paragraph, Quotes, word_count

# Fewer quoted words than this, with no cue, are a title or scare quotes, not speech...
_MIN_QUOTE_WORDS = 5
# ...and a quotation this long with no source anywhere near is still speech, unattributed.
_MIN_UNATTRIBUTED_WORDS = 6
# How far (in characters) a cue may stand from the quotation it introduces or follows.
_CUE_AFTER = 60
_CUE_BEFORE = 80
# Words of narration allowed between two quotations of one turn besides the attribution.
_TURN_GAP_WORDS = 6
# How many tokens after a quotation its source and verb may take ("Gov. Mark Dayton went").
_FOLLOWING_TOKENS = 6
_SENTENCE_END = re.compile(r"[.!?][”\"']?\s+[“\"]?[A-Z]|\n")
_COLON_QUOTE = re.compile(r"[^\S\n]*:[^\S\n]*[“\"]")
_DASH_SOURCE = re.compile(r"[^\S\n]*[—―–-]{1,2}[^\S\n]*([A-Z][\w.'’-]*(?:[^\S\n]+[A-Z][\w.'’-]*){0,4})")


# Words a title leaves in lowercase: "Thelma and Louise", "Flip the Script with Liz Plank".
_TITLE_SMALL_WORDS = {"a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "by", "for",
                      "with", "from", "as", "vs", "v"}
_TITLE_MAX_WORDS = 8
_QUOTED = ("direct", "mixed")
_CONTRACTION = re.compile(r"\w['’](?:re|ll|ve|m|d)\b|n['’]t\b")


def _is_title(text: str, q: tuple[int, int]) -> bool:
    """A show, book or song in quotation marks ("on ABC’s “This Week,”", "his book
    “Doomed to Succeed”"): a few words, every one that is not a small word capitalised.
    Its comma or stop is the sentence's, not the end of something said."""
    inner = text[q[0]:q[1]].strip("“”\"«»‘’' ").rstrip(",.…")
    words = inner.split()
    # One word ("Hopefully,"), an exclamation or question, two sentences ("The Donald.
    # Big Daddy.") or a contraction ("We’re America.") is something said.
    if not 2 <= len(words) <= _TITLE_MAX_WORDS or any(c in inner for c in "!?") or ". " in inner:
        return False
    if _CONTRACTION.search(inner):
        return False
    return all(w[:1].isupper() or w[:1].isdigit() or (i > 0 and w.lower() in _TITLE_SMALL_WORDS)
               for i, w in enumerate(words))


# Words that may stand between such a noun and its title: "a song like “…”", "a show called “…”".
_TITLE_LINKS = {"like", "called", "titled", "entitled", "named", "dubbed"}


def named_by_noun(text: str, q: tuple[int, int]) -> bool:
    """The quotation is the title or term a noun for a work or a word introduces ("the
    television show “Nashville,”", "a song like “Glasgow,”", "the slogan “…”")."""
    if not text[q[0]:q[1]].strip("“”\"«»‘’' ")[:1].isupper():
        return False  # titles are capitalised: "the campaign “to continue …”" is words said
    before = text[max(0, q[0] - 40):q[0]].replace(",", " ").split()
    while before and before[-1].lower() in _TITLE_LINKS:
        before.pop()
    if not before:
        return False
    word = before[-1].lower().strip("’'")
    if word in _PREPOSITIONS and _is_name_word(text, q):
        return True  # "when you listen to “Glasgow,”", "the use of “We.”": one word, a name
    # "the words “I can't breathe”" are something said; "the word “We”" is a term.
    return word in words("work_nouns") or (word.endswith("s") and word != "words" and word[:-1] in words("work_nouns"))


_PREPOSITIONS = {"to", "of", "like", "for", "in", "on", "at", "from", "with", "about", "by", "into"}


def _is_name_word(text: str, q: tuple[int, int]) -> bool:
    """One capitalised word between the marks ("“Glasgow,”", "“We.”")."""
    inner = text[q[0]:q[1]].strip("“”\"«»‘’' ").rstrip(",.")
    return " " not in inner and inner[:1].isupper() and inner.replace("-", "").isalpha()


# Words a quotation in a stance nobody holds may have and still be a scare quote.
_SCARE_QUOTE_WORDS = 2


def names_only(att: Attribution, quotes: Quotes, text: str) -> bool:
    """A content whose quotation marks only set off titles and terms that a noun
    introduces ("wrote music for the television show “Nashville,”"), or, in a stance
    nobody holds ("is predicted to"), a word or two ("predicted to result from
    “exogenic” processes"): nobody's words."""
    inside = quotes.overlapping(att.start, att.end)
    return bool(inside) and all(
        named_by_noun(text, q) or (att.stage == "hedged" and word_count(text, *q) <= _SCARE_QUOTE_WORDS)
        for q in inside)


def _ends_speech(text: str, q: tuple[int, int]) -> bool:
    """A quotation that ends a clause inside its marks (“We won,” / “Yes.”) is speech."""
    inner = text[q[0]:q[1]].rstrip("”\"»’' ")
    return inner.endswith((",", ".", "!", "?", "…"))


def cue_near(q: tuple[int, int], doc: Doc, offset: int, text: str, quotes: Quotes) -> Attribution | None:
    """The reporting verb right after a quotation (“…,” he said; “…,” said Smith) or right
    before it (He said: “…” / Smith added, “…”), with its subject."""
    for token in doc:
        at = offset + token.idx
        if at > q[1] + _CUE_AFTER:
            break
        if at < q[0] - _CUE_BEFORE or token.pos_ not in ("VERB", "AUX") or lemma(token) not in REPORTING:
            continue
        if quotes.containing(at):
            continue
        between_after = text[q[1]:at]
        # A stop between them ends the sentence, unless it closes a title or initial
        # (“…,” Rep. Elijah E. Cummings said).
        after = (q[1] <= at and not any(c in between_after for c in "!?\n“”\"")
                 and ("." not in between_after or not _has_sentence_break(text, q[1], at + 1)))
        if after and _COLON_QUOTE.match(text, at + len(token)):
            after = False  # "Smith agreed: “…”" introduces the quotation after it, not the one before
        between_before = text[at + len(token):q[0]]
        before = at < q[0] and between_before.rstrip().endswith((":", ",")) and "\n" not in between_before.rstrip()
        if not (after or before):
            continue
        subject = subject_of(token, skip=lambda t: quotes.containing(offset + t.idx) is not None)
        if (subject is None or subject.is_punct) and after:
            subject = _named_after(q, token, offset)
        if subject is None or subject.is_punct:
            continue
        speaker = name_span(subject, offset)
        if quotes.containing(speaker[0]):
            continue
        return Attribution(q[0], q[1], at, at + len(token), speaker, subject, kind="direct")
    return _verb_introducing(q, doc, offset, text, quotes) or _verb_following(q, doc, offset, text, quotes)


def _named_after(q: tuple[int, int], verb: Token, offset: int) -> Token | None:
    """The name or pronoun that opens the words between a quotation and its verb (“…,”
    Flynn, a top Trump surrogate, said): the parser, reading the quotation as part of
    the sentence, often hangs that name on a noun inside it and gives the verb none."""
    first = next((t for t in verb.doc[:verb.i] if offset + t.idx >= q[1] and not t.is_space), None)
    if first is None or first.pos_ not in ("PROPN", "PRON") or first.lower_ in ("it", "this", "that"):
        return None
    while first.head.pos_ == "PROPN" and first.dep_ in ("compound", "flat") and first.head.i < verb.i:
        first = first.head
    return first


def _verb_introducing(q: tuple[int, int], doc: Doc, offset: int, text: str, quotes: Quotes) -> Attribution | None:
    """Any verb that introduces a quotation after a comma or colon ("Hillary shot back,
    “…”", "The senator fired off a tweet: “…”"), when no reporting verb stands by it: the
    words right before the quotation are its subject's."""
    last = None
    for token in doc:
        if offset + token.idx >= q[0]:
            break
        last = token
    if last is None or last.text not in (",", ":") or last.i == 0 or text[offset + last.idx + 1:q[0]].strip():
        return None
    verb = last.doc[last.i - 1]
    while verb.dep_ in ("prt", "advmod", "dobj", "npadvmod") and verb.head.i < verb.i:
        verb = verb.head
    if verb.pos_ != "VERB" or quotes.containing(offset + verb.idx):
        return None
    subject = subject_of(verb)
    if subject is None or subject.is_punct or subject.i > verb.i:
        return None
    speaker = name_span(subject, offset)
    if quotes.containing(speaker[0]):
        return None
    at = offset + verb.idx
    return Attribution(q[0], q[1], at, at + len(verb), speaker, subject, kind="direct")


def _verb_following(q: tuple[int, int], doc: Doc, offset: int, text: str, quotes: Quotes) -> Attribution | None:
    """Any verb whose subject stands right after a quotation that ends on a comma, "?" or
    "!" inside its marks (“…,” Trump went on / “…!” beamed Donald Hartley): that
    punctuation leaves the sentence open for its attribution."""
    if not text[q[0]:q[1]].rstrip("”\"»’' ").endswith((",", "?", "!")):
        return None
    following = [t for t in doc if offset + t.idx >= q[1] and not t.is_space][:_FOLLOWING_TOKENS]
    verb = next((t for t in following if t.pos_ == "VERB"), None)
    if verb is None or any(t.is_punct for t in following if t.i < verb.i) or quotes.containing(offset + verb.idx):
        return None
    subject = next((c for c in verb.children if c.dep_ in NOMINAL_SUBJECTS), None)
    if subject is None and verb is following[0]:
        # “…!” posted Sharon Geyer.: the parse reads the name after the verb as its object.
        subject = next((c for c in verb.children if c.dep_ == "dobj" and c.pos_ == "PROPN"
                        and c.left_edge.i == verb.i + 1 and c.right_edge.i + 1 < len(verb.doc)
                        and verb.doc[c.right_edge.i + 1].text in (".", ",")), None)
    if subject is None or not (following[0].i <= subject.left_edge.i) or subject.i > verb.i + 4:
        return None
    if verb.dep_ == "relcl":
        return None  # “…,” a detail that dovetails with …: the writer's comment on the words, no cue
    speaker = name_span(subject, offset)
    at = offset + verb.idx
    return Attribution(q[0], q[1], at, at + len(verb), speaker, subject, kind="direct")


def _has_sentence_break(text: str, start: int, end: int) -> bool:
    """A sentence ends between start and end: a stop before a capital, unless the stop
    closes a title or initial ("Rep. Elijah Cummings", "Mr. Clarke", "John G. Roberts")."""
    for m in _SENTENCE_END.finditer(text, start, end):
        if m.group() == "\n":
            return True
        word = text[max(start, m.start() - 5):m.start()].split()[-1:] or [""]
        if not (word[0][:1].isupper() and len(word[0]) <= 4):
            return True
    return False


def _dash_source(q: tuple[int, int], text: str) -> Attribution | None:
    """“…” — Pamela Padilla: a name after a dash, the way reader comments and epigraphs
    are signed."""
    m = _DASH_SOURCE.match(text, q[1])
    if m is None:
        return None
    rest = text[m.end():m.end() + 8].lstrip(" \t\xa0")  # web text ends lines with no-break spaces
    if rest and rest[0] not in "\n,.;":
        return None
    return Attribution(q[0], q[1], None, None, m.span(1), None, kind="direct")


def _aside_report(att: Attribution) -> bool:
    """A report in a subordinate clause whose source is a thing ("Cooke's testimony that
    concluded …", "although it could support …"): no speaker's turn goes on from it."""
    token = att.speaker_token
    return token is not None and token.lower_ in ("it", "that", "which") and token.head.dep_ in ("relcl", "advcl")


def _continued_turn(q: tuple[int, int], previous: Attribution | None, text: str,
                    over_narration: bool = False) -> Attribution | None:
    """A quotation that follows the last speaker's words with only the attribution between
    them continues that speaker's turn, even into the next paragraph: after a quotation
    (“…,” he said. “…”) and after reported speech alike (…, Schiff said. “…”).
    over_narration: also past sentences of narration, in the paragraph of a quotation and
    its attribution (“…,” Smith said. The town has 900 people. “…”): a paragraph that
    quotes someone and then quotes again without a new source goes on quoting them."""
    if previous is None or previous.speaker is None or _aside_report(previous):
        return None
    gap_start, gap_end = previous.end, q[0]
    if gap_end - gap_start > 300:
        return None
    pieces = [previous.speaker] + ([previous.cue] if previous.cue else [])
    inside = [p for p in pieces if gap_start <= p[0] and p[1] <= gap_end]
    if inside and not _has_sentence_break(text, gap_start, max(gap_start, gap_end - 3)):
        # Only the attribution's own sentence stands between the two, however long the
        # description of its source ("said Len Burman, head of the Tax Policy Center.").
        words = 0
    elif inside:
        # Cut out the attribution itself, with what stands between its source and cue.
        cut_start, cut_end = min(p[0] for p in inside), max(p[1] for p in inside)
        words = word_count(text, gap_start, cut_start) + word_count(text, cut_end, gap_end)
    else:
        words = word_count(text, gap_start, gap_end)
    if over_narration and inside and previous.kind in _QUOTED and "\n" not in text[gap_start:gap_end]:
        words = 0
    if words > _TURN_GAP_WORDS or text.count("\n", gap_start, gap_end) > 2:
        return None
    if "\n" in text[gap_start:gap_end] and words > 0:
        return None  # a new paragraph of narration: no longer the same turn
    return Attribution(q[0], q[1], previous.cue_start, previous.cue_end, previous.speaker,
                       previous.speaker_token, kind="direct")


def _interrupted(previous: Attribution | None, quoted: Attribution | None, text: str) -> Attribution | None:
    """The attribution a quotation's turn may go on from. A report inside the sentence that
    attributes the quotation before it (“…,” she said, adding that …. / said Smith, who
    declined to be named.) describes the source or the moment; the quotation after that
    sentence resumes the statement the sentence attributes, not the aside's."""
    if previous is None or quoted is None or previous is quoted or previous.kind in _QUOTED:
        return previous
    if quoted.cue is None or quoted.speaker is None or previous.start < quoted.end:
        return previous
    if not quoted.end <= min(quoted.cue[0], quoted.speaker[0]) <= previous.start:
        return previous  # the attribution before the quotation: no sentence interrupts it
    if "\n" in text[quoted.end:previous.end] or _has_sentence_break(text, quoted.end, previous.end):
        return previous  # the report is a sentence of its own
    return quoted


def attribute(article: Article, found: Sequence[Attribution]) -> list[Attribution]:
    """The stage: attributions for the quotations the earlier stages' contents did not
    take, in text order."""
    quotes, parsed, text, body_end = article.quotes, article.parsed, article.text, article.body_end
    starts = [p.start for p, _ in parsed]
    claimed = sorted((_claimed_from(a, text), a.end) for a in found)
    added: list[Attribution] = []
    by_end = sorted(found, key=lambda a: a.end)
    ends = [a.end for a in by_end]
    quoted = [a for a in by_end if a.kind in _QUOTED]
    quoted_ends = [a.end for a in quoted]
    last_added: Attribution | None = None
    for q in quotes.spans:
        if q[0] >= body_end:
            break
        i = bisect.bisect_right(claimed, (q[0], 1 << 62)) - 1
        if any(s <= q[0] and q[1] <= e for s, e in claimed[max(0, i - 3):i + 1]):
            continue
        is_speech = ((word_count(text, *q) >= _MIN_QUOTE_WORDS or _ends_speech(text, q)) and not _is_title(text, q)
                     and not named_by_noun(text, q))
        if not is_speech:
            continue
        att = (_cue_for(q, parsed, starts, text, quotes) or _dash_source(q, text)
               or _verb_earlier(q, parsed, starts, quotes))
        previous = None
        if att is None:
            previous = _interrupted(_last_before(q[0], by_end, ends, last_added),
                                    _last_before(q[0], quoted, quoted_ends, last_added), text)
            att = _continued_turn(q, previous, text)
        if att is None:
            att = _subject_before(q, parsed, starts, text, quotes)
        if att is None:
            # Only now: a sentence about someone else between them names the next speaker.
            att = _continued_turn(q, previous, text, over_narration=True)
        if att is None and word_count(text, *q) >= _MIN_UNATTRIBUTED_WORDS and _ends_speech(text, q):
            att = Attribution(q[0], q[1], None, None, None, None, kind="direct")
        if att is not None:
            added.append(att)
            last_added = att
    return added


def _last_before(at: int, by_end: Sequence[Attribution], ends: Sequence[int],
                 added: Attribution | None) -> Attribution | None:
    """Of `by_end` (sorted by end; `ends` are their ends) and `added`, the stage's own last
    attribution, the one that ends last before `at`."""
    j = bisect.bisect_right(ends, at)
    last = by_end[j - 1] if j else None
    if added is not None and (last is None or added.end > last.end):
        return added
    return last


def _subject_before(q: tuple[int, int], parsed: Sequence[tuple[Paragraph, Doc]], starts: list[int], text: str,
                    quotes: Quotes) -> Attribution | None:
    """A quotation with no cue that follows, in its paragraph, a sentence about a named
    person ("Marsh returned to the issue later. “What will it cost?”") is that person's:
    the subject of the sentence's main verb, a name or "he"/"she"."""
    k = bisect.bisect_right(starts, q[0]) - 1
    if k < 0 or not text[starts[k]:q[0]].rstrip().endswith((".", "!", "?", ":")):
        return None
    para, doc = parsed[k]
    before = [t for t in doc if para.start + t.idx < q[0] and not t.is_space]
    if not before:
        return None
    root = before[-1].sent.root
    if root.pos_ not in ("VERB", "AUX") or quotes.containing(para.start + root.idx):
        return None
    subject = next((c for c in root.children if c.dep_ in NOMINAL_SUBJECTS and c.i < root.i), None)
    if subject is None or not (subject.pos_ == "PROPN" or subject.lower_ in ("he", "she")):
        return None
    speaker = name_span(subject, para.start)
    if quotes.containing(speaker[0]):
        return None
    return Attribution(q[0], q[1], None, None, speaker, subject, kind="direct")


def _claimed_from(att: Attribution, text: str) -> int:
    """Where an attribution's hold on the text begins: its content, or for a transcript's
    quoted turn ("“PENCE: Well, …") the mark that opens the turn, so that the turn is not
    read a second time as an unattributed quotation."""
    if att.speaker is not None and is_label(att, text) and att.speaker[0] > 0 and text[att.speaker[0] - 1] in "“\"«":
        return att.speaker[0] - 1
    return att.start


def _verb_earlier(q: tuple[int, int], parsed: Sequence[tuple[Paragraph, Doc]], starts: list[int],
                  quotes: Quotes) -> Attribution | None:
    """A quotation that ends a sentence whose reporting verb stands further back, with
    narration between them ("McConnell says that voters want a leader, but Obama gives
    them “lectures.”"): what the verb reports runs from it to the end of the quotation."""
    k = bisect.bisect_right(starts, q[0]) - 1
    if k < 0:
        return None
    para, doc = parsed[k]
    offset = para.start
    first = next((t for t in doc if offset + t.idx >= q[0]), None)
    if first is None or first.i == 0:
        return None
    for verb in first.sent:
        if verb.i >= first.i:
            break
        if verb.pos_ != "VERB" or lemma(verb) not in REPORTING or quotes.overlapping(
                offset + verb.idx, offset + verb.idx + len(verb)):
            continue
        subject = subject_of(verb, skip=lambda t: quotes.containing(offset + t.idx) is not None)
        if subject is None or subject.i > verb.i or subject.is_punct:
            continue
        if subject.pos_ == "PRON" and subject.lower_ == "it":
            continue
        if any(t.text in ("“", "”") for t in doc[verb.i + 1:first.i]):
            return None  # another quotation between them has its own attribution
        start = doc[verb.i + 1]
        while start.i < first.i and (start.is_punct or start.is_space or start.dep_ == "npadvmod"):
            start = doc[start.i + 1]
        if start.i == first.i:
            return None  # "X said “…”": the direct case, found by cue_near
        at = offset + verb.idx
        return Attribution(offset + start.idx, q[1], at, at + len(verb), name_span(subject, offset), subject,
                           kind="mixed")
    return None


def _cue_for(q: tuple[int, int], parsed: Sequence[tuple[Paragraph, Doc]], starts: list[int], text: str,
             quotes: Quotes) -> Attribution | None:
    """A cue in the paragraph the quotation ends in, or at the end of the paragraph before
    the one it opens when that paragraph ends with a colon."""
    candidates = []
    k = bisect.bisect_right(starts, q[1] - 1) - 1
    if k >= 0:
        candidates.append(parsed[k])
    k0 = bisect.bisect_right(starts, q[0]) - 1
    if k0 >= 1 and parsed[k0][0].start == q[0]:
        para, doc = parsed[k0 - 1]
        if text[para.start:para.end].rstrip().endswith(":"):
            candidates.append((para, doc))
    for para, doc in candidates:
        att = cue_near(q, doc, para.start, text, quotes)
        if att is not None:
            return att
    if len(candidates) > 1:
        return _introduced_by(q, *candidates[1], quotes)
    return None


def _introduced_by(q: tuple[int, int], para: Paragraph, doc: Doc, quotes: Quotes) -> Attribution | None:
    """A paragraph ending with a colon introduces the quotation that opens the next one
    ("As the Post reported on Friday:", "He then listed what a nominee needs:"), whatever
    its verb: the subject of its last sentence's main verb is the source."""
    sents = list(doc.sents)
    if not sents:
        return None
    verb = sents[-1].root
    if verb.pos_ not in ("VERB", "AUX") or quotes.containing(para.start + verb.idx):
        return None
    subject = subject_of(verb, skip=lambda t: quotes.containing(para.start + t.idx) is not None)
    if subject is None or subject.is_punct or subject.lower_ in ("it", "there", "this"):
        return None
    speaker = name_span(subject, para.start)
    if quotes.containing(speaker[0]):
        return None
    at = para.start + verb.idx
    return Attribution(q[0], q[1], at, at + len(verb), speaker, subject, kind="direct")


def merge_split(found: list[Attribution], text: str) -> list[Attribution]:
    """One statement is one quote: quotations of one source and one cue in one paragraph
    (“We will,” she said. “We must.” / “We will,” she said, “win.”) are the parts of one
    attribution, as PolNeAR and the API count them, even when a report of the source's own
    lies between them (“It's finished,” she said of the election, in which she was sure
    Trump would win. “In my head, anyway.”). Across a paragraph break a continued turn
    stays a quote of its own, as annotators mostly keep it, unless only the attribution
    parts the two (_next_paragraph)."""
    out: list[Attribution] = []
    # The last quotation kept: the reports after it, the source's own or the asides of the
    # sentence that attributes it (“…,” she said, adding that …. “…”), stand between it
    # and the next quotation without parting the two.
    k = -1
    for att in found:
        prev = out[k] if k >= 0 else None
        if (prev is not None and prev.cue is not None and prev.cue == att.cue and prev.speaker == att.speaker
                and att.kind in _QUOTED and prev.end <= att.start
                and ("\n" not in text[prev.end:att.start] or _next_paragraph(prev, att, text))):
            out[k] = replace(prev, end=att.end, pieces=prev.parts + att.parts,
                             kind="direct" if prev.kind == att.kind == "direct" else "mixed")
            continue
        out.append(att)
        if att.kind in _QUOTED:
            k = len(out) - 1
    return out


def _next_paragraph(prev: Attribution, att: Attribution, text: str) -> bool:
    """A quotation that is the whole of the paragraph after the one its source's last
    quotation ends, with only that quotation's attribution after it (“…,” Smith said.
    ¶ “…”): the statement goes on past the break, which PolNeAR counts one (train: 30
    of 32 such pairs)."""
    if prev.speaker is None or not prev.end <= prev.speaker[0] or text[prev.end - 1] not in CLOSING_MARKS:
        return False
    if text[att.start] not in OPENING_MARKS:
        return False
    line_end = text.find("\n", prev.end)
    attribution = text[prev.end:line_end]
    if not prev.speaker[1] <= line_end or attribution.rstrip().endswith(":") or text[line_end:att.start].strip():
        return False
    if text.count("\n", line_end, att.start) > 2 or _has_sentence_break(text, prev.end, max(prev.end, line_end - 3)):
        return False  # a sentence of narration after the attribution
    rest = text.find("\n", att.end)
    return not text[att.end:len(text) if rest < 0 else rest].strip()
