"""Where articles are extracted: in the calling thread (the CLI, the tests), or in worker
processes that are killed past a deadline (the service).

spaCy holds the GIL, and a thread cannot be stopped: an article that takes minutes would
hold the process and its slot for minutes, and a request that gave up would leave its
work running. A process can be killed. So the service hands each article to one of a
few extraction processes and waits at most `deadline` seconds; past it the process is
killed, a fresh one takes its place, and the article fails alone (422, or 503 when the
process was starved of CPU rather than busy with it). The processes are the cap: work
counts against it until it has really stopped, whether or not its request is still
waiting."""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Protocol

from app.errors import AppError, ExtractionFailed, Overloaded
from app.nlp.pipeline import Extractor, ModelNotFoundError, load_pipeline
from app.nlp.types import Extraction
from app.observability import EXTRACTION_SECONDS, EXTRACTIONS_KILLED

log = logging.getLogger("newsdesk")

# (text, the client's language hint)
Text = tuple[str, str | None]
Result = Extraction | AppError
# Extraction processes of the service run this nice: reads and /health take milliseconds
# and must not queue behind articles; extraction uses whatever CPU they leave.
NICENESS = 10
WARM_UP = "Port Elwin votes\nMaria Okafor, the mayor of Port Elwin, said: “We will vote on Monday.”\n"


class Extracts(Protocol):
    # What made the extractions (app.nlp.pipeline.version): an article stored by another
    # version is out of date (app/reextraction.py).
    version: str

    def extract_each(self, texts: Sequence[Text], stop: threading.Event | None = None) -> Iterator[Result]:
        """One result per text, in order: its extraction, or the error it failed with
        alone. Stops early once `stop` is set (its request is gone)."""
        ...


class ExtractionTimedOut(AppError):
    status, slug = 422, "extraction-timeout"


def _failed(reason: str) -> ExtractionFailed:
    return ExtractionFailed(
        f"Entities and quotes could not be extracted from this article ({reason}).",
        errors=[{"loc": ["body", "text"], "msg": "extraction failed", "type": "extraction_failed"}],
    )


class InProcess:
    """The extractor in the calling thread, nlp.pipe's batches; should one article break
    it, the rest go one by one."""

    def __init__(self, extractor: Extractor) -> None:
        self.extractor = extractor
        self.version = extractor.version

    def extract_each(self, texts: Sequence[Text], stop: threading.Event | None = None) -> Iterator[Result]:
        done = 0
        started = time.perf_counter()
        try:
            for extraction in self.extractor.extract_many((t for t, _ in texts), hints=[h for _, h in texts]):
                EXTRACTION_SECONDS.observe(time.perf_counter() - started)
                done += 1
                yield extraction
                if stop is not None and stop.is_set():
                    return
                started = time.perf_counter()
        except Exception:  # arbitrary text through third-party NLP: isolate, don't crash
            for text, hint in texts[done:]:
                if stop is not None and stop.is_set():
                    return
                started = time.perf_counter()
                try:
                    extraction = self.extractor.extract(text, hint)
                except Exception as exc:
                    log.exception("extraction failed on an article of %d characters", len(text))
                    yield _failed(type(exc).__name__)
                    continue
                EXTRACTION_SECONDS.observe(time.perf_counter() - started)
                yield extraction


def lower_priority(niceness: int) -> None:
    """Run this process at `niceness` (0-19), or at its own if it is niced more already:
    an unprivileged process cannot raise its priority back."""
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if niceness > current:
        os.nice(niceness - current)


def _serve(conn: Connection, model: str, skip: frozenset[str], niceness: int) -> None:
    """A worker process: load the pipeline once, then extract one text per message."""
    # Ctrl-C in a terminal reaches the whole process group: the parent decides when its
    # workers stop (it closes the pipe), so a worker never dies mid-answer on its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    lower_priority(niceness)
    try:
        extractor = Extractor(load_pipeline(model), skip=skip)
    except ModelNotFoundError as exc:
        conn.send(("missing", str(exc)))  # the parent says why it cannot start
        return
    # The first article loads what the pipeline loads lazily (place names, the language
    # model): done here, it never counts against an article's deadline.
    extractor.extract(WARM_UP)
    conn.send(("ready", extractor.version))
    while True:
        try:
            text, hint = conn.recv()
        except (EOFError, OSError):
            return  # the parent closed the pipe, or is gone
        try:
            answer: tuple[str, object] = ("ok", extractor.extract(text, hint))
        except Exception as exc:
            answer = ("error", (type(exc).__name__, traceback.format_exc()))
        conn.send(answer)


