"""Read a source's bytes: a local path, a file:// URL or an http(s) URL.

`Fetcher` is the polite asynchronous fetcher the poller uses: one shared `httpx.AsyncClient`,
at most 2 requests at a time per host (scheme-less host:port, as browsers group
connections) and 8 overall; conditional GET with ETag and Last-Modified kept verbatim;
a total deadline per fetch; a raw and a decoded body cap enforced while decompressing (we
decode Content-Encoding ourselves, one layer at most, so a bomb stops at the cap);
redirects followed by hand (at most 5, http and https only, never from a public address to
a private one unless the subscribed URL is private). Every fetch ends in a `FetchOutcome`
with a named `FetchState`; nothing here raises for a misbehaving server.

`fetch(source, client)` is the blocking convenience that `feedtui dump` uses: it returns
`Fetched` or raises `FetchError` with one line naming the source. `make_client()` returns a
`SyncFetcher`, a thread-safe blocking facade over one `Fetcher` running on its own
event-loop thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import errno
import hashlib
import ipaddress
import re
import socket
import threading
import time
import zlib
from dataclasses import dataclass, replace
from enum import StrEnum
from http import HTTPStatus
from pathlib import Path
from typing import Awaitable, Callable
from urllib.parse import unquote, urlsplit

import brotli
import httpcore
import httpx

from . import __version__
from .politeness import http_date, parse_retry_after
from .sanitize import clean_line

USER_AGENT = f"feedtui/{__version__} (+https://pypi.org/project/feedtui-live/)"
ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json, "
          "application/json;q=0.9, text/html;q=0.9, */*;q=0.5")
#: The content codings we decode ourselves (zstd and compress are not offered).
ACCEPT_ENCODING = "gzip, deflate, br"
#: Largest body accepted, after decompression.
MAX_BYTES = 16 * 1024 * 1024
#: Largest body accepted on the wire (before decompression).
RAW_MAX_BYTES = 8 * 1024 * 1024
#: Whole-fetch deadline in seconds (redirects, connect, headers and body together).
DEADLINE = 30.0
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 10.0
MAX_REDIRECTS = 5
MAX_CONNECTIONS = 8
MAX_PER_HOST = 2
#: Largest piece of decoded output produced per decompressor call.
_STEP = 256 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchState(StrEnum):
    """How a fetch ended."""

    OK = "ok"                            # a new body in `data`
    NOT_MODIFIED = "not_modified"        # 304: nothing to parse
    UNCHANGED = "unchanged"              # 200 with the body hash seen last time: nothing to parse
    RATE_LIMITED = "rate_limited"        # 429 or 503; `retry_after` when the server said
    GONE = "gone"                        # 410: the source should be disabled
    HTTP_ERROR = "http_error"            # any other 4xx/5xx (or an unusable 3xx)
    TIMEOUT = "timeout"                  # the deadline (or a connect/read timeout) passed
    TOO_LARGE = "too_large"              # raw or decoded body cap exceeded
    BAD_ENCODING = "bad_encoding"        # stacked, unknown or corrupt content coding
    TRUNCATED = "truncated"              # the body ended early (connection closed or reset)
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    BAD_REDIRECT = "bad_redirect"        # non-http(s) target, or public -> private address
    BLOCKED = "blocked"                  # private address refused (allow_private=False)
    CONNECTION = "connection"            # refused, reset, unresolvable, no response
    EMPTY = "empty"                      # an empty body (or 204)
    INVALID_URL = "invalid_url"          # malformed URL or unsupported scheme
    FILE_ERROR = "file_error"            # a local source could not be read

    @property
    def failed(self) -> bool:
        """True when the poll counts as a failure (for backoff and the source's health)."""
        return self not in (FetchState.OK, FetchState.NOT_MODIFIED, FetchState.UNCHANGED)


@dataclass(frozen=True, slots=True)
class FetchOutcome:
    """How one fetch ended, and what the server said."""

    state: FetchState
    url: str = ""
    final_url: str = ""
    status: int | None = None
    data: bytes | None = None
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    retry_after: float | None = None
    error: str = ""
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.state is FetchState.OK


class FetchError(Exception):
    """A source could not be read; str() is one line naming the problem."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """The bytes of a source and what the server said about them."""

    url: str
    data: bytes
    content_type: str = ""
    status: int = 200


def is_url(source: str) -> bool:
    """True for http(s):// and file:// sources, False for plain paths."""
    return urlsplit(source).scheme.lower() in ("http", "https", "file")


def normalize_source(source: str) -> str:
    """A source as stored: URLs unchanged, paths made absolute file:// URLs."""
    if is_url(source):
        return source
    return Path(source).expanduser().resolve().as_uri()


def subscribable(source: str) -> tuple[str | None, str]:
    """(the URL to store, "") for a SOURCE the user typed, or (None, why it cannot be
    followed): not a URL feedtui reads, or a file that is not there."""
    url = normalize_source(source)
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return url, ""
    if parts.scheme == "file":
        path = local_path(url)
        if path is None or not path.exists():
            return None, "no such file"
        return url, ""
    return None, "not an http(s) URL, file:// URL or path"


def body_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _size(n: int) -> str:
    if n >= 1024 * 1024 and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)} MB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n // 1024} KB"
    return f"{n} bytes"


