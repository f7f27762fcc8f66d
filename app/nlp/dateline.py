"""Datelines ("BAKU, Nov 26 (Reuters) - ", "RENO, Nev. (AP) — ", "Washington (AFP) – "), as
spaCy should read them.

Run into the first sentence, a dateline makes the small model read "BAKU, Nov 26 (Reuters)
- Azerbaijan's foreign minister Jeyhun Bayramov" as one long subject, so the source of
"said" starts with the city. Read as "Baku, Nov 26 (Reuters) . Azerbaijan's ...", the
dateline is a sentence of its own and the city a place. Only characters change, never
their number, so offsets into one text are offsets into the other."""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice

from app.nlp.text import Paragraph

_DATELINE = re.compile(
    r"(?P<place>[^\W\d_][^\W\d_.’'-]*[.’'-]?(?:\s+[^\W\d_][^\W\d_.’'-]*[.’'-]?)*)"  # BAKU, ST. LOUIS, İZMİR
    r"(?:,\s+[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)?)?"  # , Calif. / , N.H. / , Azerbaijan
    r"(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"  # , Nov. 26
    r"\s*(?P<agency>\([^()\n]{1,40}\))?"  # (Reuters)
    r"\s*(?P<dash>[-–—―]{1,2})\s+(?=\S)"
)


# A dateline opens the story: it is looked for in the first lines only (title, maybe a
# byline, then the body), so that "NATO — " deep in an article is left as written.
_FIRST_LINES = 3


def for_parsing(text: str, parse_text: str, paragraphs: Iterable[Paragraph]) -> str:
    """`parse_text` with the dateline made a sentence of its own, its place in Title Case."""
    chars: list[str] | None = None
    for para in islice(paragraphs, _FIRST_LINES):
        m = _DATELINE.match(text, para.start, para.end)
        if m is None or len(m.group("place")) < 3:
            continue
        # A place in capitals is a dateline; in Title Case ("Washington (AFP) –") only
        # with the agency that marks it, since a sentence may open on a name and a dash.
        if not (m.group("place").isupper() or (m.group("agency") and m.group("place").istitle())):
            continue
        chars = chars if chars is not None else list(parse_text)
        first = True
        for i in range(m.start("place"), m.end("place")):
            if chars[i].isalpha():
                # A letter whose lowercase is two ("İ") stays: the text keeps its length.
                if not first and len(chars[i].lower()) == 1:
                    chars[i] = chars[i].lower()
                first = False
            else:
                first = True
        dash_start, dash_end = m.span("dash")
        chars[dash_start:dash_end] = ["."] + [" "] * (dash_end - dash_start - 1)
    return parse_text if chars is None else "".join(chars)
