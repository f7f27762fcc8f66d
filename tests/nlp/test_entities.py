"""Canonical entities: cleaned mentions, merged aliases, corrected types, salience."""

from __future__ import annotations

from extraction_checks import assert_offsets, entity_named, quote_containing

from app.nlp.pipeline import Extractor


def test_possessive_and_leading_the_are_not_part_of_names(nlp_extractor: Extractor) -> None:
    text = "The United Nations’ envoy met Germany's chancellor and the European Commission's staff in Brussels."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    for entity in result.entities:
        assert not entity.name.lower().startswith("the "), entity.name
        for m in entity.mentions:
            assert not m.text.endswith(("'s", "’s", "’", "'")), m
            assert not m.text.lower().startswith("the "), m
    assert entity_named(result, "Germany").type == "GPE"


def test_country_aliases_are_one_entity(nlp_extractor: Extractor) -> None:
    text = (
        "US officials arrived in Paris on Monday.\n"
        "The United States wants a new trade deal, and the U.S. delegation is large."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    us = entity_named(result, "United States")
    assert us.type == "GPE"
    forms = {m.text for m in us.mentions}
    assert {"US", "U.S."} <= forms
    assert any("United States" in f for f in forms)


def test_a_country_the_article_writes_short_keeps_the_article_s_name(nlp_extractor: Extractor) -> None:
    text = "U.S. officials arrived in Paris on Monday, and the U.S. delegation is large."
    result = nlp_extractor.extract(text)
    us = [e for e in result.entities if e.type == "GPE" and e.name != "Paris"]
    assert [e.name for e in us] == ["U.S."]


def test_surname_joins_the_full_name(nlp_extractor: Extractor) -> None:
    text = (
        "Prime Minister Keir Starmer spoke in London on Monday.\n"
        "Starmer said the economy would recover, and Starmer's aides agreed."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    person = entity_named(result, "Keir Starmer")
    assert person.type == "PERSON"
    assert sum(m.text == "Starmer" for m in person.mentions) == 2
    assert not [e for e in result.entities if e.name == "Starmer"]


def test_countries_are_places_and_demonyms_are_norp(nlp_extractor: Extractor) -> None:
    text = (
        "Azerbaijan and Armenia signed the declaration.\n"
        "Azerbaijani officials said Armenia would open the border, and Azerbaijan agreed."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert entity_named(result, "Azerbaijan").type == "GPE"
    assert entity_named(result, "Armenia").type == "GPE"
    assert entity_named(result, "Azerbaijani").type == "NORP"


def test_nothing_crosses_a_newline(nlp_extractor: Extractor) -> None:
    text = "Peace talks between the two countries\nArmenia\nAzerbaijan\nBoth sides welcomed the deal."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    for entity in result.entities:
        for m in entity.mentions:
            assert "\n" not in m.text, m
    names = {e.name for e in result.entities}
    assert "Armenia" in names and "Azerbaijan" in names


def test_salience_ranks_the_central_entity_first(nlp_extractor: Extractor) -> None:
    text = (
        "Kenya signs new trade pact\n"
        "Kenya signed a trade agreement with Japan on Monday. Kenya expects exports to grow, "
        "and officials in Kenya said more deals would follow. A delegation from Peru attended."
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    for e in result.entities:
        assert 0.0 <= e.salience <= 1.0
    kenya = entity_named(result, "Kenya")
    assert kenya.salience == max(e.salience for e in result.entities)
    assert kenya.salience > entity_named(result, "Peru").salience


def test_capitalised_headline_and_dateline_do_not_break_extraction(nlp_extractor: Extractor) -> None:
    text = (
        "OIL PRICES FALL AS TALKS STALL\n"
        "BAKU, Nov 26 (Reuters) - Oil prices fell on Tuesday, traders said, "
        "after talks in Vienna ended without a deal.\n"
        "Photo: A tanker near the port of Baku. REUTERS/Staff"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    names = {e.name for e in result.entities}
    assert "Baku" in names and "Vienna" in names
    assert not [n for n in names if "\n" in n]


def test_names_are_cut_where_a_table_runs_on(nlp_extractor: Extractor) -> None:
    text = "Scotland : Jim Leighton , Stuart McCall ( Gordon Durie 75th ) , Gary McAllister .\n"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    for e in result.entities:
        for m in e.mentions:
            assert "(" not in m.text and "75th" not in m.text, m


def test_demonyms_derived_from_country_names_are_norp(nlp_extractor: Extractor) -> None:
    text = "A Rwandan refugee group and Pakistani officials met in Geneva."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    for e in result.entities:
        if e.name in ("Rwandan", "Pakistani"):
            assert e.type == "NORP", e
    assert not [e for e in result.entities if e.name in ("Rwandan", "Pakistani") and e.type != "NORP"]


def test_a_tour_listing_gives_towns_states_and_venues(nlp_extractor: Extractor) -> None:
    text = (
        "The Lantern Kings announced a summer tour.\n"
        "June 3 – Millbrook Falls, OH @ Corvale Savings Amphitheatre\n"
        "June 5 – Quarry Bend, ON @ Westline Music Hall (Formerly Ridge Hall)\n"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    found = {(e.name, e.type) for e in result.entities}
    assert {("Millbrook Falls", "GPE"), ("OH", "GPE"), ("Quarry Bend", "GPE"), ("ON", "GPE"),
            ("Corvale Savings Amphitheatre", "FAC"), ("Westline Music Hall", "FAC")} <= found, found



def test_credits_titles_of_works_and_party_labels_are_no_entities(nlp_extractor: Extractor) -> None:
    text = (
        "Senator Dana Whitfield, R-Neb., praised the film “Carter and Maybelle” on Monday.\n"
        "Whitfield said Omaha would host the premiere.\n"
        "(Reporting by Lionel Sparrow; Editing by Greta Hollins)\n"
    )
    result = nlp_extractor.extract(text)
    names = {e.name for e in result.entities}
    assert "Dana Whitfield" in names and "Omaha" in names
    assert not names & {"Neb.", "Carter", "Maybelle", "Carter and Maybelle", "Lionel Sparrow", "Greta Hollins"}, names


def test_a_wire_dateline_on_its_own_line_is_a_place(nlp_extractor: Extractor) -> None:
    text = "SOCCER - OKAFOR NAMED CAPTAIN .\nLUSAKA 2026-03-04\nThe coach named Okafor captain on Friday .\n"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    places = {(m.text, e.type) for e in result.entities for m in e.mentions}
    assert ("LUSAKA", "GPE") in places, places


def test_the_common_word_opening_a_sentence_is_no_place(nlp_extractor: Extractor) -> None:
    # The model reads "New county" as a place; without "county" the rest is no name.
    text = ("Rents climb in Port Elwin\n"
            "New county figures show that rents in Port Elwin rose by a third last year.\n")
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert [e.name for e in result.entities] == ["Port Elwin"]
    q = quote_containing(result, "rents in Port Elwin rose")
    assert q.speaker is not None and q.speaker.name == "New county figures"


def test_the_teams_of_a_results_listing_are_bodies_not_their_towns(nlp_extractor: Extractor) -> None:
    text = (
        "Baseball standings after games played on Tuesday.\n"
        "EASTERN DIVISION\n"
        "W L PCT GB\n"
        "DENVER 74 59 .556 -\n"
        "MONTREAL 71 64 .526 4\n"
        "Wednesday's games\n"
        "MONTREAL AT DENVER\n"
        "Korean league soccer results:\n"
        "Busan 1 Incheon 0\n"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    for name in ("DENVER", "MONTREAL", "Busan", "Incheon"):
        found = [e for e in result.entities if name in {m.text for m in e.mentions}]
        assert found and all(e.type == "ORG" for e in found), (name, [(e.name, e.type) for e in found])


def test_a_place_with_one_figure_or_a_person_with_scores_is_no_team(nlp_extractor: Extractor) -> None:
    text = (
        "Electoral votes of the swing states:\n"
        "Florida 29\n"
        "Leaders after the second round of the Masters:\n"
        "Tiger Woods 68 70\n"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert all(e.type != "ORG" for e in result.entities if e.name in ("Florida", "Tiger Woods")), \
        [(e.name, e.type) for e in result.entities]
    assert any(e.name == "Tiger Woods" and e.type == "PERSON" for e in result.entities)


def test_unknown_teams_of_a_score_line_or_a_full_standings_row_and_scorecard_players(
        nlp_extractor: Extractor) -> None:
    text = (
        "Results of the weekend's league games:\n"
        "Korvala 2 Tessmoor 1 ( halftime 1-1 )\n"
        "Standings:\n"
        "Korvala 3 1 0 6 1 10\n"
        "Scorecard:\n"
        "Tessmoor 259 ( P. Varnholt 69 , D. Quenby 4-43 )\n"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    types = {m.text: e.type for e in result.entities for m in e.mentions}
    assert types.get("Korvala") == "ORG" and types.get("Tessmoor") == "ORG", types
    assert types.get("P. Varnholt") == "PERSON" and types.get("D. Quenby") == "PERSON", types


def test_bowlers_dismissals_team_sheets_seeds_and_a_club_s_fixtures(nlp_extractor: Extractor) -> None:
    text = (
        "Scorecard:\n"
        "R. Tellaver c Brandish b Morkeley 12\n"
        "Bowling : Morkeley 8-0-39-3 , Quastel Ruhm 6-1-30-1\n"
        "Teams:\n"
        "Valdonia - 1 - Pietro Anselvi ; 2 - Jorun Keddle ( 14 - Amar Tessoval 87th ) , 5 - Ruhmel\n"
        "Women's singles, first round:\n"
        "8 - Lindra Vaskett ( Valdonia ) beat Ona Pirelle ( Korvia ) 6-4 6-3\n"
        "Korvala's remaining fixtures:\n"
        "August 1-4 v Tessmoor ( four days )\n"
    )
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    types = {m.text: e.type for e in result.entities for m in e.mentions}
    for player in ("Brandish", "Morkeley", "Quastel Ruhm", "Pietro Anselvi", "Jorun Keddle", "Amar Tessoval",
                   "Ruhmel", "Lindra Vaskett"):
        assert types.get(player) == "PERSON", (player, types)
    assert types.get("Tessmoor") == "ORG", types


def test_a_numbered_heading_is_no_player(nlp_extractor: Extractor) -> None:
    text = "How to start.\n\n1 - Getting Started\n\nRead the guide first, then open the box.\n"
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert all(e.type != "PERSON" for e in result.entities), [(e.name, e.type) for e in result.entities]


def test_a_full_name_after_an_office_is_a_person_the_model_took_for_a_place(nlp_extractor: Extractor) -> None:
    text = "“We will keep fighting for fair prices,” FTC chair Lina Park said in a statement."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    types = {e.name: e.type for e in result.entities}
    assert types.get("Lina Park") == "PERSON", types
    assert result.quotes[0].speaker is not None and result.quotes[0].speaker.name == "Lina Park"


def test_a_place_after_former_stays_a_place(nlp_extractor: Extractor) -> None:
    text = "The former Soviet Union broke apart in 1991, and its republics went their own ways."
    result = nlp_extractor.extract(text)
    assert_offsets(text, result)
    assert all(e.type != "PERSON" for e in result.entities), [(e.name, e.type) for e in result.entities]
