"""Quotations and reported speech on small hand-written articles."""

from __future__ import annotations

import pytest

from app.nlp.pipeline import Extractor

from extraction_checks import assert_offsets, no_quote_containing, quote_containing


@pytest.mark.parametrize(
    ("opening", "closing"),
    [('"', '"'), ("“", "”"), ("«", "»")],
    ids=["straight", "curly", "guillemets"],
)
def test_each_quote_mark_style(nlp_extractor: Extractor, opening: str, closing: str) -> None:
    text = f"{opening}We will rebuild the bridge before winter comes,{closing} Mayor Anna Kowalski said on Monday."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "rebuild the bridge")
    assert q.text.startswith(opening) and q.text.endswith(closing)
    assert q.kind == "direct"
    assert q.speaker is not None and q.speaker.name == "Anna Kowalski"
    assert q.cue is not None and q.cue.text == "said"


def test_single_quotes_nested_inside_double(nlp_extractor: Extractor) -> None:
    text = "“They told us ‘wait for the report’ and we waited for months,” Maria Lopez said."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "wait for the report")
    assert q.start == 0 and q.text.endswith("months,”")  # one quotation, not cut at ’
    assert q.speaker is not None and q.speaker.name == "Maria Lopez"


def test_quote_over_several_paragraphs(nlp_extractor: Extractor) -> None:
    text = (
        "Senator Paul Greene spoke to reporters in the capital on Tuesday.\n\n"
        "“The budget is a disgrace and everyone in this building knows it,” Greene said. "
        "“We have spent three years promising the farmers help.\n\n"
        "“Now they are told to wait again, and I will not vote for that.”\n"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "promising the farmers")
    assert "I will not vote for that" in q.text  # the reopened paragraph continues it
    assert q.speaker is not None and q.speaker.name == "Paul Greene"


def test_quote_split_by_its_attribution(nlp_extractor: Extractor) -> None:
    text = "“We will,” Jane Porter said, “win this election by a wide margin.”"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert result.quotes, "no quote found"
    for q in result.quotes:
        assert q.speaker is not None and q.speaker.name == "Jane Porter"
    covered = "".join(q.text for q in result.quotes)
    assert "We will" in covered and "wide margin" in covered


def test_partial_quote_inside_reported_speech_is_mixed(nlp_extractor: Extractor) -> None:
    text = "The minister, Omar Haddad, said the plan was “a historic mistake” that would cost jobs."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "historic mistake")
    assert q.kind == "mixed"
    assert q.text.startswith("the plan was")
    assert q.speaker is not None and q.speaker.name == "Omar Haddad"


def test_scare_quotes_and_titles_are_not_speech(nlp_extractor: Extractor) -> None:
    text = (
        "The council approved the so-called “green corridor” on Monday.\n"
        "Critics have watched the film “Dark Waters” twice this year."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    no_quote_containing(result, "green corridor")
    no_quote_containing(result, "Dark Waters")


def test_indirect_speech_with_source_before(nlp_extractor: Extractor) -> None:
    text = "Finance Minister Olga Petrova said the deficit would shrink next year."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "the deficit would shrink")
    assert q.kind == "indirect"
    assert q.text == "the deficit would shrink next year"
    assert q.speaker is not None and "Olga Petrova" in q.speaker.mention.text
    assert q.speaker.name == "Olga Petrova"


def test_indirect_speech_with_source_after(nlp_extractor: Extractor) -> None:
    text = "The deficit will shrink next year, Finance Minister Olga Petrova told parliament."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "deficit will shrink")
    assert q.text == "The deficit will shrink next year"
    assert q.speaker is not None and q.speaker.name == "Olga Petrova"
    assert q.cue is not None and q.cue.text == "told"


def test_according_to(nlp_extractor: Extractor) -> None:
    text = "According to the World Bank, growth in the region will slow to two percent."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "growth in the region")
    assert "According" not in q.text
    assert q.speaker is not None and "World Bank" in q.speaker.mention.text
    assert q.cue is not None and q.cue.text == "According to"


