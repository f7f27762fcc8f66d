"""Named entities: spaCy's spans cleaned, retyped where the small model is known to err,
and grouped into one canonical entity per person, place or organisation of the article."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

import pycountry
from spacy.tokens import Doc
from spacy.tokens import Span as SpacySpan

from app.nlp.text import Paragraph, Quotes
from app.nlp.types import ExtractedEntity, Span

KEPT_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"}
_LEADING = re.compile(r"^(?:the|The|THE|a|A|an|An)\s+")
_DEMONYM_ENDINGS = ("an", "ans", "ese", "ish", "i", "is", "ic", "ist", "ists", "ite", "ites")
_REGION_WORDS = {"north", "south", "east", "west", "central", "northern", "southern", "eastern", "western",
                 "middle", "upper", "lower", "greater"}
_RUN_ON = re.compile(r"\s(?:[()\[\]]|[-–—]|at|v|vs\.?)(?=\s)|\s\d[\d./:-]*(?:st|nd|rd|th)?\b")
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_EDGE_PUNCT = " \t\n.,;:!?\"“”‘’'()[]{}-—–"
_TITLES = {
    "mr", "mrs", "ms", "dr", "sir", "president", "senator", "sen", "rep", "gov", "governor", "minister",
    "prime", "secretary", "ambassador", "judge", "mayor", "general", "gen", "pope", "king", "queen",
    "prince", "chancellor", "speaker", "leader", "chairman", "chief", "director", "candidate", "former",
}

# Short forms the country list does not carry, and names it carries in another form.
_COUNTRY_ALIASES = {
    "us": "United States", "u.s.": "United States", "u.s": "United States", "usa": "United States",
    "u.s.a.": "United States", "united states": "United States", "united states of america": "United States",
    "america": "United States", "uk": "United Kingdom", "u.k.": "United Kingdom", "britain": "United Kingdom",
    "great britain": "United Kingdom", "united kingdom": "United Kingdom", "russia": "Russia",
    "russian federation": "Russia", "iran": "Iran", "syria": "Syria", "south korea": "South Korea",
    "north korea": "North Korea", "vietnam": "Vietnam", "laos": "Laos", "the netherlands": "Netherlands",
    "holland": "Netherlands", "czech republic": "Czechia", "ivory coast": "Côte d'Ivoire", "taiwan": "Taiwan",
    "palestine": "Palestine", "vatican": "Vatican City", "soviet union": "Soviet Union", "ussr": "Soviet Union",
    "european union": None, "eu": None,
}
_DEMONYMS = {
    "american", "americans", "british", "english", "scottish", "welsh", "irish", "french", "german", "germans",
    "dutch", "swiss", "greek", "chinese", "japanese", "vietnamese", "israeli", "israelis", "iraqi", "iraqis",
    "pakistani", "afghan", "thai", "filipino", "turkish", "turk", "turks", "spanish", "polish", "danish", "swedish",
    "finnish", "norwegian", "russian", "russians", "ukrainian", "ukrainians", "iranian", "iranians", "syrian",
    "syrians", "saudi", "saudis", "palestinian", "palestinians", "mexican", "mexicans", "canadian", "korean",
    "indian", "african", "european", "europeans", "arab", "arabs", "muslim", "muslims", "christian", "christians",
    "jewish", "jews", "democrat", "democrats", "democratic", "republican", "republicans", "latino", "latinos",
    "hispanic", "asian", "kurdish", "kurds", "azerbaijani", "azerbaijanis", "armenian", "armenians", "georgian",
    "egyptian", "libyan", "cuban", "brazilian", "argentine", "australian", "italian", "portuguese", "belgian",
    "austrian", "hungarian", "czech", "romanian", "serbian", "croatian", "nigerian", "kenyan", "ethiopian",
    "somali", "sudanese", "lebanese", "jordanian", "yemeni", "qatari", "emirati", "kuwaiti", "catholic",
    "catholics", "sunni", "shiite", "shia", "hindu", "buddhist", "conservative", "liberal", "liberals",
}


@cache
def _countries() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        canonical = getattr(country, "common_name", None) or country.name
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names[value.casefold()] = canonical
    for alias, canonical in _COUNTRY_ALIASES.items():
        if canonical is None:
            names.pop(alias, None)
        else:
            names[alias] = canonical
    return names


def country_name(text: str) -> str | None:
    return _countries().get(_LEADING.sub("", text).casefold().strip())


@cache
def _derived_demonyms() -> frozenset[str]:
    """People's names made from country names by the usual endings (Rwanda -> Rwandan,
    Pakistan -> Pakistani, Japan -> Japanese, Sweden -> Swede): a superset, harmless
    since only words the model took for entities are looked up."""
    out: set[str] = set()
    for name in _countries():
        if " " in name or len(name) < 4:
            continue
        stems = {name, name[:-1]} | ({name[:-2]} if name.endswith(("ia", "en", "ey")) else set())
        for stem in stems:
            for ending in ("n", "an", "ian", "i", "ese", "ish", "e", "ic"):
                out.add(stem + ending)
    return frozenset(out | {w + "s" for w in out})


def is_demonym(text: str) -> bool:
    folded = text.casefold()
    return folded in _DEMONYMS or (folded not in _countries() and folded in _derived_demonyms())


@dataclass
class Mention:
    text: str
    start: int
    end: int
    label: str
    in_quote: bool = False


@dataclass
class Group:
    label: str
    mentions: list[Mention] = field(default_factory=list)
    name: str = ""

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)


def clean(text: str, span: SpacySpan, offset: int) -> Mention | None:
    """The entity's words alone: no leading article, possessive, or edge punctuation."""
    start, end = offset + span.start_char, offset + span.end_char
    if "\n" in text[start:end]:
        return None
    surface = text[start:end]
    if m := _LEADING.match(surface):
        start += m.end()
    surface = text[start:end]
    if m := _POSSESSIVE.search(surface):
        end -= len(m.group())
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        if text[end - 1] == "." and re.search(r"(?:\b[A-Z]\.)+$", text[start:end]):
            break  # an abbreviation keeps its dot: U.S.
        end -= 1
    if end <= start or not any(c.isalpha() for c in text[start:end]):
        return None
    # The model runs names into what follows them in tables and lists ("Gordon Durie
    # 75th", "Olabisi Afolabi ( Nigeria", "BRITAIN - Gilts", "Yorkshire at Headingley").
    if cut := _RUN_ON.search(text, start + 1, end):
        end = cut.start()
        while end > start and text[end - 1] in _EDGE_PUNCT:
            end -= 1
        if end <= start:
            return None
    words = text[start:end].split()
    # Titles before a name are not part of it ("President Donald Trump").
    if span.label_ == "PERSON":
        while len(words) > 1 and words[0].rstrip(".").casefold() in _TITLES:
            start += text[start:end].index(words[1], len(words[0]))
            words = words[1:]
    return Mention(text[start:end], start, end, retype(text[start:end], span.label_))


