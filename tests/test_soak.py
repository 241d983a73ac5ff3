"""The soak: 30 minutes, 200 sources with faults mixed in, the TUI running headless.

Opt-in: `FEEDTUI_SOAK=1 .venv/bin/pytest tests/test_soak.py -s`. FEEDTUI_SOAK_SECONDS and
FEEDTUI_SOAK_SOURCES shorten it for a trial run; FEEDTUI_SOAK_TUI=0 runs the same load
on the poller alone (to tell the app's share of the lag); FEEDTUI_SOAK_REPORT names a
JSON file for the figures (they are printed either way).

The real FeedApp (App.run_test, headless) over a real Store, with the real Poller, Fetcher
(the app's default caps and deadline) and ParsePool. 85% of the sources are live pages
that grow by about one update a second in all (the servers run in a process of their own); the rest misbehave: drips, stalls, bombs,
resets, 429/503 with Retry-After, 500, 410, redirect loops, truncated bodies, garbage,
and flaky pages that serve a parse bomb on every other request (so bombs keep running
for the whole soak instead of backing off). A "reader" presses keys now and then.

Measured: RSS of this process (the parse children are separate) sampled every second,
growth from the end of warm-up (a sixth of the run, at most 5 minutes) to the end and to
the peak; event-loop lag as a ticker task's lateness every 50 ms in the app's loop,
p50/p99/max; reports per state; updates published vs. reported.
Asserted: no crash, every state named, RSS growth under 20 MB, lag p99 under 100 ms.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import multiprocessing
import os
import random
import statistics
import time
from collections import Counter
from pathlib import Path

import pytest

from faultserver import (FaultServer, drip_body, drip_head, dynamic, garbage, reset_mid_body, respond,
                         silence, stall_after_head, truncated)
from feedtui.config import Config
from feedtui.fetch import Fetcher, FetchState
from feedtui.poller import Poller
from feedtui.store import Store
from feedtui.worker import READER_NICENESS, ParsePool
from livepage import LivePage

pytestmark = pytest.mark.skipif(os.environ.get("FEEDTUI_SOAK") != "1",
                                reason="soak test: set FEEDTUI_SOAK=1 (30 minutes)")

DURATION = float(os.environ.get("FEEDTUI_SOAK_SECONDS", 30 * 60))
SOURCES = int(os.environ.get("FEEDTUI_SOAK_SOURCES", 200))
WARMUP = min(300.0, DURATION / 6)
INTERVAL = 15
MEMORY_GROWTH_MB = 20.0
LAG_P99_MS = 100.0
TICK = 0.05
NAMED = {s.value for s in FetchState} | {"gone", "extract-error", "store-error"}


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _bomb() -> bytes:
    return b"<html><body>" + b"<div>" * 200_000 + b"x" + b"</div>" * 200_000


def _flaky_bomb(name: str):
    """Every other request a parse bomb, else a valid page with one more update."""
    count = itertools.count()
    bomb = _bomb()

    def answer(request):
        n = next(count)
        if n % 2:
            return 200, {"Content-Type": "text/html"}, bomb
        posts = "".join(f"<article id='{name}-{k}'><time datetime='2022-03-14T{8 + k // 60 % 12:02d}:"
                        f"{k % 60:02d}:00Z'>{k}</time><h2>Flaky {name} post {k}</h2><p>Body {k}.</p>"
                        f"</article>" for k in range(max(0, n // 2 - 20), n // 2 + 1))
        return 200, {"Content-Type": "text/html"}, f"<html><body>{posts}</body></html>".encode()
    return dynamic(answer)


def _fault_catalogue():
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    gzip_bomb = b"".join(packer.compress(bytes(1 << 20)) for _ in range(100)) + packer.flush()
    return [
        ("flaky_bomb", None),
        ("drip_body", drip_body(interval=0.5)),
        ("stall", stall_after_head()),
        ("flaky_bomb", None),
        ("silence", silence()),
        ("gzip_bomb", respond(200, {"Content-Encoding": "gzip", "Content-Type": "text/html"}, gzip_bomb)),
        ("429", respond(429, {"Retry-After": "45"}, b"slow down")),
        ("flaky_bomb", None),
        ("503", respond(503, {"Retry-After": "90"}, b"busy")),
        ("500", respond(500, {}, b"oops")),
        ("reset_mid_body", reset_mid_body()),
        ("flaky_bomb", None),
        ("truncated", truncated(b"<rss><channel>", declared=5000)),
        ("garbage", garbage()),
        ("drip_head", drip_head(interval=0.5)),
        ("410", respond(410, {}, b"gone")),
        ("redirect_loop", None),
    ]


class RecordingPoller(Poller):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.states: Counter = Counter()
        self.new_ids: dict[str, float] = {}

    async def poll(self, source, automatic=True):
        report = await super().poll(source, automatic)
        self.states[report.state] += 1
        for entry in report.new:
            self.new_ids.setdefault(entry.id.rpartition("#")[2], time.monotonic())
        return report


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def serve_farm(conn, healthy: int, faulty: int) -> None:
    """The servers, in a process of their own (so that their threads do not compete with
    the app for this process's GIL and memory): answers with the URLs, then applies
    ("publish", page, update) commands until ("stop",)."""
    catalogue = _fault_catalogue()
    servers, pages, urls = [], [], {}
    for n in range(faulty):
        kind, behaviour = catalogue[n % len(catalogue)]
        server = FaultServer().start()
        servers.append(server)
        name = f"fault{n}-{kind}"
        if kind == "redirect_loop":
            server.routes["/a"] = respond(302, {"Location": "/b"})
            server.routes["/b"] = respond(302, {"Location": "/a"})
            urls[name] = server.url("/a")
        else:
            server.routes["/src"] = behaviour or _flaky_bomb(name)
            urls[name] = server.url("/src")
    for n in range(healthy):
        page = LivePage()
        page.updates = [(f"h{n}-a", "2022-03-14T07:00:00+00:00", f"Page {n} opens", "First."),
                        (f"h{n}-b", "2022-03-14T07:30:00+00:00", f"Page {n} goes on", "Second.")]
        pages.append(page)
        urls[f"healthy{n}"] = page.url
    conn.send(urls)
    try:
        while True:
            command = conn.recv()
            if command[0] == "stop":
                break
            _, n, update = command
            # pages keep their newest 30 updates, as live pages roll old posts off
            pages[n].updates = (pages[n].updates + [update])[-30:]
    finally:
        for server in servers:
            server.close()
        for page in pages:
            page.close()
        conn.send("stopped")


@pytest.mark.timeout(int(DURATION) + 600)
def test_soak(tmp_path):
    try:
        from feedtui.tui import FeedApp
    except ImportError:  # the TUI is not there: soak the poller alone (and say so)
        FeedApp = None
    if os.environ.get("FEEDTUI_SOAK_TUI") == "0":  # for comparison: the same load without the app
        FeedApp = None

    faulty_count = max(1, SOURCES * 15 // 100)
    healthy_count = SOURCES - faulty_count
    context = multiprocessing.get_context("spawn")
    farm_conn, child_conn = context.Pipe()
    farm = context.Process(target=serve_farm, args=(child_conn, healthy_count, faulty_count),
                           name="soak-servers", daemon=True)
    farm.start()
    urls = farm_conn.recv()

    rss: list[tuple[float, float]] = []
    lags: list[float] = []
    lags_after_warmup: list[float] = []
    published: dict[str, float] = {}
    keys_pressed = 0
    mode = ("TUI (FeedApp.run_test, headless)" if FeedApp else
            "poller alone (FEEDTUI_SOAK_TUI=0 or feedtui.tui not importable)")

    store = Store.open(tmp_path / "soak.db")
    pool = ParsePool(size=2, time_limit=5.0, niceness=READER_NICENESS)  # as the app does
    for name, url in urls.items():
        store.add_source(url, name=name, interval=INTERVAL)

    async def main():
        nonlocal keys_pressed
        fetcher = Fetcher()
        poller = RecordingPoller(store, fetcher, pool, Config())
        started = time.monotonic()
        end = started + DURATION
        stop = asyncio.Event()

        async def ticker():
            expected = time.monotonic() + TICK
            while not stop.is_set():
                await asyncio.sleep(max(0.0, expected - time.monotonic()))
                now = time.monotonic()
                lag = max(0.0, now - expected)
                lags.append(lag)
                if now - started > WARMUP:
                    lags_after_warmup.append(lag)
                expected = max(expected + TICK, now)

        async def sampler():
            while not stop.is_set():
                rss.append((time.monotonic() - started, _rss_mb()))
                await asyncio.sleep(1.0)

        async def publisher():
            rng = random.Random(5)
            for m in itertools.count(1):
                if stop.is_set():
                    return
                n = rng.randrange(healthy_count)
                uid = f"h{n}-{m}"
                stamp = f"2022-03-{14 + m // 1440:02d}T{m // 60 % 24:02d}:{m % 60:02d}:00+00:00"
                farm_conn.send(("publish", n, (uid, stamp, f"Update {m}", f"Text {m}.")))
                published[uid] = time.monotonic()
                await asyncio.sleep(1.0)

        helpers = [asyncio.create_task(f()) for f in (ticker, sampler, publisher)]
        try:
            if FeedApp is not None:
                app = FeedApp(store, config=Config(), poller=poller)
                async with app.run_test(size=(120, 40)) as pilot:
                    rng = random.Random(9)
                    while time.monotonic() < end:
                        await pilot.pause(rng.uniform(1.0, 4.0))
                        await pilot.press(rng.choice(["j", "j", "k", "n", "space", "g"]))
                        keys_pressed += 1
                        assert app.is_running
                    stop.set()
            else:
                runner = asyncio.create_task(poller.run(stop))
                await asyncio.sleep(DURATION)
                stop.set()
                await runner
                await fetcher.aclose()
        finally:
            stop.set()
            await asyncio.gather(*helpers, return_exceptions=True)
        return poller

    wall_start = time.monotonic()
    try:
        poller = asyncio.run(main())
        health = store.sources()
        integrity = store.integrity_check()
        total_entries = store.count()
    finally:
        restarts = sum(w.restarts for w in pool.workers)
        pool.close()
        store.close()
        farm_conn.send(("stop",))
        if farm_conn.poll(15):
            farm_conn.recv()
        farm.join(5)
        if farm.is_alive():
            farm.kill()
    wall = time.monotonic() - wall_start

    warm = [m for t, m in rss if t >= WARMUP]
    base = warm[0]
    growth_end = warm[-1] - base
    growth_peak = max(warm) - base
    p50, p99 = _percentile(lags_after_warmup, 0.5) * 1000, _percentile(lags_after_warmup, 0.99) * 1000
    due = [uid for uid, t in published.items() if t < wall_start + DURATION - 3 * INTERVAL]
    reported = sum(1 for uid in due if uid in poller.new_ids)
    pickup = [poller.new_ids[uid] - published[uid] for uid in due if uid in poller.new_ids]
    figures = {
        "mode": mode, "seconds": round(wall, 1), "sources": len(urls), "faulty": faulty_count,
        "interval_s": INTERVAL, "warmup_s": WARMUP,
        "rss_mb": {"start": round(rss[0][1], 1), "after_warmup": round(base, 1),
                   "end": round(warm[-1], 1), "peak": round(max(m for _, m in rss), 1),
                   "growth_after_warmup_end": round(growth_end, 1),
                   "growth_after_warmup_peak": round(growth_peak, 1)},
        "loop_lag_ms": {"p50": round(p50, 1), "p99": round(p99, 1),
                        "max": round(max(lags_after_warmup) * 1000, 1),
                        "ticks": len(lags_after_warmup),
                        "max_during_warmup": round(max(lags) * 1000, 1)},
        "states": dict(poller.states), "parse_worker_restarts": restarts,
        "updates_published_due": len(due), "updates_reported": reported,
        "pickup_s": {"median": round(statistics.median(pickup), 2) if pickup else None,
                     "p99": round(_percentile(pickup, 0.99), 2) if pickup else None},
        "entries_stored": total_entries, "keys_pressed": keys_pressed,
        "healthy_with_failures": sum(1 for s in health if s.name.startswith("healthy") and s.failures),
        "healthy_errors": sorted({f"{s.last_status}: {s.last_error[:120]}" for s in health
                                  if s.name.startswith("healthy") and s.last_error})[:5],
        "integrity": integrity,
    }
    text = json.dumps(figures, indent=2)
    print("\nsoak figures:\n" + text)
    if os.environ.get("FEEDTUI_SOAK_REPORT"):
        Path(os.environ["FEEDTUI_SOAK_REPORT"]).write_text(text + "\n")

    assert integrity == ["ok"]
    assert set(poller.states) <= NAMED, set(poller.states) - NAMED
    assert "store-error" not in poller.states
    assert poller.states["extract-error"] > 0, "the parse bombs did not run"
    assert growth_peak < MEMORY_GROWTH_MB, figures["rss_mb"]
    assert p99 < LAG_P99_MS, figures["loop_lag_ms"]
    assert reported >= 0.95 * len(due), (reported, len(due))
