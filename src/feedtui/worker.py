"""Parse fetched bodies in a separate process with a time and a memory limit.

A pathological page (50,000 nested elements, a huge JSON document, a parser bug that
loops) must not freeze the reader: extraction runs in a child process that is killed when
it takes longer than its time limit and restarted for the next body. The child caps its own
address space, so a memory blow-up ends in a MemoryError there, not in swapping here.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import queue
import signal
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import Connection
from operator import attrgetter

from .models import Entry, ExtractError, Extraction

#: Seconds one extraction may take.
TIME_LIMIT = 20.0
#: Bytes of address space the child may use.
MEMORY_LIMIT = 1536 * 1024 * 1024
#: How much lower than its parent the reader's parse workers are scheduled (nice): in the
#: app parsing is background work, and on a busy machine the event loop (keys, repaints)
#: must get the core first. Batch commands (refresh, tail) parse at full priority.
READER_NICENESS = 5


#: An entry's fields in order: entries cross the pipe as plain tuples (pickling a frozen
#: slots dataclass calls its Python __setstate__ per entry on the way back).
_ENTRY_VALUES = attrgetter(*Entry.__dataclass_fields__)


def _pack(result: Extraction) -> tuple[Extraction, list[tuple]]:
    rows = [_ENTRY_VALUES(entry) for entry in result.entries]
    result.entries = []
    return result, rows


def _unpack(result: Extraction, rows: list[tuple]) -> Extraction:
    result.entries = [Entry(*row) for row in rows]
    return result


#: What the child's reader puts in place of a job it had no memory to receive.
_TOO_BIG = "too big"


def _read_jobs(conn: Connection, jobs: queue.SimpleQueue) -> None:
    """The child's reader thread: takes each job off the pipe as soon as it is sent (the
    parent sends the next body while this one is parsed), None at the end."""
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            jobs.put(None)
            return
        except MemoryError:
            job = _TOO_BIG
        jobs.put(job)
        if job is None:
            return


def _child(conn: Connection, memory_limit: int, niceness: int = 0) -> None:
    # Ctrl-C signals the terminal's whole process group: the parent stops cleanly and ends
    # its workers itself (closing the pipe, or a kill), so the child leaves SIGINT alone
    # rather than dying mid-parse with a traceback on the user's terminal.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if niceness:
        try:
            os.nice(niceness)
        except OSError:  # not allowed here: run at the parent's priority
            pass
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    except (ImportError, ValueError, OSError):  # not on this platform: run without the cap
        pass
    from .extract import extract_bytes

    jobs: queue.SimpleQueue = queue.SimpleQueue()
    threading.Thread(target=_read_jobs, args=(conn, jobs), name="feedtui-parse-read", daemon=True).start()
    while True:
        job = jobs.get()
        if job is _TOO_BIG:
            conn.send(("error", f"body needs more than {memory_limit // (1024 * 1024)} MB to parse"))
            continue
        if job is None:
            return
        data, url, source, content_type, now, actor_config = job
        try:
            result = extract_bytes(data, url, source, content_type, now)
            if actor_config is not None:
                from .actors import extract_actors

                result.entries = extract_actors(result.entries, *actor_config)
            conn.send(("ok", _pack(result)))
        except ExtractError as exc:
            conn.send(("error", str(exc)))
        except MemoryError:
            conn.send(("error", f"{url}: page needs more than {memory_limit // (1024 * 1024)} MB to parse"))
        except RecursionError:
            conn.send(("error", f"{url}: document nested too deeply"))
        except Exception as exc:  # a parser bug: report it as this source's error, keep going
            conn.send(("error", f"{url}: extraction failed ({type(exc).__name__})"))


def _result(reply: bytes) -> Extraction:
    """The extraction a child's answer holds, or its ExtractError."""
    kind, value = pickle.loads(reply)
    if kind == "ok":
        return _unpack(*value)
    raise ExtractError(value)


def _start_resource_tracker() -> None:
    # multiprocessing starts its resource tracker with the first child, handing it
    # sys.stderr's descriptor. Inside the Textual app stderr is captured (no real
    # descriptor) and that start fails, so start the tracker while stderr is still real.
    try:
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    except (OSError, ValueError):  # it will be retried with the first child
        pass


