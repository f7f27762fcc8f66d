"""What the proposal model sees of a proposed attribution: its verb as the cue classifier
reads it (features.py), the content the verb would report and the source it would have.
Shared by the training code and the stage."""

from __future__ import annotations

from spacy.tokens import Token

from app.nlp.attribution import Article, Attribution
from app.nlp.learned import model
from app.nlp.learned.features import token_features
from app.nlp.speakers import names_a_person
from app.nlp.text import word_count


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    return next((f"<={e}" for e in edges if n <= e), f">{edges[-1]}")


def _source(token: Token | None) -> list[str]:
    if token is None:
        return ["source=none"]
    kind = token.ent_type_ or ("PRP" if token.tag_ == "PRP" else token.pos_)
    feats = [f"source={kind}"]
    if token.tag_ == "PRP":
        feats.append(f"source_word={token.lower_}")
    elif token.pos_ == "NOUN":
        feats.append(f"source_person_noun={names_a_person(token.lemma_.lower())}")
    return feats


def proposal_features(verb: Token, att: Attribution, offset: int, article: Article) -> list[str]:
    """The named features of the attribution `verb` would make, `att`."""
    verb_feats = token_features(verb, offset, article.quotes)
    feats = [f"v:{f}" for f in verb_feats]
    cue_probability = model.load().probability(verb_feats)
    feats.append(f"cue_p={min(9, int(cue_probability * 10))}")
    text = article.text
    words = word_count(text, att.start, att.end)
    feats += [f"kind={att.kind}", f"words={_bucket(words, (2, 4, 8, 16, 32))}",
              f"content_before={att.start < offset + verb.idx}"]
    first = text[att.start:att.end].split(maxsplit=1)
    feats.append(f"first={first[0].lower() if first else ''}")
    sent = verb.sent
    feats.append(f"past_sentence={att.end > offset + sent.end_char or att.start < offset + sent.start_char}")
    doc = verb.doc
    head = next((t for t in doc if offset + t.idx >= att.start), None)
    if head is not None and offset + head.idx < att.end:
        root = head
        while root.head.i != root.i and att.start <= offset + root.head.idx < att.end:
            root = root.head
        feats += [f"content_dep={root.dep_}", f"content_pos={root.pos_}",
                  f"v:lemma|content_dep={verb.lemma_.lower()}|{root.dep_}",
                  f"content_is_child={root.head.i == verb.i}"]
    feats += _source(att.speaker_token)
    feats.append(f"first_paragraph={offset == article.parsed[0][0].start}")
    return feats
