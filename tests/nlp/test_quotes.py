"""Quotations and reported speech on small hand-written articles."""

from __future__ import annotations

import pytest
from extraction_checks import assert_offsets, no_quote_containing, quote_containing
from spacy.tokens import Doc

from app.nlp import quotes
from app.nlp.pipeline import Extractor
from app.nlp.text import find_quotes


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


@pytest.mark.parametrize("between", [",", "."])
def test_a_statement_interrupted_by_its_attribution_is_one_quote(nlp_extractor: Extractor, between: str) -> None:
    text = f"“We will,” Jane Porter said{between} “We will win this election by a wide margin.”"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert len(result.quotes) == 1, result.quotes
    q = result.quotes[0]
    assert [p.text for p in q.parts] == ["“We will,”", "“We will win this election by a wide margin.”"]
    assert q.kind == "direct" and q.cue is not None and q.cue.text == "said"
    assert q.speaker is not None and q.speaker.name == "Jane Porter"


@pytest.mark.parametrize(
    ("attribution", "aside"),
    [("Mayor Lena Brandt said, adding that the council had approved the money", "the council had approved"),
     ("said Lena Brandt, a mayor who declined to discuss the cost", "discuss the cost")],
    ids=["adding-that", "relative-clause"],
)
def test_a_report_in_the_attribution_does_not_take_the_statement_it_interrupts(
        unscreened: Extractor, attribution: str, aside: str) -> None:
    text = f"“The harbour will be finished by June,” {attribution}. “Nobody can stop it now.”"
    result = unscreened.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "finished by June")
    assert [p.text for p in q.parts] == ["“The harbour will be finished by June,”", "“Nobody can stop it now.”"]
    assert q.cue is not None and q.cue.text == "said"
    assert q.speaker is not None and q.speaker.name == "Lena Brandt"
    # The aside stays a report of its own.
    assert [x.kind for x in result.quotes if x is not q and aside in x.text] == ["indirect"]


def test_a_quotation_after_narration_in_the_speakers_paragraph_goes_on_with_the_statement(
        nlp_extractor: Extractor) -> None:
    text = ("“The bridge is finished,” Mayor Lena Brandt said. The town has waited nine years for it, and the "
            "old ferry will stop running next month. “We will open it on the first of May.”")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert len(result.quotes) == 1, result.quotes
    q = result.quotes[0]
    assert [p.text for p in q.parts] == ["“The bridge is finished,”", "“We will open it on the first of May.”"]
    assert q.speaker is not None and q.speaker.name == "Lena Brandt"


def test_a_quotation_after_a_sentence_about_someone_else_is_theirs(nlp_extractor: Extractor) -> None:
    text = ("“The bridge is finished,” Mayor Lena Brandt said. Tom Reyes shook his head at the back of the "
            "hall. “We will open it on the first of May.”")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "first of May")
    assert len(q.parts) == 1
    assert q.speaker is not None and q.speaker.name == "Tom Reyes"


def test_a_turn_continued_in_the_next_paragraph_is_a_quote_of_its_own(nlp_extractor: Extractor) -> None:
    text = ("“The plan has failed,” Jane Porter said. “We will try again next spring.”\n"
            "“And this time we will ask the farmers first, before anything is built.”")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert len(quote_containing(result, "has failed").parts) == 2
    later = quote_containing(result, "farmers first")
    assert len(later.parts) == 1
    assert later.speaker is not None and later.speaker.name == "Jane Porter"


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


def test_topic_cast_as_something_keeps_the_as_phrase(nlp_extractor: Extractor) -> None:
    text = "In her speech, Ruiz focused on the harbour plan as a test of the council's nerve."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "harbour plan")
    assert q.text == "the harbour plan as a test of the council's nerve"
    assert q.cue is not None and q.cue.text == "focused"


def test_passive_cue_with_its_source_in_a_by_phrase(nlp_extractor: Extractor) -> None:
    text = "The harbour plan was rejected by the Port Authority on Tuesday."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "harbour plan")
    assert q.text == "The harbour plan"
    assert q.speaker is not None and q.speaker.mention.text == "the Port Authority"
    assert q.cue is not None and q.cue.text == "rejected"


@pytest.mark.parametrize(("text", "content"), [
    # The closing mark belongs to the quotation; a dangling dash is no part of the subject.
    ("The so-called “harbour plan” was rejected by the Port Authority on Tuesday.", "The so-called “harbour plan”"),
    ("The harbour plan -- was rejected by the Port Authority on Tuesday.", "The harbour plan"),
])
def test_passive_content_ends_as_a_clause_content_ends(nlp_extractor: Extractor, text: str, content: str) -> None:
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "harbour plan")
    assert q.text == content
    assert q.cue is not None and q.cue.text == "rejected"