# ---------------------------------------------------------------------------------------------
# Local files


class _FileProblem(Exception):
    def __init__(self, state: FetchState, message: str):
        super().__init__(message)
        self.state = state


def _read_file(path: Path, cap: int) -> bytes:
    try:
        info = path.stat()
        if path.is_dir():
            raise _FileProblem(FetchState.FILE_ERROR, "is a directory, not a file")
        if not path.is_file():
            raise _FileProblem(FetchState.FILE_ERROR, "not a regular file")
        if info.st_size > cap:
            raise _FileProblem(FetchState.TOO_LARGE, f"file is larger than {_size(cap)}")
        with path.open("rb") as handle:
            data = handle.read(cap + 1)
    except FileNotFoundError:
        raise _FileProblem(FetchState.FILE_ERROR, "no such file") from None
    except IsADirectoryError:
        raise _FileProblem(FetchState.FILE_ERROR, "is a directory, not a file") from None
    except PermissionError:
        raise _FileProblem(FetchState.FILE_ERROR, "permission denied") from None
    except OSError as exc:
        raise _FileProblem(FetchState.FILE_ERROR,
                           f"cannot read ({clean_line(exc.strerror or exc, 100)})") from None
    if len(data) > cap:
        raise _FileProblem(FetchState.TOO_LARGE, f"file is larger than {_size(cap)}")
    return data


def local_path(source: str) -> Path | None:
    """The path of a file:// URL or a plain path; None for anything else."""
    parts = urlsplit(source)
    scheme = parts.scheme.lower()
    if scheme == "file":
        return Path(unquote(parts.path))
    if scheme and len(scheme) > 1:  # one letter: a Windows drive, i.e. a path
        return None
    return Path(source).expanduser()


# ---------------------------------------------------------------------------------------------
# Content decoding, bounded while decompressing


class _TooLarge(Exception):
    pass


class _Corrupt(Exception):
    pass


class _Incomplete(Exception):
    pass


class _Identity:
    def feed(self, data: bytes, room: int) -> bytes:
        if len(data) > room:
            raise _TooLarge
        return data

    def finish(self, room: int) -> bytes:
        return b""


