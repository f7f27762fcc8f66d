"""Bare surnames found again by the full names the model did find (entities.add_surnames),
over hand-made mentions: no model needed."""

from __future__ import annotations

import pytest

from app.nlp.entities import add_surnames
from app.nlp.mentions import Mention


@pytest.mark.parametrize("between", [".\n\n", ". ", ".\n"])
def test_surname_after_a_sentence_that_ends_in_a_capitalised_word(between: str) -> None:
    text = f"Nora Swale sang in Oslo on Sunday{between}Swale thanked the crowd."
    found = add_surnames(text, [Mention("Nora Swale", 0, 10, "PERSON")])
    at = text.rindex("Swale")
    assert [(m.text, m.start) for m in found if m.start == at] == [("Swale", at)]


@pytest.mark.parametrize("text", ["Nora Swale met Bill Swale on Sunday.", "Nora Swale met Bill\tSwale on Sunday."])
def test_capitalised_word_before_the_surname_on_the_same_line_is_another_name(text: str) -> None:
    found = add_surnames(text, [Mention("Nora Swale", 0, 10, "PERSON")])
    assert [m.start for m in found] == [0]


def test_a_title_before_the_surname_keeps_it_the_persons() -> None:
    text = "Nora Swale sang on Sunday. Ms. Swale thanked the crowd."
    found = add_surnames(text, [Mention("Nora Swale", 0, 10, "PERSON")])
    assert [m.start for m in found] == [0, text.rindex("Swale")]
