"""The fault catalogue: the polite fetcher against a misbehaving server on 127.0.0.1.

Every scenario ends in a named FetchState within the deadline plus 1 s, with bounded
memory (tracemalloc peak), and slow or broken sources never hold up the healthy ones.
No mocks: real sockets, real httpx, small caps and a 2 s deadline so the suite stays fast.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import time
import tracemalloc
import zlib
from email.utils import formatdate

import brotli
import pytest

from faultserver import (FaultServer, Gauge, close_without_response, drip_body, drip_head, dynamic,
                         endless, garbage, refused_port, reset_before_response, reset_mid_body,
                         respond, silence, slow, stall_after_head, truncated)
from feedtui import __version__
from feedtui.extract import ExtractError, extract_bytes
from feedtui.fetch import Fetcher, FetchState, body_hash

DEADLINE = 2.0
CAPS = dict(deadline=DEADLINE, raw_cap=1024 * 1024, decoded_cap=2 * 1024 * 1024,
            connect_timeout=1.0, read_timeout=10.0)
#: tracemalloc peak allowed for any one scenario (the decoded cap is 2 MB).
MEMORY_BOUND = 12 * 1024 * 1024

RSS = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
       b"<item><guid>w1</guid><title>Caf\xc3\xa9 opens</title><link>https://e.com/1</link>"
       b"<pubDate>Mon, 14 Mar 2022 08:00:00 GMT</pubDate><description>One.</description></item>"
       b"</channel></rss>")
ERROR_PAGE = (b"<!doctype html><html><head><title>502 Bad Gateway</title></head><body>"
              b"<h1>Bad Gateway</h1><p>The upstream server is unavailable. Please try again later.</p>"
              b"</body></html>")


@functools.cache
def gzip_bomb() -> bytes:
    """~500 KB of gzip that expands to 500 MB of zeros."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1024 * 1024)
    return b"".join(packer.compress(zeros) for _ in range(500)) + packer.flush()


