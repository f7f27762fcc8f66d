"""Places written as a listing writes them, which the small model parses as prose and cuts
wrong: "Raleigh, NC" (a town and its state; the model calls a town it does not know a
body, and a two-letter state nothing) and tour or event dates, "June 20 – Raleigh, NC @
Coastal Credit Union Music Park" (where it runs state and venue into one name).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from app.nlp.mentions import Mention
from app.nlp.places import is_place_name, region_name

# A town of one to three capitalised words, a comma, and a state or province as the
# postal service or the AP writes it ("NC", "N.C.", "Neb.").
_TOWN_AND_STATE = re.compile(  # the state ends the clause: "Earlier, NC officials" is none
    r"(?m)(?<![\w.])((?:St\.\s)?[A-Z][a-z][\w'’-]*(?:\s[A-Z][a-z][\w'’-]*){0,2}),\s"
    r"([A-Z]{2}|[A-Z][a-z]{1,3}\.|[A-Z]\.[A-Z]\.)(?=[ \t]*(?:[,;:)@–—-]|\.?$|\.?\s+[A-Z(]))"
)
# A wire story's dateline on a line of its own: "LONDON 1996-08-30", "LA CORUNA , Spain 1996-08-31".
_DATED_PLACE = re.compile(
    r"(?m)^[ \t]*([A-Z][A-Za-z.'’-]*(?:[ \t][A-Z][A-Za-z.'’-]*){0,3})"
    r"(?:[ \t]*,[ \t]*([A-Z][A-Za-z.]*(?:[ \t][A-Z][A-Za-z.]*)?))?[ \t]+\d{4}-\d\d-\d\d[ \t]*$"
)
# "@ Venue" to the end of its line, or to a bracket: where an event takes place.
_VENUE = re.compile(r"(?<=\s)@\s+([A-Z][^\n(@]*[\w.])")


def places(text: str) -> Iterator[Mention]:
    """Towns with their states, datelines of their own line, and venues after "@", as
    place mentions."""
    for found in _TOWN_AND_STATE.finditer(text):
        town, state = found.group(1), found.group(2)
        if region_name(state) is None or town in _NOT_TOWNS:
            continue
        yield Mention(town, found.start(1), found.end(1), "GPE")
        yield Mention(state, found.start(2), found.end(2), "GPE")
    for found in _DATED_PLACE.finditer(text):
        for group in (1, 2):
            name = found.group(group)
            if name and (is_place_name(name) or is_place_name(name.title())):
                yield Mention(name, found.start(group), found.end(group), "GPE", form=name.title())
    for found in _VENUE.finditer(text):
        yield Mention(found.group(1), found.start(1), found.end(1), "FAC")


# Words a line may put before a comma and a state that are no town.
_NOT_TOWNS = {"The", "In", "At", "From", "And", "But", "Sen", "Rep", "Gov"}


def with_places(text: str, mentions: list[Mention]) -> list[Mention]:
    """The model's mentions with the listing's places in place of those they overlap."""
    found = list(places(text))
    if not found:
        return mentions
    kept = [m for m in mentions if not any(p.start < m.end and m.start < p.end for p in found)]
    return sorted(kept + found, key=lambda m: m.start)
