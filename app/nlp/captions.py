"""Photo captions and credits.

A caption describes a picture ("Sen. Ada Marsh speaks to reporters ..."): its people are
in the news, but what it says is no statement of theirs, so no attribution is read from
it. A credit ("(AP Photo/Evan Vucci)", "REUTERS/Aziz Karimov", "Jane Doe via Getty
Images") names who took the picture: spaCy does not read it at all, so it yields no
entity ("AP Photo/Evan Vucci" ORG) and no antecedent for "he" or "the spokesman"."""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.nlp.text import Paragraph

_NAME = r"[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3}"
# A credit in parentheses can stand anywhere; a bare one only ends a caption, since
# "the Reuters/Ipsos poll" or "an AP/NORC survey" inside a sentence are no credits.
_CREDIT = re.compile(
    r"\((?:[^()\n]*/)?[^()\n]*\b(?:Photo|Photos|Images|Pool)\b[^()\n]*\)"  # (AP Photo/Evan Vucci)
    rf"|(?:\bREUTERS/{_NAME}"  # REUTERS/Aziz Karimov
    rf"|{_NAME}/(?:Reuters|REUTERS|AFP|EPA|Getty Images|AP|Bloomberg)\b"  # Jane Doe/Reuters
    rf"|{_NAME}[ \t]+(?:via|for)[ \t]+Getty[ \t]+Images)"  # Scott Olson via Getty Images
    r"(?=[.)\s]*$)"
)
_CAPTION_START = re.compile(r"(?:FILE(?: PHOTO)?\s*[-–—:]|(?:PHOTO|Photo|Caption|CAPTION|IMAGE|Image)\s*:)")


def credits(text: str, paragraphs: Iterable[Paragraph]) -> list[tuple[int, int]]:
    """(start, end) of every photo credit."""
    return [m.span() for p in paragraphs for m in _CREDIT.finditer(text, p.start, p.end)]


def is_caption(text: str, para: Paragraph) -> bool:
    """A caption opens as one ("FILE - In this ... photo", "Photo: ...") or carries a credit."""
    return bool(_CAPTION_START.match(text, para.start, para.end) or _CREDIT.search(text, para.start, para.end))


def for_parsing(parse_text: str, spans: list[tuple[int, int]]) -> str:
    """`parse_text` with the credits blanked: the same length, so offsets hold."""
    if not spans:
        return parse_text
    chars = list(parse_text)
    for start, end in spans:
        chars[start:end] = [" "] * (end - start)
    return "".join(chars)
