"""Parts of a news article around its sentences: datelines, and sources described before
they are named again."""

from __future__ import annotations

import pytest

from app.nlp.pipeline import Extractor

from extraction_checks import assert_offsets, entity_named, quote_containing


@pytest.mark.parametrize("dateline", [
    "OSLO, March 3 (Reuters) - ",
    "OSLO (AP) — ",
    "NEW YORK, Dec. 11 (UPI) — ",
    "BERGEN, Norway, March 3 – ",
])
def test_dateline_is_not_part_of_the_source(nlp_extractor: Extractor, dateline: str) -> None:
    text = (
        "Budget talks stall\n"
        f"{dateline}Norway's finance minister Ingrid Solberg said on Tuesday that the budget would be cut by a fifth.\n"
        "Solberg will present the plan next week."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    quote = quote_containing(result, "the budget would be cut")
    assert quote.speaker is not None
    assert quote.speaker.name == "Ingrid Solberg"
    place = dateline.split(",")[0].split(" (")[0].split(" –")[0]
    assert quote.speaker.mention.text.endswith("Ingrid Solberg")
    assert place not in quote.speaker.mention.text
    assert entity_named(result, place.title()).type == "GPE"


def test_capitalised_words_starting_a_later_paragraph_are_left_alone(nlp_extractor: Extractor) -> None:
    text = (
        "Alliance meets\n"
        "Ministers met in Brussels on Monday.\n"
        "Several delegations arrived late.\n"
        "NATO — the alliance formed in 1949 — said it would meet again in June."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert "NATO" in {m.text for e in result.entities for m in e.mentions}


def test_the_description_refers_back_to_the_source_it_described(nlp_extractor: Extractor) -> None:
    text = (
        "A spokesman for the Harbour Authority said the port would reopen on Monday.\n"
        "Mayor Lena Ortiz welcomed the news at a rally in the city centre.\n"
        "According to the spokesman, ships will be inspected before they dock."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    first = quote_containing(result, "the port would reopen")
    later = quote_containing(result, "ships will be inspected")
    assert first.speaker is not None and later.speaker is not None
    assert later.speaker.mention.text == "the spokesman"
    assert later.speaker.entity == first.speaker.entity
    assert later.speaker.name != "Lena Ortiz"


def test_relative_pronoun_source_is_the_person_it_hangs_on(nlp_extractor: Extractor) -> None:
    text = (
        "The bill was opposed by Senator Ada Marsh, who said that it would raise rents for most families.\n"
        "Marsh has led the opposition since March."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    quote = quote_containing(result, "it would raise rents")
    assert quote.speaker is not None
    assert quote.speaker.mention.text == "who"
    assert quote.speaker.name == "Ada Marsh"
    assert quote.speaker.entity is not None
