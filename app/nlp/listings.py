"""Places written as a listing writes them, which the small model parses as prose and cuts
wrong: "Raleigh, NC" (a town and its state; the model calls a town it does not know a
body, and a two-letter state nothing) and tour or event dates, "June 20 – Raleigh, NC @
Coastal Credit Union Music Park" (where it runs state and venue into one name). And the
teams of a results listing, which the model takes for their towns or misses ("NEW YORK
74 59 .556", "Pohang 3 Ulsan 2", "CHICAGO AT TORONTO").
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator, Sequence

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
# A team's name in a sports listing: one to four capitalised words.
_TEAM = r"([A-Z][\w.'’&-]*(?:[ \t]+[A-Z][\w.'’&-]*){0,3})"
# A standings row (a name and two or more figures: won, lost, percentage, games behind),
# a score line ("Pohang 3 Ulsan 2 (halftime 1-0)") and a fixture ("CHICAGO AT TORONTO").
_STANDING = re.compile(rf"(?m)^[ \t]*{_TEAM}(?:[ \t]+[-+]?\.?\d[\d.:-]*){{2,}}[ \t-]*$")
_SCORE = re.compile(rf"(?m)^[ \t]*{_TEAM}[ \t]+\d+[ \t]+{_TEAM}[ \t]+\d+(?:[ \t]*\([^()\n]*\))?[ \t]*$")
_FIXTURE = re.compile(rf"(?m)^[ \t]*{_TEAM}[ \t]+(?:AT|at|v|vs\.?)[ \t]+{_TEAM}[ \t]*$")
# A club's own fixture list: "August 1-4 v Somerset ( four days )".
_DATED_FIXTURE = re.compile(
    r"(?m)^[ \t]*(?:January|February|March|April|May|June|July|August|September|October|November|December)"
    rf"[ \t]+\d{{1,2}}(?:[ \t]*-[ \t]*\d{{1,2}})?[ \t]+v[ \t]+{_TEAM}[ \t]*(?:\([^()\n]*\))?[ \t]*$"
)
# A player as a scorecard or a box score writes one.
_SURNAME = r"[A-Z][a-z][\w'’-]*"
_INITIALS = r"(?:(?:[A-Z]\.){1,2} ?)"
_PLAYERS = (
    # Initials and a surname before a figure: "P. Simmons 4-38", "A. Dale 69".
    re.compile(rf"(?<![\w.])({_INITIALS}{_SURNAME})(?=[ \t]+\d)"),
    # A bowler's analysis, overs-maidens-runs-wickets: "Mullally 6-0-30-1".
    re.compile(rf"(?<![\w.])({_INITIALS}?{_SURNAME}(?:[ \t]{_SURNAME})?)[ \t]+\d+(?:\.\d)?-\d+-\d+-\d+"),
    # Who dismissed a batsman: "lbw b Gough", "c Healy b McGrath", "st Moin b Mushtaq Ahmed".
    re.compile(rf"(?<![\w.])(?:c|b|st|c & b)[ \t]+({_INITIALS}?{_SURNAME}(?:[ \t]{_SURNAME})?)(?=[ \t]+(?:b[ \t]|\d))"),
)
# A shirt number or a seed, a dash, a name: "1 - Bernard Lama ; 2 - Lilian Thuram ( 14 -
# Sabri Lamouchi 87th )", "8 - Lindsay Davenport ( U.S. ) beat …".
_NUMBERED = re.compile(
    rf"(?m)(?:^|[;,(-][ \t]*)\d{{1,2}}[ \t]*-[ \t]*"
    rf"({_SURNAME}(?:[ \t](?:(?:de|van|der|da|di|dos|le)[ \t])*{_SURNAME}){{0,2}})(?=[ \t]*([;,()]|\d|$))"
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


def teams(text: str) -> Iterator[tuple[Mention, bool]]:
    """The names of a results listing's rows, as bodies, each with whether its row says
    by itself that it is a team's (a score line, a standings row of three figures or more)."""
    for pattern in (_STANDING, _SCORE, _FIXTURE, _DATED_FIXTURE):
        for found in pattern.finditer(text):
            certain = pattern is _SCORE or (pattern is _STANDING and len(found.group(0).split())
                                             - len(found.group(1).split()) >= 3)
            for group in range(1, (pattern.groups or 0) + 1):
                name = found.group(group)
                if name is not None and not name.isdigit():
                    yield Mention(name, found.start(group), found.end(group), "ORG"), certain


def players(text: str) -> Iterator[Mention]:
    """The players of a scorecard, a box score or a team sheet, each once."""
    seen = set()
    for found in _listed_players(text):
        if found.span(1) not in seen:
            seen.add(found.span(1))
            yield Mention(found.group(1), found.start(1), found.end(1), "PERSON", listed=True)


def _listed_players(text: str) -> Iterator[re.Match[str]]:
    for pattern in _PLAYERS:
        yield from pattern.finditer(text)
    numbered = list(_NUMBERED.finditer(text))
    if not numbered:
        return
    # Lines found by bisection and counted once: a line of a hundred thousand numbered
    # names is not read again for each of them.
    breaks = [found.start() for found in re.finditer("\n", text)]
    lines = [bisect.bisect(breaks, found.start(1)) for found in numbered]
    per_line = Counter(lines)
    for found, line in zip(numbered, lines, strict=True):
        # A team sheet numbers several on a line; one numbered name alone is a player only
        # when a country, a club or a figure follows ("8 - Lindsay Davenport ( U.S. )"),
        # not a numbered heading ("2 - Getting Started").
        if found.group(2) == "(" or found.group(2).isdigit() or per_line[line] >= 2:
            yield found


class _ByStart:
    """Mentions sorted by where they start: those overlapping a span are a bisection and a
    short walk away, not a pass over all (a long results page has thousands of rows)."""

    def __init__(self, mentions: Sequence[Mention]) -> None:
        self.items = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.items]
        self.widest = max((m.end - m.start for m in self.items), default=0)

    def overlapping(self, start: int, end: int) -> list[Mention]:
        i = bisect.bisect_left(self.starts, start - self.widest)
        j = bisect.bisect_left(self.starts, end)
        return [m for m in self.items[i:j] if m.end > start]


def _team_name(team: Mention, model_mentions: _ByStart, certain: bool) -> bool:
    """A row's name is a team's when it is a town's or a region's (the team it fields),
    written in capitals as standings are, or a body to the model; a person's scores
    ("Tiger Woods 68 70") make no team."""
    # A model's span running over the figures ("Suwon 3 Daegu 2" as a person) says nothing.
    model = [m.label for m in model_mentions.overlapping(team.start, team.end)
             if not any(c.isdigit() for c in m.text)]
    if "PERSON" in model:
        return False
    name = team.text
    return certain or name.isupper() or is_place_name(name) or is_place_name(name.title()) or "ORG" in model


# Words a line may put before a comma and a state that are no town.
_NOT_TOWNS = {"The", "In", "At", "From", "And", "But", "Sen", "Rep", "Gov"}


def with_places(text: str, mentions: list[Mention]) -> list[Mention]:
    """The model's mentions with the listing's places and teams in place of those they
    overlap; a person in a listing's row (a golfer's scores) stays a person."""
    model = _ByStart(mentions)
    found = (list(places(text)) + [t for t, certain in teams(text) if _team_name(t, model, certain)]
             + list(players(text)))
    if not found:
        return mentions
    listed = _ByStart(found)
    kept = [m for m in mentions if not listed.overlapping(m.start, m.end)]
    return sorted(kept + found, key=lambda m: m.start)
