"""Claims carried by a noun and its "that" clause."""

from __future__ import annotations

from extraction_checks import assert_offsets, no_quote_containing, quote_containing

from app.nlp.pipeline import Extractor


def test_possessive_claim_names_its_source(nlp_extractor: Extractor) -> None:
    text = "At the meeting, the council's claim that the new bridge would cut traffic in half drew laughter."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "would cut traffic in half")
    assert q.text.startswith("that the new bridge")
    assert q.speaker is not None and q.speaker.mention.text == "the council"
    assert q.cue is not None and q.cue.text == "claim"


def test_concern_expressed_by_the_subject(nlp_extractor: Extractor) -> None:
    text = "Dr. Helen Marsh expressed concern that the clinic could close before spring."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "the clinic could close")
    assert q.speaker is not None and q.speaker.name == "Helen Marsh"


def test_relative_clause_after_the_noun_is_not_content(nlp_extractor: Extractor) -> None:
    text = "The statement that the ministry published on Friday ran to four pages."
    result = nlp_extractor.extract(text)
    no_quote_containing(result, "the ministry published")


def test_statement_a_speaker_gave_in_a_verb_phrase(nlp_extractor: Extractor) -> None:
    text = ("Carla Reyes, a spokeswoman for the Green Party, said in a statement that the plan "
            "would hurt families.")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "the plan would hurt families")
    assert q.speaker is not None and q.speaker.mention.text == "Carla Reyes"


def test_a_name_before_the_claim_noun_is_its_source(nlp_extractor: Extractor) -> None:
    text = "The Harlow claim that the vote was rigged was rejected by the court."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "the vote was rigged")
    assert q.speaker is not None and q.speaker.mention.text == "Harlow"
