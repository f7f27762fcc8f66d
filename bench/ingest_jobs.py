"""Ingestion as jobs (#13): `newsdesk worker` processes taking a batch job from Redis,
against nlp.pipe alone on the same texts, and how fast `POST ?wait=false` answers while
the workers are saturated.

    python bench/ingest_jobs.py [--articles 168] [--probe-seconds 15] [--baseline DIR] [--no-append]

One run, side by side on the same texts (PolNeAR dev, read at run time and made distinct,
so that no article is a duplicate of another):
  nlp.pipe alone     en_core_web_sm over the texts in this process: the extraction floor
  ... at nice N      the same in a process at the workers' extraction niceness
                     (NEWSDESK_WORKER_NICE, 10): on a machine others keep busy, what the
                     worker's own code costs apart from the CPU its niceness gives up
  1 worker           one `newsdesk worker --processes 1` (one extraction process)
  2 workers          two of them, on the same database and queue
  wait=false p99     single articles posted ?wait=false, 10 a second for 15 s, while 2 workers
                     work through the same batch (a run of its own, not timed: the probes'
                     own jobs would slow the timed runs)
Each worker run: a fresh SQLite database, `newsdesk serve` taking the job
(POST /articles/batch?wait=false) and the workers ready before it is posted; the time is
from the 202 to the job's `done`. Needs Redis on 127.0.0.1:6379 (database 15 is emptied).

--baseline DIR runs every worker row and the probe a second time, interleaved, with the
code in DIR (another checkout, e.g. `git archive main | tar -x -C DIR`) on this venv: a
change and what it replaces, measured in the same run on the same loaded machine."""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

import run  # noqa: E402
from load import free_port  # noqa: E402

REDIS = "redis://127.0.0.1:6379/15"


def texts(limit: int) -> list[dict[str, str]]:
    base = run.read_texts(run.DEFAULT_TEXTS, 10_000)
    # Distinct texts (the service stores the same text once): a numbered last line.
    return [{**a, "text": f"{a['text']}\n\nFile {i}."} for i, a in enumerate(base * (limit // len(base) + 1))][:limit]


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"SELECT 15\r\nFLUSHDB\r\n")
            time.sleep(0.2)
            return b"+OK" in s.recv(100)
    except OSError:
        return False


# `newsdesk`, as the module: run from a tree (cwd), the `app` of that tree comes first.
NEWSDESK = [sys.executable, "-m", "app.cli"]


@contextmanager
def deployment(db: Path, workers: int, log: Path, tree: Path = run.ROOT) -> Iterator[str]:
    """`newsdesk serve` and `workers` x `newsdesk worker --processes 1`, all on `db` and Redis,
    with the code in `tree`."""
    env = {**os.environ, "NEWSDESK_DATABASE_URL": f"sqlite:///{db}", "NEWSDESK_QUEUE_URL": REDIS,
           "NEWSDESK_EXTRACT_PROCESSES": "1", "NEWSDESK_LOG_LEVEL": "info"}
    port = free_port()
    procs = []
    with log.open("ab") as out:
        procs.append(subprocess.Popen([*NEWSDESK, "serve", "--host", "127.0.0.1", "--port", str(port)],
                                      cwd=tree, env=env, stdout=out, stderr=subprocess.STDOUT))
        worker_logs = [log.with_name(f"{log.stem}-worker{i}.log") for i in range(workers)]
        for path in worker_logs:
            path.unlink(missing_ok=True)
            with path.open("ab") as wout:
                procs.append(subprocess.Popen([*NEWSDESK, "worker", "--processes", "1"], cwd=tree, env=env,
                                              stdout=wout, stderr=subprocess.STDOUT))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise SystemExit(f"the deployment did not start; see {log} and its worker logs")
            try:
                ready = httpx.get(f"{base}/health", timeout=2).status_code == 200
            except httpx.TransportError:
                ready = False
            if ready and all("worker:" in p.read_text(errors="replace") for p in worker_logs):
                break
            time.sleep(0.3)
        yield base
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def run_job(base: str, articles: list[dict[str, str]], probe: float = 0) -> tuple[float, list[float]]:
    """Seconds from the batch's 202 to its job's `done`; or, with `probe` seconds, the
    latencies (ms) of single posts during that long of the job, which is then cancelled."""
    latencies: list[float] = []
    stop = threading.Event()

    def probe_posts() -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            i = 0
            while not stop.is_set():
                started = time.perf_counter()
                r = client.post("/articles", params={"wait": "false"},
                                json={"text": f"Probe {i}. The minister said on Monday that the plan would go ahead."})
                latencies.append((time.perf_counter() - started) * 1000)
                if r.status_code != 202:
                    raise SystemExit(f"probe: {r.status_code} {r.text[:300]}")
                i += 1
                stop.wait(0.1)

    with httpx.Client(base_url=base, timeout=120) as client:
        r = client.post("/articles/batch", params={"wait": "false"}, json=articles)
        started = time.perf_counter()
        if r.status_code != 202:
            raise SystemExit(f"batch: {r.status_code} {r.text[:500]}")
        job = r.json()["id"]
        if probe:
            time.sleep(3)  # the workers busy first
            prober = threading.Thread(target=probe_posts, daemon=True)
            prober.start()
            time.sleep(probe)
            stop.set()
            prober.join()
            client.delete(f"/jobs/{job}")
            return 0.0, latencies
        while True:
            state = client.get(f"/jobs/{job}").json()
            if state["status"] in ("done", "failed", "cancelled"):
                break
            time.sleep(0.2)
        seconds = time.perf_counter() - started
    if state["status"] != "done" or state.get("counts", {}).get("failed"):
        raise SystemExit(f"job {job}: {state['status']} {state.get('counts')}")
    return seconds, latencies


def p99(latencies: list[float]) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, round(len(ordered) * 0.99))] if ordered else float("nan")