class ParseWorker:
    """One child process; `extract` sends it a body and waits at most time_limit seconds.

    Thread-safe: calls are serialized. A killed or crashed child is replaced on the next call.
    """

    def __init__(self, time_limit: float = TIME_LIMIT, memory_limit: int = MEMORY_LIMIT,
                 niceness: int = 0) -> None:
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        self.niceness = niceness
        self._context = multiprocessing.get_context("spawn")
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self.restarts = 0
        _start_resource_tracker()

    def _start(self) -> None:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_child, args=(child, self.memory_limit, self.niceness),
                                        name="feedtui-parse", daemon=True)
        process.start()
        child.close()
        self._process, self._conn = process, parent

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None
        self.restarts += 1

    def _send(self, job: tuple, url: str) -> float:
        """Hand the child one job (starting a child first when there is none); returns when
        it was sent (time.monotonic), from which its time limit runs. Hold self._lock."""
        if self._process is None or not self._process.is_alive():
            if self._process is not None:
                self._kill()
            self._start()
        assert self._conn is not None
        try:
            self._conn.send(job)
        except (EOFError, OSError):
            self._kill()
            raise ExtractError(f"{url}: the parser process died; skipped") from None
        return time.monotonic()

    def _reply(self, url: str, sent: float) -> bytes:
        """The child's answer to the job sent at `sent`, still pickled; kills the child when
        the answer does not come within the time limit. Hold self._lock."""
        if self._conn is None:  # killed meanwhile
            raise ExtractError(f"{url}: the parser process died; skipped")
        try:
            if not self._conn.poll(max(0.0, sent + self.time_limit - time.monotonic())):
                self._kill()
                raise ExtractError(f"{url}: parsing took longer than {self.time_limit:g} s; skipped")
            return self._conn.recv_bytes()
        except (EOFError, OSError):
            self._kill()
            raise ExtractError(f"{url}: the parser process died; skipped") from None

    def extract(self, data: bytes, url: str, source: str | None = None,
                content_type: str | None = None, now: datetime | None = None,
                actor_config: tuple | None = None) -> Extraction:
        """The extraction of one body, or ExtractError (also for time and memory overruns).

        actor_config: (aliases, groups) to find the entries' actors in the child as well,
        or None to leave actors empty."""
        with self._lock:
            reply = self._reply(url, self._send((data, url, source, content_type, now, actor_config), url))
        return _result(reply)

    async def extract_async(self, data: bytes, url: str, source: str | None = None,
                            content_type: str | None = None, now: datetime | None = None,
                            actor_config: tuple | None = None) -> Extraction:
        """`extract` without blocking the event loop."""
        return await asyncio.to_thread(self.extract, data, url, source, content_type, now, actor_config)

    def close(self) -> None:
        """Stop the child process."""
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.send(None)
                except (OSError, BrokenPipeError):
                    pass
            if self._process is not None:
                self._process.join(2)
                if self._process.is_alive():
                    self._process.kill()
            self._process = self._conn = None

    def __enter__(self) -> ParseWorker:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None


@dataclass(slots=True)
class _Job:
    """One body for the pool, and where its outcome goes."""

    args: tuple
    url: str
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future
    #: The worker's restart count when the job was sent: the child it went to (None: not sent).
    child: int | None = None

    def settle(self, result: Extraction | None, error: BaseException | None) -> None:
        """Hand the outcome to the waiting coroutine (from any thread)."""
        try:
            self.loop.call_soon_threadsafe(_settle, self.future, result, error)
        except RuntimeError:  # the loop is closed: nobody waits any more
            pass


def _settle(future: asyncio.Future, result: Extraction | None, error: BaseException | None) -> None:
    if future.done():  # its caller was cancelled
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


#: Tells a feeder thread to stop.
_STOP = None


