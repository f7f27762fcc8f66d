"""Checks shared by the extractor tests: every span an extraction returns, and lookups
that fail loudly with what was found instead."""

from __future__ import annotations

from pathlib import Path

from app.nlp.types import ExtractedEntity, ExtractedQuote, Extraction

SEED_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "seed"


def assert_offsets(text: str, extraction: Extraction) -> None:
    """text[start:end] == span.text for every mention, quote, part, speaker mention and cue;
    a quote's parts lie in order within it, from its start to its end."""
    for entity in extraction.entities:
        assert entity.mentions, entity
        for m in entity.mentions:
            assert text[m.start:m.end] == m.text, (entity.name, m)
    for q in extraction.quotes:
        assert text[q.start:q.end] == q.text, q
        assert q.parts and q.parts[0].start == q.start and q.parts[-1].end == q.end, q
        for part, after in zip(q.parts, (*q.parts[1:], None), strict=True):
            assert text[part.start:part.end] == part.text and part.start < part.end, q
            assert after is None or part.end <= after.start, q
        if q.speaker is not None:
            s = q.speaker.mention
            assert text[s.start:s.end] == s.text, q.speaker
            if q.speaker.entity is not None:
                assert 0 <= q.speaker.entity < len(extraction.entities)
        if q.cue is not None:
            assert text[q.cue.start:q.cue.end] == q.cue.text, q.cue


def quote_containing(extraction: Extraction, fragment: str) -> ExtractedQuote:
    found = [q for q in extraction.quotes if fragment in q.text]
    assert len(found) == 1, (fragment, [q.text for q in extraction.quotes])
    return found[0]


def no_quote_containing(extraction: Extraction, fragment: str) -> None:
    assert not [q for q in extraction.quotes if fragment in q.text], [q.text for q in extraction.quotes]


def entity_named(extraction: Extraction, name: str) -> ExtractedEntity:
    found = [e for e in extraction.entities if e.name == name]
    assert len(found) == 1, (name, [(e.name, e.type) for e in extraction.entities])
    return found[0]
