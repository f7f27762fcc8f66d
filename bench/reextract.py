"""Re-extraction of the bench corpus (#13): `newsdesk reextract --workers N`, timed, and a
run killed midway that resumes.

    python bench/reextract.py [--articles 10000] [--workers 1 2] [--kill-at 0.4] [--no-append]

The synthetic corpus (bench/corpus.py) is written without NLP: every article is out of date
(no extractor version), so a run extracts all of them again with the real extractor and
replaces what the corpus builder stored. Each row starts from a fresh copy of the corpus:
  N workers   `newsdesk reextract --workers N`: the job queued, N processes running its
              chunks; wall time from the command's start (spaCy loading included) to its
              end, and the rate between the job's creation and its end (from the database)
  killed      `--workers 2` killed with SIGKILL (its whole process group) once 40% of
              the articles are done, then run again: the same job resumes, the chunks the
              killed processes held are taken again once their lease (10 s here) runs out
After each run: every article at the extractor's version, and every stored count equal to
what the rows say (articles' entity and quote counts; entities' article, mention and quote
counts; no entity without an article)."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]

import corpus  # noqa: E402
import run  # noqa: E402

LEASE = "10"
# Each table counted once, grouped (a correlated count per entity scans the mentions for
# each of ~22,000 entities on the 10,000-article corpus: hours).
COUNTS_WRONG = """
WITH ae AS (SELECT entity_id AS id, count(*) AS n FROM article_entity GROUP BY entity_id),
     em AS (SELECT entity_id AS id, count(*) AS n FROM mention GROUP BY entity_id),
     eq AS (SELECT speaker_entity_id AS id, count(*) AS n FROM quote WHERE speaker_entity_id IS NOT NULL GROUP BY 1),
     aq AS (SELECT article_id AS id, count(*) AS n FROM quote GROUP BY article_id),
     aa AS (SELECT article_id AS id, count(*) AS n FROM article_entity GROUP BY article_id)
SELECT (SELECT count(*) FROM article a LEFT JOIN aq ON aq.id = a.id LEFT JOIN aa ON aa.id = a.id
        WHERE a.quote_count != coalesce(aq.n, 0) OR a.entity_count != coalesce(aa.n, 0))
     + (SELECT count(*) FROM entity e LEFT JOIN ae ON ae.id = e.id LEFT JOIN em ON em.id = e.id
        LEFT JOIN eq ON eq.id = e.id
        WHERE e.article_count != coalesce(ae.n, 0) OR e.mention_count != coalesce(em.n, 0)
           OR e.quote_count != coalesce(eq.n, 0) OR e.article_count = 0)