@functools.cache
def deflate_bomb() -> bytes:
    """Raw deflate (no zlib header, as some servers send it), 200 MB of zeros."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    zeros = bytes(1024 * 1024)
    return b"".join(packer.compress(zeros) for _ in range(200)) + packer.flush()


@functools.cache
def brotli_bomb() -> bytes:
    """Under 1 KB of brotli that expands to 500 MB of zeros."""
    packer = brotli.Compressor(quality=5)
    zeros = bytes(1024 * 1024)
    return b"".join(packer.process(zeros) for _ in range(500)) + packer.finish()


def run_fetch(url: str, fetcher_options: dict | None = None, **kwargs):
    """(outcome, seconds, tracemalloc peak bytes) of one fetch with the test caps."""
    async def main():
        async with Fetcher(**{**CAPS, **(fetcher_options or {})}) as fetcher:
            return await fetcher.fetch(url, **kwargs)

    tracemalloc.start()
    started = time.monotonic()
    try:
        outcome = asyncio.run(main())
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return outcome, elapsed, peak


@pytest.fixture
def server():
    with FaultServer() as srv:
        yield srv


def _redirect_chain(srv: FaultServer, count: int) -> str:
    for i in range(count):
        srv.routes[f"/r{i}"] = respond(302, {"Location": f"/r{i + 1}"})
    srv.routes[f"/r{count}"] = respond(200, {"Content-Type": "application/rss+xml"}, RSS)
    return srv.url("/r0")


def _fixed_resolver(table: dict[str, list[str]]):
    async def resolve(host: str, port: int) -> list[str]:
        return table[host]
    return resolve


# Each scenario: (setup(server) -> (url, fetch kwargs, fetcher options), expected state, check)
def s_ok(srv):
    srv.routes["/feed"] = respond(200, {"Content-Type": "application/rss+xml"}, RSS)
    return srv.url("/feed"), {}, {}


def s_drip_body(srv):
    srv.routes["/drip"] = drip_body(interval=0.2)
    return srv.url("/drip"), {}, {}


def s_drip_head(srv):
    srv.routes["/drip"] = drip_head(interval=0.2)
    return srv.url("/drip"), {}, {}


def s_stall(srv):
    srv.routes["/stall"] = stall_after_head()
    return srv.url("/stall"), {}, {}


def s_accept_then_silence(srv):
    srv.read_request = False
    return srv.url("/feed"), {}, {}


def s_silence_after_request(srv):
    srv.routes["/quiet"] = silence()
    return srv.url("/quiet"), {}, {}


def s_read_timeout(srv):
    srv.routes["/quiet"] = silence()
    return srv.url("/quiet"), {}, {"read_timeout": 0.5}


def s_huge_declared(srv):
    srv.routes["/huge"] = lambda conn: conn.send(
        b"HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\nConnection: close\r\n\r\n" + b"x" * 1000)
    return srv.url("/huge"), {}, {}


def s_huge_streamed(srv):
    srv.routes["/huge"] = endless(chunked=True)
    return srv.url("/huge"), {}, {}


def s_huge_until_close(srv):
    srv.routes["/huge"] = endless(chunked=False)
    return srv.url("/huge"), {}, {}


def s_gzip_bomb(srv):
    srv.routes["/bomb"] = respond(200, {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}, gzip_bomb())
    return srv.url("/bomb"), {}, {}


def s_brotli_bomb(srv):
    srv.routes["/bomb"] = respond(200, {"Content-Type": "application/rss+xml", "Content-Encoding": "br"}, brotli_bomb())
    return srv.url("/bomb"), {}, {}


def s_deflate_bomb(srv):
    srv.routes["/bomb"] = respond(200, {"Content-Type": "text/html", "Content-Encoding": "deflate"}, deflate_bomb())
    return srv.url("/bomb"), {}, {}


def s_stacked_encodings(srv):
    srv.routes["/gz2"] = respond(200, {"Content-Encoding": "gzip, gzip"}, gzip.compress(gzip.compress(RSS)))
    return srv.url("/gz2"), {}, {}


def s_stacked_encoding_headers(srv):
    srv.routes["/gz2"] = respond(200, [("Content-Encoding", "gzip"), ("Content-Encoding", "br")],
                                 brotli.compress(gzip.compress(RSS)))
    return srv.url("/gz2"), {}, {}


def s_unknown_encoding(srv):
    srv.routes["/z"] = respond(200, {"Content-Encoding": "zstd"}, b"\x28\xb5\x2f\xfd" + RSS)
    return srv.url("/z"), {}, {}


def s_corrupt_gzip(srv):
    srv.routes["/bad"] = respond(200, {"Content-Encoding": "gzip"}, b"\x1f\x8b\x08\x00" + b"\xff" * 500)
    return srv.url("/bad"), {}, {}


def s_truncated_gzip(srv):
    srv.routes["/cut"] = respond(200, {"Content-Encoding": "gzip"}, gzip.compress(RSS * 20)[:200])
    return srv.url("/cut"), {}, {}


def s_redirect_loop(srv):
    srv.routes["/a"] = respond(302, {"Location": "/b"})
    srv.routes["/b"] = respond(301, {"Location": srv.url("/a")})
    return srv.url("/a"), {}, {}


def s_too_many_redirects(srv):
    return _redirect_chain(srv, 7), {}, {}


def s_redirect_to_file(srv):
    srv.routes["/r"] = respond(302, {"Location": "file:///etc/passwd"})
    return srv.url("/r"), {}, {}


def s_redirect_to_gopher(srv):
    srv.routes["/r"] = respond(307, {"Location": "gopher://127.0.0.1/1"})
    return srv.url("/r"), {}, {}


def s_redirect_public_to_private(srv):
    # 127.0.0.1 is presented as a public address; "localhost" resolves to loopback
    srv.routes["/r"] = respond(302, {"Location": f"http://localhost:{srv.port}/feed"})
    srv.routes["/feed"] = respond(200, {}, RSS)
    resolver = _fixed_resolver({"127.0.0.1": ["8.8.8.8"], "localhost": ["127.0.0.1"]})
    return srv.url("/r"), {}, {"resolver": resolver}


def s_redirect_without_location(srv):
    srv.routes["/r"] = respond(302, {})
    return srv.url("/r"), {}, {}


def s_429_seconds(srv):
    srv.routes["/rl"] = respond(429, {"Retry-After": "120"}, b"slow down")
    return srv.url("/rl"), {}, {}


def s_429_date(srv):
    now = time.time()
    srv.routes["/rl"] = respond(429, {"Date": formatdate(now, usegmt=True),
                                      "Retry-After": formatdate(now + 300, usegmt=True)})
    return srv.url("/rl"), {}, {}


def s_503_seconds(srv):
    srv.routes["/busy"] = respond(503, {"Retry-After": "30"}, ERROR_PAGE)
    return srv.url("/busy"), {}, {}


def s_503_date(srv):
    # the server's clock is an hour off: the delay is taken relative to its Date header
    skewed = time.time() - 3600
    srv.routes["/busy"] = respond(503, {"Date": formatdate(skewed, usegmt=True),
                                        "Retry-After": formatdate(skewed + 90, usegmt=True)})
    return srv.url("/busy"), {}, {}


def s_503_absurd_retry_after(srv):
    srv.routes["/busy"] = respond(503, {"Retry-After": "999999999999999999"})
    return srv.url("/busy"), {}, {}


def s_500(srv):
    srv.routes["/err"] = respond(500, {"Content-Type": "text/html"}, ERROR_PAGE)
    return srv.url("/err"), {}, {}


def s_html_error_page_502(srv):
    srv.routes["/err"] = respond(502, {"Content-Type": "text/html"}, ERROR_PAGE)
    return srv.url("/err"), {}, {}


def s_410(srv):
    srv.routes["/gone"] = respond(410, {}, b"gone")
    return srv.url("/gone"), {}, {}


def s_empty_body(srv):
    srv.routes["/empty"] = respond(200, {"Content-Type": "application/rss+xml"}, b"")
    return srv.url("/empty"), {}, {}


def s_empty_gzip_body(srv):
    srv.routes["/empty"] = respond(200, {"Content-Encoding": "gzip"}, b"")
    return srv.url("/empty"), {}, {}


def s_no_content(srv):
    srv.routes["/empty"] = respond(204, {}, b"", length=False)
    return srv.url("/empty"), {}, {}


def s_truncated_body(srv):
    srv.routes["/cut"] = truncated(RSS[:100], declared=len(RSS))
    return srv.url("/cut"), {}, {}


def s_reset_before_response(srv):
    srv.routes["/rst"] = reset_before_response()
    return srv.url("/rst"), {}, {}


def s_reset_mid_body(srv):
    srv.routes["/rst"] = reset_mid_body()
    return srv.url("/rst"), {}, {}


def s_close_without_response(srv):
    srv.routes["/close"] = close_without_response()
    return srv.url("/close"), {}, {}


def s_not_http(srv):
    srv.routes["/ssh"] = garbage()
    return srv.url("/ssh"), {}, {}


def s_refused(srv):
    return f"http://127.0.0.1:{refused_port()}/feed", {}, {}


def s_private_refused(srv):
    srv.routes["/feed"] = respond(200, {}, RSS)
    return srv.url("/feed"), {"allow_private": False}, {}


def s_wrong_charset(srv):
    # declared UTF-16 in the header, ISO-8859-1 in the prolog, actually UTF-8
    body = RSS.replace(b'encoding="utf-8"', b'encoding="iso-8859-1"')
    srv.routes["/cs"] = respond(200, {"Content-Type": "application/rss+xml; charset=utf-16"}, body)
    return srv.url("/cs"), {}, {}


def s_html_instead_of_feed(srv):
    srv.routes["/feed.xml"] = respond(200, {"Content-Type": "text/html; charset=utf-8"}, ERROR_PAGE)
    return srv.url("/feed.xml"), {}, {}


def _is_data(expected: bytes):
    def check(outcome):
        assert outcome.data == expected
    return check


def _retry(low, high):
    def check(outcome):
        assert outcome.retry_after is not None and low <= outcome.retry_after <= high, outcome.retry_after
    return check


def _error_has(*words):
    def check(outcome):
        for word in words:
            assert word in outcome.error, outcome.error
    return check


def _extracts_or_says_why(outcome):
    """A wrong declaration or an error page ends in entries or a one-line ExtractError."""
    try:
        extract_bytes(outcome.data, outcome.final_url, content_type=outcome.content_type)
    except ExtractError as exc:
        assert "\n" not in str(exc)


def _no_feed(outcome):
    assert outcome.content_type.startswith("text/html")
    with pytest.raises(ExtractError):
        extract_bytes(outcome.data, outcome.final_url, content_type=outcome.content_type)


S = FetchState
CATALOGUE = [
    ("ok", s_ok, S.OK, _is_data(RSS)),
    ("drip_body", s_drip_body, S.TIMEOUT, _error_has("longer than 2 s")),
    ("drip_head", s_drip_head, S.TIMEOUT, None),
    ("stall_after_head", s_stall, S.TIMEOUT, None),
    ("accept_then_silence", s_accept_then_silence, S.TIMEOUT, None),
    ("silence_after_request", s_silence_after_request, S.TIMEOUT, None),
    ("read_timeout", s_read_timeout, S.TIMEOUT, _error_has("read timed out")),
    ("huge_declared_length", s_huge_declared, S.TOO_LARGE, _error_has("Content-Length")),
    ("huge_chunked_body", s_huge_streamed, S.TOO_LARGE, _error_has("larger than 1 MB")),
    ("huge_body_until_close", s_huge_until_close, S.TOO_LARGE, None),
    ("gzip_bomb", s_gzip_bomb, S.TOO_LARGE, _error_has("decoded body larger than 2 MB")),
    ("brotli_bomb", s_brotli_bomb, S.TOO_LARGE, _error_has("decoded body")),
    ("deflate_bomb", s_deflate_bomb, S.TOO_LARGE, _error_has("decoded body")),
    ("stacked_encodings", s_stacked_encodings, S.BAD_ENCODING, _error_has("stacked", "gzip, gzip")),
    ("stacked_encoding_headers", s_stacked_encoding_headers, S.BAD_ENCODING, _error_has("stacked")),
    ("unknown_encoding", s_unknown_encoding, S.BAD_ENCODING, _error_has("zstd")),
    ("corrupt_gzip", s_corrupt_gzip, S.BAD_ENCODING, _error_has("corrupt gzip")),
    ("truncated_gzip", s_truncated_gzip, S.TRUNCATED, None),
    ("redirect_loop", s_redirect_loop, S.REDIRECT_LOOP, _error_has("loop")),
    ("too_many_redirects", s_too_many_redirects, S.TOO_MANY_REDIRECTS, _error_has("more than 5")),
    ("redirect_to_file", s_redirect_to_file, S.BAD_REDIRECT, _error_has("file: URL refused")),
    ("redirect_to_gopher", s_redirect_to_gopher, S.BAD_REDIRECT, _error_has("gopher")),
    ("redirect_public_to_private", s_redirect_public_to_private, S.BAD_REDIRECT, _error_has("private")),
    ("redirect_without_location", s_redirect_without_location, S.HTTP_ERROR, _error_has("Location")),
    ("429_retry_after_seconds", s_429_seconds, S.RATE_LIMITED, _retry(120, 120)),
    ("429_retry_after_date", s_429_date, S.RATE_LIMITED, _retry(295, 305)),
    ("503_retry_after_seconds", s_503_seconds, S.RATE_LIMITED, _retry(30, 30)),
    ("503_retry_after_date_skewed_clock", s_503_date, S.RATE_LIMITED, _retry(85, 95)),
    ("503_absurd_retry_after_clamped", s_503_absurd_retry_after, S.RATE_LIMITED, _retry(6 * 3600, 6 * 3600)),
    ("500", s_500, S.HTTP_ERROR, _error_has("HTTP 500 Internal Server Error")),
    ("html_error_page_502", s_html_error_page_502, S.HTTP_ERROR, _error_has("HTTP 502")),
    ("410_gone", s_410, S.GONE, _error_has("HTTP 410 Gone")),
    ("empty_body", s_empty_body, S.EMPTY, None),
    ("empty_gzip_body", s_empty_gzip_body, S.EMPTY, None),
    ("204_no_content", s_no_content, S.EMPTY, None),
    ("truncated_body", s_truncated_body, S.TRUNCATED, None),
    ("reset_before_response", s_reset_before_response, S.CONNECTION, None),
    ("reset_mid_body", s_reset_mid_body, S.TRUNCATED, None),
    ("close_without_response", s_close_without_response, S.CONNECTION, None),
    ("not_http", s_not_http, S.CONNECTION, None),
    ("connection_refused", s_refused, S.CONNECTION, _error_has("refused")),
    ("private_address_refused", s_private_refused, S.BLOCKED, None),
    ("wrong_charset_declared", s_wrong_charset, S.OK, _extracts_or_says_why),
    ("html_page_instead_of_feed", s_html_instead_of_feed, S.OK, _no_feed),
]


def test_catalogue_is_big_enough():
    assert len(CATALOGUE) >= 20
    assert len({name for name, *_ in CATALOGUE}) == len(CATALOGUE)


@pytest.mark.timeout(30)
@pytest.mark.parametrize("name,setup,expected,check", CATALOGUE, ids=[c[0] for c in CATALOGUE])
def test_fault(server, name, setup, expected, check):
    url, kwargs, options = setup(server)
    outcome, elapsed, peak = run_fetch(url, options, **kwargs)
    assert outcome.state is expected, (outcome.state, outcome.error)
    assert elapsed <= DEADLINE + 1.0, elapsed
    assert peak < MEMORY_BOUND, f"tracemalloc peak {peak / 1e6:.1f} MB"
    assert "\n" not in outcome.error and len(outcome.error) <= 300
    if expected is not S.OK:
        assert outcome.data is None and outcome.error
    if check:
        check(outcome)


# ---------------------------------------------------------------------------------------------
# Conditional GET, unchanged bodies, identity


@pytest.mark.timeout(30)
def test_conditional_get_echoes_validators_byte_for_byte(server):
    etag = b'W/"r\xe9v-42 \t x"'                       # obs-text and a tab, sent as raw bytes
    modified = b"Mon, 14 Mar 2022 08:00:00 GMT"

    def answer(request):
        if request.header("If-None-Match") == etag and request.header("If-Modified-Since") == modified:
            return 304, {"ETag": etag}, b""
        return 200, {"Content-Type": "application/rss+xml", "ETag": etag, "Last-Modified": modified}, RSS

    server.routes["/feed"] = dynamic(answer)
    first, _, _ = run_fetch(server.url("/feed"))
    assert first.state is S.OK and first.data == RSS
    assert first.etag == etag.decode("latin-1") and first.last_modified == modified.decode("latin-1")
    assert server.requests[0].header("If-None-Match") is None

    second, _, _ = run_fetch(server.url("/feed"), etag=first.etag, last_modified=first.last_modified,
                             previous_hash=first.body_hash)
    assert server.requests[1].header("If-None-Match") == etag
    assert server.requests[1].header("If-Modified-Since") == modified
    assert second.state is S.NOT_MODIFIED and second.status == 304 and second.data is None
    assert second.etag == first.etag and second.last_modified == first.last_modified


@pytest.mark.timeout(30)
def test_same_body_is_unchanged_and_not_returned(server):
    server.routes["/feed"] = respond(200, {"Content-Type": "application/rss+xml"}, RSS)
    outcome, _, _ = run_fetch(server.url("/feed"), previous_hash=body_hash(RSS))
    assert outcome.state is S.UNCHANGED and outcome.data is None and outcome.body_hash == body_hash(RSS)
    changed, _, _ = run_fetch(server.url("/feed"), previous_hash=body_hash(b"older"))
    assert changed.state is S.OK and changed.data == RSS


@pytest.mark.timeout(30)
def test_request_identity_and_encodings(server):
    server.routes["/br"] = respond(200, {"Content-Encoding": "br"}, brotli.compress(RSS))
    server.routes["/gz"] = respond(200, {"Content-Encoding": "x-gzip"}, gzip.compress(RSS))
    server.routes["/zlib"] = respond(200, {"Content-Encoding": "deflate"}, zlib.compress(RSS))
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    server.routes["/raw"] = respond(200, {"Content-Encoding": "deflate"}, raw.compress(RSS) + raw.flush())
    for path in ("/br", "/gz", "/zlib", "/raw"):
        outcome, _, _ = run_fetch(server.url(path))
        assert outcome.state is S.OK and outcome.data == RSS, (path, outcome.error)
    request = server.requests[0]
    assert request.header("User-Agent").decode().startswith(f"feedtui/{__version__}")
    assert request.header("Accept-Encoding") == b"gzip, deflate, br"


@pytest.mark.timeout(30)
def test_private_to_private_redirect_is_allowed_for_a_private_subscription(server):
    server.routes["/r"] = respond(302, {"Location": f"http://localhost:{server.port}/feed"})
    server.routes["/feed"] = respond(200, {}, RSS)
    resolver = _fixed_resolver({"127.0.0.1": ["127.0.0.1"], "localhost": ["127.0.0.1"]})
    outcome, _, _ = run_fetch(server.url("/r"), {"resolver": resolver})
    assert outcome.state is S.OK and outcome.final_url == f"http://localhost:{server.port}/feed"


# ---------------------------------------------------------------------------------------------
# Isolation and concurrency limits


@pytest.mark.timeout(30)
def test_faulty_sources_do_not_delay_the_healthy_ones():
    """10 sources at once, 3 faulty (drip, stall, gzip bomb): the 7 healthy ones finish fast,
    and a healthy source polled over and over keeps updating while the faulty ones hang."""
    bomb = gzip_bomb()
    servers = [FaultServer().start() for _ in range(10)]
    try:
        servers[0].routes["/f"] = drip_body(interval=0.2)
        servers[1].routes["/f"] = stall_after_head()
        servers[2].routes["/f"] = respond(200, {"Content-Encoding": "gzip"}, bomb)
        counter = iter(range(10_000))
        for srv in servers[3:]:
            srv.routes["/f"] = dynamic(lambda request: (200, {"Content-Type": "application/rss+xml"},
                                                        RSS + str(next(counter)).encode()))

        async def main():
            async with Fetcher(**CAPS) as fetcher:
                start = time.monotonic()

                async def timed(url):
                    outcome = await fetcher.fetch(url)
                    return outcome, time.monotonic() - start

                async def keep_polling(url, previous=None, updates=0):
                    while time.monotonic() - start < DEADLINE - 0.3:
                        outcome = await fetcher.fetch(url, previous_hash=previous)
                        if outcome.state is S.OK:
                            updates += 1
                            previous = outcome.body_hash
                        await asyncio.sleep(0.05)
                    return updates

                tasks = [asyncio.create_task(timed(srv.url("/f"))) for srv in servers]
                poller = asyncio.create_task(keep_polling(servers[3].url("/f")))
                results = await asyncio.gather(*tasks)
                return results, await poller

        tracemalloc.start()
        try:
            results, updates = asyncio.run(main())
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    finally:
        for srv in servers:
            srv.close()

    states = [outcome.state for outcome, _ in results]
    assert states[:3] == [S.TIMEOUT, S.TIMEOUT, S.TOO_LARGE], [(o.state, o.error) for o, _ in results[:3]]
    assert all(state is S.OK for state in states[3:]), states
    healthy_times = [t for _, t in results[3:]]
    assert max(healthy_times) < 1.0, healthy_times
    assert all(t <= DEADLINE + 1.0 for _, t in results)
    assert updates >= 5, updates
    assert peak < 2 * MEMORY_BOUND


@pytest.mark.timeout(30)
def test_at_most_two_requests_at_a_time_per_host(server):
    server.routes["/slow"] = slow(0.3, RSS)

    async def main():
        async with Fetcher(**CAPS) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(server.url("/slow")) for _ in range(6)))

    started = time.monotonic()
    outcomes = asyncio.run(main())
    elapsed = time.monotonic() - started
    assert all(o.state is S.OK for o in outcomes)
    assert server.gauge.peak == 2
    assert 0.85 <= elapsed < 3.0  # three rounds of two


@pytest.mark.timeout(30)
def test_the_gauge_counts_a_request_only_until_its_answer_starts(server):
    """A handler still running after its answer (here: lingering 0.5 s) must not count beside
    the client's next request; counting it showed a peak of 9 under an overall cap of 8."""
    def answer_then_linger(conn):
        slow(0.1, RSS)(conn)
        conn.wait(0.5)

    server.routes["/linger"] = answer_then_linger

    async def main():
        async with Fetcher(**CAPS) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(server.url("/linger")) for _ in range(6)))

    outcomes = asyncio.run(main())
    assert all(o.state is S.OK for o in outcomes)
    assert server.gauge.peak == 2


