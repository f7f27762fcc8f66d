"""The fullest entity a source's name stands for, when the entities of an article leave
one person in two: a bare surname the small model typed apart from the full name
("Claure" ORG beside "Marcelo Claure"), a surname before "Jr." ("Kennedy" and "James P.
Kennedy Jr."), or a name with a description run into it ("Browns DL Sheldon
Richardson" beside "Sheldon Richardson"). A speaker is then named as the article names
the person in full."""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Protocol

from app.nlp.mentions import is_name
from app.nlp.places import is_known_place

# Types the small model gives a person's name: a surname typed ORG is common (and GPE,
# for a surname no place is called).
_PERSONISH = {"PERSON", "ORG"}

# A word before a surname that describes rather than names: a participle or a rank
# ("Hosting Cook", "14th-ranked Schwartzman").
_DESCRIBES = re.compile(r"(?:ing|ed)$|\d", re.IGNORECASE)


class Located(Protocol):
    """An entity's mention where it stands in the text (speakers.EntityMention), read-only."""

    @property
    def entity(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def _words(form: str) -> list[str]:
    """A name's words, without a possessive or a suffix ("Jr.") at the end."""
    words = form.replace("’s", "").replace("'s", "").split()
    while len(words) > 1 and not is_name(words[-1]):
        words.pop()
    return words


def _looks_like_a_persons_name(words: list[str]) -> bool:
    return 2 <= len(words) <= 4 and all(
        w[:1].isupper() and w.replace(".", "").replace("-", "").isalpha() for w in words)


def by_surname(surname: str, mentions: Sequence[Located], text: str, at: int) -> int | None:
    """The person whose full name ends in `surname`, for a surname the model left out of
    its entities ("Swift got …" after a sentence ending in "Sunday."; "Schwartzman"
    typed PRODUCT): the one named last before `at`, else the first after."""
    found = [(m.start, m.entity) for m in mentions if m.type in _PERSONISH
             and len(words := _words(text[m.start:m.end])) > 1 and words[-1] == surname
             and _looks_like_a_persons_name(words)]
    earlier = [f for f in found if f[0] < at]
    if earlier:
        return max(earlier)[1]
    return min(found)[1] if found else None


@dataclass(frozen=True, slots=True)
class Names:
    """Each entity's fullest name (its words), type and mention positions: read once an
    article, since every source's name is looked up in them."""

    forms: dict[int, list[str]]
    types: dict[int, str]
    firsts: dict[int, list[int]]
    # The entities named as a person is (by type and form), by their name's last word
    by_last: dict[str, list[int]]

    @classmethod
    def of(cls, mentions: Sequence[Located], text: str) -> Names:
        forms: dict[int, list[str]] = {}
        types: dict[int, str] = {}
        firsts: dict[int, list[int]] = {}
        for m in mentions:
            words = _words(text[m.start:m.end])
            if len(words) > len(forms.get(m.entity, [])):
                forms[m.entity] = words
            types[m.entity] = m.type
            firsts.setdefault(m.entity, []).append(m.start)
        by_last: dict[str, list[int]] = {}
        for entity, words in forms.items():
            if types[entity] in _PERSONISH and _looks_like_a_persons_name(words):
                by_last.setdefault(words[-1], []).append(entity)
        return cls(forms, types, firsts, by_last)


def fuller(entity: int, names: Names, at: int) -> int:
    """The entity of the fuller name the same person goes by, or `entity` itself. When
    several fit, the one named last before `at`, else the first named after it."""
    forms, types, firsts = names.forms, names.types, names.firsts
    own = forms.get(entity)
    if not own or not (types.get(entity) in _PERSONISH or (len(own) == 1 and not is_known_place(own[0]))):
        return entity  # "Claure" typed GPE is a surname; "Jordan" may be the country
    candidates = []
    for other in names.by_last.get(own[-1], ()):  # either kind of match below ends the same
        words = forms[other]
        if other == entity:
            continue
        if types[other] == "ORG" and types[entity] != "PERSON" and len(own) > 1:
            continue
        if words[-1] == own[-1] and (len(own) == 1 or all(_DESCRIBES.search(w) for w in own[:-1])):
            candidates.append(other)  # a bare surname, or one after a participle ("Hosting Cook")
        elif len(own) > len(words) and own[-len(words):] == words:
            candidates.append(other)  # the name with words run in front of it
    if not candidates:
        return entity
    earlier = [(max(p for p in firsts[c] if p < at), c) for c in candidates if min(firsts[c]) < at]
    if earlier:
        return max(earlier)[1]
    return min(candidates, key=lambda c: min(firsts[c]))


# After a name, what only a person has: an age (", 55,") or a role in apposition
# (", an economist at …", ", the company's chief executive,").
_PERSON_AFTER = re.compile(r",\s+(?:\d{1,3}\s*[,)]|(?:a|an|the)\s+(?P<words>(?:[\w’'-]+\s+){0,3}[\w’'-]+))")


def people(mentions: Sequence[Located], text: str, roles: AbstractSet[str]) -> set[int]:
    """The entities that are people: those typed PERSON, and names the small model typed
    ORG that the article writes as a person's, with an age or a role (one of `roles`)
    after them, or with the surname of someone typed PERSON."""
    out = {m.entity for m in mentions if m.type == "PERSON"}
    surnames = {_words(text[m.start:m.end])[-1] for m in mentions if m.type == "PERSON"}
    for m in mentions:
        if m.type != "ORG" or m.entity in out:
            continue
        words = _words(text[m.start:m.end])
        if not (_looks_like_a_persons_name(words) or (len(words) == 1 and words[0] in surnames)):
            continue
        after = _PERSON_AFTER.match(text, m.end, min(len(text), m.end + 80))
        role = after is not None and (after.group("words") is None or bool(roles & set(after.group("words").split())))
        if words[-1] in surnames or role:
            out.add(m.entity)
    return out
