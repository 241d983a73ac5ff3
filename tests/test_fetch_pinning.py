"""Connection pinning: the fetcher connects to the very addresses it checked, never to what a
second lookup might answer. Without it a host can pass the public-address check and then
resolve to a private address for the connection (DNS rebinding), which is how a public
source's redirect reaches a service on the user's own network.

The real server is on 127.0.0.1; the test resolver decides what each host name resolves to.
Where a test needs a public address, the connection attempt is recorded and refused in
process (tests only ever talk to 127.0.0.1)."""

from __future__ import annotations

import asyncio
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpcore
import pytest

from conftest import TEST_PUBLIC
from faultserver import FaultServer, respond
from feedtui import fetch as fetch_module
from feedtui.fetch import Fetcher, FetchState

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
#: A global address, refused in process by conftest's loopback_only (tests never leave the
#: machine); conftest's TEST_PUBLIC addresses are public to the checks but served locally.
ELSEWHERE = "1.2.3.4"
PUBLIC = TEST_PUBLIC[0]


class KeepAliveServer:
    """HTTP/1.1 on 127.0.0.1 that keeps connections open; counts connections and requests."""

    def __init__(self) -> None:
        owner = self
        self.connections = 0
        self.requests: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                owner.connections += 1
                super().setup()

            def do_GET(self):  # noqa: N802
                owner.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(RSS)))
                self.end_headers()
                self.wfile.write(RSS)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "KeepAliveServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 20))


def resolver(answers: dict[str, list[list[str]]], calls: list[str]):
    """Each lookup of a host takes the next of its answers (the last one repeats)."""
    async def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        queue = answers[host]
        return queue.pop(0) if len(queue) > 1 else queue[0]
    return resolve


def test_the_connection_goes_to_the_checked_address_with_the_name_kept():
    # "feeds.example" exists only in the test resolver: the request reaches the server only
    # if the connection uses the address that was checked, and the Host header keeps the name
    calls: list[str] = []
    with FaultServer() as server:
        server.routes["/f"] = respond(200, {"Content-Type": "application/rss+xml"}, RSS)

        async def main():
            async with Fetcher(resolver=resolver({"feeds.example": [["127.0.0.1"]]}, calls)) as f:
                return await f.fetch(f"http://feeds.example:{server.port}/f")

        outcome = run(main())
    assert outcome.state is FetchState.OK, outcome.error
    assert calls == ["feeds.example"]  # one lookup, used for the check and the connection
    assert [r.header("host") for r in server.requests] == [f"feeds.example:{server.port}".encode()]


def test_dns_rebinding_cannot_reach_a_private_address(loopback_only):
    # the subscribed host resolves to a public address for the check; the system's resolver
    # would say 127.0.0.1 ("localhost"). The connection must go to the checked address.
    calls: list[str] = []
    with FaultServer() as server:
        server.routes["/f"] = respond(200, {"Content-Type": "application/rss+xml"}, RSS)

        async def main():
            async with Fetcher(resolver=resolver({"localhost": [[ELSEWHERE]]}, calls)) as f:
                return await f.fetch(f"http://localhost:{server.port}/f")

        outcome = run(main())
    assert server.requests == []
    assert loopback_only == [(ELSEWHERE, server.port)]
    assert outcome.state is FetchState.CONNECTION


def test_every_checked_address_is_tried_in_turn(loopback_only):
    with FaultServer() as server:
        server.routes["/f"] = respond(200, {"Content-Type": "application/rss+xml"}, RSS)

        async def main():
            answers = {"feeds.example": [[ELSEWHERE, PUBLIC]]}
            async with Fetcher(resolver=resolver(answers, [])) as f:
                return await f.fetch(f"http://feeds.example:{server.port}/f")

        outcome = run(main())
    assert outcome.state is FetchState.OK, outcome.error
    assert loopback_only == [(ELSEWHERE, server.port), (PUBLIC, server.port)]


