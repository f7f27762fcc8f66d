"""Sources resolved to entities: who a pronoun, a description or a shortened name stands
for, and sources the article never names staying unnamed."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

from app.nlp.pipeline import Extractor
from app.nlp.speakers import names_a_person, subject_of
from tests.nlp.extraction_checks import assert_offsets, quote_containing


@pytest.mark.parametrize("source", ["a senior official", "one user", "analysts", "people familiar with the matter"])
def test_unnamed_source_is_not_given_the_nearest_name(nlp_extractor: Extractor, source: str) -> None:
    text = (
        "President Walter Haines, who met officials, analysts, people of the union and users of its website, "
        "left Oslo on Tuesday.\n"
        f"“The plan to raise the retirement age will be dropped this year,” {source} said."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "retirement age")
    assert q.speaker is not None
    assert q.speaker.entity is None
    assert q.speaker.name == source


def test_pronoun_skips_a_person_the_article_calls_the_other_gender(nlp_extractor: Extractor) -> None:
    text = (
        "Dana Whitley said she would run for the council again next year.\n"
        "Her rival, Pat Moreno, said he was not worried. Moreno spoke to reporters on Monday.\n"
        "“We will win this seat easily,” she said."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "win this seat")
    assert q.speaker is not None and q.speaker.mention.text == "she"
    assert q.speaker.name == "Dana Whitley"


@pytest.mark.parametrize(("text", "fragment", "name"), [
    ("Robert T. Hale Jr., the county prosecutor, filed the charges on Monday.\n"
     "“Nobody is above the law in this county, and nobody ever will be,” Hale said.",
     "above the law", "Robert T. Hale Jr."),
    ("Tim Varga opened the conference on Monday.\n"
     "“The phone is only the beginning,” Hosting Varga said to the crowd.",
     "only the beginning", "Tim Varga"),
])
def test_shortened_or_prefixed_name_is_the_person_named_in_full(
        nlp_extractor: Extractor, text: str, fragment: str, name: str) -> None:
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, fragment)
    assert q.speaker is not None and q.speaker.name == name


@pytest.mark.parametrize("name", ["Emerson Hart", "Barclay Stone"])  # names the small model types ORG
def test_pronoun_finds_a_person_the_model_typed_as_an_organisation(nlp_extractor: Extractor, name: str) -> None:
    text = (
        "President Walter Haines announced new tariffs on steel on Monday.\n"
        f"{name}, an economist at Hartwell Capital, was critical of the plan. "
        "“These tariffs will hurt farmers first and hardest,” he said."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "hurt farmers")
    assert q.speaker is not None and q.speaker.mention.text == "he"
    assert q.speaker.name == name


def test_pronoun_follows_the_subject_of_a_reported_main_clause(nlp_extractor: Extractor) -> None:
    # "X pleaded guilty, prosecutors said": X is who the sentence is about, though the
    # parse makes "said" its main verb.
    text = (
        "Judge Carl Benton opened the hearing on Monday.\n"
        "Oskar Lindqvist, 47, pleaded guilty to fraud charges, prosecutors said.\n"
        "“I am sorry for what I did to those families,” he said."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "I am sorry")
    assert q.speaker is not None and q.speaker.name == "Oskar Lindqvist"


def test_definite_age_description_is_the_person_in_focus(nlp_extractor: Extractor) -> None:
    text = (
        "The club appointed Rui Almeida as its new coach on Wednesday.\n"
        "Almeida had been out of work since March.\n"
        "“I am proud to be here and ready to work,” the 61-year-old said after the meeting."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "proud to be here")
    assert q.speaker is not None and q.speaker.name == "Rui Almeida"


def test_the_statement_speaks_for_whoever_issued_it(nlp_extractor: Extractor) -> None:
    text = (
        "Northwind Logistics said in a statement on Monday that it would appeal the ruling.\n"
        "“We disagree with the court and we will appeal,” the statement said."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "disagree with the court")
    assert q.speaker is not None and q.speaker.mention.text.lower() == "the statement"
    assert q.speaker.name == "Northwind Logistics"


@pytest.mark.parametrize(("text", "fragment", "name"), [
    # The surname after a capitalised word ending a sentence is missed as an entity.
    ("Singer Nora Swale will play her old songs at the awards on Sunday.\n"
     "Manager Alex Brandt bought her old label in June.\n"
     "Swale said the sale had hurt her deeply.\n"
     "In a post at the time she described this as the “worst case scenario” for her music.",
     "worst case scenario", "Nora Swale"),
])
def test_surname_outside_the_entities_is_the_person_of_that_surname(
        nlp_extractor: Extractor, text: str, fragment: str, name: str) -> None:
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, fragment)
    assert q.speaker is not None and q.speaker.name == name


def test_pronoun_follows_the_subject_of_a_fronted_clause(nlp_extractor: Extractor) -> None:
    text = (
        "Carla Mendez directed the film, and Helen Porter wrote its songs.\n"
        "Mendez praised the cast on Friday.\n"
        "When Porter finished the last song, she was in tears: “It was more beautiful than "
        "anything I had imagined,” she said."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "more beautiful")
    assert q.speaker is not None and q.speaker.name == "Helen Porter"


@pytest.mark.parametrize("title", ["Superintendent", "Commissioner"])
def test_title_before_a_speakers_name_is_not_part_of_it(nlp_extractor: Extractor, title: str) -> None:
    text = f"“Our schools need more money and more teachers this year,” {title} Dana Pruitt said on Monday."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "more teachers")
    assert q.speaker is not None and q.speaker.name == "Dana Pruitt"


def test_a_noun_for_no_person_is_not_the_title_of_a_person_nearby(nlp_extractor: Extractor) -> None:
    text = (
        "Mayor Lena Ortiz met a tenants' group at city hall on Monday.\n"
        "“We will not leave our homes without a fight,” the group said."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "without a fight")
    assert q.speaker is not None and q.speaker.entity is None
    assert q.speaker.name == "the group"


def test_two_sources_joined_by_and_are_no_single_entity(nlp_extractor: Extractor) -> None:
    text = (
        "Director Tom Harlan and the actress Jessie Buckman met the songwriters in Nashville.\n"
        "Harlan and Buckman said the song was “exactly what the film needed.”"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "exactly what the film needed")
    assert q.speaker is not None and q.speaker.entity is None
    assert q.speaker.name == "Harlan and Buckman"


@pytest.mark.parametrize(("sentence", "fragment"), [
    ("“Prices will fall before they rise again,” says Late.", "Prices will fall"),
    ("Rents are high in the city, but Late still says “the market will cool by spring.”", "market will cool"),
])
def test_surname_the_parser_reads_as_a_common_word_is_the_speaker(
        nlp_extractor: Extractor, sentence: str, fragment: str) -> None:
    text = (
        "Laura Late, chief economist at Harrow Bank, spoke at the housing conference on Monday.\n"
        f"{sentence}"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, fragment)
    assert q.speaker is not None and q.speaker.name == "Laura Late"


@pytest.mark.parametrize("sentence", [
    # The parser makes the name the root of the sentence, and "worried" a modifier of it.
    "Mendez, who hadn’t sung in a long time before the shoot, worried about doing justice to a song like "
    "“Harbour,” especially given that she had no training.",
])
def test_pronoun_follows_the_subject_a_misparsed_sentence_is_about(nlp_extractor: Extractor, sentence: str) -> None:
    text = (
        "Carla Mendez starred in the film, and Helen Porter wrote its songs.\n"
        "Porter praised the cast on Friday.\n"
        f"{sentence} “But the story of it really moved me,” she said."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "really moved me")
    assert q.speaker is not None and q.speaker.name == "Carla Mendez"


def test_description_with_a_name_in_apposition_is_that_name(nlp_extractor: Extractor) -> None:
    text = (
        "Hundreds of drivers at Velora Freight will lose their jobs this month.\n"
        "The group, Velora Drivers Coalition, formed in recent weeks and sent a letter to the board earlier "
        "this month stating that they “will not be blamed for the mistakes of the company’s leaders.”\n"
        "In a separate post, the group added that Velora “is breaking its promise to treat drivers with respect.”"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    for fragment in ("will not be blamed", "breaking its promise"):
        q = quote_containing(result, fragment)
        assert q.speaker is not None and q.speaker.name == "Velora Drivers Coalition", fragment


@pytest.mark.parametrize(
    ("text", "content", "speaker"),
    [
        # "was able to tout": the subject of "was", through the adjective
        ("Senator Jo Harlan faced questions on Monday. She was able to consistently tout her polling strength "
         "while her rivals faltered.", "her polling strength", "Jo Harlan"),
        # the name read as the verb "trump" at the start of the sentence
        ("Trump openly admires Russian President Vladimir Putin as a “strong leader,” comparing him favourably "
         "to the current president.", "Vladimir Putin", "Trump"),
        # "claims" read as a noun, with the name as its subject
        ("But Trump claims that he should be the exception.", "should be the exception", "Trump"),
    ],
    ids=["able-to", "name-read-as-verb", "verb-read-as-noun"],
)
def test_the_source_where_the_parse_hides_the_subject(unscreened: Extractor, text: str, content: str,
                                                      speaker: str) -> None:
    result = unscreened.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, content)
    assert q.speaker is not None and q.speaker.name == speaker, q.speaker


@pytest.mark.parametrize(("introduced", "source"), [
    ("", "the spokesperson"),  # never introduced: no one the article names
    ("A spokesperson for the highways department said crews had worked through the night. ", "the spokesperson"),
])
def test_a_description_the_article_never_gives_a_name_stays_unnamed(
        nlp_extractor: Extractor, introduced: str, source: str) -> None:
    text = (
        "Schools in Marlow County stayed closed.\n"
        "“We cannot risk children travelling on these roads,” superintendent Dana Whitfield told reporters.\n"
        f"{introduced}“It is the worst we have seen in a decade,” {source} said."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "worst we have seen")
    assert q.speaker is not None and q.speaker.entity is None, q.speaker
    assert q.speaker.name == source


def test_a_title_refers_back_to_the_name_written_with_its_abbreviation(nlp_extractor: Extractor) -> None:
    text = (
        "Gov. Tom Reyes signed the order on Monday. Critics objected.\n"
        "“This protects families,” the governor said."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "protects families")
    assert q.speaker is not None and q.speaker.name == "Tom Reyes", q.speaker


@pytest.mark.parametrize(("sentence", "source"), [
    ("“It is a victory for consumers,” a lawyer for the Federal Trade Commission said.",
     "a lawyer for the Federal Trade Commission"),
    ("“It is a victory,” an Acme Corp spokesman said.", "an Acme Corp spokesman"),
])
def test_a_person_speaking_for_a_body_is_not_the_body(nlp_extractor: Extractor, sentence: str, source: str) -> None:
    text = f"The court blocked the merger on Friday.\n{sentence}"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "victory")
    assert q.speaker is not None and q.speaker.entity is None and q.speaker.name == source, q.speaker


def test_a_name_beside_the_description_is_the_speaker(nlp_extractor: Extractor) -> None:
    text = "The court blocked the merger on Friday.\n“It is a victory,” said the Acme spokesman, Joe Hale."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "victory")
    assert q.speaker is not None and q.speaker.name == "Joe Hale", q.speaker


@pytest.mark.parametrize(("lemma", "person"), [
    ("spokesperson", True), ("resident", True), ("president", True), ("economist", True),
    ("government", False), ("procurement", False), ("management", False), ("plan", False),
])
def test_names_a_person_by_role_or_ending_but_not_ment(lemma: str, person: bool) -> None:
    assert names_a_person(lemma) is person


def test_a_body_by_its_ment_noun_speaks_as_the_body(nlp_extractor: Extractor) -> None:
    # "management" is no person the body only employs: the source is the body itself.
    text = "The Harbour Authority's management said the port would reopen on Monday."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, "port would reopen")
    assert q.speaker is not None and q.speaker.entity is not None
    assert q.speaker.name == "Harbour Authority"


@pytest.mark.parametrize(
    ("text", "content", "mention"),
    [
        # the object of "forced" is who admits, not the committee
        ("The committee forced Dale Okoro to admit that the accounts had been altered for years.",
         "accounts had been altered", "Dale Okoro"),
        ("The long drought left many farmers feeling that the government had abandoned them.",
         "government had abandoned", "many farmers"),
        # the news conference is where she spoke, not who spoke
        ("Councillor Rhea Tamsin spoke on Monday. “The bridge will reopen in spring, and the tolls will go,” she "
         "said at a news conference announcing that the city would sue the builder.", "city would sue", "she"),
        # "short" stands between "calling" and the verb whose subject speaks
        ("Mayor Ivo Brandt praised the report but stopped short of calling the budget a failure of the council.",
         "budget a failure", "Mayor Ivo Brandt"),
        # the parse makes the participle the root and "said" an aside
        ("“We have rebuilt the harbour and the schools,” Mr. Brandt said, not even needing to mention the rival "
         "who had opposed the plan.", "the rival who", "Mr. Brandt"),
        # the parse takes the name into the phrase before it, as "Dayton, Carl B. Oduya"
        ("At a town meeting last night in Dayton, Carl B. Oduya, the head of the Ohio Farm Union, sharply told a "
         "farmer that \"this is not the first drought we have survived.\"", "first drought", "Carl B. Oduya"),
    ],
    ids=["object-of-forced", "object-of-left", "occasion", "stopped-short", "aside-said", "name-taken-before"],
)
def test_the_words_of_the_source_where_the_verb_hangs_off_another(
        nlp_extractor: Extractor, text: str, content: str, mention: str) -> None:
    assert_spoken_by(nlp_extractor, text, content, mention)


@pytest.mark.parametrize(
    ("text", "content", "mention"),
    [
        ("Taxes would rise for the richest, according to a speech Ms. Ortega delivered at the university on Monday.",
         "Taxes would rise", "a speech Ms. Ortega delivered"),
        ("Turnout rose sharply this year, according to a tally by the Associated Press of the votes cast.",
         "Turnout rose", "a tally by the Associated Press of the votes cast"),
        ("The new ad uses footage of Dana Whitley asking, “Why are we not ten points ahead of him by now?”",
         "ten points ahead", "Dana Whitley"),
        ("Prices are high, and while many people get discounts, you have no way of knowing which deals you "
         "might get.", "which deals", "you"),
        ("Why then would someone like Mr. Clarke want to take over a troubled mine and its debts?",
         "troubled mine", "someone like Mr. Clarke"),
    ],
    ids=["work-by-its-maker", "work-by-its-agent", "seen-doing-it", "no-way-of-knowing", "someone-like"],
)
def test_the_words_that_name_the_source_reach_its_name(
        unscreened: Extractor, text: str, content: str, mention: str) -> None:
    assert_spoken_by(unscreened, text, content, mention)


def assert_spoken_by(extractor: Extractor, text: str, content: str, mention: str) -> None:
    """The quote containing `content` has offsets that hold and a speaker named `mention`."""
    result = extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, content)
    assert q.speaker is not None and q.speaker.mention.text == mention, q.speaker


def test_a_name_the_parse_reads_as_an_adjective_before_an_aside_is_the_subject() -> None:
    # The small model's parse of "Harlan, appearing after Reyes, cited problems.": the
    # name an adjective hung on the verb, which is left without a subject.
    words = ["Harlan", ",", "appearing", "after", "Reyes", ",", "cited", "problems", "."]
    doc = Doc(spacy.blank("en").vocab, words=words, spaces=[False, True, True, True, False, True, True, False, False],
              heads=[6, 0, 0, 2, 3, 6, 6, 6, 6],
              deps=["advcl", "punct", "advcl", "prep", "pobj", "punct", "ROOT", "dobj", "punct"],
              pos=["ADJ", "PUNCT", "VERB", "ADP", "PROPN", "PUNCT", "VERB", "NOUN", "PUNCT"],
              tags=["JJ", ",", "VBG", "IN", "NNP", ",", "VBD", "NNS", "."],
              ents=["B-PERSON", "O", "O", "O", "B-PERSON", "O", "O", "O", "O"])
    subject = subject_of(doc[6])
    assert subject is not None and subject.i == 0


@pytest.mark.parametrize(("text", "fragment", "speaker"), [
    ("Mayor Anna Kowalski spoke on Monday. She added that Governor Lena Berg deserves credit for the deal. "
     "She also said the crews had worked hard.", "crews had worked hard", "Anna Kowalski"),
    ("Ambassador Tom Reyes spoke on Monday. He added that President Alan Marsh deserves credit for the deal. "
     "He also said the talks had been hard.", "talks had been hard", "Tom Reyes"),
])
def test_a_pronoun_after_a_report_follows_who_reported_not_whom_it_named(
        nlp_extractor: Extractor, text: str, fragment: str, speaker: str) -> None:
    # "He added that Marsh deserves credit": the sentence is about who added it; the next
    # "he" is him, not the subject of what he said.
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    q = quote_containing(result, fragment)
    assert q.speaker is not None and q.speaker.name == speaker, q.speaker