class _Zlib:
    """gzip (wbits 31) or deflate (zlib-wrapped, or raw as some servers send it)."""

    def __init__(self, coding: str):
        self._gzip = coding == "gzip"
        self._d = zlib.decompressobj(31) if self._gzip else None
        self._head = b""

    def _pump(self, data: bytes, room: int) -> bytes:
        out = bytearray()
        d = self._d
        buf = data
        while not d.eof:  # trailing bytes after the stream are ignored, as browsers do
            limit = min(_STEP, room - len(out) + 1)  # never 0: that would mean "unlimited"
            piece = d.decompress(buf, limit)
            out += piece
            if len(out) > room:
                raise _TooLarge
            buf = d.unconsumed_tail
            if len(piece) < limit and not buf:
                break  # input used up and output not held back by the limit
        return bytes(out)

    def feed(self, data: bytes, room: int) -> bytes:
        if self._d is None:  # deflate: sniff for a zlib header in the first two bytes
            self._head += data
            if len(self._head) < 2:
                return b""
            cmf, flg = self._head[0], self._head[1]
            wrapped = (cmf & 0x0F) == 8 and ((cmf << 8) | flg) % 31 == 0
            self._d = zlib.decompressobj(15 if wrapped else -15)
            data, self._head = self._head, b""
        try:
            return self._pump(data, room)
        except zlib.error as exc:
            raise _Corrupt(f"corrupt {'gzip' if self._gzip else 'deflate'} data ({exc})") from None

    def finish(self, room: int) -> bytes:
        if self._d is None:
            raise _Incomplete
        out = self.feed(b"", room)
        if not self._d.eof:
            raise _Incomplete
        return out


class _Brotli:
    def __init__(self):
        self._d = brotli.Decompressor()

    def feed(self, data: bytes, room: int) -> bytes:
        d = self._d
        try:
            out = bytearray(d.process(data, output_buffer_limit=min(_STEP, room + 1)))
            if len(out) > room:
                raise _TooLarge
            # output_buffer_limit is a hint (one call may return more), and
            # can_accept_more_data() turns True while output is still held back: drain
            # with empty input until a call yields nothing (the cap still applies per piece)
            while True:
                piece = d.process(b"", output_buffer_limit=min(_STEP, room - len(out) + 1))
                if not piece:
                    break
                out += piece
                if len(out) > room:
                    raise _TooLarge
        except brotli.error as exc:
            raise _Corrupt(f"corrupt brotli data ({exc})") from None
        return bytes(out)

    def finish(self, room: int) -> bytes:
        out = self.feed(b"", room)
        if not self._d.is_finished():
            raise _Incomplete
        return out


def _codings(response: httpx.Response) -> list[str]:
    names = []
    for value in response.headers.get_list("content-encoding"):
        for item in value.split(","):
            item = item.strip().lower()
            if item and item != "identity":
                names.append(item)
    return names


def _decoder(codings: list[str]):
    if not codings:
        return _Identity()
    if len(codings) > 1:
        raise _Corrupt(f"stacked content codings ({clean_line(', '.join(codings), 80)}); at most one is accepted")
    coding = {"x-gzip": "gzip"}.get(codings[0], codings[0])
    if coding in ("gzip", "deflate"):
        return _Zlib(coding)
    if coding == "br":
        return _Brotli()
    raise _Corrupt(f"unsupported content coding {clean_line(coding, 40)!r}")


# ---------------------------------------------------------------------------------------------
# Addresses


def is_private_address(address: str) -> bool:
    """True for loopback, private, link-local, reserved, multicast and other non-global IPs."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True  # unknown: be careful
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (not ip.is_global or ip.is_private or ip.is_loopback or ip.is_link_local
            or ip.is_multicast or ip.is_reserved or ip.is_unspecified)


Resolver = Callable[[str, int], Awaitable[list[str]]]


async def system_resolver(host: str, port: int) -> list[str]:
    """The addresses of host (an IP literal resolves to itself)."""
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


def _header_ok(value: str | None) -> bool:
    """A stored validator that can go on the wire unchanged (visible latin-1, no controls)."""
    if not value or len(value) > 1024:
        return False
    return all(ch == "\t" or 0x20 <= ord(ch) <= 0xFF and ord(ch) != 0x7F for ch in value)


def _raw_header(response: httpx.Response, name: bytes) -> str | None:
    """A header's value exactly as the server sent it (bytes mapped 1:1 through latin-1)."""
    for key, value in response.headers.raw:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _reason(response: httpx.Response) -> str:
    phrase = clean_line(response.reason_phrase, 60)
    if not phrase:
        try:
            phrase = HTTPStatus(response.status_code).phrase
        except ValueError:
            phrase = ""
    return f"HTTP {response.status_code} {phrase}".rstrip()


