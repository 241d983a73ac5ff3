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
import threading
from datetime import datetime
from multiprocessing.connection import Connection
from operator import attrgetter

from .models import Entry, ExtractError, Extraction

#: Seconds one extraction may take.
TIME_LIMIT = 20.0
#: Bytes of address space the child may use.
MEMORY_LIMIT = 1536 * 1024 * 1024


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


def _child(conn: Connection, memory_limit: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    except (ImportError, ValueError, OSError):  # not on this platform: run without the cap
        pass
    from .extract import extract_bytes

    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        except MemoryError:
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

    def __init__(self, time_limit: float = TIME_LIMIT, memory_limit: int = MEMORY_LIMIT) -> None:
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        self._context = multiprocessing.get_context("spawn")
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self.restarts = 0
        _start_resource_tracker()

    def _start(self) -> None:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_child, args=(child, self.memory_limit),
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

    def extract(self, data: bytes, url: str, source: str | None = None,
                content_type: str | None = None, now: datetime | None = None,
                actor_config: tuple | None = None) -> Extraction:
        """The extraction of one body, or ExtractError (also for time and memory overruns).

        actor_config: (aliases, groups) to find the entries' actors in the child as well,
        or None to leave actors empty."""
        with self._lock:
            if self._process is None or not self._process.is_alive():
                if self._process is not None:
                    self._kill()
                self._start()
            assert self._conn is not None
            try:
                self._conn.send((data, url, source, content_type, now, actor_config))
                ready = self._conn.poll(self.time_limit)
                if not ready:
                    self._kill()
                    raise ExtractError(f"{url}: parsing took longer than {self.time_limit:g} s; skipped")
                kind, value = self._conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                self._kill()
                raise ExtractError(f"{url}: the parser process died; skipped") from None
        if kind == "ok":
            return _unpack(*value)
        raise ExtractError(value)

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


class ParsePool:
    """A few ParseWorkers (one per core, at most 4); each body goes to a free one."""

    def __init__(self, size: int | None = None, **limits) -> None:
        self.workers = [ParseWorker(**limits) for _ in range(size or cpu_count())]
        self._free: asyncio.Queue[ParseWorker] | None = None

    async def extract_async(self, *args, **kwargs) -> Extraction:
        """Extract in the next free worker without blocking the event loop."""
        if self._free is None:
            self._free = asyncio.Queue()
            for worker in self.workers:
                self._free.put_nowait(worker)
        worker = await self._free.get()
        try:
            return await worker.extract_async(*args, **kwargs)
        finally:
            self._free.put_nowait(worker)

    def close(self) -> None:
        for worker in self.workers:
            worker.close()

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def cpu_count() -> int:
    """Workers worth running: the machine's cores, between 1 and 4."""
    return max(1, min(4, os.cpu_count() or 1))
