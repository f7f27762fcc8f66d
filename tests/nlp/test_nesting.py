"""Reported speech nested in another's content is dropped, the outer kept: checked against
the definition, written out pair by pair, on random attributions (the pipeline finds it
in one pass, which a run-on text of tens of thousands of reports needs)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.nlp.attribution import Attribution
from app.nlp.pipeline import _outermost


def nested_pairwise(atts: list[Attribution]) -> list[Attribution]:
    contents = [(a.start, a.end) for a in atts]
    return [a for a in atts if a.cue is None or not any(
        s <= a.cue[0] < e and a.end <= e and (s, e) != (a.start, a.end) for s, e in contents)]


_ATTRIBUTION = st.builds(
    lambda start, length, cue, cue_length: Attribution(start, start + length, cue, None if cue is None else cue + cue_length,
                                                       None, None),
    st.integers(0, 60), st.integers(1, 40), st.one_of(st.none(), st.integers(0, 100)), st.integers(1, 5))


@settings(max_examples=400, deadline=None)
@given(st.lists(_ATTRIBUTION, max_size=12, unique_by=lambda a: (a.start, a.end)))
def test_only_the_outermost_reports_are_kept(atts: list[Attribution]) -> None:
    assert _outermost(atts) == nested_pairwise(atts)


def test_a_report_inside_another_s_content_goes() -> None:
    outer = Attribution(10, 60, 5, 9, None, None)  # "She said [he thinks X …]"
    inner = Attribution(30, 60, 25, 29, None, None)  # "he thinks [X …]"
    alone = Attribution(70, 90, 65, 69, None, None)
    assert _outermost([outer, inner, alone]) == [outer, alone]
