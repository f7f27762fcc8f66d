"""`make bench-attacks`: what hostile clients can make one Newsdesk worker do, against
127.0.0.1 only, each attack bounded in time and requests.

While a reader (wrk) measures `GET /articles/{id}` at 32 connections and a prober asks
/health every 20 ms, one request at a time, each attack runs beside them; the reader's
req/s is compared with its own figure, measured alone in the same run. Then wrk at 1,024
connections on the one worker, with a small probe beside it that records each of its
answers (the target is per status: the p99 of requests served, how fast the others are
refused); then two 1,000,000-character articles.

The attacks and probes come from a small asyncio HTTP/1.1 client (keep-alive, one
request in flight per connection).

    python bench/attacks.py                  # ~3 minutes
    python bench/attacks.py --seconds 5 --no-append
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import orjson

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

from load import (  # noqa: E402
    Load,
    Server,
    cpu_seconds,
    uvicorn,
    wrk,
)
from run import DEFAULT_TEXTS, OUT, RESULTS, children, corpus_db, header  # noqa: E402

SEARCH_16 = "/articles?q=" + "+".join(f"{c}*" for c in "tsacpwdmrbfhiegl")
PUNCTUATION = "!?.,;:" * 1334  # 8 kB, no spaces: quadratic in spaCy's tokenizer unchecked
TIMEOUT = 10.0


@dataclass
class Tally:
    """Every answer of one client group: status -> latencies in seconds (0 = no answer)."""

    latencies: dict[int, list[float]] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, status: int, latency: float) -> None:
        self.latencies.setdefault(status, []).append(latency)

    def count(self, *statuses: int) -> int:
        return sum(len(v) for k, v in self.latencies.items() if not statuses or k in statuses)

    def p99_ms(self, *statuses: int) -> float:
        values = sorted(x for k, v in self.latencies.items() if not statuses or k in statuses for x in v)
        return values[min(len(values) - 1, int(len(values) * 0.99))] * 1000 if values else float("nan")

    def rps(self, *statuses: int) -> float:
        return self.count(*statuses) / self.seconds if self.seconds else 0.0

    def statuses(self) -> str:
        return ", ".join(f"{k or 'no answer'}: {len(v)}" for k, v in sorted(self.latencies.items()))


async def _one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed")
    status = int(status_line.split(b" ", 2)[1])
    length, close = 0, False
    while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value.strip().lower() == b"close":
            close = True
    await reader.readexactly(length)
    if close:
        raise EOFError(status)
    return status


async def _connection(port: int, make: Callable[[], bytes], until: float, tally: Tally, pause: float) -> None:
    streams = None
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            if streams is None:
                streams = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), TIMEOUT)
            status = await asyncio.wait_for(_one(*streams, make()), TIMEOUT)
        except EOFError as closed:  # answered, then the server closed the connection
            tally.add(int(closed.args[0]), time.monotonic() - started)
            streams = None
            continue
        except (OSError, ConnectionError, TimeoutError, asyncio.IncompleteReadError, ValueError, IndexError):
            tally.add(0, time.monotonic() - started)
            if streams is not None:
                streams[1].close()
            streams = None
            await asyncio.sleep(0.05)
            continue
        tally.add(status, time.monotonic() - started)
        if pause:
            await asyncio.sleep(pause)
    if streams is not None:
        streams[1].close()


async def _group(port: int, make: Callable[[], bytes], connections: int, seconds: float, pause: float = 0) -> Tally:
    tally = Tally()
    started = time.monotonic()
    until = started + seconds
    await asyncio.gather(*(_connection(port, make, until, tally, pause) for _ in range(connections)))
    tally.seconds = time.monotonic() - started
    return tally


def get(path: str) -> Callable[[], bytes]:
    return lambda: f"GET {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()


def get_any(paths: list[str], seed: int = 1) -> Callable[[], bytes]:
    rng = random.Random(seed)
    return lambda: f"GET {rng.choice(paths)} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()


def post_json(make_body: Callable[[], bytes]) -> Callable[[], bytes]:
    def request() -> bytes:
        body = make_body()
        return (b"POST /articles HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    return request


async def scenario(server: Server, paths: list[str], attack: tuple[Callable[[], bytes], int] | None,
                   seconds: float) -> tuple[Load, Tally, Tally | None]:
    """The reader (wrk, 32 connections) and the /health prober, with the attack beside
    them when there is one."""
    port = int(server.base.rsplit(":", 1)[1])
    groups = [_group(port, get("/health"), 1, seconds, pause=0.02)]
    if attack is not None:
        groups.append(_group(port, attack[0], attack[1], seconds))
    reader, *found = await asyncio.gather(asyncio.to_thread(wrk, server, paths, seconds, 32), *groups)
    return reader, found[0], (found[1] if attack is not None else None)


async def crowd(server: Server, paths: list[str], seconds: float) -> tuple[Load, Tally, Tally]:
    """wrk at 1,024 connections, a probe of 4 more (a request every 50 ms each) that
    records how each of its requests was answered, and how fast, and the /health prober."""
    port = int(server.base.rsplit(":", 1)[1])
    load, probe, health = await asyncio.gather(
        asyncio.to_thread(wrk, server, paths, seconds, 1024),
        _group(port, get_any(paths, seed=2), 4, seconds, pause=0.05),
        _group(port, get("/health"), 1, seconds, pause=0.02),
    )
    return load, probe, health


def _cpu_by_pid(pid: int) -> dict[int, float]:
    """CPU seconds so far of a process and of its children (the extraction processes)."""
    found = {}
    for each in (pid, *children(pid)):
        try:
            found[each] = cpu_seconds(each)
        except OSError:  # it ended meanwhile
            continue
    return found


def million_texts(texts: Path) -> list[tuple[str, str]]:
    """The shapes that were quadratic (runs of punctuation, words without spaces, a run-on
    sentence of reported speech), and ordinary news (PolNeAR dev joined, as far as it goes)."""
    piece = ("He said that " * 400) + ("!?.,;:" * 300) + " " + ("x" * 5000) + " “" + ("ab" * 2000) + "” she said. "
    hostile = "Hostile article\n" + (piece * (1_000_000 // len(piece) + 1))[:999_900]
    found = [("hostile: punctuation, no spaces, run-on reported speech", hostile)]
    if texts.exists():
        joined = "\n\n".join(orjson.loads(line)["text"] for line in texts.read_bytes().splitlines() if line.strip())
        found.append((f"ordinary news: {texts.name} joined ({len(joined[:999_900]):,} characters)",
                      "Long article\n" + joined[:999_900]))
    return found


# How long a client posting a long article honours "busy" 503s (Retry-After) before the
# answer counts: right after the 1,024-connection flood the service is still shedding.
BUSY_PATIENCE = 30.0


def hostile_million(server: Server, label: str, text: str) -> tuple[str, tuple[int, float, float, str]]:
    """POST one long article, as a client that honours Retry-After on a "busy" 503 does;
    the seconds are the answering attempt's, its CPU is summed over the server and its
    extraction processes, read every 0.2 s (a killed process takes its count with it)."""
    pid = server.proc.pid
    given_up_at = time.monotonic() + BUSY_PATIENCE
    busy = 0
    while True:
        first = _cpu_by_pid(pid)
        last = dict(first)
        answer: list[httpx.Response] = []
        started = time.monotonic()
        poster = threading.Thread(target=lambda answer=answer: answer.append(
            httpx.post(server.base + "/articles", json={"text": text}, timeout=300)))
        poster.start()
        while poster.is_alive():
            last.update(_cpu_by_pid(pid))
            poster.join(0.2)
        wall = time.monotonic() - started
        last.update(_cpu_by_pid(pid))
        r = answer[0]
        retry_after = r.headers.get("retry-after", "")
        if r.status_code == 503 and r.json().get("type", "").endswith("overloaded") and retry_after.isdigit() \
                and time.monotonic() + int(retry_after) < given_up_at:
            busy += 1
            time.sleep(int(retry_after))
            continue
        break
    cpu = sum(v - first.get(p, 0.0) for p, v in last.items())
    detail = "" if r.status_code < 300 else str(r.json().get("detail", ""))
    if busy:
        detail = f"{detail or '-'} (after {busy} busy 503{'s' if busy > 1 else ''}, Retry-After honoured)"
    return label, (r.status_code, wall, cpu, detail)


def run(args: argparse.Namespace) -> str:
    db = corpus_db(args.articles, False, {})
    ids = [str(i) for i in range(1, args.articles + 1)]
    counter = iter(range(10**9))
    attacks = {
        f"4 connections repeating the 16-prefix search `{SEARCH_16[:40]}…`": (get(SEARCH_16), 4),
        "4 connections posting the 8 kB punctuation text (each one new)": (
            post_json(lambda: orjson.dumps({"text": f"{next(counter)} " + PUNCTUATION})), 4),
    }
    rows = []
    paths = [f"/articles/{i}" for i in ids]
    env = {"NEWSDESK_DATABASE_URL": f"sqlite:///{db}", "NEWSDESK_LOG_LEVEL": "warning"}
    with uvicorn("app.main:create_app", env, "/health", OUT / "attacks.log", serve=True) as server:
        alone, health, _ = asyncio.run(scenario(server, paths, None, args.seconds))
        rows.append(("none (the reader alone)", alone, health, None))
        for label, attack in attacks.items():
            reader, health, hits = asyncio.run(scenario(server, paths, attack, args.seconds))
            rows.append((label, reader, health, hits))
        flood, probe, flood_health = asyncio.run(crowd(server, paths, args.seconds))
        million = [hostile_million(server, label, text) for label, text in million_texts(args.texts)]
        after = httpx.get(server.base + "/health", timeout=10).status_code

    lines = [
        f"#### Attacks on one worker, SQLite, {args.articles:,}-article corpus, {args.seconds:g} s each",
        "",
        "| attack beside the reader (wrk, GET /articles/{id}, 32 connections) | reader req/s | x alone "
        "| reader p99 | /health p99 | the attack's answers |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label, reader, health, hits in rows:
        lines.append(
            f"| {label} | {reader.rps:,.0f} | {reader.rps / alone.rps:.2f} | {reader.p99_ms:.0f} ms "
            f"| {health.p99_ms():.0f} ms | "
            + ("-" if hits is None else f"{hits.statuses()}; p99 {hits.p99_ms():.0f} ms") + " |"
        )
    lines += [
        "",
        "| 1,024 connections on one worker (wrk), GET /articles/{id} | figure |",
        "|---|---:|",
        f"| answered | {flood.requests:,} ({flood.rps:,.0f} req/s), of which not 200: {flood.errors:,} |",
        f"| p99 of all answers (wrk) | {flood.p99_ms:.0f} ms |",
        f"| a probe of 4 connections beside it: served (200) | {probe.count(200)}, p99 {probe.p99_ms(200):.0f} ms |",
        f"| the probe: shed (503) | {probe.count(503)}, p99 {probe.p99_ms(503):.0f} ms |",
        f"| the probe: no answer within {TIMEOUT:g} s | {probe.count(0)} |",
        f"| /health beside it (one request at a time, every 20 ms) | {flood_health.statuses()}; p99 "
        f"{flood_health.p99_ms():.0f} ms |",
        "",
        "| a 1,000,000-character article | status | seconds | CPU seconds (server + extraction) | detail |",
        "|---|---:|---:|---:|---|",
    ]
    for label, (status, wall, cpu, detail) in million:
        lines.append(f"| {label} | {status} | {wall:.1f} | {cpu:.1f} | {detail or '-'} |")
    lines += ["", f"/health afterwards: {after}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1_210, help="corpus size (bench/corpus.py)")
    parser.add_argument("--seconds", type=float, default=10, help="duration of each scenario")
    parser.add_argument("--texts", type=Path, default=DEFAULT_TEXTS, help="JSONL of ordinary articles to join")
    parser.add_argument("--no-append", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    report = header(argv).replace("bench/run.py", "bench/attacks.py") + "\n\n" + run(args) + "\n"
    print(report)
    if not args.no_append:
        RESULTS.write_text(RESULTS.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