@pytest.mark.timeout(30)
def test_at_most_eight_requests_at_a_time_overall():
    gauge = Gauge()
    servers = [FaultServer(gauge=gauge).start() for _ in range(6)]
    try:
        for srv in servers:
            srv.routes["/slow"] = slow(0.4, RSS)

        async def main():
            async with Fetcher(**CAPS) as fetcher:
                return await asyncio.gather(*(fetcher.fetch(srv.url("/slow")) for srv in servers for _ in range(3)))

        outcomes = asyncio.run(main())
    finally:
        for srv in servers:
            srv.close()
    assert all(o.state is S.OK for o in outcomes)
    assert gauge.peak == 8
    assert all(srv.own_gauge.peak <= 2 for srv in servers)


@pytest.mark.timeout(30)
def test_a_request_queued_behind_a_busy_host_keeps_its_own_deadline(server):
    """Two stalls hold the host's slots; a third request waits, then gets a full deadline."""
    server.routes["/stall"] = stall_after_head()
    server.routes["/feed"] = respond(200, {}, RSS)

    async def main():
        async with Fetcher(**CAPS) as fetcher:
            stalls = [asyncio.create_task(fetcher.fetch(server.url("/stall"))) for _ in range(2)]
            await asyncio.sleep(0.1)
            third = await fetcher.fetch(server.url("/feed"))
            return [await s for s in stalls], third

    stalls, third = asyncio.run(main())
    assert [s.state for s in stalls] == [S.TIMEOUT, S.TIMEOUT]
    assert third.state is S.OK and third.elapsed >= DEADLINE - 0.2


@pytest.mark.timeout(30)
def test_local_files_through_the_fetcher(tmp_path):
    page = tmp_path / "feed.xml"
    page.write_bytes(RSS)

    async def main():
        async with Fetcher(**CAPS) as fetcher:
            return [await fetcher.fetch(page.as_uri()),
                    await fetcher.fetch(page.as_uri(), previous_hash=body_hash(RSS)),
                    await fetcher.fetch((tmp_path / "nope.xml").as_uri()),
                    await fetcher.fetch("ftp://example.com/feed")]

    ok, same, missing, ftp = asyncio.run(main())
    assert ok.state is S.OK and ok.data == RSS
    assert same.state is S.UNCHANGED
    assert missing.state is S.FILE_ERROR and missing.error == "no such file"
    assert ftp.state is S.INVALID_URL
