"""The content-boundary model: two linear rankers over named features (boundary_features.py),
one for where a content starts and one for where it ends, kept as a JSON table of weights
beside this module and read from disk once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ARTIFACT = Path(__file__).parent / "boundaries.json"


@dataclass(frozen=True, slots=True)
class BoundaryModel:
    start: dict[str, float]
    end: dict[str, float]
    # A boundary replaces the rule's only when it scores this much higher: the rules'
    # boundaries are right far more often than not.
    margin: float

    @staticmethod
    def score(weights: dict[str, float], feats: list[str]) -> float:
        return sum(weights.get(f, 0.0) for f in feats)

    def to_json(self) -> str:
        """Sorted, rounded and without spaces: the same model is always the same bytes."""
        def table(weights: dict[str, float]) -> dict[str, float]:
            return {f: round(w, 4) for f, w in sorted(weights.items()) if round(w, 4) != 0.0}
        return json.dumps({"margin": self.margin, "start": table(self.start), "end": table(self.end)},
                          separators=(",", ":"), sort_keys=True)


def from_json(text: str) -> BoundaryModel:
    data = json.loads(text)
    return BoundaryModel({f: float(w) for f, w in data["start"].items()},
                       {f: float(w) for f, w in data["end"].items()}, float(data["margin"]))


@cache
def load(path: Path = ARTIFACT) -> BoundaryModel:
    """The committed model (`make train` rewrites it)."""
    return from_json(path.read_text(encoding="utf-8"))
