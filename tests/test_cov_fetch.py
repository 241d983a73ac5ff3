"""The fetcher's less travelled paths: local files that cannot be read, decoders fed in
odd pieces, address checks, resolver failures, URLs that only httpx refuses, transport
errors of every kind, and the blocking facade."""

from __future__ import annotations

import asyncio
import errno
import os
import re
import socket
import zlib
from pathlib import Path

import brotli
import httpx
import pytest

from faultserver import FaultServer, respond
from feedtui import fetch as fetch_module
from feedtui.fetch import (Fetched, FetchError, Fetcher, FetchOutcome, FetchState, _Brotli,
                           _connection_message, _Corrupt, _decoder, _Identity, _Incomplete, _reason,
                           _size, _TooLarge, _Zlib, body_hash, fetch, is_private_address,
                           make_client, normalize_source, system_resolver)

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


def run(coro):
    return asyncio.run(coro)


async def _fetch(url, options=None, **kwargs) -> FetchOutcome:
    async with Fetcher(**(options or {})) as fetcher:
        return await fetcher.fetch(url, **kwargs)


# -- small values ---------------------------------------------------------------------------


def test_states_and_outcomes():
    assert not FetchState.OK.failed and not FetchState.NOT_MODIFIED.failed
    assert not FetchState.UNCHANGED.failed and FetchState.TIMEOUT.failed
    assert FetchOutcome(FetchState.OK).ok and not FetchOutcome(FetchState.EMPTY).ok


def test_sizes_and_sources(tmp_path):
    assert _size(3 * 1024 * 1024) == "3 MB"
    assert _size(5 * 1024) == "5 KB"
    assert _size(1500) == "1500 bytes"
    assert normalize_source("https://e.com/x") == "https://e.com/x"
    (tmp_path / "f.xml").write_bytes(RSS)
    assert normalize_source(str(tmp_path / "f.xml")) == (tmp_path / "f.xml").resolve().as_uri()


def test_addresses():
    assert is_private_address("not an address")
    assert is_private_address("::ffff:10.0.0.1")             # IPv4-mapped private
    assert not is_private_address("::ffff:8.8.8.8")
    assert is_private_address("fe80::1%eth0")                 # zone id ignored, link-local
    assert not is_private_address("1.1.1.1")


def test_system_resolver():
    assert run(system_resolver("127.0.0.1", 80)) == ["127.0.0.1"]
    assert "127.0.0.1" in run(system_resolver("localhost", 80)) or "::1" in run(system_resolver("localhost", 80))


def test_reason_without_a_phrase():
    assert _reason(httpx.Response(599, extensions={"reason_phrase": b""})) == "HTTP 599"
    assert _reason(httpx.Response(404, extensions={"reason_phrase": b""})) == "HTTP 404 Not Found"
    assert _reason(httpx.Response(500, extensions={"reason_phrase": b"Oops \x1b[31m"})) == "HTTP 500 Oops"


def test_connection_messages():
    assert _connection_message(httpx.ConnectError("Connection refused by peer")) == "connection refused"
    assert _connection_message(httpx.ReadError("connection was reset")) == "connection reset"
    assert _connection_message(httpx.ConnectError("boom")) == "cannot connect (boom)"
    inner = OSError(errno.EHOSTUNREACH, "No route to host")
    outer = httpx.ConnectError("wrapped")
    outer.__cause__ = inner
    assert _connection_message(outer) == "cannot connect (No route to host)"
    looped = httpx.ConnectError("loop")
    looped.__context__ = looped  # a cycle in the chain ends
    assert _connection_message(looped) == "cannot connect (loop)"


# -- decoders -------------------------------------------------------------------------------


def test_identity_cap():
    with pytest.raises(_TooLarge):
        _Identity().feed(b"x" * 11, 10)
    assert _Identity().finish(10) == b""


def test_deflate_sniffs_across_one_byte_pieces():
    packed = zlib.compress(RSS)  # zlib-wrapped
    d = _Zlib("deflate")
    assert d.feed(packed[:1], 10_000) == b""  # too little to sniff
    assert d.feed(packed[1:], 10_000) + d.finish(10_000) == RSS
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    body = raw.compress(RSS) + raw.flush()
    d = _Zlib("deflate")
    assert d.feed(body, 10_000) + d.finish(10_000) == RSS


