"""What the cue classifier sees of a verb: its words and its place in the parse, as
named features ("lemma=claim", "child=ccomp", "lemma|child=claim|ccomp"). Shared by the
training code and the stage, so both read a token the same way."""

from __future__ import annotations

from spacy.tokens import Token

from app.nlp import per_parse
from app.nlp.lexicons import words
from app.nlp.speakers import NOMINAL_SUBJECTS
from app.nlp.text import Quotes

# The verbs the classifier is asked about: what the rules' reporting verbs are.
CANDIDATE_POS = ("VERB", "AUX")
_LISTS = ("reporting", "speech", "infinitive", "object", "belief", "intention", "speech_acts")
_KEY_CHILDREN = ("ccomp", "xcomp", "dobj", "nsubj", "nsubjpass", "prep", "advcl", "dative", "parataxis", "mark")
# A quotation mark this many characters from the verb is "near" it.
_NEAR = 40


def lemma_of(token: Token) -> str:
    # The small model's lemmatizer reads "hoping" as a form of "hop" (reported.lemma too).
    found = token.lemma_.lower()
    return "hope" if found == "hop" and token.lower_.startswith("hop") else found


def token_features(token: Token, offset: int, quotes: Quotes) -> list[str]:
    """The named features of `token`, a verb at `offset` + token.idx in the article; read
    once a parse, as the cue, proposal and tagger stages all ask (not to be changed)."""
    known: dict[int, list[str]] = per_parse.once(token.doc, f"cue_features.{offset}", dict)
    found = known.get(token.i)
    if found is None:
        found = known[token.i] = _token_features(token, offset, quotes)
    return found


def _token_features(token: Token, offset: int, quotes: Quotes) -> list[str]:
    base = lemma_of(token)
    feats = ["bias", f"lemma={base}", f"tag={token.tag_}", f"dep={token.dep_}", f"lemma|tag={base}|{token.tag_}",
             f"lemma|dep={base}|{token.dep_}"]
    feats.extend(f"list={name}" for name in _LISTS if base in words(name))
    head = token.head
    if head.i != token.i:
        feats += [f"head={lemma_of(head)}", f"head_dep={head.dep_}", f"dep|head_pos={token.dep_}|{head.pos_}"]
    deps = set()
    for child in token.children:
        dep = child.dep_
        deps.add(dep)
        if dep in _KEY_CHILDREN:
            feats.append(f"lemma|child={base}|{dep}")
        if dep == "prep":
            feats += [f"prep={child.lower_}", f"lemma|prep={base}|{child.lower_}"]
        elif dep in NOMINAL_SUBJECTS:
            kind = child.ent_type_ or child.tag_
            feats += [f"subject={kind}", f"subject_word={child.lower_}" if child.tag_ == "PRP" else "subject=noun"]
        elif dep == "ccomp":
            feats.append("ccomp_that" if any(g.dep_ == "mark" and g.lower_ == "that" for g in child.children)
                         else "ccomp_bare")
            feats.append(f"ccomp_before={child.i < token.i}")
        elif dep == "xcomp":
            feats.append(f"xcomp_to={any(g.lower_ == 'to' for g in child.children)}")
    feats.extend(f"child={d}" for d in sorted(deps))
    feats.append(f"children={'+'.join(sorted(d for d in deps if d in _KEY_CHILDREN))}")
    doc = token.doc
    feats.append(f"prev={doc[token.i - 1].lower_}" if token.i > 0 else "prev=<s>")
    feats.append(f"next={doc[token.i + 1].lower_}" if token.i + 1 < len(doc) else "next=</s>")
    at = offset + token.idx
    if quotes.overlapping(max(0, at - _NEAR), at + len(token) + _NEAR):
        feats.append("quote_near")
    sent = token.sent
    if quotes.overlapping(offset + sent.start_char, offset + sent.end_char):
        feats.append("quote_in_sentence")
    feats.append(f"comma_before={token.i > 0 and doc[token.i - 1].text == ','}")
    return feats
