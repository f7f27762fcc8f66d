"""What spaCy is given, kept linear in the length of the article.

spaCy's tokenizer is quadratic in the length of a run without spaces (its prefix, suffix
and infix searches go over the rest of the run for each piece split off: 8 kB of
`!?.,;:` took 14.6 s), and the attribution stages walk each verb's subtree, so a run-on
sentence is quadratic too ("He said that " to 32,000 characters: 10 s). News text has
neither (PolNeAR dev: paragraphs up to 938 characters, no run of 6 symbols but one
`------`), so both are bounded here, in the text spaCy reads only: blanked to spaces of
the same length, and parsed in pieces, so that offsets into the article stay right."""

from __future__ import annotations

import re

from app.nlp.text import Paragraph

# Longer than any word or web address in an article; the tokenizer's cost per run grows
# with the square of its length, so this bounds it per character.
MAX_RUN = 64
# Longer than any run of marks in prose ("?!”", "...", "—"): ASCII art and separators.
MAX_SYMBOL_RUN = 12
# The longest piece of text parsed as one: well past any news paragraph, short enough
# that a sentence's subtrees stay small.
MAX_PARSE_CHARS = 1_500

_LONG_RUN = re.compile(rf"\S{{{MAX_RUN + 1},}}|[^\w\s]{{{MAX_SYMBOL_RUN + 1},}}")
_SENTENCE_END = re.compile(r"[.!?][\"”’')\]]*\s")
_SPACE = re.compile(r"\s")


def blank_long_runs(parse_text: str) -> str:
    """Runs without spaces longer than MAX_RUN, and runs of symbols longer than
    MAX_SYMBOL_RUN, as spaces: spaCy reads one whitespace token where they were."""
    return _LONG_RUN.sub(lambda m: " " * len(m.group()), parse_text)


def parse_pieces(parse_text: str, paras: list[Paragraph]) -> list[Paragraph]:
    """The paragraphs, those longer than MAX_PARSE_CHARS cut into pieces of at most that
    length: after a sentence where one ends in the second half of a piece, else at a space
    (blank_long_runs leaves one at least every MAX_RUN characters), else anywhere."""
    pieces: list[Paragraph] = []
    for para in paras:
        start = para.start
        while para.end - start > MAX_PARSE_CHARS:
            limit = start + MAX_PARSE_CHARS
            cut = _last(_SENTENCE_END, parse_text, start + MAX_PARSE_CHARS // 2, limit)
            if cut is None:
                cut = _last(_SPACE, parse_text, start + 1, limit)
            cut = limit if cut is None else cut
            pieces.append(Paragraph(start, cut))
            start = cut
            while start < para.end and parse_text[start].isspace():
                start += 1
        if start < para.end:
            pieces.append(Paragraph(start, para.end))
    return pieces


def _last(pattern: re.Pattern[str], text: str, lo: int, hi: int) -> int | None:
    """Where the last match of `pattern` in text[lo:hi] ends, but before its whitespace."""
    found = None
    for m in pattern.finditer(text, lo, hi):
        found = m.end() - 1
    return found if found and found > lo else None
