"""The tagger stage: contents a CRF trained on PolNeAR tags where no rule found anything,
its committed weights, and its training code on a tiny set."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pycrfsuite
from extraction_checks import assert_offsets, quote_containing
from spacy.language import Language

from app.nlp.learned import model, tagger
from app.nlp.pipeline import Extractor
from app.nlp.text import Paragraph, find_quotes
from app.nlp.training import tagger as training


def test_the_committed_model_loads() -> None:
    assert tagger.ARTIFACT.stat().st_size < 20_000_000
    keeper = model.load(tagger.KEEPER)
    assert 0.0 < keeper.threshold < 1.0
    assert len(keeper.weights) > 100
    assert set(tagger._crf().labels()) == set(tagger.LABELS)


SKEPTICAL = "Many residents remain skeptical that the harbour will reopen on time."


def test_a_content_no_rule_finds_is_tagged(nlp: Language) -> None:
    # "skeptical" is an adjective: no list of cue verbs holds it, no verb stage reads it.
    assert not Extractor(nlp, skip=frozenset({"tagged"})).extract(SKEPTICAL).quotes
    result = Extractor(nlp).extract(SKEPTICAL)
    assert_offsets(SKEPTICAL, result)
    q = quote_containing(result, "harbour")
    assert q.text == "that the harbour will reopen on time"
    assert q.kind == "indirect"
    assert q.cue is not None and "skeptical" in q.cue.text
    assert q.speaker is not None and q.speaker.mention.text == "Many residents"
    assert q.cue_type == "other"  # no list holds the cue: nobody is known to have said it


def test_a_sentence_with_a_quotation_is_left_to_the_quotation_stage(nlp: Language) -> None:
    # Its narration tells who speaks and how, and joins the quotation's pieces: on PolNeAR
    # dev a tagged "referring to …" between two pieces kept them from being joined.
    text = SKEPTICAL.removesuffix(".") + ", calling it “a fantasy.”"
    result = Extractor(nlp).extract(text)
    assert_offsets(text, result)
    assert [q.cue.text for q in result.quotes if q.cue is not None] == ["calling"]


def test_runs_of_tags() -> None:
    tags = ["O", "B-C", "I-C", "I-C", "B-Q", "I-C", "O", "B-C"]
    assert tagger.runs(tags, "C") == [(1, 4), (5, 6), (7, 8)]
    assert tagger.runs(tags, "Q") == [(4, 5)]


def test_gold_tags_outermost_first(nlp: Language) -> None:
    text = "Lee said Kim claimed the vote was rigged."
    doc = nlp(text)
    gold = [
        {"start": 9, "end": 40, "cue_start": 4, "cue_end": 8, "speaker_start": 0, "speaker_end": 3},
        {"start": 21, "end": 40, "cue_start": 13, "cue_end": 20, "speaker_start": 9, "speaker_end": 12},
    ]
    assert training.labels(doc, 0, gold) == ["B-S", "B-Q", "B-C", "I-C", "I-C", "I-C", "I-C", "I-C", "O"]


_TINY = [
    "Mayor Ana Ruiz lamented the harbour plan. She ate lunch.",
    "Judge Tom Reyes lamented the new court rules. He walked home.",
    "Chief Lena Berg lamented the budget draft. The clerk filed papers.",
]


def _tiny(nlp: Language) -> list[training.Parsed]:
    out = []
    for text in _TINY:
        start = text.index("the ")
        end = text.index(".")
        cue = text.index("lamented")
        gold = [{"start": start, "end": end, "cue_start": cue, "cue_end": cue + 8,
                 "speaker_start": 6, "speaker_end": cue - 1}]
        out.append(training.Parsed(text, find_quotes(text), [(Paragraph(0, len(text)), nlp(text))], gold))
    return out


def test_training_on_a_tiny_set_repeats_byte_for_byte(nlp: Language, tmp_path: Path) -> None:
    parsed = _tiny(nlp)
    first, again = tmp_path / "first.crfsuite", tmp_path / "again.crfsuite"
    training.fit(parsed, first, c1=0.0, c2=0.01, iterations=50)
    training.fit(parsed, again, c1=0.0, c2=0.01, iterations=50)
    assert first.read_bytes() == again.read_bytes()
    crf = pycrfsuite.Tagger()
    crf.open(str(first))
    found = tagger.tag(parsed[0].parsed[0][1], 0, parsed[0].quotes, crf)
    assert found.contents and found.contents[0][:2] == (4, 7)
    assert found.cues == [(3, 4)]


def test_threads_sharing_the_tagger_get_their_own_paragraphs_tags(nlp: Language) -> None:
    texts = [SKEPTICAL, "Critics of the plan, including several council members, are wary of its cost to taxpayers.",
             "The mayor's aides privately acknowledge the plan is in trouble, officials said on Monday."]
    docs = [nlp(t) for t in texts]
    alone = [tagger.tag(d, 0, find_quotes(t)) for d, t in zip(docs, texts, strict=True)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = [pool.submit(lambda k=k: [tagger.tag(docs[k], 0, find_quotes(texts[k])) for _ in range(40)])
                for k in range(3)]
        together = [r.result() for r in runs]
    assert all(got == alone[k] for k in range(3) for got in together[k])
