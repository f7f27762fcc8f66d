"""The source of an attribution as a person or organisation: names matched to entities,
pronouns and descriptions resolved to the most recent compatible entity."""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

PERSON_PRONOUNS = {"he", "she", "him", "her"}
ORG_PRONOUNS = {"it"}
ROLE_NOUNS = {
    "ambassador", "spokesman", "spokeswoman", "spokesperson", "official", "minister", "president",
    "senator", "governor", "mayor", "secretary", "director", "chairman", "chairwoman", "leader",
    "candidate", "analyst", "lawyer", "attorney", "judge", "envoy", "diplomat", "chief", "executive",
    "congressman", "congresswoman", "lawmaker", "representative", "nominee", "billionaire", "businessman",
    "general", "commander", "officer", "premier", "chancellor", "king", "queen", "prince", "pope",
    "professor", "economist", "expert", "author", "founder", "ceo", "manager", "head", "adviser", "advisor",
    "aide", "strategist", "pollster", "activist", "campaigner", "prosecutor", "sheriff", "woman", "man",
}
PRIORITY = {"PERSON": 0, "ORG": 1, "GPE": 2}


@dataclass(frozen=True, slots=True)
class EntityMention:
    entity: int
    type: str
    start: int
    end: int
    in_quote: bool


@dataclass
class Context:
    """What a pronoun can refer to: people named as subjects of main clauses, and the
    sources resolved so far (both as (position, entity), in text order)."""

    mentions: list[EntityMention]
    subjects: list[tuple[int, int]]
    speakers: list[tuple[int, int]]


def resolve(span: tuple[int, int], token: Token | None, ctx: Context, text: str) -> int | None:
    """The entity the source's words refer to, or None."""
    entity = _resolve(span, token, ctx, text)
    if entity is not None:
        ctx.speakers.append((span[0], entity))
    return entity


def _resolve(span: tuple[int, int], token: Token | None, ctx: Context, text: str) -> int | None:
    mentions = ctx.mentions
    s, e = span
    overlapping = [m for m in mentions if m.start < e and m.end > s and m.type in PRIORITY]
    if overlapping:
        return min(overlapping, key=lambda m: (PRIORITY[m.type], -(m.end - m.start))).entity
    if token is None:
        return None
    before = [m for m in mentions if m.end <= s and not m.in_quote]
    word = token.lower_
    if word in PERSON_PRONOUNS:
        # The centre of attention: the latest person who spoke or was the subject of a
        # main clause, whichever came last; failing both, the latest person named.
        types = {m.entity: m.type for m in mentions}
        focus = [(p, e) for p, e in ctx.subjects + ctx.speakers if p < s and types.get(e) == "PERSON"]
        if focus:
            return max(focus)[1]
        return _latest(before, {"PERSON"})
    if word in ORG_PRONOUNS:
        return _latest(before, {"ORG"})
    if token.pos_ == "NOUN" and token.tag_ in ("NN", "NNP"):
        lemma = token.lemma_.lower()
        # "the ambassador": the person introduced with that title.
        for m in reversed(before):
            if m.type == "PERSON" and lemma in text[max(0, m.start - 60):m.start].lower():
                return m.entity
        if lemma in ROLE_NOUNS:
            return _latest(before, {"PERSON"})
    return None


def _latest(mentions: list[EntityMention], types: set[str]) -> int | None:
    for m in reversed(mentions):
        if m.type in types:
            return m.entity
    return None
