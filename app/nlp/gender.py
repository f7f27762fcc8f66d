"""Whether the article writes of a person as a man or a woman, from its own words: an
honorific or a gendered noun before the name ("Ms. Ortiz", "actress Ana Ruiz"), else
the pronouns that follow the name in its sentence ("Ruiz said she …")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from app.nlp.same_person import Located

_GENDERED_BEFORE = re.compile(
    r"\b(?:(?P<m>Mr|Messrs|congressman|spokesman|chairman|businessman|actor|husband|father|son|brother|king|"
    r"Sir|Lord|Prince)|(?P<f>Mrs|Ms|Miss|Mme|congresswoman|spokeswoman|chairwoman|businesswoman|actress|wife|"
    r"mother|daughter|sister|widow|queen|Queen|Lady|Dame|Princess))\.?[\s,]+$"
)
_PRONOUNS = re.compile(r"\b(?:(?P<m>he|his|him|himself)|(?P<f>she|her|hers|herself))\b", re.IGNORECASE)
# Where the sentence of a name ends, or a quotation starts (its "she" is the speaker's
# own subject, not the narration's).
_STOP = re.compile(r"[.!?](?=\s)|\n|[\"“”‘]")
# How far after a name its pronouns are looked for.
_REACH = 160


class _Mention(Located, Protocol):
    @property
    def in_quote(self) -> bool: ...


def of_people(mentions: Sequence[_Mention], text: str) -> dict[int, str]:
    """"m" or "f" for each person the article marks as one: honorifics and gendered
    nouns decide when they never disagree; else the pronouns after the person's name,
    when most of them agree."""
    titled: dict[int, set[str]] = {}
    pronouns: dict[int, Counter[str]] = {}
    people = [m for m in mentions if m.type == "PERSON"]
    starts = sorted(m.start for m in mentions if m.type in ("PERSON", "ORG"))
    for m in people:
        if found := _GENDERED_BEFORE.search(text, max(0, m.start - 24), m.start):
            titled.setdefault(m.entity, set()).add("m" if found.group("m") else "f")
        if m.in_quote:
            continue
        # The pronouns between the name and the end of its sentence, before anyone else
        # is named: "Ruiz said she would stay" is Ruiz's; "Ruiz thanked Ortiz, who said she" is not.
        end = min(len(text), m.end + _REACH)
        if stop := _STOP.search(text, m.end, end):
            end = stop.start()
        following = [s for s in starts if m.end <= s < end]
        end = min([end, *following])
        for p in _PRONOUNS.finditer(text, m.end, end):
            pronouns.setdefault(m.entity, Counter())["m" if p.group("m") else "f"] += 1
    out = {ent: kinds.pop() for ent, kinds in titled.items() if len(kinds) == 1}
    for ent, votes in pronouns.items():
        if ent not in titled and votes["m"] != votes["f"]:
            out[ent] = "m" if votes["m"] > votes["f"] else "f"
    return out