def _hand(worker: ParseWorker, job: _Job, retry: bool) -> float | None:
    """Send job to the worker's child; returns when (time.monotonic), or None when it could
    not be sent. Then job is failed (settled, job.child None), unless retry is set and the
    child died meanwhile: job.child is -1 and it is to be sent again."""
    restarts = worker.restarts
    try:
        with worker._lock:
            when = worker._send(job.args, job.url)
    except Exception as exc:  # the child died, or the job does not pickle
        if retry and worker.restarts != restarts:
            job.child = -1
        else:
            job.child = None
            job.settle(None, exc)
        return None
    job.child = worker.restarts
    return when


class ParsePool:
    """A few ParseWorkers (one per core, at most 4); each body goes to a free one.

    Each worker is fed by a thread of its own that takes the bodies from a queue shared by
    the workers and keeps two with its child: the child starts on the next one as soon as it
    has answered, instead of waiting while this process (busy with the store and the event
    loop) reads the answer and sends another body."""

    def __init__(self, size: int | None = None, **limits) -> None:
        self.workers = [ParseWorker(**limits) for _ in range(size or cpu_count())]
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._feeders: list[threading.Thread] = []
        self._feeders_lock = threading.Lock()

    async def extract_async(self, data: bytes, url: str, source: str | None = None,
                            content_type: str | None = None, now: datetime | None = None,
                            actor_config: tuple | None = None) -> Extraction:
        """Extract in the next free worker without blocking the event loop."""
        loop = asyncio.get_running_loop()
        job = _Job((data, url, source, content_type, now, actor_config), url, loop, loop.create_future())
        with self._feeders_lock:
            if not self._feeders:
                self._feeders = [threading.Thread(target=self._feed, args=(worker,), daemon=True,
                                                  name=f"feedtui-parse-feed-{i}")
                                 for i, worker in enumerate(self.workers)]
                for feeder in self._feeders:
                    feeder.start()
            self._jobs.put(job)
        return await job.future

    def _feed(self, worker: ParseWorker) -> None:
        """One worker's thread: extract the queued bodies until told to stop. The child holds
        up to two: the one it parses and the next, already sent, whose time limit runs from
        the answer before it (when the child gets to it)."""
        sent: deque[_Job] = deque()  # handed to the worker, not answered yet, oldest first
        started = 0.0  # when the child began the oldest of them
        stopping = False
        while True:
            if sent and sent[0].child != worker.restarts:
                # the child was killed (or died) with what it had been sent: send that again
                for job in list(sent):
                    when = _hand(worker, job, retry=False)
                    if when is None:
                        sent.remove(job)
                    elif job is sent[0]:
                        started = when
                continue
            while len(sent) < 2 and not stopping:
                if sent:
                    try:
                        job = self._jobs.get_nowait()
                    except queue.Empty:
                        break
                else:
                    job = self._jobs.get()
                if job is _STOP:
                    stopping = True
                    break
                when = _hand(worker, job, retry=bool(sent))
                if when is None and job.child is None:  # failed for good (settled)
                    continue
                if not sent:
                    started = when or 0.0
                sent.append(job)
            if not sent:
                return
            job = sent.popleft()
            reply = error = None
            with worker._lock:
                try:
                    reply = worker._reply(job.url, started)
                except Exception as exc:  # its ExtractError
                    error = exc
            started = time.monotonic()  # the child goes on with the next one, if any
            result = None
            if reply is not None:
                try:
                    result = _result(reply)
                except Exception as exc:  # its ExtractError, or an answer that does not unpickle
                    error = exc
            job.settle(result, error)

    def close(self) -> None:
        """Stop the feeder threads and the workers; bodies still queued fail with ExtractError."""
        with self._feeders_lock:
            feeders, self._feeders = self._feeders, []
            while True:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is not _STOP:
                    job.settle(None, ExtractError(f"{job.url}: the parse workers were closed; skipped"))
            for _feeder in feeders:
                self._jobs.put(_STOP)
        for feeder in feeders:
            feeder.join()
        for worker in self.workers:
            worker.close()

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def cpu_count() -> int:
    """Workers worth running: the machine's cores, between 1 and 4."""
    return max(1, min(4, os.cpu_count() or 1))