def _describe(exc: BaseException) -> str:
    text = clean_line(exc, 160)
    return text or type(exc).__name__


#: A host one can look up or connect to: a name (IDNA already applied by httpx) or an IP
#: literal (httpx strips an IPv6 literal's brackets).
_HOST = re.compile(r"[A-Za-z0-9._-]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")
#: How httpx words a Location header it cannot read.
_BAD_LOCATION = "Invalid URL in location header"


def _unusable(target: httpx.URL) -> str:
    """What makes a parsed http(s) URL impossible to connect to ("" when nothing does)."""
    if not target.host:
        return "no host"
    if not _HOST.fullmatch(target.host):
        return f"host {clean_line(target.host, 80)!r}"
    if target.port is not None and not 0 < target.port < 65536:
        return f"port {target.port}"
    return ""


# ---------------------------------------------------------------------------------------------
# Connection pinning

#: The request being made: (host, port, the addresses checked for it, whether private
#: addresses are allowed). Set around each request, read where the connection is opened.
_PIN: contextvars.ContextVar[tuple[str, int, tuple[str, ...], bool] | None] = \
    contextvars.ContextVar("feedtui_fetch_pin", default=None)


class _PinnedBackend(httpcore.AsyncNetworkBackend):
    """Opens each connection to the addresses the fetcher checked for the request, in turn,
    never to what another lookup of the name would answer (DNS rebinding). TLS still
    verifies the certificate against the host name, and the Host header keeps it."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None, socket_options=None):
        pin = _PIN.get()
        if pin is None or pin[0] != host.lower() or pin[1] != port:
            raise httpcore.ConnectError(f"{clean_line(host, 80)}: no checked address to connect to")
        error: Exception = httpcore.ConnectError(f"{clean_line(host, 80)}: no address")
        for address in pin[2]:
            try:
                return await self._open(address, port, timeout=timeout, local_address=local_address,
                                        socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc  # the next address, as a system connect would
        raise error

    async def _open(self, address: str, port: int, **options):
        return await self._inner.connect_tcp(address, port, **options)

    async def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options=None):
        raise httpcore.ConnectError("feedtui connects over TCP only")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _pinned_transport(limits: httpx.Limits) -> httpx.AsyncHTTPTransport:
    transport = httpx.AsyncHTTPTransport(limits=limits)
    pool = transport._pool  # httpx keeps its httpcore pool here (checked by the tests)
    assert isinstance(pool, httpcore.AsyncConnectionPool)
    pool._network_backend = _PinnedBackend(pool._network_backend)
    return transport


class _PinnedTransports(httpx.AsyncBaseTransport):
    """Two pools of pinned connections: one for requests that may reach private addresses,
    one for those that may not, so that a kept-alive connection opened for a private
    subscription is never reused by a public source's request to the same name."""

    def __init__(self, limits: httpx.Limits) -> None:
        self._pools = {allowed: _pinned_transport(limits) for allowed in (False, True)}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        pin = _PIN.get()
        return await self._pools[bool(pin and pin[3])].handle_async_request(request)

    async def aclose(self) -> None:
        for transport in self._pools.values():
            await transport.aclose()


# ---------------------------------------------------------------------------------------------
# The fetcher


@dataclass(slots=True)
class _HostSlot:
    sem: asyncio.Semaphore
    users: int = 0


class _Redirect(Exception):
    def __init__(self, status: int, location: str | None):
        super().__init__(location)
        self.status = status
        self.location = location


