"""The evaluation command's conversions: seed annotations to PolNeAR lines, and the
API's quotes to the scorers' predictions (one per statement, whatever its parts)."""

from __future__ import annotations

import json
from pathlib import Path

from app.evaluation import _ood_prediction, _quote_prediction, seed_folder_to_jsonl
from app.nlp.types import ExtractedQuote, Extraction, Span, Speaker


def test_seed_folder_becomes_polnear_lines(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("“Yes,” he said.", encoding="utf-8")
    gold = {"id": "a", "quotes": [{"text": "“Yes,”", "start": 0, "end": 6, "kind": "direct",
                                   "speaker_mention": "he", "speaker_start": 7, "speaker_end": 9}]}
    (tmp_path / "a.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert seed_folder_to_jsonl(tmp_path, out) == 1
    line = json.loads(out.read_text(encoding="utf-8"))
    assert line["text"] == "“Yes,” he said."
    assert line["quotes"][0]["speaker_start"] == 7 and line["quotes"][0]["kind"] == "direct"


def _interrupted() -> Extraction:
    text = "“Yes,” he said. “No.”"
    he, said = Span("he", 7, 9), Span("said", 10, 14)
    parts = (Span("“Yes,”", 0, 6), Span("“No.”", 16, 21))
    quote = ExtractedQuote(text, 0, 21, "direct", Speaker("Ann Lee", 0, he), said, parts)
    return Extraction((), (quote,))


def test_a_statement_in_two_parts_is_one_prediction() -> None:
    quotes = _quote_prediction("x", _interrupted())["quotes"]
    assert quotes == [{"start": 0, "end": 21, "speaker_start": 7, "speaker_end": 9}]


def test_ood_predictions_carry_the_resolved_name() -> None:
    pred = _ood_prediction("k", _interrupted())
    assert pred["key"] == "k"
    assert pred["quotes"] == [{"start": 0, "end": 21, "speaker_name": "Ann Lee", "has_dq": True}]


def test_speech_only_predictions_leave_out_beliefs_and_plans() -> None:
    said = _interrupted().quotes[0]
    planned = ExtractedQuote("to win", 30, 36, "indirect", None, Span("plans", 24, 29), (Span("to win", 30, 36),),
                             "intention")
    extraction = Extraction((), (said, planned))
    assert len(_quote_prediction("x", extraction)["quotes"]) == 2
    assert [q["start"] for q in _quote_prediction("x", extraction, speech_only=True)["quotes"]] == [0]
