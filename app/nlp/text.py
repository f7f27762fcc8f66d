"""Character-level structure of an article: paragraphs, quotation marks and the spans
they enclose, and the text as spaCy should read it."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# Marks that can only open, only close, or do either (straight quotes, and the doubled
# apostrophes of text converted from typewriter style: ''like this'').
_OPENING = {"“", "«", "„", "``"}
_CLOSING = {"”", "»"}
_EITHER = {'"', "''"}
# The same, as one character of text or one token: a double quotation that closes (or
# opens) on it. The rules that look at a single character read the straight mark as either.
CLOSING_MARKS = ("”", '"', "»")
OPENING_MARKS = ("“", '"', "«")
_MARK = re.compile(r"''|``|[“”«»„\"\n]")
_PARAGRAPH = re.compile(r"[^\n]+")
# A transcript's next speaker ("PENCE: Well, …"): a paragraph that reopens with one is
# a new turn, not the previous quotation going on.
_TURN_LABEL = re.compile(r"[A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,2}:\s")
_CURLY = str.maketrans({"«": "“", "„": "“", "»": "”"})
# Markup left in the text (<tweet author="…" tweet-date="March 9, 2016">): the marks
# around its attribute values are the markup's, never a quotation's.
_TAG = re.compile(r"</?[A-Za-z][\w-]*(?:\s+[\w:-]+(?:=(?:\"[^\"<>]*\"|'[^'<>]*'|[^\s\"'<>]+))?)*\s*/?>")


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Quotes:
    """The quoted spans of a text (marks included, in order, never overlapping) and the
    positions of the marks that open and close them."""

    spans: list[tuple[int, int]]
    opening: list[tuple[int, int]]  # (position, length) of each mark read as opening
    closing: list[tuple[int, int]]

    def containing(self, start: int, end: int | None = None) -> tuple[int, int] | None:
        """The quoted span that holds [start, end), if any."""
        end = start + 1 if end is None else end
        i = bisect.bisect_right(self.spans, (start, 1 << 62)) - 1
        if i >= 0 and self.spans[i][0] <= start and end <= self.spans[i][1]:
            return self.spans[i]
        return None

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        i = max(0, bisect.bisect_right(self.spans, (start, 1 << 62)) - 1)
        out = []
        while i < len(self.spans) and self.spans[i][0] < end:
            if self.spans[i][1] > start:
                out.append(self.spans[i])
            i += 1
        return out


def paragraphs(text: str) -> list[Paragraph]:
    """Non-empty lines: news text puts one paragraph a line, and nothing but a quotation
    runs across one (headlines, datelines and captions stand on lines of their own)."""
    return [Paragraph(m.start(), m.end()) for m in _PARAGRAPH.finditer(text) if m.group().strip()]


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    """Whether pos falls in one of the sorted, non-overlapping spans."""
    i = bisect.bisect_right(spans, (pos, 1 << 62)) - 1
    return i >= 0 and pos < spans[i][1]


# Characters that take no room: direction marks and zero-width spaces pasted from the web.
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\ufeff"


def _opens_paragraph(text: str, pos: int) -> bool:
    """Nothing but invisible characters stands between pos and the start of its line."""
    while pos > 0 and text[pos - 1] in _INVISIBLE:
        pos -= 1
    return pos == 0 or text[pos - 1] == "\n"


def _can_open(text: str, pos: int, mark: str) -> bool:
    if mark in _OPENING:
        return True
    if mark == "”" and _opens_paragraph(text, pos) and (
            text[pos + 1:pos + 2].isalpha() or text.startswith((" …", "…", " ..."), pos + 1)):
        return True  # a paragraph that opens with ”Word or ” … : the wrong mark typed for “
    if mark not in _EITHER:
        return False
    # A straight mark right after a word closes or measures something (5'11"), it does not open.
    return pos == 0 or not text[pos - 1].isalnum()


def _same_style(opener: str, mark: str) -> bool:
    if mark in ("''", "``"):
        return opener in ("''", "``")
    if mark == '"':
        return opener[0] == '"'
    return mark in "“«„" and opener[0] in "“«„"


def find_quotes(text: str) -> Quotes:
    """Quoted material, marks included.

    A paragraph that ends inside a quotation and a next paragraph that opens with a mark
    continue the same quotation (the convention for quotes over several paragraphs); a
    quotation never closed ends with its paragraph. Single quotes are left alone: they
    nest inside double ones, and ’ is also the apostrophe."""
    spans: list[tuple[int, int]] = []
    opening: list[tuple[int, int]] = []
    closing: list[tuple[int, int]] = []
    tags = [m.span() for m in _TAG.finditer(text)] if "<" in text else []
    marks = [(m.start(), m.group()) for m in _MARK.finditer(text)
             if m.group() == "\n" or not _inside(tags, m.start())]
    start: int | None = None
    k = 0
    while k < len(marks):
        pos, mark = marks[k]
        k += 1
        if start is None:
            if mark != "\n" and _can_open(text, pos, mark):
                start = pos
                opening.append((pos, len(mark)))
            continue
        if mark == "\n":
            # Skip blank lines; the quotation goes on if the next paragraph reopens.
            j = pos
            while j < len(text) and text[j] in "\n \t\r":
                j += 1
            while k < len(marks) and marks[k][0] < j:
                k += 1
            # The reopening mark must be of the opener's style: a straight " left open
            # is a stray mark, not the start of a quotation that a “ continues.
            if (k < len(marks) and marks[k][0] == j and _same_style(text[start:start + 2], marks[k][1])
                    and not _TURN_LABEL.match(text, j + len(marks[k][1]))):
                opening.append((j, len(marks[k][1])))
                k += 1
                continue
            spans.append((start, pos))
            start = None
            continue
        if mark in _CLOSING or mark in _EITHER:
            spans.append((start, pos + len(mark)))
            closing.append((pos, len(mark)))
            start = None
        elif mark in _OPENING:
            # A new opening mark inside an open quotation: the first was never closed.
            spans.append((start, pos))
            start = pos
            opening.append((pos, len(mark)))
    if start is not None:
        spans.append((start, len(text)))
    spans = [(s, e) for s, e in spans if e - s > 1]
    return Quotes(spans, opening, closing)


def for_parsing(text: str, quotes: Quotes) -> str:
    """The text as spaCy reads it best: every opening mark as “ and every closing one as ”
    (the small model tags « » as words, and cannot tell an opening " from a closing one).
    The same length as `text`, so offsets into one are offsets into the other."""
    chars = list(text)
    for pos, length in quotes.opening:
        chars[pos:pos + length] = ["“"] + [" "] * (length - 1)
    for pos, length in quotes.closing:
        chars[pos:pos + length] = [" "] * (length - 1) + ["”"]
    return "".join(chars).translate(_CURLY)


def iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Intersection over union of two spans, as the quotation scorer matches contents."""
    union = max(a[1], b[1]) - min(a[0], b[0])
    return max(0, min(a[1], b[1]) - max(a[0], b[0])) / union if union > 0 else 0.0


def word_count(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())
