"""Entity mentions cut down to their names, on spans placed by hand: each case is a span
the small model is known to produce, so the cleaning is tested whatever the model finds."""

from __future__ import annotations

import pytest
import spacy

from app.nlp.entities import add_surnames, group
from app.nlp.mentions import Mention, from_span, split_compounds

_BLANK = spacy.blank("en")


def mention(text: str, span_text: str, label: str) -> Mention | None:
    """from_span over `span_text` where it first occurs in `text`, labelled `label`."""
    doc = _BLANK.make_doc(text)
    start = text.index(span_text)
    span = doc.char_span(start, start + len(span_text), label=label, alignment_mode="expand")
    assert span is not None and span.text == span_text, span
    return from_span(text, span, 0)


@pytest.mark.parametrize(("text", "span_text", "label", "name"), [
    ("He met her State Department aides.", "her State Department", "ORG", "State Department"),
    ("Aides at this White House disagree.", "this White House", "ORG", "White House"),
    ("The federal Trade Board said no.", "federal Trade Board", "ORG", "Trade Board"),
    ("A raid killed bin Laden in 2011.", "bin Laden", "PERSON", "bin Laden"),
    ("She praised the Harlow administration today.", "Harlow administration", "PERSON", "Harlow"),
    ("It was Ava Marsh’s 13th film.", "Ava Marsh’s 13th", "PERSON", "Ava Marsh"),
    ("They cheered Kemp “Georgia’s Finest” loudly.", "Kemp “Georgia’s Finest", "PERSON", "Kemp"),
    ("It is paranoia,”Okafor wrote.", "paranoia,”Okafor", "PERSON", "Okafor"),
    ("Praise came ― Dana Whitfield wrote back.", "― Dana Whitfield", "PERSON", "Dana Whitfield"),
    ("He lives in Richmond, near Va. and beyond.", "Va.", "GPE", "Va."),
    ("Shares of Brindle Corp. rose.", "Brindle Corp.", "ORG", "Brindle Corp."),
    ("Senator Lena Ortiz voted no.", "Senator Lena Ortiz", "PERSON", "Lena Ortiz"),
    ("State schools Superintendent Orla Bexley said so.", "Superintendent Orla Bexley", "PERSON", "Orla Bexley"),
    ("Coach Ruben Ostrow smiled.", "Coach Ruben Ostrow", "PERSON", "Ruben Ostrow"),
])
def test_span_is_cut_to_the_name(text: str, span_text: str, label: str, name: str) -> None:
    m = mention(text, span_text, label)
    assert m is not None, span_text
    assert m.text == name
    assert text[m.start:m.end] == m.text


@pytest.mark.parametrize(("text", "span_text", "label"), [
    ("They did n’t agree.", "n’t", "GPE"),
    ("The state said no.", "state", "ORG"),
    ("A pro-Russian rally formed.", "pro-Russian", "NORP"),
    ("An anti-Tariff vote failed.", "anti-Tariff", "ORG"),
    ("Martin Luther King Jr. spoke.", "Jr.", "PERSON"),
    ("I’m not sure.", "I’m", "WORK_OF_ART"),
    ('<tweet tweet_id="1">Our town', 'tweet_id="1">Our', "PERSON"),
    ("See https://example.com/news now.", "https://example.com/news", "ORG"),
    ("It was The 2nd time.", "The 2nd", "LAW"),
])
def test_span_without_a_name_is_dropped(text: str, span_text: str, label: str) -> None:
    assert mention(text, span_text, label) is None


def test_names_of_bodies_are_organisations_whatever_the_model_said() -> None:
    m = mention("Money came from the Hartley Foundation last year.", "Hartley Foundation", "PERSON")
    assert m is not None and m.label == "ORG"


def test_state_abbreviations_are_the_state() -> None:
    text = "She grew up in Virginia. Officials in Va. agreed, and VA voters did too."
    mentions = [
        Mention("Virginia", 15, 23, "GPE"),
        Mention("Va.", text.index("Va."), text.index("Va.") + 3, "GPE"),
        Mention("VA", text.index("VA"), text.index("VA") + 2, "GPE"),
    ]
    groups = group(mentions, 0)
    assert [(g.name, g.label, len(g.mentions)) for g in groups] == [("Virginia", "GPE", 3)]