def test_passive_cue_after_a_relative_pronoun_reports_nothing(nlp_extractor: Extractor) -> None:
    # The noun "which" stands for is outside the clause: no content to take.
    text = "The council approved the bypass, which was criticized by local farmers."
    result = nlp_extractor.extract(text)
    no_quote_containing(result, "which")


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


def test_aside_after_a_plural_subject_names_the_source(nlp_extractor: Extractor) -> None:
    text = "Voters, Marsh suggested, don’t have to worry about the new tax plan."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "worry about the new tax plan")
    assert q.speaker is not None and q.speaker.mention.text == "Marsh"


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


@pytest.mark.parametrize(
    "description",
    [
        "said Marta Quist, a lawyer for the river trust, who has been challenging the mill over its waste for years.",
        "Marta Quist said, referring to the mill's owner, the Halvorsen Paper Company.",
    ],
    ids=["relative-clause", "participle"],
)
def test_a_report_inside_the_description_of_the_source_does_not_split_the_statement(
        nlp_extractor: Extractor, description: str) -> None:
    text = f"“These are strange days,” {description} “I doubt the owners can keep their promise.”"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "strange days")
    assert len(q.parts) == 2 and "keep their promise" in q.parts[1].text
    assert q.speaker is not None and q.speaker.name == "Marta Quist"
    # "challenging the mill", "referring to the owner": who she is, not a statement of hers
    assert len(result.quotes) == 1, [x.text for x in result.quotes]


def test_source_between_the_quotation_and_its_verb_when_the_parse_gives_the_verb_none(
        nlp_extractor: Extractor) -> None:
    # The parse of a real sentence of this shape ("…,” Flynn, a top Trump surrogate, said …
    # on “Fox and Friends.”) hangs the name on a noun inside the quotation and gives the
    # verb no subject; the parse is built by hand so the test does not hang on the model.
    words = ["“", "It", "is", "over", ",", "”", "Brandt", ",", "an", "organiser", ",", "said", "."]
    spaces = [False, True, True, False, False, True, False, True, True, False, True, False, False]
    heads = [2, 2, 11, 2, 2, 2, 3, 6, 9, 6, 6, 11, 11]
    deps = ["punct", "nsubj", "ccomp", "acomp", "punct", "punct", "appos", "punct", "det", "appos", "punct",
            "ROOT", "punct"]
    pos = ["PUNCT", "PRON", "AUX", "ADV", "PUNCT", "PUNCT", "PROPN", "PUNCT", "DET", "NOUN", "PUNCT", "VERB",
           "PUNCT"]
    lemmas = ["“", "it", "be", "over", ",", "”", "Brandt", ",", "an", "organiser", ",", "say", "."]
    doc = Doc(nlp_extractor.nlp.vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos,
              lemmas=lemmas)
    found = find_quotes(doc.text)
    att = quotes.cue_near(found.spans[0], doc, 0, doc.text, found)
    assert att is not None and att.speaker is not None
    assert doc.text[att.speaker[0]:att.speaker[1]] == "Brandt"


def test_a_statement_stays_one_around_the_sources_own_report_between_its_parts(nlp_extractor: Extractor) -> None:
    text = ("“It is over,” she said of the 2016 election, in which she was sure Trump would triumph and more "
            "and more people across the country would at last see the truth. “In my head, anyway.”")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "It is over")
    assert [p.text for p in q.parts] == ["“It is over,”", "“In my head, anyway.”"]
    assert [x.kind for x in result.quotes if "Trump would triumph" in x.text] == ["direct", "indirect"]


def test_stray_straight_mark_does_not_swallow_the_next_paragraph(nlp_extractor: Extractor) -> None:
    text = '"Kevin was snoring.\n\n“Here he is, babe,” she said. “Donald’s here, babe.”'
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    for q in result.quotes:
        assert "\n" not in q.text, q
    assert quote_containing(result, "Here he is, babe").start == text.index("“Here")


def test_reported_speech_nested_in_another_is_not_separate(nlp_extractor: Extractor) -> None:
    text = "The mayor, Tom Becker, said his deputy believes the bridge will reopen in May.\n"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "the bridge will reopen")
    assert q.text.startswith("his deputy believes")
    assert q.speaker is not None and q.speaker.name == "Tom Becker"
    assert not any(r.cue is not None and r.cue.text == "believes" for r in result.quotes)


