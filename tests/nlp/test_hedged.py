"""Hedged claims with no source ("seems to", "is expected to")."""

from __future__ import annotations

from extraction_checks import assert_offsets, no_quote_containing, quote_containing

from app.nlp.pipeline import Extractor


def test_seems_to_is_a_claim_without_a_source(nlp_extractor: Extractor) -> None:
    text = "After the vote, the governor seemed ready to abandon the highway plan entirely."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "abandon the highway plan")
    assert q.text.startswith("the governor seemed")  # the subject is part of the claim
    assert q.speaker is None
    assert q.cue is not None and q.cue.text == "seemed"


def test_is_expected_to_takes_its_subject(nlp_extractor: Extractor) -> None:
    text = "The new stadium is expected to open before the next football season."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "open before the next football season")
    assert q.text.startswith("The new stadium")
    assert q.speaker is None  # the stadium expects nothing


def test_appearing_somewhere_is_no_hedge(nlp_extractor: Extractor) -> None:
    text = "The mayor appeared on a morning radio show in Leeds on Tuesday."
    result = nlp_extractor.extract(text)
    no_quote_containing(result, "radio show")
