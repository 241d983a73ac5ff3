"""A politeness simulation: 100 feeds, 24 simulated hours, on a virtual clock.

The real `Poller` (its `poll`: conditional GET arguments, validators kept, adaptive
interval, backoff with jitter, Retry-After floor, ttl and skipHours via
`politeness.next_poll`), a real `Store` on a temp file and the real extractor (run inline:
no process boundary is needed here) talk to `SimServer`, a fake with the signature of
`Fetcher.fetch` that models each feed as a publisher would: ETag and/or Last-Modified per
version, 304 when the client echoes them, new items now and then, `<ttl>` and
`<skipHours>` in the RSS it serves, and spells of 429 (Retry-After seconds) or 503
(Retry-After as an HTTP date, with a Date header) during which it remembers when the
client may come back.

How the clock is driven: `Poller.run` waits in real time (one task per source sleeping
until `next_poll`), which a 24-hour simulation cannot afford. `simulate()` runs the same
per-source loop as `Poller._follow` -- take the source's `next_poll` (none: due now),
wait until then, `poll` it, carry on with `report.source` -- for all sources at once on
one virtual clock: it repeatedly advances the clock to the earliest `next_poll` of any
source and polls that source. Every scheduling decision is the Poller's own.

Asserted, and printed:
* zero requests before a Retry-After expired (1 ms tolerance: the store keeps times to
  the microsecond);
* at least 99% of polls of an unchanged feed (the client already holds the current
  version, and the feed is not rate-limiting) answered 304;
* every conditional request echoes the validators last sent, byte for byte (as latin-1
  bytes on the wire, after the Fetcher's own header check);
* no automatic poll inside the feed's skipHours, none sooner than its ttl after a
  successful one.
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import formatdate

import pytest

from feedtui.config import Config
from feedtui.extract import extract_bytes
from feedtui.fetch import FetchOutcome, FetchState, _header_ok
from feedtui.politeness import http_date, parse_retry_after
from feedtui.poller import Poller
from feedtui.store import Store

SOURCES = 100
HOURS = 24
START = datetime(2030, 1, 7, 0, 0, tzinfo=timezone.utc).timestamp()  # a Monday, midnight UTC
TOLERANCE = 1e-3


@dataclass
class Feed:
    """One simulated publisher."""

    index: int
    url: str
    validators: str                 # "etag", "modified" or "both"
    etag_style: int                 # 0 strong, 1 weak, 2 latin-1 and a tab inside
    change_every: float | None      # mean seconds between new items; None: never changes
    ttl: int | None                 # minutes
    skip_hours: tuple[int, ...]
    limiter: str | None             # None, "429", "503" or "429-bare" (no Retry-After)
    version: int = 0
    changed_at: float = START - 86400
    next_change: float = float("inf")
    limited_until: float = 0.0      # a Retry-After the server said, not yet expired
    bare_until: float = 0.0         # a 429 spell without Retry-After
    sent_etag: str | None = None    # what this client last got from us
    sent_modified: str | None = None
    client_version: int | None = None
    polls: list[tuple[float, str]] = field(default_factory=list)

    def etag(self) -> str | None:
        if self.validators == "modified":
            return None
        core = f"{self.index}-{self.version}-{hashlib.sha1(self.url.encode()).hexdigest()[:6]}"
        return [f'"{core}"', f'W/"{core}"', f'"caf\xe9\t{core}"'][self.etag_style]

    def last_modified(self) -> str | None:
        if self.validators == "etag":
            return None
        return formatdate(self.changed_at, usegmt=True)

    def body(self) -> bytes:
        items = "".join(
            f"<item><guid>f{self.index}-i{v}</guid><title>Item {v} of feed {self.index}</title>"
            f"<pubDate>{formatdate(START - 3600 + v * 60, usegmt=True)}</pubDate>"
            f"<description>Text {v}.</description></item>"
            for v in range(max(0, self.version - 9), self.version + 1))
        extra = f"<ttl>{self.ttl}</ttl>" if self.ttl else ""
        if self.skip_hours:
            extra += "<skipHours>" + "".join(f"<hour>{h}</hour>" for h in self.skip_hours) + "</skipHours>"
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Feed {self.index}</title>{extra}{items}</channel></rss>").encode()


class SimServer:
    """Stands in for `Fetcher`: `fetch` has its signature and returns what it would."""

    def __init__(self, feeds: dict[str, Feed], clock, rng: random.Random):
        self.feeds = feeds
        self.clock = clock
        self.rng = rng
        self.early: list[tuple[str, float, float]] = []      # requests before Retry-After expiry
        self.echo_errors: list[tuple[str, object, object]] = []
        self.unchanged_polls = 0
        self.unchanged_304 = 0
        self.answers: Counter = Counter()

    def _advance(self, feed: Feed, now: float) -> None:
        while feed.change_every is not None and feed.next_change <= now:
            feed.version += 1
            feed.changed_at = feed.next_change
            feed.next_change += self.rng.expovariate(1 / feed.change_every)

    async def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None,
                    previous_hash: str | None = None, allow_private: bool | None = None) -> FetchOutcome:
        now = self.clock()
        feed = self.feeds[url]
        self._advance(feed, now)
        # what the Fetcher would put on the wire (it sends a stored validator only when it
        # is a visible latin-1 header value), compared byte for byte with what we sent
        wire_etag = etag.encode("latin-1") if _header_ok(etag) else None
        wire_modified = last_modified.encode("latin-1") if _header_ok(last_modified) else None
        if feed.client_version is not None:
            for sent, echoed in ((feed.sent_etag, wire_etag), (feed.sent_modified, wire_modified)):
                expected = sent.encode("latin-1") if sent is not None else None
                if expected != echoed:
                    self.echo_errors.append((url, expected, echoed))
        date = formatdate(now, usegmt=True)

        def limited(status: int, retry_after: str | None) -> FetchOutcome:
            headers_now = http_date(date) or now
            wait = parse_retry_after(retry_after, headers_now)  # as Fetcher._request does
            self.answers[str(status)] += 1
            feed.polls.append((now, str(status)))
            return FetchOutcome(FetchState.RATE_LIMITED, url, final_url=url, status=status,
                                retry_after=wait, error=f"HTTP {status}")

        if now < feed.limited_until - TOLERANCE:
            self.early.append((url, now, feed.limited_until))
            return limited(429, str(max(1, int(feed.limited_until - now))))
        if now < feed.bare_until:
            return limited(429, None)
        if feed.limiter and self.rng.random() < 0.08:
            if feed.limiter == "429":
                wait = self.rng.randrange(60, 2 * 3600)
                feed.limited_until = now + wait
                return limited(429, str(wait))
            if feed.limiter == "503":
                wait = self.rng.randrange(60, 2 * 3600)
                # an HTTP date has whole seconds: the spell ends at that second
                until = float(int(now) + wait)
                feed.limited_until = until
                return limited(503, formatdate(until, usegmt=True))
            feed.bare_until = now + self.rng.randrange(60, 1800)
            return limited(429, None)

        unchanged = feed.client_version == feed.version
        current_etag, current_modified = feed.etag(), feed.last_modified()
        match = ((wire_etag is not None and current_etag is not None
                  and wire_etag == current_etag.encode("latin-1"))
                 or (wire_etag is None and wire_modified is not None and current_modified is not None
                     and wire_modified == current_modified.encode("latin-1")))
        if unchanged:
            self.unchanged_polls += 1
            self.unchanged_304 += match
        feed.sent_etag, feed.sent_modified = current_etag, current_modified
        if match:
            self.answers["304"] += 1
            feed.polls.append((now, "304"))
            return FetchOutcome(FetchState.NOT_MODIFIED, url, final_url=url, status=304,
                                etag=current_etag, last_modified=current_modified,
                                body_hash=previous_hash)
        feed.client_version = feed.version
        data = feed.body()
        self.answers["200"] += 1
        feed.polls.append((now, "200"))
        return FetchOutcome(FetchState.OK, url, final_url=url, status=200, data=data,
                            content_type="application/rss+xml", etag=current_etag,
                            last_modified=current_modified,
                            body_hash=hashlib.sha256(data).hexdigest())

    async def aclose(self) -> None:
        pass


class InlineWorker:
    """ParsePool's interface, extracting in-process (the bodies here are small and sane)."""

    async def extract_async(self, data, url, source=None, content_type=None, now=None, actor_config=None):
        return extract_bytes(data, url, source, content_type, now)