def test_quote_source_after_a_title_with_a_stop(nlp_extractor: Extractor) -> None:
    text = ("The vote is close.\n\n"
            "\"We will win this seat. It is ours,\" Sen. Mary K. Olson said on Tuesday.\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "We will win")
    assert q.speaker is not None and "Olson" in q.speaker.mention.text


def test_source_after_a_quote_whose_last_sentence_is_verbless(nlp_extractor: Extractor) -> None:
    text = "The race is tight.\n\n“The campaign is in trouble. Real trouble,” said Dana Whitfield, a pollster.\n"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "Real trouble")
    assert q.speaker is not None and q.speaker.mention.text == "Dana Whitfield"


def test_headline_labelled_with_its_source(nlp_extractor: Extractor) -> None:
    text = "Olga Petrova: Taxes Will Not Rise Next Year\n\nThe minister spoke in Oslo on Monday.\n"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "Taxes Will Not Rise")
    assert q.text == "Taxes Will Not Rise Next Year"
    assert q.speaker is not None and q.speaker.mention.text == "Olga Petrova"


def test_headline_label_that_is_a_noun_but_no_name(nlp_extractor: Extractor) -> None:
    text = "Survey: Farmers in the valley expect a poor harvest this autumn.\n\nGrowers were asked in May.\n"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "Farmers in the valley")
    assert q.speaker is not None and q.speaker.mention.text == "Survey"


def test_headline_kicker_is_not_a_source(nlp_extractor: Extractor) -> None:
    text = "Breaking: Farmers in the valley expect a poor harvest this autumn.\n\nGrowers were asked in May.\n"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert all(q.speaker is None or q.speaker.mention.text != "Breaking" for q in result.quotes)


def test_transcript_speaker_label_in_capitals(nlp_extractor: Extractor) -> None:
    text = ("Senator Jane Holt spoke to the host.\n\n"
            "HOLT: Well, I think the budget deal is a good one for the state.\n\n"
            "UPDATE: This story has been changed to add the senator's party.\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "the budget deal")
    assert q.text.startswith("Well, I think")
    assert q.speaker is not None and q.speaker.mention.text == "HOLT"
    no_quote_containing(result, "This story has been changed")


def test_call_for_and_call_on_take_whoever_is_to_act(nlp_extractor: Extractor) -> None:
    text = ("Mayor Ann Reyes called for the council to publish the audit.\n\n"
            "She also called on the governor to release the flood funds.\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert quote_containing(result, "publish the audit").text == "the council to publish the audit"
    assert quote_containing(result, "release the flood").text == "the governor to release the flood funds"


def test_need_is_not_a_stance(nlp_extractor: Extractor) -> None:
    text = "Senator Ruth Kane needs 67 delegates to clinch the nomination.\n"
    result = nlp_extractor.extract(text)
    no_quote_containing(result, "delegates")


def test_aside_after_a_comma_is_not_content(nlp_extractor: Extractor) -> None:
    text = "Governor Lee Tran predicted a win in Ohio, which votes in March.\n"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert quote_containing(result, "a win in Ohio").text == "a win in Ohio"


def test_source_the_parser_took_for_an_apposition(nlp_extractor: Extractor) -> None:
    text = ("Campaigning for his wife Democratic presidential front-runner Hillary Clinton, former "
            "president Bill Clinton said his wife was uniquely qualified to be president.\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "uniquely qualified")
    assert q.speaker is not None and "Bill Clinton" in q.speaker.mention.text


def test_any_verb_introducing_a_quotation_after_a_comma(nlp_extractor: Extractor) -> None:
    text = ("After the mayor criticized the plan, Councillor Rosa Diaz shot back, "
            "“We will not be lectured by anyone on this.”\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "We will not be lectured")
    assert q.speaker is not None and "Rosa Diaz" in q.speaker.mention.text


def test_any_verb_after_a_quotation_left_open(nlp_extractor: Extractor) -> None:
    text = "The crowd cheered.\n\n“This is wonderful!” beamed Carla Nunez, a teacher from Dayton.\n"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "This is wonderful")
    assert q.speaker is not None and "Carla Nunez" in q.speaker.mention.text
    assert q.cue is not None and q.cue.text == "beamed"


def test_words_introducing_a_quotation_stay_in_the_content(nlp_extractor: Extractor) -> None:
    text = "Governor Amy Cole told reporters that “we are in this together, all of us.”\n"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "we are in this together")
    assert q.kind == "mixed"
    assert q.text.startswith("that “we are")


def test_hoping_is_a_stance_not_hopping(nlp_extractor: Extractor) -> None:
    # The small model lemmatizes "hoped" as "hop".
    text = "The union hoped the new contract would end the strike by Friday."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "end the strike")
    assert q.speaker is not None and q.speaker.mention.text == "The union"
    assert q.cue is not None and q.cue.text == "hoped"


def test_stance_toward_a_named_object(nlp_extractor: Extractor) -> None:
    text = "Mayor Anna Kowalski highlighted the city's new recycling scheme in her speech."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "recycling scheme")
    assert q.speaker is not None and q.speaker.name == "Anna Kowalski"


