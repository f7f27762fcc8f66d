"""Named entities: spaCy's spans cleaned, retyped where the small model is known to err,
and grouped into one canonical entity per person, place or organisation of the article."""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc

from app.nlp import context_types, listings, non_names
from app.nlp.mentions import KEPT_LABELS, NAME_SUFFIXES, TITLES, Mention, from_span, key, split_compounds, surname
from app.nlp.places import country_name, is_capital, is_known_place, state_name
from app.nlp.text import Paragraph, Quotes
from app.nlp.types import ExtractedEntity, Span


@dataclass
class Group:
    label: str
    mentions: list[Mention] = field(default_factory=list)
    name: str = ""

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)


def add_surnames(text: str, mentions: list[Mention]) -> list[Mention]:
    """Full names and bare surnames the model missed ("Ivanka Trump, the nominee's
    daughter, noted …", "…,” Okafor said.), found again by the full names it did find.

    A capitalised word before the surname makes it another name ("Bill Clinton" is not
    "Hillary Clinton"), unless it is a title."""
    taken = _Taken((m.start, m.end) for m in mentions)
    fulls = [m for m in mentions if m.label == "PERSON" and len(m.text.split()) > 1]
    added: list[Mention] = []
    for full, s, e in _occurrences(text, {m.text for m in fulls}, after_stop=False):
        if not taken.overlaps(s, e):
            added.append(Mention(full, s, e, "PERSON"))
    taken = _Taken([(m.start, m.end) for m in mentions + added])
    surnames = {surname(m.text) for m in fulls if surname(m.text)[:1].isupper()}
    for last, s, e in _occurrences(text, surnames, after_stop=True):
        if taken.overlaps(s, e):
            continue
        # Not across a line or a full stop: "… on Sunday.\n\nSwift got" is the surname.
        before = re.search(r"([A-Z][\w.]*)[ \t]+$", text[max(0, s - 30):s])
        if before and not _ends_sentence(before.group(1)) and before.group(1).rstrip(".").casefold() not in TITLES:
            continue
        added.append(Mention(last, s, e, "PERSON"))
    return mentions + added


_WORD = re.compile(r"\w+")


def _occurrences(text: str, names: set[str], *, after_stop: bool) -> Iterator[tuple[str, int, int]]:
    """Where each name stands in the text as whole words (and, unless `after_stop`, not
    right after a full stop), name by name: one pass over the text's words for all names,
    where a regex search per name made a long article's cost the square of its length."""
    by_first: dict[str, list[tuple[str, re.Pattern[str]]]] = defaultdict(list)
    odd = []
    for name in names:
        first = _WORD.match(name)
        if first is None:
            odd.append(name)
        else:
            by_first[first.group()].append((name, re.compile(re.escape(name) + r"\b")))
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    if by_first:
        for word in _WORD.finditer(text):
            s = word.start()
            for name, pattern in by_first.get(word.group(), ()):
                if not after_stop and s > 0 and text[s - 1] == ".":
                    continue
                if (m := pattern.match(text, s)) and (not found[name] or found[name][-1][1] <= s):
                    found[name].append((s, m.end()))  # as finditer: never overlapping itself
    for name in odd:  # a name that does not begin with a letter or digit
        lead = r"\b" if after_stop else r"(?<![\w.])"
        found[name] = [x.span() for x in re.finditer(rf"{lead}{re.escape(name)}\b", text)]
    for name in names:
        for s, e in found.get(name, ()):
            yield name, s, e


