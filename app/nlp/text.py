"""Character-level structure of an article: paragraphs and quotation-mark spans."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Opening mark -> the marks that may close it.
_PAIRS = {"“": "”", "«": "»", "„": "“”", '"': '"'}
_PARAGRAPH = re.compile(r"[^\n]+")


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int
    end: int


def paragraphs(text: str) -> list[Paragraph]:
    """Non-empty lines: news text puts one paragraph a line, and nothing runs across one
    except a quotation, which `quoted_spans` joins."""
    return [Paragraph(m.start(), m.end()) for m in _PARAGRAPH.finditer(text) if m.group().strip()]


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Spans of double-quoted material, marks included.

    A paragraph that ends inside a quotation and a next paragraph that opens with a mark
    continue the same quotation (the convention for quotes over several paragraphs). A
    quotation never closed ends with its paragraph."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        closers = _PAIRS.get(ch)
        # A straight " only opens where a word can start (not after a letter: 5'11" …).
        if closers is None or (ch == '"' and i > 0 and text[i - 1].isalnum()):
            i += 1
            continue
        start, j = i, i + 1
        while j < n:
            c = text[j]
            if c in closers and not (c == '"' and j + 1 < n and text[j + 1].isalnum() and not text[j - 1] in ",.!?"):
                spans.append((start, j + 1))
                break
            if c == "\n":
                k = j
                while k < n and text[k] in "\n \t":
                    k += 1
                if k < n and text[k] == ch:  # the next paragraph reopens: same quotation
                    j = k + 1
                    continue
                spans.append((start, j))  # never closed: ends with its paragraph
                break
            j += 1
        else:
            spans.append((start, n))
        i = spans[-1][1] if spans and spans[-1][0] == start else j + 1
    return spans


def strip_span(text: str, start: int, end: int, chars: str = " \t\n") -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end
