"""The scheduler shared by the TUI, `tail` and `refresh`: poll each source when it is due,
extract in the parse worker, find actors, ingest into the store, and keep each source's
health (last poll, status, next poll, failures, last error).

Every source is polled by its own task, so one slow or failing source never delays the
others; the Fetcher bounds concurrency (2 per host, 8 overall). Parsing runs in the parse
workers (ParsePool: one process per core) while the store writes here. One poll's writes
(its entries, then its health and validators) are one unit, all or nothing; polls whose
writes are ready together share one transaction (Poller._write), so a first poll of a
hundred feeds syncs the files a few dozen times instead of two hundred.
"""

from __future__ import annotations

import asyncio
import functools
import random
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Awaitable, Callable

from . import politeness
from .config import Config, alias_map
from .fetch import Fetcher, FetchOutcome, FetchState
from .models import Entry, ExtractError, Extraction
from .sanitize import clean_line
from .store import Source, Store, StoreError
from .worker import ParsePool, ParseWorker

#: Bounds of the adaptive interval, as factors of the kind's default.
ADAPT_LOW, ADAPT_HIGH = 0.5, 4.0
#: Most polls whose writes share one transaction (see Poller._write).
BATCH_MAX = 8


@dataclass(frozen=True, slots=True)
class _Hints:
    """What the next poll needs from the last extraction (kept instead of its entries)."""

    ttl_minutes: int | None = None
    skip_hours: frozenset[int] = frozenset()
    skip_days: frozenset[str] = frozenset()

    @classmethod
    def of(cls, extraction: Extraction) -> _Hints:
        return cls(extraction.ttl_minutes, extraction.skip_hours, extraction.skip_days)


@dataclass
class PollReport:
    """What one poll of one source did."""

    source: Source
    state: str
    new: list[Entry] = field(default_factory=list)
    edited: list[Entry] = field(default_factory=list)
    unchanged: int = 0
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    def to_json(self) -> dict:
        return {
            "source": self.source.url, "name": self.source.display_name, "state": self.state,
            "new": len(self.new), "edited": len(self.edited), "unchanged": self.unchanged,
            "error": self.error or None,
            "next_poll": self.source.next_poll.isoformat() if self.source.next_poll else None,
        }


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, timezone.utc)


