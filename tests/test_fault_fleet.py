"""The fault catalogue at fleet scale: the real Poller, Fetcher, ParsePool and Store on a
temp file, 50 sources at once, 15 of them (30%) misbehaving, for a bounded run of
`Poller.run` with 1 s intervals and a 2 s fetch deadline.

Each faulty source is its own server on 127.0.0.1 (its own host:port, as different
publishers would be); each healthy source is a LivePage that the test grows while the
poller runs. Checked:

* no crash: `Poller.run` returns when stopped, no task dies with an exception, the store
  stays sound;
* every report's state is a `FetchState` value or a named poller state, and each faulty
  source ends in the state its fault calls for;
* every fetch ends by the deadline plus 1 s, counted from its first connection slot (the
  deadline's own start; waiting behind other sources for a slot is bounded separately);
* peak memory (tracemalloc over the whole run, servers included) is bounded;
* healthy sources keep updating on time: every update the test publishes is in a report
  within a couple of intervals, and healthy sources are polled at their interval;
* politeness under faults: nothing is asked of the 429/503 sources before Retry-After
  expires, and the 410 source is asked once.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import itertools
import statistics
import time
import tracemalloc
import zlib
from collections import defaultdict
from email.utils import formatdate

import pytest

from faultserver import (FaultServer, drip_body, drip_head, garbage, reset_before_response,
                         reset_mid_body, respond, silence, stall_after_head, truncated)
from feedtui.config import Config
from feedtui.fetch import Fetcher, FetchState
from feedtui.poller import Poller
from feedtui.store import Store
from feedtui.worker import ParsePool
from livepage import LivePage

DEADLINE = 2.0
INTERVAL = 1
RUN_SECONDS = 14.0
HEALTHY = 35
#: States the poller itself names (beside FetchState values).
POLLER_STATES = {"gone", "extract-error", "store-error"}
#: tracemalloc peak for the whole fleet run (sockets, bodies, bombs, reports).
MEMORY_BOUND = 32 * 1024 * 1024
#: Seconds from publishing an update to its report: one interval, one fetch, one parse,
#: plus slack for two shared cores busy with 50 sources, a parse bomb and the servers.
PICKUP_BOUND = 2 * INTERVAL + 1.5
RETRY_AFTER_S = 3

RSS = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>W</title>'
       b"<item><guid>w1</guid><title>One</title><description>One.</description></item>"
       b"</channel></rss>")


@functools.cache
def _gzip_bomb() -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1024 * 1024)
    return b"".join(packer.compress(zeros) for _ in range(200)) + packer.flush()


def _parse_bomb() -> bytes:
    """A valid 200 body that takes the parser longer than its time limit."""
    return b"<html><body>" + b"<div>" * 200_000 + b"x" + b"</div>" * 200_000


def _retry_after_date(conn) -> None:
    now = time.time()
    respond(503, {"Date": formatdate(now, usegmt=True),
                  "Retry-After": formatdate(now + RETRY_AFTER_S, usegmt=True)})(conn)


def _redirect_loop(server: FaultServer) -> None:
    server.routes["/a"] = respond(302, {"Location": "/b"})
    server.routes["/b"] = respond(301, {"Location": server.url("/a")})


S = FetchState
# name -> (route behaviour or setup, expected states)
FAULTS = {
    "drip_body": (drip_body(interval=0.2), {S.TIMEOUT}),
    "drip_head": (drip_head(interval=0.2), {S.TIMEOUT}),
    "stall_after_head": (stall_after_head(), {S.TIMEOUT}),
    "silence": (silence(), {S.TIMEOUT}),
    "gzip_bomb": (respond(200, {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
                          _gzip_bomb()), {S.TOO_LARGE}),
    "parse_bomb": (respond(200, {"Content-Type": "text/html"}, _parse_bomb()), {"extract-error"}),
    "reset_mid_body": (reset_mid_body(), {S.TRUNCATED}),
    "reset_before_response": (reset_before_response(), {S.CONNECTION}),
    "429_seconds": (respond(429, {"Retry-After": str(RETRY_AFTER_S)}, b"slow down"), {S.RATE_LIMITED}),
    "503_date": (_retry_after_date, {S.RATE_LIMITED}),
    "500": (respond(500, {"Content-Type": "text/html"}, b"<h1>oops</h1>"), {S.HTTP_ERROR}),
    "410": (respond(410, {}, b"gone"), {"gone"}),
    "redirect_loop": (_redirect_loop, {S.REDIRECT_LOOP}),
    "truncated": (truncated(RSS[:60], declared=len(RSS)), {S.TRUNCATED}),
    "garbage": (garbage(), {S.CONNECTION}),
}


_on_the_wire: contextvars.ContextVar[float | None] = contextvars.ContextVar("on_the_wire", default=None)


class RecordingFetcher(Fetcher):
    """The real Fetcher; each call's state and times recorded: in total (waiting for a
    per-host or overall connection slot included) and from its first slot on, which is
    what the deadline bounds (queueing behind other sources' fetches is not the fetch's
    own time)."""

    def __init__(self, **options):
        super().__init__(**options)
        # (url, start, seconds in total, seconds from the first slot, state)
        self.calls: list[tuple[str, float, float, float, str]] = []

    @contextlib.asynccontextmanager
    async def _slots(self, key):
        async with super()._slots(key):
            if _on_the_wire.get() is None:
                _on_the_wire.set(time.monotonic())
            yield

    async def fetch(self, url, *args, **kwargs):
        started = time.monotonic()
        _on_the_wire.set(None)
        outcome = await super().fetch(url, *args, **kwargs)
        ended = time.monotonic()
        first_slot = _on_the_wire.get() or started
        self.calls.append((url, started, ended - started, ended - first_slot, str(outcome.state)))
        return outcome


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 1e6


@pytest.mark.timeout(120)
def test_fifty_sources_thirty_percent_faulty(tmp_path):
    assert len(FAULTS) == 15
    servers: dict[str, FaultServer] = {}
    pages: list[LivePage] = []
    urls: dict[str, str] = {}
    for name, (behaviour, _) in FAULTS.items():
        server = servers[name] = FaultServer().start()
        if name == "redirect_loop":
            behaviour(server)
            urls[name] = server.url("/a")
        else:
            server.routes["/src"] = behaviour
            urls[name] = server.url("/src")
    for n in range(HEALTHY):
        page = LivePage()
        page.updates = [(f"p{n}-a", "2022-03-14T08:00:00+00:00", f"Page {n} opens", "First."),
                        (f"p{n}-b", "2022-03-14T08:05:00+00:00", f"Page {n} goes on", "Second.")]
        pages.append(page)
        urls[f"healthy{n}"] = page.url

    reports: list = []
    report_times: dict[str, list[float]] = defaultdict(list)
    seen_new: dict[str, float] = {}
    published: dict[str, float] = {}
    loop_errors: list = []
    rss_samples: list[float] = []

    def on_report(report):
        now = time.monotonic()
        reports.append((report.source.name, report.state, now))
        report_times[report.source.name].append(now)
        for entry in report.new:  # a LivePage entry's id is its URL plus the post's anchor
            seen_new.setdefault(entry.id.rpartition("#")[2], now)

    async def publisher(stop: asyncio.Event):
        """Grow one healthy page every 0.3 s (each page about every 10 s)."""
        await asyncio.sleep(3.0)  # after the first round of polls
        minute = itertools.count(10)
        for n in itertools.cycle(range(HEALTHY)):
            if stop.is_set():
                return
            m = next(minute)
            uid = f"p{n}-u{m}"
            stamp = f"2022-03-14T{8 + m // 60:02d}:{m % 60:02d}:00+00:00"
            pages[n].updates = pages[n].updates + [(uid, stamp, f"Update {m} on page {n}", f"Text {m}.")]
            published[uid] = time.monotonic()
            try:
                await asyncio.wait_for(stop.wait(), 0.3)
            except TimeoutError:
                pass

    async def sampler(stop: asyncio.Event):
        while not stop.is_set():
            rss_samples.append(_rss_mb())
            try:
                await asyncio.wait_for(stop.wait(), 0.25)
            except TimeoutError:
                pass

    store = Store.open(tmp_path / "fleet.db")
    pool = ParsePool(size=2, time_limit=2.0, memory_limit=768 * 1024 * 1024)
    try:
        for name, url in urls.items():
            store.add_source(url, name=name, interval=INTERVAL)
        # start both children before the clock runs (spawn plus imports take a while)
        async def warm():
            await asyncio.gather(*(pool.extract_async(RSS, "https://warm.example/") for _ in range(2)))
        asyncio.run(warm())

        async def main():
            asyncio.get_running_loop().set_exception_handler(lambda loop, ctx: loop_errors.append(ctx))
            fetcher = RecordingFetcher(deadline=DEADLINE, connect_timeout=1.0, read_timeout=10.0,
                                       raw_cap=4 * 1024 * 1024, decoded_cap=4 * 1024 * 1024)
            poller = Poller(store, fetcher, pool, Config(), on_report=on_report)
            stop = asyncio.Event()
            helpers = [asyncio.create_task(publisher(stop)), asyncio.create_task(sampler(stop))]
            runner = asyncio.create_task(poller.run(stop))
            await asyncio.sleep(RUN_SECONDS)
            stop.set()
            stopped = time.monotonic()
            await asyncio.wait_for(runner, DEADLINE + 5)  # raises if run() crashed
            await asyncio.gather(*helpers)
            await fetcher.aclose()
            return fetcher, time.monotonic() - stopped

        rss_before = _rss_mb()
        tracemalloc.start()
        started = time.monotonic()
        try:
            fetcher, stop_seconds = asyncio.run(main())
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        wall = time.monotonic() - started
        assert store.integrity_check() == ["ok"]
        health = {s.name: s for s in store.sources()}
    finally:
        pool.close()
        store.close()
        for server in servers.values():
            server.close()
        for page in pages:
            page.close()

    # -- no crash, named states -------------------------------------------------------
    assert not loop_errors, loop_errors[:3]
    named = {state.value for state in FetchState} | POLLER_STATES
    states = {state for _, state, _ in reports}
    assert states <= named, states - named
    assert "store-error" not in states
    by_source: dict[str, set[str]] = defaultdict(set)
    for name, state, _ in reports:
        by_source[name].add(state)
    for name, (_, expected) in FAULTS.items():
        assert by_source[name], f"{name} was never polled"
        assert by_source[name] <= {str(e) for e in expected}, (name, by_source[name])
        assert health[name].last_error, name
    for n in range(HEALTHY):
        assert by_source[f"healthy{n}"] <= {"ok", "not_modified", "unchanged"}, by_source[f"healthy{n}"]
        assert health[f"healthy{n}"].failures == 0

    # -- every fetch ends by its deadline plus 1 s (from its first slot) --------------------
    durations = [wire for _, _, _, wire, _ in fetcher.calls]
    totals = [total for _, _, total, _, _ in fetcher.calls]
    slowest = max(fetcher.calls, key=lambda c: c[3])
    assert max(durations) <= DEADLINE + 1.0, slowest
    # queueing for a slot adds at most one other fetch's deadline (8 slots, 4 stallers)
    assert max(totals) <= 2 * DEADLINE + 1.0, max(fetcher.calls, key=lambda c: c[2])

    # -- memory -----------------------------------------------------------------------
    assert peak < MEMORY_BOUND, f"tracemalloc peak {peak / 1e6:.1f} MB"

    # -- healthy sources keep updating on time ----------------------------------------
    # updates published in the last moments may not have been polled yet
    due = {uid: t for uid, t in published.items() if t < started + RUN_SECONDS - PICKUP_BOUND}
    missing = sorted(uid for uid in due if uid not in seen_new)
    assert not missing, f"{len(missing)} updates never reported: {missing[:5]}"
    lags = sorted(seen_new[uid] - t for uid, t in due.items())
    assert lags[-1] <= PICKUP_BOUND, f"slowest pickup {lags[-1]:.2f} s"
    gaps = [b - a for n in range(HEALTHY) for a, b in itertools.pairwise(report_times[f"healthy{n}"])]
    assert max(gaps) <= PICKUP_BOUND, f"a healthy source waited {max(gaps):.2f} s between polls"

    # -- politeness under faults ------------------------------------------------------
    for name in ("429_seconds", "503_date"):
        hits = [t for url, t, _, _, _ in fetcher.calls if url == urls[name]]
        assert len(hits) >= 2, (name, hits)
        assert min(b - a for a, b in itertools.pairwise(hits)) >= RETRY_AFTER_S - 0.05, (name, hits)
    assert len(servers["410"].requests) == 1

    per_state = defaultdict(int)
    for _, state, _ in reports:
        per_state[state] += 1
    print(f"\nfleet: {len(urls)} sources ({len(FAULTS)} faulty), {wall:.1f} s wall, "
          f"{len(fetcher.calls)} fetches, {len(reports)} reports, stop took {stop_seconds:.2f} s")
    print("  states: " + ", ".join(f"{k}={v}" for k, v in sorted(per_state.items())))
    print(f"  fetch seconds from first slot: median {statistics.median(durations):.3f}, "
          f"max {max(durations):.2f} ({slowest[4]}), bound {DEADLINE + 1:.1f}; "
          f"with slot wait: max {max(totals):.2f}, bound {2 * DEADLINE + 1:.1f}")
    print(f"  updates published {len(published)}, due {len(due)}, reported {len(seen_new)}; "
          f"pickup lag median {statistics.median(lags):.2f} s, max {lags[-1]:.2f} s, "
          f"bound {PICKUP_BOUND:.1f}; max gap between healthy polls {max(gaps):.2f} s")
    print(f"  tracemalloc peak {peak / 1e6:.1f} MB (bound {MEMORY_BOUND / 1e6:.0f}); "
          f"RSS {rss_before:.0f} MB before, {max(rss_samples):.0f} MB peak sampled")
