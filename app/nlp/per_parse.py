"""What several stages read of one parse, worked out once and kept with it.

A paragraph's parse (a spaCy Doc) is not changed after the pipeline, and the stages ask
the same questions of it again and again (each attribution, each candidate edge, each
word): the answers are kept in the doc's `user_data`, under "newsdesk.<name>", and go
with the doc."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from spacy.tokens import Doc

T = TypeVar("T")


def once(doc: Doc, name: str, make: Callable[[], T]) -> T:
    """`make()` the first time `name` is asked of `doc`, what it gave after that."""
    key = f"newsdesk.{name}"
    if key not in doc.user_data:
        doc.user_data[key] = make()
    found: T = doc.user_data[key]
    return found
