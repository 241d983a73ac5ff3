"""The poller against real servers on 127.0.0.1: health, 410, Retry-After, coverage end,
adaptive intervals, and one bad source not delaying the others."""

import asyncio
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import threading

import pytest

from feedtui.config import Config
from feedtui.fetch import Fetcher
from feedtui.poller import Poller
from feedtui.store import Store, StoreError
from feedtui.worker import ParseWorker

from livepage import LivePage

ENDED = (datetime.now(timezone.utc) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
JSONLD_PAGE = """<html><head><script type="application/ld+json">{"@context": "https://schema.org",
"@type": "LiveBlogPosting", "headline": "Election night", "coverageEndTime": "%s",
"liveBlogUpdate": [
 {"@type": "BlogPosting", "@id": "#p1", "headline": "Polls close", "datePublished": "2022-05-01T20:00:00Z", "articleBody": "Counting begins."},
 {"@type": "BlogPosting", "@id": "#p2", "headline": "First results", "datePublished": "2022-05-01T21:00:00Z", "articleBody": "Turnout is high."}
]}</script></head><body><h1>Election night</h1></body></html>""" % ENDED


class Fixed:
    """A tiny server answering every GET with one status, headers and body; counts hits."""

    def __init__(self, status, headers=None, body=b"", delay=0.0):
        self.hits = 0
        fixed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                fixed.hits += 1
                time.sleep(delay)
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def worker():
    with ParseWorker(time_limit=10) as w:
        yield w


def poll_all(store, worker, **fetcher_options):
    async def run():
        async with Fetcher(**fetcher_options) as fetcher:
            return await Poller(store, fetcher, worker, Config()).poll_all(automatic=True)
    return asyncio.run(run())


@pytest.mark.timeout(60)
def test_gone_disables_and_rate_limit_waits(tmp_path, worker):
    gone = Fixed(410)
    limited = Fixed(429, {"Retry-After": "120"})
    try:
        with Store.open(tmp_path / "p.db") as store:
            store.add_source(gone.url, name="gone")
            store.add_source(limited.url, name="limited")
            before = datetime.now(timezone.utc)
            reports = {r.source.name: r for r in poll_all(store, worker)}
            assert reports["gone"].state == "gone" and reports["gone"].source.disabled.startswith("gone (HTTP 410)")
            assert reports["limited"].state == "rate_limited"
            assert reports["limited"].source.next_poll >= before + timedelta(seconds=119)
            assert reports["limited"].source.failures == 1
            # a disabled source is not polled again
            poll_all(store, worker)
            assert gone.hits == 1
    finally:
        gone.close()
        limited.close()


@pytest.mark.timeout(60)
def test_coverage_end_stops_polling(tmp_path, worker):
    page = Fixed(200, {"Content-Type": "text/html"}, JSONLD_PAGE.encode())
    try:
        with Store.open(tmp_path / "p.db") as store:
            store.add_source(page.url, name="election")
            [report] = poll_all(store, worker)
            assert report.state == "ok" and len(report.new) == 2
            assert report.source.disabled.startswith("coverage ended")
            assert poll_all(store, worker) == []
    finally:
        page.close()


@pytest.mark.timeout(60)
def test_slow_source_does_not_delay_the_others(tmp_path, worker):
    slow = Fixed(200, {"Content-Type": "text/html"}, b"<html></html>", delay=3.0)
    pages = [LivePage() for _ in range(3)]
    for page in pages:
        page.updates = [("a", "2022-03-14T08:00:00+00:00", "One", "x"), ("b", "2022-03-14T09:00:00+00:00", "Two", "y")]
    finished: dict[str, float] = {}
    try:
        with Store.open(tmp_path / "p.db") as store:
            store.add_source(slow.url, name="slow")
            for n, page in enumerate(pages):
                store.add_source(page.url, name=f"fast{n}")

            async def run():
                started = time.monotonic()
                async with Fetcher(deadline=2.0) as fetcher:
                    def note(report):
                        finished[report.source.name] = time.monotonic() - started
                    await Poller(store, fetcher, worker, Config(), on_report=note).poll_all()
            asyncio.run(run())
            assert all(finished[f"fast{n}"] < 1.5 for n in range(3)), finished
            assert 1.9 < finished["slow"] < 3.5
            health = {s.name: s for s in store.sources()}
            assert health["slow"].last_status == "timeout" and health["slow"].failures == 1
            assert all(health[f"fast{n}"].last_status == "ok" for n in range(3))
    finally:
        slow.close()
        for page in pages:
            page.close()


def test_interval_adapts_between_bounds(tmp_path, worker):
    with Store.open(tmp_path / "p.db") as store:
        source = store.add_source("http://127.0.0.1:9/", name="x")
        poller = Poller(store, None, worker, Config(live_interval=60))
        assert poller.interval(source) == 60
        for _ in range(10):
            poller._adapt(source, changed=False)
        assert poller.interval(source) == 240  # grows to 4x the default at most
        for _ in range(10):
            poller._adapt(source, changed=True)
        assert poller.interval(source) == 30  # shrinks to half the default at least
        fixed = store.add_source("http://127.0.0.1:9/fixed", interval=5)
        assert poller._adapt(fixed, changed=False) == 5


class BuggyStore(Store):
    """A real store whose ingest fails, for one source, the way a bug would (not a StoreError)."""

    broken_source: int | None = None

    def ingest(self, source_id, entries):
        if source_id == self.broken_source:
            raise RuntimeError("boom")
        return super().ingest(source_id, entries)


@pytest.mark.timeout(60)
def test_an_unexpected_error_is_a_health_line_and_a_backoff_not_a_dead_poller(tmp_path, worker):
    pages = [LivePage() for _ in range(2)]
    for page in pages:
        page.updates = [("a", "2022-03-14T08:00:00+00:00", "One", "x"), ("b", "2022-03-14T09:00:00+00:00", "Two", "y")]
    try:
        with BuggyStore.open(tmp_path / "p.db") as store:
            broken = store.add_source(pages[0].url, name="broken")
            store.add_source(pages[1].url, name="fine")
            store.broken_source = broken.id
            before = datetime.now(timezone.utc)
            reports = {r.source.name: r for r in poll_all(store, worker)}
            assert reports["broken"].state == "internal-error"
            assert reports["fine"].state == "ok" and len(reports["fine"].new) == 2
            health = {s.name: s for s in store.sources()}
            assert health["broken"].last_status == "internal-error"
            assert health["broken"].last_error == "internal error (RuntimeError: boom)"
            assert health["broken"].failures == 1
            assert health["broken"].next_poll > before + timedelta(seconds=5)  # backed off
            assert health["fine"].failures == 0
            # the next poll of the same source says so again, one more failure
            [again] = [r for r in poll_all(store, worker) if r.source.name == "broken"]
            assert again.state == "internal-error" and again.source.failures == 2
    finally:
        for page in pages:
            page.close()


class FullDiskStore(Store):
    """A real store that can take no write (as on a full disk): every write is a StoreError."""

    def ingest(self, source_id, entries):
        raise StoreError("cannot write the store (database or disk is full)")

    def update_source_health(self, source_id, **fields):
        raise StoreError("cannot write the store (database or disk is full)")


@pytest.mark.timeout(60)
def test_a_store_that_takes_no_write_does_not_make_the_poller_hammer_the_source(tmp_path, worker):
    """The health (with the next poll time) cannot be written, so the poller must remember the
    back-off itself: re-reading the old next_poll polled the source again at once, in a loop."""
    page = LivePage()
    page.updates = [("a", "2022-03-14T08:00:00+00:00", "One", "x"), ("b", "2022-03-14T09:00:00+00:00", "Two", "y")]
    reports = []
    try:
        with FullDiskStore.open(tmp_path / "p.db") as store:
            store.add_source(page.url, name="live")

            async def run():
                stop = asyncio.Event()
                async with Fetcher() as fetcher:
                    poller = Poller(store, fetcher, worker, Config(), on_report=reports.append)
                    task = asyncio.create_task(poller.run(stop))
                    await asyncio.sleep(2.0)
                    stop.set()
                    await asyncio.wait_for(task, 10)

            asyncio.run(run())
    finally:
        page.close()
    assert page.requests == 1, page.requests
    [report] = reports
    assert report.state == "store-error" and "disk is full" in report.error
    assert report.source.failures == 1 and report.source.last_status == "store-error"
    assert report.source.next_poll > datetime.now(timezone.utc) + timedelta(seconds=5)
