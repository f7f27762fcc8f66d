"""Whatever the text, every span the extractor returns points at its own words: the text
spaCy reads is rewritten in places (datelines, headlines, credits, quotation marks), and
none of that may move an offset."""

from __future__ import annotations

from extraction_checks import assert_offsets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.nlp.pipeline import Extractor, prepare

# Pieces of the article parts the extractor rewrites or cuts, and characters whose case
# mapping changes their length ("İ".lower() is two characters, "ß".upper() is "SS").
_PIECES = [
    "İZMİR, Nov 26 (Reuters) - ", "\nKİLİS (AP) — ", "BAKU — ", "ST. LOUIS (AP) — ", "FILE - In this photo, ", "(AP Photo/Ana Ruiz)",
    "REUTERS/Ana Ruiz", "Photo: ", "“", "”", '"', "«", "»", "‘", "’", "''", "He said ", " said ", "Ms. Ortiz ",
    "Ortiz’s ", "n’t ", "pro-Tariff ", "Jr. ", "Va. ", "\n", "\n\n", "ß", "ǅ", "İ", "ﬁ", "SENATE PASSES BILL ",
    "Sneaky Lena Ortiz ", "who said ", "the spokesman ", "According to ", " ", "—", ": ", "PENCE: ", "\xa0", "―",
    "<tweet>", "https://x.co/a ", "/", "Kyiv ", "Lena Ortiz ", "that ", ". ",
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_PIECES) | st.text(max_size=6), min_size=1, max_size=30))
def test_offsets_hold_on_any_text(nlp_extractor: Extractor, parts: list[str]) -> None:
    text = "".join(parts)
    if not text.strip():
        return
    _, _, parse_text, _ = prepare(text, nlp_extractor.common_words)
    assert len(parse_text) == len(text)  # else spaCy's offsets are not the text's
    assert_offsets(text, nlp_extractor.extract(text))
