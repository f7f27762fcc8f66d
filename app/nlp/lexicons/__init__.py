"""Word lists kept as data: one lemma a line, with a header saying what the list is for
and where it came from."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).parent


def _lines(name: str) -> list[str]:
    lines = (_HERE / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [w for line in lines if (w := line.split("#", 1)[0].strip())]


@cache
def words(name: str) -> frozenset[str]:
    """The words of `name`.txt beside this module, comments and blank lines left out."""
    return frozenset(_lines(name))


@cache
def table(name: str) -> dict[str, frozenset[str]]:
    """`name`.txt as a table: each line's first word, and the words after it."""
    return {key: frozenset(rest) for key, *rest in (line.split() for line in _lines(name))}
