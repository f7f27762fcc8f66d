"""The last stage: the indirect attributions that a model trained on PolNeAR finds unlike
what PolNeAR's annotators count are dropped. The stages propose by rule and by model, each
tuned on its own; the screen weighs what they made together, with the stage that made it
among its features (screen_features.py): a content the parse drew past its clause, an
object no one reports, a cue the lists hold that reports nothing there. It runs after the
quotation stage, so that what it drops frees no cue for that stage to read a quotation
with. A content holding a quotation (direct, mixed) passes untouched: screened too, mixed
ones lost a quoted match on PolNeAR dev (measured with the screen before that stage)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.nlp.attribution import Article, Attribution, Spans
from app.nlp.learned import model
from app.nlp.learned.screen_features import screen_features

ARTIFACT = Path(__file__).parent / "screen.json"
SCREENED = ("indirect",)


def refine(article: Article, found: Sequence[Attribution]) -> list[Attribution]:
    """The stage: `found` without the indirect attributions the model doubts."""
    scorer = model.load(ARTIFACT)
    spans = Spans(article)
    return [att for att in found if att.kind not in SCREENED
            or scorer.probability(screen_features(att, article, spans)) >= scorer.threshold]
