"""What the screen sees of an attribution the stages made: which stage made it, its cue
as the cue classifier reads it (features.py), the content's words and place in the
parse and in the article, and its source. Shared by the training code and the stage."""

from __future__ import annotations

from spacy.tokens import Span, Token

from app.nlp.attribution import Article, Attribution, Spans
from app.nlp.learned.features import lemma_of, token_features

_LENGTHS = (1, 2, 3, 5, 8, 12, 20, 30, 50)


def _length(n: int) -> str:
    return next((f"<={e}" for e in _LENGTHS if n <= e), f">{_LENGTHS[-1]}")


def screen_features(att: Attribution, article: Article, spans: Spans) -> list[str]:
    """The named features of `att`, one of `article`'s attributions (`spans` finds its
    words in the parse)."""
    feats = ["bias", f"stage={att.stage}", f"kind={att.kind}"]
    located = spans.span(att.start, att.end)
    if located is None:
        return [*feats, "unparsed"]
    offset, content = located
    feats += _content(content, offset, article)
    cue = spans.span(*att.cue) if att.cue is not None else None
    if cue is None:
        feats.append("cue=none")
    else:
        feats += _cue(att, content, cue[1].root, cue[0], article)
    feats += _source(att.speaker_token, att.speaker is not None)
    return feats


def _content(content: Span, offset: int, article: Article) -> list[str]:
    doc, words, root = content.doc, list(content), content.root
    first, last = words[0], words[-1]
    after = doc[content.end] if content.end < len(doc) else None
    before = doc[content.start - 1] if content.start > 0 else None
    sent = first.sent
    paragraph = next(k for k, (para, _) in enumerate(article.parsed) if para.start == offset)
    return [
        f"words={_length(len(words))}", f"first={first.lower_}", f"first_pos={first.pos_}",
        f"last_pos={last.pos_}", f"root_pos={root.pos_}", f"root_dep={root.dep_}", f"root_tag={root.tag_}",
        f"verbs={min(3, sum(t.pos_ in ('VERB', 'AUX') for t in words))}",
        f"sentences={min(3, len({t.sent.start for t in words}))}",
        f"next={after.text if after is not None else '</s>'}",
        f"prev={before.lower_ if before is not None else '<s>'}",
        f"ends_sentence={after is None or content.end >= last.sent.end or after.text in ('.', '!', '?')}",
        f"starts_sentence={first.i == sent.start}",
        f"commas={min(3, sum(t.text == ',' for t in words))}",
        f"paragraph={min(paragraph, 3)}", f"short_paragraph={len(doc) < 15}",
        f"quotation_in_sentence={bool(article.quotes.overlapping(offset + sent.start_char, offset + sent.end_char))}",
        *sorted({f"entity={t.ent_type_}" for t in words if t.ent_type_}),
    ]


def _cue(att: Attribution, content: Span, cue: Token, offset: int, article: Article) -> list[str]:
    lemma = lemma_of(cue)
    words = list(content)
    before = att.cue is not None and att.cue[0] < att.start
    gap = (words[0].i - cue.i if before else cue.i - words[-1].i) if cue.doc is content.doc else None
    return [
        *(f"cue:{f}" for f in token_features(cue, offset, article.quotes)),
        f"cue_before={before}", f"gap={_length(max(0, gap)) if gap is not None else 'far'}",
        f"stage|lemma={att.stage}|{lemma}", f"lemma|first_pos={lemma}|{words[0].pos_}",
        f"lemma|root_pos={lemma}|{content.root.pos_}", f"lemma|words={lemma}|{_length(len(words))}",
        f"root_under_cue={content.root.doc is cue.doc and content.root.head.i == cue.i}",
        f"negated={any(c.dep_ == 'neg' for c in cue.children)}",
        f"modal={any(c.tag_ == 'MD' for c in cue.children)}",
    ]


def _source(token: Token | None, named: bool) -> list[str]:
    if token is None:
        return ["source=words" if named else "source=none"]
    feats = [f"source_tag={token.tag_}", f"source_entity={token.ent_type_ or '-'}"]
    if token.tag_ == "PRP":
        feats.append(f"source_word={token.lower_}")
    return feats