def make_feeds(rng: random.Random) -> dict[str, Feed]:
    feeds = {}
    for i in range(SOURCES):
        url = f"https://feed{i}.sim.example/rss"
        feeds[url] = Feed(
            index=i, url=url,
            validators=("etag", "modified", "both")[i % 3],
            etag_style=i % 4 % 3,
            change_every=None if i % 10 < 6 else rng.choice([1800.0, 3 * 3600.0, 8 * 3600.0]),
            ttl=rng.choice([None, None, 30, 60, 120]),
            skip_hours=(0, 1, 2, 3, 4, 5) if i % 5 == 0 else ((12, 13) if i % 7 == 0 else ()),
            limiter={0: "429", 1: "503", 2: "429-bare"}.get(i % 8) if i % 8 < 3 else None,
        )
        feed = feeds[url]
        if feed.change_every:
            feed.next_change = START + rng.expovariate(1 / feed.change_every)
    return feeds


async def simulate(store: Store, feeds: dict[str, Feed], seed: int) -> tuple[SimServer, int]:
    now = [START]
    rng = random.Random(seed)
    server = SimServer(feeds, lambda: now[0], rng)
    poller = Poller(store, server, InlineWorker(), Config(), clock=lambda: now[0],
                    rng=random.Random(seed + 1))
    sources = {s.id: s for s in store.sources()}
    end = START + HOURS * 3600
    polls = 0
    while True:
        # the earliest due source; a source never polled is due now (as in _follow)
        sid, source = min(sources.items(),
                          key=lambda kv: (kv[1].next_poll.timestamp() if kv[1].next_poll else 0.0, kv[0]))
        due = source.next_poll.timestamp() if source.next_poll else now[0]
        if due >= end:
            break
        now[0] = max(now[0], due)
        report = await poller.poll(source)
        assert report.state in {"ok", "not_modified", "rate_limited"}, (report.state, report.error)
        sources[sid] = report.source
        polls += 1
    return server, polls