class Fetcher:
    """The shared asynchronous fetcher; use one per event loop, close it with `aclose()`."""

    def __init__(self, *, deadline: float = DEADLINE, raw_cap: int = RAW_MAX_BYTES,
                 decoded_cap: int | None = None, connect_timeout: float = CONNECT_TIMEOUT,
                 read_timeout: float = READ_TIMEOUT, max_redirects: int = MAX_REDIRECTS,
                 max_connections: int = MAX_CONNECTIONS, max_per_host: int = MAX_PER_HOST,
                 user_agent: str = USER_AGENT, resolver: Resolver | None = None):
        self.deadline = deadline
        self.raw_cap = raw_cap
        self.decoded_cap = MAX_BYTES if decoded_cap is None else decoded_cap
        self.max_redirects = max_redirects
        self.max_per_host = max_per_host
        self._resolve = resolver or system_resolver
        self._total = asyncio.Semaphore(max_connections)
        self._hosts: dict[str, _HostSlot] = {}
        self.client = httpx.AsyncClient(
            headers={"User-Agent": user_agent, "Accept": ACCEPT, "Accept-Encoding": ACCEPT_ENCODING},
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout, pool=deadline),
            follow_redirects=False,
            transport=_PinnedTransports(httpx.Limits(max_connections=max_connections * 2,
                                                     max_keepalive_connections=max_connections)),
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    async def __aenter__(self) -> "Fetcher":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.aclose()

    @contextlib.asynccontextmanager
    async def _slots(self, key: str):
        """Hold one of the host's slots and then one of the overall slots (in that order, so
        that requests queued for a busy host never hold overall slots)."""
        slot = self._hosts.get(key)
        if slot is None:
            slot = self._hosts[key] = _HostSlot(asyncio.Semaphore(self.max_per_host))
        slot.users += 1
        try:
            async with slot.sem, self._total:
                yield
        finally:
            slot.users -= 1
            if slot.users == 0 and self._hosts.get(key) is slot:
                del self._hosts[key]

    async def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None,
                    previous_hash: str | None = None, allow_private: bool | None = None) -> FetchOutcome:
        """Fetch url once. etag and last_modified are the validators stored from the last
        response (echoed verbatim); previous_hash is the last body's `body_hash`.
        allow_private: None allows private addresses only when url itself is private."""
        started = time.monotonic()
        try:
            scheme = urlsplit(url).scheme.lower()
        except ValueError as exc:
            return FetchOutcome(FetchState.INVALID_URL, url, error=f"invalid URL ({_describe(exc)})")
        if scheme in ("http", "https"):
            outcome = await self._fetch_http(url, etag, last_modified, previous_hash, allow_private)
        elif scheme == "file" or len(scheme) <= 1:
            outcome = await asyncio.to_thread(self._fetch_file, url, previous_hash)
        else:
            outcome = FetchOutcome(FetchState.INVALID_URL, url,
                                   error=f"unsupported URL scheme {clean_line(scheme, 20)!r} (use http, https or file)")
        return _replace_elapsed(outcome, time.monotonic() - started)

    def _fetch_file(self, url: str, previous_hash: str | None) -> FetchOutcome:
        path = local_path(url)
        if path is None:
            return FetchOutcome(FetchState.INVALID_URL, url, error="unsupported URL")
        try:
            data = _read_file(path, self.decoded_cap)
        except _FileProblem as problem:
            return FetchOutcome(problem.state, url, error=str(problem))
        final = path.resolve().as_uri()
        digest = body_hash(data)
        if not data:
            return FetchOutcome(FetchState.EMPTY, url, final_url=final, body_hash=digest, error="empty file")
        if digest == previous_hash:
            return FetchOutcome(FetchState.UNCHANGED, url, final_url=final, body_hash=digest)
        return FetchOutcome(FetchState.OK, url, final_url=final, data=data, body_hash=digest)

    async def _fetch_http(self, url, etag, last_modified, previous_hash, allow_private) -> FetchOutcome:
        loop = asyncio.get_running_loop()
        headers: dict[str, bytes] = {}
        if _header_ok(etag):
            headers["If-None-Match"] = etag.encode("latin-1")
        if _header_ok(last_modified):
            headers["If-Modified-Since"] = last_modified.encode("latin-1")
        current = url
        seen: set[str] = set()
        allow = allow_private
        hop = 0
        budget = None

        def ending(state: FetchState, error: str = "", **fields) -> FetchOutcome:
            return FetchOutcome(state, url, final_url=current, error=error, **fields)

        def invalid(problem: str) -> FetchOutcome:
            """The subscribed URL, or the one a redirect points to, cannot be fetched."""
            if hop == 0:
                return ending(FetchState.INVALID_URL, f"invalid URL ({problem})")
            return ending(FetchState.BAD_REDIRECT, f"redirect to an invalid URL ({problem})")

        try:
            async with asyncio.timeout(None) as budget:
                while True:
                    try:
                        target = httpx.URL(current)
                    except (httpx.InvalidURL, ValueError, TypeError) as exc:
                        return invalid(_describe(exc))
                    if target.scheme not in ("http", "https"):
                        return ending(FetchState.BAD_REDIRECT,
                                      f"redirect to a {clean_line(target.scheme, 20)}: URL refused (http and https only)")
                    if not target.host and hop == 0:
                        return ending(FetchState.INVALID_URL, "URL without a host")
                    problem = _unusable(target)
                    if problem:
                        return invalid(problem)
                    port = target.port or (443 if target.scheme == "https" else 80)
                    seen.add(str(target.copy_with(fragment=None)))
                    async with self._slots(f"{target.host}:{port}"):
                        if hop == 0:
                            budget.reschedule(loop.time() + self.deadline)
                        # the address policy
                        try:
                            addresses = await self._resolve(target.host, port)
                        except (OSError, UnicodeError) as exc:
                            return ending(FetchState.CONNECTION, f"cannot resolve {clean_line(target.host, 80)} ({_describe(exc)})")
                        if not addresses:
                            return ending(FetchState.CONNECTION, f"cannot resolve {clean_line(target.host, 80)}")
                        private = any(is_private_address(a) for a in addresses)
                        if hop == 0:
                            if allow is None:
                                allow = private
                            elif private and not allow:
                                return ending(FetchState.BLOCKED, f"{clean_line(target.host, 80)} is a private address")
                        elif private and not allow:
                            return ending(FetchState.BAD_REDIRECT,
                                          f"redirect from a public address to a private one ({clean_line(target.host, 80)}) refused")
                        pinned = _PIN.set((target.raw_host.decode("ascii").lower(), port,
                                           tuple(addresses), bool(allow)))
                        try:
                            outcome = await self._request(target, current, url, headers, etag,
                                                          last_modified, previous_hash)
                        except _Redirect as redirect:
                            outcome = None
                            location, redirect_status = redirect.location, redirect.status
                        finally:
                            _PIN.reset(pinned)
                    if outcome is not None:
                        return outcome
                    if not location:
                        return ending(FetchState.HTTP_ERROR, f"HTTP {redirect_status} redirect without a Location")
                    try:
                        nxt = target.join(location.strip())
                    except (httpx.InvalidURL, ValueError, TypeError) as exc:
                        return ending(FetchState.BAD_REDIRECT, f"redirect to an invalid URL ({_describe(exc)})")
                    if nxt.scheme not in ("http", "https"):
                        return ending(FetchState.BAD_REDIRECT,
                                      f"redirect to a {clean_line(nxt.scheme, 20) or 'scheme-less'}: URL refused (http and https only)")
                    if str(nxt.copy_with(fragment=None)) in seen:
                        return ending(FetchState.REDIRECT_LOOP,
                                      f"redirect loop (back to {clean_line(str(nxt), 120)})")
                    hop += 1
                    if hop > self.max_redirects:
                        return ending(FetchState.TOO_MANY_REDIRECTS, f"too many redirects (more than {self.max_redirects})")
                    current = str(nxt)
        except TimeoutError:
            if budget is not None and budget.expired():
                return ending(FetchState.TIMEOUT, f"took longer than {self.deadline:g} s")
            return ending(FetchState.TIMEOUT, "timed out")

    async def _request(self, target: httpx.URL, current: str, url: str, headers: dict,
                       etag, last_modified, previous_hash) -> FetchOutcome:
        stage = "connect"

        def ending(state: FetchState, error: str = "", **fields) -> FetchOutcome:
            return FetchOutcome(state, url, final_url=current, error=error, **fields)

        try:
            async with self.client.stream("GET", target, headers=headers) as response:
                status = response.status_code
                content_type = clean_line(response.headers.get("content-type", ""), 200)
                new_etag = _raw_header(response, b"etag")
                new_modified = _raw_header(response, b"last-modified")
                if status in _REDIRECTS:
                    raise _Redirect(status, response.headers.get("location"))
                if status == 304:
                    return ending(FetchState.NOT_MODIFIED, status=status, content_type=content_type,
                                  etag=new_etag if new_etag is not None else etag,
                                  last_modified=new_modified if new_modified is not None else last_modified,
                                  body_hash=previous_hash)
                if status in (429, 503):
                    now = http_date(response.headers.get("date")) or time.time()
                    wait = parse_retry_after(response.headers.get("retry-after"), now)
                    note = f" (retry after {wait:g} s)" if wait is not None else ""
                    return ending(FetchState.RATE_LIMITED, _reason(response) + note, status=status,
                                  retry_after=wait, content_type=content_type)
                if status == 410:
                    return ending(FetchState.GONE, _reason(response) + " (removed for good by the publisher)",
                                  status=status, content_type=content_type)
                if status >= 300 or status < 200:
                    return ending(FetchState.HTTP_ERROR, _reason(response), status=status,
                                  content_type=content_type)
                fields = dict(status=status, content_type=content_type, etag=new_etag,
                              last_modified=new_modified)
                if status in (204, 205):
                    return ending(FetchState.EMPTY, f"{_reason(response)}: empty body", **fields)
                length = response.headers.get("content-length", "").strip()
                if length.isdigit() and int(length) > self.raw_cap:
                    return ending(FetchState.TOO_LARGE, f"body larger than {_size(self.raw_cap)} "
                                  f"(Content-Length {clean_line(length, 20)})", **fields)
                try:
                    decoder = _decoder(_codings(response))
                except _Corrupt as exc:
                    return ending(FetchState.BAD_ENCODING, str(exc), **fields)
                stage = "body"
                body = bytearray()
                raw = 0
                try:
                    async for chunk in response.aiter_raw():
                        raw += len(chunk)
                        if raw > self.raw_cap:
                            raise _TooLarge
                        body += decoder.feed(chunk, self.decoded_cap - len(body))
                    if raw:  # an empty body is empty whatever its declared coding
                        body += decoder.finish(self.decoded_cap - len(body))
                except _TooLarge:
                    limit = self.raw_cap if raw > self.raw_cap else self.decoded_cap
                    what = "body" if raw > self.raw_cap or isinstance(decoder, _Identity) else "decoded body"
                    return ending(FetchState.TOO_LARGE, f"{what} larger than {_size(limit)}", **fields)
                except _Corrupt as exc:
                    return ending(FetchState.BAD_ENCODING, str(exc), **fields)
                except _Incomplete:
                    return ending(FetchState.TRUNCATED, "body ended early (compressed stream incomplete)", **fields)
                data = bytes(body)
                del body
                if not data:
                    return ending(FetchState.EMPTY, "empty body", **fields)
                digest = body_hash(data)
                if digest == previous_hash:
                    return ending(FetchState.UNCHANGED, body_hash=digest, **fields)
                return ending(FetchState.OK, data=data, body_hash=digest, **fields)
        except _Redirect:
            raise
        except httpx.TimeoutException as exc:
            kind = {httpx.ConnectTimeout: "connect", httpx.PoolTimeout: "pool"}.get(type(exc), "read")
            return ending(FetchState.TIMEOUT, f"{kind} timed out")
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            if stage != "body" and str(exc).startswith(_BAD_LOCATION):
                detail = clean_line(str(exc).removeprefix(_BAD_LOCATION).lstrip(": ").rstrip("."), 160)
                return ending(FetchState.BAD_REDIRECT, f"redirect to an invalid URL ({detail or 'Location'})")
            if stage == "body":
                detail = _connection_message(exc)
                if detail.startswith(("cannot connect", "invalid response")):
                    detail = _describe(exc)
                return ending(FetchState.TRUNCATED, f"body ended early ({detail})")
            return ending(FetchState.CONNECTION, _connection_message(exc))
        except httpx.ConnectError as exc:
            return ending(FetchState.CONNECTION, _connection_message(exc))
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            return ending(FetchState.INVALID_URL, f"invalid URL ({_describe(exc)})")
        except (httpx.HTTPError, httpx.StreamError, OSError) as exc:
            return ending(FetchState.CONNECTION, f"{type(exc).__name__}: {_describe(exc)}")