def test_a_headline_generic_backing_a_plan_is_news_not_a_quote(nlp_extractor: Extractor) -> None:
    # A bare common noun ("valley town") holds no stance anyone stated; the determined
    # group in the body ("The town board") does.
    text = ("Valley town backs new reservoir scheme after long dispute\n"
            "The town board backed the reservoir scheme on Monday.\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    no_quote_containing(result, "new reservoir scheme")
    q = quote_containing(result, "reservoir scheme")
    assert q.speaker is not None and q.speaker.mention.text == "The town board"


def test_a_surname_the_tagger_reads_as_a_common_noun_holds_a_stance(nlp_extractor: Extractor) -> None:
    # The parse tags "Crane" a bare common noun; the article names a person by it, so it
    # is no headline's generic and what she stopped short of calling is hers.
    text = ("Senator Mara Crane spoke after the verdict on Monday.\n"
            "Crane further described the ruling as a “grave mistake,” but stopped short of calling "
            "the judge’s decision politically motivated.\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "politically motivated")
    assert q.cue is not None and q.cue.text == "calling"
    assert q.speaker is not None and q.speaker.name == "Mara Crane"


def test_title_case_headline_is_read_as_a_sentence(nlp_extractor: Extractor) -> None:
    text = (
        "Mayor Kowalski Says Harbor Bridge Will Reopen Next Month\n"
        "Mayor Anna Kowalski told reporters on Monday that repairs were almost finished. "
        "The Harbor Bridge has been closed since March.\n"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "Will Reopen Next Month")  # the text itself is untouched
    assert q.speaker is not None and q.speaker.name == "Anna Kowalski"
    assert q.cue is not None and q.cue.text == "Says"


def test_quotation_ending_a_sentence_its_verb_began(nlp_extractor: Extractor) -> None:
    text = ("Councillor Ruth Abara says the depot will be finished this year, but "
            "it will bring “endless noise and lorries at dawn.”")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "endless noise")
    assert "the depot will be finished" in q.text  # from the verb to the quotation's end
    assert q.speaker is not None and q.speaker.mention.text.endswith("Ruth Abara")
    assert q.kind == "mixed"
    assert len(result.quotes) == 1  # the clause of "says" alone is not a second quote


def test_stance_toward_a_single_name(nlp_extractor: Extractor) -> None:
    text = "The farmers' union endorsed Kowalski on Thursday. Its members praised lunch."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "Kowalski")
    assert q.text == "Kowalski"
    assert q.cue is not None and q.cue.text == "endorsed"
    no_quote_containing(result, "lunch")  # a one-word common noun stays a fragment


def test_paragraph_ending_in_a_colon_introduces_the_next_quote(nlp_extractor: Extractor) -> None:
    text = (
        "The harbour master Ines Duarte listed her demands on Monday:\n\n"
        "“Dredge the channel, repair the pier and hire two more pilots before the winter storms.”\n"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "Dredge the channel")
    assert q.speaker is not None and q.speaker.name == "Ines Duarte"
    assert q.cue is not None and q.cue.text == "listed"


def test_clause_after_the_verb_is_what_it_reports(nlp_extractor: Extractor) -> None:
    # The parser may hang the writer's clause before a semicolon on the verb as well.
    text = "It’s a very unlikely outcome; the mayor’s office says she will run again next spring."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "she will run again")
    assert q.text == "she will run again next spring"
    assert q.speaker is not None and q.speaker.mention.text == "the mayor’s office"
    no_quote_containing(result, "unlikely outcome")


def test_clause_after_a_phrase_parsed_as_adverbial(nlp_extractor: Extractor) -> None:
    # "after the hearing" between verb and clause makes the parser read "accept" as advcl.
    text = "Garcia said after the hearing he would not accept the committee's offer if it were repeated."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "would not accept")
    assert q.text == "he would not accept the committee's offer if it were repeated"
    assert q.speaker is not None and q.speaker.mention.text == "Garcia"


