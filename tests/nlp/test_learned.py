"""The learned cue stage: its committed model, what it adds to the word lists, and its
training code on a tiny invented corpus."""

from __future__ import annotations

import pytest
from extraction_checks import assert_offsets, quote_containing
from spacy.language import Language

from app.nlp.learned import model
from app.nlp.pipeline import Extractor
from app.nlp.reported import CUES, lemma
from app.nlp.training import cues as training
from app.nlp.training.fit import fit


def test_the_committed_model_loads() -> None:
    cues = model.load()
    assert 0.0 < cues.threshold < 1.0
    assert "bias" in cues.weights and len(cues.weights) > 1000
    assert model.ARTIFACT.stat().st_size < 5_000_000


@pytest.mark.parametrize(("text", "cue", "content"), [
    ("Senator Maria Lopez scoffed that the budget would leave rural schools without funding.", "scoffed",
     "that the budget would leave rural schools without funding"),
    ("The mayor disputed that the new bridge was unsafe for heavy trucks.", "disputed",
     "that the new bridge was unsafe for heavy trucks"),
])
def test_a_cue_the_lists_lack_is_found(nlp: Language, text: str, cue: str, content: str) -> None:
    assert lemma(next(t for t in nlp(text) if t.text == cue)) not in CUES
    assert not Extractor(nlp, skip=frozenset({"learned", "proposed", "tagged"})).extract(text).quotes
    result = Extractor(nlp).extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, content)
    assert q.text == content
    assert q.cue is not None and q.cue.text == cue
    assert q.speaker is not None


def test_fit_is_deterministic() -> None:
    rows = [["bias", "lemma=say", "child=ccomp"], ["bias", "lemma=eat", "child=dobj"]] * 5
    labels = [1, 0] * 5
    first = fit(rows, labels, steps=50)
    assert first == fit(rows, labels, steps=50)
    assert first["lemma=say"] > 0 > first["lemma=eat"]


_TINY = [
    {"text": "The senator said that taxes would rise. She ate lunch.", "quotes": [
        {"cue_start": 12, "cue_end": 16}]},
    {"text": "The mayor claimed that the bridge was safe. He walked home.", "quotes": [
        {"cue_start": 10, "cue_end": 17}]},
    {"text": "A judge said the law was void. The clerk filed papers.", "quotes": [
        {"cue_start": 8, "cue_end": 12}]},
]


def test_training_on_a_tiny_set_runs_and_repeats(nlp: Language) -> None:
    first, figures = training.train(nlp, _TINY, held_out=1, threshold=0.5, l2=1.0, steps=30)
    again, _ = training.train(nlp, _TINY, held_out=1, threshold=0.5, l2=1.0, steps=30)
    assert first.to_json() == again.to_json()
    assert figures["held_out_examples"] > 0
    assert model.from_json(first.to_json()).threshold == 0.5
