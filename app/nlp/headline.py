"""Headlines in Title Case, as spaCy should read them.

"Clinton Says Russians Hacked DNC" is a statement with a source, but the small model
reads a run of capitalised words as one long name and finds no verb. Written in sentence
case ("Clinton says Russians hacked DNC") it parses like the body. Only the letters'
case changes, so offsets into one text are offsets into the other.

A word is lowered only when it is a common English word (in the lemmatizer's word list,
as written or with an inflection taken off) that the article never writes capitalised
inside a sentence: "Olga Petrova" or "Clinton" stay names."""

from __future__ import annotations

import re
from collections.abc import Collection

from spacy.lang.en.stop_words import STOP_WORDS

_WORD = re.compile(r"[A-Za-z][\w’'-]*")
# A line is in Title Case when (nearly) all its longer words start with a capital; a
# sentence that happens to hold many names still has lowercase verbs.
_TITLE_SHARE = 0.9
# Inflections to take off to find a word's base form: "says" say, "worries" worry.
_ENDINGS = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("d", ""))
_MIN_WORDS = 3
# A headline's label is a short name before a colon ("Roger Stone:", "Clinton camp:").
_MAX_LABEL_WORDS = 4


def sentence_case(text: str, parse_text: str, common: Collection[str]) -> str:
    """`parse_text` with its first line in sentence case if that line is in Title Case:
    every capitalised common word is lowered, except the first and those the article
    writes capitalised inside its sentences too (names: "Donald Trump", "DNC")."""
    end = text.find("\n")
    end = len(text) if end < 0 else end
    words = list(_WORD.finditer(text, 0, end))
    longer = [w for w in words if len(w.group()) > 3]
    if len(longer) < _MIN_WORDS or sum(w.group()[0].isupper() for w in longer) < _TITLE_SHARE * len(longer):
        return parse_text
    names = _capitalised_inside_sentences(text, end)
    chars = list(parse_text)
    if all(w.group().isupper() for w in longer):
        return _from_capitals(text, words, names, chars)
    label_end = _label_end(text, end)
    for w in words[1:]:
        word = w.group()
        if (word[0].isupper() and not word.isupper() and w.start() >= label_end and _stem(word) not in names
                and _is_common(word.lower(), common)):
            chars[w.start()] = chars[w.start()].lower()
    return "".join(chars)


def _label_end(text: str, end: int) -> int:
    """Where a headline's label ("Roger Stone: …") ends, 0 if it has none: a label names
    its source, so its words stay capitalised even when they are also English words."""
    colon = text.find(": ", 0, end)
    words = text[:colon].split()
    # "Stealth Over Health:" is a title of its own: a name holds no function words.
    if colon <= 0 or len(words) > _MAX_LABEL_WORDS or any(w.lower() in STOP_WORDS for w in words):
        return 0
    return colon


def _from_capitals(text: str, words: list[re.Match[str]], names: set[str], chars: list[str]) -> str:
    """An all-capitals headline ("SENATE PASSES HOUSING BILL") in sentence case: a word
    the body writes in capitals stays so ("NATO"), one it writes as a name gets its capital
    ("Senate"), the first word too; the rest is lowered. The model reads a line of
    capitals as one long organisation."""
    in_capitals = {m.group() for m in _WORD.finditer(text, words[-1].end()) if m.group().isupper()}
    for i, w in enumerate(words):
        word = w.group()
        if word in in_capitals and len(word) > 1:
            continue
        keep_first = i == 0 or _stem(word.title()) in names
        for j in range(w.start() + (1 if keep_first else 0), w.end()):
            lowered = chars[j].lower()
            if len(lowered) == 1:
                chars[j] = lowered
    return "".join(chars)


def _capitalised_inside_sentences(text: str, body_start: int) -> set[str]:
    """Words the body writes with a capital where no sentence starts: names."""
    names = set()
    for m in _WORD.finditer(text, body_start):
        word = m.group()
        if not word[0].isupper():
            continue
        before = text[max(body_start, m.start() - 3):m.start()].rstrip(" \t“”\"'‘’(")
        if before and before[-1] not in ".!?:\n—-":
            names.add(_stem(word))
    return names


def _is_common(word: str, common: Collection[str]) -> bool:
    if word in common:
        return True
    return any(word.endswith(end) and word[:-len(end)] + base in common for end, base in _ENDINGS)


def _stem(word: str) -> str:
    """The word without a possessive: "Clinton’s" is the name "Clinton"."""
    return re.split(r"[’']", word, maxsplit=1)[0]