def test_according_to_keeps_a_claim_that_holds_a_stance(nlp_extractor: Extractor) -> None:
    # "plans to visit" is itself a stance; its content does not hold the cue "according
    # to", so it does not swallow the claim the aide made.
    text = "The mayor plans to visit the flooded villages on Sunday, according to a city hall aide."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "The mayor plans")
    assert q.text == "The mayor plans to visit the flooded villages on Sunday"
    assert q.speaker is not None and q.speaker.mention.text == "a city hall aide"


def test_dash_signature_with_no_break_spaces(nlp_extractor: Extractor) -> None:
    # Web text often puts a no-break space after the dash and at the end of the line.
    text = ("Readers sent us their views on the debate.\n"
            "“The candidates ignored the farmers again, and nobody asked about water.”\u2015\u00a0Lena Ortiz\u00a0\n"
            "“Nobody on that stage understands how hard the winter was for us.” \u2015 Tom Reyes\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "ignored the farmers")
    assert q.speaker is not None and q.speaker.mention.text == "Lena Ortiz"


def test_paragraph_opened_with_a_closing_mark(nlp_extractor: Extractor) -> None:
    # ”Word at the start of a paragraph is a typo for “Word, not the end of a quotation.
    text = ("Readers sent us their views on the debate.\n"
            "“The candidates ignored the farmers again, and nobody asked about water.” \u2015 Lena Ortiz\n"
            "”Nobody on that stage understands how hard the winter was for us.” \u2015 Tom Reyes\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "Nobody on that stage")
    assert q.text.startswith("”Nobody") and q.text.endswith("for us.”")
    assert q.speaker is not None and q.speaker.mention.text == "Tom Reyes"


def test_quotation_right_after_reported_speech_continues_its_turn(nlp_extractor: Extractor) -> None:
    text = ("The council will vote on the bridge in March, Mayor Elena Ruiz said. "
            "“We have waited long enough for this bridge and the town deserves it.”\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "waited long enough")
    assert q.speaker is not None and q.speaker.name == "Elena Ruiz"


def test_source_the_parser_took_into_an_opening_phrase(nlp_extractor: Extractor) -> None:
    # With no comma after the phrase, the name is read as part of it and "said" has no subject.
    text = "In an interview with the Gazette Lopez said that the mill would close."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "the mill would close")
    assert q.speaker is not None and q.speaker.mention.text.endswith("Lopez")


def test_aside_with_the_sentence_going_on_after_it(nlp_extractor: Extractor) -> None:
    text = ("The mill was the town's biggest employer, Mayor Ana Ruiz said, until it closed in 1998.\n\n"
            "The river was clean again, she said, adding that the fish came back.\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "biggest employer")
    assert q.text == "The mill was the town's biggest employer, Mayor Ana Ruiz said, until it closed in 1998"
    assert q.speaker is not None and q.speaker.mention.text == "Mayor Ana Ruiz"
    # A participle after the aside reports something of its own.
    assert quote_containing(result, "The river was clean").text == "The river was clean again"


def test_spoke_on_is_the_medium_or_the_terms_not_a_topic(nlp_extractor: Extractor) -> None:
    text = ("A council official spoke on the condition of anonymity.\n\n"
            "Mayor Ana Ruiz spoke about the flood defences at length.\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    no_quote_containing(result, "condition of anonymity")
    assert quote_containing(result, "flood defences").text == "the flood defences"


@pytest.mark.parametrize("verb", ["said", "told reporters", "added", "argued", "warned", "claimed"])
@pytest.mark.parametrize("source_first", [True, False], ids=["source-before", "source-after"])
def test_reporting_verbs_on_either_side(nlp_extractor: Extractor, verb: str, source_first: bool) -> None:
    content = "the new bridge will cost twice as much as planned"
    if source_first:
        text = f"Transport Minister Lena Varga {verb} that {content}."
    else:
        text = f"The new bridge will cost twice as much as planned, Transport Minister Lena Varga {verb}."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "twice as much")
    assert q.text.lower().endswith("as planned") and "Varga" not in q.text
    assert q.kind == "indirect"
    assert q.speaker is not None and q.speaker.name == "Lena Varga"
    assert q.cue is not None and q.cue.text == verb.split()[0]


def test_a_second_reporting_verb_ends_the_first_ones_content(nlp_extractor: Extractor) -> None:
    # "and warned …" is the senator's second statement, not part of the first.
    text = ("Senator Ruth Adler said the budget deal would protect rural hospitals "
            "and warned that another shutdown could follow in March.")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    first = quote_containing(result, "rural hospitals")
    assert first.text == "the budget deal would protect rural hospitals"
    second = quote_containing(result, "another shutdown")
    assert second.text.endswith("another shutdown could follow in March") and "warned" not in second.text
    assert first.speaker is not None and first.speaker.name == "Ruth Adler"
    assert second.speaker is not None and second.speaker.name == "Ruth Adler"


def test_a_participle_on_a_noun_is_that_nouns_report(nlp_extractor: Extractor) -> None:
    text = ("Hundreds of emergency calls saying the river had burst its banks reached the police overnight. "
            "An advocacy group backing Mayor Tom Reyes has raised two million dollars.")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "burst its banks")
    assert q.speaker is not None and q.speaker.mention.text.endswith("emergency calls")
    assert "reached" not in q.text
    backing = quote_containing(result, "Tom Reyes")
    assert backing.speaker is not None and backing.speaker.mention.text == "An advocacy group"


def test_a_statement_saying_is_its_issuers(nlp_extractor: Extractor) -> None:
    text = "The Harbor Authority issued a statement saying the port would reopen on Friday."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "port would reopen")
    assert q.speaker is not None and q.speaker.mention.text == "The Harbor Authority"


def test_headline_label_whose_surname_is_a_common_word(nlp_extractor: Extractor) -> None:
    # "Stone" and "Ward" are English words; a Title Case headline is read in sentence
    # case, but its label is a name and stays as written.
    text = "Roger Stone: Voters Will Not Trust the Machines\n\nThe consultant spoke on the radio.\n"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "Voters Will Not Trust")
    assert q.speaker is not None and q.speaker.mention.text == "Roger Stone"
    assert q.speaker.name == "Roger Stone"


