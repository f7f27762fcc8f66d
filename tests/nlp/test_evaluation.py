"""The evaluation command's conversions: seed annotations to PolNeAR lines, and quotes
that share one cue joined into one attribution only when asked (--join-split-quotes)."""

from __future__ import annotations

import json
from pathlib import Path

from app.evaluation import _quote_prediction, seed_folder_to_jsonl
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


def test_pieces_sharing_a_cue_are_joined_only_when_asked() -> None:
    he, said = Span("he", 7, 9), Span("said", 10, 14)
    speaker = Speaker("Ann", 0, he)
    extraction = Extraction((), (
        ExtractedQuote("“Yes,”", 0, 6, "direct", speaker, said),
        ExtractedQuote("“No.”", 16, 21, "direct", speaker, said),
    ))
    joined = _quote_prediction("x", extraction, join_pieces=True)["quotes"]
    assert [(q["start"], q["end"]) for q in joined] == [(0, 21)]
    apart = _quote_prediction("x", extraction, join_pieces=False)["quotes"]
    assert len(apart) == 2