def _at(text: str, surface: str, label: str) -> Mention:
    start = text.index(surface)
    return Mention(surface, start, start + len(surface), label)


def test_possessor_named_alone_is_split_from_what_follows() -> None:
    text = "Harbor Daily reported it. Harbor Daily’s Lena Ortiz wrote the story."
    out = split_compounds(text, [_at(text, "Harbor Daily", "ORG"), _at(text, "Harbor Daily’s Lena Ortiz", "PERSON")])
    found = sorted((m.text, m.label, m.start) for m in out)
    assert found == [
        ("Harbor Daily", "ORG", 0),
        ("Harbor Daily", "ORG", text.index("Harbor Daily’s")),
        ("Lena Ortiz", "PERSON", text.index("Lena Ortiz")),
    ]
    for m in out:
        assert text[m.start:m.end] == m.text


def test_possessive_inside_a_name_stays_when_the_possessor_is_not_named_alone() -> None:
    text = "The Swiss Farmers’ Party won seats."
    whole = _at(text, "Swiss Farmers’ Party", "ORG")
    assert split_compounds(text, [whole]) == [whole]


def test_lowercase_thing_after_a_possessive_is_not_part_of_the_name() -> None:
    text = "Okafor’s van was parked outside."
    out = split_compounds(text, [_at(text, "Okafor’s van", "PERSON")])
    assert [(m.text, m.start, m.end) for m in out] == [("Okafor", 0, 6)]


def test_what_a_person_owns_is_not_another_person() -> None:
    text = "Dana Whitfield spoke. Dana Whitfield’s Housing Plan was unveiled."
    out = split_compounds(text, [_at(text, "Dana Whitfield", "PERSON"),
                                 _at(text, "Dana Whitfield’s Housing Plan", "PERSON")])
    assert sorted(m.text for m in out) == ["Dana Whitfield", "Dana Whitfield"]


def test_person_run_into_a_body_named_alone_is_split() -> None:
    text = "Okafor spoke. The Okafor White House denied it, and the White House was quiet."
    out = split_compounds(text, [
        _at(text, "Okafor", "PERSON"),
        _at(text, "Okafor White House", "PERSON"),
        Mention("White House", text.rindex("White House"), text.rindex("White House") + 11, "ORG"),
    ])
    assert sorted((m.text, m.label) for m in out) == [
        ("Okafor", "PERSON"), ("Okafor", "PERSON"), ("White House", "ORG"), ("White House", "ORG"),
    ]


def test_full_name_stays_whole_when_only_its_surname_is_named_alone() -> None:
    # The small model calls a bare "Le Mar" an organisation; "Celine Le Mar" is still one person.
    text = "Celine Le Mar arrived. Le Mar spoke."
    full = _at(text, "Celine Le Mar", "PERSON")
    out = split_compounds(text, [full, Mention("Le Mar", text.rindex("Le Mar"), text.rindex("Le Mar") + 6, "ORG")])
    assert full in out and len(out) == 2


def test_capital_the_model_took_for_a_person_is_a_place() -> None:
    text = "Talks with Yerevan resumed, and Minsk objected."
    groups = group([_at(text, "Yerevan", "PERSON"), _at(text, "Minsk", "ORG")], 0)
    assert sorted((g.name, g.label) for g in groups) == [("Minsk", "GPE"), ("Yerevan", "GPE")]


def test_capital_that_is_a_surname_of_the_article_stays_the_person() -> None:
    text = "Denzel Washington starred. Washington said he loved the role."
    groups = group([_at(text, "Denzel Washington", "PERSON"),
                    Mention("Washington", text.rindex("Washington"), text.rindex("Washington") + 10, "PERSON")], 0)
    assert [(g.name, g.label, len(g.mentions)) for g in groups] == [("Denzel Washington", "PERSON", 2)]