def test_deflate_of_one_byte_is_incomplete():
    d = _Zlib("deflate")
    d.feed(b"x", 100)
    with pytest.raises(_Incomplete):
        d.finish(100)


def test_gzip_corrupt_and_incomplete():
    with pytest.raises(_Corrupt, match="corrupt gzip"):
        _Zlib("gzip").feed(b"\x1f\x8b\x08\x00" + b"\xff" * 50, 1000)
    d = _Zlib("gzip")
    d.feed(zlib.compressobj(6, zlib.DEFLATED, 31).compress(RSS * 50)[:30], 100_000)
    with pytest.raises(_Incomplete):
        d.finish(100_000)


def test_brotli_caps_and_truncation():
    packed = brotli.compress(b"z" * (1024 * 1024))
    with pytest.raises(_TooLarge):
        _Brotli().feed(packed, 10)                    # the first piece is over the cap
    with pytest.raises(_TooLarge):
        _Brotli().feed(packed, 300 * 1024)            # a later piece is
    d = _Brotli()
    assert d.feed(packed, 2 * 1024 * 1024) + d.finish(2 * 1024 * 1024) == b"z" * (1024 * 1024)
    cut = _Brotli()
    cut.feed(brotli.compress(os.urandom(5000))[:200], 100_000)
    with pytest.raises(_Incomplete):
        cut.finish(100_000)
    with pytest.raises(_Corrupt, match="corrupt brotli"):
        _Brotli().feed(b"\xff" * 64, 1000)


def test_decoder_choice():
    assert isinstance(_decoder([]), _Identity)
    assert isinstance(_decoder(["x-gzip"]), _Zlib)
    assert isinstance(_decoder(["br"]), _Brotli)
    with pytest.raises(_Corrupt, match="stacked"):
        _decoder(["gzip", "br"])
    with pytest.raises(_Corrupt, match="unsupported"):
        _decoder(["zstd"])


def test_identity_and_empty_codings_are_ignored():
    with FaultServer() as server:
        server.routes["/f"] = respond(200, [("Content-Encoding", "identity, "), ("Content-Type", "application/rss+xml")], RSS)
        outcome = run(_fetch(server.url("/f")))
    assert outcome.state is FetchState.OK and outcome.data == RSS


# -- local files ----------------------------------------------------------------------------