class _Taken:
    """Spans of text already named, asked whether a span overlaps one: a search, not a
    scan, since a long article has thousands of both."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self.starts = [a for a, _ in ordered]
        self.reach = list(itertools.accumulate((b for _, b in ordered), max))  # furthest end so far

    def overlaps(self, s: int, e: int) -> bool:
        i = bisect.bisect_left(self.starts, e)  # the spans that start before e
        return i > 0 and self.reach[i - 1] > s


def _ends_sentence(word: str) -> bool:
    """"Sunday." ends a sentence; an initial ("W.") or a title ("Sen.") does not."""
    return word.endswith(".") and len(word.rstrip(".")) > 1 and word.rstrip(".").casefold() not in TITLES


def group(mentions: list[Mention], title_end: int) -> list[Group]:
    """One group per real-world entity of the article."""
    mentions = sorted(mentions, key=lambda m: m.start)
    groups: list[Group] = []
    by_key: dict[tuple[str, str], Group] = {}
    persons: list[tuple[tuple[str, ...], Group]] = []  # full names seen so far, in order

    def person_for(words: tuple[str, ...], before: int, surname_only: bool = False) -> Group | None:
        """The most recent full name that this shorter name is part of (a surname, usually)."""
        candidates = [
            g for full, g in persons
            if len(full) > len(words)
            and (full[-len(words):] == words or (not surname_only and full[: len(words)] == words))
        ]
        if not candidates:
            return None
        # The one named most recently before this mention; else the first named after it.
        earlier = [g for g in candidates if g.first <= before]
        return max(earlier, key=lambda g: g.first) if earlier else min(candidates, key=lambda g: g.first)

    # Shortest full names first, so that "Crooked Hillary Clinton" finds "Hillary Clinton"
    # and all full names exist before "Ibrahim" is placed.
    for m in sorted(mentions, key=lambda m: len(m.text.split())):
        if m.label == "PERSON" and len(m.text.split()) > 1:
            words = tuple(key(m.text).split())
            g = by_key.get(("PERSON", " ".join(words))) or _with_one_word_before(words, by_key)
            if g is None:
                g = Group("PERSON")
                groups.append(g)
                persons.append((_without_suffix(words), g))
            by_key[("PERSON", " ".join(words))] = g
            g.mentions.append(m)
    for m in mentions:
        if m.label == "PERSON" and len(m.text.split()) > 1:
            continue
        words = tuple(key(m.text).split())
        if m.label == "GPE" and (canonical := country_name(m.text) or state_name(m.text)):
            group_key = ("GPE", key(canonical))
        else:
            group_key = (m.label, " ".join(words))
        g = by_key.get(group_key)
        if g is None and m.label in ("PERSON", "ORG", "NORP") and len(words) <= 2:
            # A bare surname, or the small model calling a surname an ORG: the person.
            g = person_for(words, m.start)
            if g is None and is_capital(m.form):
                # "Yerevan" PERSON, "Minsk" ORG: a capital no person of the article is named after.
                m.label, group_key = "GPE", ("GPE", " ".join(words))
                g = by_key.get(group_key)
            elif g is None and m.label != "PERSON":
                g = by_key.get(("PERSON", " ".join(words)))
        elif g is None and m.label == "GPE" and len(words) == 1 and not is_known_place(m.form):
            # The small model's GPE for a surname ("Machado" after "Alicia Machado").
            g = person_for(words, m.start, surname_only=True)
        if g is None:
            g = Group(m.label)
            by_key[group_key] = g
            groups.append(g)
        g.mentions.append(m)
    for g in groups:
        g.mentions.sort(key=lambda m: m.start)
        g.name = canonical_name(g)
    return _merge_short_forms(_merge_acronyms(_merge_same_name(groups)))


def _without_suffix(words: tuple[str, ...]) -> tuple[str, ...]:
    """("james", "p", "kennedy", "jr") -> ("james", "p", "kennedy"): a bare "Kennedy" is him."""
    while len(words) > 1 and words[-1] in NAME_SUFFIXES:
        words = words[:-1]
    return words


def _with_one_word_before(words: tuple[str, ...], by_key: dict[tuple[str, str], Group]) -> Group | None:
    """The person a full name with one word more in front names: an epithet ("Crooked
    Hillary Clinton") or a first name before a surname that has a particle ("Bill de Blasio")."""
    if len(words) < 3:
        return None
    return by_key.get(("PERSON", " ".join(words[1:])))


def canonical_name(g: Group) -> str:
    if g.label == "GPE":
        # The standard name when the article writes it ("the U.S. … the United States");
        # else the article's own form ("U.S.", "N.Y."): a name it never uses is no
        # name of its text. The corpus joins both forms by the standard name.
        for m in g.mentions:
            if (name := country_name(m.text) or state_name(m.text)) and key(name) in {key(x.form) for x in g.mentions}:
                return name
    # The fullest form: most words, then the most frequent; but not a word put before the
    # name the article usually writes ("Crooked Hillary Clinton" once, "Hillary Clinton"
    # twenty times), unless that name is a surname with its particle ("de Blasio").
    counts: dict[str, int] = defaultdict(int)
    for m in g.mentions:
        counts[m.form] += 1
    candidates = [t for t in counts if not _adds_a_word_to_a_commoner_name(t, counts)] or list(counts)
    return max(candidates, key=lambda t: (len(t.split()), counts[t], -len(t)))


def _adds_a_word_to_a_commoner_name(form: str, counts: dict[str, int]) -> bool:
    rest = form.split(maxsplit=1)[1] if len(form.split()) > 2 else ""
    return bool(rest) and rest[0].isupper() and counts.get(rest, 0) > counts[form]


# Words an acronym skips: "Federal Bureau of Investigation" is FBI.
_ACRONYM_SKIPS = {"of", "the", "and", "for", "on", "in", "&"}
_BODY_LABELS = {"ORG", "GPE", "NORP", "FAC", "LOC"}


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.replace("-", " ").split() if w.casefold() not in _ACRONYM_SKIPS).upper()


