"""Entity mentions: spaCy's spans cut down to the name they hold, retyped where the small
model is known to err, and dropped when no name is left.

Each step below undoes one way the small model gets a span wrong on real news: quotation
marks, tables and possessives run into names, lowercase words and determiners lead them,
titles precede people, and words that are no names at all ("n’t", "state", "pro-Russian",
markup pasted from tweets) come out as entities.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan

from app.nlp.lexicons import words
from app.nlp.places import country_name, is_demonym, is_known_place, is_state_abbreviation, is_territory, state_name

KEPT_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW", "LANGUAGE"}

# Matched from a position: no "^", which would hold only at the start of the whole text.
_LEADING_ARTICLE = re.compile(r"(?:The|THE|A|An)\s+")
_DEMONYM_ENDINGS = ("an", "ans", "ese", "ish", "i", "is", "ic", "ist", "ists", "ite", "ites")
_REGION_WORDS = {"north", "south", "east", "west", "central", "northern", "southern", "eastern", "western",
                 "middle", "upper", "lower", "greater"}
_RUN_ON = re.compile(r"\s(?:[()\[\]]|[-–—]|at|v|vs\.?)(?=\s)|\s\d[\d./:-]*(?:st|nd|rd|th)?\b")
_QUOTE_MARKS = re.compile(r"[\"“”‘«»]")
_POSSESSIVE_END = re.compile(r"(?:['’]s|['’])$")
# "Breitbart’s Joel Pollak", "Citizens’ Council": the possessor ends before the marker.
_POSSESSIVE_INNER = re.compile(r"(?<=\w)(?:['’]s|(?<=s)['’])\s+")
# "U.S.-China", "Armenia–Azerbaijan": two names joined by one hyphen or dash.
_COUNTRY_PAIR = re.compile(r"[^-–—]+")
_EDGE_PUNCT = " \t\n\xa0.,;:!?\"“”‘’'()[]{}-—–―‒/|*•·"
_MARKUP = re.compile(r"[<>=]|://|^www\.|^https?\b")
_CONTRACTION = re.compile(r"^I['’]\w{1,2}$")
_LOWERCASE_WORD = re.compile(r"([a-z]+)\s+(?=\S)")
_TRAILING_LOWERCASE = re.compile(r"(?:\s+[a-z][a-z-]*)+$")
_STRAY_S = re.compile(r"s\s+")
# Names end in a capitalised word; the small model runs people and bodies into the noun
# after them ("Trump administration", "Clinton campaign").
_NAME_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"}
# Lowercase words that do belong to names: "bin Laden", "de Blasio", "van Gogh".
_NAME_PARTICLES = {"de", "da", "di", "du", "del", "della", "der", "den", "van", "von", "bin", "ibn", "al", "el",
                   "le", "la", "dos", "das", "ter", "ben", "abu"}
# "pro-Russian", "anti-Muslim", "un-American" name a stance, not a group.
_STANCE_PREFIX = re.compile(r"^(?:pro|anti|non|post|pre|un|ultra|neo|mid|ex|self)-\S+$")
NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
# A dot that ends one of these belongs to the word: "Jr.", "Inc.", "Va.".
_ABBREVIATIONS = {"Jr", "Sr", "Inc", "Co", "Corp", "Ltd", "St", "Bros"}
TITLES = words("titles")  # before a name: cut from it, and a person's
# The last word of a name that only organisations carry: "Peter G. Peterson Foundation",
# "Brennan Center" come out of the small model as people. ("Post" is left out: it is a
# surname too.)
_ORG_HEADS = {
    "foundation", "institute", "university", "party", "committee", "company", "corporation", "inc", "corp",
    "center", "centre", "council", "association", "department", "agency", "fund", "bank", "college",
    "school", "network", "administration", "commission", "ministry", "club", "society", "court", "senate",
    "congress", "journal", "news", "times", "group", "campaign", "coalition", "caucus",
    # Companies and clubs: "Dick Clark Productions", "Tequila Works", "Manchester United".
    "productions", "works", "studios", "entertainment", "interactive", "records", "pictures", "media",
    "airlines", "motors", "labs", "technologies", "systems", "united", "fc",
}
# The last word of a name that only buildings and grounds carry: the small model takes
# "Michoud Assembly Facility" for a body and "Ryman Arena" for a person.
_FACILITY_HEADS = {
    "facility", "statehouse", "capitol", "arena", "stadium", "airport", "amphitheatre", "amphitheater",
    "pavilion", "bridge", "auditorium",
}


@dataclass
class Mention:
    text: str
    start: int
    end: int
    label: str
    in_quote: bool = False
    # How the name is written where the text shouts it: "Oslo" for a dateline's "OSLO".
    form: str = ""
    # Typed by where a listing puts it (a scorecard's bowler), which no context overrules.
    listed: bool = False

    def __post_init__(self) -> None:
        self.form = self.form or self.text


Bounds = tuple[int, int]


def from_span(text: str, span: SpacySpan, offset: int) -> Mention | None:
    """The name a spaCy entity span holds, with its offsets into `text`; None if it holds none."""
    start, end = offset + span.start_char, offset + span.end_char
    surface = text[start:end]
    if "\n" in surface or _MARKUP.search(surface):
        return None
    steps = [_before_quote_marks, _before_run_on, _trim, _without_leading_words]
    if span.label_ in _NAME_LABELS:
        steps.append(_without_trailing_lowercase)
    steps.append(_without_possessive)
    if span.label_ == "PERSON":
        steps.append(_without_titles)
    bounds: Bounds = (start, end)
    bounds_before_tail = bounds
    for step in steps:
        stepped = step(text, *bounds)
        if stepped is None:
            return None
        if step is _without_trailing_lowercase:
            bounds_before_tail = bounds
        bounds = stepped
    start, end = bounds
    surface = text[start:end]
    if not is_name(surface) or _common_opening(span, offset, start, end, bounds_before_tail):
        return None
    # The parser's text differs in case only; its form is the name's where the article
    # shouts it ("OSLO"), and a name lowered for the parser stays as the article writes it.
    form = span.doc.text[start - offset:end - offset] if surface.isupper() else surface
    return Mention(surface, start, end, retype(form, span.label_), form=form)


def _common_opening(span: SpacySpan, offset: int, start: int, end: int, before_tail: Bounds) -> bool:
    """"New county figures show …": the model took a sentence's first words for a place,
    and without its lowercase words what is left is the capital of a common word that opens
    the sentence ("New"), no name."""
    first = span[0]
    return (end < before_tail[1] and start == offset + first.idx and end == start + len(first)
            and bool(first.is_sent_start) and first.pos_ != "PROPN")


def _trim(text: str, start: int, end: int) -> Bounds | None:
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        if text[end - 1] == "." and _keeps_its_dot(text[start:end - 1]):
            break
        end -= 1
    return (start, end) if end > start else None


def _keeps_its_dot(before: str) -> bool:
    words = before.split()
    last = words[-1] if words else ""
    return bool(re.search(r"(?:\b[A-Z]\.)*\b[A-Z]$", before)) or last in _ABBREVIATIONS or (
        is_state_abbreviation(last + ".") and before == last
    )


def _before_quote_marks(text: str, start: int, end: int) -> Bounds | None:
    """'Christie “New Jersey’s Biggest Loser' -> 'Christie'; 'paranoia,”Clinton' -> 'Clinton'."""
    cuts = [m.start() for m in _QUOTE_MARKS.finditer(text, start, end)]
    if not cuts:
        return start, end
    edges = [start - 1, *cuts, end]
    for left, right in itertools.pairwise(edges):
        piece = _trim(text, left + 1, right)
        if piece and any(c.isupper() for c in text[piece[0]:piece[1]]):
            return piece
    return None


def _before_run_on(text: str, start: int, end: int) -> Bounds | None:
    """The model runs names into what follows them in tables and lists ("Gordon Durie
    75th", "Olabisi Afolabi ( Nigeria", "BRITAIN - Gilts", "Yorkshire at Headingley")."""
    if cut := _RUN_ON.search(text, start + 1, end):
        return _trim(text, start, cut.start())
    return start, end


def _without_leading_words(text: str, start: int, end: int) -> Bounds | None:
    """No article, determiner or other lowercase word before a name ("the United Nations",
    "her State Department", "federal Securities and Exchange Commission"); name particles
    stay ("bin Laden")."""
    if m := _LEADING_ARTICLE.match(text, start, end):
        start = m.end()
    while m := _LOWERCASE_WORD.match(text, start, end):
        if m.group(1) in _NAME_PARTICLES:
            break
        start = m.end()
    # "Clinton’s" tokenised as "Clinton’" + "s Note": the stray "s" is no word of the name.
    if start > 0 and text[start - 1] in "'’" and (m := _STRAY_S.match(text, start, end)):
        start = m.end()
    return start, end


def _without_trailing_lowercase(text: str, start: int, end: int) -> Bounds | None:
    if tail := _TRAILING_LOWERCASE.search(text, start, end):
        return start, tail.start()
    return start, end


def _without_possessive(text: str, start: int, end: int) -> Bounds | None:
    if m := _POSSESSIVE_END.search(text, start, end):
        return _trim(text, start, m.start())
    return start, end


def _without_titles(text: str, start: int, end: int) -> Bounds:
    """Titles before a name are not part of it ("President Donald Trump")."""
    words = text[start:end].split()
    while len(words) > 1 and words[0].rstrip(".").casefold() in TITLES:
        start += text[start:end].index(words[1], len(words[0]))
        words = words[1:]
    return start, end


def is_name(surface: str) -> bool:
    """Whether what is left can be a name: it has a capital letter, and it is no
    contraction ("I’m"), stance ("pro-Russian") or suffix ("Jr.") on its own."""
    if not any(c.isupper() for c in surface) or surface.casefold() in ("the", "a", "an"):
        return False
    if _CONTRACTION.match(surface) or _STANCE_PREFIX.match(surface):
        return False
    return surface.rstrip(".").casefold() not in NAME_SUFFIXES


def retype(surface: str, label: str) -> str:
    if country_name(surface):
        return "GPE"
    if label in ("GPE", "ORG") and state_name(surface):
        return "GPE"
    if label in ("ORG", "PERSON", "NORP", "LOC", "GPE") and is_territory(surface):  # "West Bank" is no bank
        return "GPE"
    if label == "GPE" and _is_acronym(surface) and not (is_known_place(surface) or is_known_place(surface.title())):
        return "ORG"  # "AI", "GOP": acronyms of places are few, and known
    if is_demonym(surface) and label in ("PERSON", "ORG", "GPE", "NORP"):
        return "NORP"
    if label == "NORP" and not surface.casefold().endswith(_DEMONYM_ENDINGS) and (" " in surface or surface.isupper()):
        # The small model's NORP for names that are no people's name: places and bodies.
        first = surface.split()[0].casefold()
        return "LOC" if first in _REGION_WORDS else "ORG"
    if label in ("PERSON", "GPE", "NORP") and is_org_name(surface):
        return "ORG"
    if label in ("PERSON", "GPE", "ORG") and _last_word_in(surface, _FACILITY_HEADS):
        return "FAC"
    return label


def _is_acronym(surface: str) -> bool:
    """Two or three capitals: longer words in capitals are as often names in a headline."""
    letters = surface.replace(".", "")
    return 2 <= len(letters) <= 3 and letters.isalpha() and letters.isupper()


def is_org_name(surface: str) -> bool:
    words = surface.split()
    return _last_word_in(surface, _ORG_HEADS) or (len(words) > 1 and words[0] == "FC")


def _last_word_in(surface: str, heads: set[str]) -> bool:
    words = surface.split()
    return len(words) > 1 and words[-1][:1].isupper() and words[-1].rstrip(".").casefold() in heads


def surname(name: str) -> str:
    """The last word of a person's name that is no suffix: "Carlineo" of "Patrick W. Carlineo Jr."."""
    words = name.split()
    while len(words) > 1 and words[-1].rstrip(".,").casefold() in NAME_SUFFIXES:
        words.pop()
    return words[-1].rstrip(",")


def key(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def split_compounds(text: str, mentions: list[Mention]) -> list[Mention]:
    """Two names the model ran into one span, parted where the article names them apart.

    "Breitbart’s Joel Pollak" is Breitbart and Joel Pollak when Breitbart is named on its
    own elsewhere; "Swiss People’s Party" stays whole. A lowercase rest after a possessive
    is never part of the name ("Clinton’s van" -> Clinton). "Obama White House" is Obama
    and the White House when the White House is named on its own. "Armenia-Azerbaijan"
    (talks, ties) is both countries."""
    known = {key(m.text): m.label for m in mentions}
    surnames = {key(surname(m.text)) for m in mentions if m.label == "PERSON" and len(m.text.split()) > 1}
    out: list[Mention] = []
    for m in mentions:
        out.extend(_split_possessive(text, m, known, surnames) or _split_person_and_body(text, m, known, surnames)
                   or _split_country_pair(m) or _split_list(text, m, known) or [m])
    return out


def _split_list(text: str, m: Mention, known: dict[str, str]) -> list[Mention] | None:
    """"CBS All Access, Disney": two names of a list run into one, parted at the comma when
    the article names the last on its own ("Boeing Defense, Space, and Security" stays)."""
    if ", " not in m.text:
        return None
    head, tail = m.text.rsplit(", ", 1)
    if key(tail) not in known or key(m.text) == key(tail) or not any(c.isupper() for c in head):
        return None
    tail_start = m.end - len(tail)
    return [Mention(head, m.start, m.start + len(head), retype(head, m.label), m.in_quote),
            Mention(tail, tail_start, m.end, known[key(tail)], m.in_quote)]


def _split_country_pair(m: Mention) -> list[Mention] | None:
    parts = list(_COUNTRY_PAIR.finditer(m.text))
    if len(parts) != 2 or not all(country_name(p.group()) for p in parts):
        return None
    return [Mention(p.group(), m.start + p.start(), m.start + p.end(), "GPE", m.in_quote) for p in parts]


def _split_possessive(text: str, m: Mention, known: dict[str, str], surnames: set[str]) -> list[Mention] | None:
    marker = _POSSESSIVE_INNER.search(m.text)
    if marker is None:
        return None
    head_end = m.start + marker.start()
    head = Mention(text[m.start:head_end], m.start, head_end, m.label, m.in_quote)
    tail_start = m.start + marker.end()
    tail = text[tail_start:m.end]
    if not any(c.isupper() for c in tail):
        return [head] if is_name(head.text) else []
    head_key = key(head.text)
    if head_key in known:
        head.label = known[head_key]
    elif head_key in surnames:
        head.label = "PERSON"
    elif is_known_place(head.text):
        head.label = "GPE"  # "Punjab’s Bhatinda"
    elif is_org_name(head.text):
        head.label = "ORG"  # "Vox Media’s Code Media conference"
    else:
        return None
    if key(tail) in known:
        rest_label = known[key(tail)]
    elif head.label == m.label == "PERSON":
        # The model saw one person: the possessor. What is theirs ("Trump’s Economic
        # Policy") is no person, and its kind is unknown.
        return [head]
    else:
        rest_label = retype(tail, m.label)
    rest = Mention(tail, tail_start, m.end, rest_label, m.in_quote)
    return [x for x in (head, rest) if is_name(x.text)]


def _split_person_and_body(text: str, m: Mention, known: dict[str, str], surnames: set[str]) -> list[Mention] | None:
    words = m.text.split()
    if m.label != "PERSON" or len(words) < 3:
        return None
    for n in range(len(words) - 1, 1, -1):
        body = " ".join(words[-n:])
        if known.get(key(body)) in ("ORG", "FAC", "GPE", "LOC"):
            body_start = m.end - len(body)
            head = text[m.start:body_start].rstrip()
            # Only when the person is named alone too: "Marine Le Pen" stays whole
            # although the model also calls a bare "Le Pen" an organisation.
            if text[body_start:m.end] != body or not (known.get(key(head)) == "PERSON" or key(head) in surnames):
                return None
            return [
                Mention(head, m.start, m.start + len(head), "PERSON", m.in_quote),
                Mention(body, body_start, m.end, known[key(body)], m.in_quote),
            ]
    return None
