"""Mentions of names that are no entity of the story: the credits of the people who wrote
or photographed it ("(Reporting by …; Editing by …)", "Contributing: …", "(Image credit:
…)"), the titles of works in quotation marks (“Melvin and Howard”, “Takin’ It to the
Streets”), and the state of a party label ("Sen. Ben Sasse, R-Neb.").
"""

from __future__ import annotations

import re

from app.nlp.mentions import Mention
from app.nlp.text import Quotes

_CREDIT = re.compile(
    r"(?im)(?:^|\()[ \t]*(?:(?:additional[ \t]+)?reporting|writing|editing|contributing|compiled"
    r"|(?:image|photo|picture)[ \t]+credit|photograph)[ \t]*(?:by\b|:)[^)\n]*"
)
_PARTY_LABEL = re.compile(r"\b[RDI]-$")
# Words a title leaves in lowercase.
_SMALL_WORDS = {"a", "an", "and", "the", "of", "to", "in", "on", "it", "for", "at", "by", "with", "or", "from",
                "like", "is", "as", "but", "nor", "up"}
_MAX_TITLE_WORDS = 6


def without_non_names(text: str, mentions: list[Mention], quotes: Quotes) -> list[Mention]:
    credits = [m.span() for m in _CREDIT.finditer(text)]
    return [
        m for m in mentions
        if not any(s <= m.start and m.end <= e for s, e in credits)
        and not _PARTY_LABEL.search(text, max(0, m.start - 3), m.start)
        and not _in_a_title(text, m, quotes)
    ]


def _in_a_title(text: str, m: Mention, quotes: Quotes) -> bool:
    """Inside a short quotation whose every word but the small ones is capitalised: the
    title of a film, book or song, not what someone said."""
    span = quotes.containing(m.start, m.end)
    if span is None:
        return False
    inner = text[span[0] + 1:span[1] - 1].strip(" .,!?")
    words = re.findall(r"[^\W\d_][\w'’-]*", inner)
    if not words or len(words) > _MAX_TITLE_WORDS or re.search(r"[()\"“”]", inner):
        return False
    return all(w[0].isupper() or w.casefold() in _SMALL_WORDS for w in words) and words[0][0].isupper()