def test_as_the_source_reported_vouches_for_the_sentence(nlp_extractor: Extractor) -> None:
    text = "As the Herald revealed, the council agreed to pay the firm twice the going rate."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "twice the going rate")
    assert q.text.startswith("the council agreed")
    assert q.speaker is not None and q.speaker.mention.text == "the Herald"


def test_a_percent_sign_ends_the_content_with_its_number(nlp_extractor: Extractor) -> None:
    # The lexicon marks "%" as punctuation, but here it is the noun the number measures.
    text = "The county clerk said turnout in the school board election reached 38%."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "turnout in the school board")
    assert q.text == "turnout in the school board election reached 38%"


def test_an_aside_on_a_single_named_object_is_the_writers(nlp_extractor: Extractor) -> None:
    # The object alone is what the stance is taken toward; the clause after the comma
    # is the writer telling the reader who that is.
    text = "The teachers' union endorsed Alvarez, who has served two terms on the county board."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "Alvarez")
    assert q.text == "Alvarez"


def test_a_participle_of_saying_after_the_content_is_not_part_of_it(nlp_extractor: Extractor) -> None:
    # "noting that …" is the next thing said, not more of the first report.
    text = "The coach said the team had played badly in the second half, noting that two starters were injured."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "played badly")
    assert q.text == "the team had played badly in the second half"
    noted = quote_containing(result, "two starters")
    assert noted.speaker is not None and noted.speaker.mention.text == "The coach"


def test_a_participle_of_citing_is_the_sources_next_report(nlp_extractor: Extractor) -> None:
    text = "Analysts said the merger would raise prices, citing the loss of two rival carriers in the region."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert quote_containing(result, "the merger").text == "the merger would raise prices"
    cited = quote_containing(result, "rival carriers")
    assert cited.speaker is not None and cited.speaker.mention.text == "Analysts"


def test_lets_say_is_a_supposition_not_a_report(nlp_extractor: Extractor) -> None:
    text = ("Let’s say you think a degree from a state university will cost $100,000. "
            "Let's focus on understanding exactly how the loans are repaid.")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert not [q for q in result.quotes if q.speaker is not None and q.speaker.mention.text in ("’s", "'s")], \
        result.quotes


