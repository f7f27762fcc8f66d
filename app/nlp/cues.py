"""What kind of act a cue reports: speech (said, told, warned, according to), belief
(believes, fears, is expected to) or intention (plans to, wants, aims to). Who *said*
what is the product; beliefs and plans are attributions too, as PolNeAR counts them,
but a reader asking for quotes does not want "Apple plans to open a store"."""

from __future__ import annotations

from spacy.tokens import Token

from app.nlp.lexicons import words
from app.nlp.reported import CUES, SPEECH_ACTS, lemma
from app.nlp.types import CueType

_LISTED = CUES | SPEECH_ACTS | words("belief") | words("intention")


def cue_type(cue: Token | None, kind: str, stage: str = "") -> CueType:
    """Quoted words are something said, whatever verb brings them; otherwise the cue's
    lemma decides. An intention verb with a clause of its own ("expects that prices will
    rise", "agreed that the plan failed") holds a belief, with an infinitive or an object
    ("expects to win", "wants a wall") an intention. A verb no list holds, that only the
    proposal model took for a cue, is other when it reports no clause ("unveiled the
    draft", "invoked the prospect"): PolNeAR counts such attributions, but nobody is known
    to have said anything; "scoffed that …" is speech whichever stage found it. The
    tagger's attributions are read the same way ("remain skeptical that …": other), and
    one it found without a cue is other."""
    if kind == "direct":
        return "speech"
    if cue is None:
        return "other" if stage == "tagged" else "speech"
    verb = lemma(cue)
    reports_clause = any(c.dep_ == "ccomp" for c in cue.children)
    if stage in ("proposed", "tagged") and verb not in _LISTED and not reports_clause:
        return "other"
    if verb in words("intention"):
        return "belief" if reports_clause else "intention"
    if verb in words("belief"):
        return "belief"
    return "speech"