def test_surname_the_model_took_for_a_place_joins_the_person() -> None:
    text = "Alicia Ferrand sued. Later Ferrand won, and Paris reacted."
    groups = group([_at(text, "Alicia Ferrand", "PERSON"),
                    Mention("Ferrand", text.rindex("Ferrand"), text.rindex("Ferrand") + 7, "GPE"),
                    _at(text, "Paris", "GPE")], 0)
    assert sorted((g.name, g.label, len(g.mentions)) for g in groups) == [
        ("Alicia Ferrand", "PERSON", 2), ("Paris", "GPE", 1),
    ]


def _all(text: str, surface: str, label: str) -> list[Mention]:
    out, at = [], text.find(surface)
    while at >= 0:
        out.append(Mention(surface, at, at + len(surface), label))
        at = text.find(surface, at + 1)
    return out


def test_an_epithet_before_a_name_is_the_same_person_not_its_name() -> None:
    text = ("Lena Ortiz spoke. Lena Ortiz left. He mocked Sneaky Lena Ortiz online. "
            "Ortiz replied, and Lena Ortiz laughed.")
    mentions = _all(text, "Lena Ortiz", "PERSON")
    mentions = [m for m in mentions if text[m.start - 7:m.start] != "Sneaky "]
    mentions += _all(text, "Sneaky Lena Ortiz", "PERSON")
    mentions.append(Mention("Ortiz", text.index("Ortiz replied"), text.index("Ortiz replied") + 5, "PERSON"))
    groups = group(mentions, 0)
    assert [(g.name, len(g.mentions)) for g in groups] == [("Lena Ortiz", 5)]


def test_a_first_name_before_a_surname_with_a_particle_is_the_full_name() -> None:
    text = "Mayor Bill de Blasio spoke. Later de Blasio left, and de Blasio returned."
    mentions = _all(text, "Bill de Blasio", "PERSON") + [
        Mention("de Blasio", at, at + 9, "PERSON") for at in (text.index("de Blasio left"), text.index("de Blasio ret"))
    ]
    groups = group(mentions, 0)
    assert [(g.name, len(g.mentions)) for g in groups] == [("Bill de Blasio", 3)]


def test_an_acronym_joins_the_name_it_abbreviates() -> None:
    text = ("The Harbour Workers Union (HWU) met the Federal Bureau of Investigation. "
            "HWU leaders said the FBI agreed. The HW Group was not there.")
    mentions = [
        _at(text, "Harbour Workers Union", "ORG"),
        *_all(text, "HWU", "ORG"),
        _at(text, "Federal Bureau of Investigation", "ORG"),
        Mention("FBI", text.index("FBI"), text.index("FBI") + 3, "ORG"),
        _at(text, "HW Group", "ORG"),
    ]
    groups = group(mentions, 0)
    assert sorted((g.name, len(g.mentions)) for g in groups) == [
        ("Federal Bureau of Investigation", 2), ("HW Group", 1), ("Harbour Workers Union", 3),
    ]


def test_two_countries_joined_by_a_hyphen_are_both_countries() -> None:
    text = "Armenia-Azerbaijan ties and U.S.–China talks, unlike Guinea-Bissau, were discussed."
    out = split_compounds(text, [_at(text, "Armenia-Azerbaijan", "ORG"), _at(text, "U.S.–China", "ORG"),
                                 _at(text, "Guinea-Bissau", "GPE")])
    assert [(m.text, m.label) for m in out] == [
        ("Armenia", "GPE"), ("Azerbaijan", "GPE"), ("U.S.", "GPE"), ("China", "GPE"), ("Guinea-Bissau", "GPE"),
    ]
    for m in out:
        assert text[m.start:m.end] == m.text


def test_a_full_name_the_model_missed_is_found_again_by_the_one_it_found() -> None:
    text = "Ivana Marsh spoke first. Later, Ivana Marsh, the mayor's eldest daughter, spoke again."
    first = _at(text, "Ivana Marsh", "PERSON")
    groups = group(add_surnames(text, [first]), 0)
    assert [(g.name, [m.start for m in g.mentions]) for g in groups] == [
        ("Ivana Marsh", [0, text.rindex("Ivana Marsh")]),
    ]