def test_verb_before_a_colon_introduces_the_quotation_after_it(nlp_extractor: Extractor) -> None:
    # "Reyes agreed: “…”" is the cue of what follows; the quotation before it goes on
    # with the last speaker's turn.
    text = (
        "Dana Holt and Luis Reyes wrote the score together.\n"
        "“It is a strange kind of work,” Holt said. “You have to forget yourself for a while.” "
        "Reyes agreed: “It is nothing like writing for yourself.”"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    forget = quote_containing(result, "forget yourself")
    assert forget.speaker is not None and forget.speaker.name == "Dana Holt"
    nothing = quote_containing(result, "nothing like writing")
    assert nothing.speaker is not None and nothing.speaker.name == "Luis Reyes"


def test_relative_clause_after_a_quotation_is_no_cue(nlp_extractor: Extractor) -> None:
    # “…,” a detail that matches …: the writer's comment on the words, which stay the
    # last speaker's.
    text = (
        "“The song had to sound like the city,” Holt said. “So I phoned my oldest friend, a singer from the "
        "harbour who still lives there,” a detail that fits the film well."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "oldest friend")
    assert q.speaker is not None and q.speaker.name == "Holt"


def test_quotation_after_a_sentence_about_a_person_is_that_persons(nlp_extractor: Extractor) -> None:
    text = (
        "Rep. Dana Marsh questioned the agency's budget at the hearing.\n"
        "Marsh returned to the issue later in the hearing. “What will the new rockets cost, and who "
        "will pay for them if the companies cannot?”"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "new rockets cost")
    assert q.speaker is not None and q.speaker.name == "Dana Marsh"


@pytest.mark.parametrize(("text", "fragment"), [
    ("Both songwriters had previously written music for the television show “Harbour Lights,” and Dana Holt "
     "said the new film needed something else.", "Harbour Lights"),
    ("Ruiz, who had not sung in years, worried about doing justice to a song like “Marlow,” given her lack "
     "of training.", "Marlow"),
    ("Governor Ana Ruiz is defending the state’s new road safety campaign with the slogan “Slow down, we’re "
     "watching.”", "Slow down"),
    # One capitalised word after a preposition is a name.
    ("The whole song took a few hours, which, when you listen to “Marlow,” seems as unlikely as the story "
     "behind it.", "Marlow"),
    ("He also agreed to return the money he received from the use of “Us.”", "Us."),
    # A word or two in a stance nobody holds ("is predicted to") is a scare quote.
    ("The volume of the plumes is much higher than what is predicted to result from “exogenic” processes "
     "on the moon’s surface.", "exogenic"),
])
def test_title_a_noun_introduces_is_no_quotation(nlp_extractor: Extractor, text: str, fragment: str) -> None:
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    no_quote_containing(result, fragment)


def test_the_words_a_person_said_are_still_quoted(nlp_extractor: Extractor) -> None:
    text = ("Protest is patriotism, Mayor Dana Holt said, whether it is a march or a shirt with the words "
            "“We Will Not Be Moved,” which she wore on Monday.")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    quote_containing(result, "We Will Not Be Moved")


def test_a_report_in_a_subordinate_clause_is_no_speakers_turn(nlp_extractor: Extractor) -> None:
    text = (
        "Retired engineer Tom Varga spoke first at the hearing.\n"
        "“I do not really see a role for the station in the program,” he said, although it could later "
        "support missions to Mars. “There is no good argument to me for the station right now.”"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "no good argument")
    assert q.speaker is not None and q.speaker.name == "Tom Varga"


def test_a_second_complement_coordinated_with_the_first_belongs_to_the_content(nlp_extractor: Extractor) -> None:
    text = ('Prime Minister Ana Ruiz condemned Tuesday\'s launch as "reckless and dangerous" and a "grave threat" '
            'to regional and international stability.')
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "reckless and dangerous")
    assert q.text.endswith("international stability"), q.text
    assert q.speaker is not None and q.speaker.name == "Ana Ruiz"


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("The middle fifth paid 7.9 percent, the agency said in a May report, and those in the bottom fifth "
         "of incomes paid 0.6 percent.", "said"),
        ("The richest tenth paid 41.2 percent of all county taxes in 2019, according to the county treasury "
         "office, and the poorest tenth paid 1.3 percent.", "according to"),
        ("The change now, she told me on Monday, is that she runs a daily news program, which makes her seem "
         "gentler to the mayor.", "told"),
    ],
    ids=["coordinated-after-aside", "according-to-between", "aside-after-the-subject"],
)
def test_a_report_set_off_inside_its_sentence_takes_the_whole_sentence(
        nlp_extractor: Extractor, text: str, cue: str) -> None:
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert len(result.quotes) == 1, [q.text for q in result.quotes]
    q = result.quotes[0]
    assert q.start == 0 and text[q.end:] == ".", q.text
    assert q.cue is not None and q.cue.text == cue