def retype(surface: str, label: str) -> str:
    if country_name(surface):
        return "GPE"
    if is_demonym(surface) and label in ("PERSON", "ORG", "GPE", "NORP"):
        return "NORP"
    if label == "NORP" and not surface.casefold().endswith(_DEMONYM_ENDINGS):
        # The small model's NORP for names that are no people's name: places and bodies.
        first = surface.split()[0].casefold()
        return "LOC" if first in _REGION_WORDS else "ORG"
    return label


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def add_surnames(text: str, mentions: list[Mention]) -> list[Mention]:
    """Bare surnames the model missed ("…,” Okafor said.), found again by their full names.

    A capitalised word before the surname makes it another name ("Bill Clinton" is not
    "Hillary Clinton"), unless it is a title."""
    taken = sorted((m.start, m.end) for m in mentions)
    fulls = [m for m in mentions if m.label == "PERSON" and len(m.text.split()) > 1]
    surnames = {m.text.split()[-1] for m in fulls if m.text.split()[-1][:1].isupper()}
    added: list[Mention] = []
    for surname in surnames:
        for found in re.finditer(rf"\b{re.escape(surname)}\b", text):
            s, e = found.span()
            if any(a < e and s < b for a, b in taken):
                continue
            before = re.search(r"([A-Z][\w.]*)\s+$", text[max(0, s - 30):s])
            if before and before.group(1).rstrip(".").casefold() not in _TITLES:
                continue
            added.append(Mention(surname, s, e, "PERSON"))
    return mentions + added