def _causes(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _connection_message(exc: BaseException) -> str:
    for cause in _causes(exc):
        if isinstance(cause, ConnectionRefusedError) or getattr(cause, "errno", None) == errno.ECONNREFUSED:
            return "connection refused"
        if isinstance(cause, ConnectionResetError) or getattr(cause, "errno", None) == errno.ECONNRESET:
            return "connection reset"
    text = str(exc).lower()
    if "refused" in text:
        return "connection refused"
    if "reset" in text:
        return "connection reset"
    if "disconnected without sending a response" in text:
        return "server closed the connection without a response"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"invalid response ({_describe(exc)})"
    for cause in _causes(exc):
        if isinstance(cause, OSError) and cause.strerror:
            return f"cannot connect ({clean_line(cause.strerror, 100)})"
    return f"cannot connect ({_describe(exc)})"


def _replace_elapsed(outcome: FetchOutcome, elapsed: float) -> FetchOutcome:
    return replace(outcome, elapsed=round(elapsed, 3))


# ---------------------------------------------------------------------------------------------
# The blocking facade (feedtui dump)


class SyncFetcher:
    """A blocking, thread-safe facade over one `Fetcher` on its own event-loop thread."""

    def __init__(self, **options):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="feedtui-fetch", daemon=True)
        self._thread.start()
        self._fetcher = self._call(self._make(options))
        self._closed = False

    @staticmethod
    async def _make(options) -> Fetcher:
        return Fetcher(**options)

    def _call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def outcome(self, url: str, **kwargs) -> FetchOutcome:
        return self._call(self._fetcher.fetch(url, **kwargs))

    def fetch(self, source: str) -> Fetched:
        """The bytes of one http(s) source, or FetchError with a one-line reason."""
        outcome = self.outcome(source)
        if outcome.state is FetchState.OK:
            return Fetched(url=outcome.final_url or source, data=outcome.data or b"",
                           content_type=outcome.content_type, status=outcome.status or 200)
        raise FetchError(f"{source}: {outcome.error or outcome.state.value}")

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._call(self._fetcher.aclose())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(5)
            if not self._thread.is_alive():
                self._loop.close()

    def __enter__(self) -> "SyncFetcher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def make_client(**options) -> SyncFetcher:
    """The blocking fetcher `feedtui dump` shares between its sources."""
    options.setdefault("decoded_cap", MAX_BYTES)
    options.setdefault("deadline", DEADLINE)
    return SyncFetcher(**options)


def fetch(source: str, client: SyncFetcher | None = None) -> Fetched:
    """The bytes of one source (URL or path), or FetchError with a one-line reason."""
    scheme = urlsplit(source).scheme.lower()
    if scheme not in ("http", "https"):
        path = local_path(source)
        if path is None:
            raise FetchError(f"{source}: unsupported URL scheme {clean_line(scheme, 20)!r} (use http, https or file)")
        try:
            data = _read_file(path, MAX_BYTES)
        except _FileProblem as problem:
            raise FetchError(f"{source}: {problem}") from None
        return Fetched(url=path.resolve().as_uri(), data=data)
    if client is not None:
        return client.fetch(source)
    with make_client() as own:
        return own.fetch(source)