class Poller:
    """Polls the store's subscriptions. `clock` returns POSIX seconds (tests fix it)."""

    def __init__(self, store: Store, fetcher: Fetcher, worker: ParseWorker | ParsePool, config: Config | None = None,
                 clock: Callable[[], float] = time.time, rng: random.Random | None = None,
                 on_report: Callable[[PollReport], Awaitable[None] | None] | None = None) -> None:
        self.store = store
        self.fetcher = fetcher
        self.worker = worker
        self.config = config or Config()
        self.clock = clock
        self.rng = rng or random.Random()
        self.on_report = on_report
        self._intervals: dict[int, float] = {}
        self._hints: dict[int, _Hints] = {}
        self._wake = asyncio.Event()
        self._pending: list[tuple[Callable, asyncio.Future]] = []
        self._writer: asyncio.Task | None = None

    # -- writes -----------------------------------------------------------------------

    async def _write(self, fn: Callable, *args, **kwargs):
        """fn(*args, **kwargs) (a function of store writes) in a thread, its result or its
        exception. Writes that wait while another batch is being written go together in the
        next one: a transaction per batch (Store.batch) instead of one per write, each write
        still all or nothing. Returns once fn's writes are committed."""
        future = asyncio.get_running_loop().create_future()
        self._pending.append((functools.partial(fn, *args, **kwargs), future))
        if self._writer is None or self._writer.done():
            # a task of its own: a cancelled poll must not stop the others' writes
            self._writer = asyncio.create_task(self._write_pending(), name="store-writer")
        return await future

    async def _write_pending(self) -> None:
        while self._pending:
            jobs, self._pending = self._pending[:BATCH_MAX], self._pending[BATCH_MAX:]
            try:
                outcomes = await asyncio.to_thread(self._run_batch, [fn for fn, _f in jobs])
            except BaseException as exc:  # cancelled with the loop: tell whoever still waits
                for _fn, future in jobs + self._pending:
                    if not future.done():
                        future.set_exception(StoreError(f"the write was interrupted ({type(exc).__name__})"))
                self._pending = []
                raise
            for (_fn, future), (ok, value) in zip(jobs, outcomes):
                if future.done():  # its poll was cancelled
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)

    def _run_batch(self, jobs: list[Callable]) -> list[tuple[bool, object]]:
        """Each job's writes all or none (a batch within the batch), all jobs in one transaction."""
        outcomes: list[tuple[bool, object]] = []
        try:
            with self.store.batch():
                for job in jobs:
                    try:
                        with self.store.batch():
                            value = job()
                        outcomes.append((True, value))
                    except Exception as exc:
                        outcomes.append((False, exc))
        except StoreError as exc:  # the batch itself failed to start or commit: nothing kept
            return [(False, exc)] * len(jobs)
        return outcomes

    # -- intervals --------------------------------------------------------------------

    def default_interval(self, source: Source) -> float:
        return self.config.feed_interval if source.kind == "feed" else self.config.live_interval

    def interval(self, source: Source) -> float:
        """The explicit interval, else the adaptive one (starting at the kind's default)."""
        if source.interval:
            return float(source.interval)
        return self._intervals.get(source.id, self.default_interval(source))

    def _adapt(self, source: Source, changed: bool) -> float:
        if source.interval:
            return float(source.interval)
        base = self.default_interval(source)
        current = politeness.adapt_interval(self.interval(source), changed, base * ADAPT_LOW, base * ADAPT_HIGH)
        self._intervals[source.id] = current
        return current

    # -- one poll ---------------------------------------------------------------------

    async def poll(self, source: Source, automatic: bool = True) -> PollReport:
        """Poll one source now; never raises (errors become the report's state)."""
        now = self.clock()
        try:
            outcome = await self.fetcher.fetch(source.url, etag=source.etag or None,
                                               last_modified=source.last_modified or None,
                                               previous_hash=source.body_hash or None)
        except Exception as exc:  # the fetcher names its failures; this is a last resort
            outcome = FetchOutcome(state=FetchState.CONNECTION, error=f"{source.url}: {type(exc).__name__}: {exc}")
        try:
            report = await self._settle(source, outcome, now, automatic)
        except StoreError as exc:
            report = self._unwritten(source, now, "store-error", str(exc))
        except Exception as exc:  # a bug, not the source's fault: say so, back off, keep following
            report = await self._internal_error(source, now, exc)
        if self.on_report is not None:
            result = self.on_report(report)
            if asyncio.iscoroutine(result):
                await result
        return report

    async def _settle(self, source: Source, outcome: FetchOutcome, now: float, automatic: bool) -> PollReport:
        state = outcome.state
        hints = self._hints.get(source.id)
        if state in (FetchState.NOT_MODIFIED, FetchState.UNCHANGED):
            fields = {}
            if (outcome.etag and outcome.etag != source.etag) or (
                    outcome.last_modified and outcome.last_modified != source.last_modified):
                # a 304 may carry fresh validators: the next request must echo those
                # (written in the same transaction as the source's health)
                fields = {"etag": outcome.etag or source.etag or "",
                          "last_modified": outcome.last_modified or source.last_modified or ""}
            interval = self._adapt(source, changed=False)
            return PollReport(await self._health(source, now, str(state), interval, automatic, hints, **fields),
                              str(state))
        if state == FetchState.OK and outcome.data is not None:
            try:
                extraction = await self.worker.extract_async(
                    outcome.data, outcome.final_url or source.url, source.display_name, outcome.content_type,
                    None, (alias_map(self.config), self.config.groups))
            except ExtractError as exc:  # (a models class: the extractors stay in the workers)
                return await self._failed(source, now, "extract-error", str(exc))
            self._hints[source.id] = _Hints.of(extraction)  # not its entries: they are stored

            def store_poll():
                # the entries, then the health and validators, in one transaction
                result = self.store.ingest(source.id, extraction.entries)
                interval = self._adapt(source, changed=bool(result.new or result.edited))
                fields = {"kind": extraction.kind}
                if source.kind != extraction.kind and not source.interval:
                    self._intervals.pop(source.id, None)
                if extraction.coverage_end is not None and extraction.coverage_end.timestamp() < now:
                    fields["disabled"] = f"coverage ended {extraction.coverage_end:%Y-%m-%d %H:%M} UTC"
                fields.update(etag=outcome.etag or "", last_modified=outcome.last_modified or "")
                if outcome.body_hash is not None:
                    fields["body_hash"] = outcome.body_hash
                updated = self._health_now(source, now, "ok", interval, automatic, _Hints.of(extraction),
                                           **fields)
                return result, updated

            result, updated = await self._write(store_poll)
            return PollReport(updated, "ok", result.new, result.edited, result.unchanged)
        if state == FetchState.GONE:
            updated = await self._write(
                self.store.update_source_health, source.id, last_poll=_utc(now), last_status="gone",
                last_error=outcome.error, disabled="gone (HTTP 410): the server says this source was removed",
                next_poll=None)
            return PollReport(updated, "gone", error=outcome.error)
        not_before = now + outcome.retry_after if outcome.retry_after else None
        return await self._failed(source, now, str(state), outcome.error or str(state), not_before)

    def _failure(self, source: Source, now: float, state: str, error: str,
                 not_before: float | None = None) -> dict:
        """The health fields of a failed poll: one more failure, backed off."""
        failures = source.failures + 1
        wait = politeness.backoff(failures, base=min(60.0, self.interval(source)), rng=self.rng)
        floor = max(not_before or 0.0, now + wait)
        # a retry is still an automatic poll: it keeps out of the feed's skipHours/skipDays
        hints = self._hints.get(source.id)
        when = politeness.next_poll(now, self.interval(source), not_before=floor,
                                    skip_hours=hints.skip_hours if hints else (),
                                    skip_days=hints.skip_days if hints else ())
        return dict(last_poll=_utc(now), last_status=state, failures=failures,
                    last_error=clean_line(error, 300), next_poll=_utc(when))

    async def _failed(self, source: Source, now: float, state: str, error: str,
                      not_before: float | None = None) -> PollReport:
        fields = self._failure(source, now, state, error, not_before)
        updated = await self._write(self.store.update_source_health, source.id, **fields)
        return PollReport(updated, state, error=fields["last_error"])

    async def _internal_error(self, source: Source, now: float, exc: Exception) -> PollReport:
        error = f"internal error ({type(exc).__name__}: {exc})"
        try:
            return await self._failed(source, now, "internal-error", error)
        except Exception:  # not even the health line could be written
            return self._unwritten(source, now, "internal-error", error)

    def _unwritten(self, source: Source, now: float, state: str, error: str) -> PollReport:
        """The poll's health could not be stored: the report carries it (with its back-off),
        so that whoever follows the source waits instead of polling again at once on the
        stored, past next_poll."""
        fields = self._failure(source, now, state, error)
        return PollReport(replace(source, **fields), state, error=fields["last_error"])

    async def _health(self, source: Source, now: float, state: str, interval: float, automatic: bool,
                      hints: _Hints | None, **fields) -> Source:
        return await self._write(self._health_now, source, now, state, interval, automatic, hints, **fields)

    def _health_now(self, source: Source, now: float, state: str, interval: float, automatic: bool,
                    hints: _Hints | None, **fields) -> Source:
        when = politeness.next_poll(
            now, interval, automatic=automatic,
            ttl_minutes=hints.ttl_minutes if hints else None,
            skip_hours=hints.skip_hours if hints else (), skip_days=hints.skip_days if hints else ())
        return self.store.update_source_health(
            source.id, last_poll=_utc(now), last_status=state,
            failures=0, last_error="", next_poll=_utc(when), **fields)

    # -- many polls -------------------------------------------------------------------

    async def poll_all(self, automatic: bool = False) -> list[PollReport]:
        """Poll every active source once, concurrently; reports in subscription order."""
        sources = [s for s in await asyncio.to_thread(self.store.sources) if s.active]
        return list(await asyncio.gather(*(self.poll(s, automatic) for s in sources)))

    def wake(self) -> None:
        """Re-read the subscriptions now (after add/remove or a manual refresh)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Poll each active source whenever it is due, until `stop` is set."""
        tasks: dict[int, asyncio.Task] = {}
        try:
            while not stop.is_set():
                sources = {s.id: s for s in await asyncio.to_thread(self.store.sources) if s.active}
                for sid in list(tasks):
                    if sid not in sources:
                        tasks.pop(sid).cancel()
                for sid, source in sources.items():
                    if sid not in tasks or tasks[sid].done():
                        tasks[sid] = asyncio.create_task(self._follow(source, stop), name=f"poll-{sid}")
                self._wake.clear()
                waiter = asyncio.create_task(self._wake.wait())
                stopper = asyncio.create_task(stop.wait())
                await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED, timeout=30)
                waiter.cancel()
                stopper.cancel()
        finally:
            for task in tasks.values():
                task.cancel()
            await asyncio.gather(*tasks.values(), return_exceptions=True)

    async def _follow(self, source: Source, stop: asyncio.Event) -> None:
        while not stop.is_set() and source.active:
            due = source.next_poll.timestamp() if source.next_poll else 0.0
            delay = due - self.clock()
            if delay > 0:
                try:
                    await asyncio.wait_for(stop.wait(), timeout=delay)
                    return
                except TimeoutError:
                    pass
            report = await self.poll(source)
            source = report.source