def test_pronoun_resolves_to_the_last_person(nlp_extractor: Extractor) -> None:
    text = (
        "Senator Teresa Mendez arrived in Lisbon on Friday.\n"
        "“The talks have been long but useful for both of our countries,” she said."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "talks have been long")
    assert q.speaker is not None
    assert q.speaker.mention.text == "she"
    assert q.speaker.name == "Teresa Mendez"
    assert q.speaker.entity is not None and result.entities[q.speaker.entity].name == "Teresa Mendez"


def test_description_resolves_to_the_person_with_that_title(nlp_extractor: Extractor) -> None:
    text = (
        "Brazil's ambassador to France, Carlos Ribeiro, met the foreign minister on Monday.\n"
        "“Trade between our countries has never been stronger than it is now,” the ambassador said."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "never been stronger")
    assert q.speaker is not None
    assert q.speaker.mention.text.lower() == "the ambassador"
    assert q.speaker.name == "Carlos Ribeiro"


def test_bare_surname_resolves_to_full_name(nlp_extractor: Extractor) -> None:
    text = (
        "Governor Hannah Whitfield visited the flooded towns on Sunday.\n"
        "“Nobody will be left behind in this recovery, I promise you that,” Whitfield said."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "Nobody will be left behind")
    assert q.speaker is not None and q.speaker.mention.text == "Whitfield"
    assert q.speaker.name == "Hannah Whitfield"


def test_quote_continuing_a_turn_keeps_its_speaker(nlp_extractor: Extractor) -> None:
    text = (
        "“The harvest was the worst in twenty years,” farmer Luis Ortega said. "
        "“My children will have to find work in the city if the rain does not come.”"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "My children will have to find work")
    assert q.speaker is not None and q.speaker.name == "Luis Ortega"


def test_quote_with_no_source_has_no_speaker(nlp_extractor: Extractor) -> None:
    text = (
        "The report was published on Monday.\n"
        "“Every household in the valley should prepare for a long and difficult winter ahead.”\n"
        "The warning was printed on the front page."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    for q in result.quotes:
        assert q.speaker is None, q


def test_speech_inside_a_quotation_belongs_to_the_quoted_speaker(nlp_extractor: Extractor) -> None:
    text = "“My father always said we should never sell the farm to anyone,” Peter Brandt said."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "never sell the farm")
    assert q.speaker is not None and q.speaker.name == "Peter Brandt"
    assert all(q2.speaker is None or q2.speaker.mention.text != "My father" for q2 in result.quotes)


def test_doubled_apostrophes_are_quotation_marks(nlp_extractor: Extractor) -> None:
    text = "''We have to fix the roads before we build anything new,'' Mayor Lisa Grant said on Tuesday."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "fix the roads")
    assert q.start == 0 and q.text.endswith("new,''")
    assert q.speaker is not None and q.speaker.name == "Lisa Grant"


def test_reader_comment_signed_after_a_dash(nlp_extractor: Extractor) -> None:
    text = "“I have voted in every election since 1970 and I will vote again this year.” ― Maria Gonzales\n"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "voted in every election")
    assert q.speaker is not None and q.speaker.mention.text == "Maria Gonzales"


def test_source_as_an_aside_inside_the_sentence(nlp_extractor: Extractor) -> None:
    text = "The museum, Mr. Obama said, would make visitors face uncomfortable truths."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "face uncomfortable truths")
    assert q.text.startswith("The museum")
    assert q.speaker is not None and "Obama" in q.speaker.mention.text


def test_turn_continues_after_a_long_description_of_the_speaker(nlp_extractor: Extractor) -> None:
    text = (
        "“This is not reform at all,” said Rep. Elijah Cummings, the top Democrat on the "
        "Oversight Committee, in a statement. “They will stop at nothing to damage the campaign.”"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "stop at nothing")
    assert q.speaker is not None and q.speaker.name == "Elijah Cummings"
    assert q.speaker.mention.text.endswith("Elijah Cummings")  # not "the top Democrat"


def test_stray_straight_mark_does_not_swallow_the_next_paragraph(nlp_extractor: Extractor) -> None:
    text = '"Kevin was snoring.\n\n“Here he is, babe,” she said. “Donald’s here, babe.”'
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    for q in result.quotes:
        assert "\n" not in q.text, q
    assert quote_containing(result, "Here he is, babe").start == text.index("“Here")
