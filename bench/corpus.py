"""A synthetic Newsdesk corpus, written straight into a migrated SQLite database.

No NLP: articles are composed from a pool of generated sentences, with entity names and
quotations placed at known offsets, so every stored span is true (`text[start:end]`).
Entity popularity is Zipf-like (a few entities are in thousands of articles, most in one
or two), as in real news. Per article: ~10 entities, 20 mentions, 10 quotes.

    python bench/corpus.py bench/data/corpus-10000.db --articles 10000
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import random
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ENTITIES_PER_ARTICLE = 10
PERSONS_PER_ARTICLE = 4
QUOTES_PER_ARTICLE = 10
ENTITIES_PER_ARTICLE_IN_CORPUS = 6  # a few hundred thousand entities for 100k articles
ZIPF_S = 1.05
SOURCES = [f"Source {i:02d}" for i in range(30)]
OTHER_TYPES = ("ORG", "GPE", "NORP", "LOC", "FAC", "EVENT")
KINDS = ("direct", "direct", "direct", "mixed", "indirect")
BATCH = 500
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime in SQLite

SYLLABLES = [a + b for a in "bdfgklmnprstvz" for b in ("a", "e", "i", "o", "u", "ar", "en", "ol")]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3))))


@dataclass
class Vocabulary:
    """Words with a Zipf-like frequency; sentences built from them."""

    words: list[str]
    sentences: list[str]
    quotes: list[str]

    @classmethod
    def make(cls, rng: random.Random, n_words: int = 4000, n_sentences: int = 20000) -> Vocabulary:
        words = list(dict.fromkeys(_word(rng) for _ in range(n_words * 2)))[:n_words]
        weights = list(itertools.accumulate(1 / (r + 1) for r in range(len(words))))

        def sentence(lo: int, hi: int) -> str:
            picked = rng.choices(words, cum_weights=weights, k=rng.randint(lo, hi))
            return " ".join(picked).capitalize() + "."

        return cls(
            words=words,
            sentences=[sentence(8, 22) for _ in range(n_sentences)],
            quotes=[sentence(6, 18) for _ in range(n_sentences // 2)],
        )

    def search_terms(self, rng: random.Random, n: int) -> list[str]:
        """Words of middling frequency: each matches a few percent of the rows."""
        return rng.sample(self.words[100:600], n)


@dataclass
class Entities:
    """The corpus-wide entities and their Zipf popularity, persons apart from the rest."""

    names: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    persons: list[int] = field(default_factory=list)
    others: list[int] = field(default_factory=list)

    @classmethod
    def make(cls, rng: random.Random, count: int, vocab: Vocabulary) -> Entities:
        """`count` entities with distinct names, half of them people; ids from 1."""
        ents = cls()
        firsts = [w.capitalize() for w in vocab.words[:300]]
        lasts = [w.capitalize() + s for w in vocab.words for s in ("", "son", "ová", "ez")]
        kinds = ("Group", "Council", "City", "Party", "Bank", "Union")
        for i in range(count):
            k = i // 2
            if i % 2 == 0:
                first, last = firsts[k % len(firsts)], lasts[k // len(firsts) % len(lasts)]
                ents.names.append(_numbered(f"{first} {last}", k // (len(firsts) * len(lasts))))
                ents.types.append("PERSON")
                ents.persons.append(i + 1)
            else:
                last, kind = lasts[k % len(lasts)], kinds[k // len(lasts) % len(kinds)]
                ents.names.append(_numbered(f"{last} {kind}", k // (len(kinds) * len(lasts))))
                ents.types.append(OTHER_TYPES[k % len(OTHER_TYPES)])
                ents.others.append(i + 1)
        rng.shuffle(ents.persons)  # popularity does not follow id order
        rng.shuffle(ents.others)
        return ents


def _numbered(name: str, n: int) -> str:
    """Keeps names distinct once the combinations run out."""
    return f"{name} {n}" if n else name


class Sampler:
    """Distinct picks from a population with Zipf-like weights."""

    def __init__(self, population: list[int]) -> None:
        self.population = population
        self.weights = list(itertools.accumulate(1 / (r + 1) ** ZIPF_S for r in range(len(population))))

    def distinct(self, rng: random.Random, k: int) -> list[int]:
        picked: dict[int, None] = {}
        while len(picked) < k:
            for e in rng.choices(self.population, cum_weights=self.weights, k=k - len(picked)):
                picked[e] = None
        return list(picked)


@dataclass
class Counts:
    article: list[int]
    mention: list[int]
    quote: list[int]


def _article(
    rng: random.Random, article_id: int, vocab: Vocabulary, ents: Entities,
    persons: Sampler, others: Sampler, counts: Counts, now: datetime,
) -> tuple[tuple, list[tuple], list[tuple], list[tuple], list[tuple]]:
    """One article's rows: article, authors, article_entity, mention, quote."""
    speakers = persons.distinct(rng, PERSONS_PER_ARTICLE)
    in_article = speakers + others.distinct(rng, ENTITIES_PER_ARTICLE - PERSONS_PER_ARTICLE)
    rng.shuffle(in_article)
    parts: list[str] = []
    pos = 0

    def put(s: str) -> tuple[int, int]:
        nonlocal pos
        start = pos
        parts.append(s)
        pos += len(s)
        return start, pos

    mentions: dict[int, list[tuple[int, int, str]]] = {e: [] for e in in_article}
    quotes: list[tuple] = []
    title = rng.choice(vocab.sentences)[:-1]
    put(title + "\n")
    for i in range(QUOTES_PER_ARTICLE):
        # A sentence naming an entity, then a quotation with its speaker and cue.
        e = in_article[i % len(in_article)]
        put(rng.choice(vocab.sentences)[:-1] + " ")
        s, t = put(ents.names[e - 1])
        mentions[e].append((s, t, ents.names[e - 1]))
        put(". " + rng.choice(vocab.sentences) + "\n")
        speaker = speakers[i % len(speakers)]
        qs, qe = put("“" + rng.choice(vocab.quotes)[:-1] + ",”")
        put(" ")
        cs, ce = put("said")
        put(" ")
        ss, se = put(ents.names[speaker - 1])
        mentions[speaker].append((ss, se, ents.names[speaker - 1]))
        put(".\n")
        quotes.append((qs, qe, rng.choice(KINDS), speaker, ss, se, cs, ce))
    text = "".join(parts)
    quote_rows = [
        (article_id, qs, qe, text[qs:qe], kind, ents.names[sp - 1], sp, ents.names[sp - 1], ss, se, "said", cs, ce)
        for qs, qe, kind, sp, ss, se, cs, ce in quotes
    ]

    published = None if rng.random() < 0.05 else now - timedelta(seconds=rng.randint(0, 3 * 365 * 86400))
    ingested = now - timedelta(seconds=article_id)
    authors = rng.sample([f"Author {i:03d}" for i in range(400)], rng.choice((1, 1, 2)))
    article = (
        article_id, f"https://news.example/{article_id}", hashlib.sha256(text.encode()).hexdigest(),
        title, rng.choice(SOURCES), orjson.dumps(authors).decode(), "en",
        published.strftime(SQLITE_TIME) if published else None, ingested.strftime(SQLITE_TIME),
        (published or ingested).strftime(SQLITE_TIME), text, len(text.split()),
        len(in_article), len(quotes),
    )
    links, mention_rows = [], []
    n_ents = len(in_article)
    for position, e in enumerate(in_article):
        found = sorted(mentions[e])
        links.append((article_id, e, position, ents.names[e - 1], len(found), round(1 - position / n_ents, 3)))
        mention_rows += [(article_id, e, s, t, txt) for s, t, txt in found]
        counts.article[e - 1] += 1
        counts.mention[e - 1] += len(found)
    for q in quotes:
        counts.quote[q[3] - 1] += 1
    return article, [(article_id, a) for a in authors], links, mention_rows, quote_rows


