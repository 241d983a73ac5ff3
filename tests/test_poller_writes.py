"""The poller's write batches: writes waiting together share one transaction, each keeps
its own result or exception, a failing one is undone alone, a cancelled poll does not
stop the others' writes."""

from __future__ import annotations

import asyncio
import threading

import pytest

from feedtui.models import Entry
from feedtui.poller import Poller
from feedtui.store import Store, StoreError


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "f.db") as st:
        yield st


def test_waiting_writes_share_transactions_and_keep_their_outcomes(store, monkeypatch):
    src = store.add_source("https://a.example/")
    batches = []
    real = Store.batch

    def counting(self):
        if not self._batched:  # a transaction (a batch inside one is a savepoint)
            batches.append(threading.get_ident())
        return real(self)

    monkeypatch.setattr(Store, "batch", counting)
    poller = Poller(store, fetcher=None, worker=None)

    def write(n):
        result = store.ingest(src, [Entry(id=f"e{n}", source="a", title=f"Entry {n}")])
        if n == 7:
            raise StoreError("entry 7 fails after its write")
        return len(result.new)

    async def run():
        return await asyncio.gather(*(poller._write(write, n) for n in range(30)), return_exceptions=True)

    outcomes = asyncio.run(run())
    assert isinstance(outcomes[7], StoreError)
    assert [o for n, o in enumerate(outcomes) if n != 7] == [1] * 29
    assert sorted(e.id for e in store.entries()) == sorted(f"e{n}" for n in range(30) if n != 7)
    assert 1 <= len(batches) < 29  # batched, yet every write answered on its own


def test_a_cancelled_poll_does_not_stop_the_other_writes(store):
    src = store.add_source("https://a.example/")
    poller = Poller(store, fetcher=None, worker=None)
    gate = threading.Event()

    def slow():
        gate.wait(5)
        return store.ingest(src, [Entry(id="slow", source="a", title="Slow")])

    def quick(n):
        return store.ingest(src, [Entry(id=f"q{n}", source="a", title="Quick")])

    async def run():
        first = asyncio.create_task(poller._write(slow))
        await asyncio.sleep(0.05)
        others = [asyncio.create_task(poller._write(quick, n)) for n in range(3)]
        await asyncio.sleep(0.05)
        others[0].cancel()
        gate.set()
        await first
        return await asyncio.gather(*others[1:])

    results = asyncio.run(run())
    assert all(len(r.new) == 1 for r in results)
    assert {e.id for e in store.entries()} == {"slow", "q0", "q1", "q2"}  # q0's write still went in


def test_polling_process_does_not_import_the_extractors():
    # the parse workers parse; `refresh` in a cron job should not pay for importing them
    import subprocess
    import sys

    code = ("import sys, feedtui.follow, feedtui.session, feedtui.poller, feedtui.worker; "
            "print('feedtui.extract' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_page_that_is_not_live_is_an_extract_error_in_a_process_without_the_extractors(tmp_path):
    # the polling process never imports feedtui.extract: the worker's ExtractError (a
    # models class) must still be recognised, or the source's poll task dies with it
    import subprocess
    import sys

    article = tmp_path / "article.html"
    article.write_text("<html><body><article><h1>Just an article</h1><p>Text.</p></article></body></html>")
    code = f"""
import asyncio, sys
from feedtui.config import Config
from feedtui.fetch import Fetcher
from feedtui.poller import Poller
from feedtui.store import Store
from feedtui.worker import ParsePool

async def main():
    store = Store.open({str(tmp_path / "f.db")!r})
    source = store.add_source({article.as_uri()!r})
    pool = ParsePool(size=1)
    try:
        async with Fetcher() as fetcher:
            report = await Poller(store, fetcher, pool, Config()).poll(source)
    finally:
        pool.close()
    print(report.state, "feedtui.extract" in sys.modules)

asyncio.run(main())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["extract-error", "False"]