def test_local_files(tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS)
    ok = run(_fetch(feed.as_uri()))
    assert ok.state is FetchState.OK and ok.data == RSS
    same = run(_fetch(str(feed), previous_hash=body_hash(RSS)))
    assert same.state is FetchState.UNCHANGED and same.data is None
    (tmp_path / "empty.xml").write_bytes(b"")
    assert run(_fetch(str(tmp_path / "empty.xml"))).state is FetchState.EMPTY
    assert run(_fetch(str(tmp_path))).error == "is a directory, not a file"
    assert run(_fetch(str(tmp_path / "missing.xml"))).error == "no such file"
    big = run(_fetch(str(feed), {"decoded_cap": 10}))
    assert big.state is FetchState.TOO_LARGE and "larger than 10 bytes" in big.error


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_special_files(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    outcome = run(_fetch(str(fifo)))
    assert outcome.state is FetchState.FILE_ERROR and outcome.error == "not a regular file"


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_file_that_grows_past_its_stat_size():
    # /proc files report size 0 and then deliver more: the cap is enforced on what is read
    outcome = run(_fetch("/proc/self/status", {"decoded_cap": 16}))
    assert outcome.state is FetchState.TOO_LARGE and "16 bytes" in outcome.error


@pytest.mark.parametrize("exc,message", [
    (IsADirectoryError(errno.EISDIR, "Is a directory"), "is a directory, not a file"),
    (PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
    (OSError(errno.EIO, "Input/output error"), "cannot read (Input/output error)"),
])
def test_file_read_errors(tmp_path, monkeypatch, exc, message):
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS)

    def refuse(self, *args, **kwargs):
        raise exc
    monkeypatch.setattr(Path, "open", refuse)
    outcome = run(_fetch(str(feed)))
    assert outcome.state is FetchState.FILE_ERROR and outcome.error == message
    with pytest.raises(FetchError, match=re.escape(message)):
        fetch(str(feed))


def test_file_url_of_another_scheme_is_refused():
    fetcher_outcome = Fetcher.__new__(Fetcher)._fetch_file("gopher://x/1", None)
    assert fetcher_outcome.state is FetchState.INVALID_URL


# -- URLs, redirects, resolvers -------------------------------------------------------------


def test_urls_refused_before_any_request():
    assert run(_fetch("http://[::1")).state is FetchState.INVALID_URL            # urlsplit refuses
    assert run(_fetch("ftp://e.com/feed")).state is FetchState.INVALID_URL
    no_host = run(_fetch("http:///feed"))
    assert no_host.state is FetchState.INVALID_URL and "without a host" in no_host.error
    port = run(_fetch("http://e.com:badport/"))                                # only httpx refuses
    assert port.state is FetchState.INVALID_URL and port.error.startswith("invalid URL")


def test_non_http_target_inside_the_loop_is_refused():
    async def main():
        async with Fetcher() as fetcher:
            return await fetcher._fetch_http("ftp://e.com/", None, None, None, None)
    outcome = run(main())
    assert outcome.state is FetchState.BAD_REDIRECT and "ftp" in outcome.error


def _resolver(result):
    async def resolve(host, port):
        if isinstance(result, BaseException):
            raise result
        return result
    return resolve


def test_resolver_failures():
    failed = run(_fetch("http://feeds.example/", {"resolver": _resolver(socket.gaierror(-2, "Name or service not known"))}))
    assert failed.state is FetchState.CONNECTION and "cannot resolve feeds.example" in failed.error
    empty = run(_fetch("http://feeds.example/", {"resolver": _resolver([])}))
    assert empty.state is FetchState.CONNECTION and empty.error == "cannot resolve feeds.example"


def test_private_addresses_allowed_when_asked():
    with FaultServer() as server:
        server.routes["/f"] = respond(200, {"Content-Type": "application/rss+xml"}, RSS)
        outcome = run(_fetch(server.url("/f"), allow_private=True))
        blocked = run(_fetch(server.url("/f"), allow_private=False))
    assert outcome.state is FetchState.OK
    assert blocked.state is FetchState.BLOCKED


@pytest.mark.parametrize("location", ["http://[::1/x", "http://exa mple.com/feed", "http://%zz/feed",
                                      "https://feeds.example:99999/", "http://feeds.example:0/"])
def test_redirect_to_an_invalid_url(location):
    # whether httpx refuses the Location while reading the response or the URL it makes
    # names no host one could connect to, the outcome is a refused redirect, never a
    # connection problem that would send the user looking at their network
    with FaultServer() as server:
        server.routes["/r"] = respond(302, {"Location": location})
        outcome = run(_fetch(server.url("/r")))
    assert outcome.state is FetchState.BAD_REDIRECT, outcome
    assert outcome.error.startswith("redirect to an invalid URL"), outcome.error


def test_subscribed_url_with_an_impossible_host_or_port_is_invalid():
    for url in ("http://exa mple.com/feed", "https://feeds.example:99999/"):
        outcome = run(_fetch(url))
        assert outcome.state is FetchState.INVALID_URL and outcome.error.startswith("invalid URL"), outcome


def test_a_timeout_from_elsewhere_is_still_a_timeout(monkeypatch):
    async def boom(self, *args, **kwargs):
        raise TimeoutError
    monkeypatch.setattr(Fetcher, "_request", boom)
    outcome = run(_fetch("http://127.0.0.1:9/"))
    assert outcome.state is FetchState.TIMEOUT and outcome.error == "timed out"


# -- transport errors -----------------------------------------------------------------------


@pytest.mark.parametrize("error,state,text", [
    (httpx.UnsupportedProtocol("no"), FetchState.INVALID_URL, "invalid URL"),
    (httpx.InvalidURL("bad"), FetchState.INVALID_URL, "invalid URL"),
    (httpx.StreamConsumed(), FetchState.CONNECTION, "StreamConsumed"),
    (OSError(errno.ENETDOWN, "Network is down"), FetchState.CONNECTION, "OSError"),
    (httpx.ConnectTimeout("slow"), FetchState.TIMEOUT, "connect timed out"),
    (httpx.PoolTimeout("full"), FetchState.TIMEOUT, "pool timed out"),
    (httpx.ConnectError("Connection refused"), FetchState.CONNECTION, "connection refused"),
    (httpx.RemoteProtocolError("bad status line"), FetchState.CONNECTION, "invalid response"),
])
def test_transport_errors_are_named(error, state, text):
    def handler(request):
        raise error

    async def main():
        async with Fetcher(resolver=_resolver(["93.184.216.34"])) as fetcher:
            await fetcher.client.aclose()
            fetcher.client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
            return await fetcher.fetch("http://feeds.example/rss")
    outcome = run(main())
    assert outcome.state is state and text in outcome.error, outcome


def test_body_error_reading_raw_is_truncated():
    class Broken(httpx.AsyncByteStream):
        async def __aiter__(self):
            yield b"<rss>"
            raise httpx.ReadError("peer went away")

    def handler(request):
        return httpx.Response(200, headers={"Content-Type": "application/rss+xml"}, stream=Broken())

    async def main():
        async with Fetcher(resolver=_resolver(["93.184.216.34"])) as fetcher:
            await fetcher.client.aclose()
            fetcher.client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
            return await fetcher.fetch("http://feeds.example/rss")
    outcome = run(main())
    assert outcome.state is FetchState.TRUNCATED and "peer went away" in outcome.error


# -- the blocking facade --------------------------------------------------------------------


def test_sync_fetcher_and_fetch_with_a_client(tmp_path):
    with FaultServer() as server:
        server.routes["/f"] = respond(200, {"Content-Type": "application/rss+xml"}, RSS)
        server.routes["/e"] = respond(500, {}, b"x")
        client = make_client()
        try:
            got = fetch(server.url("/f"), client)
            assert got == Fetched(url=server.url("/f"), data=RSS, content_type="application/rss+xml", status=200)
            with pytest.raises(FetchError, match="HTTP 500"):
                fetch(server.url("/e"), client)
        finally:
            client.close()
        client.close()  # twice is fine
        assert fetch(server.url("/f")).data == RSS  # with a client of its own
    with pytest.raises(FetchError, match="unsupported URL scheme 'gopher'"):
        fetch("gopher://e.com/1")
    (tmp_path / "f.xml").write_bytes(RSS)
    assert fetch((tmp_path / "f.xml").as_uri()).data == RSS
    with pytest.raises(FetchError, match="no such file"):
        fetch(str(tmp_path / "nope.xml"))


def test_module_constants_are_sane():
    assert fetch_module.RAW_MAX_BYTES <= fetch_module.MAX_BYTES
    assert fetch_module.MAX_PER_HOST <= fetch_module.MAX_CONNECTIONS


@pytest.mark.parametrize("size", [100_000, 1_000_000, 5_000_000])
def test_large_brotli_page_decodes_whole(size):
    """A valid br body that expands past the decoder's output step comes out whole.

    brotli's output_buffer_limit is a hint: one call may return more than it, and
    can_accept_more_data() turns True while output is still held back; the decoder must
    drain until a call yields nothing (found by this file: 1 MB pages ended TRUNCATED)."""
    page = b"<html><body>" + b"<article><p>hello world</p></article>" * (size // 37) + b"</body></html>"
    with FaultServer() as server:
        server.routes["/b"] = respond(200, {"Content-Encoding": "br", "Content-Type": "text/html"},
                                      brotli.compress(page))
        outcome = run(_fetch(server.url("/b")))
    assert outcome.state is FetchState.OK, outcome.error
    assert outcome.data == page