def test_a_report_by_another_source_coordinated_after_the_content_is_its_own(nlp_extractor: Extractor) -> None:
    text = ("Ana Ruiz said parents who adopt would not be eligible for the leave, and when pressed on why, "
            "the 34-year-old mother of three replied, \"It is meant to benefit the mother who has given birth.\"")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    first = quote_containing(result, "would not be eligible")
    assert first.text == "parents who adopt would not be eligible for the leave", first.text
    second = quote_containing(result, "It is meant to benefit")
    assert second.cue is not None and second.cue.text == "replied"


def test_a_name_given_in_quotation_marks_is_the_namers(nlp_extractor: Extractor) -> None:
    # "what X called “…”": the object of the naming verb is the relative word before it,
    # so the object rule finds nothing; the quoted name is still the mayor's words.
    text = ("Councillor Ruth Abara spoke at the depot on Monday.\n"
            "The vote ended what Mayor Ann Reyes called a “reckless gamble” with harbour money.\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "reckless gamble")
    assert q.text.startswith("what Mayor Ann Reyes called")
    assert q.cue is not None and q.cue.text == "called"
    assert q.speaker is not None and q.speaker.name == "Ann Reyes"


def test_a_title_given_by_nobody_is_not_a_naming(nlp_extractor: Extractor) -> None:
    text = ("Councillor Ruth Abara spoke at the depot on Monday.\n"
            "She has written a play called “Harbour Lights” about the town.\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert not [q for q in result.quotes if q.cue is not None and q.cue.text == "called"]


def test_a_participle_after_a_quotation_closing_on_its_comma(nlp_extractor: Extractor) -> None:
    # The comma inside the marks (“…,” linking …) sets the participle off as a comma
    # before it would: the writer's narration, or the source's next report.
    text = ("In another post, Ruiz called Hale the “worst mayor,” linking to a story about how Hale sold the harbour.\n\n"
            "Ruiz insisted that she has “saved the harbour,” claiming that she is responsible for the new jobs.\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert quote_containing(result, "worst mayor").text == "Hale the “worst mayor,”"
    assert quote_containing(result, "saved the harbour").text == "that she has “saved the harbour,”"
    second = quote_containing(result, "responsible for the new jobs")
    assert second.speaker is not None and second.speaker.name == "Ruiz"


def test_a_statement_goes_on_in_a_paragraph_of_its_own(nlp_extractor: Extractor) -> None:
    # Only the attribution between them: one statement over the break. A paragraph of
    # narration after the attribution still parts the two.
    text = ("“The harbour will be dredged before the summer,” Mayor Ana Ruiz said.\n\n"
            "“We cannot wait another year for the boats to come back.”\n\n"
            "“The ferry is late again,” Tom Hale said. The ferry was built in 1980.\n\n"
            "“Nobody is surprised by that any more, not here.”\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "dredged")
    assert q.text.endswith("boats to come back.”") and len(q.parts) == 2
    assert q.speaker is not None and q.speaker.mention.text == "Mayor Ana Ruiz"
    assert "surprised" not in quote_containing(result, "ferry is late").text


def test_marks_of_markup_are_no_quotation() -> None:
    text = ('The mayor posted a photo.\n\n<tweet author="harbourmayor" tweet-date="May 3,\n2026">'
            "Back at the harbour<tweet/>\n\n\"We won,\" Ruiz said, and 5 < 6.\n")
    found = find_quotes(text)
    assert [text[s:e] for s, e in found.spans] == ['"We won,"']


def test_a_paragraph_opening_with_the_closing_mark_behind_an_invisible_character() -> None:
    text = ("Readers wrote in.\n\n\u202a”Sorry Sarah, you should have said it!” posted Ana Ruiz.\n\n"
            "” … if the mayor can visit, then surely she can too,” it read.\n\nHe stood 5 feet 9”.\n")
    found = find_quotes(text)
    assert [text[s:e] for s, e in found.spans] == [
        "”Sorry Sarah, you should have said it!”", "” … if the mayor can visit, then surely she can too,”"]


def test_a_name_after_the_verb_after_a_quotation_read_as_its_object(nlp_extractor: Extractor) -> None:
    text = ("Readers wrote in.\n\n“Sorry Sarah, you should have said it, because I know you can handle a gun "
            "very well!!” posted Sharon Powers Geyer.\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "Sorry Sarah")
    assert q.speaker is not None and q.speaker.mention.text == "Sharon Powers Geyer"