"""


def fresh_copy(source: Path, name: str) -> Path:
    target = run.OUT / f"reextract-{name}.db"
    for suffix in ("", "-wal", "-shm", "-queue.db"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


def command(db: Path, workers: int) -> subprocess.Popen[str]:
    env = {**os.environ, "NEWSDESK_DATABASE_URL": f"sqlite:///{db}", "NEWSDESK_LOG_LEVEL": "warning",
           "NEWSDESK_JOB_LEASE_SECONDS": LEASE}
    # Its own process group: a kill takes its extraction processes with it, as a crash would.
    return subprocess.Popen([sys.executable, "-m", "app.cli", "reextract", "--workers", str(workers)],
                            cwd=run.ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)


def job(db: Path) -> tuple[int, str, int, int, float] | None:
    """The latest job: (id, status, articles done, total, seconds from creation to end or now)."""
    with sqlite3.connect(db, timeout=30) as conn:
        row = conn.execute(
            "SELECT j.id, j.status, j.total, (julianday(coalesce(j.finished_at, datetime('now'))) -"
            " julianday(j.created_at)) * 86400,"
            " (SELECT coalesce(sum(i.size - coalesce(i.failed, 0)), 0) FROM job_item i"
            "  WHERE i.job_id = j.id AND i.status = 'done')"
            " FROM job j ORDER BY j.id DESC LIMIT 1").fetchone()
    return None if row is None else (row[0], row[1], row[4], row[2], row[3])


def check(db: Path, articles: int) -> tuple[int, int]:
    """(articles at one extractor version, stored counts that disagree with the rows)."""
    with sqlite3.connect(db) as conn:
        versions = conn.execute("SELECT extractor_version, count(*) FROM article GROUP BY 1").fetchall()
        wrong = conn.execute(COUNTS_WRONG).fetchone()[0]
    current = max((n for v, n in versions if v is not None), default=0)
    assert len(versions) == 1 and current == articles, f"versions after the run: {versions}"
    return current, wrong


def timed_run(source: Path, articles: int, workers: int) -> dict[str, float]:
    db = fresh_copy(source, f"{workers}w")
    started = time.monotonic()
    proc = command(db, workers)
    out, _ = proc.communicate()
    wall = time.monotonic() - started
    assert proc.returncode == 0, out
    found = job(db)
    assert found is not None and found[1] == "done" and found[2] == articles, (found, out)
    _, wrong = check(db, articles)
    print(f"{workers} workers: {wall:.0f} s, job {found[4]:.0f} s; {out.strip()}", file=sys.stderr)
    return {"wall": wall, "job": found[4], "wrong": wrong}


def killed_run(source: Path, articles: int, workers: int, at: float) -> dict[str, float]:
    db = fresh_copy(source, "killed")
    proc = command(db, workers)
    while (found := job(db)) is None or found[2] < at * articles:
        assert proc.poll() is None, "the run ended before it was killed"
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    time.sleep(1)
    killed = job(db)
    assert killed is not None and killed[1] == "running"
    with sqlite3.connect(db) as conn:
        at_version = conn.execute("SELECT count(*) FROM article WHERE extractor_version IS NOT NULL").fetchone()[0]
    started = time.monotonic()
    again = command(db, workers)
    out, _ = again.communicate()
    resumed = time.monotonic() - started
    assert again.returncode == 0, out
    done = job(db)
    assert done is not None and done[0] == killed[0] and done[1] == "done", (done, killed)
    _, wrong = check(db, articles)
    print(f"killed at {killed[2]} done ({at_version} re-extracted), resumed in {resumed:.0f} s: {out.strip()}",
          file=sys.stderr)
    return {"done_at_kill": killed[2], "at_version_at_kill": at_version, "resumed_wall": resumed,
            "done_after": done[2], "wrong": wrong, "job": killed[0]}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--kill-at", type=float, default=0.4,
                        help="share of the articles done when killed; 0: no killed run")
    parser.add_argument("--no-append", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args(argv)
    run.OUT.mkdir(exist_ok=True)
    source = run.OUT / f"corpus-{args.articles}.db"
    if run._count(source) != args.articles:
        corpus.build(source, args.articles)
    rows = [(w, timed_run(source, args.articles, w)) for w in args.workers]
    killed = killed_run(source, args.articles, max(args.workers), args.kill_at) if args.kill_at else None
    n = args.articles
    lines = [
        run.header(argv, "bench/reextract.py"), "",
        f"Re-extraction of the {n:,}-article synthetic corpus (bench/corpus.py, ~2,900 characters an article, "
        "every article out of date), `newsdesk reextract --workers N` on SQLite, from a fresh copy each:", "",
        "| workers | wall s (spaCy load included) | job s | articles/s (job) | counts wrong after |",
        "|---:|---:|---:|---:|---:|",
    ]
    for workers, r in rows:
        lines.append(f"| {workers} | {r['wall']:.0f} | {r['job']:.0f} | {n / r['job']:.2f} | {r['wrong']:.0f} |")
    lines += [] if killed is None else [
        "",
        f"Killed (SIGKILL to `--workers {max(args.workers)}` and its processes) with {killed['done_at_kill']:.0f} "
        f"articles recorded done ({killed['at_version_at_kill']:.0f} at the new version), then run again: job "
        f"{killed['job']:.0f} resumed and finished with {killed['done_after']:.0f} of {n:,} done in "
        f"{killed['resumed_wall']:.0f} s more (the killed chunks waited out a {LEASE} s lease); every article at "
        f"the new version, {killed['wrong']:.0f} counts wrong.",
    ]
    report = "\n".join(lines)
    print(report)
    if not args.no_append:
        run.append(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