def build(path: Path, articles: int, seed: int = 1, log: bool = True) -> dict[str, float]:
    """A fresh database at path with `articles` synthetic articles; returns build figures."""
    from app import migrate
    from app.db import make_engine

    started = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()

    vocab = Vocabulary.make(random.Random(seed))
    rng = random.Random(seed + 1)
    n_entities = max(2000, articles * ENTITIES_PER_ARTICLE_IN_CORPUS)
    ents = Entities.make(rng, n_entities, vocab)
    persons, others = Sampler(ents.persons), Sampler(ents.others)
    counts = Counts([0] * n_entities, [0] * n_entities, [0] * n_entities)
    now = datetime(2026, 11, 26, tzinfo=UTC)

    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-400000")
    db.execute("PRAGMA foreign_keys=OFF")
    db.execute("BEGIN")  # foreign keys are off: entities go in last, only those mentioned
    next_quote = 1
    for first in range(1, articles + 1, BATCH):
        rows: tuple[list, ...] = ([], [], [], [], [])
        for article_id in range(first, min(first + BATCH, articles + 1)):
            made_rows = _article(rng, article_id, vocab, ents, persons, others, counts, now)
            for bucket, made in zip(rows, made_rows, strict=True):
                if isinstance(made, tuple):
                    bucket.append(made)
                else:
                    bucket.extend(made)
        # The first 14 columns, in the schema's order; later ones (extractor version,
        # stored document) stay NULL.
        columns = [r[1] for r in db.execute("PRAGMA table_info(article)")][:14]
        db.executemany(f"INSERT INTO article ({', '.join(columns)}) VALUES ({', '.join('?' * 14)})", rows[0])
        db.executemany("INSERT INTO article_author (article_id, name) VALUES (?, ?)", rows[1])
        db.executemany(
            "INSERT INTO article_entity (article_id, entity_id, position, name, mention_count, salience) "
            "VALUES (?, ?, ?, ?, ?, ?)", rows[2])
        db.executemany(
            'INSERT INTO mention (article_id, entity_id, start, "end", text) VALUES (?, ?, ?, ?, ?)', rows[3])
        db.executemany(
            'INSERT INTO quote (id, article_id, start, "end", text, kind, speaker_name, speaker_entity_id, '
            "speaker_text, speaker_start, speaker_end, cue_text, cue_start, cue_end) "
            f"VALUES ({', '.join('?' * 14)})",
            [(next_quote + i, *q) for i, q in enumerate(rows[4])])
        next_quote += len(rows[4])
        if log and first % 10000 < BATCH:
            done = min(first + BATCH - 1, articles)
            print(f"  {done} articles, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    db.executemany(
        "INSERT INTO entity (id, name, type, key, surname, aliases, article_count, mention_count, quote_count) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        ((i + 1, name, type_, " ".join(name.casefold().split()),
          name.casefold().split()[-1] if type_ == "PERSON" and " " in name.strip() else None,
          orjson.dumps([name]).decode(), counts.article[i], counts.mention[i], counts.quote[i])
         for i, (name, type_) in enumerate(zip(ents.names, ents.types, strict=True))
         if counts.article[i]),  # the service deletes an entity no article mentions
    )
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    seconds = time.perf_counter() - started
    size = path.stat().st_size
    return {"articles": articles, "seconds": seconds, "bytes": size, "bytes_per_article": size / articles}


