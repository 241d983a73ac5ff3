"""ParsePool: bodies shared out to worker processes by one feeder thread per worker, which
keeps a second body waiting in the child while it parses the first. Every caller gets its own
result, a body that overruns its time limit fails alone (the one queued behind it in the same
child is sent again to the fresh child), closing fails what is still queued, and a caller
that gives up does not disturb the others."""

from __future__ import annotations

import asyncio
import time

import pytest

from feedtui.extract import ExtractError
from feedtui.worker import ParsePool


def rss(n: int) -> bytes:
    return (b'<?xml version="1.0"?><rss version="2.0"><channel><title>feed %d</title>'
            b"<item><guid>%d</guid><title>Item %d</title></item></channel></rss>" % (n, n, n))


#: A real (linear) workload that takes well over a second to extract.
SLOW = b"<html><body>" + b"".join(
    b"<p><strong>%02d:%02d</strong> Update %d</p><p>body</p>" % (i % 24, i % 60, i) for i in range(100_000))


def titles(result) -> list[str]:
    return [e.title for e in result.entries]


@pytest.mark.timeout(120)
def test_every_caller_gets_its_own_result():
    async def main():
        pool = ParsePool(size=2, time_limit=20)
        try:
            return await asyncio.gather(*(pool.extract_async(rss(n), f"https://e.com/{n}") for n in range(30)))
        finally:
            pool.close()

    results = asyncio.run(main())
    assert [titles(r) for r in results] == [[f"Item {n}"] for n in range(30)]
    assert [r.title for r in results] == [f"feed {n}" for n in range(30)]


@pytest.mark.timeout(120)
def test_an_overrun_fails_alone_and_the_body_behind_it_is_sent_again():
    # one worker: the slow body is parsed while the next one already waits in the same child;
    # killing the child for the overrun must not lose the waiting body
    async def main():
        pool = ParsePool(size=1, time_limit=1.0)
        try:
            started = time.monotonic()
            jobs = [pool.extract_async(SLOW, "https://e.com/slow")] + [
                pool.extract_async(rss(n), f"https://e.com/{n}") for n in range(3)]
            outcomes = await asyncio.gather(*jobs, return_exceptions=True)
            return outcomes, time.monotonic() - started, pool.workers[0].restarts
        finally:
            pool.close()

    outcomes, elapsed, restarts = asyncio.run(main())
    assert isinstance(outcomes[0], ExtractError) and "longer than 1 s" in str(outcomes[0])
    assert [titles(r) for r in outcomes[1:]] == [["Item 0"], ["Item 1"], ["Item 2"]]
    assert restarts == 1
    assert elapsed < 15


@pytest.mark.timeout(120)
def test_closing_fails_what_is_still_queued():
    async def main():
        pool = ParsePool(size=1, time_limit=20)
        first = asyncio.ensure_future(pool.extract_async(SLOW, "https://e.com/slow"))
        queued = [asyncio.ensure_future(pool.extract_async(rss(n), f"https://e.com/{n}")) for n in range(4)]
        await asyncio.sleep(0.5)  # the slow one and the next are with the child, the rest queued
        closing = asyncio.get_running_loop().run_in_executor(None, pool.close)
        outcomes = await asyncio.gather(first, *queued, return_exceptions=True)
        await closing
        return outcomes

    outcomes = asyncio.run(main())
    closed = [o for o in outcomes if isinstance(o, ExtractError) and "closed" in str(o)]
    assert len(closed) >= 2  # (the two with the child may still finish)
    assert all(isinstance(o, ExtractError) or titles(o) for o in outcomes)


@pytest.mark.timeout(120)
def test_a_caller_that_gives_up_does_not_disturb_the_others():
    async def main():
        pool = ParsePool(size=1, time_limit=20)
        try:
            impatient = asyncio.ensure_future(pool.extract_async(SLOW, "https://e.com/slow"))
            patient = asyncio.ensure_future(pool.extract_async(rss(7), "https://e.com/7"))
            await asyncio.sleep(0.3)
            impatient.cancel()
            result = await patient
            again = await pool.extract_async(rss(8), "https://e.com/8")
            return impatient.cancelled(), result, again
        finally:
            pool.close()

    cancelled, result, again = asyncio.run(main())
    assert cancelled
    assert titles(result) == ["Item 7"] and titles(again) == ["Item 8"]
