"""Types decided over the whole article: what one mention's label cannot tell, the other
mentions of the same name, and the names around it, can.

The small model types a name it has not seen by its shape and a few words around it, so
the same "Ubisoft" comes out PERSON in one sentence and GPE in the next, a company is a
place ("Netflix" GPE) and a person is a body ("Marcelo Claure" ORG). Each step below
undoes one of these with evidence from the article itself or from lists of places.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from app.nlp.mentions import TITLES, Mention, is_org_name, key, surname
from app.nlp.places import country_name, is_place_name, region_name

# Labels one name can wrongly flip between; NORP, events and works keep theirs.
_NAME_TYPES = ("ORG", "PERSON", "GPE", "LOC", "FAC")
# A tie goes to the type the small model gives least readily to a name it has not seen.
_TIE_ORDER = {"ORG": 0, "PERSON": 1, "LOC": 2, "FAC": 3, "GPE": 4}
# "SpaceX", "WeWork", "YouTube": a capital inside a word; people's names have one only
# after a prefix ("McDonald", "DeVos", "O'Brien", "LaGuardia", "MacKenzie").
_INNER_CAPITAL = re.compile(r"^(?!Mc|Mac|De|Di|Da|Du|La|Le|Van|Von|O['’]|D['’])[A-Z]?[a-z]+[A-Z]")

_BASED = re.compile(r"-based\b")
_PLACE_TYPES = ("GPE", "LOC", "FAC")
# Titles that go before a body or a place as readily as before a person.
_ALSO_BEFORE_BODIES = frozenset({"former", "acting", "deputy", "vice", "chief", "founder", "leader", "general"})
_WHO_AFTER = re.compile(r",?\s+who\s")
_WORD_BEFORE = re.compile(r"(\w+)\.?\s+$")

# Words that put a place after them ("in Mahala", "village of Mahala"), and a place
# written with its region after it ("Addison, N.Y.", "Lockerbie, Scotland"): a small
# town no list of places holds is still a place there.
_PLACE_BEFORE = re.compile(r"\b(?:in|at|near|from|outside|of|to|into|across|around|towards?)\s+$")
_PLACE_AFTER = re.compile(r"\s*,\s+([A-Z][\w.]*(?:\s[A-Z][\w.]*)?)")


def retype(text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions, their labels made consistent across the article (changed in place)."""
    for m in mentions:
        if m.label in ("PERSON", "GPE") and _INNER_CAPITAL.match(m.text) and " " not in m.text:
            m.label = "ORG"
    # "Figgins, who represents Thomas", "Mr. Figgins": whatever else the model says.
    marked = {key(m.text) for m in mentions if m.label in _NAME_TYPES and _marked_person(text, m)}
    _without_orphans(text, mentions, marked)
    people = _people(mentions)
    # A name the article once writes as a place ("the village of Mahala") is one throughout.
    placed = {key(m.text) for m in mentions if m.label == "GPE" and (_is_place(m) or _placed(text, m))}
    for m in mentions:
        if m.label == "GPE" and key(m.text) not in placed:
            # "Netflix", "Lucasfilm": no list of places knows them. A surname of the
            # article's people is that person; anything else is a body.
            m.label = "PERSON" if key(m.text) in people else "ORG"
    for m in mentions:
        if m.label == "ORG" and " " not in m.text and _is_place(m) and (_placed(text, m) or _BASED.match(text, m.end)):
            m.label = "GPE"  # "of Addison, a village", "an Amritsar-based agent"
    _vote(mentions)
    for m in mentions:
        if key(m.text) in marked and m.label in _NAME_TYPES:
            m.label = "PERSON"
    people = _people(mentions)
    for m in mentions:
        words = m.text.split()
        if m.label in ("ORG", "GPE", "FAC") and 1 < len(words) <= 3 and key(surname(m.text)) in people \
                and not is_org_name(m.text) and not is_place_name(m.text):
            # "Marcelo Claure" ORG where "Claure" is a person of the article.
            m.label = "PERSON"
    return mentions


def _marked_person(text: str, m: Mention) -> bool:
    return m.listed or bool(_WHO_AFTER.match(text, m.end)) or ((title := _title_before(text, m)) is not None and (
        m.label == "PERSON"
        # "FTC chair Lina Park" as a place: a full name after an office is a person's,
        # unless a list of places knows it. Not a body ("former Goldman Sachs").
        or (m.label in _PLACE_TYPES and " " in m.text.strip() and not _is_place(m)
            and title not in _ALSO_BEFORE_BODIES)))


def _without_orphans(text: str, mentions: list[Mention], marked: set[str]) -> None:
    """A one-word PERSON that is no part of a full name of the article, and that no title
    or "who" marks as a person, is a place if a list of places knows it, else a body:
    news names a person in full first, so a lone "Twitter", "Universal" or "Spurs" the
    model calls a person is not one."""
    in_names = {key(word) for m in mentions if m.label == "PERSON" for word in m.text.split()[:-1] or ()}
    # The surname of a full name, whatever the model typed it as ("Ines Varrow" ORG).
    in_names |= {key(surname(m.text)) for m in mentions if m.label in _NAME_TYPES and " " in m.text.strip()
                 and not is_org_name(m.text) and not is_place_name(m.text)}
    for m in mentions:
        k = key(m.text)
        if m.label == "PERSON" and " " not in m.text.strip() and k not in in_names and k not in marked:
            m.label = "GPE" if _is_place(m) else "ORG"


def _title_before(text: str, m: Mention) -> str | None:
    """The title written right before the name ("chair" of "FTC chair Lina Park"), if any."""
    before = _WORD_BEFORE.search(text[max(0, m.start - 20):m.start])
    word = before.group(1).casefold() if before is not None else None
    return word if word in TITLES else None


def _placed(text: str, m: Mention) -> bool:
    if _PLACE_BEFORE.search(text[max(0, m.start - 12):m.start]):
        return True
    after = _PLACE_AFTER.match(text[m.end:m.end + 40])
    if after is None:
        return False
    names = (after.group(1), after.group(1).split()[0])
    return any(is_place_name(name) or region_name(name) or country_name(name) for name in names)


def _is_place(m: Mention) -> bool:
    return any(is_place_name(form) or country_name(form) or region_name(form)
               for form in {m.form, m.text, m.form.title()})


def _people(mentions: list[Mention]) -> set[str]:
    """Keys of the article's people: their names, and the surnames of the full ones."""
    out: set[str] = set()
    for m in mentions:
        if m.label == "PERSON":
            out.add(key(m.text))
            if len(m.text.split()) > 1:
                out.add(key(surname(m.text)))
    return out


def _vote(mentions: list[Mention]) -> None:
    """Every mention of one name takes the type most of them have."""
    by_name: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.label in _NAME_TYPES:
            by_name[key(m.text)].append(m)
    # A full name's type is a vote for its surname's ("Louis Farrakhan" … "Farrakhan").
    surname_votes: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        if m.label == "PERSON" and len(m.text.split()) > 1:
            surname_votes[key(surname(m.text))]["PERSON"] += 1
    for name, same in by_name.items():
        counts = Counter(m.label for m in same) + surname_votes.get(name, Counter())
        if len(counts) > 1:
            # A tie between person and body: a full name ("Scooter Braun") is the person.
            full = " " in name
            label = min(counts, key=lambda t: (-counts[t], -1 if full and t == "PERSON" else _TIE_ORDER[t]))
            for m in same:
                m.label = label
