"""A raw-socket HTTP server on 127.0.0.1 that can misbehave on purpose.

Each route maps a path to a behaviour: a callable that gets a `Conn` (the parsed request and
the socket) and writes whatever it likes, or nothing at all. One thread per connection, one
request per connection (every well-formed response says `Connection: close`). `close()`
stops every behaviour that is still dripping or stalling and closes all sockets, so tests
always end by themselves.

    with FaultServer() as server:
        server.routes["/feed"] = respond(200, {"Content-Type": "application/rss+xml"}, b"<rss/>")
        server.routes["/slow"] = drip_body(interval=0.2)
        url = server.url("/feed")
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Request:
    method: str
    path: str
    head: bytes                                   # the raw request head, up to the blank line
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)

    def header(self, name: str) -> bytes | None:
        """A request header's raw value bytes (first occurrence), or None."""
        wanted = name.lower().encode()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None


class Gauge:
    """Counts requests in flight (thread-safe) and remembers the most seen at once."""

    def __init__(self):
        self._lock = threading.Lock()
        self.active = 0
        self.peak = 0

    def enter(self) -> None:
        with self._lock:
            self.active += 1
            self.peak = max(self.peak, self.active)

    def leave(self) -> None:
        with self._lock:
            self.active -= 1


class Conn:
    def __init__(self, server: "FaultServer", sock: socket.socket, request: Request | None):
        self.server = server
        self.sock = sock
        self.request = request
        self.in_flight = False

    def arrive(self) -> None:
        self.in_flight = True
        self.server.gauge.enter()
        self.server.own_gauge.enter()

    def answer(self) -> None:
        """The request stops counting as in flight once its answer starts: counting until the
        handler returns would let the client's next request, sent the moment it has this answer,
        be counted beside it (a peak the client never had)."""
        if self.in_flight:
            self.in_flight = False
            self.server.gauge.leave()
            self.server.own_gauge.leave()

    def send(self, data: bytes) -> None:
        self.answer()
        self.sock.sendall(data)

    def wait(self, seconds: float) -> bool:
        """Sleep; False when the server is stopping (the behaviour should return)."""
        return not self.server.stopping.wait(seconds)

    def reset(self) -> None:
        """Close with a TCP RST (SO_LINGER 0) instead of a FIN."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()


Behaviour = Callable[[Conn], None]


def head(status: int, headers: dict[str, str | bytes] | list[tuple[str, str | bytes]] | None = None,
         reason: str | None = None) -> bytes:
    """A raw response head; header values may be bytes (sent exactly as given)."""
    from http import HTTPStatus

    if reason is None:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Whatever"
    lines = [f"HTTP/1.1 {status} {reason}".encode()]
    items = headers.items() if isinstance(headers, dict) else (headers or [])
    names = set()
    for name, value in items:
        names.add(name.lower())
        lines.append(name.encode() + b": " + (value if isinstance(value, bytes) else value.encode("latin-1")))
    if "connection" not in names:
        lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n"


def respond(status: int = 200, headers=None, body: bytes = b"", reason: str | None = None,
            length: bool = True) -> Behaviour:
    """A complete, well-formed response (Content-Length added unless given or length=False)."""
    def behaviour(conn: Conn) -> None:
        items = list(headers.items() if isinstance(headers, dict) else (headers or []))
        if length and not any(n.lower() in ("content-length", "transfer-encoding") for n, _ in items):
            items.append(("Content-Length", str(len(body))))
        conn.send(head(status, items, reason) + body)
    return behaviour


def dynamic(make: Callable[[Request], tuple[int, dict, bytes]]) -> Behaviour:
    """A response computed from the request: make(request) -> (status, headers, body)."""
    def behaviour(conn: Conn) -> None:
        status, headers, body = make(conn.request)
        respond(status, headers, body)(conn)
    return behaviour


def slow(delay: float, body: bytes = b"ok", headers=None) -> Behaviour:
    """Wait `delay` seconds, then answer normally."""
    def behaviour(conn: Conn) -> None:
        if conn.wait(delay):
            respond(200, headers or {"Content-Type": "text/plain"}, body)(conn)
    return behaviour


def drip_body(interval: float = 0.2, byte: bytes = b"x", declared: int = 1_000_000) -> Behaviour:
    """Send the head at once, then one body byte per interval, for ever."""
    def behaviour(conn: Conn) -> None:
        conn.send(head(200, {"Content-Type": "text/html", "Content-Length": str(declared)}))
        for _ in range(declared):
            if not conn.wait(interval):
                return
            conn.send(byte)
    return behaviour


def drip_head(interval: float = 0.2) -> Behaviour:
    """Send the response head itself one byte per interval (it never completes)."""
    def behaviour(conn: Conn) -> None:
        data = b"HTTP/1.1 200 OK\r\n" + b"X-Padding: " + b"y" * 100_000
        for i in range(len(data)):
            if not conn.wait(interval):
                return
            conn.send(data[i:i + 1])
    return behaviour


def stall_after_head() -> Behaviour:
    """Send a head that promises a body, then nothing."""
    def behaviour(conn: Conn) -> None:
        conn.send(head(200, {"Content-Type": "application/rss+xml", "Content-Length": "5000"}) + b"<rss>")
        conn.wait(3600)
    return behaviour


def silence() -> Behaviour:
    """Read the request, never answer."""
    def behaviour(conn: Conn) -> None:
        conn.wait(3600)
    return behaviour


def endless(chunk: bytes = b"<p>" + b"x" * 16_381 + b"</p>", chunked: bool = True) -> Behaviour:
    """An endless body (chunked, or with no length until close), until the client leaves."""
    def behaviour(conn: Conn) -> None:
        if chunked:
            conn.send(head(200, {"Content-Type": "text/html", "Transfer-Encoding": "chunked"}))
            frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        else:
            conn.send(head(200, {"Content-Type": "text/html"}))
            frame = chunk
        while not conn.server.stopping.is_set():
            conn.send(frame)
    return behaviour


def truncated(body: bytes, declared: int) -> Behaviour:
    """Declare `declared` bytes, send `body` (shorter), then close."""
    def behaviour(conn: Conn) -> None:
        conn.send(head(200, {"Content-Type": "application/rss+xml", "Content-Length": str(declared)}) + body)
    return behaviour


def reset_before_response() -> Behaviour:
    def behaviour(conn: Conn) -> None:
        conn.reset()
    return behaviour


def reset_mid_body(body: bytes = b"<rss><channel>" * 100, declared: int = 100_000) -> Behaviour:
    def behaviour(conn: Conn) -> None:
        conn.send(head(200, {"Content-Type": "application/rss+xml", "Content-Length": str(declared)}) + body)
        conn.wait(0.05)
        conn.reset()
    return behaviour


def close_without_response() -> Behaviour:
    def behaviour(conn: Conn) -> None:
        conn.sock.shutdown(socket.SHUT_RDWR)
    return behaviour


def garbage(data: bytes = b"SSH-2.0-OpenSSH_9.6\r\nProtocol mismatch.\r\n") -> Behaviour:
    def behaviour(conn: Conn) -> None:
        conn.send(data)
    return behaviour


class FaultServer:
    """The server; routes may be changed while it runs. `requests` records every request;
    `gauge` counts requests in flight (pass one Gauge to several servers to count them together)."""

    def __init__(self, routes: dict[str, Behaviour] | None = None, gauge: Gauge | None = None,
                 read_request: bool = True):
        self.routes: dict[str, Behaviour] = dict(routes or {})
        self.requests: list[Request] = []
        self.gauge = gauge or Gauge()
        self.own_gauge = Gauge()
        self.read_request = read_request  # False: accept and never read (accept-then-silence)
        self.stopping = threading.Event()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._socks: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept_loop, name=f"fault-{self.port}", daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base + path

    def start(self) -> "FaultServer":
        self._acceptor.start()
        return self

    def __enter__(self) -> "FaultServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self.stopping.set()
        self._acceptor.join(2)
        with self._lock:
            socks = list(self._socks)
        for sock in socks:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in send or recv
            except OSError:
                pass
            try:
                sock.close()
            except OSError:
                pass
        for thread in list(self._threads):
            thread.join(2)
        self._listener.close()

    def _accept_loop(self) -> None:
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except (socket.timeout, TimeoutError):
                continue
            except OSError:
                return
            with self._lock:
                self._socks.add(sock)
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
            thread.start()

    def _read_head(self, sock: socket.socket) -> bytes | None:
        sock.settimeout(5)
        data = b""
        while b"\r\n\r\n" not in data:
            if len(data) > 65536 or self.stopping.is_set():
                return None
            try:
                piece = sock.recv(4096)
            except (TimeoutError, OSError):
                return None
            if not piece:
                return None
            data += piece
        return data.split(b"\r\n\r\n", 1)[0]

    def _serve(self, sock: socket.socket) -> None:
        try:
            if not self.read_request:
                self.stopping.wait(3600)
                return
            raw = self._read_head(sock)
            if raw is None:
                return
            lines = raw.split(b"\r\n")
            method, path, *_ = lines[0].decode("latin-1").split(" ") + ["", ""]
            headers = []
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                headers.append((name.strip(), value.strip(b" \t")))
            request = Request(method, path, raw, headers)
            self.requests.append(request)
            behaviour = self.routes.get(path) or respond(404, {"Content-Type": "text/plain"}, b"not found")
            conn = Conn(self, sock, request)
            conn.arrive()
            try:
                behaviour(conn)
            finally:
                conn.answer()
        except OSError:
            pass  # the client went away: fine
        finally:
            with self._lock:
                self._socks.discard(sock)
            try:
                sock.close()
            except OSError:
                pass


def refused_port() -> int:
    """A local port with nothing listening (bound, then closed)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