class _Worker:
    def __init__(self, context: multiprocessing.context.SpawnContext, model: str, skip: frozenset[str],
                 niceness: int) -> None:
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_serve, args=(child, model, skip, niceness), name="newsdesk-extractor", daemon=True
        )
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> str:
        """The version of the extractor the process loaded."""
        if not self.conn.poll(timeout):
            raise TimeoutError(f"the extraction process did not load its pipeline within {timeout:g} s")
        try:
            kind, detail = self.conn.recv()
        except EOFError:
            self.process.join()
            raise RuntimeError(
                f"the extraction process exited while loading its pipeline (exit code {self.process.exitcode})"
            ) from None
        if kind == "missing":
            self.process.join()
            raise ModelNotFoundError(detail)
        return str(detail)

    def cpu_seconds(self) -> float | None:
        """CPU time the process has used (Linux), to tell a costly article from a starved one."""
        try:
            with open(f"/proc/{self.process.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return None

    def stop(self) -> None:
        self.conn.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.kill()

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


class WorkerPool:
    """`processes` extraction processes; each article waits at most `wait` seconds for a
    free one (else 503 Overloaded) and is extracted within `deadline` seconds (else its
    process is killed and replaced, and the article fails alone). The processes run at
    `niceness` (app.extraction.lower_priority)."""

    def __init__(self, model: str, *, processes: int, deadline: float, wait: float,
                 skip: frozenset[str] = frozenset(), load_timeout: float = 120.0, niceness: int = NICENESS) -> None:
        self.model = model
        self.skip = skip
        self.niceness = niceness
        self.processes = processes
        self.deadline = deadline
        self.wait = wait
        self.load_timeout = load_timeout
        # spawn, not fork: the service's process has threads (event loop, read threads)
        # whose locks a forked child would inherit held.
        self._context = multiprocessing.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.version = ""  # known once a process has loaded the pipeline

    def start(self) -> None:
        workers = [self._spawn() for _ in range(self.processes)]  # they load side by side
        try:
            for worker in workers:
                self.version = worker.wait_ready(self.load_timeout)
                self._idle.put(worker)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.stop()

    def busy(self) -> int:
        """Extractions running now, their requests waiting or not."""
        return self.processes - self._idle.qsize()

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context, self.model, self.skip, self.niceness)
        with self._lock:
            self._all.add(worker)
        return worker

    def _replace(self, dead: _Worker) -> None:
        """A new process in the dead one's place, loaded in the background: until it is
        ready the pool has one process fewer, never more."""
        with self._lock:
            self._all.discard(dead)
            if self._closed:
                return

        def load() -> None:
            while True:
                worker = self._spawn()
                try:
                    worker.wait_ready(self.load_timeout)
                except (TimeoutError, RuntimeError, OSError):
                    log.error("an extraction process failed to start; trying again")
                    worker.kill()
                    with self._lock:
                        self._all.discard(worker)
                    time.sleep(1)
                    continue
                self._idle.put(worker)
                return

        threading.Thread(target=load, name="newsdesk-extractor-spawn", daemon=True).start()

    def extract(self, text: str, hint: str | None = None) -> Extraction | AppError:
        try:
            worker = self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise Overloaded(
                f"All {self.processes} extraction processes stayed busy for {self.wait:g} seconds; "
                "try again shortly.",
                headers={"Retry-After": str(max(1, round(self.deadline / 2)))},
            ) from None
        started = time.perf_counter()
        cpu_before = worker.cpu_seconds()
        try:
            worker.conn.send((text, hint))
        except OSError:  # it died while idle (killed from outside): its replacement will do
            worker.kill()
            self._replace(worker)
            return self.extract(text, hint)
        if not worker.conn.poll(self.deadline):
            cpu = worker.cpu_seconds()
            worker.kill()
            self._replace(worker)
            EXTRACTIONS_KILLED.inc()
            used = None if cpu is None or cpu_before is None else cpu - cpu_before
            log.warning("extraction of an article of %d characters killed at its %g s deadline "
                        "(%s s of CPU)", len(text), self.deadline, "?" if used is None else f"{used:.1f}")
            if used is not None and used < self.deadline / 4:
                # The process waited for a CPU more than it worked: the machine is busy,
                # not the article costly. Another time it may pass.
                return Overloaded(
                    f"The extraction did not finish within {self.deadline:g} seconds on a busy "
                    "server; try again later.",
                    headers={"Retry-After": str(max(1, round(self.deadline)))},
                )
            return ExtractionTimedOut(
                f"Entities and quotes could not be extracted from this article within "
                f"{self.deadline:g} seconds; it is not stored.",
                errors=[{"loc": ["body", "text"], "msg": "extraction took too long", "type": "extraction_timeout"}],
            )
        try:
            kind, payload = worker.conn.recv()
        except (EOFError, OSError):
            # The process died on this article (out of memory, a crash in native code).
            worker.kill()
            self._replace(worker)
            log.error("an extraction process died on an article of %d characters", len(text))
            return _failed("the extraction process died")
        self._idle.put(worker)
        if kind == "error":
            name, trace = payload
            log.error("extraction failed on an article of %d characters:\n%s", len(text), trace)
            return _failed(name)
        EXTRACTION_SECONDS.observe(time.perf_counter() - started)
        return payload

    def extract_each(self, texts: Sequence[Text], stop: threading.Event | None = None) -> Iterator[Result]:
        for text, hint in texts:
            if stop is not None and stop.is_set():
                return
            yield self.extract(text, hint)
