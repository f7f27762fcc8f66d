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


@pytest.fixture(scope="session")
def unscreened(nlp: Language) -> Extractor:
    """The extractor without its last refiner, the screen: for tests of what the stages
    find and whom they give it to, where the screen (a model trained on PolNeAR, tested in
    test_screen.py) may drop an attribution PolNeAR's annotators seldom count."""
    return Extractor(nlp, skip=frozenset({"screened"}))