def group(mentions: list[Mention], title_end: int) -> list[Group]:
    """One group per real-world entity of the article."""
    mentions = sorted(mentions, key=lambda m: m.start)
    groups: list[Group] = []
    by_key: dict[tuple[str, str], Group] = {}
    persons: list[tuple[tuple[str, ...], Group]] = []  # full names seen so far, in order

    def person_for(words: tuple[str, ...], before: int) -> Group | None:
        """The most recent full name that this shorter name is part of (a surname, usually)."""
        candidates = [
            g for full, g in persons
            if len(full) > len(words) and (full[-len(words):] == words or full[: len(words)] == words)
        ]
        if not candidates:
            return None
        # The one named most recently before this mention; else the first named after it.
        earlier = [g for g in candidates if g.first <= before]
        return max(earlier, key=lambda g: g.first) if earlier else min(candidates, key=lambda g: g.first)

    # Longest names first so that "Khazar Ibrahim" exists before "Ibrahim" is placed.
    for m in sorted(mentions, key=lambda m: -len(m.text.split())):
        if m.label == "PERSON" and len(m.text.split()) > 1:
            words = tuple(_key(m.text).split())
            g = by_key.get(("PERSON", " ".join(words)))
            if g is None:
                g = Group("PERSON")
                by_key[("PERSON", " ".join(words))] = g
                groups.append(g)
                persons.append((words, g))
            g.mentions.append(m)
    for m in mentions:
        if m.label == "PERSON" and len(m.text.split()) > 1:
            continue
        words = tuple(_key(m.text).split())
        if m.label == "GPE" and (canonical := country_name(m.text)):
            key = ("GPE", _key(canonical))
        else:
            key = (m.label, " ".join(words))
        g = by_key.get(key)
        if g is None and m.label in ("PERSON", "ORG", "NORP") and len(words) <= 2:
            # A bare surname, or the small model calling a surname an ORG: the person.
            g = person_for(words, m.start)
            if g is None and m.label != "PERSON":
                g = by_key.get(("PERSON", " ".join(words)))
        if g is None:
            g = Group(m.label)
            by_key[key] = g
            groups.append(g)
        g.mentions.append(m)
    for g in groups:
        g.mentions.sort(key=lambda m: m.start)
        g.name = canonical_name(g)
    return _merge_same_name(groups)


def canonical_name(g: Group) -> str:
    if g.label == "GPE":
        for m in g.mentions:
            if name := country_name(m.text):
                return name
    # The fullest form: most words, then the most frequent.
    counts: dict[str, int] = defaultdict(int)
    for m in g.mentions:
        counts[m.text] += 1
    return max(counts, key=lambda t: (len(t.split()), counts[t], -len(t)))


def _merge_same_name(groups: list[Group]) -> list[Group]:
    merged: dict[tuple[str, str], Group] = {}
    out: list[Group] = []
    for g in groups:
        key = (g.label, _key(g.name))
        if key in merged:
            merged[key].mentions.extend(g.mentions)
            merged[key].mentions.sort(key=lambda m: m.start)
        else:
            merged[key] = g
            out.append(g)
    return out


def salience(g: Group, text_length: int, title_end: int, max_count: int) -> float:
    """How central the entity is: how often it is named, how early, and whether the title names it."""
    count = len(g.mentions)
    frequency = count / max_count if max_count else 0.0
    earliness = 1.0 - g.first / max(text_length, 1)
    in_title = 1.0 if any(m.start < title_end for m in g.mentions) else 0.0
    return round(min(1.0, 0.6 * frequency + 0.25 * earliness + 0.15 * in_title), 4)


def to_extracted(groups: list[Group], text_length: int, title_end: int) -> list[ExtractedEntity]:
    max_count = max((len(g.mentions) for g in groups), default=0)
    scored = [(salience(g, text_length, title_end, max_count), g) for g in groups]
    scored.sort(key=lambda pair: (-pair[0], pair[1].first))
    return [
        ExtractedEntity(
            name=g.name,
            type=g.label,
            mentions=tuple(Span(m.text, m.start, m.end) for m in g.mentions),
            salience=s,
        )
        for s, g in scored
    ]


def extract(text: str, parsed: list[tuple[Paragraph, Doc]], quotes: Quotes) -> list[ExtractedEntity]:
    """The article's canonical entities, most salient first; the first line is its title
    when more follow."""
    title_end = parsed[0][0].end if len(parsed) > 1 else 0
    mentions = []
    for para, doc in parsed:
        for ent in doc.ents:
            if ent.label_ in KEPT_LABELS and (m := clean(text, ent, para.start)):
                mentions.append(m)
    mentions = add_surnames(text, mentions)
    for m in mentions:
        m.in_quote = quotes.containing(m.start, m.end) is not None
    groups = group(mentions, title_end)
    return to_extracted(groups, len(text), title_end)
