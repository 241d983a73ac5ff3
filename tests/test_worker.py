"""Extraction in a child process: results come back, overruns are killed and the worker
recovers for the next body."""

import time

import pytest

from feedtui.extract import ExtractError
from feedtui.worker import ParseWorker

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><guid>1</guid><title>One</title></item><item><guid>2</guid><title>Two</title></item>
</channel></rss>"""
LIVE = b"""<html><body><div>
<article id="a1"><time datetime="2022-03-14T09:00:00Z">09:00</time><h2>Second</h2><p>b</p></article>
<article id="a2"><time datetime="2022-03-14T08:00:00Z">08:00</time><h2>First</h2><p>a</p></article>
</div></body></html>"""


@pytest.fixture(scope="module")
def worker():
    with ParseWorker(time_limit=2.0, memory_limit=512 * 1024 * 1024) as w:
        yield w


def test_result_crosses_the_process_boundary(worker):
    result = worker.extract(LIVE, "https://e.com/live")
    assert [e.title for e in result.entries] == ["Second", "First"]


def test_errors_come_back_as_extract_errors(worker):
    with pytest.raises(ExtractError, match="no live updates or feed items found in https://e.com/a"):
        worker.extract(b"<html><p>just an article</p></html>", "https://e.com/a")


@pytest.mark.timeout(60)
def test_slow_parse_is_killed_in_time_and_worker_recovers(worker):
    # 100,000 stamped paragraphs: a real (linear) workload that takes well over 2 s
    nested = b"<html><body>" + b"".join(
        b"<p><strong>%02d:%02d</strong> Update %d</p><p>body</p>" % (i % 24, i % 60, i) for i in range(100_000))
    before = worker.restarts
    started = time.monotonic()
    with pytest.raises(ExtractError, match="longer than 2 s"):
        worker.extract(nested, "https://e.com/deep")
    assert time.monotonic() - started < 3.5
    assert worker.restarts == before + 1
    assert len(worker.extract(LIVE, "https://e.com/live").entries) == 2


@pytest.mark.timeout(60)
def test_memory_cap_ends_in_an_error_not_a_blow_up():
    with ParseWorker(time_limit=20, memory_limit=120 * 1024 * 1024) as small:
        huge = b"[" + b'{"a":[1,2]},' * 1_300_000 + b"1]"  # 15.6 MB of JSON, under the fetch cap
        with pytest.raises(ExtractError, match="needs more than 120 MB"):
            small.extract(huge, "https://e.com/huge")
        assert len(small.extract(LIVE, "https://e.com/live").entries) == 2


def test_the_readers_children_run_below_their_parent(worker):
    # in the app parsing yields the core to the event loop; batch commands parse at full speed
    import os

    from feedtui.worker import READER_NICENESS

    own = os.getpriority(os.PRIO_PROCESS, 0)
    worker.extract(LIVE, "https://e.com/live")  # (a child is running)
    assert os.getpriority(os.PRIO_PROCESS, worker.pid) == own
    with ParseWorker(time_limit=5, niceness=READER_NICENESS) as low:
        low.extract(LIVE, "https://e.com/live")
        assert os.getpriority(os.PRIO_PROCESS, low.pid) == min(19, own + READER_NICENESS)
