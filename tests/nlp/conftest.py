"""The real spaCy pipeline, loaded once for all extractor tests."""

from __future__ import annotations

import pytest
from spacy.language import Language

from app.nlp.pipeline import Extractor, load_pipeline


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_pipeline()


@pytest.fixture(scope="session")
def nlp_extractor(nlp: Language) -> Extractor:
    return Extractor(nlp)
