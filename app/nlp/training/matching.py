"""Predicted attributions against PolNeAR's gold ones, as the quotation scorer
(score_quotes.py) matches them: contents one to one, greedily by overlap, a pair when
their IoU is at least MATCH; a source right when its words overlap the gold source's."""

from __future__ import annotations

from collections.abc import Sequence

from app.nlp.attribution import Attribution
from app.nlp.text import iou

MATCH = 0.5


def source_right(q: dict, speaker: tuple[int, int] | None) -> bool:
    return (speaker is not None and q.get("speaker_start") is not None
            and min(speaker[1], q["speaker_end"]) > max(speaker[0], q["speaker_start"]))


def end_to_end(gold: Sequence[dict], predicted: Sequence[Attribution]) -> tuple[int, int]:
    """(content matches with the source right, content matches)."""
    pairs = sorted(((iou((g["start"], g["end"]), (p.start, p.end)), gi, pi)
                    for gi, g in enumerate(gold) for pi, p in enumerate(predicted)), reverse=True)
    used_g: set[int] = set()
    used_p: set[int] = set()
    right = matched = 0
    for score, gi, pi in pairs:
        if score < MATCH:
            break
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        matched += 1
        right += source_right(gold[gi], predicted[pi].speaker)
    return right, matched


def hit(gold: Sequence[dict], att: Attribution, source: bool) -> bool:
    """Whether the attribution's content matches a gold one's (and, if `source`, its source too)."""
    return any(iou((q["start"], q["end"]), (att.start, att.end)) >= MATCH
               and (not source or q.get("speaker_start") is None or source_right(q, att.speaker)) for q in gold)