@pytest.mark.parametrize(("surface", "label"), [
    ("Transnistria", "ORG"), ("Crimea", "PERSON"), ("South Ossetia", "ORG"), ("Western Sahara", "NORP"),
    ("West Bank", "GPE"),
])
def test_territories_the_model_took_for_bodies_or_people_are_places(surface: str, label: str) -> None:
    m = mention(f"Fighting flared again in {surface} on Monday.", surface, label)
    assert m is not None and m.label == "GPE"


@pytest.mark.parametrize("acronym", ["AI", "GOP", "NBA"])
def test_an_acronym_that_names_no_place_is_not_a_place(acronym: str) -> None:
    m = mention(f"Growth in {acronym} spending slowed.", acronym, "GPE")
    assert m is not None and m.label == "ORG"


@pytest.mark.parametrize("acronym", ["US", "UK", "NY", "UAE"])
def test_acronyms_of_places_stay_places(acronym: str) -> None:
    m = mention(f"Growth in {acronym} spending slowed.", acronym, "GPE")
    assert m is not None and m.label == "GPE"


@pytest.mark.parametrize(("full", "short"), [
    ("Korvane Group Corp", "Korvane"),
    ("Hollis Tarrant Co.", "Tarrant"),
    ("Brightfare.com", "Brightfare"),
    ("Ohio Statehouse", "Statehouse"),
])
def test_a_one_word_short_form_of_a_body_joins_it(full: str, short: str) -> None:
    text = f"The {full} said so. Later {short} agreed."
    groups = group([_at(text, full, "ORG"), Mention(short, text.rindex(short), text.rindex(short) + len(short), "ORG")], 0)
    assert [(g.name, len(g.mentions)) for g in groups] == [(full, 2)]


def test_a_department_named_either_way_is_one_body() -> None:
    text = "The Department of Fisheries said no. The Fisheries Department later agreed."
    groups = group([_at(text, "Department of Fisheries", "ORG"), _at(text, "Fisheries Department", "ORG")], 0)
    assert [(g.name, len(g.mentions)) for g in groups] == [("Department of Fisheries", 2)]


@pytest.mark.parametrize(("surface", "label", "kind"), [
    ("Harlow Kent Productions", "PERSON", "ORG"),
    ("Mossgiel Works", "PERSON", "ORG"),
    ("Dunmore United", "GPE", "ORG"),
    ("FC Dravo", "PERSON", "ORG"),
    ("Brenton Assembly Facility", "ORG", "FAC"),
    ("Ohio Statehouse", "ORG", "FAC"),
])
def test_the_last_word_of_a_name_says_body_or_building(surface: str, label: str, kind: str) -> None:
    from app.nlp.mentions import retype
    assert retype(surface, label) == kind


def test_a_possessor_that_is_a_place_or_a_body_is_split_from_what_follows() -> None:
    text = "He came from Ohio’s Tarvoville. Crane Media’s Loop Summit opened."
    out = split_compounds(text, [_at(text, "Ohio’s Tarvoville", "PERSON"), _at(text, "Crane Media’s Loop Summit", "ORG")])
    assert [(m.text, m.label) for m in out][:1] == [("Ohio", "GPE")]
    assert [m.text for m in out] == ["Ohio", "Tarvoville", "Crane Media", "Loop Summit"]


def test_two_names_of_a_list_run_into_one_are_parted_when_the_last_is_named_alone() -> None:
    text = "Unlike Brightwave Plus, Kellan has spent more. Kellan said so. Ardent Defense, Space, and Security agreed."
    out = split_compounds(text, [_at(text, "Brightwave Plus, Kellan", "ORG"), _all(text, "Kellan", "ORG")[1],
                                 _at(text, "Ardent Defense, Space, and Security", "ORG")])
    assert [m.text for m in out] == ["Brightwave Plus", "Kellan", "Kellan", "Ardent Defense, Space, and Security"]


@pytest.mark.parametrize(("surface", "kind"), [("Moslems", "NORP"), ("Serb", "NORP"), ("Fairfield Democrats Club", "ORG")])
def test_a_one_word_group_of_people_stays_norp(surface: str, kind: str) -> None:
    from app.nlp.mentions import retype
    assert retype(surface, "NORP") == kind
