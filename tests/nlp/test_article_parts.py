"""Parts of a news article around its sentences: datelines, and sources described before
they are named again."""

from __future__ import annotations

import pytest
from extraction_checks import assert_offsets, entity_named, quote_containing

from app.nlp.pipeline import Extractor


@pytest.mark.parametrize("dateline", [
    "OSLO, March 3 (Reuters) - ",
    "OSLO (AP) — ",
    "NEW YORK, Dec. 11 (UPI) — ",
    "BERGEN, Norway, March 3 – ",
    "Washington (AFP) – ",
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


def test_a_title_case_opening_without_an_agency_is_not_a_dateline(nlp_extractor: Extractor) -> None:
    text = "Budget talks stall\nFinance Minister Ingrid Solberg – a former banker – said the budget would be cut.\n"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    quote = quote_containing(result, "the budget would be cut")
    assert quote.speaker is not None and quote.speaker.name == "Ingrid Solberg"


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


def test_headline_in_capitals_yields_its_names_not_one_long_organisation(nlp_extractor: Extractor) -> None:
    text = (
        "SENATE PASSES HOUSING BILL AFTER NATO SUMMIT\n"
        "The Senate passed the housing bill on Friday, a day after the NATO summit ended."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    senate = entity_named(result, "Senate")
    assert any(m.text == "SENATE" for m in senate.mentions)
    for entity in result.entities:
        assert "PASSES" not in entity.name and "BILL" not in entity.name, entity


def test_names_keep_the_case_the_article_writes_them_in(nlp_extractor: Extractor) -> None:
    # The headline is parsed in sentence case, and a name the body never writes may be
    # lowered for the parser ("hillary" is in the word list); the name is the article's.
    text = (
        "Senator Lena Ortiz Says Hillary Clinton Is Not Fit To Serve\n"
        "The senator spoke at a rally on Sunday and left without taking questions.\n"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    for entity in result.entities:
        assert entity.name in {m.text for m in entity.mentions} or entity.type == "GPE", entity
        assert entity.name[0].isupper(), entity


def test_photo_caption_gives_no_statement_and_its_credit_no_entity(nlp_extractor: Extractor) -> None:
    text = (
        "Housing bill passes\n"
        "The Senate passed the housing bill on Friday.\n"
        "FILE - In this March 3 file photo, Sen. Ada Marsh speaks to reporters on Capitol Hill. (AP Photo/Evan Vucci)\n"
        "“This bill will build homes,” Marsh said after the vote.\n"
        "Photo: Tom Quill leaves the chamber. Jane Doe/Reuters"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    caption_start = text.index("FILE -")
    caption_end = text.index("“This")
    assert not [q for q in result.quotes if caption_start <= q.start < caption_end], result.quotes
    names = {e.name for e in result.entities}
    assert not [n for n in names if "Vucci" in n or "Jane Doe" in n or "Photo" in n], names
    quote = quote_containing(result, "This bill will build homes")
    assert quote.speaker is not None and quote.speaker.name == "Ada Marsh"


def test_a_poll_named_with_a_slash_is_no_photo_credit(nlp_extractor: Extractor) -> None:
    text = "Voters back the bill\nThe latest Reuters/Ipsos poll released Friday shows that most voters back the housing bill."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    quote_containing(result, "most voters back the housing bill")


def test_dateline_with_letters_whose_lowercase_is_longer_keeps_offsets(nlp_extractor: Extractor) -> None:
    text = "Port deal\nİZMİR, March 3 (Reuters) - Harbour chief Deniz Kaya said on Tuesday that the port would reopen."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    quote = quote_containing(result, "the port would reopen")
    assert quote.text.endswith("the port would reopen")
    assert quote.speaker is not None and quote.speaker.mention.text.endswith("Deniz Kaya")
    assert "İZMİR" not in quote.speaker.mention.text
    assert [m.text for m in entity_named(result, "Deniz Kaya").mentions] == ["Deniz Kaya"]


def test_headline_labelled_with_a_role_names_the_person_the_story_quotes(nlp_extractor: Extractor) -> None:
    text = (
        "Minister: Port of Elwin will reopen in June\n"
        "The harbour has been closed since the storm.\n"
        "Transport Minister Lena Ortiz said on Monday that the port would reopen in June."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    headline = quote_containing(result, "Port of Elwin will reopen")
    assert headline.speaker is not None and headline.speaker.mention.text == "Minister"
    assert headline.speaker.name == "Lena Ortiz"
    assert headline.speaker.entity is not None
    assert result.entities[headline.speaker.entity] is entity_named(result, "Lena Ortiz")


def test_transcript_quoted_turn_by_turn_gives_one_statement_per_turn(nlp_extractor: Extractor) -> None:
    text = (
        "Holt defends the budget\n"
        "Senator Jane Holt spoke to the host on Sunday. Partial transcript as follows:\n"
        "\"BRANDT: Senator, will the budget pass this week, as your party leaders have promised?\n"
        "\"HOLT: Well, I think the budget deal is a good one for the state and for its workers.\n"
        "\"BRANDT: And if it does not pass, who will your voters blame for it?\"\n"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    question = quote_containing(result, "will the budget pass")
    answer = quote_containing(result, "the budget deal is a good one")
    assert question is not answer
    assert answer.text.startswith("Well, I think") and answer.text.endswith("workers.")
    assert answer.speaker is not None and answer.speaker.mention.text == "HOLT"
    assert answer.speaker.name == "Jane Holt"
    assert question.speaker is not None and question.speaker.mention.text == "BRANDT"


def test_casting_someone_as_words_in_quotation_marks_is_an_attribution(nlp_extractor: Extractor) -> None:
    text = "Port vote\nMayor Lena Ortiz has long painted her rival as a “career politician” in her speeches."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    quote = quote_containing(result, "career politician")
    assert quote.text.startswith("her rival as")
    assert quote.kind == "mixed"
    assert quote.speaker is not None and quote.speaker.name == "Lena Ortiz"


def test_unresolved_relative_pronoun_source_is_named_by_its_noun(nlp_extractor: Extractor) -> None:
    text = "Port vote\nThe council heard from an architect who said that the new pier would not survive a storm."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    quote = quote_containing(result, "the new pier would not survive")
    assert quote.speaker is not None and quote.speaker.mention.text == "who"
    assert quote.speaker.entity is None
    assert quote.speaker.name == "an architect"


def test_transcript_that_writes_its_speakers_as_names(nlp_extractor: Extractor) -> None:
    text = (
        "Budget talk\n"
        "Two senators debated the budget on the radio on Sunday.\n"
        "Dana Whitfield: The budget will pass before the summer recess, I am sure of it.\n"
        "Subscribe: Get the newsletter every morning in your inbox."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    quote = quote_containing(result, "The budget will pass")
    assert quote.text.startswith("The budget will pass")
    assert quote.speaker is not None and quote.speaker.name == "Dana Whitfield"
    assert not [q for q in result.quotes if "newsletter" in q.text]


def test_transcript_that_labels_its_speakers_by_surname(nlp_extractor: Extractor) -> None:
    text = (
        "Budget talk\n"
        "Senator Dana Whitfield and the economist Marta Okonkwo debated the budget on the radio.\n"
        "Whitfield: The budget will pass before the summer recess, I am sure of it.\n"
        "Okonkwo: Well, the numbers do not add up for the cities.\n"
        "Highlights: Traffic was heavy across the city on Sunday morning."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    first = quote_containing(result, "The budget will pass")
    assert first.speaker is not None and first.speaker.name == "Dana Whitfield"
    second = quote_containing(result, "numbers do not add up")
    assert second.speaker is not None and second.speaker.name == "Marta Okonkwo"
    assert second.text.startswith("Well")
    assert not [q for q in result.quotes if "Traffic" in q.text]


def test_titles_in_quotation_marks_are_not_speech_but_short_speech_is(nlp_extractor: Extractor) -> None:
    text = (
        "Budget talk\n"
        "Speaking on Sunday on ABC’s “This Week,” Senator Dana Whitfield defended the budget.\n"
        "Her memoir, “Thelma and the Harbour,” sold well last year.\n"
        "“Hopefully,” she said. “We’re ready.”"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert not [q for q in result.quotes if q.text.strip("“”,") in ("This Week", "Thelma and the Harbour")], result.quotes
    hopefully = quote_containing(result, "Hopefully")
    assert hopefully.speaker is not None and hopefully.speaker.name == "Dana Whitfield"
    quote_containing(result, "We’re ready")


def test_the_byline_names_the_author_not_an_entity(nlp_extractor: Extractor) -> None:
    text = (
        "Port to reopen\n"
        "Harbour chief Deniz Kaya said on Monday that the port would reopen in June.\n"
        "By Lena Ortiz and Tom Quill"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    names = {e.name for e in result.entities}
    assert "Deniz Kaya" in names
    assert not names & {"Lena Ortiz", "Tom Quill"}, names


def test_he_and_she_skip_a_person_the_article_marks_as_the_other_gender(nlp_extractor: Extractor) -> None:
    text = (
        "Port vote\n"
        "Mr. Tom Quill opened the hearing on Monday. Ms. Dana Whitfield then spoke for an hour about the harbour.\n"
        "“We cannot wait any longer for this port to reopen,” he said.\n"
        "“The money is there,” she said."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    his = quote_containing(result, "We cannot wait")
    hers = quote_containing(result, "The money is there")
    assert his.speaker is not None and his.speaker.name == "Tom Quill"
    assert hers.speaker is not None and hers.speaker.name == "Dana Whitfield"
