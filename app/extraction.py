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
import pickle
import queue
import signal
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.engine import Engine

from app.db import make_engine
from app.errors import AppError, ExtractionFailed, Overloaded
from app.intake import NewArticle
from app.nlp.pipeline import Extractor, ModelNotFoundError, load_pipeline
from app.nlp.types import Extraction
from app.observability import EXTRACTION_SECONDS, EXTRACTIONS_KILLED

if TYPE_CHECKING:
    from app.services import IngestResult

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


def _serve(conn: Connection, model: str, skip: frozenset[str], niceness: int, database_url: str | None) -> None:
    """A worker process: load the pipeline once, then extract one text per message, or
    check, extract and store one article (when the pool stores: `database_url`)."""
    # Ctrl-C in a terminal reaches the whole process group: the parent decides when its
    # workers stop (it closes the pipe), so a worker never dies mid-answer on its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    lower_priority(niceness)
    try:
        extractor = Extractor(load_pipeline(model), skip=skip)
    except ModelNotFoundError as exc:
        conn.send(("missing", str(exc)))  # the parent says why it cannot start
        return
    engine = None if database_url is None else make_engine(database_url)
    # The first article loads what the pipeline loads lazily (place names, the language
    # model): done here, it never counts against an article's deadline.
    extractor.extract(WARM_UP)
    conn.send(("ready", extractor.version))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the parent closed the pipe, or is gone
        if message[0] == "ingest" and engine is not None:
            _ingest(conn, engine, extractor, message[1])
            continue
        _, text, hint = message
        try:
            answer: tuple[str, object] = ("ok", extractor.extract(text, hint))
        except Exception as exc:
            answer = ("error", (type(exc).__name__, traceback.format_exc()))
        conn.send(answer)


def _ingest(conn: Connection, engine: Engine, extractor: Extractor, article: NewArticle) -> None:
    """One article checked, extracted and stored here, in the process that extracts it:
    the service's own process then does no per-article SQL, and its event loop no longer
    shares the GIL with a write thread per article (bench/RESULTS.md, issue 14). The parent
    hears "extracted" when only the write is left: the deadline bounds the extraction."""
    from app import services  # here: services builds on this module's Extracts

    def extract(article: NewArticle) -> Extraction:
        try:
            return extractor.extract(article.text, article.language)
        except Exception as exc:
            raise _ExtractorBroke(type(exc).__name__, traceback.format_exc()) from exc

    try:
        stored = services.ingest_checked(engine, article, extract, lambda: conn.send(("extracted", None)))
        answer: tuple[str, object] = ("stored", stored)
    except _ExtractorBroke as exc:
        answer = ("error", exc.args)
    except Exception as exc:  # the database's errors are the parent's to answer (503, /health)
        answer = ("raise", exc)
    try:
        conn.send(answer)
    except (pickle.PicklingError, TypeError, AttributeError):  # an error that does not cross processes
        conn.send(("raise", RuntimeError(f"{type(answer[1]).__name__}: {answer[1]}")))


class _ExtractorBroke(Exception):
    """The extractor failed on the article: (its error's name, the traceback)."""


class _Worker:
    def __init__(self, context: multiprocessing.context.SpawnContext, model: str, skip: frozenset[str],
                 niceness: int, database_url: str | None) -> None:
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_serve, args=(child, model, skip, niceness, database_url), name="newsdesk-extractor", daemon=True
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
    `niceness` (app.extraction.lower_priority). Given `database_url`, they also store what
    they extract (ingest)."""

    def __init__(self, model: str, *, processes: int, deadline: float, wait: float,
                 skip: frozenset[str] = frozenset(), load_timeout: float = 120.0, niceness: int = NICENESS,
                 database_url: str | None = None) -> None:
        self.model = model
        self.database_url = database_url
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
        worker = _Worker(self._context, self.model, self.skip, self.niceness, self.database_url)
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
        answer = self._call(("extract", text, hint), len(text))
        if isinstance(answer, AppError):
            return answer
        worker, kind, payload, started = answer
        self._idle.put(worker)
        if kind == "error":
            return self._broke(payload, len(text))
        EXTRACTION_SECONDS.observe(time.perf_counter() - started)
        return payload

    def ingest(self, article: NewArticle) -> IngestResult | AppError:
        """Check, extract and store one article in a worker process: what was stored
        (services.ingest_checked), or the error it failed with alone. The database's
        errors are raised here, as a write in this process raises them."""
        if self.database_url is None:
            raise RuntimeError("this pool's processes have no database to store in")
        answer = self._call(("ingest", article), len(article.text))
        if isinstance(answer, AppError):
            return answer
        worker, kind, payload, started = answer
        if kind == "extracted":
            EXTRACTION_SECONDS.observe(time.perf_counter() - started)
            # Only the write is left, bounded by the database's lock timeout: it gets a
            # deadline of its own. A process killed in it takes its transaction with it.
            if not worker.conn.poll(self.deadline):
                self._lost(worker)
                log.error("an extraction process did not store its article within %g s", self.deadline)
                return Overloaded(f"The article could not be stored within {self.deadline:g} seconds; "
                                  "try again later.", headers={"Retry-After": str(max(1, round(self.deadline)))})
            try:
                kind, payload = worker.conn.recv()
            except (EOFError, OSError):
                self._lost(worker)
                log.error("an extraction process died storing an article of %d characters", len(article.text))
                return _failed("the extraction process died")
        self._idle.put(worker)
        if kind == "error":
            return self._broke(payload, len(article.text))
        if kind == "raise":
            raise payload
        return payload

    def _call(self, message: tuple[Any, ...], length: int) -> tuple[_Worker, str, Any, float] | AppError:
        """A free process's first answer to `message` within the deadline: (the process,
        now the caller's to give back, the answer's kind and payload, when it started)."""
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
            worker.conn.send(message)
        except OSError:  # it died while idle (killed from outside): its replacement will do
            self._lost(worker)
            return self._call(message, length)
        if not worker.conn.poll(self.deadline):
            cpu = worker.cpu_seconds()
            self._lost(worker)
            EXTRACTIONS_KILLED.inc()
            used = None if cpu is None or cpu_before is None else cpu - cpu_before
            log.warning("extraction of an article of %d characters killed at its %g s deadline "
                        "(%s s of CPU)", length, self.deadline, "?" if used is None else f"{used:.1f}")
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
            self._lost(worker)
            log.error("an extraction process died on an article of %d characters", length)
            return _failed("the extraction process died")
        return worker, kind, payload, started

    def _lost(self, worker: _Worker) -> None:
        worker.kill()
        self._replace(worker)

    @staticmethod
    def _broke(payload: tuple[str, str], length: int) -> ExtractionFailed:
        name, trace = payload
        log.error("extraction failed on an article of %d characters:\n%s", length, trace)
        return _failed(name)

    def extract_each(self, texts: Sequence[Text], stop: threading.Event | None = None) -> Iterator[Result]:
        for text, hint in texts:
            if stop is not None and stop.is_set():
                return
            yield self.extract(text, hint)