def pipe_at_niceness(texts: list[str], niceness: int) -> float:
    """Seconds of nlp.pipe alone over `texts` in a process of its own at `niceness`."""
    path = run.OUT / "pipe-texts.json"
    path.write_text(json.dumps(texts))
    done = subprocess.run([sys.executable, __file__, "--pipe-seconds", str(path)], cwd=run.ROOT, check=True,
                          capture_output=True, text=True, preexec_fn=lambda: os.nice(niceness))
    return float(done.stdout.split()[-1])


def measure(limit: int, probe_seconds: float, baseline: Path | None, probe_only: bool = False) -> str:
    if not redis_up():
        raise SystemExit("Redis is not answering on 127.0.0.1:6379")
    articles = texts(limit)
    pipe_seconds, model = (1.0, "not run") if probe_only else run.nlp_pipe_alone([a["text"] for a in articles])
    floor = len(articles) / pipe_seconds
    niceness = int(os.environ.get("NEWSDESK_WORKER_NICE", "10"))
    niced = 1.0 if probe_only else len(articles) / pipe_at_niceness([a["text"] for a in articles], niceness)
    trees = {"this tree": run.ROOT, **({"baseline": baseline} if baseline else {})}
    rates: dict[tuple[str, int], float] = {}
    probes: dict[str, list[float]] = {}
    # Interleaved, tree by tree within each row: a change in the machine's load falls on both.
    for workers in () if probe_only else (1, 2):
        for label, tree in trees.items():
            redis_up()  # empty the queue between runs
            db = run.fresh_db(f"queue-{workers}.db")
            with deployment(db, workers, run.OUT / f"queue-{workers}.log", tree) as base:
                seconds, _ = run_job(base, articles)
            rates[label, workers] = len(articles) / seconds
    for label, tree in trees.items():
        redis_up()
        with deployment(run.fresh_db("queue-probe.db"), 2, run.OUT / "queue-probe.log", tree) as base:
            _, probes[label] = run_job(base, articles, probe=probe_seconds)
    lines = [
        f"#### Jobs on Redis: {len(articles)} PolNeAR dev articles, `newsdesk worker --processes 1` each, "
        f"SQLite (load {os.getloadavg()[0]:.1f})\n",
        "| code | what | articles/s | ratio | target |",
        "|---|---|---:|---:|---|",
        f"| | nlp.pipe alone ({model}, whole texts, one process) | {floor:.2f} | 1.00 | |",
        f"| | nlp.pipe alone at nice {niceness}, as the workers' extraction processes | {niced:.2f} | "
        f"{niced / floor:.2f} | |",
    ]
    if probe_only:
        lines = lines[:1]
    for label in () if probe_only else trees:
        one, two = rates[label, 1], rates[label, 2]
        lines += [f"| {label} | 1 worker, 202 to done | {one:.2f} | {one / floor:.2f} x nlp.pipe, "
                  f"{one / niced:.2f} x at nice {niceness} | >= 0.9x |",
                  f"| {label} | 2 workers, 202 to done | {two:.2f} | {two / one:.2f} x 1 worker | >= 1.7x |"]
    lines.append("")
    for label, probe in probes.items():
        lines.append(
            f"{label}: POST /articles?wait=false while 2 workers were saturated: {len(probe)} posts in "
            f"{probe_seconds:g} s, p50 {statistics.median(probe) if probe else float('nan'):.1f} ms, "
            f"p99 {p99(probe):.1f} ms, max {max(probe, default=float('nan')):.1f} ms (target <= 20 ms)."
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=168)
    parser.add_argument("--probe-seconds", type=float, default=15)
    parser.add_argument("--baseline", type=Path, help="another checkout, run side by side with this one")
    parser.add_argument("--probe-only", action="store_true", help="only the wait=false probe")
    parser.add_argument("--no-append", action="store_true")
    parser.add_argument("--pipe-seconds", type=Path, help=argparse.SUPPRESS)  # pipe_at_niceness's process
    args = parser.parse_args()
    if args.pipe_seconds:
        print(run.nlp_pipe_alone(json.loads(args.pipe_seconds.read_text()))[0])
        return 0
    run.OUT.mkdir(exist_ok=True)
    report = measure(args.articles, args.probe_seconds, args.baseline.resolve() if args.baseline else None,
                     args.probe_only)
    if not args.no_append:
        run.append(run.header(sys.argv[1:], "bench/ingest_jobs.py") + "\n\n" + report)
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
