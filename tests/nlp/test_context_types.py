"""Types decided over the whole article, on mentions placed by hand: each case is a set of
labels the small model is known to give one name, so the vote is tested whatever it finds."""

from __future__ import annotations

from app.nlp.context_types import retype
from app.nlp.entities import group
from app.nlp.mentions import Mention


def _all(text: str, surface: str, *labels: str) -> list[Mention]:
    """A mention of `surface` at each place it occurs, labelled in turn by `labels`."""
    out, at = [], text.find(surface)
    while at >= 0:
        out.append(Mention(surface, at, at + len(surface), labels[len(out) % len(labels)]))
        at = text.find(surface, at + 1)
    return out


def _labels(mentions: list[Mention]) -> list[tuple[str, str]]:
    return [(m.text, m.label) for m in sorted(mentions, key=lambda m: m.start)]


def test_every_mention_of_a_name_takes_the_type_most_of_them_have() -> None:
    text = "Brindlework hired staff. Brindlework grew. Shares of Brindlework rose."
    out = retype(text, _all(text, "Brindlework", "ORG", "FAC", "ORG"))
    assert {label for _, label in _labels(out)} == {"ORG"}


def test_a_place_no_list_of_places_knows_is_a_body() -> None:
    text = "Viewers left Streamora for rivals, and Paris cheered."
    out = retype(text, _all(text, "Streamora", "GPE") + _all(text, "Paris", "GPE"))
    assert _labels(out) == [("Streamora", "ORG"), ("Paris", "GPE")]


def test_a_small_town_written_as_a_place_stays_a_place() -> None:
    text = "Troops reached the village of Dravnik. Later Dravnik was quiet. Kelloway, Nova Scotia, slept."
    out = retype(text, _all(text, "Dravnik", "GPE") + _all(text, "Kelloway", "GPE"))
    assert {label for _, label in _labels(out)} == {"GPE"}


def test_a_surname_the_model_took_for_a_place_or_a_body_is_the_person() -> None:
    text = "Ines Varrow spoke. Varrow left, and Varrow returned."
    bare = [Mention("Varrow", at, at + 6, label)
            for at, label in ((text.index("Varrow left"), "GPE"), (text.index("Varrow ret"), "PERSON"))]
    out = retype(text, _all(text, "Ines Varrow", "ORG") + bare)
    assert {label for _, label in _labels(out)} == {"PERSON"}


def test_a_full_name_typed_person_and_body_equally_is_the_person() -> None:
    text = "Talent manager Tavi Brook sold it. Critics blamed Tavi Brook."
    out = retype(text, _all(text, "Tavi Brook", "PERSON", "ORG"))
    assert {label for _, label in _labels(out)} == {"PERSON"}


def test_a_name_with_a_capital_inside_is_a_body() -> None:
    text = "RocketLane launched, and Mr. McAllister and Ms. DeVore watched."
    out = retype(text, _all(text, "RocketLane", "PERSON") + _all(text, "McAllister", "PERSON")
                 + _all(text, "DeVore", "PERSON"))
    assert _labels(out) == [("RocketLane", "ORG"), ("McAllister", "PERSON"), ("DeVore", "PERSON")]


def test_a_bare_surname_joins_a_full_name_with_a_suffix() -> None:
    text = "Aldo P. Serrick Jr. pleaded guilty. Serrick was fined."
    mentions = _all(text, "Aldo P. Serrick Jr.", "PERSON") + _all(text, "Serrick was", "PERSON")
    mentions[-1].text, mentions[-1].end = "Serrick", mentions[-1].start + 7
    groups = group(mentions, 0)
    assert [(g.name, len(g.mentions)) for g in groups] == [("Aldo P. Serrick Jr.", 2)]


def test_a_lone_one_word_person_is_a_body_or_a_place() -> None:
    text = "Fans cheered Zembrolix on Monday. Later Glasgow and Zembrolix replied, and Zembrolix grew."
    out = retype(text, _all(text, "Zembrolix", "PERSON") + _all(text, "Glasgow", "PERSON"))
    assert sorted(set(_labels(out))) == [("Glasgow", "GPE"), ("Zembrolix", "ORG")]


def test_a_lone_surname_after_a_title_or_before_who_stays_a_person() -> None:
    text = "Mr. Brannoch spoke first. Later Tessaly, who leads the union, spoke."
    out = retype(text, _all(text, "Brannoch", "PERSON") + _all(text, "Tessaly", "ORG"))
    assert _labels(out) == [("Brannoch", "PERSON"), ("Tessaly", "PERSON")]


def test_a_known_town_the_model_took_for_a_body_is_a_place_where_written_as_one() -> None:
    text = "He paid a Ludhiana-based agent. Later Dorval Peck, of Hamden, pleaded guilty at Tarvo."
    out = retype(text, _all(text, "Ludhiana", "ORG") + _all(text, "Hamden", "ORG") + _all(text, "Tarvo", "ORG"))
    assert _labels(out) == [("Ludhiana", "GPE"), ("Hamden", "GPE"), ("Tarvo", "ORG")]
