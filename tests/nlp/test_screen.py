"""The screen: the last refiner, a model trained on PolNeAR that drops the indirect
attributions the stages made but PolNeAR's annotators would not count; its committed
weights and training code."""

from __future__ import annotations

import pytest
from extraction_checks import assert_offsets, no_quote_containing, quote_containing
from spacy.language import Language

from app.nlp.learned import model, screen
from app.nlp.learned.model import CueModel
from app.nlp.pipeline import Extractor
from app.nlp.training import screen as training
from app.nlp.training.tagger import parse


def test_the_committed_model_loads() -> None:
    scorer = model.load(screen.ARTIFACT)
    assert 0.0 < scorer.threshold < 1.0
    assert len(scorer.weights) > 500
    assert screen.ARTIFACT.stat().st_size < 5_000_000


def test_an_act_the_stages_took_for_a_report_is_dropped(nlp_extractor: Extractor, unscreened: Extractor) -> None:
    text = "Mayor Anna Kowalski said the harbour would reopen in May. She released her tax returns on Friday."
    act = quote_containing(unscreened.extract(text), "tax returns")
    assert act.cue is not None and act.cue.text == "released"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    no_quote_containing(result, "tax returns")
    q = quote_containing(result, "harbour would reopen")
    assert q.speaker is not None and q.speaker.name == "Anna Kowalski"


class _Doubting:
    """A model that doubts every attribution it is shown."""

    @staticmethod
    def load(_path: object) -> CueModel:
        return CueModel({"bias": -30.0}, 0.5)


MIXED = ("Mayor Ana Ruiz said the harbour would reopen in May. "
         "She called the plan “a promise kept” on Monday. "
         "“We are ready,” Ruiz said.")


def test_only_indirect_attributions_are_screened(nlp: Language, monkeypatch: pytest.MonkeyPatch) -> None:
    before = Extractor(nlp).extract(MIXED)
    assert quote_containing(before, "harbour would reopen").kind == "indirect"
    monkeypatch.setattr(screen, "model", _Doubting)
    after = Extractor(nlp).extract(MIXED)
    assert_offsets(MIXED, after)
    no_quote_containing(after, "harbour would reopen")
    assert quote_containing(after, "a promise kept").kind == "mixed"
    assert quote_containing(after, "We are ready").kind == "direct"
    # Switched off, the stage drops nothing, whatever its model.
    assert Extractor(nlp, skip=frozenset({"screened"})).extract(MIXED).quotes == before.quotes


_TINY = [
    {"text": "Mayor Ana Ruiz said the harbour would reopen. Fishermen focused on the cost.",
     "quotes": [{"start": 20, "end": 44, "speaker_start": 6, "speaker_end": 14}]},
    {"text": "Judge Tom Reyes said the court would close early. Lawyers focused on the delays.",
     "quotes": [{"start": 21, "end": 48, "speaker_start": 6, "speaker_end": 15}]},
    {"text": "Chief Lena Berg said the station would hire ten officers. Residents focused on the crime figures.",
     "quotes": [{"start": 21, "end": 56, "speaker_start": 6, "speaker_end": 15}]},
]


def test_training_on_a_tiny_set_labels_runs_and_repeats(nlp: Language) -> None:
    assert [a["text"][a["quotes"][0]["start"]:a["quotes"][0]["end"]] for a in _TINY] == [
        "the harbour would reopen", "the court would close early", "the station would hire ten officers"]
    per_article = [training.screened(p) for p in parse(_TINY, nlp)]
    # The reported clause is a hit; what "focused on" governs is in no gold attribution.
    for a in per_article:
        assert sorted(y for _, y in a.examples()) == [0, 1], [(att.start, att.end) for att, _ in a.found]
    first, figures = training.train(per_article, held_out=1, l2=0.1, steps=100, thresholds=[0.3, 0.5])
    again, _ = training.train(per_article, held_out=1, l2=0.1, steps=100, thresholds=[0.3, 0.5])
    assert first.to_json() == again.to_json()
    # Kept out of the fit, the third article's "focused on the crime figures" is dropped and its
    # reported clause kept: every figure there rises from the unscreened one.
    assert figures["held_out_at_0.0"] < figures["held_out_at_0.5"] == 1.0
    assert figures["threshold"] > 0.0
