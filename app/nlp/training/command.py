"""What every training command shares: its arguments (PolNeAR train, where the weights go,
how many articles are held out, the fit's l2 and steps), the articles it reads, and how
it writes the weights and reports its figures."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def arguments(description: str | None, artifact: Path) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("train", type=Path, help="PolNeAR train.jsonl")
    ap.add_argument("--out", type=Path, default=artifact)
    ap.add_argument("--held-out", type=int, default=140, help="last articles kept out of the fit")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--steps", type=int, default=300)
    return ap


def articles(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def finish(out: Path, weights_json: str, figures: dict[str, float], started: float) -> int:
    """Writes the weights, then the figures (with the time taken since `started`) to stderr."""
    out.write_text(weights_json + "\n", encoding="utf-8")
    figures["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(figures), file=sys.stderr)
    return 0