def test_a_connection_made_for_a_private_source_is_never_reused_for_a_public_one(loopback_only):
    # feeds.example first resolves to 127.0.0.1 (a private subscription: allowed) and the
    # connection stays open for reuse; then the name rebinds to a public address. The public
    # fetch must not ride on the kept-alive connection to the private address.
    with KeepAliveServer() as server:
        async def main():
            answers = {"feeds.example": [["127.0.0.1"], [ELSEWHERE]]}
            async with Fetcher(resolver=resolver(answers, [])) as f:
                private = await f.fetch(f"http://feeds.example:{server.port}/f")
                public = await f.fetch(f"http://feeds.example:{server.port}/f")
                return private, public

        private, public = run(main())
    assert private.state is FetchState.OK, private.error
    assert public.state is FetchState.CONNECTION, public
    assert server.requests == ["/f"]
    assert loopback_only == [("127.0.0.1", server.port), (ELSEWHERE, server.port)]


def test_kept_alive_connections_are_reused_within_one_kind(loopback_only):
    # pinning costs no keep-alive: polls of one kind share their connection
    with KeepAliveServer() as server:
        async def main():
            answers = {"feeds.example": [[PUBLIC]], "own.example": [["127.0.0.1"]]}
            async with Fetcher(resolver=resolver(answers, [])) as f:
                return [await f.fetch(f"http://{host}.example:{server.port}/f")
                        for host in ("feeds", "feeds", "own", "own")]

        outcomes = run(main())
    assert [o.state for o in outcomes] == [FetchState.OK] * 4
    assert len(server.requests) == 4 and server.connections == 2
    assert loopback_only == [(PUBLIC, server.port), ("127.0.0.1", server.port)]


def test_a_public_source_redirecting_to_a_private_name_is_refused(loopback_only):
    with FaultServer() as server:
        server.routes["/r"] = respond(302, {"Location": f"http://inside.example:{server.port}/f"})
        server.routes["/f"] = respond(200, {"Content-Type": "application/rss+xml"}, RSS)

        async def main():
            answers = {"public.example": [[PUBLIC]], "inside.example": [["10.0.0.7"]]}
            async with Fetcher(resolver=resolver(answers, [])) as f:
                return await f.fetch(f"http://public.example:{server.port}/r")

        outcome = run(main())
    assert outcome.state is FetchState.BAD_REDIRECT and "private" in outcome.error
    assert [r.path for r in server.requests] == ["/r"]
    assert loopback_only == [(PUBLIC, server.port)]


def test_the_pool_is_still_httpx_own():
    # the pinned backend sits inside httpx's transport: an httpx or httpcore release that
    # moves it must fail here, not silently connect by name again
    transport = fetch_module._pinned_transport(fetch_module.httpx.Limits())
    assert isinstance(transport._pool._network_backend, fetch_module._PinnedBackend)


def test_the_backend_connects_nowhere_without_a_pin():
    class Inner:
        slept: list[float] = []

        async def connect_tcp(self, *args, **kwargs):
            raise AssertionError("no connection may be opened")

        async def sleep(self, seconds):
            self.slept.append(seconds)

    inner = Inner()
    backend = fetch_module._PinnedBackend(inner)

    async def main():
        with pytest.raises(httpcore.ConnectError, match="no checked address"):
            await backend.connect_tcp("feeds.example", 80)
        token = fetch_module._PIN.set(("feeds.example", 80, ("127.0.0.1",), False))
        try:  # a pin for another host or port is no pin
            with pytest.raises(httpcore.ConnectError, match="no checked address"):
                await backend.connect_tcp("other.example", 80)
            with pytest.raises(httpcore.ConnectError, match="no checked address"):
                await backend.connect_tcp("feeds.example", 81)
        finally:
            fetch_module._PIN.reset(token)
        token = fetch_module._PIN.set(("feeds.example", 80, (), False))
        try:
            with pytest.raises(httpcore.ConnectError, match="no address"):
                await backend.connect_tcp("feeds.example", 80)
        finally:
            fetch_module._PIN.reset(token)
        with pytest.raises(httpcore.ConnectError, match="TCP only"):
            await backend.connect_unix_socket("/run/x.sock")
        await backend.sleep(0.5)

    run(main())
    assert inner.slept == [0.5]
