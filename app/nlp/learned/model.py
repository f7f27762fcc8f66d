"""The cue classifier: a logistic regression over named features (features.py), kept as
a JSON table of weights beside this module and read from disk once. Nothing is
downloaded; no library beyond the standard one is needed to score a token."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ARTIFACT = Path(__file__).parent / "cues.json"


@dataclass(frozen=True, slots=True)
class CueModel:
    weights: dict[str, float]
    threshold: float  # a verb the lists lack scoring at least this is taken for a cue

    def probability(self, feats: list[str]) -> float:
        z = sum(self.weights.get(f, 0.0) for f in feats)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> str:
        """Sorted, rounded and without spaces: the same model is always the same bytes."""
        table = {f: round(w, 4) for f, w in sorted(self.weights.items()) if round(w, 4) != 0.0}
        return json.dumps({"threshold": self.threshold, "weights": table}, separators=(",", ":"), sort_keys=True)


def from_json(text: str) -> CueModel:
    data = json.loads(text)
    return CueModel({f: float(w) for f, w in data["weights"].items()}, float(data["threshold"]))


@cache
def load(path: Path = ARTIFACT) -> CueModel:
    """The committed model (`make train` rewrites it)."""
    return from_json(path.read_text(encoding="utf-8"))