def _merge_acronyms(groups: list[Group]) -> list[Group]:
    """An acronym and the name it abbreviates in the same article are one body: "the
    Democratic National Committee (DNC)", "the Associated Press" and "AP"."""
    by_initials: dict[str, Group] = {}
    for g in groups:
        if g.label == "ORG" and len(g.name.split()) > 1:
            by_initials.setdefault(_initials(g.name), g)
    out: list[Group] = []
    for g in groups:
        acronym = g.name.replace(".", "")
        full = by_initials.get(acronym) if g.label in _BODY_LABELS and 2 <= len(acronym) <= 6 else None
        if full is not None and full is not g and acronym.isupper() and acronym.isalpha():
            full.mentions.extend(g.mentions)
            full.mentions.sort(key=lambda m: m.start)
        else:
            out.append(g)
    return out


# "Justice Department" is the "Department of Justice".
_DEPARTMENT = re.compile(r"^(\w+) (department|ministry)$")


def _body_key(name: str) -> str:
    k = key(name)
    return _DEPARTMENT.sub(r"\2 of \1", k)


def _merge_same_name(groups: list[Group]) -> list[Group]:
    merged: dict[tuple[str, str], Group] = {}
    out: list[Group] = []
    for g in groups:
        name_key = (g.label, _body_key(g.name))
        if name_key in merged:
            merged[name_key].mentions.extend(g.mentions)
            merged[name_key].mentions.sort(key=lambda m: m.start)
        else:
            merged[name_key] = g
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


def extract(text: str, parsed: list[tuple[Paragraph, Doc]], quotes: Quotes,
            body_end: int | None = None) -> list[ExtractedEntity]:
    """The article's canonical entities, most salient first; the first line is its title
    when more follow. A byline from `body_end` on names the author, not someone in the news."""
    body_end = len(text) if body_end is None else body_end
    title_end = parsed[0][0].end if len(parsed) > 1 else 0
    mentions = []
    for para, doc in parsed:
        if para.start >= body_end:
            continue
        for ent in doc.ents:
            if ent.label_ in KEPT_LABELS and (m := from_span(text, ent, para.start)):
                mentions.append(m)
    mentions = listings.with_places(text, mentions)
    retyped = context_types.retype(text, split_compounds(text, mentions))
    mentions = [m for m in add_surnames(text, retyped) if m.start < body_end]
    mentions = non_names.without_non_names(text, mentions, quotes)
    for m in mentions:
        m.in_quote = quotes.containing(m.start, m.end) is not None
    groups = group(mentions, title_end)
    return to_extracted(groups, len(text), title_end)


# Words after a company's name that say what kind of body it is, not which.
_CORPORATE = {"inc", "corp", "corporation", "co", "company", "ltd", "llc", "plc", "group", "holdings", "ag", "sa"}
_WEB_SUFFIX = re.compile(r"\.(?:com|org|net|co\.uk)$", re.IGNORECASE)


def _core(name: str) -> list[str]:
    """A body's name without its corporate suffixes: "SoftBank Group Corp" -> ["SoftBank"],
    "Edmunds.com" -> ["Edmunds"]."""
    words = [_WEB_SUFFIX.sub("", w) for w in name.split()]
    while len(words) > 1 and words[-1].rstrip(".,").casefold() in _CORPORATE:
        words.pop()
    return words


def _merge_short_forms(groups: list[Group]) -> list[Group]:
    """A one-word body that is the short form of a longer one of the article is that body:
    "SoftBank" of "SoftBank Group Corp", "Disney" of "Walt Disney Co.", "Edmunds" of
    "Edmunds.com", "the Statehouse" of "the Indiana Statehouse". Only when one longer
    name fits."""
    # Each body's short forms once, so a long article's bodies are not compared pairwise.
    by_short: dict[str, list[Group]] = {}
    for b in groups:
        if b.label in _BODY_LABELS:
            for short in _short_forms(b.name):
                by_short.setdefault(short, []).append(b)
    out: list[Group] = []
    for g in groups:
        if g.label not in _BODY_LABELS or len(g.name.split()) != 1:
            out.append(g)
            continue
        fits = [b for b in by_short.get(key(g.name), ()) if b is not g]
        if len(fits) == 1:
            fits[0].mentions.extend(g.mentions)
            fits[0].mentions.sort(key=lambda m: m.start)
        else:
            out.append(g)
    return out


def _short_forms(name: str) -> set[str]:
    """The one word that may stand for a body's name: the first or last of its core when
    the name has a suffix ("SoftBank" of "SoftBank Group Corp"), its last word after a
    place ("Statehouse" of "Indiana Statehouse")."""
    core = [key(w) for w in _core(name)]
    words = [key(w) for w in name.split()]
    forms = {core[0], core[-1]} if core and core != words else set()
    if len(words) > 1 and is_known_place(" ".join(name.split()[:-1])):
        forms.add(words[-1])
    return forms