@pytest.mark.timeout(300)
def test_politeness_over_a_simulated_day(tmp_path):
    rng = random.Random(20300107)
    feeds = make_feeds(rng)
    started = time.monotonic()
    with Store.open(tmp_path / "sim.db") as store:
        for url in feeds:
            store.add_source(url)
        server, polls = asyncio.run(simulate(store, feeds, seed=7))
        stored = {s.url: s for s in store.sources()}
    wall = time.monotonic() - started

    # ttl and skipHours, judged from what the client had been told
    skip_violations, ttl_violations = [], []
    for feed in feeds.values():
        first_ok = next((t for t, answer in feed.polls if answer == "200"), None)
        for (t0, a0), (t1, _a1) in zip(feed.polls, feed.polls[1:]):
            if feed.ttl and a0 in ("200", "304") and t1 - t0 < feed.ttl * 60 - TOLERANCE:
                ttl_violations.append((feed.url, t0, t1))
        for t, _ in feed.polls:
            if first_ok is not None and t > first_ok and \
                    datetime.fromtimestamp(t, timezone.utc).hour in feed.skip_hours:
                skip_violations.append((feed.url, datetime.fromtimestamp(t, timezone.utc)))

    ratio = server.unchanged_304 / server.unchanged_polls
    limited_spells = sum(1 for f in feeds.values() for _, a in f.polls if a in ("429", "503"))
    per_feed = [len(f.polls) for f in feeds.values()]
    print(f"\npoliteness sim: {SOURCES} feeds, {HOURS} simulated hours, {polls} polls in {wall:.1f} s wall")
    print("  answers: " + ", ".join(f"{k}={v}" for k, v in sorted(server.answers.items())))
    print(f"  polls per feed: min {min(per_feed)}, max {max(per_feed)}; rate-limited answers {limited_spells}")
    print(f"  requests before Retry-After expiry: {len(server.early)}")
    print(f"  unchanged-feed polls answered 304: {server.unchanged_304}/{server.unchanged_polls} = {ratio:.2%}")
    print(f"  validator echo mismatches: {len(server.echo_errors)}")
    print(f"  skipHours violations: {len(skip_violations)}; ttl violations: {len(ttl_violations)}")

    assert polls > 2000, polls
    assert server.answers["429"] > 20 and server.answers["503"] > 10  # the spells did happen
    assert not server.early, server.early[:5]
    assert ratio >= 0.99, ratio
    assert not server.echo_errors, server.echo_errors[:5]
    assert not skip_violations, skip_violations[:5]
    assert not ttl_violations, ttl_violations[:5]
    # the weird-but-legal ETag survived the store byte for byte
    odd = next(f for f in feeds.values() if f.validators != "modified" and f.etag_style == 2)
    assert stored[odd.url].etag == odd.sent_etag and "\xe9\t" in stored[odd.url].etag


def test_a_failed_poll_retries_outside_skip_hours(tmp_path):
    """Regression (found by the simulation): a retry after a failure is an automatic poll
    too, so it keeps out of the feed's skipHours like any other."""
    feed = Feed(index=0, url="https://skip.sim.example/rss", validators="etag", etag_style=0,
                change_every=None, ttl=None, skip_hours=(12, 13), limiter="429-bare")
    feeds = {feed.url: feed}
    now = [START + 11.5 * 3600]                                    # 11:30 UTC
    server = SimServer(feeds, lambda: now[0], random.Random(1))

    async def main():
        poller = Poller(store, server, InlineWorker(), Config(feed_interval=3600), clock=lambda: now[0],
                        rng=random.Random(2))
        source = store.sources()[0]
        first = await poller.poll(source)                          # 200: learns skipHours 12, 13
        assert first.state == "ok"
        feed.bare_until = now[0] + 1e9                             # from now on: 429, no Retry-After
        now[0] += 60
        failed = await poller.poll(first.source)
        assert failed.state == "rate_limited"
        return failed.source.next_poll

    with Store.open(tmp_path / "skip.db") as store:
        store.add_source(feed.url)
        when = asyncio.run(main())
    assert when.hour not in (12, 13), when