def sample_ids(path: Path, n: int = 2000, seed: int = 1) -> dict[str, list]:
    """Ids and search words that exist in the database, for the load generator."""
    db = sqlite3.connect(path)
    rng = random.Random(seed + 2)
    max_article = db.execute("SELECT max(id) FROM article").fetchone()[0]

    def some(where: str) -> list[int]:
        found = [r[0] for r in db.execute(f"SELECT id FROM entity WHERE {where} ORDER BY id")]
        return rng.sample(found, min(n, len(found)))

    speakers = some("quote_count > 0")
    popular = [r[0] for r in db.execute("SELECT id FROM entity ORDER BY article_count DESC LIMIT 20")]
    rare = some("article_count BETWEEN 1 AND 3")
    db.close()
    vocab = Vocabulary.make(random.Random(seed))  # the same words build() used
    return {
        "article": [rng.randint(1, max_article) for _ in range(n)],
        "speaker": speakers,
        "popular": popular,
        "rare": rare,
        "word": vocab.search_terms(rng, 200),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    args.path.parent.mkdir(parents=True, exist_ok=True)
    figures = build(args.path, args.articles, args.seed)
    print(f"{figures['articles']} articles in {figures['seconds']:.1f} s, "
          f"{figures['bytes'] / 1e6:.1f} MB ({figures['bytes_per_article'] / 1e3:.1f} kB per article)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
